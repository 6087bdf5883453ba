"""Shape rules of EinsumDense, ReversibleEmbedding and InputLayer.

EinsumDense follows Keras 3's ``_analyze_einsum_string``: the output is the
batch axis, then ``output_shape``, with the axes an ellipsis stands for put
back before (``...ab``) or after (``ab...``, or an input of more axes than
its spec) it; an axis shared by input and output must have the same size,
every output letter must come from the input or the kernel, every kernel
letter from the input or the output, and the kernel's sizes must be defined.
ReversibleEmbedding appends ``output_dim`` like Embedding.  InputLayer has no
input: its output is ``batch_shape``, or ``(batch_size,) + shape``.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from shapecheck.shapes.common import single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, RankMismatch
from shapecheck.shapes.registry import transfer

_FORMS = (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
          ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
          ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False))


def _partial(value: Any) -> list[Dim] | None:
    """EinsumDense's ``output_shape`` as a list of dims (None where Keras's is None)."""
    if is_known(value):
        return [value]
    if isinstance(value, (tuple, list)) and all(d is None or is_known(d) for d in value):
        return list(value)
    return None


def _differ(a: Dim, b: Dim) -> bool:
    return a is not UNKNOWN and b is not UNKNOWN and a != b


def _einsum(equation: str, bias_axes: Any, dims: tuple[Dim, ...], partial: list[Dim], shape: Shape) -> Shape:
    """Port of ``_analyze_split_string`` over dims that may be unknown."""
    replaced = re.sub(r"\.\.\.", "0", equation)
    for pattern, left in _FORMS:  # noqa: B007 - ``left`` is read after the loop
        match = re.match(pattern, replaced)
        if match:
            break
    else:
        raise BadConfig(f"einsum equation {equation!r} is not of the form [X],[Y]->[Z], ...[X],[Y]->...[Z] "
                        f"or [X]...,[Y]->[Z]...")
    in_spec, w_spec, out_spec = match.group(1), match.group(2), match.group(3)
    elided = len(dims) - len(in_spec)
    if elided < 0:
        if left:
            return Shape.unknown()
        raise RankMismatch(f"at least {len(in_spec)}-D input for the equation {equation!r}", shape)
    out: list[Dim] = [dims[0]] + list(partial)
    if elided > 0 and left:
        for i in range(1, elided):
            out.insert(1, dims[i])
    elif elided > 0:
        out.extend(dims[len(dims) - elided:])
    if left:
        in_map = {c: (i + elided) - len(dims) for i, c in enumerate(in_spec)}
        out_map = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_map = {c: i for i, c in enumerate(in_spec)}
        out_map = {c: i for i, c in enumerate(out_spec)}
    try:
        for c in in_spec:
            if c in out_map and out[out_map[c]] is not None and _differ(out[out_map[c]], dims[in_map[c]]):
                raise BadConfig(f"input {shape} and output_shape {tuple(partial)} differ on the shared "
                                f"axis '{c}' of {equation!r}")
        for c in out_spec:
            if c not in in_spec and c not in w_spec:
                raise BadConfig(f"output axis '{c}' of {equation!r} is in neither the input nor the kernel")
        kernel: list[Dim] = []
        for c in w_spec:
            if c in out_map:
                kernel.append(out[out_map[c]])
            elif c in in_map:
                kernel.append(dims[in_map[c]])
            else:
                raise BadConfig(f"kernel axis '{c}' of {equation!r} is in neither the input nor the output")
        if isinstance(bias_axes, str):
            for c in bias_axes:
                if c not in out_spec:
                    raise BadConfig(f"bias axis '{c}' is not in the output spec of {equation!r}")
        elif bias_axes is not None:
            return Shape.unknown()
    except IndexError:
        raise BadConfig(f"output_shape {tuple(partial)} does not fit the equation {equation!r} "
                        f"for the input {shape}") from None
    if None in kernel:
        raise BadConfig(f"needs defined sizes for its kernel {tuple(kernel)} (equation {equation!r}), "
                        f"but receives {shape}")
    return Shape(out)


@transfer("EinsumDense", family="core")
def einsum_dense(config: Config, inputs: Sequence[Shape]) -> Shape:
    """EinsumDense: the batch axis, ``output_shape`` and the elided axes."""
    shape = single(inputs)
    equation = config.get("equation")
    partial = _partial(config.get("output_shape"))
    if not isinstance(equation, str) or partial is None or shape.dims is None or not shape.dims:
        return Shape.unknown()
    return _einsum(equation, config.get("bias_axes", None), shape.dims, partial, shape)


@transfer("ReversibleEmbedding", family="core")
def reversible_embedding(config: Config, inputs: Sequence[Shape]) -> Shape:
    """ReversibleEmbedding appends an ``output_dim`` axis (called with reverse=False)."""
    shape = single(inputs)
    if shape.dims is None:
        return Shape.unknown()
    return Shape(shape.dims + (config.int("output_dim"),))


def _dims(value: Any) -> tuple[Dim, ...] | None:
    if is_known(value):
        return (value,)
    if isinstance(value, (tuple, list)) and all(d is None or is_known(d) for d in value):
        return tuple(value)
    return None


@transfer("InputLayer", family="core")
def input_layer(config: Config, inputs: Sequence[Shape]) -> Shape:
    """InputLayer: ``batch_shape``, or ``(batch_size,) + shape``; its inputs are ignored."""
    shape, batch_shape, batch_size = (config.get(k, None) for k in ("shape", "batch_shape", "batch_size"))
    if config.get("input_tensor", None) is not None:
        return Shape.unknown()
    if shape is not None and batch_shape is not None and UNKNOWN not in (shape, batch_shape):
        raise BadConfig("cannot take both shape and batch_shape")
    if batch_size is not None and batch_shape is not None and UNKNOWN not in (batch_size, batch_shape):
        raise BadConfig("cannot take both batch_size and batch_shape")
    if batch_shape is not None:
        dims = _dims(batch_shape)
        return Shape.unknown() if dims is None else Shape(dims)
    dims = _dims(shape)
    if dims is None:
        return Shape.unknown()
    batch: Dim = batch_size if batch_size is None or is_known(batch_size) else UNKNOWN
    return Shape((batch,) + dims)
