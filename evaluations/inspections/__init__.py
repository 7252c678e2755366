"""Inspections: filling a template about a facility or contract, photos, scores, finalizing."""
