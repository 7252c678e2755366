"""Providers' periodic service reports: schedule, forms per service type, review cycle and
the reminders of reports due."""
