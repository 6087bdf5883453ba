"""Jupyter notebooks as scripts: their code cells as IPython runs them, one after another.

A notebook is read with ``nbformat`` (every version it reads; nbformat 3
worksheets too) and each code cell goes through IPython's own cell
transformer (``TransformerManager().transform_cell``, the code Jupyter
runs), so ``!cmd \\`` continuations, indented cells, `` %%time``, ``x = !ls``,
``obj?`` and the rest become the Python IPython executes.  A single-line cell
that is still not Python but starts with a magic or a shell alias
(``ls ./data/``, ``pip install x``) is IPython's automagic and becomes a magic
call.  The bodies of ``%%time``, ``%%timeit``, ``%%capture``, ``%%prun`` and
``%%debug`` are Python and stay visible to the checker.  Both packages are
imported only when a notebook is read; without them the notebook is read as
JSON and a hand-written transformer comments the magics out instead.

Each code cell is preceded in the script by a ``# %% [cell N]`` marker line,
N counting every cell of the notebook (markdown too) from 1.  Every script
row remembers the cell and the row inside that cell it came from
(:class:`NotebookScript`), so findings are reported as ``cell N, line L``.
A cell that is invalid even for IPython is commented out and gets one SC001
(:class:`InvalidCell`); the names it would bind become unknown values
(``name = __shapecheck_unknown__()``), so the other cells are still checked
and nothing that depends on the broken cell is reported.  Notebooks are
checked, never fixed in place.
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import keyword
import re
import warnings
from dataclasses import dataclass
from typing import Any, Optional

UNKNOWN_CALL = "__shapecheck_unknown__()"
# Cell magics whose body is Python run in the notebook's namespace (the rest, like %%bash, is not).
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# Shell aliases and kernel magics IPython's automagic runs without a `%` (besides the line magics).
_EXTRA_AUTOMAGIC = frozenset({"clear", "less", "more", "man", "connect_info", "autosave", "tensorflow_version"})


class NotebookError(Exception):
    """The file is not a notebook shapecheck can read."""


@dataclass(frozen=True)
class InvalidCell:
    """A code cell that is invalid even for IPython: its error at a script ``row`` and ``column``."""

    cell: int
    row: int
    column: int
    message: str


RowOrigin = tuple[int, int, int]
"""Where a script row came from: (cell number, row in that cell, column shift script→cell)."""


@dataclass(frozen=True)
class NotebookScript:
    """A notebook's code cells as one script, with the origin of each of its rows."""

    script: str
    origins: tuple[Optional[RowOrigin], ...]  # per script row (index row - 1); None on markers
    invalid: tuple[InvalidCell, ...] = ()

    def locate(self, row: int, column: int) -> Optional[tuple[int, int, int]]:
        """(cell, row in the cell, column in the cell) of a 1-based script position, or None."""
        if not 1 <= row <= len(self.origins):
            return None
        origin = self.origins[row - 1]
        if origin is None:
            return None
        cell, cell_row, shift = origin
        return cell, cell_row, max(1, column + shift)

    def fingerprint(self) -> str:
        """Everything besides the script that findings depend on (for cache keys)."""
        return repr((self.origins, self.invalid))


# ----------------------------------------------------------------------------- reading
def _source_text(source: Any) -> str:
    """A cell's ``source``: a string or a list of strings (anything else counts as empty)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _json_cells(text: str) -> list[tuple[int, str]]:
    """(number, source) of each code cell, read as plain JSON (numbers count every cell)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a valid notebook (invalid JSON: {error.msg} at line {error.lineno})") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if cells is None and isinstance(data, dict) and isinstance(data.get("worksheets"), list):
        cells = [cell for sheet in data["worksheets"] if isinstance(sheet, dict)  # nbformat 2 and 3
                 for cell in _list(sheet.get("cells"))]
    if not isinstance(cells, list):
        raise NotebookError("not a valid notebook (no `cells` list)")
    return [(number, _source_text(cell.get("source", cell.get("input", ""))))
            for number, cell in enumerate(cells, start=1)
            if isinstance(cell, dict) and cell.get("cell_type") == "code"]


