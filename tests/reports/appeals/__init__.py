"""Tests of appeals (申诉/复核)."""
