"""Source positions, computed only for the nodes that a finding reports.

libcst's PositionProvider walks the whole tree through a MetadataWrapper,
which first deep-copies the module; for a clean file that work is wasted.
Here positions are computed only when a file has findings, by generating
code from the original tree, and the walk stops as soon as every requested
node has been passed.  Code generation with position tracking costs about
four times plain generation, so top-level statements are generated plainly
(counting their lines) and only those that hold a requested node are
generated again with positions, starting at the line they start on.

When the parser gives the row each top-level statement starts on (from
CPython's line numbers), nothing is generated to count lines: the
statements that hold the nodes are found by walking the tree's fields,
starting at the statements the findings were made in and moving outwards,
and only the innermost statements that hold them are generated with
positions (:mod:`shapecheck.report.inner_statements`).
"""

from __future__ import annotations

from typing import Iterable, Iterator, Optional, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState

from shapecheck.report.inner_statements import Placed, ids_within, innermost, source_lines


class _Done(Exception):
    """Raised to stop code generation once every target is located."""


class _Recorder:
    """Stands in for the metadata provider: it only holds the computed ranges."""

    def __init__(self) -> None:
        self._computed: dict[cst.CSTNode, CodeRange] = {}


class _TargetedState(PositionProvidingCodegenState):
    """A codegen state that stops once the target nodes have positions."""

    remaining: set[int]

    def after_codegen(self, node: cst.CSTNode) -> None:
        super().after_codegen(node)
        key = id(node)
        if key in self.remaining:
            self.remaining.discard(key)
            if not self.remaining:
                raise _Done


class _Scanner(CodegenState):
    """Plain code generation that notes which requested nodes went by."""

    targets: set[int]
    seen: set[int]

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.targets:
            self.seen.add(id(node))


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode], rows: Sequence[tuple[int, int]] = (),
           near: Iterable[int] = (), source: Optional[str] = None) -> dict[int, CodeRange]:
    """Map ``id(node)`` to its source range for each of ``nodes`` in ``module``.

    ``rows``: the row each top-level statement starts on, as the parser gave
    them (index in ``module.body``, 1-based row); ``near``: indexes of
    top-level statements likely to hold the nodes (searched first);
    ``source``: the module's text, to generate only the innermost statements
    that hold the nodes (:mod:`shapecheck.report.inner_statements`).
    """
    targets = {id(n) for n in nodes}
    if not targets:
        return {}
    try:
        found = _locate_indexed(module, targets, rows, near, source) if rows else _locate_by_statement(module, targets)
    except Exception:  # noqa: BLE001 - the whole-module walk below is always right
        found = None
    if found is not None:
        return found
    return locate_whole(module, targets)


def _locate_by_statement(module: cst.Module, targets: set[int]) -> dict[int, CodeRange] | None:
    """Plain generation statement by statement; positions only for the statements holding targets.

    None when some target is not inside a top-level statement (the header,
    say).  A statement nested too deeply for Python's recursion limit leaves
    its targets (and those after it, when even its plain code cannot be
    generated) without a range: their findings are not reported.
    """
    scanner = _Scanner(default_indent=module.default_indent, default_newline=module.default_newline)
    scanner.targets, scanner.seen = targets, set()
    for line in module.header:
        line._codegen(scanner)
    recorder = _Recorder()
    remaining = set(targets)
    unplaceable = False
    row = 1 + sum(len(NEWLINE_RE.split(token)) - 1 for token in scanner.tokens)
    for stmt in module.body:
        scanner.tokens, scanner.seen = [], set()
        try:
            stmt._codegen(scanner)
        except RecursionError:
            unplaceable = True
            break
        if scanner.seen:
            state = _TargetedState(
                default_indent=module.default_indent,
                default_newline=module.default_newline,
                provider=recorder,  # type: ignore[arg-type]
            )
            state.line, state.column = row, 0
            state.remaining = remaining
            try:
                stmt._codegen(state)
            except RecursionError:
                remaining -= scanner.seen
                unplaceable = True
            except Exception:
                if state.remaining:
                    raise
            if not remaining:
                break
        row += sum(len(NEWLINE_RE.split(token)) - 1 for token in scanner.tokens)
    if remaining and not unplaceable:
        return None
    return {id(n): r for n, r in recorder._computed.items() if id(n) in targets}


