"""The evaluated arguments of one call, as the interpreter hands them to an overlay."""

from __future__ import annotations

import libcst as cst

from shapecheck.engine.values import Value


class Arguments:
    """The evaluated arguments of a call, with their nodes."""

    def __init__(self) -> None:
        self.positional: list[Value] = []
        self.positional_nodes: list[cst.BaseExpression] = []
        self.keywords: dict[str, Value] = {}
        self.keyword_nodes: dict[str, cst.BaseExpression] = {}
        self.keyword_arg_nodes: dict[str, cst.Arg] = {}
        self.complete = True  # False when *args or **kwargs were splatted in

    def values(self) -> list[Value]:
        """Every argument value."""
        return self.positional + list(self.keywords.values())

    def first(self, keyword: str) -> Value | None:
        """The first positional argument, or the keyword that names it (None if neither)."""
        if self.positional:
            return self.positional[0]
        return self.keywords.get(keyword)
