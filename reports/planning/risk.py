"""The risk score and next due date of one home or contract, from its history: pure functions.

A score is a reason to look, never a verdict. Every point it holds is a :class:`Reason` the
officer reads beside the date ("why this date").

The rule (weights in :mod:`.weights`):

- history points = last finalized grade + a falling trend + failed veto items, incidents,
  late or returned reports and appeals in the look-back + open corrective actions by severity
  (an overdue one counted ``overdue_factor`` times);
- next due = the last on-site inspection + ``base_interval_days`` − history points ×
  ``days_per_point``, never less than ``min_interval_days``; never inspected on site: today;
- risk = history points (+ ``never_inspected``) + ``overdue_per_30_days`` per full 30 days past
  the due date: time overdue ranks a target higher without moving its date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _

from evaluations.labels import GRADE_LABELS, SEVERITY_LABELS
from reports.planning.weights import Weights


class Finalized(NamedTuple):
    """A current finalized inspection: its day, total, band code and failed veto items (a
    tuple: a city's plan makes 60,000 of them)."""

    day: date
    total: Decimal | None
    grade: str | None
    failed_vetoes: int = 0
    inspection_id: int | None = None
    #: the template's code: a trend compares results of the same kind of assessment only
    template: str = ""


@dataclass
class History:
    """What the bureau's data say about one target; lists in any order."""

    last_onsite: date | None = None
    last_onsite_id: int | None = None
    finalized: list[Finalized] = field(default_factory=list)
    #: open (not closed) corrective actions: (severity code, deadline)
    open_actions: list[tuple[str, date]] = field(default_factory=list)
    #: incidents reported by the provider: (day reported, severity code, count)
    incidents: list[tuple[date, str, int]] = field(default_factory=list)
    #: reports: (day first submitted, late, returned at least once)
    reports: list[tuple[date, bool, bool]] = field(default_factory=list)
    #: days appeals were lodged
    appeals: list[date] = field(default_factory=list)


class Reason(NamedTuple):
    """One cause of a target's points (a tuple: a city's plan makes thousands of them)."""

    code: str
    points: float
    values: dict

    @property
    def text(self) -> str:
        return reason_text(self)


@dataclass
class Assessment:
    risk: float
    next_due: date
    reasons: list[Reason]
    history_points: float
    interval_days: int | None

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.next_due).days)


def _num(value: float) -> float:
    return round(float(value), 1)


def _grade_and_trend(history: History, w: Weights) -> list[Reason]:
    # newest first; of one day's, the one with the lower id first
    done = sorted(history.finalized, key=lambda f: (f.day, -(f.inspection_id or 0)),
                  reverse=True)
    if not done:
        return []
    reasons = []
    last = done[0]
    key = f"grade_{last.grade}"
    if last.grade and key in w.values and w[key]:
        reasons.append(Reason("grade", w[key], {"grade": last.grade, "day": last.day,
                                                "inspection_id": last.inspection_id}))
    scored = [f for f in done if f.total is not None]
    scored = [f for f in scored if f.template == scored[0].template] if scored else []
    if len(scored) >= 2 and scored[0].total < scored[1].total:
        drop = float(scored[1].total - scored[0].total)
        points = min(w["trend_cap"], drop * w["trend_per_point"])
        if points:
            reasons.append(Reason("trend", points, {"before": scored[1].total,
                                                    "after": scored[0].total}))
    return reasons


def lookback_start(w: Weights, today: date) -> date:
    """The first day of the look-back: events before it no longer count (the plan's statements
    select by it too)."""
    return today - timedelta(days=int(w["lookback_days"]))


def _events(history: History, w: Weights, today: date) -> list[Reason]:
    if not (history.finalized or history.incidents or history.reports or history.appeals):
        return []
    since = lookback_start(w, today)
    reasons = []
    vetoes = sum(f.failed_vetoes for f in history.finalized if f.day >= since)
    if vetoes and w["veto_failure"]:
        reasons.append(Reason("veto_failure", vetoes * w["veto_failure"], {"count": vetoes}))
    for severity in ("major", "serious", "minor"):
        count = sum(n for day, sev, n in history.incidents if sev == severity and day >= since)
        weight = w.values.get(f"incident_{severity}", 0)
        if count and weight:
            reasons.append(Reason(f"incident_{severity}", count * weight, {"count": count}))
    recent = [r for r in history.reports if r[0] >= since]
    late = sum(1 for _d, is_late, _r in recent if is_late)
    returned = sum(1 for _d, _l, was_returned in recent if was_returned)
    if late and w["late_report"]:
        reasons.append(Reason("late_report", late * w["late_report"], {"count": late}))
    if returned and w["returned_report"]:
        reasons.append(Reason("returned_report", returned * w["returned_report"],
                              {"count": returned}))
    appeals = sum(1 for day in history.appeals if day >= since)
    if appeals and w["appeal"]:
        reasons.append(Reason("appeal", appeals * w["appeal"], {"count": appeals}))
    return reasons


