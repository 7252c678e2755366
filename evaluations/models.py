"""Models of the evaluations feature: assessment templates, inspections, corrective actions."""
