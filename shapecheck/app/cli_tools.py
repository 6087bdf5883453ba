"""The ``check`` command's modes that report on the run instead of the findings:
``--show-settings``, ``--show-files`` and ``--add-noqa``."""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import click

from shapecheck.app.cli_options import EXIT_CLEAN, EXIT_ERROR, CheckOptions, Resolved, cache_folder
from shapecheck.app.files import SourceFile, write_source
from shapecheck.app.runner import FileResult, check_files, default_jobs
from shapecheck.report.formats.common import plural
from shapecheck.report.suppressions import add_noqa

NOT_SUPPRESSIBLE = frozenset({"SC001", "SC002", "SC900"})
"""Findings a noqa comment cannot silence (syntax and read errors) or should not (SC900 itself)."""


def show_files(files: Sequence[str]) -> int:
    """``--show-files``: each file that would be checked, one a line, sorted."""
    for name in sorted(files):
        click.echo(name)
    return EXIT_CLEAN


def settings_text(options: CheckOptions, resolved: Resolved, files: Sequence[str]) -> str:
    """``--show-settings``: the settings in effect, for the first file when there is one
    (per-file-ignores may change the rules of others)."""
    config = resolved.config
    subject = files[0] if files else (options.stdin_filename or None)
    settings = resolved.settings_for(subject or "")
    rules = settings.codes
    severities = ", ".join(f"{code}={level.value}" for code, level in settings.severities) or "(defaults)"
    cache = "(off)" if options.no_cache else str(cache_folder(options.cache_dir, config))
    rows = [
        ("settings for", subject or "(no file)"),
        ("config file", str(config.path) if config.path is not None else
         ("(none: --isolated)" if options.isolated else "(none found)")),
        ("target", resolved.target),
        ("output-format", resolved.fmt),
        ("rules", f"{len(rules)}: {', '.join(rules)}"),
        ("severity", severities),
        ("per-file-ignores", ", ".join(f"{glob} = [{', '.join(codes)}]"
                                        for glob, codes in config.per_file_ignores.items()) or "(none)"),
        ("exclude", ", ".join(resolved.excludes) or "(none)"),
        ("force-exclude", str(resolved.force_exclude).lower()),
        ("respect-gitignore", str(resolved.respect_gitignore).lower()),
        ("fail-on", resolved.fail_on),
        ("confirm", str(resolved.confirm).lower()),
        ("cache-dir", cache),
        ("files", str(len(files))),
    ]
    width = max(len(key) for key, _ in rows)
    return "".join(f"{key:<{width}} : {value}\n" for key, value in rows)


def add_noqa_to(results: Sequence[FileResult]) -> int:
    """``--add-noqa``: write ``# noqa: CODE`` on each line of each file that has a finding;
    notebooks and standard input are left alone.  Says how many it added; the exit code."""
    added, failed = 0, False
    for result in results:
        if result.source is None or result.notebook or result.path == "-":
            continue
        rows: dict[int, set[str]] = defaultdict(set)
        for d in result.diagnostics:
            if d.code not in NOT_SUPPRESSIBLE and d.cell is None:
                rows[d.location.row].add(d.code)
        text, count = add_noqa(result.source, dict(rows))
        if not count:
            continue
        error = write_source(result.path, text, result.bom)
        if error is not None:
            click.echo(f"shapecheck: error: {result.path}: cannot add the noqa comments: {error}", err=True)
            failed = True
            continue
        added += count
    click.echo(f"Added {plural(added, 'noqa directive')}.", err=True)
    return EXIT_ERROR if failed else EXIT_CLEAN


def check_for_noqa(options: CheckOptions, resolved: Resolved, sources: Sequence[SourceFile]) -> list[FileResult]:
    """Check the files (no fixes, no cache) for ``--add-noqa``."""
    return check_files(sources, resolved.settings_for, jobs=options.jobs or default_jobs(), cache=None)
