"""WTForms of the submissions: one report form per service type, and the review form.

A report form takes its contract through the constructor, turns its flat fields into the JSON
of ``contracts.submissions.data`` (``to_data``) and, in ``validate()``, checks that JSON with the
same rules as the API, putting each message back on its field (``data.needy.dibao`` →
``needy_dibao``, ``data.incidents.2.risk`` → the third row's risk).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    FormField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FieldList
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.errors import DomainError, ValidationError
from app.forms import Form, RevisionField, SubForm
from app.uploads import ACCEPT
from contracts.submissions.data import (
    FIELD_LABELS,
    MAX_COUNT,
    MAX_ROSTER,
    MAX_TEXT,
    NEEDY_CATEGORIES,
    RISKS,
    SCHOOL_STAGES,
    SEVERITIES,
    STAFF_ROLES,
    WARDS,
    clean_data,
)

BLANK_INCIDENT_ROWS = 3
#: the revision of a report a page showed before there was one: no stored report is at it
NO_REPORT = 0


def _count(label: Any, minimum: int = 0) -> IntegerField:
    return IntegerField(label, validators=[Optional(), NumberRange(min=minimum, max=MAX_COUNT)],
                        render_kw={"min": minimum, "inputmode": "numeric"})


class IncidentRow(SubForm):
    """One row of the incidents table (no CSRF of its own: it lives inside the report form)."""

    risk = SelectField(_l("Risk"), choices=[("", "—")] + list(RISKS.items()),
                       validate_choice=False)
    severity = SelectField(_l("Severity"), choices=[("", "—")] + list(SEVERITIES.items()),
                           validate_choice=False)
    count = _count(_l("Count"), minimum=1)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def is_blank(self) -> bool:
        return not (self.risk.data or self.severity.data or self.count.data or
                    (self.note.data or "").strip())

    def to_json(self) -> dict:
        return {"risk": self.risk.data or None, "severity": self.severity.data or None,
                "count": self.count.data, "note": self.note.data or ""}

    @staticmethod
    def from_json(row: dict) -> dict:
        return row


class RosterRow(Form):
    """One child of an entrusted-care roster: the ID number (stored masked) or the masked ID
    of an earlier roster, the health check and the school stage."""

    child_id = StringField(_l("Child (ID number or masked ID)"),
                           validators=[Optional(), Length(max=30)])
    health_check = SelectField(_l("Health check this month"),
                               choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))],
                               validate_choice=False)
    school_stage = SelectField(_l("School stage"),
                               choices=[("", _l("Not in school"))] + list(SCHOOL_STAGES.items()),
                               validate_choice=False)

    def is_blank(self) -> bool:
        return not ((self.child_id.data or "").strip() or self.health_check.data or
                    self.school_stage.data)

    def to_json(self) -> dict:
        return {"child_id": (self.child_id.data or "").strip(),
                "health_check": self.health_check.data == "yes",
                "school_stage": self.school_stage.data or None}

    @staticmethod
    def from_json(row: dict) -> dict:
        return {"child_id": row.get("child_id"),
                "health_check": "yes" if row.get("health_check") else "no",
                "school_stage": row.get("school_stage") or ""}


#: the row form of each table
TABLE_ROWS: dict[str, type[IncidentRow] | type[RosterRow]] = {"incidents": IncidentRow,
                                                              "roster": RosterRow}


class ReportForm(Form):
    """The fields every report form shares; subclasses name their scalars, texts and groups."""

    #: top-level whole numbers
    scalars: tuple[str, ...] = ()
    #: top-level texts
    texts: tuple[str, ...] = ()
    #: groups of numbers: name → {key: label}; fields are ``<group>_<key>``
    groups: dict[str, dict] = {}
    #: groups that may be left empty even on submission
    optional_groups: tuple[str, ...] = ()
    #: lists of rows (a FieldList of row forms), by name
    tables: tuple[str, ...] = ()

    #: the revision of the report the page showed (NO_REPORT: none yet); a colleague
    #: of the same provider saving since is a 409, not silently overwritten
    revision = RevisionField()
    attachments = MultipleFileField(_l("Attach files"), render_kw={"accept": ACCEPT},
                                    description=_l("PDF, JPEG or PNG images, or Office files; "
                                                   "at most 20 MB each."))
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit report"))

    def __init__(self, contract, *args, **kwargs):
        self.contract = contract
        self.cleaned: dict | None = None
        #: per table, the indices of its non-blank entries (the rows sent to the rules)
        self._rows: dict[str, list[int]] = {}
        super().__init__(*args, **kwargs)

    # ---- JSON in and out ----------------------------------------------------------------
    @classmethod
    def flatten(cls, data: dict | None) -> dict:
        """A stored report's JSON as this form's field data."""
        data = data or {}
        flat = {name: data.get(name) for name in cls.scalars + cls.texts}
        for group, keys in cls.groups.items():
            for key in keys:
                flat[f"{group}_{key}"] = (data.get(group) or {}).get(key)
        for name in cls.tables:
            if name in data:
                flat[name] = [TABLE_ROWS[name].from_json(row) for row in data[name]]
        return flat

    def to_data(self) -> dict:
        data: dict[str, Any] = {name: getattr(self, name).data for name in self.scalars}
        data.update({name: getattr(self, name).data or "" for name in self.texts})
        for group, keys in self.groups.items():
            data[group] = {key: getattr(self, f"{group}_{key}").data for key in keys
                           if getattr(self, f"{group}_{key}").data is not None}
        for name in self.tables:
            entries = getattr(self, name).entries
            self._rows[name] = [i for i, entry in enumerate(entries) if not entry.form.is_blank()]
            data[name] = [entries[i].form.to_json() for i in self._rows[name]]
        if "roster" in self.tables and not data["roster"]:
            data["roster"] = None  # no child listed: the rules say whether one was needed
        return data

    # ---- validation ---------------------------------------------------------------------
    @property
    def is_submit(self) -> bool:
        return bool(self.submit.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            self.cleaned = clean_data(self.contract, self.to_data(), complete=self.is_submit)
        except ValidationError as error:
            self.apply_error(error)
            return False
        return True

    def _field_for(self, path: str):
        parts = path.removeprefix("data.").split(".")
        if parts[0] in self.tables and len(parts) == 3 and parts[1].isdigit():
            index, rows = int(parts[1]), self._rows.get(parts[0], [])
            if index < len(rows):
                return getattr(self, parts[0]).entries[rows[index]].form[parts[2]]
        return self._fields.get("_".join(parts)) or self._fields.get(parts[0])

    def apply_error(self, error: DomainError) -> None:
        """A service's refusal on the form: each message on its field, the rest on top."""
        placed = False
        for path, messages in error.fields.items():
            field = self._field_for(path) if path.startswith("data.") else None
            if path == "file":
                field = self.attachments
            if field is None or isinstance(field, FieldList):
                label = FIELD_LABELS.get(path.removeprefix("data.").split(".")[0])
                self.form_errors.extend(f"{label}: {m}" if label else m for m in messages)
            else:
                field.errors = list(field.errors) + list(messages)
                table = path.removeprefix("data.").split(".")[0]
                if table in self.tables:  # the list's errors were taken before the rules ran
                    getattr(self, table).errors = [e.errors for e in getattr(self, table)]
            placed = True
        if not placed or not error.fields:
            self.form_errors.append(error.message)

    def blank_rows(self, name: str) -> int:
        """Empty rows offered below the filled ones of a table."""
        return BLANK_INCIDENT_ROWS

    def pad_rows(self) -> None:
        for name in self.tables:
            table = getattr(self, name)
            blanks = sum(1 for e in table.entries if e.form.is_blank())
            wanted = self.blank_rows(name) - blanks
            if table.max_entries is not None:  # a list past it refuses another row with a 500
                wanted = min(wanted, table.max_entries - len(table.entries))
            for _ in range(max(0, wanted)):
                table.append_entry()

    def uploads(self) -> list:
        return [f for f in (self.attachments.data or []) if getattr(f, "filename", "")]


