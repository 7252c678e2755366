"""Tests of the documents of providers, procurements and contracts."""
