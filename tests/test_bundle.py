"""Build the desktop bundle from app.spec and run it: --version and --self-check (slow, ~1 min)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caseapp import __version__

ROOT = Path(__file__).resolve().parent.parent
MAX_BUNDLE_MB = 250

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed: pip install -e '.[bundle]' to build the bundle",
    ),
]


def folder_mb(folder: Path) -> float:
    """Size on disk as `du` counts it: PyInstaller links some libraries, count those once."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(out / "dist"), "--workpath", str(out / "build"),
         str(ROOT / "app.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-4000:]
    folder = out / "dist" / "CaseApp"
    print(f"bundle built in {time.monotonic() - started:.0f} s, {folder_mb(folder):.0f} MB")
    return folder


def run(bundle: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    exe = bundle / ("CaseApp-cli.exe" if sys.platform == "win32" else "CaseApp")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),  # the bundle must not need (or touch) the user's folders
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    for leak in ("CASEAPP_DB", "CASEAPP_RESOURCES", "PYTHONPATH", "PYTHONHOME"):
        env.pop(leak, None)
    return subprocess.run(
        [str(exe), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_bundle_answers_version(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, "--version", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"CaseApp {__version__}"


def test_bundle_passes_its_self_check(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, "--self-check", tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(
        rf"CaseApp {re.escape(__version__)} self-check passed: migrations 0001(\.\.\d{{4}})?, "
        r"case CA-\d{4}-\d{4}, PDF \d+ KB with embedded CJK font \(WenQuanYi\S*\), "
        r"Qt 6[\d.]+ \(offscreen\), in [\d.]+ s",
        done.stdout.strip(),
    ), done.stdout


def test_bundle_carries_what_it_needs_and_nothing_heavy(bundle: Path) -> None:
    internal = bundle / "_internal"
    for needed in (
        "resources/fonts/wqy-microhei.ttc",
        "resources/fonts/LICENSE-wqy-microhei.txt",
        "resources/icons/caseapp.png",
        "resources/caseapp.desktop",
        "resources/letters/visa-invitation-request.j2",
        "resources/reference/programs.toml",
        "caseapp/migrations/env.py",
        "caseapp/migrations/versions/0001_initial_schema.py",
    ):
        assert (internal / needed).is_file(), needed
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqoffscreen", "platforms/libqxcb", "imageformats/libqsvg"):
        kind, stem = plugin.split("/")
        if sys.platform.startswith("linux"):
            assert list((plugins / kind).glob(stem + "*")), plugin
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("QtWebEngineCore", "Qt3DCore", "QtQuick", "QtQml", "QtMultimedia",
                     "pytest", "_pytest", "hypothesis", "mypy", "tests"):  # fmt: skip
        assert not any(n.startswith(unwanted) for n in names), unwanted
    assert folder_mb(bundle) < MAX_BUNDLE_MB
