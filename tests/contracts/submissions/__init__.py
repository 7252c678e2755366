"""Tests of the service reports: schedule, review cycle, pages, API, demo seed, reminders."""
