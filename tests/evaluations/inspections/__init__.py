"""Tests of inspections: services, the field form, pages, photos, API and the browser."""
