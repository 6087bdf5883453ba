"""The ``check`` command's options: the click decorators, the :class:`CheckOptions` they
fill, and the resolved settings (config file, rule selection, output format, excludes)
that the options and the configuration file give together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TypeVar

import click

from shapecheck.app.cache import CACHE_DIR_NAME
from shapecheck.app.config import ConfigError, FileConfig, find_config, load_config, selection_builder
from shapecheck.app.selection import Selection
from shapecheck.report.formats.registry import FORMATS
from shapecheck.tables.rule_index import TARGETS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> "click.exceptions.Exit":
    """Print ``shapecheck: error: message`` on stderr; the exception that exits 2 (raise it)."""
    click.echo(f"shapecheck: error: {message}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


def split(values: Sequence[str]) -> list[str]:
    """Comma-separated option values, flattened and stripped."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


_OPTIONS: list[Callable[[F], F]] = [
    click.argument("paths", nargs=-1, type=click.Path()),
    click.option("--output-format", type=click.Choice(sorted(FORMATS)), default=None,
                 help="How to print findings (default: concise)."),
    click.option("-o", "--output-file", type=click.Path(dir_okay=False), default=None,
                 help="Write the report to this file instead of standard output."),
    click.option("--statistics", "show_statistics", is_flag=True,
                 help="Print the number of findings per rule instead."),
    click.option("--select", "select_", multiple=True,
                 help="Rules to run: codes, prefixes or names (comma-separated)."),
    click.option("--ignore", multiple=True, help="Rules to skip: codes, prefixes or names (comma-separated)."),
    click.option("--extend-select", multiple=True, help="Rules to add to the selection."),
    click.option("--exclude", multiple=True, help="Globs of files and folders to skip (added to the config's)."),
    click.option("--force-exclude", is_flag=True, default=None,
                 help="Apply the excludes to files named on the command line too."),
    click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                 help="Skip files that .gitignore ignores (default: on)."),
    click.option("--stdin-filename", default=None, help="Read the script from standard input, as this file."),
    click.option("--fix", is_flag=True, help="Apply the safe fixes in place."),
    click.option("--unsafe-fixes", is_flag=True,
                 help="With --fix or --diff, apply the unsafe fixes too (those that may change behaviour "
                      "beyond the finding); without it they are only shown as available."),
    click.option("--show-fixes", is_flag=True,
                 help="List each finding's fix under it (safe or unsafe); with --fix, list the fixes "
                      "applied per file."),
    click.option("--diff", "show_diff", is_flag=True,
                 help="Show the fixes as a diff (the safe ones; add --unsafe-fixes for all); change nothing."),
    click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                 help="Check files in this many processes (default: all cores)."),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
    click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                 help=f"Where the result cache lives (default: {CACHE_DIR_NAME} beside the config)."),
    click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                 help="Read settings from this file instead of the nearest pyproject.toml."),
    click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
    click.option("--confirm/--no-confirm", "confirm_", default=None,
                 help="Rebuild each finding's model with the real Keras (in a subprocess) and report its verdict."),
    click.option("--device", type=click.Choice(["auto", "cpu", "gpu"]), default="auto",
                 help="Where --confirm builds models (default: the GPU when one is visible, else the CPU)."),
    click.option("--confirm-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0,
                 help="Seconds --confirm allows each model (default: 60)."),
    click.option("--exit-zero", is_flag=True,
                 help="Exit 0 even when there are findings (read errors still exit 2)."),
    click.option("--fail-on", type=click.Choice(["error", "warning"]), default=None,
                 help="The lowest severity that makes the exit code 1 (default: warning, any finding; "
                      "config key fail-on)."),
    click.option("-q", "--quiet", is_flag=True,
                 help="Print the findings and nothing else (no summary, no warnings)."),
    click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
                 help="Colour the concise and full reports (auto: on a terminal outside CI and pre-commit, "
                      "without NO_COLOR; FORCE_COLOR=1 forces it)."),
    click.option("--target", type=click.Choice(sorted(TARGETS)), default=None,
                 help="The Keras the project is written for (default: keras3; config key target). With "
                      "keras2 or tf_keras, SC301 removed-api reports nothing: those APIs still exist there."),
    click.option("--add-noqa", is_flag=True,
                 help="Append `# noqa: SCxxx` to each line with a finding (keeping its comments and the codes "
                      "of an existing noqa), then exit 0."),
    click.option("--show-settings", is_flag=True,
                 help="Print the resolved settings (config file, target, rules, output format...) and exit."),
    click.option("--show-files", is_flag=True, help="Print the files that would be checked, after exclusion, and exit."),
    click.option("--watch", is_flag=True, help="Check again whenever a checked file changes (polls; Ctrl-C stops)."),
    click.option("--watch-runs", type=click.IntRange(min=1), default=None, hidden=True,
                 help="Stop --watch after this many checks (for tests)."),
    click.option("--watch-interval", type=click.FloatRange(min=0, min_open=True), default=0.5, hidden=True,
                 help="Seconds between --watch's polls."),
]


