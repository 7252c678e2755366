"""HTML pages of household-survey records: the records themselves (upload, list, progress, full
ID view, anomalies), the assistance standards and the spot checks. Thin: the rules live in the
modules of ``contracts.households``."""

from contracts.households.views import records, spot_checks, standards

__all__ = ["records", "spot_checks", "standards"]
