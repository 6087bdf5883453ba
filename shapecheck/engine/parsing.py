"""Parsing a script without letting pathological input crash or stall the process.

libcst's native parser recurses on the machine stack: a few thousand nested
brackets or unary operators crash the whole process (a segfault no
``except`` can catch), and long before that its time grows faster than the
input.  CPython's own parser has explicit limits (200 nested brackets, 100
indentation levels, a bound on its stack) and reports them as errors, so it
runs first, as a guard and as the authority on what Python refuses to run:

* CPython accepts the file: libcst parses it (a valid file libcst cannot
  parse is left unanalysed, never reported as invalid);
* CPython refuses it for nesting or complexity, or for a literal no Python
  accepts (a bad escape, too many digits): the refusal is the syntax error,
  and libcst never sees the file;
* CPython refuses it otherwise: libcst parses it when a cheap scan finds no
  deep nesting and no huge line, so syntax newer than the running Python is
  still analysed; when libcst refuses it too, or the scan finds it unsafe,
  CPython's error (its message and position) is the finding.

A file CPython accepts is parsed by libcst in chunks of whole top-level
statements (cut where CPython's tree says one statement ends), and the
chunks are joined into one module.  libcst's native parser holds memory
and time that grow faster than its input (a 4,000-line file: 340 MB and
1.8 s whole, 46 MB and 1.1 s in chunks), so this bounds both.  A chunk
that would not join exactly (another indentation or newline style) makes
the whole file be parsed at once.
"""

from __future__ import annotations

import ast
import gc
import itertools
import re
import threading
import warnings
from dataclasses import dataclass
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence, Union

import libcst as cst
from libcst._nodes.base import CSTNode

# CPython refuses more nested brackets than this (its tokenizer's MAXLEVEL).
MAX_BRACKET_DEPTH = 200
# Longer lines are only handed to libcst when CPython accepts the file.
MAX_LINE_LENGTH = 20_000

# Refusals that are final: size or depth (libcst could crash or stall on the file), and
# literals no Python version accepts (a bad escape, too many digits).
_FINAL_REFUSALS = ("too many nested parentheses", "too many levels of indentation",
                   "too many statically nested blocks", "too complex", "too deeply nested",
                   "Exceeds the limit", "(unicode error)", "(value error)")
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a file does not parse, at 1-based ``line`` and ``column``."""

    message: str
    line: int
    column: int


@dataclass(frozen=True)
class Unparsable:
    """A file Python accepts but libcst cannot parse: it is not analysed."""

    reason: str


ParseResult = Union[cst.Module, SyntaxProblem, Unparsable]

# Top-level statements are grouped into chunks of about this many lines.
CHUNK_LINES = 40

# Where top-level statements start: (index in ``module.body``, the 1-based row its
# first line, comments and blank lines included, is on), from CPython's line numbers.
StatementRows = tuple[tuple[int, int], ...]


def parse(source: str) -> ParseResult:
    """The libcst module of ``source``, or why there is none; never raises, never crashes."""
    return parse_indexed(source)[0]


def parse_indexed(source: str, freeze: bool = False) -> tuple[ParseResult, StatementRows]:
    """``parse``, and the row each top-level statement starts on (none when CPython refuses the file).

    ``freeze``: the tree will live until the caller is done, and the caller
    calls ``gc.unfreeze()`` then: it is moved out of the cyclic collector's
    view as soon as it is built (``gc.freeze()``), so that no collection
    walks it again and again.  libcst trees hold no reference cycles, so
    they are still freed as soon as nothing refers to them.
    """
    cuts: list[int] = []
    lines: list[int] = []
    refusal = _cpython_refusal(source, cuts, lines)
    if refusal is not None and (_final(refusal) or not _safe_for_libcst(source)):
        return refusal, ()
    try:
        module = _parse_chunks(source, cuts, freeze) if refusal is None and len(cuts) > 1 else None
        if module is None:
            module = _parse_unvalidated(source, freeze)
        return module, _statement_rows(module, lines) if refusal is None else ()
    except cst.ParserSyntaxError as error:
        if refusal is None:
            return Unparsable(f"libcst cannot parse it: {error.message}"), ()
        return refusal, ()  # CPython's message and position are the ones Python users know
    except (RecursionError, MemoryError, ValueError) as error:
        if refusal is not None:
            return refusal, ()
        return Unparsable(f"libcst cannot parse it: {type(error).__name__}"), ()


def _cpython_refusal(source: str, cuts: list[int], lines: list[int]) -> Optional[SyntaxProblem]:
    """CPython's syntax error for ``source``, or None when it parses.

    When it parses, ``cuts`` gets the 0-based line numbers where chunks of
    top-level statements may start, and ``lines`` the 1-based line each
    top-level statement's code starts on, decorators included (only the
    numbers outlive CPython's tree).
    """
    try:
        with warnings.catch_warnings(), _collector_paused():
            warnings.simplefilter("ignore")  # `"\d"` and the like: Python's warnings are not findings
            body = ast.parse(source).body
            cuts.extend(_chunk_starts(body))
            lines.extend(min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
                         for stmt in body)
            del body
    except SyntaxError as error:
        message = error.msg or "invalid syntax"
        line = error.lineno or 1
        column = error.offset or 1
        return SyntaxProblem(message, max(1, line), max(1, column))
    except (MemoryError, RecursionError):
        return SyntaxProblem("too deeply nested for Python to parse (too complex)", 1, 1)
    except ValueError as error:  # null bytes, on Pythons before 3.12
        return SyntaxProblem(str(error) or "invalid source", 1, 1)
    return None


def _chunk_starts(body: Sequence[ast.stmt]) -> Iterator[int]:
    """0-based lines that begin chunks: each just after a statement's last line, ~CHUNK_LINES apart."""
    if not body:
        return
    yield 0
    start = 0
    for before, after in zip(body, body[1:]):
        end = before.end_lineno or before.lineno  # 1-based last line of `before` = 0-based next line
        if end - start >= CHUNK_LINES and after.lineno > end:
            yield end
            start = end


