"""The command line: the same services as the window, for scripts and quick looks.

`app` builds the parser and turns errors into exit codes; each other module holds one command
group (its sub-parsers and its commands); `invocation` is what a command gets (options, database,
acting user) and `terminal` the shared ways of reading and writing text.
"""

from caseapp.cli.app import build_parser, main
from caseapp.cli.documents import DOCUMENT_KIND_NAMES

__all__ = ["DOCUMENT_KIND_NAMES", "build_parser", "main"]