def _actions(history: History, w: Weights, today: date) -> list[Reason]:
    if not history.open_actions:
        return []
    reasons = []
    for severity in ("red", "orange", "yellow", "blue"):
        weight = w.values.get(f"action_{severity}", 0)
        deadlines = [d for sev, d in history.open_actions if sev == severity]
        overdue = sum(1 for d in deadlines if d < today)
        if not deadlines or not weight:
            continue
        points = (len(deadlines) - overdue) * weight + overdue * weight * w["overdue_factor"]
        reasons.append(Reason(f"action_{severity}", points,
                              {"count": len(deadlines), "overdue": overdue}))
    return reasons


def assess(history: History, w: Weights, today: date) -> Assessment:
    """The risk, the next due date and the reasons of one target's ``history`` on ``today``."""
    reasons = (_grade_and_trend(history, w) + _events(history, w, today)
               + _actions(history, w, today))
    points = _num(sum(r.points for r in reasons))
    if history.last_onsite is None:
        due, interval = today, None
        reasons.append(Reason("never_inspected", w["never_inspected"], {}))
    else:
        interval = int(max(w["min_interval_days"],
                           w["base_interval_days"] - points * w["days_per_point"]))
        due = history.last_onsite + timedelta(days=interval)
        reasons.insert(0, Reason("interval", 0, {"last": history.last_onsite, "days": interval,
                                                 "points": points, "due": due,
                                                 "inspection_id": history.last_onsite_id}))
    late_days = (today - due).days
    if late_days >= 30 and w["overdue_per_30_days"]:
        reasons.append(Reason("overdue", (late_days // 30) * w["overdue_per_30_days"],
                              {"days": late_days}))
    risk = _num(sum(r.points for r in reasons))
    return Assessment(risk=risk, next_due=due, reasons=reasons, history_points=points,
                      interval_days=interval)


def reason_text(reason: Reason) -> str:
    """The reason in the user's language, with its figures."""
    v = dict(reason.values)
    for key, value in v.items():
        if isinstance(value, date):
            v[key] = value.isoformat()
    n = v.get("count", 0)
    texts = {
        "interval": lambda: _("Last inspected on site %(last)s; %(points)s history points "
                              "shorten the yearly interval to %(days)s days: due %(due)s.", **v),
        "grade": lambda: _("Last finalized grade (%(day)s): %(grade)s.",
                           **(v | {"grade": GRADE_LABELS.get(v["grade"], v["grade"])})),
        "trend": lambda: _("The total fell from %(before)s to %(after)s.", **v),
        "veto_failure": lambda: _("%(count)d failed veto item(s) in the look-back.", count=n),
        "incident_major": lambda: _("%(count)d major incident(s) reported.", count=n),
        "incident_serious": lambda: _("%(count)d serious incident(s) reported.", count=n),
        "incident_minor": lambda: _("%(count)d minor incident(s) reported.", count=n),
        "late_report": lambda: _("%(count)d report(s) submitted late.", count=n),
        "returned_report": lambda: _("%(count)d report(s) returned for correction.", count=n),
        "appeal": lambda: _("%(count)d appeal(s) lodged.", count=n),
        "never_inspected": lambda: _("Never inspected on site: due now."),
        "overdue": lambda: _("%(days)s days past the due date.", **v),
    }
    for severity in ("red", "orange", "yellow", "blue"):
        texts[f"action_{severity}"] = lambda severity=severity: _(
            "%(count)d open corrective action(s), severity %(severity)s, %(overdue)d overdue.",
            severity=SEVERITY_LABELS[severity], **v)
    text = texts.get(reason.code)
    return text() if text else reason.code
