"""What the performance page and PDF say in words: the veto, the figures counted, the target rule.

One wording for both, so the page and the printed scorecard never tell two stories.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from evaluations.assessment.bands import grade_label
from evaluations.scoring import round_score
from reports.performance.services import Performance


def score_text(value) -> str:
    """A score as every page, PDF and API shows it: one decimal, half up (``'%.1f'`` of a
    float made 84.25 "84.2" on the page and 84.3 on the card); "—" for none (the template
    filter ``score``)."""
    if value is None:
        return "—"
    return f"{round_score(value if isinstance(value, Decimal) else Decimal(str(value)))}"


def veto_notice(p: Performance) -> str | None:
    """The sentence that comes first when a veto item failed in the period, or elsewhere in
    the contract's term (the performance-linked installment pays for all of it)."""
    if not p.failed_critical and p.failed_critical_in_term:
        return _("A critical (veto) item failed in the contract's term, outside this period: "
                 "the performance-linked installment pays for the whole term, so the grade is "
                 "%(grade)s whatever the period's composite, and %(share)s %% of the "
                 "installment is payable.", grade=grade_label(p.grade),
                 share=score_text(p.payment_share))
    if not p.failed_critical:
        return None
    if p.composite_grade and p.composite_grade != p.grade:
        return _("A critical (veto) item failed in the period: the grade is %(grade)s whatever "
                 "the composite (%(composite)s alone would be %(would)s), and %(share)s %% of the "
                 "performance-linked installment is payable.", grade=grade_label(p.grade),
                 composite=score_text(p.composite), would=grade_label(p.composite_grade),
                 share=score_text(p.payment_share))
    return _("A critical (veto) item failed in the period: the grade is %(grade)s whatever the "
             "composite, and %(share)s %% of the performance-linked installment is payable.",
             grade=grade_label(p.grade), share=score_text(p.payment_share))


def veto_lines(p: Performance) -> list[str]:
    return [_("Inspection #%(id)d of %(day)s: %(item)s", id=f.inspection_id,
              day=f.day.isoformat(), item=f.text or _("item %(id)s", id=f.item_id))
            for f in p.failed_critical + p.failed_critical_in_term]


def target_text(targets: dict) -> str:
    """``Achieved 600 of a target of 302 (1200 for the contract, pro-rated ...)``."""
    text = _("Achieved %(achieved)s of a target of %(target)s", achieved=targets["achieved"],
             target=targets["target"])
    if targets.get("prorated"):
        text += " " + _("(%(total)s for the contract, pro-rated to the %(days)d of its "
                        "%(all)d days in this period and rounded to whole units)",
                        total=targets["contract_target"], days=targets["days"],
                        all=targets["contract_days"])
    return text


def figure_lines(p: Performance) -> dict[str, list[str]]:
    """Per component, the figures that went into it."""
    d = p.details
    counted = d.get("counted_inspections", [])
    inspections = [_("Inspections counted: %(list)s", list=", ".join(
        f"#{i.id} ({i.day.isoformat()}, {score_text(i.total)})" for i in counted))
        if counted else _("No finalized inspection in the period.")]
    if d.get("agreement_rate") is not None:
        inspections.append(_(
            "Spot-check agreement %(rate)s %% (spot checks of %(periods)s), averaged with the "
            "inspections' mean %(mean)s; it is counted here only.",
            rate=score_text(d["agreement_rate"]), periods=", ".join(d["agreement_periods"]),
            mean=score_text(d.get("inspection_mean"))))
    timeliness = [_("Reports due: %(due)d, on time: %(ok)d", due=d.get("reports_due", 0),
                    ok=d.get("reports_on_time", 0))]
    if d.get("reports_excused"):
        timeliness.append(ngettext(
            "Not counted: %(num)d report falling due while the contract was suspended.",
            "Not counted: %(num)d reports falling due while the contract was suspended.",
            d["reports_excused"]))
    targets = [target_text(d["targets"])] if d.get("targets") else []
    return {"inspection": inspections, "timeliness": timeliness, "targets": targets}