def _nbformat_cells(text: str) -> Optional[list[tuple[int, str]]]:
    """The code cells as ``nbformat`` reads them (converted to version 4), or None when it cannot
    (not installed, or no ``nbformat`` version number: nbformat would take it for version 1)."""
    try:
        import nbformat
        from nbformat import reader
    except ImportError:
        return None
    try:
        data = reader.parse_json(text)
        if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
            return None
        major, minor = reader.get_version(data)
        notebook = nbformat.convert(nbformat.versions[major].to_notebook_json(data, minor=minor), 4)
        return [(number, _source_text(cell.get("source", "")))
                for number, cell in enumerate(notebook.cells, start=1) if cell.get("cell_type") == "code"]
    except Exception:  # noqa: BLE001 - nbformat refuses what a plain JSON read may still accept
        return None


def code_cells(text: str) -> list[tuple[int, str]]:
    """(number, source) of each code cell of a notebook's JSON text; numbers count every cell from 1."""
    if text.lstrip()[:1] != "{":
        return _json_cells(text)  # its error message
    found = _nbformat_cells(text)
    return found if found is not None else _json_cells(text)


# ----------------------------------------------------------------------------- IPython's transformer
_MANAGER: Any = None


def _manager() -> Any:
    """IPython's ``TransformerManager`` (imported on first use), or None when IPython is missing."""
    global _MANAGER
    if _MANAGER is None:
        try:
            from IPython.core.inputtransformer2 import TransformerManager
        except ImportError:
            _MANAGER = False
        else:
            _MANAGER = TransformerManager()
    return _MANAGER or None


@functools.lru_cache(maxsize=1)
def _automagic_names() -> frozenset[str]:
    """Line magics and default shell aliases that IPython runs without their ``%``."""
    from IPython.core import magics
    from IPython.core.alias import default_aliases

    names = set(_EXTRA_AUTOMAGIC) | {alias[0] for alias in default_aliases()}
    for value in vars(magics).values():
        table = getattr(value, "magics", None)
        if isinstance(value, type) and isinstance(table, dict):
            names.update(table.get("line", {}))
    return frozenset(names)


Lines = list[tuple[str, int, int]]  # (text, row in the cell, column shift)


def _shift(original: str, text: str) -> int:
    """How far a transformed line's columns are left of the original's (dedent, prompts)."""
    original, text = original.rstrip(), text.rstrip()
    return len(original) - len(text) if text and original.endswith(text) else 0


def _align(original: list[str], transformed: list[str], first_row: int) -> Lines:
    """Map each transformed line to an original row: equal lines one to one, a construct the
    transformer rewrote (a continued ``!cmd \\``) to its first line."""
    matcher = difflib.SequenceMatcher(None, [line.strip() for line in original],
                                      [line.strip() for line in transformed], autojunk=False)
    out: Lines = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            if tag == "equal":
                i = i1 + k
            elif i2 > i1:  # the rewritten lines, blank ones (IPython drops leading ones) last
                rows = [r for r in range(i1, i2) if original[r].strip()] or list(range(i1, i2))
                i = rows[min(k, len(rows) - 1)]
            else:
                i = max(0, min(i1, len(original) - 1))
            before = original[i] if original else ""
            out.append((transformed[j1 + k], first_row + i, _shift(before, transformed[j1 + k])))
    return out


def _ipython_lines(source: str, manager: Any, first_row: int = 1) -> Lines:
    """A cell as IPython runs it, each line with the cell row it came from."""
    original = source.splitlines()
    start = next((i for i, line in enumerate(original) if line.strip()), None)
    if start is None:
        return []
    head = original[start].strip()
    if head.startswith("%%") and (head[2:].split(maxsplit=1) or [""])[0] in _PYTHON_CELL_MAGICS:
        body = "\n".join(original[start + 1:])
        return [("# " + head, first_row + start, -2), *_ipython_lines(body, manager, first_row + start + 1)]
    transformed = manager.transform_cell(source)
    lines = transformed.splitlines()
    if len(lines) == 1 and _problem(transformed) is not None:
        lines = [_automagic(lines[0]) or lines[0]]
    return _align(original, lines, first_row)


def _automagic(line: str) -> Optional[str]:
    """``ls ./data/`` as IPython's automagic runs it (a magic call), or None when it is not one."""
    word, _, rest = line.strip().partition(" ")
    if not word.isidentifier() or word not in _automagic_names():
        return None
    return f"get_ipython().run_line_magic({word!r}, {rest.strip()!r})"


