"""Shape rules of Dot and the attention layers.

* Dot (called on ``[a, b]``) drops its ``axes`` from both inputs and the
  batch axis of the second: ``a[:i] + a[i+1:] + b[1:j] + b[j+1:]`` (a lone axis
  left gets a 1 after it); its build refuses unequal sizes on the two axes
  (None against a size included).
* Attention / AdditiveAttention (called on ``[query, value]`` or ``[query,
  value, key]``) give ``query[:-1] + value[-1:]``; AdditiveAttention's scale
  weight is sized by the query's last axis.
* MultiHeadAttention / GroupQueryAttention (called as ``layer(query, value,
  key)``) give the query's shape (MultiHeadAttention: last axis
  ``output_shape`` when set); value and key must agree on every axis but the
  last, GroupQueryAttention needs equal last axes for query and value, and
  the projections' kernels are sized by the last axes, which must be defined.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import require_defined, require_min_rank
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, MergeMismatch
from shapecheck.shapes.registry import transfer


def _positive(config: Config, name: str, optional: bool = False) -> None:
    value = config.get(name)
    if optional and value is None:
        return
    if value is UNKNOWN:
        return
    if not is_known(value) or value <= 0:
        raise BadConfig(f"{name} must be a positive integer, got {name}={value!r}")


def _differ(a: Dim, b: Dim) -> bool:
    """Keras compares with ``!=``: None differs from a size; UNKNOWN differs from nothing."""
    return a is not UNKNOWN and b is not UNKNOWN and a != b


@transfer("Dot", family="merge", multi_input=True)
def dot(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Dot product of two inputs along ``axes``."""
    axes = config.get("axes")
    if isinstance(axes, (tuple, list)):
        if len(axes) != 2:
            raise BadConfig(f"axes must be an int or a pair of ints, got axes={axes!r}")
        if not all(is_known(a) for a in axes):
            return Shape.unknown()
    elif not is_known(axes):
        return Shape.unknown()
    if len(inputs) != 2:
        raise MergeMismatch(f"`Dot` takes exactly 2 inputs, but received {len(inputs)}")
    first, second = inputs
    if first.dims is None or second.dims is None:
        return Shape.unknown()
    a, b = list(first.dims), list(second.dims)
    if is_known(axes):
        pair = [axes % len(a), axes % len(b)] if axes < 0 else [axes, axes]
    else:
        pair = list(axes)
    for dims, axis in ((a, pair[0]), (b, pair[1])):
        if not -len(dims) <= axis < len(dims):
            raise BadConfig(f"axes {axes} are out of range for the inputs {first} and {second}")
    if _differ(a[pair[0]], b[pair[1]]):
        raise MergeMismatch(f"cannot take the dot product of {first} and {second}: sizes "
                            f"{a[pair[0]]} (axis {pair[0]}) and {b[pair[1]]} (axis {pair[1]}) differ")
    a.pop(pair[0])
    b.pop(pair[1])
    if not b:
        raise BadConfig(f"cannot take the dot product of {first} and {second}: nothing is left of the second")
    b.pop(0)
    out = a + b
    if len(out) == 1:
        out.append(1)
    return Shape(out)


@transfer("Attention", "AdditiveAttention", family="attention", multi_input=True)
def attention(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Dot-product / additive attention: ``query[:-1] + value[-1:]``."""
    if config.layer == "Attention":
        mode = config.get("score_mode", "dot")
        if isinstance(mode, str) and mode not in ("dot", "concat"):
            raise BadConfig(f"score_mode must be 'dot' or 'concat', got {mode!r}")
    if not 2 <= len(inputs) <= 3:
        raise MergeMismatch(f"`{config.layer}` takes [query, value] or [query, value, key], "
                            f"but received {len(inputs)} inputs")
    query, value = inputs[0], inputs[1]
    if config.layer == "AdditiveAttention" and config.get("use_scale", True) is True and query.dims:
        require_defined(query, -1, "features")
    if query.dims is None or value.dims is None or not query.dims or not value.dims:
        return Shape.unknown()
    return Shape(query.dims[:-1] + value.dims[-1:])


def _value_key(query: Shape, value: Shape, key: Shape) -> None:
    """value[1:-1] must equal key[1:-1] (Keras compares the tuples)."""
    if value.dims is None or key.dims is None:
        return
    v, k = value.dims[1:-1], key.dims[1:-1]
    if len(v) != len(k) or any(_differ(x, y) for x, y in zip(v, k)):
        raise MergeMismatch(f"value {value} and key {key} must be equal on every axis but the last")


def _split(inputs: Sequence[Shape]) -> tuple[Shape, Shape, Shape]:
    query = inputs[0] if inputs else Shape.unknown()
    value = inputs[1] if len(inputs) > 1 else Shape.unknown()
    key = inputs[2] if len(inputs) > 2 else value
    return query, value, key


def _no_flash_dropout(config: Config) -> None:
    dropout = config.get("dropout", 0.0)
    if config.get("flash_attention", None) is True and isinstance(dropout, (int, float)) and dropout > 0:
        raise BadConfig("dropout is not supported with flash_attention=True")


@transfer("MultiHeadAttention", family="attention")
def multi_head_attention(config: Config, inputs: Sequence[Shape]) -> Shape:
    """MultiHeadAttention(query, value, key): the query's shape, last axis ``output_shape`` if set."""
    _positive(config, "num_heads")
    _positive(config, "key_dim")
    _positive(config, "value_dim", optional=True)
    _positive(config, "sliding_window", optional=True)
    _no_flash_dropout(config)
    query, value, key = _split(inputs)
    _value_key(query, value, key)
    for shape in (query, value, key):
        require_defined(shape, -1, "features")
    if query.dims is None or not query.dims:
        return Shape.unknown()
    out: Any = config.get("output_shape", None)
    if out is None or out == () or out == 0:
        return query
    if is_known(out):
        out = (out,)
    if not isinstance(out, (tuple, list)) or not all(d is None or is_known(d) for d in out):
        return Shape.unknown()
    return Shape(query.dims[:-1] + tuple(out))


@transfer("GroupQueryAttention", family="attention")
def group_query_attention(config: Config, inputs: Sequence[Shape]) -> Shape:
    """GroupQueryAttention(query, value, key): the query's shape; inputs of 3 axes or more."""
    heads, kv_heads = config.get("num_query_heads"), config.get("num_key_value_heads")
    if is_known(heads) and is_known(kv_heads) and kv_heads != 0 and heads % kv_heads:
        raise BadConfig(f"num_query_heads={heads} is not divisible by num_key_value_heads={kv_heads}")
    _positive(config, "sliding_window", optional=True)
    _no_flash_dropout(config)
    query, value, key = _split(inputs)
    for shape in (query, value, key):
        require_min_rank(shape, 3, "(batch, sequence, features)")
    if query.dims is not None and value.dims is not None and _differ(query.dims[-1], value.dims[-1]):
        raise MergeMismatch(f"query {query} and value {value} must have the same last axis")
    _value_key(query, value, key)
    for shape in (query, value, key):
        # The projections' equation "bqm,muh->bquh" sizes the kernel by axis 2
        # (the last one of a 3-D input; Keras appends any further axes).
        require_defined(shape, 2, "features")
    require_defined(query, -1, "features")  # the output projection's size
    return query
