"""Run `caseapp` and stop dead at a chosen point, for kill -9 tests (test code only).

    python -m tests.crash_runner POINT N -- CASEAPP ARGS...

POINT is `sql:PREFIX` (the N-th SQL statement that starts with PREFIX), `rename` (just before a
newly built database file moves into place) or `finish` (just before its pending key entry is
cleared). At that point the runner prints KILL-POINT and waits on stdin for the test's kill -9;
nothing depends on timing.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def stop_here() -> None:
    print("KILL-POINT", flush=True)
    sys.stdin.read()
    raise SystemExit("the test did not kill this process")


def install(point: str, n: int) -> None:
    if point.startswith("sql:"):
        from sqlalchemy import Engine, event

        prefix, seen = point[4:].upper(), [0]

        def on_statement(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            if statement.lstrip().upper().startswith(prefix):
                seen[0] += 1
                if seen[0] == n:
                    stop_here()

        event.listen(Engine, "before_cursor_execute", on_statement)
    elif point == "rename":
        real = os.replace

        def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            if ".creating-" in os.fspath(src):
                stop_here()
            real(src, dst, *args, **kwargs)

        os.replace = replace
    elif point == "finish":
        import caseapp.db

        real_done = caseapp.db.creation_done

        def done(target: str) -> None:
            stop_here()
            real_done(target)

        caseapp.db.creation_done = done  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown kill point {point!r}")


def main() -> int:
    point, n, separator, *args = sys.argv[1:]
    assert separator == "--"
    install(point, int(n))
    from caseapp.cli import main as caseapp_main

    return caseapp_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
