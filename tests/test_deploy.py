"""The deployment the README documents works: CI runs its commands as they stand, in a fresh copy of
the code, against PostgreSQL and Redis, behind a small reverse proxy (tests/deploy/proxy.py, in
place of nginx), and then uses the site as residents, staff and a canvasser's tablet would.

Run with ``make deploy-check`` (CI does, after the suite). It needs PostgreSQL and Redis on
127.0.0.1 (``SURVEY_DEPLOY_POSTGRES``, ``SURVEY_DEPLOY_REDIS`` to change that): without them it is
skipped on a laptop and fails in CI.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("SURVEY_DEPLOY_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SURVEY_DEPLOY_REDIS", "redis://127.0.0.1:6379")
PASSWORD = "a long deployment password"
FORM = "/nl/r/activities-2026/wyckerpoort/"


# --- the README ---------------------------------------------------------------------------------

def readme_deployment() -> tuple[dict[str, str], str]:
    """The README's deployment section: the settings of its example ``buurtpeiling.env``, and the
    commands, exactly as written there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Deploying on PostgreSQL with gunicorn", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    settings = dict(line.split("=", 1) for line in blocks[0].splitlines() if line and not line.startswith("#"))
    return settings, blocks[1]


def test_the_readme_shows_one_env_file_and_the_commands():
    settings, commands = readme_deployment()
    assert settings["SURVEY_RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert settings["SURVEY_TRUSTED_PROXIES"] == "1" and "--workers" in settings["GUNICORN_CMD_ARGS"]
    assert ". ./buurtpeiling.env" in commands and "gunicorn wsgi:app" in commands


# --- a client as a browser or a tablet --------------------------------------------------------

class Client:
    """HTTP from one loopback address (a client of its own to the proxy), with its own cookies.

    Cookies are sent back whatever their Secure flag: the site is set up for HTTPS, the check
    talks plain HTTP to the proxy."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, form: dict | None = None, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, str]:
        headers = dict(headers or {})
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.address, 0))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, cookie_value = value.split(";", 1)[0].split("=", 1)
                    self.cookies[cookie_name.strip()] = cookie_value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            connection.close()

    def get(self, path: str, **options):
        return self.request("GET", path, **options)

    def post(self, path: str, form: dict, **options):
        return self.request("POST", path, form=form, **options)

    def token(self, path: str) -> str:
        status, _headers, html = self.get(path)
        assert status == 200, (path, status, html[:500])
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def sign_in(self, email: str, password: str = PASSWORD) -> int:
        return self.post("/nl/login", {"csrf_token": self.token("/nl/login"), "email": email, "password": password})[0]


# --- the site, deployed -------------------------------------------------------------------------

def _reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
        return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _psql(*sql: str) -> None:
    for statement in sql:
        subprocess.run(["psql", f"{POSTGRES}/postgres", "-q", "-c", statement], check=True, capture_output=True)


def _copy_of_the_code(target: Path) -> None:
    """The files git knows (tracked, and new ones not ignored), as a fresh clone would have them."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _wait_for(url_port: int, process: subprocess.Popen, log: Path, seconds: int = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the deployment stopped (exit {process.returncode}):\n{log.read_text()[-4000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", url_port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(1)
    pytest.fail(f"the site did not come up in {seconds} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The README's deployment, run in a fresh copy of the code; yields (proxy port, env, copy)."""
    missing = [name for name, url in (("PostgreSQL", POSTGRES), ("Redis", REDIS)) if not _reachable(url)]
    if missing or not shutil.which("psql"):
        message = f"the deployment check needs {' and '.join(missing) or 'psql'}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    checkout = tmp_path_factory.mktemp("deployed")
    _copy_of_the_code(checkout)
    database = f"buurt_deploy_{secrets.token_hex(4)}"
    _psql(f"CREATE DATABASE {database}")
    app_port, proxy_port = _free_port(), _free_port()
    readme_settings, commands = readme_deployment()
    settings = {
        "SURVEY_SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://{POSTGRES.split('://', 1)[1]}/{database}",
        "SURVEY_SECRET_KEY": secrets.token_hex(32),
        "SURVEY_RATELIMIT_STORAGE_URI": REDIS,
        "SURVEY_TRUSTED_PROXIES": "1",
        "SURVEY_SESSION_COOKIE_SECURE": "true",
        "SURVEY_PUBLIC_BASE_URL": f"http://127.0.0.1:{proxy_port}",
        "GUNICORN_CMD_ARGS": f'"--bind 127.0.0.1:{app_port} --workers 4"',
        # Only here: this run's counters apart from any other run's in the same Redis.
        "SURVEY_RATELIMIT_KEY_PREFIX": f"deploy-{database}",
    }
    assert set(readme_settings) <= set(settings), "CI sets every setting the README's example names"
    (checkout / "buurtpeiling.env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SURVEY_", "VIRTUAL_ENV", "PYTHON", "FLASK_"))}
    log = checkout / "deploy.log"
    with log.open("w") as out:
        server = subprocess.Popen(["bash", "-euo", "pipefail", "-c", commands], cwd=checkout, env=env,
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proxy = subprocess.Popen([sys.executable, str(ROOT / "tests/deploy/proxy.py"), "--listen", f"127.0.0.1:{proxy_port}",
                              "--upstream", f"127.0.0.1:{app_port}"], start_new_session=True)
    try:
        _wait_for(app_port, server, log)
        yield proxy_port, settings, checkout
    finally:
        for process in (proxy, server):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        _psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def flask(checkout: Path, *args: str, password: str = PASSWORD) -> str:
    """A command of the README, with the site's settings, as an operator would run it."""
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", 'set -a && . ./buurtpeiling.env && set +a && '
                             '.venv/bin/flask --app survey "$@"', "flask", *args], cwd=checkout, capture_output=True,
                            text=True, env={**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")},
                                            "SURVEY_NEW_PASSWORD": password})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def staff(site):
    _port, _settings, checkout = site
    flask(checkout, "users", "create", "admin@example.nl", "--role", "admin")
    flask(checkout, "users", "create", "piet@example.nl", "--role", "canvasser", "--area", "wyckerpoort")
    return {"admin": "admin@example.nl", "canvasser": "piet@example.nl"}


