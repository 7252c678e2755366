"""What the OpenAPI document says beyond each view's own decorators.

Every operation lists the error answers the door can give it, from what the operation is:
401 with a bearer token, 403 when only some roles may call it (:func:`app.api.auth.
token_required` marks both), 404 with a path parameter, 400/413/422 with a body, 422 with
query parameters, 409 for a write, 503 (with ``Retry-After``) while the database is away. A
view's own ``alt_response`` wins over these (and gets the error shape if it gave none).
"""

from __future__ import annotations

from apispec import APISpec

BEARER = "bearerAuth"
_ROLES_KEY = "x-roles"

_components: dict[str, dict] = {}

#: status → (component response of flask-smorest, our description)
_ANSWERS = {
    400: ("BAD_REQUEST", "The body is not readable JSON"),
    401: ("UNAUTHORIZED", "No valid bearer token: send 'Authorization: Bearer <token>'"),
    403: ("FORBIDDEN", "The caller's role may not do this"),
    404: ("NOT_FOUND", "Missing, or hidden from the caller"),
    409: ("CONFLICT", "Clashes with the current state (a unique value, a changed revision)"),
    413: ("REQUEST_ENTITY_TOO_LARGE", "The body is too large"),
    422: ("UNPROCESSABLE_ENTITY", "Invalid input; error.fields names each culprit"),
    503: ("SERVICE_UNAVAILABLE", "The database is unavailable; retry after Retry-After seconds"),
}
_WRITES = {"post", "put", "patch", "delete"}


def add_component_schema(name: str, schema: dict) -> None:
    """Put ``schema`` (an OpenAPI 3.0 schema) in the document's components as ``name``."""
    _components[name] = schema


def register_components(spec: APISpec) -> None:
    spec.components.security_scheme(BEARER, {"type": "http", "scheme": "bearer",
                                             "description": "a token from POST /tokens"})
    for name, schema in _components.items():
        spec.components.schema(name, component=schema)


def token_doc(roles) -> dict:
    """The manual doc a token-protected view adds to its operation."""
    doc: dict = {"security": [{BEARER: []}]}
    if roles:
        doc[_ROLES_KEY] = sorted(str(role) for role in roles)
    return doc


def _answers_of(path: str, method: str, operation: dict) -> list[int]:
    codes = [503]
    if operation.get("security"):
        codes.append(401)
    if operation.get(_ROLES_KEY):
        codes.append(403)
    if "{" in path:
        codes.append(404)
    if "requestBody" in operation:
        codes += [400, 413, 422]
    if any(p.get("in") == "query" for p in operation.get("parameters", [])
           if isinstance(p, dict)):
        codes.append(422)
    if method in _WRITES:
        codes.append(409)
    return sorted(set(codes))


def _answer(status: int) -> dict:
    name, description = _ANSWERS[status]
    answer = {"description": description,
              "content": {"application/json": {"schema": {
                  "$ref": "#/components/schemas/ApiError"}}}}
    if status == 503:
        answer["headers"] = {"Retry-After": {"description": "seconds to wait",
                                             "schema": {"type": "integer"}}}
    return answer


def document_error_answers(spec: APISpec) -> None:
    """Add the error answers each operation can give, where its view did not say them."""
    for path, operations in spec._paths.items():  # apispec keeps the paths here, unfrozen
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in _answers_of(path, method, operation):
                responses.setdefault(str(status), _answer(status))
            for code, answer in responses.items():
                # a view's own error answer given by description only has our shape too
                if str(code)[0] in "45" and "$ref" not in answer and "content" not in answer:
                    answer["content"] = _answer(503)["content"]
