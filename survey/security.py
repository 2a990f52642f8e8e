"""Security headers on every response, and a refusal of text that is not valid UTF-8."""

from urllib.parse import unquote_to_bytes

from flask import abort, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

# A year, this host and its subdomains (ASVS 4.0.3 14.4.5).
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app):
    @app.before_request
    def refuse_bad_utf8():
        # Werkzeug quietly keeps undecodable bytes as "%FF" text or drops them; such a form would
        # store mangled answers, so it is refused whole.
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            if not is_utf8_form(request.get_data(cache=True)):
                abort(400)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            # Cookies marked secure mean the site is served over HTTPS only: browsers should never
            # try plain HTTP again, where a session cookie could be stripped or a page altered.
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith("/static/") and "/vendor/" in request.path and response.status_code == 200:
            # Vendored files carry their version in the file name: browsers may keep them a year.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        elif request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "public, max-age=86400")
        else:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def is_utf8_form(body: bytes) -> bool:
    """Whether every name and value of a URL-encoded body decodes as UTF-8."""
    try:
        for part in body.split(b"&"):
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
