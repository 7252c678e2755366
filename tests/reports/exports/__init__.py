"""Tests of the Excel exports and the OCDS release package."""
