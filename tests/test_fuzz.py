"""Random and hostile requests to every route of the URL map, anonymously and as each staff role,
find no server error, and every answer carries the security headers.

Two parts per role: a sweep that sends a fixed set of hostile variants to every rule (so that no
route is left to chance), and Hypothesis drawing requests freely: path segments, query arguments
(``_method``, ``_external``, ``next`` …), bodies of every content type, NULs, invalid UTF-8 and
oversize bodies. Runs are derandomized (the same requests each time, as CI needs). To search longer
and elsewhere locally (examples per route)::

    FUZZ_EXAMPLES=200 FUZZ_SEED=7 .venv/bin/python -m pytest tests/test_fuzz.py -q

A third test sends every odd value in every field of a tablet's sync item, one at a time.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from survey.extensions import db
from test_canvassing_helpers import WALK_LIST_CSV
from test_dashboards import store

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))  # per route, three times that where a body is read
SEED = os.environ.get("FUZZ_SEED")
ROLES = {"anonymous": None, "admin": (), "board": ("wyckerpoort",), "canvasser": ("wyckerpoort",)}
BROKEN_BYTES = [b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80", b"a\x00", b"%", b"%zz", b"\xc0\xaf"]
METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]

# Segments as they appear in a URL (already percent-encoded where that is the point).
HOSTILE_SEGMENTS = [
    "%00", "a%00b", "..", "%2e%2e", ".", "%ff%fe", "%c0%af", "%ed%a0%80", "%25", "%2F", "..%2F..%2Fetc%2Fpasswd",
    "x" * 300, quote("<script>alert(1)</script>", safe=""), quote("' OR 1=1 --", safe=""), "idea-%C2%B2",
    quote("²", safe=""), quote("١٢", safe=""), "99999999999999999999999", "-1", "0", quote("😀", safe=""),
    quote("\u202e", safe=""), "%20", "nl%0d%0aSet-Cookie:%20x=y", "export.csv", "export.xlsx", "CON", "null",
]
HOSTILE_TEXT = [
    "\x00", "a\x00b", "\ud800", "\udfff", "x" * 20_000, "<script>alert(1)</script>", "' OR 1=1 --", "=HYPERLINK(\"x\")",
    "²", "١٢", "0001-01-01", "9999-12-31", "-1", "1e309", "NaN", "99999999999999999999999", "\r\n\r\nX: y", "😀",
    "../../etc/passwd", "//evil.example", "/\t/evil.example", "https://evil.example", "javascript:alert(1)", "",
    " ", "\u202e", "lang:ar", "lang:xx", "submit", "back", "next", "yes", "no", "approve", "reject", "online", "door",
]
QUERY_NAMES = ["_method", "_external", "_scheme", "_anchor", "next", "q", "filter", "lang", "round", "page", "action",
               "endpoint", "values", "round_key", "area_key", "kind", "street", "filename", "format"]
FORM_NAMES = ["csrf_token", "page", "action", "website", "email", "password", "code", "public", "opens_on", "closes_on",
              "languages", "idea-1", "idea-²", "idea-99999999999999999999", "filter", "outcome", "language", "round"]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "application/json", "text/plain",
                 "application/xml", "application/octet-stream", "application/x-www-form-urlencoded; charset=latin-1",
                 "multipart/form-data; boundary=", "application/json; charset=utf-16", "text/html; charset=utf-7", ""]


@dataclass
class Vocabulary:
    """What a real request would name: the app's own keys, beside the hostile values."""

    segments: dict[str, list[str]] = field(default_factory=dict)
    doors: list[int] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


