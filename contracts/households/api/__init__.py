"""``/api/v1`` endpoints of household surveys: the records (import, list, full ID), the
assistance standards and the spot checks. A contract, record, standard or spot check the
caller may not see answers 404."""

from contracts.households.api import records, spot_checks, standards
from contracts.households.api.blueprint import blp

__all__ = ["blp", "records", "spot_checks", "standards"]
