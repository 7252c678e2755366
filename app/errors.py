"""Domain errors raised by services; each door (HTML, JSON) turns them into its own answer."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation; nothing was changed."""

    code = "validation_error"
    status = 422
    #: seconds to wait before trying again, where the refusal ends by itself (a throttle):
    #: the API's ``Retry-After``
    retry_after: int | None = None

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    """Input broke a rule; ``fields`` names the culprits."""


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The operation clashes with the current state (an illegal transition, a stale version)."""

    code = "conflict"
    status = 409


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
