"""Corrective actions (整改): findings a provider must fix by a deadline."""
