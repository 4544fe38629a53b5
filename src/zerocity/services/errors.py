"""Errors the services raise on purpose; the web and CLI map each ``code`` to a status and a translated message."""

from __future__ import annotations

from zerocity.core.errors import ZeroCityError


class NotAuthenticated(ZeroCityError):
    code = "not_authenticated"


class Forbidden(ZeroCityError):
    code = "forbidden"


class NotFound(ZeroCityError):
    code = "not_found"


class Conflict(ZeroCityError):
    """The data changed since the user read it (another editor saved first), or the action was already done."""

    code = "conflict"


class InvalidRequest(ZeroCityError):
    code = "invalid_request"


class TooLarge(ZeroCityError):
    code = "too_large"


class RateLimited(ZeroCityError):
    code = "rate_limited"
