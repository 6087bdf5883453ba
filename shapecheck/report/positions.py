"""Source positions, computed only for the nodes that a finding reports.

libcst's PositionProvider walks the whole tree through a MetadataWrapper,
which first deep-copies the module; for a clean file that work is wasted.
Here positions are computed only when a file has findings, by generating
code from the original tree, and the walk stops as soon as every requested
node has been passed.  Code generation with position tracking costs about
four times plain generation, so top-level statements are generated plainly
(counting their lines) and only those that hold a requested node are
generated again with positions, starting at the line they start on.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._position import CodeRange
from libcst.metadata.position_provider import NEWLINE_RE, PositionProvidingCodegenState


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


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, CodeRange]:
    """Map ``id(node)`` to its source range for each of ``nodes`` in ``module``."""
    targets = {id(n) for n in nodes}
    if not targets:
        return {}
    try:
        found = _locate_by_statement(module, targets)
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
