"""The ``shapecheck`` command's entry point: run the command line, then leave at once.

A large file leaves hundreds of megabytes of syntax tree and abstract values
alive until the end; Python's own shutdown then collects and frees them one
object at a time (0.8 s after a 4,000-line file, several seconds after
20,000 lines), which is nothing the user asked for.  As mypy does, the
command flushes its output and exits without that teardown.  Tests call
:func:`shapecheck.app.cli.main` itself, which exits the usual way.
"""

from __future__ import annotations

import os
import sys

from shapecheck.app.cli import main


def run() -> None:
    """Run ``shapecheck`` with the process's arguments and exit with its exit code, skipping teardown."""
    try:
        main()
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    except KeyboardInterrupt:
        code = 130
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe (`shapecheck check . | head`): nothing more can be said there
    os._exit(code)


def _exit_code(code: object) -> int:
    """The status ``sys.exit(code)`` would give: None is 0, an int itself, anything else printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
