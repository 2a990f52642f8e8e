"""``make bench``: the benchmarks under bench/, one after the other, with their defaults.

The dashboards benchmark keeps a million demo responses in ``instance/bench.sqlite`` (loaded on
its first run, some minutes; reused after), and uses PostgreSQL too when ``SURVEY_BENCH_POSTGRES``
holds a URI (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/bench``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def commands() -> list[list[str]]:
    postgres = os.environ.get("SURVEY_BENCH_POSTGRES")
    found = []
    if (HERE / "page_weight.py").exists():
        found.append([str(HERE / "page_weight.py")])
    if (HERE / "submissions.py").exists():
        found.append([str(HERE / "submissions.py")])
        if postgres:
            found.append([str(HERE / "submissions.py"), "--postgres"])
    dashboards = [str(HERE / "dashboards.py"), "--sqlite", str(HERE.parent / "instance" / "bench.sqlite")]
    found.append(dashboards + (["--postgres", postgres] if postgres else []))
    return found


def main() -> int:
    failed = 0
    for command in commands():
        print(f"\n== {' '.join(Path(part).name if part.endswith('.py') else part for part in command)}", flush=True)
        failed |= subprocess.call([sys.executable, *command])
    return failed


if __name__ == "__main__":
    sys.exit(main())
