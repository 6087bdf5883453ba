"""The command line: ``shapecheck check``, ``shapecheck rule CODE``, ``shapecheck rules``.

Exit codes follow ruff and mypy: 0 when clean, 1 when there are findings,
2 for usage errors, unreadable paths and internal errors.  Errors are one
line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence

import click

from . import __version__
from .checker import Settings, check_source
from .config import ConfigError, FileConfig, find_config, load_config, resolve_rules, severities, validate_selector
from .diagnostics import Diagnostic
from .files import PathError, discover, read_source
from .output import FORMATS
from .registry import all_rules, rule_by_code

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
@click.option("--select", "select_", multiple=True, help="Rules to run: codes, prefixes or names (comma-separated).")
@click.option("--ignore", multiple=True, help="Rules to skip: codes, prefixes or names (comma-separated).")
@click.option("--extend-select", multiple=True, help="Rules to add to the selection.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Read settings from this file instead of the nearest pyproject.toml.")
@click.option("--isolated", is_flag=True, help="Ignore all configuration files.")
def check(paths: tuple[str, ...], output_format: Optional[str], select_: tuple[str, ...],
          ignore: tuple[str, ...], extend_select: tuple[str, ...], config_path: Optional[str],
          isolated: bool) -> None:
    """Check Keras scripts (files, or folders of *.py files) for shape and API mistakes."""
    try:
        config = _config(paths, config_path, isolated)
        selected = _split(select_) or config.select
        for selector in _split(select_) + _split(ignore) + _split(extend_select):
            validate_selector(selector, "command line")
        rules = resolve_rules(selected, config.ignore + _split(ignore), config.extend_select + _split(extend_select))
    except ConfigError as error:
        raise _fail(str(error))
    fmt = output_format or config.output_format or "concise"
    if fmt not in FORMATS:
        raise _fail(f"unknown output format `{fmt}` (choose from {', '.join(sorted(FORMATS))})")
    settings = Settings(tuple(rules), severities(config))
    diagnostics: list[Diagnostic] = []
    had_error = False
    files: list[str] = []
    for path in paths or (".",):
        try:
            files.extend(discover([path], config.exclude))
        except PathError as error:
            click.echo(f"shapecheck: error: {error}", err=True)
            had_error = True
    for path in files:
        source = read_source(path)
        if source.text is None:
            click.echo(f"shapecheck: error: {path}: {source.error}", err=True)
            had_error = True
            continue
        try:
            diagnostics.extend(check_source(source.text, path, settings))
        except Exception as error:  # noqa: BLE001 - one bad file never stops the run
            click.echo(f"shapecheck: error: {path}: internal error: {type(error).__name__}: {error}", err=True)
            had_error = True
    diagnostics.sort(key=Diagnostic.sort_key)
    click.echo(FORMATS[fmt](diagnostics, len(files)), nl=False)
    if had_error:
        raise click.exceptions.Exit(EXIT_ERROR)
    raise click.exceptions.Exit(EXIT_FINDINGS if diagnostics else EXIT_CLEAN)


def _config(paths: Sequence[str], explicit: Optional[str], isolated: bool) -> FileConfig:
    if isolated:
        return FileConfig()
    if explicit is not None:
        return load_config(Path(explicit))
    start = Path(paths[0]) if paths else Path.cwd()
    found = find_config(start if start.exists() else Path.cwd())
    return load_config(found) if found is not None else FileConfig()


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule (by code or name): what it does, why, an example and the fix."""
    found = rule_by_code(code)
    if found is None:
        raise _fail(f"unknown rule `{code}` (see `shapecheck rules`)")
    click.echo(found.documentation())


@main.command(name="rules")
def rules_() -> None:
    """List every rule with its code, name, severity and summary."""
    for r in all_rules():
        click.echo(f"{r.code}  {r.name:<42} {r.severity.value:<8} {r.summary}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
