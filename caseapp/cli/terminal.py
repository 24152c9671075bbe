"""Text in and out of the terminal: secrets, JSON, tables, a progress bar, files the user names."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from caseapp.services.errors import DomainError


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    """A password or passphrase: asked on the terminal (not echoed), else one line of stdin."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != value:
        raise DomainError("The two entries differ; nothing was changed.")
    return value


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=1, default=_json_default)
    out.write("\n")


def print_table(out: TextIO, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [min(40, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line.rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for r in rows:
        cells = [
            (c if len(c) <= w else c[: w - 1] + "…").ljust(w)
            for c, w in zip(r, widths, strict=True)
        ]
        print("  ".join(cells).rstrip(), file=out)


class ProgressBar:
    """A one-line text progress bar on stderr (redrawn in place on a terminal)."""

    def __init__(self, err: TextIO, what: str) -> None:
        self.err, self.what, self.last = err, what, -1

    def __call__(self, done: int, total: int) -> bool:
        percent = done * 100 // max(total, 1)
        step = 1 if self.err.isatty() else 10  # a log file gets a line per 10 %
        if percent // step != self.last // step or done == total:
            self.last = percent
            filled = percent // 4
            line = f"[{'#' * filled}{'.' * (25 - filled)}] {done}/{total} {self.what}"
            self.err.write(("\r" + line) if self.err.isatty() else (line + "\n"))
            self.err.flush()
        return True

    def done(self) -> None:
        if self.err.isatty():
            self.err.write("\n")


def write_file(target: Path, content: bytes) -> None:
    if not target.parent.is_dir():
        raise DomainError(f"Could not write {target}: the folder {target.parent} does not exist.")
    try:
        target.write_bytes(content)
    except OSError as exc:
        raise DomainError(f"Could not write {target}: {exc.strerror}.") from None
