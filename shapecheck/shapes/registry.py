"""The catalog's registry: entries by public layer name, and the decorator that adds them.

The entry modules (``core``, ``recurrent``, ``conv``, ``merge``, ...) register
their shape rules here; :mod:`shapecheck.shapes.catalog` imports them all and
is what the rest of the package reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence, Union

from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import Shape

Output = Union[Shape, tuple[Shape, ...]]
"""One output shape, or a tuple of them for a layer that returns several tensors."""

InferFn = Callable[[Config, Sequence[Shape]], Output]


class InnerLayer(Protocol):
    """What a wrapper's shape rule needs to know of the layer it wraps."""

    kind: str
    config: Config


@dataclass(frozen=True)
class LayerSpec:
    """A catalog entry."""

    name: str
    infer: InferFn
    family: str
    multi_input: bool = False


REGISTRY: dict[str, LayerSpec] = {}


def transfer(*names: str, family: str, multi_input: bool = False) -> Callable[[InferFn], InferFn]:
    """Register the decorated function as the shape rule of ``names``."""

    def register(fn: InferFn) -> InferFn:
        for name in names:
            REGISTRY[name] = LayerSpec(name, fn, family, multi_input)
        return fn

    return register


def spec_for(name: str) -> LayerSpec | None:
    """The catalog entry for a public layer name, if the catalog has one.

    Entries are registered when :mod:`shapecheck.shapes.catalog` is imported.
    """
    return REGISTRY.get(name)


def infer(name: str, config: Config, inputs: Sequence[Shape]) -> Output:
    """Output shape(s) of layer ``name`` on ``inputs``; unknown if not catalogued."""
    spec = spec_for(name)
    if spec is None:
        return Shape.unknown()
    return spec.infer(config, inputs)
