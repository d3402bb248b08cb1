"""Session cookies: HttpOnly, SameSite=Lax, and Secure whenever the request came over
HTTPS (or always, with SESSION_COOKIE_SECURE / ATLAS_SECURE_COOKIES=1)."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


class AtlasSessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def register(app: Flask) -> None:
    app.session_interface = AtlasSessionInterface()
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        # Behind that many trusted proxies: the client address (for login throttling)
        # and the scheme (for Secure cookies) come from their X-Forwarded-* headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