def _pad(lines: Lines) -> Lines:
    """Blank lines where the transformer joined lines, so rows stay those of the cell."""
    out: Lines = []
    for text, row, shift in lines:
        while len(out) < row - 1:
            out.append(("", len(out) + 1, 0))
        out.append((text, row, shift))
    return out


# ----------------------------------------------------------------------------- hand-written fallback
_MAGIC_STARTS = ("%", "!", "?")
_SHELL_ASSIGNMENT = re.compile(r"^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
_HELP = re.compile(r"^[A-Za-z_][\w.]*\?\??$")


def _is_magic(stripped: str) -> bool:
    """IPython syntax on a line of its own: ``%pip``, ``!ls``, ``x = !ls``, ``obj?``, ``?obj``."""
    return stripped.startswith(_MAGIC_STARTS) or bool(_HELP.match(stripped)) or bool(
        _SHELL_ASSIGNMENT.match(stripped))


class _LineState:
    """Whether the next line starts a new statement: outside brackets, strings and continuations."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str = ""  # the open triple quote, if any
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and not self.quote and not self.continued

    def feed(self, line: str) -> None:
        """Follow one line of Python (roughly: enough to know where statements start)."""
        i, n = 0, len(line)
        while i < n:
            if self.quote:
                end = line.find(self.quote, i)
                while end > 0 and line[end - 1] == "\\" and not line[:end].endswith("\\\\"):
                    end = line.find(self.quote, end + 1)
                if end < 0:
                    break
                i, self.quote = end + 3, ""
                continue
            char = line[i]
            if char == "#":
                break
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            elif char in "'\"":
                triple = line[i:i + 3]
                if triple in ("'''", '"""'):
                    self.quote, i = triple, i + 3
                    continue
                i += 1
                while i < n and line[i] != char:
                    i += 2 if line[i] == "\\" else 1
            i += 1
        self.continued = not self.quote and line.rstrip().endswith("\\") and not line.lstrip().startswith("#")


def _plain_lines(source: str) -> Lines:
    """A cell without IPython: magics and shell escapes become comments (``pass`` in a block)."""
    lines = source.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if len(first) > 2 else ""
        if name not in _PYTHON_CELL_MAGICS:
            return [(f"# {line}", row, -2) for row, line in enumerate(lines, start=1)]
    out: Lines = []
    state = _LineState()
    for row, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if state.at_statement_start and stripped and _is_magic(stripped):
            indent = line[:len(line) - len(stripped)]
            out.append((f"{indent}pass  # {stripped}", row, 0) if indent else (f"# {line}", row, -2))
            continue
        out.append((line, row, 0))
        state.feed(line)
    return out


# ----------------------------------------------------------------------------- cells to a script
def _problem(code: str, top_level_await: bool = True) -> Optional[tuple[str, int, int]]:
    """Python's syntax error in ``code`` (a cell: top-level ``await`` allowed, as IPython does), or None."""
    flags = ast.PyCF_ONLY_AST | (ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if top_level_await else 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<cell>", "exec", flags, dont_inherit=True)
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        return message, max(1, error.lineno or 1), max(1, error.offset or 1)
    except (ValueError, MemoryError, RecursionError) as error:
        return (str(error) or "invalid source"), 1, 1
    return None


_LINE = re.compile(r"\bline (\d+)\b")
_IDENTIFIER = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
_BINDERS = (
    re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)"),
    re.compile(r"^\s*(?:async\s+)?for\s+(.+?)\s+in\b"),
    re.compile(r"\bas\s+([A-Za-z_]\w*)"),
    re.compile(r"([A-Za-z_]\w*)\s*:="),
    re.compile(r"^\s*([^=#'\"()]+?)\s*(?:[-+*/%&|^@]|//|\*\*|>>|<<)?=(?!=)"),  # assignment targets
    re.compile(r"^\s*([A-Za-z_]\w*)\s*[.\[]"),  # a receiver: `model.add(...)`, `x[0] = 1` may change it
)
_IMPORT = re.compile(r"^\s*(?:from\s+\S+\s+)?import\s+\(?([^#]*)")


def _imported(lines: list[str]) -> set[str]:
    """Names bound by import statements on ``lines``."""
    names = set()
    for line in lines:
        found = _IMPORT.match(line)
        if found:
            for part in found.group(1).replace(")", "").split(","):
                words = part.split()
                if words and words[0] != "*":
                    names.add(words[-1] if len(words) == 3 and words[1] == "as" else words[0].split(".")[0])
    return names


def _bound_names(lines: list[str], modules: set[str]) -> list[str]:
    """Every name a cell may bind or change (an over-estimate: more unknown is never a finding)."""
    names: dict[str, None] = dict.fromkeys(sorted(_imported(lines)))
    for line in lines:
        for pattern in _BINDERS:
            for found in pattern.finditer(line):
                for name in _IDENTIFIER.findall(found.group(1)):
                    if pattern is _BINDERS[-1] and name in modules:
                        continue
                    names.setdefault(name, None)
    return [name for name in names if name.isidentifier() and not keyword.iskeyword(name)
            and name not in ("True", "False", "None", "self")]


def _havoc(lines: list[str], modules: set[str]) -> str:
    """One statement that makes every name ``lines`` may bind unknown."""
    names = _bound_names(lines, modules)
    return " = ".join([*names, UNKNOWN_CALL]) if names else "pass"


def _cell_lines(source: str) -> Lines:
    manager = _manager()
    if manager is None:
        return _plain_lines(source)
    lines = _ipython_lines(source, manager)
    padded = _pad(lines)
    return padded if _problem("\n".join(text for text, _, _ in padded)) is None else lines


def read_notebook(text: str) -> NotebookScript:
    """A notebook's JSON text as one script of its code cells, with the origin of each row."""
    cells = [(number, source, _cell_lines(source)) for number, source in code_cells(text)]
    modules = _imported([line for _, _, lines in cells for line, _, _ in lines])
    broken: dict[int, Optional[tuple[str, int, int]]] = {}
    for number, _, lines in cells:
        problem = _problem("\n".join(line for line, _, _ in lines))
        if problem is not None:
            message, row, column = problem
            index = min(row, len(lines)) - 1
            origin = lines[index] if lines else ("", 1, 0)

            def cell_row(found: re.Match[str]) -> str:  # "(detected at line 3)": a row of the cell
                line = min(max(int(found.group(1)), 1), len(lines)) - 1
                return f"line {lines[line][1] if lines else 1}"
            broken[number] = (_LINE.sub(cell_row, message), origin[1], column + origin[2])
    while True:
        built = _build(cells, broken, modules)
        # Each cell is valid alone; joined, a top-level `await` or a late `from __future__`
        # is not: such a cell becomes unknown (without a finding, IPython runs it).
        problem = _problem(built.script, top_level_await=False)
        located = built.locate(problem[1], 1) if problem is not None else None
        if located is None or located[0] in broken:
            return built
        broken[located[0]] = None


def _build(cells: list[tuple[int, str, Lines]], broken: dict[int, Optional[tuple[str, int, int]]],
           modules: set[str]) -> NotebookScript:
    out: list[str] = []
    origins: list[Optional[RowOrigin]] = []
    invalid = []
    for number, source, lines in cells:
        out.append(f"# %% [cell {number}]")
        origins.append(None)
        if number in broken:
            original = source.splitlines()
            first = len(out) + 1
            for row, line in enumerate(original, start=1):
                out.append(f"# {line}")
                origins.append((number, row, -2))
            out.append(_havoc([line for line, _, _ in lines], modules))
            origins.append((number, max(1, len(original)), 0))
            problem = broken[number]
            if problem is not None:
                message, row, column = problem
                message = _LINE.sub(lambda found: f"line {first + int(found.group(1)) - 1}", message)  # script rows
                invalid.append(InvalidCell(number, first + row - 1, column + 2, message))
            continue
        for line, row, shift in lines:
            out.append(line)
            origins.append((number, row, shift))
    return NotebookScript("".join(line + "\n" for line in out), tuple(origins), tuple(invalid))


_MARKER = re.compile(r"# %% \[cell (\d+)\]$")


def cell_location(script: str, row: int) -> tuple[int, int] | None:
    """The cell number and the row inside that cell of ``row`` (1-based) of a notebook's script,
    counted from the cell's marker line (exact when the cell's rows were kept one to one);
    None on a marker line.  :meth:`NotebookScript.locate` is exact in every case."""
    lines = script.splitlines()
    for index in range(min(row, len(lines)) - 1, -1, -1):
        found = _MARKER.match(lines[index])
        if found:
            return (int(found.group(1)), row - index - 1) if index != row - 1 else None
    return None
