"""Exports: Excel workbooks of results and performance, the OCDS open-data package."""
