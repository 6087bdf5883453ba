"""The command line: ``shapecheck check``, ``shapecheck rule CODE``, ``shapecheck rules``,
``shapecheck server``.

Exit codes follow ruff and mypy: 0 when clean, 1 when there are findings,
2 for usage errors, unreadable paths and internal errors.  Errors are one
line on stderr, never a traceback.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

import click

from shapecheck import __version__
from shapecheck.app.cache import CACHE_DIR_NAME, Cache
from shapecheck.checking.checker import Settings, io_error
from shapecheck.app.config import ConfigError, FileConfig, find_config, load_config, settings_builder
from shapecheck.report.diagnostics import Diagnostic
from shapecheck.app.files import PathError, SourceFile, discover, read_source, read_stdin, write_source
from shapecheck.report.formats.registry import FORMATS, MACHINE_FORMATS, statistics
from shapecheck.checking.registry import all_rules, rule_by_code
from shapecheck.app.runner import FileResult, check_files, default_jobs
from shapecheck.app.terminal import color_wanted, colorize, show_progress

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
IO_ERROR = "SC002"


def _fail(message: str) -> "click.exceptions.Exit":
    click.echo(f"shapecheck: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shapecheck")
def main() -> None:
    """Static shape checker and linter for Keras scripts."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output-format", type=click.Choice(sorted(FORMATS)), default=None,
              help="How to print findings (default: concise).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--statistics", "show_statistics", is_flag=True, help="Print the number of findings per rule instead.")
