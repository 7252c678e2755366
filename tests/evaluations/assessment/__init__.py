"""Tests of assessment templates: the built-in files, services, editors, pages and API."""
