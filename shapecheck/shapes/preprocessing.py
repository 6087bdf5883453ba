"""Shape rules of the non-image preprocessing layers.

Rescaling and Normalization keep the shape (Normalization wants its kept
``axis`` in range and of a defined size).  The encoders follow their Keras 3
``compute_output_shape``: CategoryEncoding, Hashing, Discretization,
HashedCrossing and the lookups either keep the shape (``output_mode="int"``)
or put a depth axis last.  A depth that comes from a vocabulary or from
``adapt()`` is UNKNOWN (only ``pad_to_max_tokens`` fixes it), and so is
TextVectorization's sequence length without ``output_sequence_length``: Keras
says None there, but the data decides it.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_defined, same_shape, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, MergeMismatch
from shapecheck.shapes.registry import transfer


@transfer("Rescaling", family="preprocessing")
def rescaling(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Rescaling keeps the shape."""
    return same_shape(inputs)


@transfer("Normalization", family="preprocessing")
def normalization(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Normalization keeps the shape; each kept ``axis`` must exist and have a defined size."""
    shape = single(inputs)
    axis = config.get("axis", -1)
    if axis is None:
        axes: tuple[Any, ...] = ()
    elif is_known(axis):
        axes = (axis,)
    elif isinstance(axis, (tuple, list)) and all(is_known(a) for a in axis):
        axes = tuple(axis)
    else:
        return shape
    if shape.dims is None:
        return shape
    rank = len(shape.dims)
    for a in axes:
        if not -rank <= a < rank:
            raise BadConfig(f"axis {a} is out of range for an input of rank {rank}: {shape}")
    for a in axes:
        require_defined(shape, a, "a kept axis")
    return shape


def _mode(config: Config, default: str) -> Any:
    mode = config.get("output_mode", default)
    return mode if isinstance(mode, str) else UNKNOWN


def _encode(dims: tuple[Dim, ...], mode: str, depth: Dim) -> Shape:
    """The lookups' rule: one_hot adds a depth axis (replacing a last axis of 1), the
    other modes replace the last axis by it."""
    if mode == "one_hot":
        if len(dims) > 1 and dims[-1] == 1:
            return Shape(dims[:-1] + (depth,))
        if len(dims) > 1 and dims[-1] is UNKNOWN:
            return Shape.unknown()
        return Shape(dims + (depth,))
    return Shape(dims[:-1] + (depth,))


@transfer("CategoryEncoding", family="preprocessing")
def category_encoding(config: Config, inputs: Sequence[Shape]) -> Shape:
    """CategoryEncoding: a ``num_tokens`` axis replaces (or, one_hot, follows) the last one."""
    shape = single(inputs)
    mode = _mode(config, "multi_hot")
    mode = "multi_hot" if mode == "binary" else mode
    if isinstance(mode, str) and mode not in ("count", "one_hot", "multi_hot"):
        raise BadConfig(f"output_mode must be 'one_hot', 'multi_hot' or 'count', got {mode!r}")
    tokens = config.get("num_tokens")
    if tokens is None:
        raise BadConfig("num_tokens must be set")
    tokens = tokens if is_known(tokens) else UNKNOWN
    if is_known(tokens) and tokens < 1:
        raise BadConfig(f"num_tokens must be at least 1, got num_tokens={tokens}")
    if shape.dims is None or mode is UNKNOWN:
        return Shape.unknown()
    dims = shape.dims
    if not dims:
        return Shape((tokens,))
    if mode == "one_hot" and (dims[-1] != 1 or len(dims) == 1):
        return Shape.unknown() if dims[-1] is UNKNOWN else Shape(dims + (tokens,))
    return Shape(dims[:-1] + (tokens,))


@transfer("Hashing", family="preprocessing")
def hashing(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Hashing keeps the shape (int) or replaces the last axis by ``num_bins``."""
    shape = single(inputs)
    mode = _mode(config, "int")
    bins = config.get("num_bins")
    if bins is None or (is_known(bins) and bins <= 0):
        raise BadConfig(f"num_bins must be a positive integer, got num_bins={bins}")
    if isinstance(mode, str) and mode not in ("int", "one_hot", "multi_hot", "count"):
        raise BadConfig(f"output_mode must be 'int', 'one_hot', 'multi_hot' or 'count', got {mode!r}")
    if shape.dims is None or mode is UNKNOWN:
        return Shape.unknown()
    if mode == "int":
        return shape
    bins = bins if is_known(bins) else UNKNOWN
    return Shape(shape.dims[:-1] + (bins,)) if shape.dims else Shape((bins,))


@transfer("Discretization", family="preprocessing")
def discretization(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Discretization keeps the shape (int) or encodes into ``len(bin_boundaries) + 1`` bins."""
    shape = single(inputs)
    mode = _mode(config, "int")
    bounds, bins = config.get("bin_boundaries", None), config.get("num_bins", None)
    if is_known(bins) and bins < 0:
        raise BadConfig(f"num_bins must be non-negative, got num_bins={bins}")
    if bins is not None and bins is not UNKNOWN and bounds is not None and bounds is not UNKNOWN:
        raise BadConfig("takes either num_bins or bin_boundaries, not both")
    if bins is None and bounds is None:
        raise BadConfig("needs num_bins or bin_boundaries")
    if shape.dims is None or mode is UNKNOWN:
        return Shape.unknown()
    if mode == "int":
        return shape
    if isinstance(bounds, (tuple, list)):
        depth: Dim = len(bounds) + 1
    elif bounds is None:
        depth = config.int("num_bins")
    else:
        depth = UNKNOWN
    dims = shape.dims
    if mode == "one_hot":
        return _encode(dims, "one_hot", depth)
    if len(dims) >= 2:
        return Shape((dims[0],) + dims[2:] + (depth,))
    return Shape((depth,))


@transfer("HashedCrossing", family="preprocessing", multi_input=True)
def hashed_crossing(config: Config, inputs: Sequence[Shape]) -> Shape:
    """HashedCrossing crosses two inputs with the same last axis."""
    if len(inputs) != 2:
        raise MergeMismatch(f"`HashedCrossing` takes exactly 2 inputs, but received {len(inputs)}")
    first, second = inputs
    if first.dims is None or second.dims is None or not first.dims or not second.dims:
        return Shape.unknown()
    a, b = first.dims[-1], second.dims[-1]
    if a is not UNKNOWN and b is not UNKNOWN and a != b:
        raise MergeMismatch(f"the two inputs must have the same shape, but received {first} and {second}")
    mode = _mode(config, "int")
    if mode is UNKNOWN:
        return Shape.unknown()
    bins = config.int("num_bins")
    if mode == "int":
        return first
    if mode == "one_hot" and first.dims[-1] != 1:
        return Shape.unknown() if first.dims[-1] is UNKNOWN else Shape(first.dims + (bins,))
    return Shape(first.dims[:-1] + (bins,))


def _lookup_depth(config: Config) -> Dim:
    """A lookup's output depth: ``max_tokens`` when padded to it, else unknown (vocabulary)."""
    if config.get("pad_to_max_tokens", False) is True and is_known(config.get("max_tokens", None)):
        return config.get("max_tokens")  # type: ignore[no-any-return]
    return UNKNOWN


@transfer("StringLookup", "IntegerLookup", family="preprocessing")
def lookup(config: Config, inputs: Sequence[Shape]) -> Shape:
    """String/IntegerLookup keep the shape (int) or encode into the vocabulary size."""
    shape = single(inputs)
    mode = _mode(config, "int")
    if shape.dims is None or mode is UNKNOWN:
        return Shape.unknown()
    if mode == "int":
        return shape
    if not shape.dims:
        return Shape.unknown()
    return _encode(shape.dims, mode, _lookup_depth(config))


@transfer("TextVectorization", family="preprocessing")
def text_vectorization(config: Config, inputs: Sequence[Shape]) -> Shape:
    """TextVectorization: (batch, sequence length) token ids, or an encoding of the vocabulary."""
    shape = single(inputs)
    mode = _mode(config, "int")
    if shape.dims is None or mode is UNKNOWN or not shape.dims:
        return Shape.unknown()
    if mode == "int":
        length = config.get("output_sequence_length", None)
        return Shape((shape.dims[0], length if is_known(length) else UNKNOWN))
    split = config.get("split", "whitespace")
    dims = shape.dims
    if split is None:
        if len(dims) <= 1:
            dims = dims + (1,)
    elif split is UNKNOWN:
        return Shape.unknown()
    else:
        dims = dims + (None,)
    return _encode(dims, mode, _lookup_depth(config))


@transfer("MelSpectrogram", family="preprocessing")
def mel_spectrogram(config: Config, inputs: Sequence[Shape]) -> Shape:
    """MelSpectrogram: (batch, samples) becomes (batch, num_mel_bins, frames)."""
    shape = single(inputs)
    if shape.dims is None or not shape.dims:
        return Shape.unknown()
    bins = config.int("num_mel_bins", 128)
    stride = config.int("sequence_stride", 512)
    samples = shape.dims[0] if len(shape.dims) == 1 else shape.dims[1]
    if samples is None:
        frames: Dim = None
    elif is_known(samples) and is_known(stride) and stride > 0:
        frames = (samples + stride + 1) // stride  # type: ignore[operator]
    else:
        frames = UNKNOWN
    if len(shape.dims) == 1:
        return Shape((bins, frames))
    return Shape((shape.dims[0], bins, frames))


@transfer("STFTSpectrogram", family="preprocessing")
def stft_spectrogram(config: Config, inputs: Sequence[Shape]) -> Shape:
    """STFTSpectrogram: a (batch, samples, channels) signal becomes frames by frequencies;
    only the batch axis and the rank are told."""
    shape = single(inputs)
    if shape.dims is None or len(shape.dims) != 3:
        return Shape.unknown()
    expand = config.get("expand_dims", False)
    if expand is True:
        return Shape((shape.dims[0], UNKNOWN, UNKNOWN, UNKNOWN))
    if expand is False:
        return Shape((shape.dims[0], UNKNOWN, UNKNOWN))
    return Shape.unknown()