def _add_groups(cls: type[ReportForm]) -> type[ReportForm]:
    for group, keys in cls.groups.items():
        for key, label in keys.items():
            setattr(cls, f"{group}_{key}", _count(label))
    return cls


@_add_groups
class HouseholdSurveyReportForm(ReportForm):
    scalars = ("households_visited",)
    texts = ("problems",)
    groups = {"needy": NEEDY_CATEGORIES}

    households_visited = _count(FIELD_LABELS["households_visited"])
    problems = TextAreaField(FIELD_LABELS["problems"], validators=[Length(max=MAX_TEXT)],
                             render_kw={"rows": 4})


@_add_groups
class FacilityOperationReportForm(ReportForm):
    scalars = ("admissions", "departures", "fire_drills", "complaints_received",
               "complaints_resolved")
    groups = {"occupancy": WARDS, "staff": STAFF_ROLES}

    admissions = _count(FIELD_LABELS["admissions"])
    departures = _count(FIELD_LABELS["departures"])
    fire_drills = _count(FIELD_LABELS["fire_drills"])
    complaints_received = _count(FIELD_LABELS["complaints_received"])
    complaints_resolved = _count(FIELD_LABELS["complaints_resolved"])
    tables = ("incidents",)
    incidents = FieldList(FormField(IncidentRow), label=FIELD_LABELS["incidents"],
                          max_entries=100)


