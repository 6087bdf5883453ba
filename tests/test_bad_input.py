"""Bad input: one clear line and the right exit code, never a traceback.

Syntax errors are SC001 findings at CPython's position (exit 1); files that
cannot be read or decoded are one ``shapecheck: error: PATH: reason`` line
(exit 2) while the other files are still checked; odd but valid files (a
BOM, CRLF or CR line endings, tabs, huge lines, 50,000 lines, deep nesting)
are checked like any other.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.checking.checker import check_source
from shapecheck.app.cli import main

BAD_LINE = "model = keras.Sequential([keras.Input(shape=(3, 2)), keras.layers.LSTM(2), keras.layers.LSTM(3)])"
BAD = f"import keras\n{BAD_LINE}\n"
SC102_COLUMN = BAD_LINE.index("keras.layers.LSTM(3)") + 1


def run(*args: str):
    """The CLI's result (output holds stdout and stderr)."""
    return CliRunner().invoke(main, ["check", "--isolated", "--no-cache", *args], catch_exceptions=False)


def only_error_line(output: str) -> str:
    """The single ``shapecheck: error:`` line of ``output``."""
    lines = [line for line in output.splitlines() if line.startswith("shapecheck: error:")]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def codes_at(source: str) -> list[tuple[str, int, int]]:
    """(code, line, column) of each finding in ``source``."""
    return [(d.code, d.location.row, d.location.column) for d in check_source(source, "example.py")]


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.py"
    path.write_text(BAD)
    return path


# ------------------------------------------------------------ syntax errors
@pytest.mark.parametrize("source, line, column, words", [
    ("import keras\nmodel = keras.Sequential(\n", 2, 25, "'(' was never closed"),
    ("import keras\nif model\n    pass\n", 2, 9, "expected ':'"),
    ("import keras\nprint 'hi'\n", 2, 1, "Missing parentheses in call to 'print'"),
    ("import keras\n  x = 1\n", 2, 2, "unexpected indent"),
    ("import keras\nx = 'abc\n", 2, 5, "unterminated string literal"),
    ("import keras\nif True:\n\tx = 1\n        y = 2\n", 4, 1, "inconsistent use of tabs and spaces"),
    ('import keras\n"""a \\x escape"""\n', 2, 18, "(unicode error)"),
    ("import keras\nx = " + "9" * 5000 + "\n", 2, 1, "Exceeds the limit"),
], ids=["unclosed", "colon", "print", "indent", "string", "tabs", "escape", "digits"])
def test_syntax_error_is_one_finding_at_pythons_position(source: str, line: int, column: int, words: str) -> None:
    [finding] = check_source(source, "broken.py")
    assert (finding.code, finding.location.row, finding.location.column) == ("SC001", line, column)
    assert words in finding.message


