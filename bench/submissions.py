"""Completed online surveys per second and p95 latency under concurrent load, against a bare Flask
endpoint doing the same writes (the floor) and one doing nothing but parse the form (the ceiling).

    .venv/bin/python bench/submissions.py [--postgres] [--requests 2000] [--concurrency 16]

All servers run under gunicorn (2 workers × 4 threads) on loopback; each request posts a whole
survey (all pages' answers, as the form's last page does). The app stores it with its answer rows
and answers with the thank-you page; the "same writes" endpoint inserts the same rows into the
same schema of the same database in one transaction. Each request carries a resident's session and
form ticket, made beforehand as the form page would hand them out.
"""

from __future__ import annotations

import argparse
import http.client
import secrets
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import gunicorn, scratch_database  # noqa: E402

ANSWERS = [
    ("page", "6"), ("action", "submit"), ("q-visit_frequency", "monthly"),
    *[("q-activities", key) for key in ("cooking_together", "quiz", "repair_cafe", "film_nights", "music")],
    ("q-top3-1", "quiz"), ("q-top3-2", "cooking_together"), ("q-top3-3", "music"),
    *[("q-when", cell) for cell in ("mon:evening", "wed:evening", "sat:morning", "sun:afternoon")],
    ("q-reach", "elderly"), ("q-reach", "young_families"), ("q-barriers", "cost"), ("q-hear", "posters"),
    ("q-building", "better_kitchen"), ("q-price", "up_to_2"), ("q-help", "no"), ("q-age_group", "age_46_65"),
    ("q-household", "partner"), ("q-home_language", "dutch"), ("q-idea", "Meer activiteiten voor jongeren"),
]
BODY = urllib.parse.urlencode(ANSWERS).encode()
SECRET = "bench"


def residents(count: int) -> list[tuple[str, bytes]]:
    """(session cookie, body with ticket) pairs, one per survey: what a browser holds after
    opening the form (tickets.py), made up front so that the clients' cost is not measured."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeSerializer

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from survey.responses.tickets import SALT

    app = Flask("bench")
    app.secret_key = SECRET
    cookies = SecureCookieSessionInterface().get_signing_serializer(app)
    tickets = URLSafeSerializer(SECRET, salt=SALT)
    started = int(time.time()) - 600  # ten minutes ago: a person's pace
    made = []
    for _ in range(count):
        epoch = secrets.token_urlsafe(12)
        body = BODY + b"&" + urllib.parse.urlencode({"ticket": tickets.dumps({"e": epoch, "t": started})}).encode()
        made.append((f"session={cookies.dumps({'resident': epoch})}", body))
    return made


def load(base: str, path: str, requests: int, concurrency: int, expect: int) -> tuple[float, list[float], int]:
    """Send ``requests`` POSTs from ``concurrency`` threads on keep-alive connections."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    per_thread = requests // concurrency
    people = residents(per_thread * concurrency)

    def worker(number):
        nonlocal failures
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine, bad = [], 0
        for cookie, body in people[number * per_thread:(number + 1) * per_thread]:
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                                 "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            bad += response.status != expect
        connection.close()
        with lock:
            latencies.extend(mine)
            failures += bad

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    return time.perf_counter() - started, latencies, failures


def report(name: str, elapsed: float, latencies: list[float], failures: int) -> tuple[float, float]:
    rate = len(latencies) / elapsed
    p95 = statistics.quantiles(latencies, n=100)[94] * 1000
    print(f"{name:<34} {rate:>9.0f}/s   p50 {statistics.median(latencies) * 1000:6.1f} ms   p95 {p95:6.1f} ms   "
          f"failed {failures}")
    return rate, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="store in a scratch PostgreSQL database")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    uri = scratch_database(args.postgres)
    env = {"SURVEY_SQLALCHEMY_DATABASE_URI": uri, "SURVEY_WTF_CSRF_ENABLED": "false", "SURVEY_RATELIMIT_ENABLED": "false",
           "SURVEY_SECRET_KEY": SECRET, "BENCH_AREA_ID": str(area_id(uri, "wyckerpoort"))}
    print(f"{args.requests} requests, {args.concurrency} concurrent clients, gunicorn 2 workers × 4 threads, "
          f"{'PostgreSQL' if args.postgres else 'SQLite (WAL)'}")
    with gunicorn("bench.bare_app:app", env) as base:
        load(base, "/submit", 200, args.concurrency, 200)  # warm up
        ceiling = report("bare Flask endpoint (ceiling)", *load(base, "/submit", args.requests, args.concurrency, 200))
        load(base, "/same-writes", 200, args.concurrency, 200)
        floor = report("same writes, bare Flask (floor)", *load(base, "/same-writes", args.requests, args.concurrency, 200))
    with gunicorn("wsgi:app", env) as base:
        path = "/nl/r/activities-2026/wyckerpoort/"
        load(base, path, 200, args.concurrency, 200)
        ours = report("complete survey stored", *load(base, path, args.requests, args.concurrency, 200))
    print(f"ratio to the same-writes floor: {ours[0] / floor[0]:.2f}× the throughput, {ours[1] / floor[1]:.1f}× the p95 "
          f"latency (target: at least 0.8× the throughput)")
    print(f"ratio to the ceiling: {ours[0] / ceiling[0]:.2f}× the throughput, {ours[1] / ceiling[1]:.1f}× the p95 latency")


def area_id(uri: str, key: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT id FROM area WHERE key = :key"), {"key": key}).scalar_one()
    engine.dispose()
    return found


if __name__ == "__main__":
    main()
