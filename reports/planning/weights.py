"""The weights of the inspection risk score: the one place they live.

Each weight is a number of risk points (or days) and is shown to the officer on the plan page
("why this date"). A bureau changes them through the app config ``INSPECTION_RISK_WEIGHTS``
(a mapping, or a JSON object in the environment variable of the same name), key by key; a
key not named keeps its default. Unknown keys and non-numbers are refused at first use, so
that a typing error never silently plans with the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

#: the defaults, with what each means (the officer reads these on the plan page)
DEFAULTS: dict[str, tuple[float, Any]] = {
    "base_interval_days": (365, _l("Days between on-site inspections of a home with no risk "
                                   "points (art. 38: at least once a year)")),
    "min_interval_days": (30, _l("The shortest interval, however high the risk")),
    "days_per_point": (3, _l("Days the interval shortens per risk point of the history")),
    "lookback_days": (365, _l("How far back incidents, reports, appeals and veto failures "
                              "count")),
    "grade_fail": (30, _l("Points when the last finalized grade is fail")),
    "grade_pass": (12, _l("Points when the last finalized grade is pass")),
    "grade_good": (4, _l("Points when the last finalized grade is good")),
    "trend_per_point": (1, _l("Points per point the total fell between the last two "
                              "finalized inspections")),
    "trend_cap": (20, _l("At most this many points for a falling trend")),
    "veto_failure": (40, _l("Points per failed veto item (一票否决) in the look-back")),
    "action_red": (15, _l("Points per open red corrective action")),
    "action_orange": (10, _l("Points per open orange corrective action")),
    "action_yellow": (5, _l("Points per open yellow corrective action")),
    "action_blue": (2, _l("Points per open blue corrective action")),
    "overdue_factor": (2, _l("An open action past its deadline counts this many times")),
    "incident_minor": (1, _l("Points per minor incident reported (nine risks)")),
    "incident_serious": (5, _l("Points per serious incident reported")),
    "incident_major": (15, _l("Points per major incident reported")),
    "late_report": (3, _l("Points per report submitted late")),
    "returned_report": (3, _l("Points per report returned for correction")),
    "appeal": (4, _l("Points per appeal lodged")),
    "never_inspected": (50, _l("Points for a target never inspected on site")),
    "overdue_per_30_days": (5, _l("Points per 30 days past the due date (ranking only; the "
                                  "date does not move)")),
}


class WeightsError(ValueError):
    """The configured weights cannot be used."""


@dataclass(frozen=True)
class Weights:
    values: Mapping[str, float]

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def rows(self) -> list[tuple[str, float, str]]:
        """(key, value, meaning) in the order of :data:`DEFAULTS`, for the page and the API."""
        return [(key, self.values[key], str(meaning)) for key, (_d, meaning) in DEFAULTS.items()]


def make_weights(overrides: Mapping[str, Any] | str | None = None) -> Weights:
    """The defaults with ``overrides`` (a mapping or a JSON object) applied."""
    if isinstance(overrides, str):
        try:
            overrides = json.loads(overrides) if overrides.strip() else {}
        except ValueError as error:
            raise WeightsError(f"INSPECTION_RISK_WEIGHTS is not JSON: {error}") from None
    overrides = overrides or {}
    if not isinstance(overrides, Mapping):
        raise WeightsError("INSPECTION_RISK_WEIGHTS must be an object")
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise WeightsError(f"unknown risk weights: {', '.join(unknown)}")
    values = {key: default for key, (default, _m) in DEFAULTS.items()}
    for key, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise WeightsError(f"risk weight {key} must be a number >= 0")
        values[key] = value
    if values["base_interval_days"] < values["min_interval_days"]:
        raise WeightsError("base_interval_days must not be below min_interval_days")
    return Weights(values)


def current_weights() -> Weights:
    """The weights of the running app (its config)."""
    return make_weights(current_app.config.get("INSPECTION_RISK_WEIGHTS"))
