"""Exports: Excel workbooks of results and performance, region codes, the OCDS package."""