@pytest.mark.deploy
def test_a_resident_answers_the_survey_and_reads_the_receipt(site):
    from test_online import PAGES, all_answers

    port, _settings, _checkout = site
    resident = Client(port, "127.0.0.2")
    _status, _headers, form = resident.get(FORM)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    ticket = re.search(r'name="ticket" value="([^"]+)"', form).group(1)  # the resident's form ticket
    started = time.monotonic()
    for page in range(len(PAGES) - 1):
        status, _headers, html = resident.post(FORM, {**all_answers(page + 1), "page": str(page), "action": "next",
                                                      "csrf_token": token, "ticket": ticket})
        assert status == 200, html[:1000]
    # As fast as no person is (SUBMISSION_MIN_SECONDS holds bots back): wait as a person would.
    time.sleep(max(0.0, 16 - (time.monotonic() - started)))
    status, _headers, thanks = resident.post(FORM, {**all_answers(), "page": str(len(PAGES) - 1), "action": "submit",
                                                    "csrf_token": token, "ticket": ticket})
    assert status == 200, thanks[:1000]
    code = re.search(r'class="receipt-code"[^>]*>([0-9A-Z-]{14})<', thanks).group(1)
    _status, _headers, lookup = resident.get("/nl/receipt")
    status, _headers, receipt = resident.post("/nl/receipt", {
        "code": code, "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', lookup).group(1),
        "ticket": re.search(r'name="ticket" type="hidden" value="([^"]+)"', lookup).group(1)})
    assert status == 200 and "Jeu de boules" in receipt


@pytest.mark.deploy
def test_staff_sign_in_through_the_proxy(site, staff):
    port, _settings, _checkout = site
    admin = Client(port, "127.0.0.3")
    assert admin.sign_in(staff["admin"]) == 302
    status, headers, html = admin.get("/nl/account")
    assert status == 200 and staff["admin"] in html
    assert "default-src 'self'" in headers["content-security-policy"]


@pytest.mark.deploy
def test_a_tablet_sends_a_batch_and_sending_it_again_stores_nothing(site, staff):
    from test_canvassing_helpers import interview

    port, _settings, _checkout = site
    tablet = Client(port, "127.0.0.4")
    assert tablet.sign_in(staff["canvasser"]) == 302
    status, _headers, page = tablet.get("/nl/canvass/activities-2026/wyckerpoort/interview")
    assert status == 200
    device = json.loads(re.search(r'<script type="application/json" id="canvass-device">(.*?)</script>', page, re.S).group(1))
    batch = json.dumps({"items": [interview(), interview()]}).encode()
    headers = {"Authorization": f"Bearer {device['token']}", "Content-Type": "application/json", "Accept-Language": "nl"}
    first = Client(port, "127.0.0.4").request("POST", "/api/v1/submissions", body=batch, headers=headers)
    again = Client(port, "127.0.0.4").request("POST", "/api/v1/submissions", body=batch, headers=headers)
    assert first[0] == 200 and json.loads(first[2])["stored"] == 2, first
    assert again[0] == 200 and json.loads(again[2])["duplicate"] == 2, again


@pytest.mark.deploy
def test_sign_in_limits_count_each_real_client_across_all_workers(site, staff):
    """10 a minute per address, counted in Redis by all four workers, per client behind the proxy."""
    port, _settings, _checkout = site
    guesser = Client(port, "127.0.0.5")
    statuses = [guesser.sign_in(staff["admin"], password=f"wrong guess {n}") for n in range(40)]
    assert statuses.count(429) == 30 and set(statuses[:10]) == {401}, statuses
    # Pretending to be someone else does not help: only the address the proxy saw counts.
    forged = guesser.post("/nl/login", {"csrf_token": guesser.token("/nl/login"), "email": staff["admin"],
                                        "password": "x"}, headers={"X-Forwarded-For": "203.0.113.9"})[0]
    assert forged == 429
    # Another resident or colleague behind the same proxy is not locked out by that one.
    colleague = Client(port, "127.0.0.6")
    assert colleague.sign_in(staff["admin"]) == 302


@pytest.mark.deploy
def test_healthz_over_the_proxy(site):
    port, _settings, _checkout = site
    status, _headers, body = Client(port, "127.0.0.7").get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