def vocabulary(app) -> Vocabulary:
    from survey.areas.models import Area
    from survey.canvassing.models import Door
    from survey.surveys.models import SurveyRound

    with app.app_context():
        rounds = [r for r in db.session.scalars(db.select(SurveyRound))]
        areas = [a.key for a in db.session.scalars(db.select(Area))]
        definition = rounds[0].definition
        fields, values = [], []
        for question in definition.questions():
            fields += [f"q-{question.key}", f"q-{question.key}-other", f"q-{question.key}-agree"]
            values += [option.key for option in definition.options_of(question)]
        fields += [f"q-top3-{n}" for n in (1, 2, 3)] + ["q-contact-name", "q-contact-email", "q-contact-phone"]
        return Vocabulary(
            segments={
                "lang": ["nl", "en", "ar", "tr", "pl", "uk", "xx", "NL", "nl-NL"],
                "round_key": [r.key for r in rounds],
                "area_key": areas[:12] + ["maastricht", "oost", "wyckerpoort", "daalhof"],
                "street": ["Meerssenerweg", quote("Wyckerpoort Steenweg"), "Daalhoferweg"],
                "kind": ["csv", "xlsx", "pdf", "json"],
                "filename": ["css/app.css", "canvassing/sw.js", "dashboards/vendor/README.md", "../secret_key",
                             "..%2F..%2Finstance%2Fsecret_key", "%2e%2e/%2e%2e/setup.cfg"],
            },
            doors=list(db.session.scalars(db.select(Door.id))),
            fields=fields + FORM_NAMES,
            values=values + [v for q in definition.questions() for v in (q.key,)] + ["monthly", "age_46_65", "1", "6"],
        )


def text_values(vocab: Vocabulary):
    return st.one_of(st.sampled_from(HOSTILE_TEXT), st.sampled_from(vocab.values), st.text(max_size=40),
                     st.integers(-2**63, 2**64).map(str))


def path_for(rule: str, segment) -> st.SearchStrategy[str]:
    """A path for ``rule`` with each ``<converter:name>`` drawn by ``segment(name)``."""
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    if not names:
        return st.just(rule)

    def fill(values):
        path = rule
        for name, value in zip(names, values):
            path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + ">", lambda _m, v=value: v, path, count=1)
        return path

    return st.tuples(*(segment(name) for name in names)).map(fill)


def multipart(fields: list[tuple[str, bytes]], boundary: str = "fuzzfuzz") -> bytes:
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n"
             for name, value in fields]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="x.csv"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + b"street\xff\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@st.composite
