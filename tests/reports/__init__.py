"""Tests of the reports feature: scorecards, performance, dashboards and exports."""