@contextmanager
def _collector_paused(freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a parser builds a tree: the tree is all live objects,
    and collections that walk it again and again make parsing grow faster than the file.

    With ``freeze``, what is alive at the end is frozen before collections
    resume: otherwise the first one would walk the whole new tree at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def _final(problem: SyntaxProblem) -> bool:
    return any(text in problem.message for text in _FINAL_REFUSALS)


def _safe_for_libcst(source: str) -> bool:
    """A cheap over-estimate of the nesting: brackets in strings count too."""
    if "\0" in source:
        return False
    if max(map(len, source.splitlines()), default=0) > MAX_LINE_LENGTH:
        return False
    brackets = _NOT_BRACKET.sub("", source)
    steps = (1 if c in "([{" else -1 for c in brackets)
    return max(itertools.accumulate(steps, initial=0)) <= MAX_BRACKET_DEPTH


_parse_lock = threading.Lock()


def _parse_unvalidated(source: str, freeze: bool = False) -> cst.Module:
    """``cst.parse_module`` without re-validating each node the parser builds (~15% of parsing).

    The parser only builds valid trees; the check every node's constructor
    runs (``CSTNode.__post_init__``) is switched off for the parse alone, and
    one parse at a time (the language server parses in a worker thread).
    Nodes a fix builds afterwards are validated as usual.
    """
    with _unvalidated(freeze):
        return cst.parse_module(source)


@contextmanager
def _unvalidated(freeze: bool = False) -> Iterator[None]:
    with _parse_lock, _collector_paused(freeze):
        original = CSTNode.__post_init__
        CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
        try:
            yield
        finally:
            CSTNode.__post_init__ = original  # type: ignore[method-assign]


_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def _parse_chunks(source: str, cuts: list[int], freeze: bool) -> Optional[cst.Module]:
    """``source`` parsed chunk by chunk (cut before each line in ``cuts``) and joined into one module.

    None when the chunks would not join into exactly the module a whole
    parse gives: a lone ``\\r`` newline (CPython counts it as a line end), or
    chunks that detect another indentation or newline style.
    """
    if "\r" in source.replace("\r\n", ""):
        return None
    lines = _LINE.findall(source)
    bounds = [*cuts, len(lines)]
    try:
        with _unvalidated(freeze):  # joined under the same pause: a collection would walk the new nodes
            return _join([cst.parse_module("".join(lines[start:end])) for start, end in zip(bounds, bounds[1:])])
    except cst.ParserSyntaxError:
        return None  # the whole file is parsed, and its error (if any) reported, as without chunks


def _join(modules: list[cst.Module]) -> Optional[cst.Module]:
    """One module of the chunks' statements; None if they differ in style."""
    first, last = modules[0], modules[-1]
    indent = next((chunk.default_indent for chunk in modules if _indents(chunk)), first.default_indent)
    body: list[cst.BaseStatement] = []
    for chunk in modules:
        if chunk is not last and chunk.footer:
            return None
        if chunk.default_newline != first.default_newline:
            return None
        if chunk.default_indent != indent and _indents(chunk):
            return None
        statements = list(chunk.body)
        if not statements:
            return None
        if chunk is not first:
            # Blank and comment lines at a chunk's top are its header: they belong before its first statement.
            head = statements[0]
            statements[0] = head.with_changes(leading_lines=[*chunk.header, *head.leading_lines])
        body.extend(statements)
    return first.with_changes(body=body, footer=last.footer, default_indent=indent,
                              has_trailing_newline=last.has_trailing_newline)


def _statement_rows(module: cst.Module, lines: list[int]) -> StatementRows:
    """The row each top-level statement of ``module`` starts on (its leading blank and comment
    lines included), from the lines CPython gave its code; none when the two do not pair up."""
    rows: list[tuple[int, int]] = []
    taken = 0
    for index, stmt in enumerate(module.body):
        if taken >= len(lines):
            return ()
        rows.append((index, lines[taken] - len(stmt.leading_lines)))
        # `a = 1; b = 2` is one libcst line of two statements; CPython has two.
        taken += len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
    return tuple(rows) if taken == len(lines) else ()


def _indents(module: cst.Module) -> bool:
    """Whether ``module`` may have an indented block (its default indentation then matters)."""
    return any(not isinstance(stmt, cst.SimpleStatementLine) for stmt in module.body)


def _no_validation(self: CSTNode) -> None:
    return None
