"""The one place that knows where resources live: source checkout, installed tree or bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """Folder holding reference data, letter templates, fonts and icons.

    Order: $CASEAPP_RESOURCES, the PyInstaller bundle, then `resources/` beside the package.
    """
    override = os.environ.get("CASEAPP_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of one resource file, e.g. resource_path("fonts", "wqy-microhei.ttc")."""
    return resources_dir().joinpath(*parts)
