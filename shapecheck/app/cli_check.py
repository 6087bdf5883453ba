"""One run of ``shapecheck check``: find and read the files, check (or fix) them, confirm,
print the report, and say which exit code the run earned.

Exit codes follow ruff and mypy: 0 when clean, 1 when there are findings, 2 for
usage errors, unreadable paths and internal errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

import click

from shapecheck.app.cache import Cache
from shapecheck.app.cli_options import (
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, CheckOptions, Resolved, cache_folder, fail, resolve,
)
from shapecheck.app.files import PathError, SourceFile, discover, excluded, read_source, read_stdin, write_source
from shapecheck.app.runner import FileResult, check_files, default_jobs
from shapecheck.app.selection import AnySettings
from shapecheck.checking.registry import io_error
from shapecheck.app.terminal import color_wanted, colorize, show_progress
from shapecheck.report.diagnostics import Diagnostic
from shapecheck.report.formats.common import DEFAULT_FIXES, FixView, plural
from shapecheck.report.formats.registry import MACHINE_FORMATS, render, statistics

IO_ERROR = "SC002"


def run_check(options: CheckOptions) -> int:
    """Check what ``options`` name and print the report (or do what a mode flag asks:
    --show-settings, --show-files, --add-noqa, --watch); the exit code."""
    resolved = resolve(options)
    if options.show_settings or options.show_files:
        from shapecheck.app.cli_tools import settings_text, show_files

        missing: list[Diagnostic] = []
        files = [] if options.use_stdin else discover_paths(options, resolved, missing)
        if options.use_stdin and options.stdin_filename:
            files = [options.stdin_filename]
        if options.show_settings:
            click.echo(settings_text(options, resolved, files), nl=False)
            return EXIT_ERROR if missing else EXIT_CLEAN
        return show_files(files) if not missing else EXIT_ERROR
    if options.add_noqa:
        from shapecheck.app.cli_tools import add_noqa_to, check_for_noqa

        if options.fix or options.show_diff or options.use_stdin:
            raise fail("--add-noqa works on files, and not with --fix or --diff")
        sources, missing = gather(options, resolved)
        code = add_noqa_to(check_for_noqa(options, resolved, sources))
        return EXIT_ERROR if missing else code
    if options.watch:
        from shapecheck.app.cli_watch import watch

        if options.use_stdin:
            raise fail("--watch needs files, not standard input")
        return watch(options, resolved, check_resolved)
    return check_resolved(options, resolved)


def gather(options: CheckOptions, resolved: Resolved) -> tuple[list[SourceFile], list[Diagnostic]]:
    """The files to check, read (or standard input), and an SC002 finding for each missing path."""
    missing: list[Diagnostic] = []
    if options.use_stdin:
        name = options.stdin_filename or "-"
        if resolved.force_exclude and options.stdin_filename and \
                excluded(name, resolved.excludes, resolved.config.root):
            return [], missing
        return [read_stdin(name)], missing
    return [read_source(path) for path in discover_paths(options, resolved, missing)], missing


def discover_paths(options: CheckOptions, resolved: Resolved, missing: list[Diagnostic]) -> list[str]:
    """The files the paths name, after exclusion; a missing path is reported on stderr and
    added to ``missing`` as an SC002 finding."""
    files: list[str] = []
    for path in options.paths or (".",):
        try:
            files.extend(discover([path], list(resolved.excludes), root=resolved.config.root,
                                  respect_gitignore=resolved.respect_gitignore, force_exclude=resolved.force_exclude))
        except PathError as error:
            click.echo(f"shapecheck: error: {error}", err=True)
            missing.append(io_error(error.path, error.reason))
    if not files and not missing and not options.quiet:
        click.echo("warning: No Python files found under the given path(s)", err=True)
    return files


def check_resolved(options: CheckOptions, resolved: Resolved) -> int:
    """:func:`run_check` once the settings are known."""
    fmt = resolved.fmt
    sources, missing = gather(options, resolved)
    had_error = bool(missing)
    cache = None if options.no_cache else Cache(cache_folder(options.cache_dir, resolved.config))
    results = _run(sources, resolved.settings_for, fmt, options.jobs or default_jobs(), cache,
                   options.fix or options.show_diff, keep_events=resolved.confirm, unsafe_fixes=options.unsafe_fixes)
    diagnostics: list[Diagnostic] = list(missing)
    for result in results:
        if result.error is not None:
            click.echo(f"shapecheck: error: {result.path}: {result.error}", err=True)
            had_error = True
        diagnostics.extend(result.diagnostics)
    had_error = had_error or any(d.code == IO_ERROR for d in diagnostics)
    diagnostics.sort(key=Diagnostic.sort_key)
    if resolved.confirm and not options.show_diff:
        diagnostics = _confirm(diagnostics, results, options.device, options.confirm_timeout)
    if options.show_diff:
        return _show_diff(results) or (EXIT_ERROR if had_error else EXIT_CLEAN)
    report_stream_is_stderr = False
    fixed = 0
    if options.fix:
        fixed, failed = _write_fixes(results, options.use_stdin)
        had_error = had_error or failed
        report_stream_is_stderr = options.use_stdin
    fixes = FixView(unsafe_fixes=options.unsafe_fixes, show_fixes=options.show_fixes)
    report = _report(fmt, diagnostics, results, options.show_statistics, fixes)
    if options.quiet and fmt in ("concise", "full") and not options.show_statistics:
        report = _without_summary(report, diagnostics, len(results), fixes)
    if options.fix:
        done = f"Fixed {plural(fixed, 'finding')} ({len(diagnostics)} remaining).\n"
        if options.show_fixes and fixed:
            done = fixed_listing(results)
        if fmt not in MACHINE_FORMATS and not options.show_statistics:
            report += done
        else:
            click.echo(done, nl=False, err=True)
    _emit(report, fmt, options.output_file, report_stream_is_stderr, options.color)
    if had_error:
        return EXIT_ERROR
    failing = [d for d in diagnostics if resolved.fail_on == "warning" or d.severity.value == "error"]
    return EXIT_FINDINGS if failing and not options.exit_zero else EXIT_CLEAN


def fixed_listing(results: Sequence[FileResult]) -> str:
    """``--fix --show-fixes``: the fixes applied, per file and rule, as ruff lists them."""
    from collections import Counter

    from shapecheck.checking.registry import rule_by_code

    total = sum(r.fixed for r in results)
    lines = [f"Fixed {plural(total, 'finding')}:"]
    for result in results:
        if not result.fixed_codes:
            continue
        lines.append(f"- {result.path}:")
        for code, count in sorted(Counter(result.fixed_codes).items()):
            rule = rule_by_code(code)
            lines.append(f"    {count} × {code} ({rule.name if rule else '?'})")
    return "\n".join(lines) + "\n"


def _without_summary(report: str, diagnostics: Sequence[Diagnostic], files_checked: int,
                     fixes: FixView = DEFAULT_FIXES) -> str:
    """The concise or full report less its summary lines (``--quiet``)."""
    from shapecheck.report.formats.common import fixable_line, summary

    drop = {summary(diagnostics, files_checked), fixable_line(diagnostics, fixes)}
    kept = [line for line in report.splitlines() if line not in drop]
    while kept and not kept[-1].strip():
        kept.pop()
    return "".join(line + "\n" for line in kept)


def _run(sources: list[SourceFile], settings_for: Callable[[str], AnySettings], fmt: str, jobs: int,
         cache: Optional[Cache], fix: bool, keep_events: bool = False, unsafe_fixes: bool = False) -> list[FileResult]:
    """Check the files (``keep_events``: keep the interpreter events on the findings,
    serially and without the cache, for whatever rebuilds them, like --confirm)."""
    if show_progress(sys.stderr, fmt, len(sources)):
        with click.progressbar(length=len(sources), label="Checking", file=sys.stderr) as bar:
            return check_files(sources, settings_for, jobs=jobs, cache=cache, fix=fix, keep_events=keep_events,
                               progress=bar.update, unsafe_fixes=unsafe_fixes)
    return check_files(sources, settings_for, jobs=jobs, cache=cache, fix=fix, keep_events=keep_events,
                       unsafe_fixes=unsafe_fixes)


def _confirm(diagnostics: list[Diagnostic], results: Sequence[FileResult], device: str,
             timeout: float) -> list[Diagnostic]:
    """The findings with the real Keras's verdict on each (``--confirm``)."""
    from shapecheck.confirm import ConfirmOptions, ConfirmUnavailable, confirm_diagnostics

    sources = {r.path: (r.fixed_source or r.source) for r in results if r.source is not None}
    try:
        return confirm_diagnostics(diagnostics, ConfirmOptions(device=device, timeout=timeout), sources)
    except ConfirmUnavailable as error:
        raise fail(str(error)) from None


