"""Response headers: every answer is never sniffed as another type; API answers (personal data) are never cached;
over TLS, browsers are told to keep to HTTPS (HSTS).

TLS is seen from the ASGI scope's scheme (uvicorn serving TLS itself), or declared by the SECURE_COOKIES setting
when a TLS proxy in front speaks plain HTTP to the backend.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = tuple[tuple[bytes, bytes], ...]

EVERY_ANSWER: Headers = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
NO_STORE: Headers = ((b"cache-control", b"no-store"),)
HSTS: Headers = ((b"strict-transport-security", b"max-age=31536000; includeSubDomains"),)


def served_over_tls(scope: Scope) -> bool:
    return scope.get("scheme") in ("https", "wss")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, no_store_prefixes: tuple[str, ...] = ("/api/",), behind_tls: bool = False):
        self.app = app
        self.no_store_prefixes = no_store_prefixes
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted: Headers = EVERY_ANSWER
        if scope["path"].startswith(self.no_store_prefixes):
            wanted += NO_STORE
        if self.behind_tls or served_over_tls(scope):
            wanted += HSTS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
