"""Security headers on every response (pure ASGI, outermost, so 429s, 413s and 500s carry them too):

- no framing (X-Frame-Options: DENY and CSP frame-ancestors 'none'): the console and the H5 page
  cannot be clickjacked inside another site's frame;
- X-Content-Type-Options: nosniff (a transcript or CSV is never run as a script or page);
- Referrer-Policy: same-origin (console URLs carry ticket ids);
- Strict-Transport-Security in production or when FAYUAN_PUBLIC_BASE_URL is https.

A header a route set itself is left as it is."""
from __future__ import annotations

from api.settings import Settings

HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
ALWAYS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


def wants_hsts(settings: Settings) -> bool:
    return settings.env == "production" or settings.public_base_url.startswith("https://")


class SecurityHeadersMiddleware:
    def __init__(self, app, headers: tuple[tuple[bytes, bytes], ...]):
        self.app, self.headers = app, headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                message["headers"] = [*message.get("headers", ()),
                                      *(h for h in self.headers if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app, settings: Settings) -> None:
    """Add last in create_app: the outermost middleware."""
    headers = ALWAYS + ((HSTS,) if wants_hsts(settings) else ())
    app.add_middleware(SecurityHeadersMiddleware, headers=headers)
