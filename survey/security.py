"""Security headers on every response, and a refusal of text that is not valid UTF-8 or holds NULs."""

from urllib.parse import unquote_to_bytes

from flask import abort, current_app, request
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

# A year, this host and its subdomains (ASVS 4.0.3 14.4.5).
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app):
    def refuse_bad_text():
        # Werkzeug quietly keeps undecodable bytes as "%FF" text or replaces them; such a form would
        # store mangled answers, so it is refused whole.
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            if not is_utf8_form(request.get_data(cache=True)):
                abort(400)
        elif request.method == "POST" and request.mimetype == "multipart/form-data":
            boundary = request.mimetype_params.get("boundary", "").encode("latin-1", "replace")
            if boundary and not is_utf8_multipart(request.get_data(cache=True), boundary):
                abort(400)
        # No text a person types holds a NUL; PostgreSQL refuses it in any text value. JSON bodies
        # are the sync API's to judge, item by item.
        if "\0" in request.path or has_nul(request.args) or (request.method == "POST" and has_nul(request.form)):
            abort(400)

    # First of all: the CSRF check reads the form, and once it is parsed the raw body is gone, so
    # a check after it would see nothing to refuse.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_bad_text)
    app.after_request(add_security_headers)


def add_security_headers(response):
    """The headers every response carries, pages and error pages alike."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        # Cookies marked secure mean the site is served over HTTPS only: browsers should never
        # try plain HTTP again, where a session cookie could be stripped or a page altered.
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    path = request.path if request else ""
    if path.startswith("/static/") and "/vendor/" in path and response.status_code == 200:
        # Vendored files carry their version in the file name: browsers may keep them a year.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def has_nul(values) -> bool:
    """Whether any name or value of a MultiDict holds a NUL character."""
    return any("\0" in name or "\0" in value for name, value in values.items(multi=True))


def is_utf8_form(body: bytes) -> bool:
    """Whether every name and value of a URL-encoded body decodes as UTF-8."""
    try:
        for part in body.split(b"&"):
            unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_utf8_multipart(body: bytes, boundary: bytes) -> bool:
    """Whether every field (not file) of a multipart body decodes as UTF-8 (or the charset it names,
    as Werkzeug reads it). A body that is not multipart at all is left for Werkzeug to refuse."""
    decoder = MultipartDecoder(boundary)
    decoder.receive_data(body)
    decoder.receive_data(None)
    field, chunks = None, []
    try:
        while not isinstance(event := decoder.next_event(), (Epilogue, NeedData)):
            if isinstance(event, (Field, File)):
                field, chunks = (event if isinstance(event, Field) else None), []
            elif isinstance(event, Data) and field is not None:
                chunks.append(event.data)
                if not event.more_data:
                    b"".join(chunks).decode(_part_charset(field))
    except UnicodeDecodeError:
        return False
    except ValueError:
        return True
    return True


def _part_charset(field: Field) -> str:
    # As Werkzeug reads a part: in the charset it names if it is one of these, else as UTF-8.
    charset = parse_options_header(field.headers.get("content-type", ""))[1].get("charset", "").lower()
    return charset if charset in {"ascii", "us-ascii", "iso-8859-1"} else "utf-8"
