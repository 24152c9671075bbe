"""Measure the speed targets of the issues (median of several runs); not a test.

Usage: .venv/bin/python tools/benchmark.py [--cases 5000] [--runs 5] [--keep DIR]
Prints one line per figure and writes benchmark.json beside the database.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "demo_5000_s": 30.0,
    "cases_json_s": 1.5,
    "list_load_s": 1.0,
    "refilter_ms": 100.0,
    "packet_s": 0.5,
    "packets_100_s": 60.0,
    "report_s": 0.3,
    "report_json_s": 1.5,
}


KEYRING_ENV = {  # this machine may have no keyring: the tests' file keyring, for the benchmark
    "PYTHON_KEYRING_BACKEND": "tests.keyring_file.FileKeyring",
    "PYTHONPATH": str(ROOT),
}


def run_cli(db: str, *args: str, stdin: str = "") -> float:
    env = dict(os.environ, CASEAPP_DB=db, QT_QPA_PLATFORM="offscreen")
    env |= KEYRING_ENV
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "caseapp", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, input=stdin, text=True)  # fmt: skip
    return time.perf_counter() - start


def median(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder for the database (default: temporary)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="caseapp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CASEAPP_TEST_KEYRING_FILE", str(folder / "keyring.json"))
    os.environ |= KEYRING_ENV
    sys.path.insert(0, str(ROOT))
    results: dict[str, float] = {}

    def demo_once() -> float:
        target = folder / "bench.sqlite3"
        Path(os.environ["CASEAPP_TEST_KEYRING_FILE"]).unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return run_cli(f"sqlite:///{target}", "demo", "--cases", str(args.cases))

    results["demo_5000_s"] = median(demo_once, max(1, args.runs // 2))
    db = f"sqlite:///{folder / 'bench.sqlite3'}"
    from caseapp.services.demo import DEMO_PASSWORD

    run_cli(db, "login", "helen", stdin=DEMO_PASSWORD + "\n")  # a session, as a user would
    results["cases_json_s"] = median(lambda: run_cli(db, "cases", "--json"), args.runs)

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import keyring

    from caseapp.db import open_database
    from tests.keyring_file import FileKeyring

    keyring.set_keyring(FileKeyring())
    from caseapp.security import SYSTEM
    from caseapp.services import cases, documents
    from caseapp.services.context import ServiceContext
    from caseapp.services.staff import actor_for

    database = open_database(db)
    system = ServiceContext(database.session_factory, SYSTEM)
    ctx = system.as_actor(actor_for(system, "helen"))
    rows: list = []
    results["list_load_s"] = median(lambda: timed(lambda: rows.extend(cases.list_cases(ctx))),
                                    args.runs)  # fmt: skip
    rows = cases.list_cases(ctx)
    try:
        from PySide6.QtWidgets import QApplication

        from caseapp.ui.case_list import CaseTableModel  # type: ignore[attr-defined]

        app = QApplication.instance() or QApplication([])
        model = CaseTableModel(ctx.actor.login)
        model.set_rows(rows)
        needle = rows[len(rows) // 2].patient.split()[0].lower()
        timings = []
        for i in range(1, len(needle) + 1):
            timings.append(timed(lambda i=i: model.set_search(needle[:i])) * 1000)
        results["refilter_ms"] = statistics.median(timings)
        del app
    except (ImportError, AttributeError, TypeError) as exc:
        print(f"(case list model not measured: {exc})")

    travelling = [r.ref for r in rows if r.stage in documents.PACKET_STAGES]
    results["packet_s"] = median(lambda: timed(lambda: documents.render_document(
        ctx, "packet", travelling[0])), args.runs)  # fmt: skip
    hundred = travelling[:100]
    results["packets_100_s"] = timed(lambda: [documents.render_document(ctx, "packet", r)
                                              for r in hundred])  # fmt: skip
    try:
        from caseapp.services import reports  # type: ignore[attr-defined]

        filters = reports.ReportFilters()
        results["report_s"] = median(lambda: timed(lambda: reports.pipeline_report(ctx, filters)),
                                     args.runs)  # fmt: skip
        out = io.StringIO()
        results["report_json_s"] = median(
            lambda: run_cli(db, "report", "pipeline", "--format", "json"),
            args.runs)  # fmt: skip
        del out
    except (ImportError, AttributeError, subprocess.CalledProcessError) as exc:
        print(f"(reports not measured: {exc})")

    results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"CaseApp benchmark, {args.cases} demo cases, median of {args.runs} runs")
    for key, value in results.items():
        target = TARGETS.get(key)
        verdict = "" if target is None else ("ok" if value <= target else f"OVER {target}")
        print(f"  {key:<16} {value:9.3f}  {verdict}")
    (folder / "benchmark.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
