"""What a first visit to the resident's (and canvasser's) pages transfers, against the 150 KB budget.

    .venv/bin/python bench/page_weight.py

Loads each page in a fresh headless Chromium (empty cache) from the app under gunicorn, adds up
every response's body, raw and gzip-compressed (as a reverse proxy serves them), and checks that
no request leaves the app's own host and that no plotly is loaded.
"""

from __future__ import annotations

import gzip
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import gunicorn, scratch_database  # noqa: E402

BUDGET_KB = 150
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
RESIDENT_PAGES = [
    ("landing page (nl)", "/nl/"),
    ("survey form, page 1 (nl)", "/nl/r/activities-2026/wyckerpoort/"),
    ("survey form, page 1 (ar)", "/ar/r/activities-2026/wyckerpoort/"),
    ("receipt look-up", "/nl/receipt"),
]


def measure(page, url: str) -> dict:
    bodies = []
    page.on("response", lambda response: bodies.append(response))
    page.goto(url, wait_until="networkidle")
    raw = compressed = 0
    hosts, plotly = set(), False
    for response in bodies:
        try:
            body = response.body()
        except Exception:  # redirects have no body
            body = b""
        raw += len(body)
        compressed += len(gzip.compress(body, 6))
        hosts.add(urlparse(response.url).netloc)
        plotly = plotly or "plotly" in response.url
    return {"requests": len(bodies), "raw": raw / 1024, "gzip": compressed / 1024, "hosts": hosts, "plotly": plotly}


CANVASSER_PAGES = [
    ("canvasser: walk list", "/nl/canvass/"),
    ("canvasser: neighbourhood", "/nl/canvass/activities-2026/wyckerpoort/"),
    ("canvasser: interview", "/nl/canvass/activities-2026/wyckerpoort/interview"),
]


def canvasser(uri: str) -> tuple[str, str]:
    """A canvasser account in the scratch database."""
    import subprocess

    from _server import BIN, ROOT

    email, password = "bench-canvasser@example.nl", "bench canvasser password"
    subprocess.run([BIN / "flask", "--app", "survey", "users", "create", email, "--role", "canvasser", "--area", "wyckerpoort"],
                   env={**os.environ, "SURVEY_SQLALCHEMY_DATABASE_URI": uri, "SURVEY_NEW_PASSWORD": password},
                   cwd=ROOT, check=True, capture_output=True)
    return email, password


def main() -> None:
    from playwright.sync_api import sync_playwright

    uri = scratch_database(False)
    env = {"SURVEY_SQLALCHEMY_DATABASE_URI": uri, "SURVEY_SECRET_KEY": "bench"}
    with gunicorn("wsgi:app", env) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS)
        print(f"{'page':<34} {'requests':>8} {'raw KB':>8} {'gzip KB':>8} {'of budget':>10}  other hosts / plotly")
        email, password = canvasser(uri)
        for name, path in RESIDENT_PAGES + CANVASSER_PAGES:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            if path.startswith("/nl/canvass"):
                page.goto(base + "/nl/login")
                page.fill("#email", email)
                page.fill("#password", password)
                page.click("button.primary")
                # A first visit: what the browser has cached so far is dropped, the session kept.
                page.context.new_cdp_session(page).send("Network.clearBrowserCache")
            result = measure(page, base + path)
            context.close()
            others = result["hosts"] - {urlparse(base).netloc}
            print(f"{name:<34} {result['requests']:>8} {result['raw']:>8.1f} {result['gzip']:>8.1f} "
                  f"{result['gzip'] / BUDGET_KB:>9.0%}  {', '.join(others) or 'none'} / {'yes' if result['plotly'] else 'no'}")
        browser.close()
    print(f"budget: {BUDGET_KB} KB transferred on a first visit (PRODUCT.md quality bars)")


if __name__ == "__main__":
    main()
