"""``shapecheck check --watch``: check, then poll the checked files (and the config file)
for changes and check again, until interrupted.

Polling, not file-system events: no extra dependency, and it works on every platform and
network drive.  A file counts as changed when its modification time or size changes, or
when a file appears under (or disappears from) the given paths.  The hidden options
``--watch-runs N`` (stop after N checks) and ``--watch-interval SECONDS`` make it testable.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from typing import Callable, Optional

import click

from shapecheck.app.cli_options import EXIT_CLEAN, CheckOptions, Resolved
from shapecheck.app.files import PathError, discover

Snapshot = dict[str, tuple[int, int]]


def snapshot(options: CheckOptions, resolved: Resolved) -> Snapshot:
    """The modification time and size of every file the paths name (and the config file)."""
    files: list[str] = []
    for path in options.paths or (".",):
        try:
            files.extend(discover([path], list(resolved.excludes), root=resolved.config.root,
                                  respect_gitignore=resolved.respect_gitignore, force_exclude=resolved.force_exclude))
        except PathError:
            continue  # still missing: the check reports it
    if resolved.config.path is not None:
        files.append(str(resolved.config.path))
    state: Snapshot = {}
    for name in files:
        try:
            stat = os.stat(name)
        except OSError:
            continue
        state[name] = (stat.st_mtime_ns, stat.st_size)
    return state


def _wait_for_change(options: CheckOptions, resolved: Resolved, before: Snapshot) -> None:
    """Return once a file changed (polling every ``--watch-interval`` seconds)."""
    while True:
        time.sleep(options.watch_interval)
        if snapshot(options, resolved) != before:
            return


def watch(options: CheckOptions, resolved: Resolved, check_resolved: Callable[[CheckOptions, Resolved], int]) -> int:
    """Check now (with ``check_resolved``) and after each change; the last check's exit code once
    ``--watch-runs`` checks are done, 0 when interrupted (Ctrl-C)."""
    runs = 0
    code: Optional[int] = None
    interactive = sys.stdout.isatty()
    try:
        while True:
            if interactive:
                click.clear()
            before = snapshot(options, resolved)
            code = check_resolved(options, resolved)
            runs += 1
            if options.watch_runs is not None and runs >= options.watch_runs:
                return code
            click.echo(f"[{datetime.now():%H:%M:%S}] Watching for file changes.", err=True)
            _wait_for_change(options, resolved, before)
            click.echo(f"[{datetime.now():%H:%M:%S}] File change detected...", err=True)
    except KeyboardInterrupt:
        return EXIT_CLEAN
