"""A layer's resolved config, as the shape rules read it.

Values are plain Python literals (int, float, str, bool, None, tuples) or
:data:`~shapecheck.shapes.dims.UNKNOWN` where the analysis could not resolve
them.  The accessors normalise the forms Keras accepts (an int or a tuple for
``kernel_size``, mixed-case padding strings) and return UNKNOWN for anything
else, so a shape rule never guesses.
"""

from __future__ import annotations

import builtins
from typing import Any, Mapping

from shapecheck.shapes.dims import UNKNOWN


class Config:
    """Keyword view of a layer's arguments, with Keras's defaults filled in."""

    def __init__(self, layer: str, values: Mapping[str, Any]) -> None:
        self.layer = layer
        self.values = dict(values)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = UNKNOWN) -> Any:
        """The raw value of ``name``, or ``default`` when it was not given."""
        return self.values.get(name, default)

    def int(self, name: str, default: Any = UNKNOWN) -> Any:
        """An int argument, or UNKNOWN."""
        value = self.values.get(name, default)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return UNKNOWN

    def bool(self, name: str, default: bool = False) -> Any:
        """A bool argument, or UNKNOWN."""
        value = self.values.get(name, default)
        return value if isinstance(value, bool) else UNKNOWN

    def str(self, name: str, default: Any = UNKNOWN) -> Any:
        """A lower-cased string argument (None stays None), or UNKNOWN."""
        value = self.values.get(name, default)
        if value is None:
            return None
        return value.lower() if isinstance(value, str) else UNKNOWN

    def int_tuple(self, name: builtins.str, n: builtins.int, default: Any = UNKNOWN) -> Any:
        """An int-or-tuple argument as an ``n``-tuple of ints, or UNKNOWN.

        Keras accepts ``kernel_size=3`` and ``kernel_size=(3,)`` alike for a
        1-D layer; both become ``(3,)``.
        """
        value = self.values.get(name, default)
        if isinstance(value, int) and not isinstance(value, bool):
            return (value,) * n
        if isinstance(value, (tuple, list)) and len(value) == n and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            return tuple(value)
        return UNKNOWN

    def channels_last(self) -> Any:
        """True for channels_last (Keras's default), False for channels_first, else UNKNOWN."""
        fmt = self.str("data_format", None)
        if fmt is None or fmt == "channels_last":
            return True
        if fmt == "channels_first":
            return False
        return UNKNOWN
