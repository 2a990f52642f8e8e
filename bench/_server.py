"""Start the app (or another WSGI app) under gunicorn on a free loopback port, on a scratch database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_database(postgres: bool) -> str:
    """A fresh, migrated database with the reference data: SQLite in a temp folder, or PostgreSQL."""
    if postgres:
        name = f"bench_{os.getpid()}"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name}",
                        "-c", f"CREATE DATABASE {name}"], check=True)
        uri = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    else:
        uri = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    env = {**os.environ, "SURVEY_SQLALCHEMY_DATABASE_URI": uri}
    for args in (["db", "upgrade", "heads"], ["setup"]):
        subprocess.run([BIN / "flask", "--app", "survey", *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return uri


@contextmanager
def gunicorn(app: str, env: dict, workers: int = 2, threads: int = 4):
    port = free_port()
    process = subprocess.Popen(
        [BIN / "gunicorn", "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
