"""Source positions, computed only for the nodes that a finding reports.

libcst's PositionProvider walks the whole tree through a MetadataWrapper,
which first deep-copies the module; for a clean file that work is wasted.
Here positions are computed only when a file has findings, by generating
code from the original tree with position tracking, and the walk stops as
soon as every requested node has been passed.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst
from libcst._position import CodeRange
from libcst.metadata.position_provider import PositionProvidingCodegenState


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


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[int, CodeRange]:
    """Map ``id(node)`` to its source range for each of ``nodes`` in ``module``."""
    targets = {id(n) for n in nodes}
    if not targets:
        return {}
    recorder = _Recorder()
    state = _TargetedState(
        default_indent=module.default_indent,
        default_newline=module.default_newline,
        provider=recorder,  # type: ignore[arg-type]
    )
    state.remaining = set(targets)
    try:
        module._codegen(state)
    except Exception:
        # Stopping early unwinds libcst's position context managers, which may
        # then fail on nodes they never finished; that is harmless once every
        # target has its range.
        if state.remaining:
            raise
    return {id(n): r for n, r in recorder._computed.items() if id(n) in targets}
