"""Documents attached to providers, procurements and contracts, checked by content."""
