"""What a report holds for each service type, and its rules (one place for the HTML form and the
API alike).

``clean_data(contract, data, complete=True)`` returns the cleaned JSON or raises
``ValidationError`` whose fields are the API's names: ``data.households_visited``,
``data.needy.dibao``, ``data.occupancy.self_care``, ``data.incidents.0.risk``,
``data.roster.3.child_id``... A draft is checked with ``complete=False``: missing numbers are
allowed, wrong ones are not.

Entrusted care reports the roster of the children in care: one row per child
``{"child_id", "health_check", "school_stage"}``. A child is named by the resident ID number
(checked, then stored MASKED: first 6 + ******** + last 4; the full number is never stored) or
by the masked form of an earlier roster. The counts of the report (children in care, health
checks, children in school and by stage) are derived from the roster when left out, and must
agree with it when given. A submitted report needs the roster unless no child is in care.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from stdnum.cn.ric import calc_check_digit

from app import clock
from app.errors import ValidationError

# ---- the vocabulary ----------------------------------------------------------------------

NEEDY_CATEGORIES = {
    "dibao": _l("Subsistence allowance (低保)"),
    "tekun": _l("Extreme poverty support (特困)"),
    "near_poor": _l("Near-poor (低保边缘)"),
    "hardship": _l("Hardship from unavoidable expenses (刚性支出困难)"),
    "temporary": _l("Temporary assistance (临时救助)"),
}
WARDS = {"self_care": _l("Self-care"), "semi_disabled": _l("Semi-disabled"),
         "disabled": lazy_pgettext("ward", "Disabled")}
STAFF_ROLES = {
    "managers": _l("Managers"),
    "care_workers": _l("Care workers"),
    "medical_staff": _l("Medical staff"),
    "social_workers": _l("Social workers"),
    "support_staff": _l("Cooks and cleaners"),
    "others": _l("Other staff"),
}
#: the nine risks of GB 38600-2019 (九防)
RISKS = {
    "choking": _l("Choking (噎食)"),
    "wrong_intake": _l("Wrong food or medicine (食品药品误食)"),
    "pressure_sores": _l("Pressure sores (压疮)"),
    "scalds": _l("Scalds (烫伤)"),
    "falls_from_bed": _l("Falls from bed (坠床)"),
    "falls": _l("Falls (跌倒)"),
    "harm": _l("Harm by others or self-harm (他伤和自伤)"),
    "wandering": _l("Wandering away (走失)"),
    "recreation": _l("Recreation accidents (文娱活动意外)"),
}
SEVERITIES = {"minor": _l("Minor"), "serious": _l("Serious"), "major": _l("Major")}
SCHOOL_STAGES = {
    "preschool": _l("Pre-school"),
    "primary": _l("Primary school"),
    "junior": _l("Junior secondary"),
    "senior": _l("Senior secondary"),
    "vocational": _l("Vocational"),
    "higher": _l("Higher education"),
}

#: labels of the top-level numbers and texts, for pages and messages
FIELD_LABELS = {
    "households_visited": _l("Households visited"),
    "needy": _l("Needy households identified"),
    "problems": _l("Problems met"),
    "occupancy": _l("Residents by ward"),
    "admissions": _l("Admissions"),
    "departures": _l("Departures"),
    "staff": _l("Staff"),
    "incidents": _l("Incidents"),
    "fire_drills": _l("Fire drills held"),
    "complaints_received": _l("Complaints received"),
    "complaints_resolved": _l("Complaints resolved"),
    "children_in_care": _l("Children in care"),
    "health_checks": _l("Health checks done"),
    "children_in_school": _l("Children in school"),
    "school_stages": _l("Children in school by stage"),
    "roster": _l("Roster of the children in care"),
    "summary": _l("Report"),
}
MAX_TEXT = 5000
MAX_INCIDENTS = 100
MAX_ROSTER = 1000
ROSTER_KEYS = ("child_id", "health_check", "school_stage")
_FULL_ID = re.compile(r"[0-9]{17}[0-9X]")
_MASKED_ID = re.compile(r"[0-9]{6}\*{8}[0-9]{3}[0-9X]")
MAX_COUNT = 1_000_000


class _Checker:
    def __init__(self, complete: bool):
        self.complete = complete
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(f"data.{path}", []).append(message)

    def count(self, raw: Any, path: str, *, required: bool = True, minimum: int = 0) -> int | None:
        """A whole number ≥ ``minimum`` (digit strings accepted); ``None`` when left empty."""
        if raw is None or raw == "":
            if required and self.complete:
                self.add(path, _("Enter a number."))
            return None
        if isinstance(raw, str) and raw.strip().isdecimal():
            digits = raw.strip()
            # isdecimal, not isdigit: "²" is a digit int() refuses. And a text longer than the
            # largest count is too large unread (int() refuses one of 4,300 digits and more).
            raw = int(digits) if len(digits.lstrip("0")) <= len(str(MAX_COUNT)) \
                else MAX_COUNT + 1
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.add(path, _("Enter a whole number."))
            return None
        if raw < minimum:
            self.add(path, _("Enter a number of at least %(min)d.", min=minimum))
            return None
        if raw > MAX_COUNT:
            self.add(path, _("Enter a number of at most %(max)d.", max=MAX_COUNT))
            return None
        return raw

    def text(self, raw: Any, path: str, *, required: bool = False) -> str:
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            self.add(path, _("Enter text."))
            return ""
        raw = raw.strip()
        if required and self.complete and not raw:
            self.add(path, _("This field is required."))
        if len(raw) > MAX_TEXT:
            self.add(path, _("At most %(max)d characters.", max=MAX_TEXT))
        return raw

    def mapping(self, raw: Any, path: str) -> dict:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(path, _("Expected an object."))
            return {}
        return raw

    def counts(self, raw: Any, path: str, keys: dict, *, required: bool = False) -> dict:
        """A group of numbers by key (a missing key counts as none)."""
        raw = self.mapping(raw, path)
        self.unknown(raw, keys, f"{path}.")
        values = {key: self.count(raw.get(key), f"{path}.{key}", required=required)
                  for key in keys}
        return {k: v for k, v in values.items() if v is not None}

    def unknown(self, raw: dict, known, prefix: str = "") -> None:
        for key in raw:
            if key not in known:
                self.add(f"{prefix}{key}", _("Unknown field."))


def _household_survey(c: _Checker, raw: dict, contract) -> dict:
    data = {"households_visited": c.count(raw.get("households_visited"), "households_visited"),
            "needy": c.counts(raw.get("needy"), "needy", NEEDY_CATEGORIES),
            "problems": c.text(raw.get("problems"), "problems")}
    visited = data["households_visited"]
    identified = sum(data["needy"].values())
    if visited is not None and identified > visited:
        c.add("needy", _("Needy households identified (%(found)d) cannot exceed households "
                         "visited (%(visited)d).", found=identified, visited=visited))
    return data


def _is_key(raw: Any, choices: dict) -> bool:
    return isinstance(raw, str) and raw in choices


def _incidents(c: _Checker, raw: Any) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        c.add("incidents", _("Expected a list."))
        return []
    if len(raw) > MAX_INCIDENTS:
        c.add("incidents", _("At most %(max)d rows.", max=MAX_INCIDENTS))
        return []
    rows = []
    for index, item in enumerate(raw):
        path = f"incidents.{index}"
        item = c.mapping(item, path)
        c.unknown(item, ("risk", "severity", "count", "note"), f"{path}.")
        # a list or an object is no key: checked as text first, the lookup cannot raise
        if not _is_key(item.get("risk"), RISKS):
            c.add(f"{path}.risk", _("Choose one of the nine risks."))
        if not _is_key(item.get("severity"), SEVERITIES):
            c.add(f"{path}.severity", _("Choose minor, serious or major."))
        count = c.count(item.get("count", 1), f"{path}.count", minimum=1)
        rows.append({"risk": item.get("risk"), "severity": item.get("severity"),
                     "count": count, "note": c.text(item.get("note"), f"{path}.note")})
    return rows


def _facility_operation(c: _Checker, raw: dict, contract) -> dict:
    data = {"occupancy": c.counts(raw.get("occupancy"), "occupancy", WARDS),
            "admissions": c.count(raw.get("admissions"), "admissions"),
            "departures": c.count(raw.get("departures"), "departures"),
            "staff": c.counts(raw.get("staff"), "staff", STAFF_ROLES),
            "incidents": _incidents(c, raw.get("incidents")),
            "fire_drills": c.count(raw.get("fire_drills"), "fire_drills"),
            "complaints_received": c.count(raw.get("complaints_received"),
                                           "complaints_received"),
            "complaints_resolved": c.count(raw.get("complaints_resolved"),
                                           "complaints_resolved")}
    _check_occupancy(c, data["occupancy"], contract.facility)
    received, resolved = data["complaints_received"], data["complaints_resolved"]
    if received is not None and resolved is not None and resolved > received:
        c.add("complaints_resolved", _("Complaints resolved (%(resolved)d) cannot exceed "
                                       "complaints received (%(received)d).",
                                       resolved=resolved, received=received))
    return data


def _check_occupancy(c: _Checker, occupancy: dict[str, int], facility) -> None:
    """Each ward against its beds; wards whose beds are unknown (a home created with a list of
    ward names has 0 beds per ward) count together against the home's total beds, since
    refusing every resident of such a home would leave its operator unable to report."""
    if facility is None:
        return
    beds = facility.ward_beds
    unknown = {ward for ward, n in beds.items() if n == 0} if beds else set(WARDS)
    for ward, residents in occupancy.items():
        if ward not in unknown and residents > beds.get(ward, 0):
            c.add(f"occupancy.{ward}",
                  _("%(ward)s: %(residents)d residents exceed the ward's %(beds)d beds.",
                    ward=WARDS[ward], residents=residents, beds=beds.get(ward, 0)))
    residents = sum(occupancy.values())
    if any(occupancy.get(ward) for ward in unknown) and residents > facility.beds:
        c.add("occupancy", _("%(residents)d residents exceed the home's %(beds)d beds.",
                             residents=residents, beds=facility.beds))


def mask_child_id(number: str) -> str:
    """First 6 + ******** + last 4 characters, as in every list."""
    return f"{number[:6]}********{number[-4:]}"


def _child_id(c: _Checker, raw: Any, path: str) -> tuple[str | None, str | None]:
    """(the full number if one was given, the masked ID) of a roster row."""
    text = raw.strip().upper() if isinstance(raw, str) else ""
    if not text:
        c.add(path, _("Enter the child's ID number."))
        return None, None
    if _MASKED_ID.fullmatch(text):
        return None, text
    if not _FULL_ID.fullmatch(text):
        c.add(path, _("An ID number has 18 characters (the last may be X), or its masked "
                      "form like 421202********1234."))
        return None, None
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        born = None
    if born is None or not date(1900, 1, 1) <= born <= clock.today() or \
            calc_check_digit(text) != text[17]:
        c.add(path, _("This ID number is not valid (birth date or check character)."))
        return None, None
    return text, mask_child_id(text)


def _roster(c: _Checker, raw: Any) -> list[dict] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        c.add("roster", _("Expected a list."))
        return None
    if len(raw) > MAX_ROSTER:
        c.add("roster", _("At most %(max)d rows.", max=MAX_ROSTER))
        return None
    rows, first_row = [], {}
    for index, item in enumerate(raw):
        path = f"roster.{index}"
        item = c.mapping(item, path)
        c.unknown(item, ROSTER_KEYS, f"{path}.")
        full, masked = _child_id(c, item.get("child_id"), f"{path}.child_id")
        same = full or masked  # a full number is compared in full, a masked one as written
        if same is not None:
            seen = first_row.setdefault(same, index)
            if seen != index:
                c.add(f"{path}.child_id", _("This child is already in row %(row)d.",
                                            row=seen + 1))
        check = item.get("health_check", False)
        if not isinstance(check, bool):
            c.add(f"{path}.health_check", _("Answer true or false."))
        stage = item.get("school_stage") or None
        if stage is not None and not _is_key(stage, SCHOOL_STAGES):
            c.add(f"{path}.school_stage", _("Choose a school stage, or none."))
        rows.append({"child_id": masked, "health_check": check is True,
                     "school_stage": stage})
    return rows


def _agree(c: _Checker, data: dict, key: str, counted: int) -> None:
    """A count of the report derived from the roster, or checked against it."""
    if data[key] is None:
        data[key] = counted
    elif data[key] != counted:
        c.add(key, _("%(label)s: the report says %(given)d, the roster %(counted)d.",
                     label=FIELD_LABELS[key], given=data[key], counted=counted))


def _entrusted_care(c: _Checker, raw: dict, contract) -> dict:
    data = {"children_in_care": c.count(raw.get("children_in_care"), "children_in_care",
                                        required=raw.get("roster") is None),
            "health_checks": c.count(raw.get("health_checks"), "health_checks",
                                     required=raw.get("roster") is None),
            "children_in_school": c.count(raw.get("children_in_school"), "children_in_school",
                                          required=raw.get("roster") is None),
            "school_stages": c.counts(raw.get("school_stages"), "school_stages", SCHOOL_STAGES),
            "roster": _roster(c, raw.get("roster"))}
    roster = data["roster"]
    if roster is not None and not c.errors:
        _agree(c, data, "children_in_care", len(roster))
        _agree(c, data, "health_checks", sum(1 for r in roster if r["health_check"]))
        _agree(c, data, "children_in_school", sum(1 for r in roster if r["school_stage"]))
        staged = {key: sum(1 for r in roster if r["school_stage"] == key)
                  for key in SCHOOL_STAGES}
        staged = {key: n for key, n in staged.items() if n}
        if raw.get("school_stages") is None:
            data["school_stages"] = staged
        elif data["school_stages"] != staged:
            c.add("school_stages", _("The children by stage do not match the roster."))
    elif roster is None and c.complete and (data["children_in_care"] or 0) > 0:
        c.add("roster", _("List the children in care, one row each (by masked ID)."))
    in_care, in_school = data["children_in_care"], data["children_in_school"]
    if in_care is not None and in_school is not None and in_school > in_care:
        c.add("children_in_school", _("Children in school (%(school)d) cannot exceed children "
                                      "in care (%(care)d).", school=in_school, care=in_care))
    staged = sum(data["school_stages"].values())
    if in_school is not None and staged > in_school:
        c.add("school_stages", _("Children by stage (%(staged)d) cannot exceed children in "
                                 "school (%(school)d).", staged=staged, school=in_school))
    if roster is None:
        del data["roster"]
    return data


def _other(c: _Checker, raw: dict, contract) -> dict:
    return {"summary": c.text(raw.get("summary"), "summary", required=True)}


_RULES = {"household_survey": _household_survey, "facility_operation": _facility_operation,
          "entrusted_care": _entrusted_care, "other": _other}
#: the top-level keys of each service type's data
KEYS = {"household_survey": ("households_visited", "needy", "problems"),
        "facility_operation": ("occupancy", "admissions", "departures", "staff", "incidents",
                               "fire_drills", "complaints_received", "complaints_resolved"),
        "entrusted_care": ("children_in_care", "health_checks", "children_in_school",
                           "school_stages", "roster"),
        "other": ("summary",)}


def clean_data(contract, data: Any, *, complete: bool = True) -> dict:
    """The report's content checked against the contract's service type (see module doc)."""
    service_type = str(contract.service_type)
    checker = _Checker(complete)
    if not isinstance(data, dict):
        message = _("The report's data must be an object.")
        raise ValidationError(message, {"data": [message]})
    checker.unknown(data, KEYS[service_type])
    cleaned = _RULES[service_type](checker, data, contract)
    if checker.errors:
        raise ValidationError(_("The report has errors; see the fields named."), checker.errors)
    return {k: v for k, v in cleaned.items() if v is not None}
