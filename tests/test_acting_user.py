"""No code path lets the environment choose who acts: every environment variable the package
reads is named here with what it is for, and none of them names a person."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "caseapp"

# Every environment variable the product reads, and why: none of them says who acts.
ALLOWED = {
    "CASEAPP_DB": "which database to open",
    "CASEAPP_CONFIG_DIR": "where the first-run choice of database is kept",
    "CASEAPP_RESOURCES": "where fonts and icons are (bundles)",
    "QT_QPA_PLATFORM": "self-check picks offscreen without a display",
    "DISPLAY": "self-check: is there a display",
    "WAYLAND_DISPLAY": "self-check: is there a display",
}
# Ways to learn the operating-system user: the app never maps it to an account.
OS_USER_CALLS = {("os", "getlogin"), ("getpass", "getuser"), ("pwd", "getpwuid")}


def _environment_reads(tree: ast.AST) -> list[tuple[int, str | None]]:
    """(line, variable name or None when not a literal) of each os.environ / getenv read."""
    found: list[tuple[int, str | None]] = []
    for node in ast.walk(tree):
        target: ast.AST | None = None
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in {"get", "getenv", "pop", "setdefault"}:
                owner = f.value
                is_env = (
                    (isinstance(owner, ast.Attribute) and owner.attr == "environ")
                    or (
                        isinstance(owner, ast.Name)
                        and owner.id in {"os", "environ"}
                        and f.attr == "getenv"
                    )
                    or (isinstance(owner, ast.Name) and owner.id == "environ")
                )
                if is_env and node.args:
                    target = node.args[0]
                elif is_env:
                    found.append((node.lineno, None))
        elif isinstance(node, ast.Subscript):
            v = node.value
            if isinstance(v, ast.Attribute) and v.attr == "environ":
                target = node.slice
        if target is not None:
            name = target.value if isinstance(target, ast.Constant) else None
            found.append((node.lineno, name if isinstance(name, str) else None))
    return found


def test_every_environment_read_is_known_and_none_chooses_the_acting_user() -> None:
    unknown: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PACKAGE.parent)
        for line, name in _environment_reads(tree):
            if name not in ALLOWED:
                unknown.append(f"{rel}:{line} reads {name or 'a computed name'}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and (node.value.id, node.attr) in OS_USER_CALLS):  # fmt: skip
                unknown.append(f"{rel}:{node.lineno} asks the OS who the user is")
    assert unknown == []


def test_the_scan_sees_the_forms_code_uses() -> None:
    sample = ast.parse(
        "import os\nos.environ.get('A')\nos.getenv('B')\nos.environ['C']\nos.environ.get(x)\n"
    )
    assert sorted(_environment_reads(sample), key=str) == [(2, "A"), (3, "B"), (4, "C"), (5, None)]


def test_only_throwaway_databases_act_without_a_password() -> None:
    """staff.actor_for skips the password: only the self-check and screenshots call it, each on
    a database it has just made with demo accounts."""
    callers = {
        str(p.relative_to(PACKAGE.parent))
        for p in PACKAGE.rglob("*.py")
        if "actor_for(" in p.read_text(encoding="utf-8") and p.name != "staff.py"
    }
    assert callers == {"caseapp/selfcheck.py", "caseapp/ui/screenshots.py"}
