"""The case workspace: everything about one case, one tab per area (issue 3, item 4)."""

from caseapp.ui.workspace.workspace import CaseWorkspace

__all__ = ["CaseWorkspace"]
