"""WTForms of the contracts pages. Field names are the services' field names (``credit_code``,
``region_code``, ``provider_id``, ...), so a service's ``ValidationError`` lands on the field
it names (``app.forms.apply_errors``). The rules themselves live in the services; forms only
check what a browser can get wrong on its own (a missing field, a malformed number or date).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import Form, RevisionField
from app.lookups import LookupField
from app.users.models import User
from app.users.provider_lookup import ProviderLookup
from contracts.labels import (
    FACILITY_KIND_LABELS,
    METHOD_LABELS,
    PROVIDER_KIND_LABELS,
    REPORTING_LABELS,
    SERVICE_TYPE_LABELS,
)
from contracts.listing import region_options
from contracts.lookups import NameableFacilityLookup
from contracts.models import DEFAULT_WEIGHTS, ProviderStatus
from contracts.target_fields import add_target_fields, same_targets, targets_of, targets_posted

#: rows of installment inputs on the contract form
INSTALLMENT_ROWS = 6


def _choices(labels: dict, blank: Any = None) -> list[tuple[str, Any]]:
    head = [("", blank)] if blank is not None else []
    return head + list(labels.items())


def region_choices(user: User) -> list[tuple[str, str]]:
    indent = {0: "", 1: "— ", 2: "—— ", 3: "——— "}
    return [("", "—")] + [(r.code, f"{indent[r.level.depth]}{r.name} ({r.code})")
                          for r in region_options(user)]


# ---- providers ---------------------------------------------------------------------------

class ProviderForm(Form):
    revision = RevisionField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    # the service tidies a pasted code (spaces around it, full-width, lower case) and checks
    # it: 18 here refused what it would have taken
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[DataRequired(), Length(max=40)],
                              description=_l("18 characters, ending with a check character."))
    kind = SelectField(_l("Kind"), choices=_choices(PROVIDER_KIND_LABELS),
                       validators=[DataRequired()])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    contact_email = StringField(_l("Contact e-mail"), validators=[Optional(), Length(max=254)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        return {name: (getattr(self, name).data or "").strip() for name in (
            "name", "credit_code", "kind", "contact_name", "contact_phone", "contact_email",
            "address")}


class ProviderStatusForm(Form):
    #: a status chosen on a page opened before another officer changed it (reinstating a
    #: provider a colleague had just debarred) is refused, showing the status as it is now
    revision = RevisionField()
    status = SelectField(_l("New status"), choices=[
        (ProviderStatus.SUSPENDED.value, _l("Suspend")),
        (ProviderStatus.DEBARRED.value, _l("Debar")),
        (ProviderStatus.ACTIVE.value, _l("Reactivate")),
    ], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)],
                           description=_l("Kept in the provider's history."))
    submit = SubmitField(_l("Change status"))


class QualificationForm(Form):
    cert_type = StringField(_l("Certificate"), validators=[DataRequired(), Length(max=100)],
                            description=_l("e.g. 民办非企业单位登记证书"))
    number = StringField(_l("Number"), validators=[DataRequired(), Length(max=100)])
    issuer = StringField(_l("Issuer"), validators=[Optional(), Length(max=200)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()],
                            description=_l("Leave empty when it does not expire."))
    submit = SubmitField(_l("Add qualification"))


# ---- facilities --------------------------------------------------------------------------

class FacilityForm(Form):
    revision = RevisionField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(FACILITY_KIND_LABELS),
                       validators=[DataRequired()])
    region_code = SelectField(_l("Region"), validators=[DataRequired()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    beds_self_care = IntegerField(_l("Self-care beds"), validators=[Optional(), NumberRange(0)])
    beds_semi_disabled = IntegerField(_l("Semi-disabled beds"),
                                      validators=[Optional(), NumberRange(0)])
    beds_disabled = IntegerField(_l("Disabled beds"), validators=[Optional(), NumberRange(0)])
    beds = IntegerField(_l("Total beds"), validators=[Optional(), NumberRange(0)],
                        description=_l("Empty: the sum of the wards."))
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    latitude = DecimalField(_l("Latitude"), places=None, validators=[Optional()],
                            description=_l("Degrees north, e.g. 29.841500: WGS-84 as a phone's "
                                           "GPS shows it. Coordinates copied from Chinese web "
                                           "maps (GCJ-02) lie some hundred metres off."))
    longitude = DecimalField(_l("Longitude"), places=None, validators=[Optional()],
                             description=_l("Degrees east, e.g. 114.322400."))
    wards = StringField(render_kw={"hidden": True})  # carries ward errors only
    submit = SubmitField(_l("Save"))

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices(user)

    def values(self) -> dict[str, Any]:
        wards = {ward: getattr(self, f"beds_{ward}").data
                 for ward in ("self_care", "semi_disabled", "disabled")
                 if getattr(self, f"beds_{ward}").data is not None}
        return dict(name=self.name.data, kind=self.kind.data, region=self.region_code.data,
                    address=self.address.data or "", beds=self.beds.data, wards=wards,
                    opened_on=self.opened_on.data, latitude=self.latitude.data,
                    longitude=self.longitude.data)


# ---- procurement -------------------------------------------------------------------------

class ProcurementForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    service_type = SelectField(_l("Service type"), choices=_choices(SERVICE_TYPE_LABELS),
                               validators=[DataRequired()])
    method = SelectField(_l("Method"), choices=_choices(METHOD_LABELS),
                         validators=[DataRequired()])
    region_code = SelectField(_l("Region"), validators=[DataRequired()])
    facility_id = LookupField(_l("Facility"), description=_l("Required for facility operation."),
                              hint=_l("Type a few characters of the name"))
    budget = StringField(_l("Budget (yuan)"), validators=[DataRequired()])
    justification = TextAreaField(
        _l("Justification"), validators=[Optional(), Length(max=5000)],
        description=_l("Required for a single-source purchase: why no other supplier can "
                       "provide the service."))
    published_on = DateField(_l("Published on"), validators=[Optional()])
    bid_deadline = DateField(_l("Bid deadline"), validators=[Optional()])
    #: the procurement as the page showed it (``procurement.procurement_stamp``: it has no
    #: revision): an edit sent after another officer's is refused, not saved over theirs
    seen = HiddenField(validators=[Length(max=40)])
    submit = SubmitField(_l("Save"))

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices(user)
        self.facility_id.offer(NameableFacilityLookup(user), url_for("contracts.facility_lookup"))

    def values(self) -> dict[str, Any]:
        return dict(title=self.title.data, service_type=self.service_type.data,
                    method=self.method.data, region=self.region_code.data,
                    facility=self.facility_id.data or None, budget=self.budget.data,
                    justification=self.justification.data or "",
                    published_on=self.published_on.data, bid_deadline=self.bid_deadline.data)


class BidForm(Form):
    provider_id = LookupField(_l("Provider"), validators=[DataRequired()],
                              hint=_l("Type a few characters of the name or credit code"))
    price = StringField(_l("Price (yuan)"), validators=[DataRequired()])
    technical_score = StringField(_l("Technical score"), validators=[Optional()],
                                  description=_l("0–100, from the evaluation panel."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Add bid"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider_id.offer(ProviderLookup(), url_for("contracts.provider_lookup"))


class ReasonForm(Form):
    """Cancel a procurement."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Cancel procurement"))