def _locate_indexed(module: cst.Module, targets: set[int], rows: Sequence[tuple[int, int]],
                    near: Iterable[int], source: Optional[str]) -> Optional[dict[int, CodeRange]]:
    """Positions found from the statements' rows; None when a target is outside every statement
    (or in one without a row)."""
    body = module.body
    remaining = set(targets)
    holders: dict[int, set[int]] = {}
    for index in _outwards(len(body), near):
        inside = ids_within(body[index], remaining)
        if inside:
            holders[index] = inside
            remaining -= inside
            if not remaining:
                break
    row_of = dict(rows)
    if remaining or not all(index in row_of for index in holders):
        return None
    lines = source_lines(source) if source is not None else None
    recorder = _Recorder()
    for index in sorted(holders):
        row = row_of[index]
        pieces = None
        if lines is not None and not isinstance(body[index], cst.SimpleStatementLine):
            pieces = innermost(body[index], row, lines, row_of.get(index + 1, len(lines) + 1), holders[index])
        if pieces is None or not all(_generate(module, placed, ids, recorder) for placed, ids in pieces):
            _generate(module, Placed(body[index], row, "", 0, 0), holders[index], recorder, check=False)
    return {id(n): r for n, r in recorder._computed.items() if id(n) in targets}


def _generate(module: cst.Module, placed: Placed, ids: set[int], recorder: _Recorder, check: bool = True) -> bool:
    """Generate one statement alone with positions; False when libcst's range of it is not where
    CPython put it (then nothing it recorded is kept)."""
    local = _Recorder()
    state = _TargetedState(default_indent=module.default_indent, default_newline=module.default_newline,
                           provider=local)  # type: ignore[arg-type]
    state.line, state.column = placed.row, 0
    if placed.indent:
        state.indent_tokens = [placed.indent]
    state.remaining = set(ids) | ({id(placed.statement)} if check else set())
    try:
        placed.statement._codegen(state)
    except RecursionError:
        pass  # nested too deeply to generate: what has no range is not reported
    except Exception:
        if state.remaining:
            raise
    computed = local._computed
    if check:
        where = computed.get(placed.statement)
        if where is None or (where.start.line, where.start.column) != (placed.code_row, placed.code_column):
            return False
    recorder._computed.update(computed)
    return True


def _outwards(count: int, near: Iterable[int]) -> Iterator[int]:
    """Indexes ``0..count-1``: those in ``near`` first, then by their distance to the nearest of them."""
    seeds = sorted({i for i in near if 0 <= i < count})
    if not seeds:
        yield from range(count - 1, -1, -1)
        return
    yield from seeds
    seen = set(seeds)
    for distance in range(1, count):
        for seed in seeds:
            for index in (seed - distance, seed + distance):
                if 0 <= index < count and index not in seen:
                    seen.add(index)
                    yield index
        if len(seen) == count:
            return


def locate_whole(module: cst.Module, targets: set[int]) -> dict[int, CodeRange]:
    """The positions of ``targets`` (node ids) from one walk over the whole module."""
    recorder = _Recorder()
    state = _TargetedState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=recorder,  # type: ignore[arg-type]
    )
    state.remaining = set(targets)
    try:
        module._codegen(state)
    except RecursionError:
        pass  # nested too deeply to generate: what has no range is not reported
    except Exception:
        # Stopping early unwinds libcst's position context managers, which may
        # then fail on nodes they never finished; that is harmless once every
        # target has its range.
        if state.remaining:
            raise
    return {id(n): r for n, r in recorder._computed.items() if id(n) in targets}
