"""HTML pages of providers, facilities, procurement and contracts."""
