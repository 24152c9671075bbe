"""Extension slots the workspace reads when it is built.

DOCUMENTS_TAB_FACTORY: the documents integration sets this to a callable
`(ctx, ref, prompts, parent) -> AreaTab` whose `area` is "documents". While it is None the
workspace shows no Documents tab, and blockers of area "documents" (the handoff letter) open the
Treatment tab, where a letter PDF can be recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from caseapp.ui.workspace.base import AreaTab

DOCUMENTS_TAB_FACTORY: Callable[..., AreaTab] | None = None


def documents_tab_factory() -> Callable[..., Any] | None:
    """Read at build time, so setting the slot after import still takes effect."""
    return DOCUMENTS_TAB_FACTORY
