"""Measure the speed targets of issue 15: the app's own paths beside plain SQL, in one run.

Usage: .venv/bin/python tools/benchmark.py [--cases 50000] [--runs 5] [--keep DIR] [--pg URL]

The demo database is built once (`--keep DIR` reuses DIR/bench.sqlite3, or a PostgreSQL database
given by `--pg URL` that already holds cases). Each figure is a median; where a plain-SQL floor
exists it is measured interleaved with the app (app, SQL, app, SQL...) so both see the same
machine load, and the ratio app/SQL is printed. Writes benchmark.json beside the database.
Not a test.
"""

from __future__ import annotations

import argparse
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KEYRING_ENV = {  # this machine may have no keyring: the tests' file keyring, for the benchmark
    "PYTHON_KEYRING_BACKEND": "tests.keyring_file.FileKeyring",
    "PYTHONPATH": str(ROOT),
}
# The list's columns, read as plain SQL: cases with patient, program, owner and stored summary.
LIST_SQL = """
SELECT c.id, c.ref, p.full_name, p.nationality, p.passport_number, pr.code, c.stage, s.login,
       s.full_name, c.stage_entered_at, c.version, g.token, g.computed_on, g.valid_until,
       g.blockers, g.warnings, g.first_blockers, g.next_deadline, g.next_deadline_what
FROM cases c JOIN patients p ON p.id = c.patient_id JOIN programs pr ON pr.id = c.program_id
JOIN staff_users s ON s.id = c.owner_id LEFT JOIN case_gate_summaries g ON g.case_id = c.id
ORDER BY c.ref
"""
# `caseapp cases --json` against: start an interpreter, run the same query, print JSON.
PLAIN_JSON = """
import json, sys, sqlalchemy as sa
e = sa.create_engine(sys.argv[1])
with e.connect() as c:
    rows = c.exec_driver_sql(sys.argv[2]).all()
json.dump([[str(v) for v in r] for r in rows], sys.stdout)
"""
TARGETS = {  # seconds, from issue 15 (ratios: at most 2)
    "demo_s": 90.0,
    "list_load_s": None,
    "cases_json_s": None,
    "report_s": 0.150,
    "case_detail_s": 0.050,
    "packet_s": 0.3,
}


def env_for(db: str) -> dict[str, str]:
    return dict(os.environ, CASEAPP_DB=db, QT_QPA_PLATFORM="offscreen") | KEYRING_ENV


def run_cli(db: str, *args: str, stdin: str = "") -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "caseapp", *args], cwd=ROOT, env=env_for(db),
                   check=True, stdout=subprocess.DEVNULL, input=stdin, text=True)  # fmt: skip
    return time.perf_counter() - start


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(app: Callable[[], object], sql: Callable[[], object], runs: int) -> tuple[float, float]:
    a, b = [], []
    for _ in range(runs):
        a.append(timed(app))
        b.append(timed(sql))
    return statistics.median(a), statistics.median(b)


