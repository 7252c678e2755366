"""The OpenAPI document's schema of a report's ``data`` agrees with the service's rules: what
one refuses the other refuses, what one accepts the other accepts."""

from types import SimpleNamespace

import pytest
from openapi_schema_validator import OAS30Validator

from app.errors import ValidationError
from contracts.submissions.data import KEYS, MAX_COUNT, MAX_INCIDENTS, MAX_TEXT, clean_data
from contracts.submissions.data_schema import NAMES

FULL_ID = "110101201003070011"  # a valid resident ID number (check character 1)
MASKED_ID = "110101********0099"

VALID = {
    "household_survey": {"households_visited": 40, "needy": {"dibao": 3, "tekun": 1},
                         "problems": "两户拒绝入户"},
    "facility_operation": {"occupancy": {"self_care": 20, "disabled": 5}, "admissions": 2,
                           "departures": 1, "staff": {"care_workers": 6},
                           "incidents": [{"risk": "falls", "severity": "minor", "count": 1,
                                          "note": "夜间跌倒"}],
                           "fire_drills": 1, "complaints_received": 2,
                           "complaints_resolved": 2},
    "entrusted_care": {"roster": [{"child_id": FULL_ID, "health_check": True,
                                   "school_stage": "primary"},
                                  {"child_id": "110101********0023", "health_check": False,
                                   "school_stage": None}]},
    "other": {"summary": "本月完成走访"},
}

#: (service type, data) that break a rule a schema can say: both doors must refuse them
INVALID = [
    ("household_survey", {"households_visited": -1}),
    ("household_survey", {"households_visited": MAX_COUNT + 1}),
    ("household_survey", {"households_visited": 2.5}),
    ("household_survey", {"households_visited": True}),
    ("household_survey", {}),
    ("household_survey", {"households_visited": 4, "needy": {"rich": 1}}),
    ("household_survey", {"households_visited": 4, "needy": {"dibao": -2}}),
    ("household_survey", {"households_visited": 4, "problems": 12}),
    ("household_survey", {"households_visited": 4, "problems": "x" * (MAX_TEXT + 1)}),
    ("household_survey", {"households_visited": 4, "beds": 3}),
    ("facility_operation", VALID["facility_operation"] | {"admissions": None}),
    ("facility_operation", VALID["facility_operation"] | {"occupancy": {"attic": 1}}),
    ("facility_operation", VALID["facility_operation"] | {"staff": []}),
    ("facility_operation", VALID["facility_operation"] | {"incidents": {"risk": "falls"}}),
    ("facility_operation", VALID["facility_operation"]
     | {"incidents": [{"risk": "ghosts", "severity": "minor"}]}),
    ("facility_operation", VALID["facility_operation"]
     | {"incidents": [{"risk": "falls", "severity": "dire"}]}),
    ("facility_operation", VALID["facility_operation"]
     | {"incidents": [{"risk": "falls", "severity": "minor", "count": 0}]}),
    ("facility_operation", VALID["facility_operation"]
     | {"incidents": [{"risk": "falls", "severity": "minor", "who": "王"}]}),
    ("facility_operation", VALID["facility_operation"]
     | {"incidents": [{"risk": "falls", "severity": "minor"}] * (MAX_INCIDENTS + 1)}),
    ("entrusted_care", {"roster": [{"child_id": "12345"}]}),
    ("entrusted_care", {"roster": [{"child_id": FULL_ID, "health_check": "yes"}]}),
    ("entrusted_care", {"roster": [{"child_id": FULL_ID, "school_stage": "phd"}]}),
    ("entrusted_care", {"roster": [{"child_id": FULL_ID, "name": "张三"}]}),
    ("entrusted_care", {"roster": {"child_id": FULL_ID}}),
    ("entrusted_care", {"roster": [], "school_stages": {"nursery": 1}}),
    ("entrusted_care", {"roster": [], "children_in_care": -3}),
    ("other", {}),
    ("other", {"summary": "   "}),
    ("other", {"summary": ["a"]}),
    ("other", {"summary": "ok", "extra": 1}),
]


@pytest.fixture(scope="module")
def schemas(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {service_type: document["components"]["schemas"][name]
            for service_type, name in NAMES.items()}


def contract_of(service_type: str):
    home = SimpleNamespace(ward_beds={"self_care": 40, "semi_disabled": 20, "disabled": 10},
                           beds=70)
    return SimpleNamespace(service_type=service_type, facility=home)


def service_accepts(service_type: str, data) -> bool:
    try:
        clean_data(contract_of(service_type), data)
    except ValidationError:
        return False
    return True


def schema_accepts(schemas, service_type: str, data) -> bool:
    return OAS30Validator(schemas[service_type]).is_valid(data)


def test_one_schema_per_service_type_naming_the_services_keys(schemas):
    assert set(schemas) == set(KEYS)
    for service_type, schema in schemas.items():
        assert tuple(schema["properties"]) == KEYS[service_type]
        assert schema["additionalProperties"] is False


def test_the_submission_body_refers_to_the_schemas(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    data = document["components"]["schemas"]["SubmissionIn"]["properties"]["data"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in data["anyOf"]} == set(NAMES.values())


@pytest.mark.parametrize("service_type", sorted(VALID))
def test_a_valid_report_passes_both_doors(app, schemas, service_type):
    with app.test_request_context():
        assert service_accepts(service_type, VALID[service_type])
    assert schema_accepts(schemas, service_type, VALID[service_type])


@pytest.mark.parametrize(("service_type", "data"), INVALID)
def test_what_the_service_refuses_the_schema_refuses(app, schemas, service_type, data):
    with app.test_request_context():
        assert not service_accepts(service_type, data)
    assert not schema_accepts(schemas, service_type, data)


def test_a_masked_id_of_an_earlier_roster_passes_both(app, schemas):
    data = {"roster": [{"child_id": MASKED_ID, "health_check": False}]}
    with app.test_request_context():
        assert service_accepts("entrusted_care", data)
    assert schema_accepts(schemas, "entrusted_care", data)