@_add_groups
class EntrustedCareReportForm(ReportForm):
    """The counts may be left empty: they are derived from the roster."""

    scalars = ("children_in_care", "health_checks", "children_in_school")
    groups = {"school_stages": SCHOOL_STAGES}
    tables = ("roster",)

    children_in_care = _count(FIELD_LABELS["children_in_care"])
    health_checks = _count(FIELD_LABELS["health_checks"])
    children_in_school = _count(FIELD_LABELS["children_in_school"])
    roster = FieldList(FormField(RosterRow), label=FIELD_LABELS["roster"],
                       max_entries=MAX_ROSTER)

    def to_data(self) -> dict:
        data = super().to_data()
        if data["roster"] is not None and not any(data["school_stages"].values()):
            del data["school_stages"]  # derived from the roster
        return data

    def blank_rows(self, name: str) -> int:
        entrusted = int((self.contract.targets or {}).get("children", 0))
        filled = sum(1 for e in self.roster.entries if not e.form.is_blank())
        return max(BLANK_INCIDENT_ROWS, entrusted - filled)


class OtherReportForm(ReportForm):
    texts = ("summary",)

    summary = TextAreaField(FIELD_LABELS["summary"], validators=[Length(max=MAX_TEXT)],
                            render_kw={"rows": 8},
                            description=_l("What was delivered in the period; attach the "
                                           "evidence below."))


REPORT_FORMS: dict[str, type[ReportForm]] = {
    "household_survey": HouseholdSurveyReportForm,
    "facility_operation": FacilityOperationReportForm,
    "entrusted_care": EntrustedCareReportForm,
    "other": OtherReportForm,
}


def report_form(contract, submission=None, **kwargs) -> ReportForm:
    """The report form of the contract's service type, filled from ``submission`` on GET."""
    cls = REPORT_FORMS[str(contract.service_type)]
    if submission is not None:
        kwargs.setdefault("data", cls.flatten(submission.data))
    kwargs.setdefault("revision", shown_revision(submission))
    return cls(contract, **kwargs)


def shown_revision(submission) -> int:
    """The revision a report page carries: the stored report's, or NO_REPORT."""
    return submission.revision if submission is not None else NO_REPORT


class ReviewForm(Form):
    decision = RadioField(_l("Decision"), choices=[("approved", _l("Approve")),
                                                   ("returned", _l("Return for correction"))],
                          validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=MAX_TEXT)],
                            render_kw={"rows": 3},
                            description=_l("Required when returning: say what must be "
                                           "corrected."))
    revision = RevisionField()
    submit = SubmitField(_l("Record review"))
