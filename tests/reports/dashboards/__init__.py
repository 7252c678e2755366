"""Tests of the dashboards of each role and the reports panel of the home page."""
