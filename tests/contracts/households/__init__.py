"""Tests of household-survey records: the file engine, the import, lists, spot checks."""
