"""Benchmark: dashboard summaries over a million responses, against a bare GROUP BY as the floor.

    .venv/bin/python bench/dashboards.py --sqlite instance/bench.sqlite \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each database it makes sure a round ``bench-2026`` (opened four months ago, so that answers
spread over several months) holds ``--responses`` demo responses, loading what is missing (minutes)
and releasing them (counting the tally and working out every published figure, perturbed and
protected, for every area and filter); a database that has them already is reused. It then times
the summary of a neighbourhood, a district and the city, cold (nothing cached in the process)
and warm, unfiltered and with one filter of each kind, beside the floor:

* floor: ``SELECT question, option, count(*) FROM answer JOIN response ... GROUP BY question,
  option`` over the same area: the least any dashboard reading the answers could do.

A summary is everything a page needs: the release check, the published figures of the area and of
the city it is compared with, and the numbers per question (and responses per channel, language,
age, month). The work of the privacy rules is done once per release, timed separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from survey import create_app  # noqa: E402
from survey.extensions import db  # noqa: E402

AREAS = (("neighbourhood", "wyckerpoort"), ("district", "oost"), ("city", "maastricht"))


def timed(call, repeat: int = 1) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def prepare(app, round_key: str, responses: int) -> dict:
    from survey import demo
    from survey.dashboards.releases import make_release
    from survey.responses.models import Response
    from survey.surveys.models import SurveyRound
    from survey.surveys.services import load_survey_file, open_round

    info = {}
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        app.test_cli_runner().invoke(args=["setup"], catch_exceptions=False)
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == round_key))
        if survey_round is None:
            version, _new = load_survey_file(Path(app.root_path) / app.config["DEFAULT_SURVEY_FILE"])
            today = dt.date.today()
            survey_round = open_round(round_key, version, today - dt.timedelta(days=120), today + dt.timedelta(days=30))
            db.session.commit()
        have = db.session.scalar(select(func.count()).where(Response.round_id == survey_round.id))
        if have < responses:
            print(f"  loading {responses - have:,} demo responses (have {have:,}) ...", flush=True)
            started = time.perf_counter()
            demo.generate(survey_round, responses - have, seed=2026 + have,
                          progress=lambda done: print(f"    {done:,}", flush=True) if done % 200_000 == 0 else None)
            db.session.commit()
            info["load_s"] = time.perf_counter() - started
        # A release as the nightly one: every neighbourhood counted again, every figure worked out.
        started = time.perf_counter()
        make_release(survey_round, force=True, everything=True)
        db.session.commit()
        info["release_s"] = time.perf_counter() - started
        info["responses"] = db.session.scalar(select(func.count()).where(Response.round_id == survey_round.id))
        info["answers"] = db.session.scalar(text(
            "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE r.round_id = :r"
        ).bindparams(r=survey_round.id))
    return info


FILTERS = (("age_group", "age_27_45"), ("channel", "door"), ("language", "ar"), ("period", None))


def measure(app, round_key: str, repeat: int) -> list[dict]:
    from survey.areas.queries import area_by_key
    from survey.dashboards import queries, service
    from survey.surveys.queries import round_by_key

    rows = []
    with app.test_request_context("/nl/"):
        g.lang = "nl"
        survey_round = round_by_key(round_key)
        tree = queries.round_tree(survey_round)
        month = queries.dimension_values(survey_round, "period")[0]
        for kind, key in AREAS:
            area = area_by_key(key)
            hood_ids = [a.id for a in tree.values() if a.kind.value == "neighbourhood" and _within(a, key)]
            ids = ", ".join(str(i) for i in hood_ids)

            def summary(view=queries.Filter()):
                return service.dashboard_summary(survey_round, area, view)

            def cold(view=queries.Filter()):
                queries.clear_cache()
                db.session.expire_all()
                summary(view)

            cold_s = timed(cold, repeat)
            summary()
            warm = [timed(summary) for _ in range(max(3, repeat))]
            raw_sql = text(f"SELECT a.question, a.option, count(*) FROM answer a JOIN response r ON r.id = a.response_id "
                           f"WHERE r.round_id = :r AND r.area_id IN ({ids}) GROUP BY a.question, a.option")
            raw_s = timed(lambda: db.session.execute(raw_sql.bindparams(r=survey_round.id)).all(), 2)
            filtered = {dim: timed(lambda: cold(queries.Filter(dim, value or month)), repeat) for dim, value in FILTERS}
            rows.append({"area": f"{kind} ({key})", "cold": cold_s, "warm": statistics.median(warm), "raw": raw_s,
                         "filtered": filtered})
        db.session.rollback()
    return rows


def _within(area, key: str) -> bool:
    while area is not None:
        if area.key == key:
            return True
        area = area.parent
    return False


def report(name: str, info: dict, rows: list[dict]) -> None:
    print(f"\n{name}: {info['responses']:,} responses, {info['answers']:,} answer rows"
          + "".join(f", {k.removesuffix('_s')} {v:.1f} s" for k, v in info.items() if k.endswith("_s")))
    print(f"  {'summary of':<28}{'cold':>9}{'warm':>9}{'floor':>10}{'cold/floor':>12}"
          + "".join(f"{dim + ' cold':>17}" for dim, _ in FILTERS))
    for row in rows:
        print(f"  {row['area']:<28}{row['cold'] * 1000:>7.0f}ms{row['warm'] * 1000:>7.1f}ms{row['raw'] * 1000:>8.0f}ms"
              f"{row['cold'] / row['raw']:>11.3f}x" + "".join(f"{row['filtered'][dim] * 1000:>15.0f}ms" for dim, _ in FILTERS))
    city = rows[-1]
    slowest = max(max(row["filtered"].values()) for row in rows)
    verdict = city["cold"] < 1.0 and slowest < 1.0
    print(f"  target (city cold, and every filtered view cold, under 1 s): {'met' if verdict else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", help="path of a SQLite database file (made if missing)")
    parser.add_argument("--postgres", help="a PostgreSQL URI, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--round", default="bench-2026")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cold measurement (the fastest counts)")
    args = parser.parse_args()
    targets = []
    if args.sqlite:
        targets.append(("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}"))
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    if not targets:
        parser.error("give --sqlite PATH and/or --postgres URI")
    for name, uri in targets:
        print(f"{name}: preparing {uri}", flush=True)
        app = create_app({"SQLALCHEMY_DATABASE_URI": uri})
        info = prepare(app, args.round, args.responses)
        report(name, info, measure(app, args.round, args.repeat))
        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
