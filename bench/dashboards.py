"""Benchmark: dashboard summaries over a million responses, against a bare GROUP BY as the floor.

    .venv/bin/python bench/dashboards.py --sqlite instance/bench.sqlite \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench

For each database it makes sure a round ``bench-2026`` (opened four months ago, so that answers
spread over several months) holds ``--responses`` demo responses, loading what is missing (minutes)
and counting them into the dashboard tally; a database that has them already is reused. It then
times the summary of a neighbourhood, a district and the city, cold (no cached numbers in the
process) and warm, each beside two floors:

* raw floor: ``SELECT question, option, count(*) FROM answer JOIN response ... GROUP BY question,
  option`` over the same area: the least any dashboard reading the answers could do;
* tally floor: the same GROUP BY over the pre-aggregated tally the dashboards read.

A summary is everything a page needs: freshness check, the counts, the privacy rules over the
whole round, and the numbers per question (and responses per channel, language, age, month).
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
    from survey.responses.models import Response
    from survey.surveys.models import SurveyRound
    from survey.surveys.services import load_survey_file, open_round
    from survey.dashboards.tally import ensure_fresh, rebuild

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
            started = time.perf_counter()
            rebuild(survey_round.id)
            db.session.commit()
            info["rebuild_s"] = time.perf_counter() - started
        else:
            started = time.perf_counter()
            ensure_fresh(survey_round.id)
            db.session.commit()
            info["freshness_s"] = time.perf_counter() - started
        info["responses"] = db.session.scalar(select(func.count()).where(Response.round_id == survey_round.id))
        info["answers"] = db.session.scalar(text(
            "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE r.round_id = :r"
        ).bindparams(r=survey_round.id))
    return info


def measure(app, round_key: str, repeat: int) -> list[dict]:
    from survey.areas.queries import area_by_key
    from survey.dashboards import queries, service
    from survey.surveys.queries import round_by_key

    rows = []
    with app.test_request_context("/nl/"):
        g.lang = "nl"
        survey_round = round_by_key(round_key)
        tree = queries.round_tree(survey_round)
        for kind, key in AREAS:
            area = area_by_key(key)
            hood_ids = [a.id for a in tree.values() if a.kind.value == "neighbourhood" and _within(a, key)]
            ids = ", ".join(str(i) for i in hood_ids)

            def summary():
                return service.dashboard_summary(survey_round, area, queries.Filter())

            def cold():
                queries.clear_cache()
                summary()

            cold_s = timed(cold, repeat)
            summary()
            warm = [timed(summary) for _ in range(max(3, repeat))]
            raw_sql = text(f"SELECT a.question, a.option, count(*) FROM answer a JOIN response r ON r.id = a.response_id "
                           f"WHERE r.round_id = :r AND r.area_id IN ({ids}) GROUP BY a.question, a.option")
            tally_sql = text(f"SELECT question, option, rank, sum(n) FROM dashboard_tally WHERE round_id = :r AND dim = 'all' "
                             f"AND area_id IN ({ids}) GROUP BY question, option, rank")
            raw_s = timed(lambda: db.session.execute(raw_sql.bindparams(r=survey_round.id)).all(), 2)
            tally_s = timed(lambda: db.session.execute(tally_sql.bindparams(r=survey_round.id)).all(), 5)
            filtered_s = timed(lambda: (queries.clear_cache(), service.dashboard_summary(
                survey_round, area, queries.Filter("age_group", "age_27_45"))))
            rows.append({"area": f"{kind} ({key})", "cold": cold_s, "warm": statistics.median(warm), "raw": raw_s,
                         "tally": tally_s, "filtered_cold": filtered_s})
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
          + "".join(f", {k} {v:.1f} s" for k, v in info.items() if k.endswith("_s")))
    print(f"  {'summary of':<28}{'cold':>9}{'warm':>9}{'raw floor':>11}{'cold/raw':>10}{'tally floor':>13}{'cold/tally':>12}{'age filter cold':>17}")
    for row in rows:
        print(f"  {row['area']:<28}{row['cold'] * 1000:>7.0f}ms{row['warm'] * 1000:>7.1f}ms{row['raw'] * 1000:>9.0f}ms"
              f"{row['cold'] / row['raw']:>9.2f}x{row['tally'] * 1000:>11.1f}ms{row['cold'] / row['tally']:>11.1f}x"
              f"{row['filtered_cold'] * 1000:>15.0f}ms")
    city = rows[-1]
    verdict = city["cold"] <= 3 * city["raw"] and city["cold"] < 1.0
    print(f"  target (city cold within 3x the raw floor and under 1 s): {'met' if verdict else 'NOT met'}")


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
