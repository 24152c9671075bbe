"""CaseApp: case management for medical-tourism facilitators (AML CAR-T trials in China)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("caseapp")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
