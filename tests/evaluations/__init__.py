"""Tests of the evaluations feature: templates, inspections, scoring, actions, campaigns."""
