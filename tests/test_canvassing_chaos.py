"""Chaos: tablets send several hundred interviews over a connection that fails at random points,
and resend until the server confirmed each. Every interview must be stored exactly once.

The failures, each drawn at random per attempt:
- the connection is gone before the request leaves the tablet;
- it breaks halfway through sending the request;
- the server received and stored the batch, but its answer never reaches the tablet;
- the tablet hangs up right after sending (the server may or may not have finished);
- the server fails in the middle of a batch (an error after some items were written).
Several tablets run at once, and all of them also hold the same 20 interviews (as a second tablet
that took over a colleague's queue would), so the same items race each other too.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import socket
import threading
from collections import Counter

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from survey.canvassing import services
from survey.canvassing.models import Visit
from survey.extensions import db
from survey.responses.models import Response, SealedItem
from test_canvassing_helpers import API, interview, make_canvasser, visit, walk_list  # noqa: F401

TABLETS = 4
INTERVIEWS_PER_TABLET = 100
VISITS_PER_TABLET = 25
SHARED_INTERVIEWS = 20


@pytest.fixture
def server(app):
    """The app on a loopback port, served by threads as in production."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield port
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def failing_server_writes(monkeypatch):
    """Every 13th interview the server stores fails with an error, after earlier items were written."""
    calls = itertools.count()
    real = services.seal_interview

    def sometimes_failing(*args, **kwargs):
        if next(calls) % 13 == 7:
            raise RuntimeError("the server fell over in the middle of a batch")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "seal_interview", sometimes_failing)


class FlakyTablet:
    def __init__(self, port: int, token: str, items: list[dict], seed: int):
        self.port, self.token, self.rng = port, token, random.Random(seed)
        self.items = items
        self.waiting = {item["uuid"]: item for item in items}
        self.events = Counter()

    def items_sent(self) -> list[dict]:
        return self.items

    def run(self):
        while self.waiting:
            batch = self.rng.sample(list(self.waiting.values()), k=min(len(self.waiting), self.rng.randint(1, 25)))
            self.events["attempts"] += 1
            self.attempt(batch, self.rng.random())

    def attempt(self, batch: list[dict], fate: float):
        if fate < 0.15:
            self.events["dropped before the request"] += 1
            return
        body = json.dumps({"items": batch}).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            if fate < 0.30:
                connection.putrequest("POST", API)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    connection.putheader(name, value)
                connection.endheaders()
                connection.send(body[: len(body) // 2])
                self.events["cut while sending"] += 1
                return
            connection.request("POST", API, body, headers)
            if fate < 0.40:
                self.events["hung up right after sending"] += 1
                return
            response = connection.getresponse()
            payload = response.read()
            if fate < 0.60:
                self.events["answer lost after the server answered"] += 1
                return
            if response.status != 200:
                self.events[f"server answered {response.status}"] += 1
                return
            for item, result in zip(batch, json.loads(payload)["results"]):
                assert result["uuid"] == item["uuid"] and result["status"] in ("stored", "duplicate"), result
                del self.waiting[item["uuid"]]
                self.events[f"confirmed {result['status']}"] += 1
        finally:
            connection.close()


def test_flaky_connections_store_every_interview_exactly_once(app, accounts, server, walk_list, failing_server_writes):
    doors = [door for label, door in walk_list.items() if label != "Daalhoferweg 2"]
    shared = [interview() for _ in range(SHARED_INTERVIEWS)]
    tablets = []
    for number in range(TABLETS):
        _, token = make_canvasser(app, accounts, f"tablet{number}@example.nl", "canvasser", ("wyckerpoort",))
        own = [interview() for _ in range(INTERVIEWS_PER_TABLET)]
        outcomes = [visit(doors[i % len(doors)], random.Random(i).choice(["not_home", "refused", "flyer_left"]))
                    for i in range(VISITS_PER_TABLET)]
        tablets.append(FlakyTablet(server, token, own + outcomes + shared, seed=2026 + number))
    threads = [threading.Thread(target=tablet.run) for tablet in tablets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a tablet never got everything confirmed"

    expected_interviews = {item["uuid"] for tablet in tablets for item in tablet.items_sent() if item["type"] == "interview"}
    expected_visits = {item["uuid"] for tablet in tablets for item in tablet.items_sent() if item["type"] == "visit"}
    with app.app_context():
        # Stored, or sealed until enough of the neighbourhood can be stored together.
        stored_interviews = list(db.session.scalars(select(Response.uuid))) + list(
            db.session.scalars(select(SealedItem.uuid).where(SealedItem.kind == "interview")))
        stored_visits = list(db.session.scalars(select(Visit.uuid)))
    events = sum((tablet.events for tablet in tablets), Counter())
    print(f"\nchaos: {len(expected_interviews)} interviews and {len(expected_visits)} visits from {TABLETS} tablets; "
          f"stored {len(stored_interviews)} interview rows ({len(set(stored_interviews))} distinct) and "
          f"{len(stored_visits)} visit rows; missing {len(expected_interviews - set(stored_interviews))}")
    for name, number in sorted(events.items()):
        print(f"  {name}: {number}")
    assert len(stored_interviews) == len(set(stored_interviews)) == len(expected_interviews) == 420
    assert set(stored_interviews) == expected_interviews
    assert len(stored_visits) == len(set(stored_visits)) == TABLETS * VISITS_PER_TABLET
    assert set(stored_visits) == expected_visits
    # The failures really happened, in every kind.
    for kind in ("dropped before the request", "cut while sending", "hung up right after sending",
                 "answer lost after the server answered", "server answered 500", "confirmed duplicate"):
        assert events[kind] > 0, kind
