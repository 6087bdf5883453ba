"""The layer catalog: one shape rule per public Keras layer name.

Each entry maps a layer's resolved :class:`Config` and its input shapes to its
output shape(s), or raises a :class:`~shapecheck.shapes.errors.ShapeContradiction`
when Keras would reject them.  The entries live in the modules named for the
family they belong to (``core``, ``recurrent``, ``conv``, ``merge``); this
module holds the registry and the lookup.  A layer that is not in the catalog
has an unknown output, never a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence, Union

from .config import Config
from .dims import Shape

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
    """The catalog entry for a public layer name, if the catalog has one."""
    _load()
    return REGISTRY.get(name)


def infer(name: str, config: Config, inputs: Sequence[Shape]) -> Output:
    """Output shape(s) of layer ``name`` on ``inputs``; unknown if not catalogued."""
    spec = spec_for(name)
    if spec is None:
        return Shape.unknown()
    return spec.infer(config, inputs)


_WEIGHTS_ON_LAST_AXIS = frozenset({"Dense", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "EinsumDense"})
_CONVOLUTIONS = frozenset({"Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
                           "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
                           "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})


def weight_axis(name: str, config: Config) -> int | None:
    """The input axis a layer's weights are sized by when it is first built.

    A layer called again (a shared layer) must get the same size on that axis:
    Dense and the RNNs on the last axis, convolutions on the channel axis.
    None when the layer has no such axis or it cannot be told.
    """
    if name in _WEIGHTS_ON_LAST_AXIS:
        return -1
    if name in _CONVOLUTIONS:
        channels_last = config.channels_last()
        if channels_last is True:
            return -1
        if channels_last is False:
            return 1
    return None


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import conv, core, merge, recurrent  # noqa: F401  (registers entries)
