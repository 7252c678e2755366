"""Tests of corrective actions: services, suggestions, pages and API."""