@click.option("--select", "select_", multiple=True, help="Rules to run: codes, prefixes or names (comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip: codes, prefixes or names (comma-separated).")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--exclude", multiple=True, help="Globs of files and folders to skip (added to the config's).")
@click.option("--force-exclude", is_flag=True, default=None,
              help="Apply the excludes to files named on the command line too.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip files that .gitignore ignores (default: on).")
@click.option("--stdin-filename", default=None, help="Read the script from standard input, as this file.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes in place.")
@click.option("--diff", "show_diff", is_flag=True, help="Show the safe fixes as a diff; change nothing.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Check files in this many processes (default: all cores).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help=f"Where the result cache lives (default: {CACHE_DIR_NAME} beside the config).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Read settings from this file instead of the nearest pyproject.toml.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
@click.option("--confirm/--no-confirm", "confirm_", default=None,
              help="Rebuild each finding's model with the real Keras (in a subprocess) and report its verdict.")
@click.option("--device", type=click.Choice(["auto", "cpu", "gpu"]), default="auto",
              help="Where --confirm builds models (default: the GPU when one is visible, else the CPU).")
@click.option("--confirm-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
              help="Seconds --confirm allows each model (default: 60).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (read errors still exit 2).")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default=None,
              help="The lowest severity that makes the exit code 1 (default: warning, any finding; "
                   "config key fail-on).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and nothing else (no summary, no warnings).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
              help="Colour the concise and full reports (auto: on a terminal outside CI and pre-commit, "
                   "without NO_COLOR; FORCE_COLOR=1 forces it).")
def check(paths: tuple[str, ...], output_format: Optional[str], output_file: Optional[str], show_statistics: bool,
          select_: tuple[str, ...], ignore: tuple[str, ...], extend_select: tuple[str, ...],
          exclude: tuple[str, ...], force_exclude: Optional[bool], respect_gitignore: Optional[bool],
          stdin_filename: Optional[str], fix: bool, show_diff: bool, jobs: Optional[int], no_cache: bool,
          cache_dir: Optional[str], config_path: Optional[str], isolated: bool, confirm_: Optional[bool] = None,
          device: str = "auto", confirm_timeout: float = 60.0, exit_zero: bool = False,
          fail_on: Optional[str] = None, quiet: bool = False, color: str = "auto") -> None:
    """Check Keras scripts (files, or folders of *.py and *.ipynb files) for shape and API mistakes.

    Give `-` (or --stdin-filename) to read one script from standard input.
    """
    use_stdin = paths == ("-",) or (not paths and stdin_filename is not None)
    if "-" in paths and not use_stdin:
        raise _fail("`-` (standard input) cannot be combined with other paths")
    try:
        start = stdin_filename if use_stdin and stdin_filename else (paths[0] if paths else None)
        config = _config(start, config_path, isolated)
        settings_for = settings_builder(config, _split(select_), _split(ignore), _split(extend_select))
    except ConfigError as error:
        raise _fail(str(error))
    fmt = output_format or config.output_format or "concise"
    if fmt not in FORMATS:
        where = f"{config.path}: " if config.path and not output_format else ""
        raise _fail(f"{where}unknown output format `{fmt}` (choose from {', '.join(sorted(FORMATS))})")
    confirm_ = bool(config.confirm) if confirm_ is None else confirm_
    excludes = list(config.exclude) + _split(exclude)
    force = config.force_exclude if force_exclude is None else force_exclude
    had_error = False
    missing: list[Diagnostic] = []
    if use_stdin:
        name = stdin_filename or "-"
        if force and stdin_filename and _excluded_name(name, excludes, config):
            sources: list[SourceFile] = []
        else:
            sources = [read_stdin(name)]
    else:
        files: list[str] = []
        gitignore = config.respect_gitignore if respect_gitignore is None else respect_gitignore
        for path in paths or (".",):
            try:
                files.extend(discover([path], excludes, root=config.root, respect_gitignore=gitignore,
                                      force_exclude=force))
            except PathError as error:
                click.echo(f"shapecheck: error: {error}", err=True)
                missing.append(io_error(error.path, error.reason))
                had_error = True
        if not files and not missing and not quiet:
            click.echo("warning: No Python files found under the given path(s)", err=True)
        sources = [read_source(path) for path in files]
    cache = None if no_cache else Cache(_cache_folder(cache_dir, config))
    results = _run(sources, settings_for, fmt, jobs or default_jobs(), cache, fix or show_diff, keep_events=confirm_)
    diagnostics: list[Diagnostic] = list(missing)
    for result in results:
        if result.error is not None:
            click.echo(f"shapecheck: error: {result.path}: {result.error}", err=True)
            had_error = True
        diagnostics.extend(result.diagnostics)
    had_error = had_error or any(d.code == IO_ERROR for d in diagnostics)
    diagnostics.sort(key=Diagnostic.sort_key)
    if confirm_ and not show_diff:
        diagnostics = _confirm(diagnostics, results, device, confirm_timeout)
    if show_diff:
        raise click.exceptions.Exit(_show_diff(results) or (EXIT_ERROR if had_error else EXIT_CLEAN))
    report_stream_is_stderr = False
    fixed = 0
    if fix:
        fixed, failed = _write_fixes(results, use_stdin)
        had_error = had_error or failed
        report_stream_is_stderr = use_stdin
    report = _report(fmt, diagnostics, results, show_statistics)
    if quiet and fmt in ("concise", "full") and not show_statistics:
        report = _without_summary(report, diagnostics, len(results))
    if fix and fmt not in MACHINE_FORMATS and not show_statistics:
        report += f"Fixed {fixed} finding{'' if fixed == 1 else 's'} ({len(diagnostics)} remaining).\n"
    elif fix:
        click.echo(f"Fixed {fixed} finding{'' if fixed == 1 else 's'} ({len(diagnostics)} remaining).", err=True)
    _emit(report, fmt, output_file, report_stream_is_stderr, color)
    if had_error:
        raise click.exceptions.Exit(EXIT_ERROR)
    threshold = fail_on or config.fail_on or "warning"
    failing = [d for d in diagnostics if threshold == "warning" or d.severity.value == "error"]
    raise click.exceptions.Exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


def _without_summary(report: str, diagnostics: Sequence[Diagnostic], files_checked: int) -> str:
    """The concise or full report less its summary lines (``--quiet``)."""
    from shapecheck.report.formats.common import fixable_line, summary

    drop = {summary(diagnostics, files_checked), fixable_line(diagnostics)}
    kept = [line for line in report.splitlines() if line not in drop]
    while kept and not kept[-1].strip():
        kept.pop()
    return "".join(line + "\n" for line in kept)


def _config(start: Optional[str], explicit: Optional[str], isolated: bool) -> FileConfig:
    if isolated:
        return FileConfig()
    if explicit is not None:
        return load_config(Path(explicit))
    begin = Path(start) if start else Path.cwd()
    if not begin.exists():
        begin = begin.parent if begin.parent.exists() else Path.cwd()
    found = find_config(begin)
    return load_config(found) if found is not None else FileConfig()


def _excluded_name(name: str, excludes: Sequence[str], config: FileConfig) -> bool:
    from shapecheck.app.files import excluded

    return excluded(name, excludes, config.root)


def _cache_folder(explicit: Optional[str], config: FileConfig) -> Path:
    if explicit:
        return Path(explicit)
    if config.cache_dir:
        return config.root / config.cache_dir
    return (config.root if config.path is not None else Path.cwd()) / CACHE_DIR_NAME


def _run(sources: list[SourceFile], settings_for: Callable[[str], Settings], fmt: str, jobs: int,
         cache: Optional[Cache], fix: bool, keep_events: bool = False) -> list[FileResult]:
    """Check the files (``keep_events``: keep the interpreter events on the findings,
    serially and without the cache, for whatever rebuilds them, like --confirm)."""
    if show_progress(sys.stderr, fmt, len(sources)):
        with click.progressbar(length=len(sources), label="Checking", file=sys.stderr) as bar:
            return check_files(sources, settings_for, jobs=jobs, cache=cache, fix=fix, keep_events=keep_events,
                               progress=bar.update)
    return check_files(sources, settings_for, jobs=jobs, cache=cache, fix=fix, keep_events=keep_events)


def _confirm(diagnostics: list[Diagnostic], results: Sequence[FileResult], device: str,
             timeout: float) -> list[Diagnostic]:
    """The findings with the real Keras's verdict on each (``--confirm``)."""
    from shapecheck.confirm import ConfirmOptions, ConfirmUnavailable, confirm_diagnostics

    sources = {r.path: (r.fixed_source or r.source) for r in results if r.source is not None}
    try:
        return confirm_diagnostics(diagnostics, ConfirmOptions(device=device, timeout=timeout), sources)
    except ConfirmUnavailable as error:
        raise _fail(str(error))


def _show_diff(results: Sequence[FileResult]) -> int:
    """Print the fixes as a unified diff; EXIT_FINDINGS when there is something to fix."""
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


def _report(fmt: str, diagnostics: list[Diagnostic], results: Sequence[FileResult], show_statistics: bool) -> str:
    if show_statistics:
        return statistics(diagnostics, as_json_list=fmt in ("json", "json-lines"))
    sources = {r.path: (r.fixed_source or r.source) for r in results if r.source is not None and not r.notebook}
    return FORMATS[fmt](diagnostics, len(results), sources)


def _emit(report: str, fmt: str, output_file: Optional[str], to_stderr: bool, color: str = "auto") -> None:
    if output_file is not None:
        try:
            Path(output_file).write_text(report, encoding="utf-8")
        except OSError as error:
            raise _fail(f"{output_file}: cannot write the report: {error.strerror or error}")
        return
    stream = sys.stderr if to_stderr else sys.stdout
    coloured = color_wanted(color, stream, fmt)
    if coloured:
        report = colorize(report)
    click.echo(report, nl=False, err=to_stderr, color=coloured or None)


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule (by code or name): what it does, why, an example and the fix."""
    found = rule_by_code(code)
    if found is None:
        raise _fail(f"unknown rule `{code}` (see `shapecheck rules`)")
    click.echo(found.documentation())


@main.command(name="rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text",
              help="text (default) or json: a list of {code, name, severity, summary, fixable, opt_in, url}.")
def rules_(output_format: str = "text") -> None:
    """List every rule with its code, name, severity and summary."""
    if output_format == "json":
        from shapecheck.report.urls import rule_url

        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary,
                                "fixable": r.fixable, "opt_in": r.opt_in, "url": rule_url(r.code)}
                               for r in all_rules()], indent=2))
        return
    for r in all_rules():
        flags = " (opt-in)" if r.opt_in and "(opt-in)" not in r.summary else ""
        fixable = "[*]" if r.fixable else "   "
        click.echo(f"{r.code}  {fixable} {r.name:<42} {r.severity.value:<8} {r.summary}{flags}")


@main.command()
def server() -> None:
    """Run the language server (LSP over standard input and output) for editors."""
    try:
        from shapecheck.app.server import serve
    except ImportError as error:
        raise _fail(f"the language server needs pygls ({error}); install `keras-shapecheck[server]`")
    serve()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
