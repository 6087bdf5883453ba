"""``shapecheck shapes FILE``: every model a script builds, as ``model.summary()`` prints it.

Nothing is run and Keras is not imported: the summaries come from
:mod:`shapecheck.report.summary`.  ``--output-format json`` prints a list of
``{"file", "models": [...]}`` objects.  Exit 0 when every file was read, 2 when
one could not be (a missing path, a syntax error).
"""

from __future__ import annotations

import json
import click

from shapecheck.app.files import PathError, discover, read_source


@click.command(name="shapes")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text",
              help="text (default): one table per model; json: the same data, `null` where unknown.")
def shapes(paths: tuple[str, ...], output_format: str) -> None:
    """Print each model a script builds: layer names, output shapes and parameter counts
    (`?` where unknown), without running the script."""
    # Imported here: the group loads this module for every command, and the analysis pulls in the engine.
    from shapecheck.report.summary import analyse, summary_json, summary_text

    failed = False
    reports = []
    try:
        files = list(discover(list(paths)))
    except PathError as error:
        click.echo(f"shapecheck: error: {error}", err=True)
        raise click.exceptions.Exit(2) from None
    for path in files:
        source = read_source(path)
        analysis = analyse(source.text) if source.text is not None else None
        if analysis is None:
            click.echo(f"shapecheck: error: {path}: {source.error or 'invalid syntax'}", err=True)
            failed = True
            continue
        reports.append((path, analysis.models))
    if output_format == "json":
        click.echo(json.dumps([{"file": name, "models": [summary_json(m) for m in models]}
                               for name, models in reports], indent=2))
    else:
        blocks = [summary_text(m, name) for name, models in reports for m in models]
        click.echo("\n\n".join(blocks) if blocks else "No models found.")
    if failed:
        raise click.exceptions.Exit(2)