# ---- contracts ---------------------------------------------------------------------------

class ContractForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    service_type = SelectField(_l("Service type"), choices=_choices(SERVICE_TYPE_LABELS),
                               validators=[DataRequired()])
    provider_id = LookupField(_l("Provider"), validators=[DataRequired()],
                              hint=_l("Type a few characters of the name or credit code"))
    region_code = SelectField(_l("Region"), validators=[DataRequired()],
                              description=_l("For entrusted care: the county that entrusts its "
                                             "children."))
    facility_id = LookupField(_l("Facility"),
                              description=_l("Required for facility operation, and for "
                                             "entrusted care: the child welfare centre."),
                              hint=_l("Type a few characters of the name"))
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()],
                         description=_l("The last day of service (inclusive)."))
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired()])
    reporting = SelectField(_l("Reporting"), choices=_choices(REPORTING_LABELS),
                            validators=[DataRequired()])
    report_due_days = IntegerField(_l("Report due (days after the period)"), default=10,
                                   validators=[Optional(), NumberRange(0, 90)])
    targets = StringField(render_kw={"hidden": True})  # carries target errors only
    weight_inspection = IntegerField(_l("Weight: inspections"),
                                     default=DEFAULT_WEIGHTS["inspection"],
                                     validators=[Optional(), NumberRange(0, 100)])
    weight_timeliness = IntegerField(_l("Weight: timeliness"),
                                     default=DEFAULT_WEIGHTS["timeliness"],
                                     validators=[Optional(), NumberRange(0, 100)])
    weight_targets = IntegerField(_l("Weight: targets"), default=DEFAULT_WEIGHTS["targets"],
                                  validators=[Optional(), NumberRange(0, 100)])
    revision = RevisionField()
    weights = StringField(render_kw={"hidden": True})  # carries weight errors only
    installments = StringField(render_kw={"hidden": True})  # carries schedule errors only
    submit = SubmitField(_l("Save draft"))

    def __init__(self, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices(user)
        self.facility_id.offer(NameableFacilityLookup(user), url_for("contracts.facility_lookup"))
        self.provider_id.offer(ProviderLookup(), url_for("contracts.provider_lookup"))

    def schedule_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"share_{n}"], self[f"due_{n}"]) for n in range(1, INSTALLMENT_ROWS + 1)]

    def schedule(self) -> list[dict[str, Any]] | None:
        """The filled installment rows (None when all are blank: keep or default)."""
        rows = [{"share_percent": share.data, "due_date": due.data}
                for share, due in self.schedule_rows()
                if (share.data or "").strip() or due.data]
        return rows or None

    def fill_schedule(self, installments) -> None:
        for (share, due), item in zip(self.schedule_rows(), installments, strict=False):
            share.data = f"{item.share_percent:g}"
            due.data = item.due_date

    def values(self) -> dict[str, Any]:
        return dict(
            title=self.title.data, service_type=self.service_type.data,
            provider=self.provider_id.data, region=self.region_code.data,
            facility=self.facility_id.data or None, start_date=self.start_date.data,
            end_date=self.end_date.data, amount=self.amount.data, reporting=self.reporting.data,
            report_due_days=10 if self.report_due_days.data is None
            else self.report_due_days.data,
            targets=targets_of(self),
            weights={"inspection": self.weight_inspection.data or 0,
                     "timeliness": self.weight_timeliness.data or 0,
                     "targets": self.weight_targets.data or 0})


