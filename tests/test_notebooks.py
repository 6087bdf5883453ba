"""Notebooks as IPython reads them, findings located by cell and line in every output format.

The notebooks in ``fixtures/notebooks/`` each hold one IPython construct that Jupyter
accepts (or one cell that is invalid even for IPython) and a real shape bug; every line
that must be reported carries ``# error: [SCxxx]``.  Each is checked through IPython's
transformer (``ipython`` and ``nbformat`` installed) and through the hand-written fallback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

import shapecheck.app.notebooks as notebooks
from shapecheck.app.cache import Cache
from shapecheck.app.cli import main
from shapecheck.app.files import decode, read_source
from shapecheck.app.runner import check_files
from shapecheck.checking.checker import default_settings

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "fixtures" / "notebooks").glob("*.ipynb"))
MARKER = re.compile(r"#\s*error:\s*\[(SC\d+)\]")
# The constructs the hand-written fallback cannot read: each costs its own cell an SC001.
FALLBACK_GAPS = {"shell_continuation", "indented_cell", "automagic_alias", "cell_magic_leading_space", "nbformat3"}


def _raw_cells(path: Path) -> list[dict[str, Any]]:
    """Every cell of a notebook file (nbformat 3 worksheets one after another)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "worksheets" in data:
        return [cell for sheet in data["worksheets"] for cell in sheet["cells"]]
    return data["cells"]


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", cell.get("input", ""))
    return "".join(source) if isinstance(source, list) else source


def expected(path: Path) -> set[tuple[int, int, str]]:
    """(cell, line in the cell, code) of every ``# error: [SCxxx]`` marker of a notebook."""
    found = set()
    for number, cell in enumerate(_raw_cells(path), start=1):
        for row, line in enumerate(_cell_source(cell).splitlines(), start=1):
            for code in MARKER.findall(line):
                found.add((number, row, code))
    return found


def reported(path: Path) -> set[tuple[int, int, str]]:
    settings = default_settings()
    [result] = check_files([read_source(str(path))], lambda _: settings)
    assert result.error is None, result.error
    return {(d.cell, d.location.row, d.code) for d in result.diagnostics}