def test_syntax_error_through_the_cli_exits_1_with_one_finding_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import keras\nmodel = keras.Sequential(\n")
    result = run(str(path))
    assert result.exit_code == 1
    assert f"{path}:2:25: error: invalid syntax: '(' was never closed  [SC001 invalid-syntax]" in result.output
    assert "Traceback" not in result.output


def test_pythons_own_warnings_are_not_printed(capfd: pytest.CaptureFixture[str]) -> None:
    source = "import keras\nimport re\npattern = re.compile('\\d+')\nspace = '\\s'\nvalue = 1()\n"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert codes_at(source) == []
    assert capfd.readouterr().err == ""


def test_null_byte_is_a_binary_file_io_error_not_a_crash() -> None:
    assert codes_at("import keras\nx = 1\0\n") == [("SC002", 1, 1)]


@pytest.mark.parametrize("statement", ["return 1", "break", "continue", "for i in range(2):\n    return i"])
def test_control_flow_outside_a_function_or_loop_stops_cleanly(statement: str) -> None:
    """Python's compiler refuses these; the analysis stops there without an internal error."""
    source = f"import keras\n{BAD_LINE}\n{statement}\nx = 1\n"
    assert codes_at(source) == [("SC102", 2, SC102_COLUMN)]


# ------------------------------------------------------------ deep nesting
@pytest.mark.parametrize("depth", [1_000, 10_000, 100_000])
@pytest.mark.parametrize("shape", ["(", "[", "f(", "-", "not ", "lambda: ", "1 if a else "])
def test_deeply_nested_expressions_are_refused_like_python_refuses_them(shape: str, depth: int) -> None:
    """libcst's native parser would crash the process (a segfault) on most of these."""
    closing = {"(": ")", "[": "]", "f(": ")"}.get(shape, "")
    source = "import keras\nx = " + shape * depth + "1" + closing * depth + "\n"
    findings = codes_at(source)
    if depth >= 10_000:
        assert [code for code, _, _ in findings] == ["SC001"]
    assert all(code == "SC001" for code, _, _ in findings)


@pytest.mark.parametrize("wrap", [
    lambda e: "(" * 150 + e + ")" * 150,
    lambda e: "[" * 150 + e + "]" * 150,
    lambda e: "-" * 150 + e,
    lambda e: "1 if a else " * 150 + e,
])
def test_deep_but_valid_nesting_is_still_analysed(wrap) -> None:
    expression = "keras.layers.LSTM(3)(keras.layers.LSTM(2)(keras.Input(shape=(3, 2))))"
    source = "import keras\nx = " + wrap(expression) + "\n"
    assert [code for code, _, _ in codes_at(source)] == ["SC102"]


@pytest.mark.parametrize("depth", [1_000])
@pytest.mark.parametrize("chain", ["-", "not ", "lambda: ", "a.", "1 + "])
def test_python_accepts_it_but_it_is_deeper_than_the_recursion_limit(chain: str, depth: int) -> None:
    """Python accepts a few thousand chained operators; walking them may exceed the recursion limit.
    That costs findings in that statement (never an internal error), not those before it."""
    expression = "keras.layers.LSTM(3)(keras.layers.LSTM(2)(keras.Input(shape=(3, 2))))"
    deep = chain * depth + ("b" if chain == "a." else "1")
    source = f"import keras\nfirst = {expression}\nx = [{deep}, {expression}]\n"
    findings = codes_at(source)
    assert ("SC102", 2, 9) in findings
    assert {code for code, _, _ in findings} == {"SC102"}


# ------------------------------------------------------------ odd but valid files
def test_bom_crlf_cr_tabs_and_form_feeds_keep_positions() -> None:
    expected = [("SC102", 2, SC102_COLUMN)]
    assert codes_at(BAD.replace("\n", "\r\n")) == expected
    assert codes_at(BAD.replace("\n", "\r")) == expected
    assert codes_at("\ufeff" + BAD) == expected
    assert codes_at("import keras\n\x0c\n" + BAD_LINE + "\n") == [("SC102", 3, SC102_COLUMN)]
    tabbed = "import keras\nif True:\n\t" + BAD_LINE + "\n"
    assert codes_at(tabbed) == [("SC102", 3, SC102_COLUMN + 1)]


def test_bom_and_crlf_files_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    (tmp_path / "crlf.py").write_bytes(BAD.replace("\n", "\r\n").encode())
    result = run(str(tmp_path / "bom.py"), str(tmp_path / "crlf.py"))
    assert result.exit_code == 1, result.output
    assert f"bom.py:2:{SC102_COLUMN}: error:" in result.output
    assert f"crlf.py:2:{SC102_COLUMN}: error:" in result.output


def test_very_long_lines_and_huge_literals() -> None:
    numbers = "import keras\nx = [" + "1, " * 30_000 + "]\n" + BAD_LINE + "\n"
    assert codes_at(numbers) == [("SC102", 3, SC102_COLUMN)]
    text = "import keras\nx = '" + "a" * 1_000_000 + "'\n" + BAD_LINE + "\n"
    assert codes_at(text) == [("SC102", 3, SC102_COLUMN)]


def test_a_50000_line_file_is_analysed_to_the_end() -> None:
    body = "".join(f"value_{i} = {i} * 2  # line {i + 2}\n" for i in range(50_000))
    source = "import keras\n" + body + BAD_LINE + "\n"
    assert codes_at(source) == [("SC102", 50_002, SC102_COLUMN)]


def test_empty_file_and_file_that_only_says_keras(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "word.py").write_text("# keras\n")
    result = run(str(tmp_path / "empty.py"), str(tmp_path / "word.py"))
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


# ------------------------------------------------------------ unreadable files
def test_non_utf8_file_is_one_line_and_the_rest_is_checked(tmp_path: Path, good: Path) -> None:
    (tmp_path / "latin.py").write_bytes(b"import keras\nname = 'caf\xe9'\n")
    result = run(str(tmp_path / "latin.py"), str(good))
    assert result.exit_code == 2
    line = only_error_line(result.output)
    assert line.startswith(f"shapecheck: error: {tmp_path / 'latin.py'}: not valid UTF-8")
    assert "SC102" in result.output


def test_utf16_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "wide.py").write_bytes(BAD.encode("utf-16"))
    result = run(str(tmp_path / "wide.py"))
    assert result.exit_code == 2
    assert "not valid UTF-8" in only_error_line(result.output)


