"""HTML pages of providers, facilities, procurement and contracts, and the home page's cards."""