def check_options(function: F) -> F:
    """Decorate the ``check`` command with all of its arguments and options."""
    for option in reversed(_OPTIONS):
        function = option(function)
    return function


@dataclass(frozen=True)
class CheckOptions:
    """What the ``check`` command was given (names as click passes them)."""

    paths: tuple[str, ...] = ()
    output_format: Optional[str] = None
    output_file: Optional[str] = None
    show_statistics: bool = False
    select_: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force_exclude: Optional[bool] = None
    respect_gitignore: Optional[bool] = None
    stdin_filename: Optional[str] = None
    fix: bool = False
    unsafe_fixes: bool = False
    show_fixes: bool = False
    show_diff: bool = False
    jobs: Optional[int] = None
    no_cache: bool = False
    cache_dir: Optional[str] = None
    config_path: Optional[str] = None
    isolated: bool = False
    confirm_: Optional[bool] = None
    device: str = "auto"
    confirm_timeout: float = 60.0
    exit_zero: bool = False
    fail_on: Optional[str] = None
    quiet: bool = False
    color: str = "auto"
    target: Optional[str] = None
    add_noqa: bool = False
    show_settings: bool = False
    show_files: bool = False
    watch: bool = False
    watch_runs: Optional[int] = None
    watch_interval: float = 0.5

    @property
    def use_stdin(self) -> bool:
        """True when the script comes from standard input (`-`, or only --stdin-filename)."""
        return self.paths == ("-",) or (not self.paths and self.stdin_filename is not None)


@dataclass(frozen=True)
class Resolved:
    """The options and the configuration file together: what a check run uses."""

    config: FileConfig
    settings_for: Callable[[str], Selection]  # the rules for a file, by code (the checker's settings on demand)
    fmt: str
    excludes: tuple[str, ...]
    force_exclude: bool
    respect_gitignore: bool
    confirm: bool
    fail_on: str
    target: str


def resolve(options: CheckOptions) -> Resolved:
    """Read the configuration and combine it with the options; raises click's Exit
    (after one line on stderr) for a configuration or usage error."""
    if "-" in options.paths and not options.use_stdin:
        raise fail("`-` (standard input) cannot be combined with other paths")
    try:
        start = options.stdin_filename if options.use_stdin and options.stdin_filename else \
            (options.paths[0] if options.paths else None)
        config = load_file_config(start, options.config_path, options.isolated)
        settings_for = selection_builder(config, split(options.select_), split(options.ignore),
                                        split(options.extend_select), options.target)
    except ConfigError as error:
        raise fail(str(error)) from None
    fmt = options.output_format or config.output_format or "concise"
    if fmt not in FORMATS:
        where = f"{config.path}: " if config.path and not options.output_format else ""
        raise fail(f"{where}unknown output format `{fmt}` (choose from {', '.join(sorted(FORMATS))})")
    return Resolved(
        config=config,
        settings_for=settings_for,
        fmt=fmt,
        excludes=tuple(config.exclude) + tuple(split(options.exclude)),
        force_exclude=config.force_exclude if options.force_exclude is None else options.force_exclude,
        respect_gitignore=config.respect_gitignore if options.respect_gitignore is None
        else options.respect_gitignore,
        confirm=bool(config.confirm) if options.confirm_ is None else options.confirm_,
        fail_on=options.fail_on or config.fail_on or "warning",
        target=options.target or config.target or "keras3",
    )


def load_file_config(start: Optional[str], explicit: Optional[str], isolated: bool) -> FileConfig:
    """The configuration: none (``isolated``), the ``explicit`` file, or the nearest one to ``start``."""
    if isolated:
        return FileConfig()
    if explicit is not None:
        return load_config(Path(explicit))
    begin = Path(start) if start else Path.cwd()
    if not begin.exists():
        begin = begin.parent if begin.parent.exists() else Path.cwd()
    found = find_config(begin)
    return load_config(found) if found is not None else FileConfig()


def cache_folder(explicit: Optional[str], config: FileConfig) -> Path:
    """Where the result cache lives: the option, the config's ``cache-dir``, or beside the config."""
    if explicit:
        return Path(explicit)
    if config.cache_dir:
        return config.root / config.cache_dir
    return (config.root if config.path is not None else Path.cwd()) / CACHE_DIR_NAME