def requests(draw, rule, vocab: Vocabulary):

    def segment(name):
        known = vocab.segments.get(name, [])
        options = [st.sampled_from(HOSTILE_SEGMENTS), st.text(min_size=1, max_size=20).map(lambda s: quote(s, safe=""))]
        if known:
            options = [st.sampled_from(known)] * 3 + options  # mostly real keys, so views are reached
        return st.one_of(*options)

    path = draw(path_for(rule.rule, segment))
    allowed = sorted(rule.methods - {"OPTIONS", "HEAD"}) or ["GET"]
    method = draw(st.one_of(st.sampled_from(allowed), st.sampled_from(allowed), st.sampled_from(METHODS)))
    query = draw(st.lists(st.tuples(st.sampled_from(QUERY_NAMES) | st.text(max_size=10), text_values(vocab)), max_size=4))
    headers = draw(st.fixed_dictionaries({}, optional={
        "Accept-Language": st.sampled_from(["ar", "en-GB,en;q=0.9", "xx", "*", "nl;q=abc", "\x7f", "tr, ,;;"]),
        "Accept": st.sampled_from(["application/json", "text/html", "*/*", "application/xml;q=1.5"]),
        "Authorization": st.sampled_from(["Bearer ", "Bearer x.y.z", "Bearer " + "a" * 2000, "Basic Zm9vOmJhcg=="]),
        "Host": st.sampled_from(["evil.example", "localhost:99999", "[::1]", "a" * 300]),
        "X-Forwarded-For": st.sampled_from(["1.2.3.4", "not an address", "\x00"]),
        "X-CSRFToken": st.sampled_from(["", "x", "a.b.c"]),
    }))
    body, content_type = b"", None
    if method not in ("GET", "HEAD") or draw(st.booleans()):
        # Mostly what the route reads (JSON for the API, forms for pages), so that bodies get far.
        usual = ["application/json"] if rule.rule.startswith("/api/") else ["application/x-www-form-urlencoded"]
        kind = draw(st.sampled_from(usual * len(CONTENT_TYPES) + CONTENT_TYPES))
        form = draw(forms(vocab))
        encoded = [(name, value.encode("utf-8", "surrogatepass")) for name, value in form]
        if draw(st.booleans()):
            encoded.append((draw(st.sampled_from(vocab.fields)), draw(st.sampled_from(BROKEN_BYTES))))
        if kind.startswith("application/x-www-form-urlencoded"):
            body = "&".join(f"{quote(n, safe='')}={quote_from_bytes(v, safe='')}" for n, v in encoded).encode()
            if draw(st.booleans()):  # bytes as they are, not percent-encoded
                body += b"&" + draw(st.sampled_from(vocab.fields)).encode() + b"=" + draw(st.sampled_from(BROKEN_BYTES))
        elif kind.startswith("multipart/form-data"):
            body = multipart(encoded)
            kind = kind if kind.endswith("=") else f"{kind}; boundary=fuzzfuzz"
        elif kind.startswith("application/json"):
            body = json.dumps(draw(json_bodies(vocab)), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
        else:
            body = draw(st.binary(max_size=300))
        if draw(st.integers(0, 30)) == 0:
            body += b"x" * (1024 * 1024 + 10)  # over MAX_CONTENT_LENGTH
        content_type = kind or None
    query_string = urlencode(query, encoding="utf-8", errors="surrogatepass")
    return method, path + ("?" + query_string if query else ""), headers, body, content_type


@st.composite
def forms(draw, vocab: Vocabulary) -> list[tuple[str, str]]:
    """A real form of the app (or random fields), with some values made hostile and fields added."""
    template = draw(st.sampled_from(FORM_TEMPLATES + [[]]))
    form = [(name, value) for name, value in template]
    for _ in range(draw(st.integers(0, 2))):
        if form:
            index = draw(st.integers(0, len(form) - 1))
            form[index] = (form[index][0], draw(text_values(vocab)))
    form += draw(st.lists(st.tuples(st.sampled_from(vocab.fields) | st.text(max_size=12), text_values(vocab)),
                          max_size=3 if template else 12))
    return form


def _online_answers() -> list[tuple[str, str]]:
    from test_online import PAGES, all_answers

    pairs = [("page", str(len(PAGES) - 1)), ("action", "submit")]
    for name, value in all_answers().items():
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return pairs


FORM_TEMPLATES = [
    _online_answers(),
    [("page", "2"), ("action", "lang:ar"), ("q-visit_frequency", "monthly")],
    [("email", "admin-all@example.nl"), ("password", "correct horse battery")],
    [("code", "7KQ4-M2XD-9PTA")],
    [("opens_on", "2026-01-01"), ("closes_on", "2026-12-31"), ("languages", "nl"), ("languages", "ar")],
    [("idea-1", "approve"), ("idea-2", "reject")],
    [("public", "yes")],
]


def json_bodies(vocab: Vocabulary):
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                        text_values(vocab))
    item = st.fixed_dictionaries({
        "type": st.sampled_from(["interview", "visit", "other", 1]),
        "uuid": st.one_of(st.uuids().map(str), text_values(vocab)),
    }, optional={
        "round": st.sampled_from(["activities-2026", "nope", "\x00", 5]), "version": st.integers(-5, 5),
        "area": st.sampled_from(["wyckerpoort", "daalhof", "\x00", ""]), "language": st.sampled_from(["nl", "ar", "xx"]),
        "day": st.sampled_from(["2026-05-04", "0001-01-01", "9999-12-31", "x"]),
        "answers": st.dictionaries(st.sampled_from(vocab.fields) | st.text(max_size=8),
                                   st.lists(text_values(vocab), max_size=3) | scalars, max_size=6),
        "door": st.integers(-1, 2**40) | text_values(vocab), "outcome": st.sampled_from(["not_home", "come_back", "x"]),
        "visited_at": st.sampled_from(["2026-05-04T14:03:11Z", "1970-01-01T00:00:00Z", "x", "2026-13-01T00:00:00Z"]),
        "come_back_at": st.sampled_from(["2026-05-06T18:30", "1900-01-01T00:00", ""]),
        "receipt": st.sampled_from(["7KQ4-M2XD-9PTA", "x", "\x00"]),
    })
    return st.one_of(
        st.fixed_dictionaries({"items": st.lists(real_items(vocab), min_size=1, max_size=3)}),
        st.fixed_dictionaries({"items": st.lists(real_items(vocab), min_size=1, max_size=3)}),
        st.fixed_dictionaries({"items": st.lists(item | scalars | real_items(vocab), max_size=4)}),
        st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=8),
    )


