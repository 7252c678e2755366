"""The OpenAPI document is valid OpenAPI 3 and lists every operation's error answers."""

import pytest
from openapi_spec_validator import validate

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_the_document_validates(document):
    validate(document)  # raises on the first error


def test_every_operation_lists_its_error_answers(document):
    missing = []
    for path, method, operation in operations(document):
        codes = set(operation["responses"])
        expected = {"503"}
        if operation.get("security"):
            expected.add("401")
        if operation.get("x-roles"):
            expected.add("403")
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        if method != "get":
            expected.add("409")
        if expected - codes:
            missing.append(f"{method.upper()} {path}: {sorted(expected - codes)}")
    assert missing == []


def test_error_answers_have_the_one_error_shape(document):
    for path, method, operation in operations(document):
        for code, answer in operation["responses"].items():
            if code.startswith(("4", "5")) and "$ref" not in answer:
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
                # ApiError, or one that extends it (the import's rows in error, say)
                assert "error" in schema["properties"], (path, method, code)
    default = document["components"]["responses"]["DEFAULT_ERROR"]
    assert default["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")


def test_protected_operations_say_bearer_and_roles(document):
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    ocds = document["paths"]["/api/v1/ocds/records.json"]["get"]
    assert ocds["security"] == [{"bearerAuth": []}]
    assert set(ocds["x-roles"]) == {"admin", "officer"}
    assert "security" not in document["paths"]["/api/v1/tokens"]["post"]


def test_money_of_performance_and_decisions_is_documented_as_strings(document):
    schemas = document["components"]["schemas"]
    for schema, field in (("Performance", "linked_amount"), ("Performance", "payable_amount"),
                          ("Decision", "amount")):
        assert schemas[schema]["properties"][field]["type"] == "string", (schema, field)


@pytest.mark.parametrize("path, media, names", [
    ("/api/v1/inspections/{inspection_id}/photos", "multipart/form-data", {"item_id", "file"}),
    ("/api/v1/inspections/{inspection_id}/signatures", "multipart/form-data",
     {"role", "signer_name", "signed_at", "file"}),
    ("/api/v1/templates/import", "application/json", set()),
])
def test_operations_that_read_a_body_document_it(document, path, media, names):
    # the views read these bodies themselves: the document said they took none (and so no 413)
    operation = document["paths"][path]["post"]
    body = operation["requestBody"]["content"][media]["schema"]
    assert names <= set(body.get("properties", {}))
    assert {"400", "413", "422"} <= set(operation["responses"])