def build(db: str, cases: int, folder: Path, pg: bool) -> float | None:
    """Seed the demo unless the database already holds one; returns the seconds it took."""
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            if sa.inspect(conn).has_table("cases"):
                n = conn.exec_driver_sql("SELECT count(*) FROM cases").scalar() or 0
                if n:
                    print(f"(reusing the database: {n} cases)")
                    return None
    finally:
        engine.dispose()
    if not pg:
        Path(os.environ["CASEAPP_TEST_KEYRING_FILE"]).unlink(missing_ok=True)
    return run_cli(db, "demo", "--cases", str(cases))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder for the database (default: temporary)")
    parser.add_argument("--pg", metavar="URL", help="run on this PostgreSQL database instead")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="caseapp-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CASEAPP_TEST_KEYRING_FILE", str(folder / "keyring.json"))
    os.environ |= KEYRING_ENV
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, str(ROOT))
    db = args.pg or f"sqlite:///{folder / 'bench.sqlite3'}"
    app_s: dict[str, float] = {}
    sql_s: dict[str, float] = {}
    seeded = build(db, args.cases, folder, bool(args.pg))
    if seeded is not None:
        app_s["demo_s"] = seeded

    import keyring

    from tests.keyring_file import FileKeyring

    keyring.set_keyring(FileKeyring())
    from caseapp.db import open_database
    from caseapp.security import SYSTEM
    from caseapp.services import cases, documents, reports
    from caseapp.services.context import ServiceContext
    from caseapp.services.demo import DEMO_PASSWORD
    from caseapp.services.staff import actor_for

    run_cli(db, "login", "helen", stdin=DEMO_PASSWORD + "\n")  # a session, as a user would
    database = open_database(db)
    system = ServiceContext(database.session_factory, SYSTEM)
    ctx = system.as_actor(actor_for(system, "helen"))
    raw = database.engine.raw_connection()

    def plain(sql: str, params: Any = ()) -> list[Any]:
        cur = raw.cursor()
        cur.execute(sql, params)
        out = cur.fetchall()
        cur.close()
        return out

    app_s["list_first_load_s"] = timed(lambda: cases.list_cases(ctx))  # computes what is missing
    app_s["list_load_s"], sql_s["list_load_s"] = interleaved(
        lambda: cases.list_cases(ctx), lambda: plain(LIST_SQL), args.runs
    )
    engine_url = database.engine.url.render_as_string(hide_password=False)
    app_s["cases_json_s"], sql_s["cases_json_s"] = interleaved(
        lambda: run_cli(db, "cases", "--json"),
        lambda: subprocess.run([sys.executable, "-c", PLAIN_JSON, engine_url, LIST_SQL],
                               check=True, stdout=subprocess.DEVNULL),  # fmt: skip
        args.runs,
    )

    # The dashboard against the same statements it sends, run as plain SQL.
    from sqlalchemy import event

    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, *_rest: Any) -> None:
        sent.append((statement, params))

    event.listen(database.engine, "before_cursor_execute", capture)
    reports.pipeline_report(ctx, reports.ReportFilters())
    event.remove(database.engine, "before_cursor_execute", capture)
    app_s["report_s"], sql_s["report_s"] = interleaved(
        lambda: reports.pipeline_report(ctx, reports.ReportFilters()),
        lambda: [plain(st, p) for st, p in sent],
        args.runs,
    )

    rows = cases.list_cases(ctx)
    ref = next(r.ref for r in rows if r.stage == "treatment")
    app_s["case_detail_s"] = statistics.median(
        timed(lambda: cases.case_detail(ctx, ref)) for _ in range(args.runs)
    )
    travelling = [r.ref for r in rows if r.stage in documents.PACKET_STAGES]
    documents.render_document(ctx, "packet", travelling[0])  # warm: fonts, templates
    app_s["packet_s"] = statistics.median(
        timed(lambda: documents.render_document(ctx, "packet", travelling[0]))
        for _ in range(args.runs)
    )
    try:
        from PySide6.QtWidgets import QApplication

        from caseapp.ui.case_list import CaseTableModel

        qt = QApplication.instance() or QApplication([])
        model = CaseTableModel(ctx.actor.login)
        app_s["model_load_s"] = timed(lambda: model.set_rows(rows))
        needle = rows[len(rows) // 2].patient.split()[0].lower()
        app_s["keystroke_s"] = statistics.median(
            timed(lambda i=i: model.set_search(needle[:i])) for i in range(1, len(needle) + 1)
        )
        del qt
    except (ImportError, AttributeError, TypeError) as exc:
        print(f"(case list model not measured: {exc})")
    app_s["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    where = "PostgreSQL" if args.pg else "SQLite"
    print(f"CaseApp benchmark, {len(rows)} demo cases on {where}, median of {args.runs} runs")
    print(f"| {'figure':<18} | {'app':>9} | {'plain SQL':>9} | {'ratio':>6} | target |")
    print(f"| {'-' * 18} | {'-' * 9} | {'-' * 9} | {'-' * 6} | ------ |")
    for key, value in app_s.items():
        floor = sql_s.get(key)
        ratio = f"{value / floor:5.1f}x" if floor else ""
        target = TARGETS.get(key)
        goal = "2x SQL" if key in sql_s and key != "report_s" else (f"{target:g}" if target else "")
        unit = "MB" if key.endswith("_mb") else "s"
        shown = f"{value:8.3f}{unit}" if unit == "s" else f"{value:7.0f}{unit}"
        floor_text = f"{floor:8.3f}s" if floor else ""
        print(f"| {key:<18} | {shown:>9} | {floor_text:>9} | {ratio:>6} | {goal:<6} |")
    out = folder / "benchmark.json"
    out.write_text(json.dumps({"app": app_s, "sql": sql_s, "database": where}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