@st.composite
def real_items(draw, vocab: Vocabulary) -> dict:
    """An interview or a visit as a tablet sends it, with one or two fields made hostile."""
    from test_canvassing_helpers import ANSWERS, interview, visit

    if draw(st.booleans()):
        item = interview(str(draw(st.uuids())))
        item["answers"] = {**ANSWERS, **draw(st.dictionaries(st.sampled_from(["q-idea", "q-activities-other", "q-talent",
                                                                              "q-visit_frequency", "q-contact-name"]),
                                                             st.lists(text_values(vocab), min_size=1, max_size=2), max_size=2))}
    else:
        item = visit(draw(st.sampled_from(vocab.doors or [1])), item_uuid=str(draw(st.uuids())),
                     outcome=draw(st.sampled_from(["not_home", "refused", "come_back", "flyer", "language_barrier"])))
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(sorted(item)))
        odd = st.sampled_from(ODD_TIMES) if name in ("day", "visited_at", "come_back_at") else text_values(vocab)
        item[name] = draw(st.one_of(odd, odd, text_values(vocab), st.integers(-2**40, 2**40), st.none()))
    return item


ODD_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1970-01-01T00:00:00Z", "1900-01-01T00:00",
             "2026-05-04T25:61:00", "2026-05-04T14:03:11.123456789Z", "0001-01-01", "9999-12-31"]


# --- the test -----------------------------------------------------------------------------------

@pytest.fixture
def world(app, runner, tmp_path):
    """Doors, responses with ideas, so that every page has something to show."""
    path = tmp_path / "walk.csv"
    path.write_text(WALK_LIST_CSV, encoding="utf-8")
    assert runner.invoke(args=["walklist", "import", str(path)]).exit_code == 0
    store(app, 12, with_idea="Een moestuin")
    return vocabulary(app)


class Session:
    """A client signed in as ``role`` (again, after a fuzzed request signed it out)."""

    def __init__(self, app, client, accounts, role: str):
        self.app, self.client, self.accounts, self.role = app, client, accounts, role
        self.email = None if ROLES[role] is None else accounts.login_as(role, *ROLES[role])

    def send(self, method, url, headers, body, content_type):
        response = self.client.open(url, method=method, headers=headers, data=body, content_type=content_type)
        body_text = response.get_data(as_text=True)
        response.close()
        if self.email and "/logout" in url and response.status_code == 302:
            self.accounts.login(self.email)
        return response, body_text


def check(response, body_text, request):
    assert response.status_code < 500, (response.status_code, request, body_text[:300])
    assert "Content-Security-Policy" in response.headers, request
    assert "Traceback" not in body_text, request


