"""HTTP-level protections: CSRF by request origin, security headers, and a cap on request bodies.

CSRF (STACK.md §2.12): an unsafe request passes only when the browser says it came from this site
(``Sec-Fetch-Site: same-origin`` or ``none``) or its ``Origin`` is this server; a script calling with
``Authorization: Bearer`` and no cookie cannot be forged by a page, so it is exempt. Session cookies are also
``SameSite=Lax``. Pure ASGI middleware, so uploads are not buffered twice.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def origin_allowed(scope: Scope) -> bool:
    headers = _headers(scope)
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is not None:
        host = headers.get("host", "")
        scheme = scope.get("scheme", "http")
        return origin in (f"{scheme}://{host}",)
    # No browser provenance headers at all (browsers send them on every cross-site POST): a request without
    # cookies carries no ambient authority to forge, so it passes (a script, with or without a bearer token).
    return "cookie" not in headers


async def _send_json(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ProtectionMiddleware:
    """CSRF origin check, body size cap and security headers for every HTTP request."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE_METHODS and not origin_allowed(scope):
            await _send_json(send, 403, "csrf", "cross-site request refused")
            return
        length = _headers(scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await _send_json(send, 413, "too_large", f"request body over {self.max_body_bytes // 1_000_000} MB")
            return
        received = 0
        limit = self.max_body_bytes

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except BodyTooLarge:
            await _send_json(send, 413, "too_large", f"request body over {limit // 1_000_000} MB")


class BodyTooLarge(Exception):
    pass
