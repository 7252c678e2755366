"""The JSON Schema (OpenAPI 3.0) of a report's ``data`` for each service type.

Generated from the vocabulary and limits that :mod:`contracts.submissions.data` checks with
(``KEYS``, the category dictionaries, ``MAX_*``, the ID patterns): one definition behind the
HTML form, the API and the OpenAPI document. What a schema cannot say (a sum against another
field, occupancy against the home's beds, the roster against the counts) is in its
description, and the service still checks it.
"""

from __future__ import annotations

from contracts.submissions import data as rules

COUNT = {"type": "integer", "minimum": 0, "maximum": rules.MAX_COUNT}
TEXT = {"type": "string", "maxLength": rules.MAX_TEXT, "nullable": True}

#: component names in the OpenAPI document, by service type
NAMES = {"household_survey": "ReportDataHouseholdSurvey",
         "facility_operation": "ReportDataFacilityOperation",
         "entrusted_care": "ReportDataEntrustedCare",
         "other": "ReportDataOther"}


def _counts(keys: dict, what: str) -> dict:
    return {"type": "object", "description": f"{what}, by key; a key left out counts as none",
            "properties": {key: dict(COUNT) for key in keys}, "additionalProperties": False}


def _object(properties: dict, required: list[str], description: str) -> dict:
    schema = {"type": "object", "description": description, "properties": properties,
              "additionalProperties": False}
    if required:  # OpenAPI 3.0: a required list is never empty
        schema["required"] = required
    return schema


def _household_survey() -> dict:
    return {"households_visited": dict(COUNT),
            "needy": _counts(rules.NEEDY_CATEGORIES, "needy households identified"),
            "problems": dict(TEXT)}


def _incident() -> dict:
    return _object({"risk": {"type": "string", "enum": list(rules.RISKS),
                             "description": "one of the nine risks of GB 38600-2019"},
                    "severity": {"type": "string", "enum": list(rules.SEVERITIES)},
                    "count": COUNT | {"minimum": 1, "default": 1},
                    "note": dict(TEXT)},
                   ["risk", "severity"], "an incident of the period")


def _facility_operation() -> dict:
    return {"occupancy": _counts(rules.WARDS, "residents by ward, at most the ward's beds"),
            "admissions": dict(COUNT), "departures": dict(COUNT),
            "staff": _counts(rules.STAFF_ROLES, "staff by role"),
            "incidents": {"type": "array", "maxItems": rules.MAX_INCIDENTS,
                          "items": _incident()},
            "fire_drills": dict(COUNT), "complaints_received": dict(COUNT),
            "complaints_resolved": dict(COUNT)}


def _roster_row() -> dict:
    full, masked = rules._FULL_ID.pattern, rules._MASKED_ID.pattern
    return _object({"child_id": {"type": "string", "pattern": f"^(?:{full}|{masked})$",
                                 "description": "the resident ID number (checked, stored "
                                                "masked) or its masked form"},
                    "health_check": {"type": "boolean", "default": False},
                    "school_stage": {"type": "string", "enum": [*rules.SCHOOL_STAGES, None],
                                     "nullable": True}},
                   ["child_id"], "a child in care; each child once")


def _entrusted_care() -> dict:
    return {"children_in_care": dict(COUNT), "health_checks": dict(COUNT),
            "children_in_school": dict(COUNT),
            "school_stages": _counts(rules.SCHOOL_STAGES, "children in school by stage"),
            "roster": {"type": "array", "maxItems": rules.MAX_ROSTER, "items": _roster_row()}}


def _other() -> dict:
    return {"summary": TEXT | {"nullable": False, "pattern": r"\S"}}


_PROPERTIES = {"household_survey": _household_survey, "facility_operation": _facility_operation,
               "entrusted_care": _entrusted_care, "other": _other}
#: required keys of a submitted report (a draft may leave any out)
_REQUIRED = {
    "household_survey": ["households_visited"],
    "facility_operation": ["admissions", "departures", "fire_drills", "complaints_received",
                           "complaints_resolved"],
    "entrusted_care": [],
    "other": ["summary"],
}
_RULES_BEYOND = {
    "household_survey": "The needy households identified, added up, cannot exceed "
                        "households_visited.",
    "facility_operation": "Residents by ward are checked against the home's beds; "
                          "complaints_resolved cannot exceed complaints_received.",
    "entrusted_care": "children_in_care, health_checks, children_in_school and school_stages "
                      "are derived from the roster when left out and must agree with it when "
                      "given; without a roster the three counts are required, and a report "
                      "of children in care needs the roster. children_in_school cannot "
                      "exceed children_in_care.",
    "other": "",
}


def data_schema(service_type: str) -> dict:
    """The schema of a submitted report's ``data`` for contracts of ``service_type``."""
    properties = _PROPERTIES[service_type]()
    if tuple(properties) != rules.KEYS[service_type]:  # one vocabulary, never two
        raise RuntimeError(f"the {service_type} schema and data.KEYS disagree")
    description = (f"The report of a {service_type} contract (submitted; a draft may leave "
                   f"numbers out). {_RULES_BEYOND[service_type]}").strip()
    return _object(properties, _REQUIRED[service_type], description)


def data_schemas() -> dict[str, dict]:
    """``{component name: schema}`` of every service type."""
    return {NAMES[service_type]: data_schema(service_type) for service_type in rules.KEYS}