@pytest.fixture
def without_ipython(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if neither ``ipython`` nor ``nbformat`` were installed."""
    for name in [name for name in sys.modules if name.split(".")[0] in ("IPython", "nbformat")] + [
            "IPython", "nbformat"]:
        monkeypatch.setitem(sys.modules, name, None)  # importing it (or a submodule) raises ImportError
    monkeypatch.setattr(notebooks, "_MANAGER", None)
    yield
    notebooks._MANAGER = None  # the next read imports IPython again


def test_the_notebook_set_exists() -> None:
    names = {path.stem for path in NOTEBOOKS}
    assert FALLBACK_GAPS <= names and {"invalid_cell", "nbformat3", "help", "capture_cell"} <= names
    assert all(any(code == "SC102" for _, _, code in expected(path)) for path in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_ipython_syntax_is_read_as_ipython_does(path: Path) -> None:
    """Every marked finding at its cell and line, nothing else (no SC001 on valid cells)."""
    assert notebooks._manager() is not None
    assert reported(path) == expected(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_without_ipython_the_hand_written_transformer_is_used(path: Path, without_ipython: None) -> None:
    assert notebooks._manager() is None and notebooks._nbformat_cells(path.read_text()) is None
    found = reported(path)
    if path.stem in FALLBACK_GAPS:
        # The construct's cell alone is invalid; every other cell is still checked.
        assert {(cell, code) for cell, _, code in found - expected(path)} == {(3, "SC001")}
        assert expected(path) <= found
    else:
        assert found == expected(path)


def test_ipython_paths_differ_where_the_fallback_falls_short(without_ipython: None) -> None:
    """The fallback really is another transformer (so the two parametrized tests test two paths)."""
    text = (ROOT / "fixtures" / "notebooks" / "shell_continuation.ipynb").read_text()
    assert "!pip install keras" in notebooks.read_notebook(text).script


def test_cell_rows_map_through_rewritten_and_dedented_lines() -> None:
    cell = ("    !pip install keras \\\n        tensorflow\n"
            "    inputs = keras.Input(shape=(20, 8))\n"
            "    x = keras.layers.LSTM(32)(inputs)\n"
            "    y = keras.layers.LSTM(16)(x)\n")
    text = json.dumps({"cells": [{"cell_type": "code", "source": "import keras\n"},
                                 {"cell_type": "code", "source": cell}], "nbformat": 4, "nbformat_minor": 5,
                       "metadata": {}})
    source = decode(text.encode(), "nb.ipynb")
    assert source.cells is not None and "get_ipython().system(" in source.text
    [result] = check_files([source], lambda _: default_settings())
    [finding] = result.diagnostics
    assert (finding.cell, finding.location.row, finding.location.column) == (2, 5, cell.splitlines()[4].index(
        "keras.layers.LSTM(16)") + 1)
    assert "in cell 2, line 4" in finding.message
    [note] = finding.notes
    assert (note.cell, note.location.row, note.location.column) == (2, 4, 9)


def test_an_invalid_cell_makes_what_it_binds_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    path = ROOT / "fixtures" / "notebooks" / "invalid_cell.ipynb"
    script = notebooks.read_notebook(path.read_text())
    [invalid] = script.invalid
    assert invalid.cell == 3 and script.locate(invalid.row, invalid.column) == (3, 4, 1)
    [havoc] = [line for line in script.script.splitlines() if line.endswith(notebooks.UNKNOWN_CALL)]
    assert set(havoc.split(" = ")[:-1]) >= {"encoder", "broken"}
    # Without the unknown values, the broken cell's `encoder` would be the earlier one, and
    # the last cell would draw a false SC102: the havoc is what keeps it quiet.
    monkeypatch.setattr(notebooks, "_havoc", lambda lines, modules: "pass")
    assert (5, 3, "SC102") in reported(path)


def test_automagic_only_for_a_single_line_cell() -> None:
    single = notebooks.read_notebook(json.dumps({"cells": [{"cell_type": "code", "source": "ls ./data/"}]}))
    assert single.invalid == () and "run_line_magic('ls', './data/')" in single.script
    double = notebooks.read_notebook(json.dumps({"cells": [{"cell_type": "code", "source": "ls ./data/\nx = 1\n"}]}))
    assert [(i.cell, i.message) for i in double.invalid] == [(1, "invalid syntax")]  # IPython refuses it too
    python = notebooks.read_notebook(json.dumps({"cells": [{"cell_type": "code", "source": "ls = 3"}]}))
    assert "ls = 3" in python.script  # valid Python is never a magic


def test_cached_notebook_findings_are_located_the_same(tmp_path: Path) -> None:
    path = ROOT / "fixtures" / "notebooks" / "invalid_cell.ipynb"
    settings = default_settings()
    cache = Cache(tmp_path)
    first = check_files([read_source(str(path))], lambda _: settings, cache=cache)[0].diagnostics
    second = check_files([read_source(str(path))], lambda _: settings, cache=cache)[0].diagnostics
    assert cache.hits == 1
    assert [(d.cell, d.location, d.code, d.message) for d in second] == \
        [(d.cell, d.location, d.code, d.message) for d in first]


def test_a_python_file_imports_neither_ipython_nor_nbformat(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("import keras\nmodel = keras.Sequential([keras.layers.Dense(3)])\n")
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": "import keras\n"}],
                                                   "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    probe = ("import sys\nfrom shapecheck.app.cli import main\n"
             "try:\n    main(['check', '--isolated', '--no-cache', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
             "print(sorted({'IPython', 'nbformat'} & set(sys.modules)))\n")
    for name, loaded in (("m.py", "[]"), ("nb.ipynb", "['IPython', 'nbformat']")):
        run = subprocess.run([sys.executable, "-c", probe, str(tmp_path / name)], capture_output=True, text=True)
        assert run.stdout.strip().splitlines()[-1] == loaded, run.stderr


# --------------------------------------------------------------------------- every output format
NOTEBOOK = ROOT / "fixtures" / "notebooks" / "invalid_cell.ipynb"


def _file_row(cell: int, row: int) -> int:
    """The line of the fixture file holding that cell line: found by its JSON text, not by the code under test."""
    text = _cell_source(_raw_cells(NOTEBOOK)[cell - 1]).splitlines(keepends=True)[row - 1]
    hits = [i for i, line in enumerate(NOTEBOOK.read_text().splitlines(), start=1)
            if line.strip().rstrip(",") == json.dumps(text)]
    assert len(hits) == 1
    return hits[0]


SC001 = (3, 4, 1)  # cell, line, column
SC102 = (4, 3, 11)


def _output(fmt: str) -> str:
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-cache", "--output-format", fmt,
                                       str(NOTEBOOK.relative_to(ROOT))], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return result.stdout


@pytest.fixture(autouse=True)
def _in_root(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_concise_and_json() -> None:
    out = _output("concise")
    assert ":cell 3:4:1: error: invalid syntax" in out and ":cell 4:3:11: error:" in out
    assert "from the `LSTM` in cell 4, line 2," in out
    items = json.loads(_output("json"))
    assert [(i["cell"], i["location"]["row"], i["location"]["column"], i["code"]) for i in items] == \
        [(*SC001, "SC001"), (*SC102, "SC102")]
    assert items[1]["notes"][0]["cell"] == 4 and items[1]["notes"][0]["location"]["row"] == 2


def test_full_shows_the_cells_own_lines() -> None:
    out = _output("full")
    assert "  4 | def broken(:  # error: [SC001]\n    | ^\n" in out
    assert "  3 | outputs = layers.LSTM(16)(x)  # error: [SC102]\n    |           ^^^^^^^^^^^^^^^^^" in out
    assert "  2 | x = layers.LSTM(32)(inputs)\n" in out  # the note, in its cell
    assert '"source"' not in out and "\\n" not in out


def test_github_points_at_the_notebook_line_of_the_cell_line() -> None:
    lines = _output("github").splitlines()
    assert lines[0].startswith(f"::error title=shapecheck (SC001) cell 3%2C line 4,file=fixtures/notebooks/"
                               f"invalid_cell.ipynb,line={_file_row(3, 4)}::cell 3, line 4: invalid syntax")
    assert f",line={_file_row(4, 3)}::cell 4, line 3: " in lines[1]
    assert "%0Anote (cell 4, line 2): add `return_sequences=True` here" in lines[1]


def test_gitlab() -> None:
    items = json.loads(_output("gitlab"))
    assert [i["location"]["lines"]["begin"] for i in items] == [_file_row(3, 4), _file_row(4, 3)]
    assert items[0]["description"].startswith("cell 3, line 4: SC001")
    assert items[1]["description"].startswith("cell 4, line 3: SC102")


def test_junit() -> None:
    out = _output("junit")
    assert re.findall(r'line="(\d+)"', out) == [str(_file_row(3, 4)), str(_file_row(4, 3))]
    assert "invalid_cell.ipynb:cell 3:4:1: error: invalid syntax" in out
    assert "invalid_cell.ipynb:cell 4:2:5: note:" in out


def test_sarif() -> None:
    [run] = json.loads(_output("sarif"))["runs"]
    first, second = run["results"]
    for result, (cell, row, column), code in ((first, SC001, "SC001"), (second, SC102, "SC102")):
        [location] = result["locations"]
        assert result["ruleId"] == code
        assert location["physicalLocation"]["region"] == {"startLine": _file_row(cell, row)}
        assert location["logicalLocations"] == [{"name": f"cell {cell}", "kind": "element"}]
        assert (result["properties"]["cell"], result["properties"]["cellLine"],
                result["properties"]["cellColumn"]) == (cell, row, column)
        assert result["message"]["text"].startswith(f"cell {cell}, line {row}: ")
    [note] = second["relatedLocations"]
    assert note["physicalLocation"]["region"] == {"startLine": _file_row(4, 2)}
    assert note["properties"]["cell"] == 4


def test_layout_of_string_sources_and_nbformat_3() -> None:
    from shapecheck.report.formats.notebook_cells import NotebookLayout

    text = json.dumps({"cells": [{"cell_type": "markdown", "source": "x"},
                                 {"cell_type": "code", "source": "a = 1\nb = 2\n"}]}, indent=1)
    layout = NotebookLayout(text)
    row = layout.file_row(2, 2)
    assert row is not None and '"source": "a = 1\\nb = 2\\n"' in text.splitlines()[row - 1]
    assert layout.lines(2) == ["a = 1", "b = 2"]
    v3 = (ROOT / "fixtures" / "notebooks" / "nbformat3.ipynb").read_text()
    layout = NotebookLayout(v3)
    assert v3.splitlines()[layout.file_row(4, 3) - 1].strip().startswith('"outputs = layers.LSTM(16)(x)')  # type: ignore[operator]


def test_lines_in_python_messages_of_an_invalid_cell_are_cell_lines() -> None:
    cells = ["import keras\n", "x = 1\n\ny = '''abc\nmore\n", "!ls \\\n  -la\nz = (1,\n"]
    text = json.dumps({"cells": [{"cell_type": "code", "source": c} for c in cells], "metadata": {},
                       "nbformat": 4, "nbformat_minor": 5})
    [result] = check_files([decode(text.encode(), "nb.ipynb")], lambda _: default_settings())
    assert [(d.cell, d.location.row, d.location.column, d.message) for d in result.diagnostics] == [
        (2, 3, 5, "invalid syntax: unterminated triple-quoted string literal (detected at cell 2, line 4)"),
        (3, 3, 5, "invalid syntax: '(' was never closed"),
    ]
