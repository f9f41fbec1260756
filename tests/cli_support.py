"""Running the `kg` command line in-process, for tests that read what it prints."""
from __future__ import annotations

import io
from contextlib import redirect_stdout

from kg.cli import main


def run_cli(*args: str) -> tuple[int, str]:
    """The exit code and standard output of `kg ARGS...`."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()