def _show_diff(results: Sequence[FileResult]) -> int:
    """Print the fixes as a unified diff; EXIT_FINDINGS when there is something to fix."""
    import difflib

    count = 0
    for result in results:
        if result.fixed_source is None or result.source is None:
            continue
        count += result.fixed
        click.echo("".join(difflib.unified_diff(
            result.source.splitlines(keepends=True), result.fixed_source.splitlines(keepends=True),
            fromfile=result.path, tofile=result.path)), nl=False)
    click.echo(f"Would fix {count} finding{'' if count == 1 else 's'}.", err=True)
    return EXIT_FINDINGS if count else EXIT_CLEAN


def _write_fixes(results: Sequence[FileResult], to_stdout: bool) -> tuple[int, bool]:
    """Write fixed files (or the fixed script to stdout); the number fixed, and whether a write failed."""
    fixed, failed = 0, False
    for result in results:
        if to_stdout:
            text = result.fixed_source if result.fixed_source is not None else result.source
            if text is not None:
                click.echo(text, nl=False)
        if result.fixed_source is None:
            continue
        if not to_stdout:
            error = write_source(result.path, result.fixed_source, result.bom)
            if error is not None:
                click.echo(f"shapecheck: error: {result.path}: cannot write the fixes: {error}", err=True)
                failed = True
                continue
        fixed += result.fixed
    return fixed, failed


def _report(fmt: str, diagnostics: list[Diagnostic], results: Sequence[FileResult], show_statistics: bool,
            fixes: FixView = DEFAULT_FIXES) -> str:
    if show_statistics:
        return statistics(diagnostics, as_json_list=fmt in ("json", "json-lines"))
    sources = {r.path: (r.fixed_source or r.source) for r in results if r.source is not None and not r.notebook}
    return render(fmt, diagnostics, len(results), sources, fixes)


def _emit(report: str, fmt: str, output_file: Optional[str], to_stderr: bool, color: str = "auto") -> None:
    if output_file is not None:
        try:
            Path(output_file).write_text(report, encoding="utf-8")
        except OSError as error:
            raise fail(f"{output_file}: cannot write the report: {error.strerror or error}") from None
        return
    stream = sys.stderr if to_stderr else sys.stdout
    coloured = color_wanted(color, stream, fmt)
    if coloured:
        report = colorize(report)
    click.echo(report, nl=False, err=to_stderr, color=coloured or None)