add_target_fields(ContractForm)

for _n in range(1, INSTALLMENT_ROWS + 1):
    setattr(ContractForm, f"share_{_n}", StringField(_l("Share (%%) of installment %(n)d", n=_n),
                                                     validators=[Optional()]))
    setattr(ContractForm, f"due_{_n}", DateField(_l("Due date of installment %(n)d", n=_n),
                                                 validators=[Optional()]))


class TransitionForm(Form):
    to = StringField(render_kw={"hidden": True}, validators=[DataRequired()])
    # no length check here: the page shows no form errors and the view answers one with a
    # bare 400; the service refuses a long reason saying so, on the page
    reason = TextAreaField(_l("Reason"), validators=[Optional()])
    revision = RevisionField()


class AmendmentForm(Form):
    amount = StringField(_l("New amount (yuan)"), validators=[Optional()])
    end_date = DateField(_l("New end date"), validators=[Optional()])
    targets = StringField(render_kw={"hidden": True})  # carries target errors only
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    revision = RevisionField()
    submit = SubmitField(_l("Amend contract"))

    def changes(self, current_targets: dict | None = None) -> dict[str, Any]:
        """What the officer changed; the targets (shown filled in) only when they differ."""
        changes: dict[str, Any] = {}
        if (self.amount.data or "").strip():
            changes["amount"] = self.amount.data.strip()
        if self.end_date.data:
            changes["end_date"] = self.end_date.data
        targets = targets_of(self)
        # a post without target inputs (not from this form) leaves the targets as they are
        if targets_posted(self) and not same_targets(targets, current_targets or {}):
            changes["targets"] = targets
        return changes


add_target_fields(AmendmentForm)


class PaymentForm(Form):
    paid_amount = StringField(_l("Amount paid (yuan)"), validators=[DataRequired()])
    submit = SubmitField(_l("Record payment"))