def sweep_requests(rules, vocab):
    """A fixed set of hostile variants for every rule: each path argument hostile in turn, and the
    worst query and bodies with the rule's own methods."""
    for rule in rules:
        names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule)
        real = {name: (vocab.segments.get(name) or ["x"])[0] for name in names}
        paths = [real] + [{**real, name: hostile} for name in names for hostile in ("%00", "..", "%ff", "x" * 300)]
        for values in paths:
            path = rule.rule
            for name, value in values.items():
                path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + ">", value, path, count=1)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path + "?_method=xx&_external=1&_scheme=javascript&next=%2F%2Fevil.example&q=%00", {}, b"", None
                if method == "POST" and values == real:
                    for body, kind in [(b"page=6&action=submit&q-idea=%ff%00&idea-%C2%B2=approve", "application/x-www-form-urlencoded"),
                                       (multipart([("action", b"submit"), ("q-idea", b"\xff\xfe")]), "multipart/form-data; boundary=fuzzfuzz"),
                                       (b'{"items": [{"type": "interview", "uuid": "' + str(uuid.uuid4()).encode() + b'"}]}', "application/json"),
                                       (b"x" * (1024 * 1024 + 10), "application/x-www-form-urlencoded")]:
                        yield method, path, {}, body, kind


def examples_for(rule) -> int:
    """More for routes that read a body: their input space is larger."""
    reads_body = bool(rule.methods & {"POST", "PUT", "PATCH"})
    return EXAMPLES * (3 if reads_body else 1)


@pytest.mark.parametrize("role, csrf", [(role, False) for role in ROLES] + [("admin", True)])
def test_no_request_makes_a_server_error(request, app, client, accounts, world, role, csrf):
    """CSRF protection is off, so that bodies reach the views; once on, as in production."""
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    session = Session(app, client, accounts, role)
    if csrf:
        request.getfixturevalue("csrf_app")
    for request in sweep_requests(rules, world):
        check(*session.send(*request), request)

    for rule in rules:
        @settings(max_examples=examples_for(rule), deadline=None, database=None, derandomize=SEED is None,
                  suppress_health_check=list(HealthCheck))
        @given(request=requests(rule, world))
        def fuzz(request):
            check(*session.send(*request), request)

        (seed(int(SEED))(fuzz) if SEED else fuzz)()


SYNC_FIELD_VALUES = ["\ud800", "\x00", "x" * 70_000, "", None, True, 2**63, -1, [], "0001-01-01T00:00:00+14:00",
                     "9999-12-31T23:59:59-14:00", "1900-01-01T00:00", "0001-01-01"]


def sync_items(doors: list[int]):
    """Every field of an interview and of a visit, and every answer, with each odd value in turn."""
    from test_canvassing_helpers import interview, visit

    for template in (interview(), visit(doors[0]), visit(doors[0], outcome="come_back", come_back_at="2026-05-06T18:30"),
                     visit(doors[0], outcome="language_barrier", language="Tigrinya")):
        for name in [*sorted(template), *(f"answers.{field}" for field in template.get("answers", {}))]:
            for value in SYNC_FIELD_VALUES:
                item = json.loads(json.dumps(template))
                item["uuid"] = str(uuid.uuid4())
                if name.startswith("answers."):
                    item["answers"][name.removeprefix("answers.")] = [value] if isinstance(value, str) else value
                elif name != "uuid":
                    item[name] = value
                yield f"{template['type']} {name}={value!r:.40}", item


def test_no_sync_item_makes_a_server_error(app, client, accounts, world):
    """Each odd value in each field of a tablet's item, one item per batch: never a 500."""
    session = Session(app, client, accounts, "canvasser")
    failures = []
    for label, item in sync_items(world.doors):
        body = json.dumps({"items": [item]}).encode()
        response, _text = session.send("POST", "/api/v1/submissions", {}, body, "application/json")
        assert "Content-Security-Policy" in response.headers
        if response.status_code >= 500:
            failures.append(label)
    assert not failures, "\n".join(failures)
