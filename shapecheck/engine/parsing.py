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
"""

from __future__ import annotations

import ast
import itertools
import re
import threading
import warnings
from dataclasses import dataclass
from typing import Optional, Union

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


def parse(source: str) -> ParseResult:
    """The libcst module of ``source``, or why there is none; never raises, never crashes."""
    refusal = _cpython_refusal(source)
    if refusal is not None and (_final(refusal) or not _safe_for_libcst(source)):
        return refusal
    try:
        return _parse_unvalidated(source)
    except cst.ParserSyntaxError as error:
        if refusal is None:
            return Unparsable(f"libcst cannot parse it: {error.message}")
        return refusal  # CPython's message and position are the ones Python users know
    except (RecursionError, MemoryError, ValueError) as error:
        if refusal is not None:
            return refusal
        return Unparsable(f"libcst cannot parse it: {type(error).__name__}")


def _cpython_refusal(source: str) -> Optional[SyntaxProblem]:
    """CPython's syntax error for ``source``, or None when it parses."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `"\d"` and the like: Python's warnings are not findings
            ast.parse(source)
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


def _parse_unvalidated(source: str) -> cst.Module:
    """``cst.parse_module`` without re-validating each node the parser builds (~15% of parsing).

    The parser only builds valid trees; the check every node's constructor
    runs (``CSTNode.__post_init__``) is switched off for the parse alone, and
    one parse at a time (the language server parses in a worker thread).
    Nodes a fix builds afterwards are validated as usual.
    """
    with _parse_lock:
        original = CSTNode.__post_init__
        CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
        try:
            return cst.parse_module(source)
        finally:
            CSTNode.__post_init__ = original  # type: ignore[method-assign]


def _no_validation(self: CSTNode) -> None:
    return None
