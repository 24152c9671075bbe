"""The Qt window. Importing this package first applies one workaround for the Qt bindings.

PySide6 6.12.0 returns None from every void method without taking a reference. Python 3.12+
never frees None (PEP 683, immortal objects), but on Python 3.11 each call drops None's reference
count by one, and after a few thousand calls the interpreter aborts with "none_dealloc:
deallocating None". Until the bindings or the Python floor change, give None a reference count
no program can exhaust: the same thing Python 3.12 does for it.
"""

from __future__ import annotations

import sys


def _immortalize_none() -> bool:
    """Raise None's refcount far out of reach on CPython < 3.12; True when applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if hasattr(sys, "getobjects"):  # Py_TRACE_REFS build: ob_refcnt is not the first field
        return False
    import ctypes

    refcnt = ctypes.c_ssize_t.from_address(id(None))
    before = sys.getrefcount(None)
    if refcnt.value not in (before, before - 1, before + 1):
        return False  # layout not as expected: leave it alone
    refcnt.value += 1 << 40
    return True


NONE_IMMORTALIZED = _immortalize_none()
