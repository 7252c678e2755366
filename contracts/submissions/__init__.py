"""Providers' periodic service reports: schedule, forms per service type, review cycle."""