def test_broken_symlink_is_one_line(tmp_path: Path, good: Path) -> None:
    (tmp_path / "gone.py").symlink_to(tmp_path / "missing.py")
    result = run(str(tmp_path / "gone.py"), str(good))
    assert result.exit_code == 2
    assert "gone.py: no such file" in only_error_line(result.output)
    assert "SC102" in result.output


def test_broken_symlink_inside_a_folder_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "bad.py").write_text(BAD)
    (folder / "gone.py").symlink_to(tmp_path / "missing.py")
    result = run(str(folder))
    assert result.exit_code == 2
    assert "gone.py: no such file" in only_error_line(result.output)
    assert "bad.py:2:" in result.output


def test_a_directory_named_like_a_script_is_walked_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "model.py"
    folder.mkdir()
    (folder / "inner.py").write_text(BAD)
    result = run(str(folder))
    assert result.exit_code == 1, result.output
    assert "inner.py:2:" in result.output


def test_reading_a_directory_gives_a_reason() -> None:
    from shapecheck.app.files import read_source

    assert read_source(os.path.dirname(__file__)).error == "is a directory"


def test_unreadable_file_is_one_line(tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(BAD)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the read fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == "locked.py":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run(str(locked), str(good))
    assert result.exit_code == 2
    assert only_error_line(result.output) == f"shapecheck: error: {locked}: permission denied"
    assert "SC102" in result.output


def test_missing_path_is_one_line(tmp_path: Path, good: Path) -> None:
    result = run(str(tmp_path / "nope.py"), str(good))
    assert result.exit_code == 2
    assert "nope.py: no such file or directory" in only_error_line(result.output)


# ------------------------------------------------------------ notebooks
def _notebook(*cells: object, key: str = "cells") -> str:
    return json.dumps({key: [cell if isinstance(cell, dict) else {"cell_type": "code", "source": cell}
                             for cell in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _notebook_findings(tmp_path: Path, text: str) -> tuple[int, list[tuple[str, int]], list[str]]:
    (tmp_path / "nb.ipynb").write_text(text)
    result = run("--output-format", "json", str(tmp_path / "nb.ipynb"))
    assert "Traceback" not in result.output
    try:
        items = json.loads(result.stdout)
    except json.JSONDecodeError:
        items = []
    from shapecheck.app.files import read_source

    script = read_source(str(tmp_path / "nb.ipynb")).text or ""
    lines = script.splitlines()

    def joined_row(cell: int, row: int) -> int:
        """The row of the joined script that row ``row`` of code cell ``cell`` is."""
        return lines.index(f"# %% [cell {cell}]") + 1 + row

    return result.exit_code, [(i["code"], joined_row(i["cell"], i["location"]["row"])) for i in items], lines


def test_notebook_finding_points_into_its_cell(tmp_path: Path) -> None:
    code, found, lines = _notebook_findings(tmp_path, _notebook(
        {"cell_type": "markdown", "source": ["# Title\n", "keras, but prose\n"]},
        ["%pip install keras\n", "import keras\n"],
        "x = 1\n" + BAD_LINE + "\n"))
    assert code == 1
    [(rule, row)] = found
    assert rule == "SC102" and lines[row - 1] == BAD_LINE
    assert lines[row - 3] == "# %% [cell 3]"
    result = run("--output-format", "concise", str(tmp_path / "nb.ipynb"))
    assert "nb.ipynb:cell 3:2:" in result.output  # reported as cell 3, its second line
    from shapecheck.app.notebooks import cell_location

    assert cell_location("\n".join(lines), row) == (3, 2)  # cell 3, its second line
    assert cell_location("\n".join(lines), row - 2) is None  # the marker line itself


@pytest.mark.parametrize("ipython", [
    "%%bash\nls -la | head\necho done\n",            # a cell magic whose body is not Python
    "files = !ls\ncwd = %pwd\n",                     # shell and magic assignments
    "if True:\n    !pip install foo\n",              # an escape inside a block
    "keras.layers.Dense?\n??keras\n",                # help
    "%matplotlib inline\n!nvidia-smi\n",
])
def test_ipython_syntax_is_not_a_syntax_error(tmp_path: Path, ipython: str) -> None:
    code, found, _ = _notebook_findings(tmp_path, _notebook("import keras\n", ipython, BAD_LINE + "\n"))
    assert code == 1
    assert [rule for rule, _ in found] == ["SC102"]


def test_notebook_lines_that_only_look_like_magics_stay_code(tmp_path: Path) -> None:
    cell = "x = (7\n     % 2)\ny = 7 \\\n    % 2\ns = '''\n!not a shell escape\n'''\nz = x != y\n"
    code, found, lines = _notebook_findings(tmp_path, _notebook("import keras\n" + cell + BAD_LINE + "\n"))
    assert [rule for rule, _ in found] == ["SC102"]
    assert "     % 2)" in lines and "!not a shell escape" in lines


def test_timed_cell_body_is_still_checked(tmp_path: Path) -> None:
    code, found, _ = _notebook_findings(tmp_path, _notebook("import keras\n", "%%time\n" + BAD_LINE + "\n"))
    assert [rule for rule, _ in found] == ["SC102"]


def test_notebook_syntax_error_is_a_finding_in_its_cell(tmp_path: Path) -> None:
    code, found, lines = _notebook_findings(tmp_path, _notebook("import keras\n", "model = keras.Sequential(\n"))
    assert code == 1
    [(rule, row)] = found
    assert rule == "SC001" and lines[row - 2] == "# %% [cell 2]"


@pytest.mark.parametrize("text", [
    "{not json",
    json.dumps([1, 2]),
    json.dumps({"cells": {}}),
    json.dumps({"cells": [{"cell_type": "code", "source": [1, None, {"x": 2}]}, "not a cell"]}),
    json.dumps({"cells": [{"cell_type": "code", "source": None}, {"cell_type": "code"}]}),
])
def test_malformed_notebooks_never_raise(tmp_path: Path, text: str) -> None:
    (tmp_path / "nb.ipynb").write_text(text)
    result = run(str(tmp_path / "nb.ipynb"))
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert "nb.ipynb: not a valid notebook" in only_error_line(result.output)


def test_nbformat_3_notebooks_are_read(tmp_path: Path) -> None:
    text = json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": BAD}]}], "nbformat": 3})
    code, found, _ = _notebook_findings(tmp_path, text)
    assert [rule for rule, _ in found] == ["SC102"]
