"""Tests of campaigns: planning, yearly repeats, progress, pages and API."""
