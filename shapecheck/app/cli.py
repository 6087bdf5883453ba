"""The command line: the ``shapecheck`` command group and its commands ``check``,
``rule CODE``, ``rules`` and ``server``.

The ``check`` command's options live in :mod:`shapecheck.app.cli_options` and its run
in :mod:`shapecheck.app.cli_check`.  A command defined in its own module joins the
group with one line at the end of this file (``main.add_command(command)``).

Exit codes follow ruff and mypy: 0 when clean, 1 when there are findings,
2 for usage errors, unreadable paths and internal errors.  Errors are one
line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from shapecheck import __version__
from shapecheck.app.cli_options import CheckOptions, check_options, fail
from shapecheck.checking.registry import all_rules, rule_by_code


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shapecheck")
def main() -> None:
    """Static shape checker and linter for Keras scripts."""


@main.command()
@check_options
def check(**options: Any) -> None:
    """Check Keras scripts (files, or folders of *.py and *.ipynb files) for shape and API mistakes.

    Give `-` (or --stdin-filename) to read one script from standard input.
    """
    from shapecheck.app.cli_check import run_check

    raise click.exceptions.Exit(run_check(CheckOptions(**options)))


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule (by code or name): what it does, why, an example and the fix."""
    found = rule_by_code(code)
    if found is None:
        raise fail(f"unknown rule `{code}` (see `shapecheck rules`)")
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
        raise fail(f"the language server needs pygls ({error}); install `keras-shapecheck[server]`") from None
    serve()


# Commands defined in their own modules join the group here, one line each.
main.add_command(__import__("shapecheck.app.shapes_command", fromlist=["shapes"]).shapes)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
