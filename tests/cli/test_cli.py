"""The real `caseapp` command on a demo database: JSON shapes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseapp.services.demo import DEMO_PASSWORD
from tests.conftest import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]


# The subprocesses share one test keyring file: the data key of each demo database and the
# log-in session of its manager (helen, logged in like a user: password on stdin) live there.
KEYRING_FILE = Path(tempfile.mkdtemp(prefix="caseapp-keyring-")) / "keyring.json"


def caseapp(db_url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CASEAPP_DB=db_url, QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="tests.keyring_file.FileKeyring",
               CASEAPP_TEST_KEYRING_FILE=str(KEYRING_FILE))  # fmt: skip
    return subprocess.run([sys.executable, "-m", "caseapp", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, input=stdin, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database_url(tmp_path_factory.mktemp("cli")) as url:
        result = caseapp(url, "demo", "--cases", "40", "--seed", "11")
        assert result.returncode == 0, result.stderr
        assert "40 cases" in result.stdout
        log_in(url)
        yield url


def log_in(url: str, login: str = "helen") -> None:
    result = caseapp(url, "login", login, stdin=DEMO_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


def cases_json(url: str, *args: str) -> list[dict]:
    result = caseapp(url, "cases", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cases_json_lists_every_case_with_the_promised_keys(demo_url: str) -> None:
    rows = cases_json(demo_url)
    assert len(rows) == 40
    keys = {"ref", "patient", "nationality", "stage", "owner", "days_in_stage", "blockers"}
    assert keys <= set(rows[0])
    stages = {r["stage"] for r in rows}
    assert {"records", "treatment", "followup", "closed", "declined", "withdrawn"} <= stages
    assert any(r["blockers"] > 0 for r in rows), "some demo cases are blocked"


def test_filters(demo_url: str) -> None:
    visa = cases_json(demo_url, "--stage", "visa")
    assert visa and all(r["stage"] == "visa" for r in visa)
    mine = cases_json(demo_url, "--owner", "fatima")
    assert mine and all(r["owner"] == "fatima" for r in mine)
    someone = cases_json(demo_url)[5]
    found = cases_json(demo_url, "--search", someone["patient"].split()[0].lower())
    assert someone["ref"] in {r["ref"] for r in found}


def test_show_json_has_every_section(demo_url: str) -> None:
    ref = cases_json(demo_url, "--stage", "treatment")[0]["ref"]
    result = caseapp(demo_url, "show", ref, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("ref", "stage", "patient", "program", "blockers", "records", "review", "visa",
                "lodging", "interpreter_bookings", "milestones", "followups"):  # fmt: skip
        assert key in data
    assert data["ref"] == ref and data["stage"] == "treatment"
    assert all(isinstance(b, str) for b in data["blockers"])
    assert data["visa"]["status"] == "approved"
    assert data["lodging"] and data["interpreter_bookings"]


def test_show_json_has_the_discharge_medicines_and_counts(demo_url: str) -> None:
    ref = cases_json(demo_url, "--stage", "followup")[0]["ref"]
    result = caseapp(demo_url, "show", ref, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    meds = data["discharge_medications"]
    assert meds and {"name", "dose", "frequency", "until", "reason"} <= set(meds[0])
    assert "Aciclovir" in {m["name"] for m in meds}
    counts = {c["moment"]: c for c in data["blood_counts"]}
    assert {"taken_on", "anc", "platelets", "haemoglobin"} <= set(counts["discharge"])


def test_advance_blocked_exits_3_with_one_blocker_per_line(demo_url: str) -> None:
    blocked = next(r for r in cases_json(demo_url) if r["blockers"] >= 2)
    result = caseapp(demo_url, "advance", blocked["ref"])
    assert result.returncode == 3
    lines = result.stdout.strip().splitlines()
    assert len(lines) == blocked["blockers"]
    assert "Traceback" not in result.stderr


def test_advance_moves_a_ready_case(demo_url: str) -> None:
    ready = next(r for r in cases_json(demo_url) if r["blockers"] == 0
                 and r["stage"] in ("records", "eligibility", "visa", "lodging"))  # fmt: skip
    result = caseapp(demo_url, "advance", ready["ref"])
    assert result.returncode == 0, result.stdout + result.stderr
    stages = ["records", "eligibility", "visa", "lodging", "interpreters"]
    assert result.stdout.strip() == stages[stages.index(ready["stage"]) + 1]


def test_decline_and_withdraw_need_a_reason(demo_url: str) -> None:
    ref = cases_json(demo_url, "--stage", "records")[0]["ref"]
    result = caseapp(demo_url, "decline", ref, "--reason", "  ")
    assert result.returncode == 2
    assert result.stderr.strip() == "caseapp: Give a reason for marking the case declined."
    result = caseapp(demo_url, "withdraw", ref, "--reason", "Chose treatment at home.")
    assert (result.returncode, result.stdout.strip()) == (0, "withdrawn")
    again = caseapp(demo_url, "withdraw", ref, "--reason", "again")
    assert again.returncode == 2 and "is withdrawn, so it is read-only" in again.stderr
    # helen (manager) reopens it with a reason: back to the stage it left, editable again
    result = caseapp(demo_url, "reopen", ref, "--reason", "  ")
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "caseapp: Give a reason for reopening the case.",
    )
    result = caseapp(demo_url, "reopen", ref, "--reason", "They asked to go on.")
    assert (result.returncode, result.stdout.strip()) == (0, "records"), result.stderr
    shown = json.loads(caseapp(demo_url, "show", ref, "--json").stdout)
    assert shown["stage"] == "records" and shown["exit_reason"] == ""
    assert shown["history"][-1]["note"] == "Reopened: They asked to go on."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "CA-1999-0001"), "There is no case 'CA-1999-0001'."),
        (("cases", "--stage", "limbo"), "Unknown stage 'limbo'"),
        (("cases", "--owner", "nobody"), "no staff member with the login 'nobody'"),
    ],
)
def test_bad_input_is_one_sentence_exit_2(
    demo_url: str, args: tuple[str, ...], message: str
) -> None:
    result = caseapp(demo_url, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_database_url_is_a_clear_error() -> None:
    result = caseapp("nonsense://", "cases")
    assert result.returncode == 2
    assert "cannot use the database address" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_refuses_a_database_that_has_cases(demo_url: str) -> None:
    result = caseapp(demo_url, "demo", "--cases", "5")
    assert result.returncode == 2
    assert "Demo data goes only into a new, empty database, and this one is a demo database" in (
        result.stderr
    )


def test_init_makes_an_office_database_demo_refuses_it_and_if_empty_leaves_it(
    tmp_path: Path,
) -> None:
    with fresh_database_url(tmp_path) as url:
        made = caseapp(url, "init", "--admin", "anna", "--name", "Anna Berg", "--agency",
                       "Harbin Bridge Care", stdin="anna's long password\n")  # fmt: skip
        assert made.returncode == 0, made.stderr
        assert "administrator anna" in made.stdout
        again = caseapp(url, "init", "--admin", "bob", "--name", "Bob", stdin="x" * 12 + "\n")
        assert again.returncode == 2 and "already set up" in again.stderr
        for args in (("demo",), ("demo", "--cases", "0")):
            refused = caseapp(url, *args)
            assert refused.returncode == 2, refused.stdout
            assert refused.stderr.strip() == (
                "caseapp: Demo data goes only into a new, empty database, and this one is an "
                "office database: choose a new file with --db sqlite:///PATH."
            )
        kept = caseapp(url, "demo", "--if-empty")
        assert kept.returncode == 0 and "already has data" in kept.stdout
        listed = caseapp(url, "--user", "anna", "--password-stdin", "staff",
                         stdin="anna's long password\n")  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert [line.split()[0] for line in listed.stdout.splitlines()[2:]] == ["anna"]


def test_init_needs_a_long_password(tmp_path: Path) -> None:
    with fresh_database_url(tmp_path) as url:
        short = caseapp(url, "init", "--admin", "anna", "--name", "Anna Berg", stdin="short\n")
        assert short.returncode == 2 and "at least 10 characters" in short.stderr


def test_same_seed_same_data(tmp_path: Path) -> None:
    results = []
    for i in range(2):
        with fresh_database_url(tmp_path / str(i)) as url:
            (tmp_path / str(i)).mkdir(exist_ok=True)
            assert caseapp(url, "demo", "--cases", "25", "--seed", "5").returncode == 0
            log_in(url)
            results.append(cases_json(url))
    assert results[0] == results[1]


def test_coordinator_cannot_advance(demo_url: str) -> None:
    ref = cases_json(demo_url, "--stage", "records")[-1]["ref"]
    result = caseapp(demo_url, "--user", "mei", "--password-stdin", "advance", ref,
                     stdin=DEMO_PASSWORD + "\n")  # fmt: skip
    assert result.returncode == 4
    assert "may not advance cases" in result.stderr


def test_pdf_writes_a_packet_and_names_missing_facts(demo_url: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    ref = cases_json(demo_url, "--stage", "treatment")[0]["ref"]
    target = tmp_path / "packet.pdf"
    result = caseapp(demo_url, "pdf", "packet", ref, "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert ref in "".join(p.extract_text() for p in PdfReader(target).pages)
    early = cases_json(demo_url, "--stage", "records")[0]["ref"]
    result = caseapp(demo_url, "pdf", "packet", early, "-o", str(tmp_path / "no.pdf"))
    assert result.returncode == 2
    assert "needs at least one lodging booking" in result.stderr
    assert not (tmp_path / "no.pdf").exists()


def test_packets_writes_the_travelling_cases(demo_url: str, tmp_path: Path) -> None:
    result = caseapp(demo_url, "packets", "--stage", "treatment", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    treated = cases_json(demo_url, "--stage", "treatment")
    assert len(list(tmp_path.glob("*-packet.pdf"))) == len(treated)
    assert f"{len(treated)}/{len(treated)} packets" in result.stderr


def test_cli_knows_every_document_kind() -> None:
    from caseapp.cli import DOCUMENT_KIND_NAMES
    from caseapp.docs import DOCUMENT_KINDS

    assert tuple(DOCUMENT_KINDS) == DOCUMENT_KIND_NAMES


def test_demo_if_empty_leaves_a_filled_database_alone(demo_url: str) -> None:
    before = len(cases_json(demo_url))
    result = caseapp(demo_url, "demo", "--if-empty")
    assert result.returncode == 0 and "already has data" in result.stdout
    assert len(cases_json(demo_url)) == before


def test_unwritable_pdf_target_keeps_nothing(demo_url: str, tmp_path: Path) -> None:
    ref = cases_json(demo_url, "--stage", "treatment")[0]["ref"]
    before = json.loads(caseapp(demo_url, "show", ref, "--json").stdout)["documents"]
    result = caseapp(demo_url, "pdf", "packet", ref, "-o", str(tmp_path / "missing" / "p.pdf"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    after = json.loads(caseapp(demo_url, "show", ref, "--json").stdout)["documents"]
    assert after == before and not (tmp_path / "missing").exists()


def test_report_into_a_folder_is_one_sentence(demo_url: str, tmp_path: Path) -> None:
    result = caseapp(demo_url, "report", "pipeline", "--format", "pdf", "-o", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("caseapp: ")


def test_gui_demo_if_empty_seeds_a_new_database_in_its_own_process(tmp_path: Path) -> None:
    """tools/run.sh starts one process: `gui --demo-if-empty` seeds a new database first."""
    import argparse
    import io

    from sqlalchemy import text

    from caseapp.cli.gui import load_demo_if_new
    from caseapp.cli.invocation import Invocation

    url = f"sqlite:///{tmp_path / 'run.sqlite3'}"

    def count_after_load() -> int:
        inv = Invocation(argparse.Namespace(db=url), io.StringIO(), io.StringIO())
        load_demo_if_new(inv)
        with inv.db.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM cases")).scalar_one())

    assert count_after_load() == 60
    assert count_after_load() == 60  # a database with data is left alone


def test_run_script_installs_only_when_needed() -> None:
    script = (Path(__file__).resolve().parents[2] / "tools" / "run.sh").read_text()
    assert "pyproject.toml" in script and ".caseapp-installed" in script
    assert "gui --demo-if-empty" in script
