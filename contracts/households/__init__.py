"""Household-survey records: import, masking, anomaly flags, standards and spot checks."""
