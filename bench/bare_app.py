"""Floors and ceilings for the submission benchmark.

* ``/submit``: a bare Flask endpoint that parses the same form: the ceiling of any web endpoint.
* ``/same-writes``: a bare Flask endpoint that parses the same form and does the same writes in
  the same database (a response row and its answer rows, in one transaction, with the same
  schema): the floor of storing a survey, against which the app's own cost is measured.
"""

import os
import secrets
import uuid

from flask import Flask, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
_engine = None

RESPONSE = text(
    "INSERT INTO response (uuid, round_id, survey_version_id, area_id, channel, language, day, age_group, receipt_hash, "
    "is_demo, cell_key) VALUES (:uuid, :round, :version, :area, 'online', 'nl', CURRENT_DATE, :age, :receipt, false, :key) "
    "RETURNING id"
)
ANSWER = text("INSERT INTO answer (response_id, question, option, rank, text) VALUES (:response, :question, :option, :rank, :text)")


def engine():
    global _engine
    if _engine is None:
        uri = os.environ["SURVEY_SQLALCHEMY_DATABASE_URI"]
        _engine = create_engine(uri, connect_args={"timeout": 10} if uri.startswith("sqlite") else {})
        if uri.startswith("sqlite"):
            from sqlalchemy import event

            @event.listens_for(_engine, "connect")
            def _pragmas(connection, _record):
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=10000")
                cursor.close()
    return _engine


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/submit")
def submit():
    return {"fields": len(request.form)}, 200


@app.post("/same-writes")
def same_writes():
    """The answers as rows, like the form's question types make them (one per choice, rank, text)."""
    form = request.form
    rows = []
    for name, values in form.lists():
        if not name.startswith("q-"):
            continue
        key, _, part = name[2:].partition("-")
        for value in values:
            rank = int(part) if part.isdigit() else None
            text_value = value if key in ("idea",) else None
            rows.append({"question": key, "option": None if text_value else value, "rank": rank, "text": text_value})
    with engine().begin() as connection:
        response_id = connection.execute(RESPONSE, {
            "uuid": str(uuid.uuid4()), "round": 1, "version": 1, "area": int(os.environ.get("BENCH_AREA_ID", 1)),
            "age": form.get("q-age_group"), "receipt": secrets.token_hex(32), "key": secrets.randbelow(1 << 32)}).scalar_one()
        connection.execute(ANSWER, [{**row, "response": response_id} for row in rows])
    return {"stored": len(rows)}, 200
