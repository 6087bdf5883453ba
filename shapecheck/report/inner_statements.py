"""The innermost statements that hold a finding's nodes, and the line CPython gives each.

Generating code with positions costs about four times plain generation, and a
finding inside a 200-line function would otherwise have the whole function
generated.  CPython's tree of the one top-level statement (parsed again from
its lines, in C) pairs up with libcst's statement by statement, block by
block, so the statement that holds the nodes can be generated alone, starting
on its own line with its own indentation.  Any pairing that does not match
(another kind of statement, a count that does not add up) gives up, and the
caller generates the whole top-level statement as before.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import libcst as cst

from shapecheck.engine.scope import child_nodes

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

# libcst compound statements and the CPython node kinds each may be.
_KINDS: dict[type, tuple[type, ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Try: (ast.Try,),
}
if hasattr(ast, "TryStar"):
    _KINDS[cst.TryStar] = (ast.TryStar,)
if hasattr(ast, "Match"):
    _KINDS[cst.Match] = (ast.Match,)

_Block = tuple[Sequence[cst.BaseStatement], Sequence[ast.stmt]]


@dataclass(frozen=True)
class Placed:
    """A statement to generate alone: it starts on ``row`` (leading lines included), indented by
    ``indent``; libcst's range of it must start at ``code_row``, ``code_column`` (0-based), where
    CPython says it does (after its decorators), or the pairing was wrong."""

    statement: cst.BaseStatement
    row: int
    indent: str
    code_row: int
    code_column: int


def source_lines(source: str) -> list[str]:
    """``source`` cut into lines as CPython counts them (``\\r\\n``, ``\\r`` or ``\\n``)."""
    return _LINE.findall(source)


def innermost(statement: cst.BaseStatement, row: int, lines: list[str], end_row: int,
              targets: set[int]) -> Optional[list[tuple[Placed, set[int]]]]:
    """The innermost statements of the top-level ``statement`` (which starts on ``row`` and ends
    before ``end_row``) that hold ``targets`` (node ids), each with the targets it holds; None
    when CPython's tree of it does not pair up with libcst's."""
    text = "".join(lines[row - 1:end_row - 1])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    if len(tree.body) != 1:
        return None
    found: list[tuple[Placed, set[int]]] = []
    if not _descend(statement, tree.body[0], row - 1, lines, targets, found):
        return None
    return found


def _descend(statement: cst.BaseStatement, node: ast.stmt, offset: int, lines: list[str],
             targets: set[int], found: list[tuple[Placed, set[int]]]) -> bool:
    """Place ``targets`` (all inside ``statement``) in the innermost statements that hold them."""
    blocks = _blocks(statement, node)
    if blocks is None:
        return False
    here = set(targets)
    for statements, nodes in blocks:
        taken = 0
        for inner in statements:
            if taken >= len(nodes):
                return False
            inner_node = nodes[taken]
            taken += len(inner.body) if isinstance(inner, cst.SimpleStatementLine) else 1
            if not here:
                continue
            inside = ids_within(inner, here)
            if not inside:
                continue
            here -= inside
            if isinstance(inner, cst.SimpleStatementLine):
                placed = _placed(inner, inner_node, offset, lines)
                if placed is None:
                    return False
                found.append((placed, inside))
            elif not _descend(inner, inner_node, offset, lines, inside, found):
                return False
        if taken != len(nodes):
            return False
    if here:  # in the statement's own header (its test, its decorators...): generate it whole
        placed = _placed(statement, node, offset, lines)
        if placed is None:
            return False
        found.append((placed, here))
    return True


def _placed(statement: cst.BaseStatement, node: ast.stmt, offset: int, lines: list[str]) -> Optional[Placed]:
    decorators = getattr(node, "decorator_list", ())
    first = min([node, *decorators], key=lambda n: (n.lineno, n.col_offset))
    first_row, code_row = first.lineno + offset, node.lineno + offset
    if max(first_row, code_row) > len(lines):
        return None
    indent = _before(lines[first_row - 1], first.col_offset)
    if indent.strip():
        return None  # not only whitespace before it: `a; b` on one line, or a one-line suite
    leading = len(getattr(statement, "leading_lines", ()))
    return Placed(statement, first_row - leading, indent, code_row,
                  len(_before(lines[code_row - 1], node.col_offset)))


def _before(line: str, byte_column: int) -> str:
    """The text of ``line`` before CPython's ``byte_column`` (an offset in UTF-8 bytes)."""
    return line.encode("utf-8")[:byte_column].decode("utf-8", errors="replace")


def _blocks(statement: cst.BaseStatement, node: ast.stmt) -> Optional[list[_Block]]:
    """The indented blocks of a compound statement, each with CPython's statements of it."""
    kinds = _KINDS.get(type(statement))
    if kinds is None or not isinstance(node, kinds):
        return None
    blocks: list[_Block] = []
    if isinstance(statement, cst.If):
        _if_blocks(statement, node, blocks)  # type: ignore[arg-type]
        return blocks
    if isinstance(statement, cst.Match):
        for case, case_node in zip(statement.cases, node.cases):  # type: ignore[attr-defined]
            _add(blocks, case.body, case_node.body)
        return blocks if len(statement.cases) == len(node.cases) else None  # type: ignore[attr-defined]
    _add(blocks, statement.body, node.body)  # type: ignore[attr-defined]
    if isinstance(statement, (cst.Try, cst.TryStar)):
        handlers = node.handlers  # type: ignore[attr-defined]
        if len(statement.handlers) != len(handlers):
            return None
        for handler, handler_node in zip(statement.handlers, handlers):
            _add(blocks, handler.body, handler_node.body)  # type: ignore[attr-defined]
        if statement.orelse is not None:
            _add(blocks, statement.orelse.body, node.orelse)  # type: ignore[attr-defined]
        if statement.finalbody is not None:
            _add(blocks, statement.finalbody.body, node.finalbody)  # type: ignore[attr-defined]
    elif isinstance(statement, (cst.For, cst.While)) and statement.orelse is not None:
        _add(blocks, statement.orelse.body, node.orelse)  # type: ignore[attr-defined]
    return blocks


def _if_blocks(statement: cst.If, node: ast.If, blocks: list[_Block]) -> None:
    """An ``if``'s blocks, its ``elif`` chain's included (an ``elif`` is never generated alone)."""
    _add(blocks, statement.body, node.body)
    orelse: Union[cst.If, cst.Else, None] = statement.orelse
    if isinstance(orelse, cst.If) and len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        _if_blocks(orelse, node.orelse[0], blocks)
    elif isinstance(orelse, cst.Else):
        _add(blocks, orelse.body, node.orelse)


def _add(blocks: list[_Block], suite: cst.BaseSuite, nodes: Sequence[ast.stmt]) -> None:
    if isinstance(suite, cst.IndentedBlock):
        blocks.append((suite.body, nodes))
    # A one-line suite (`if x: y`) is on its statement's line: never descended into.


def ids_within(root: cst.CSTNode, wanted: set[int]) -> set[int]:
    """Which of ``wanted`` (node ids) are ``root`` or inside it, by a walk over the nodes' fields.

    Whitespace and punctuation are not walked: findings are never made on them.
    """
    found: set[int] = set()
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        if id(node) in wanted:
            found.add(id(node))
        stack.extend(child_nodes(node))
    return found
