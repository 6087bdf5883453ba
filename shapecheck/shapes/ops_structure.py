"""Shape rules of the ``keras.ops`` that rearrange a tensor: concatenate, stack,
reshape, expand_dims, squeeze, transpose, swapaxes, moveaxis, tile, repeat,
pad, split, ravel, take, take_along_axis, one_hot, broadcast_to and
``image.resize``.

Each mirrors the op's ``compute_output_spec`` in Keras 3, including its
quirks: ``squeeze`` refuses an axis of size None, ``reshape`` does not check
the total size when a dimension is None, ``one_hot`` accepts only ``axis=-1``
or ``0 <= axis < rank``.
"""

from __future__ import annotations

from typing import Sequence

from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, dim_product, is_known
from shapecheck.shapes.errors import BadConfig, MergeMismatch, RankMismatch, ReshapeMismatch
from shapecheck.shapes.ops_base import (
    Args,
    GiveUp,
    Output,
    add_dims,
    arg,
    axes_arg,
    bool_arg,
    broadcast,
    canonical_axis,
    check_sizes,
    dims,
    fmt,
    int_arg,
    int_tuple,
    is_int,
    op,
    same_except,
)


def _listing(shapes: Sequence[Shape]) -> str:
    return "[" + ", ".join(str(s) for s in shapes) + "]"


@op("concatenate", params=("xs", "axis"), tensors=("xs",), variadic="xs",
    family="structure", defaults={"axis": 0})
def concatenate(shapes: Sequence[Shape], args: Args) -> Output:
    """``concatenate(xs, axis=0)``: equal ranks, equal dims off the axis (None matches)."""
    axis = int_arg(args, "axis", 0)
    if not shapes:
        raise GiveUp("no inputs")
    first = dims(shapes[0])
    ax = canonical_axis(axis, len(first))
    total: Dim = 0
    for s in shapes:
        if s.dims is None:
            total = None if total is None else UNKNOWN
            continue
        if not same_except(first, s.dims, ax):
            raise MergeMismatch(
                f"inputs must have the same shape except on the concatenation axis ({axis}), "
                f"but received {_listing(shapes)}"
            )
        total = add_dims(total, s.dims[ax])
    out = list(first)
    out[ax] = total
    return Shape(tuple(out))


@op("stack", params=("x", "axis"), tensors=("x",), variadic="x", family="structure",
    defaults={"axis": 0})
def stack(shapes: Sequence[Shape], args: Args) -> Output:
    """``stack(x, axis=0)``: equal shapes (None matches); a new axis of len(x)."""
    axis = int_arg(args, "axis", 0)
    if not shapes:
        raise GiveUp("no inputs")
    first = dims(shapes[0])
    ax = canonical_axis(axis, len(first) + 1)
    for s in shapes:
        if s.dims is not None and not same_except(first, s.dims, None):
            raise MergeMismatch(f"inputs must have the same shape, but received {_listing(shapes)}")
    out = list(first)
    out.insert(ax, len(shapes))
    return Shape(tuple(out))


def _newshape(value: object) -> tuple[Dim, ...]:
    if is_int(value):
        return (int(value),)  # type: ignore[call-overload]
    if not isinstance(value, (tuple, list)):
        raise GiveUp("newshape")
    out: list[Dim] = []
    for d in value:
        if is_int(d):
            out.append(int(d))
        elif d is None:
            out.append(None)
        else:
            raise GiveUp("newshape")
    return tuple(out)


@op("reshape", params=("x", "newshape"), tensors=("x",), family="structure")
def reshape(shapes: Sequence[Shape], args: Args) -> Output:
    """``reshape(x, newshape)``: at most one -1; same total size when all dims are defined."""
    new = _newshape(arg(args, "newshape"))
    if any(is_known(d) and d < -1 for d in new):  # type: ignore[operator]
        raise ReshapeMismatch(f"the target shape {new} has a negative size other than -1")
    if new.count(-1) > 1:
        raise ReshapeMismatch(f"the target shape {new} has more than one -1")
    x = shapes[0]
    undefined = tuple(None if d == -1 else d for d in new)
    if x.dims is None or None in new or None in x.dims:
        return Shape(undefined)
    if UNKNOWN in x.dims:
        # An unknown dim may be None, which skips Keras's size check.
        return Shape(tuple(UNKNOWN if d == -1 else d for d in new))
    size = dim_product(x.dims)
    assert isinstance(size, int)
    if -1 not in new:
        if size != dim_product(new):
            raise ReshapeMismatch(
                f"cannot reshape {x} ({size} values) into {fmt(new)} ({dim_product(new)} values)"
            )
        return Shape(new)
    known = dim_product(d for d in new if d != -1)
    assert isinstance(known, int)
    if known == 0 or size % known:
        raise ReshapeMismatch(
            f"cannot reshape {x} ({size} values) into {new}: {size} is not a multiple of {known}"
        )
    return Shape(tuple(size // known if d == -1 else d for d in new))


@op("expand_dims", params=("x", "axis"), tensors=("x",), family="structure")
def expand_dims(shapes: Sequence[Shape], args: Args) -> Output:
    """``expand_dims(x, axis)``: a new axis of size 1 at each (output) position in ``axis``."""
    axes = axes_arg(args, "axis")
    if axes is None:
        raise GiveUp("axis")
    ds = dims(shapes[0])
    out_rank = len(ds) + len(axes)
    canon = [canonical_axis(a, out_rank) for a in axes]
    if len(set(canon)) != len(canon):
        raise BadConfig(f"expand_dims got a repeated axis: {axes}")
    it = iter(ds)
    return Shape(tuple(1 if i in canon else next(it) for i in range(out_rank)))


@op("squeeze", params=("x", "axis"), tensors=("x",), family="structure")
def squeeze(shapes: Sequence[Shape], args: Args) -> Output:
    """``squeeze(x, axis=None)``: drop size-1 axes; a given axis must have size 1 (not None)."""
    axes = axes_arg(args, "axis")
    ds = dims(shapes[0])
    if axes is None:
        if UNKNOWN in ds:
            raise GiveUp("unknown dim")
        return Shape(tuple(d for d in ds if d != 1))
    for a in axes:
        if not -len(ds) <= a < len(ds):
            raise BadConfig(f"cannot squeeze axis {a} of {shapes[0]}: out of range")
        if ds[a] is not UNKNOWN and ds[a] != 1:
            raise BadConfig(f"cannot squeeze axis {a} of {shapes[0]}: its size is not 1")
    for a in sorted((a % len(ds) for a in axes), reverse=True):
        if a >= len(ds):  # Keras deletes once per entry, even a repeated one
            raise BadConfig(f"squeeze axis {axes} repeats an axis of {shapes[0]}")
        del ds[a]
    return Shape(tuple(ds))


@op("transpose", params=("x", "axes"), tensors=("x",), family="structure")
def transpose(shapes: Sequence[Shape], args: Args) -> Output:
    """``transpose(x, axes=None)``: reversed axes, or the permutation ``axes``."""
    axes = arg(args, "axes", None)
    ds = dims(shapes[0])
    if axes is None:
        return Shape(tuple(reversed(ds)))
    perm = int_tuple(axes)
    if len(perm) != len(ds):
        raise RankMismatch(f"{len(perm)}-D input for axes={list(perm)}", shapes[0])
    canon = [canonical_axis(a, len(ds), "axes entry") for a in perm]
    if len(set(canon)) != len(canon):
        raise BadConfig(f"axes={list(perm)} is not a permutation")
    return Shape(tuple(ds[a] for a in canon))


@op("swapaxes", params=("x", "axis1", "axis2"), tensors=("x",), family="structure")
def swapaxes(shapes: Sequence[Shape], args: Args) -> Output:
    """``swapaxes(x, axis1, axis2)``."""
    a1, a2 = int_arg(args, "axis1"), int_arg(args, "axis2")
    ds = dims(shapes[0])
    i, j = canonical_axis(a1, len(ds)), canonical_axis(a2, len(ds))
    ds[i], ds[j] = ds[j], ds[i]
    return Shape(tuple(ds))


@op("moveaxis", params=("x", "source", "destination"), tensors=("x",), family="structure")
def moveaxis(shapes: Sequence[Shape], args: Args) -> Output:
    """``moveaxis(x, source, destination)``: ints or equally long lists of ints."""
    src, dst = axes_arg(args, "source"), axes_arg(args, "destination")
    if src is None or dst is None:
        raise GiveUp("axes")
    if len(src) != len(dst):
        raise BadConfig(f"source {src} and destination {dst} differ in length")
    ds = dims(shapes[0])
    s = [canonical_axis(a, len(ds)) for a in src]
    d = [canonical_axis(a, len(ds)) for a in dst]
    if len(set(s)) != len(s) or len(set(d)) != len(d):
        raise GiveUp("repeated axis")
    rest = iter([x for i, x in enumerate(ds) if i not in s])
    placed = dict(zip(d, (ds[i] for i in s)))
    return Shape(tuple(placed[i] if i in placed else next(rest) for i in range(len(ds))))


@op("tile", params=("x", "repeats"), tensors=("x",), family="structure")
def tile(shapes: Sequence[Shape], args: Args) -> Output:
    """``tile(x, repeats)``: each dim times its repeat (None stays None)."""
    value = arg(args, "repeats")
    reps = [int(value)] if is_int(value) else list(int_tuple(value))
    ds = dims(shapes[0])
    if len(ds) > len(reps):
        reps = [1] * (len(ds) - len(reps)) + reps
    else:
        ones: list[Dim] = [1] * (len(reps) - len(ds))
        ds = ones + ds
    out: list[Dim] = [
        d * r if is_known(d) else d for d, r in zip(ds, reps)  # type: ignore[operator]
    ]
    return check_sizes(out, "tile")


@op("repeat", params=("x", "repeats", "axis"), tensors=("x",), family="structure")
def repeat(shapes: Sequence[Shape], args: Args) -> Output:
    """``repeat(x, repeats, axis=None)``: an int repeats every element; a list one each."""
    value = arg(args, "repeats")
    reps = [int(value)] if is_int(value) else list(int_tuple(value))
    axis = arg(args, "axis", None)
    ds = dims(shapes[0])
    if axis is None:
        size = dim_product(ds)
        if not is_known(size):
            return Shape((size,))
        if len(reps) == 1:
            return check_sizes([size * reps[0]], "repeat")  # type: ignore[operator]
        if len(reps) != size:
            raise BadConfig(f"repeats has {len(reps)} entries for {size} elements of {shapes[0]}")
        return check_sizes([sum(reps)], "repeat")
    if not is_int(axis):
        raise GiveUp("axis")
    if not -len(ds) <= axis < len(ds):
        raise BadConfig(f"axis {axis} is out of bounds for {shapes[0]}")
    d = ds[axis]
    if not is_known(d):
        return Shape(tuple(ds))  # None stays None; an unknown stays unknown
    if len(reps) == 1:
        ds[axis] = d * reps[0]  # type: ignore[operator]
    elif len(reps) != d:
        raise BadConfig(f"repeats has {len(reps)} entries for axis {axis} of size {d}")
    else:
        ds[axis] = sum(reps)
    return check_sizes(ds, "repeat")


@op("pad", params=("x", "pad_width", "mode", "constant_values"), tensors=("x",),
    family="structure")
def pad(shapes: Sequence[Shape], args: Args) -> Output:
    """``pad(x, pad_width)``: an int, one ``(before, after)`` pair, or a pair per axis."""
    value = arg(args, "pad_width")
    if is_int(value):
        pairs = [(int(value), int(value))]
    elif isinstance(value, (tuple, list)) and value and is_int(value[0]):
        pair = int_tuple(value)
        if len(pair) != 2:
            raise GiveUp("pad_width")
        pairs = [(pair[0], pair[1])]
    elif isinstance(value, (tuple, list)) and value:
        rows = [int_tuple(p) for p in value]
        if any(len(p) != 2 for p in rows):
            raise GiveUp("pad_width")
        pairs = [(p[0], p[1]) for p in rows]
    else:
        raise GiveUp("pad_width")
    ds = dims(shapes[0])
    if len(pairs) == 1:
        pairs = pairs * len(ds)
    elif len(pairs) != len(ds):
        raise RankMismatch(f"{len(pairs)}-D input for pad_width={value}", shapes[0])
    out = [add_dims(d, a + b) for d, (a, b) in zip(ds, pairs)]
    return check_sizes(out, "pad")


@op("split", params=("x", "indices_or_sections", "axis"), tensors=("x",),
    family="structure", defaults={"axis": 0})
def split(shapes: Sequence[Shape], args: Args) -> Output:
    """``split(x, indices_or_sections, axis=0)``: a tuple of shapes, one per piece."""
    value = arg(args, "indices_or_sections")
    axis = int_arg(args, "axis", 0)
    ds = dims(shapes[0])
    ax = canonical_axis(axis, len(ds))
    size = ds[ax]
    if is_int(value):
        n = int(value)
        if n <= 0:
            raise GiveUp("sections")  # Keras returns no pieces or divides by zero
        if size is None or size is UNKNOWN:
            piece: Dim = size
        elif size % n:  # type: ignore[operator]
            raise BadConfig(f"axis {axis} of {shapes[0]} (size {size}) does not split into {n}")
        else:
            piece = size // n  # type: ignore[operator]
        return tuple(Shape(tuple(piece if i == ax else d for i, d in enumerate(ds))) for _ in range(n))
    bounds: list[Dim] = [0, *int_tuple(value), size]
    outs = []
    for start, end in zip(bounds, bounds[1:]):
        if is_known(start) and is_known(end):
            length: Dim = end - start  # type: ignore[operator]
        else:
            length = None if start is None or end is None else UNKNOWN
        outs.append(check_sizes([length if i == ax else d for i, d in enumerate(ds)], "split"))
    return tuple(outs)


@op("ravel", params=("x",), tensors=("x",), family="structure")
def ravel(shapes: Sequence[Shape], args: Args) -> Output:
    """``ravel(x)``: one axis holding every element (None if any dim is None)."""
    ds = dims(shapes[0])
    return Shape((dim_product(ds),))


@op("take", params=("x", "indices", "axis"), tensors=("x", "indices"), family="structure")
def take(shapes: Sequence[Shape], args: Args) -> Output:
    """``take(x, indices, axis=None)``: the indices' shape replaces axis ``axis``."""
    axis = arg(args, "axis", None)
    idx = dims(shapes[1])
    if axis is None:
        return Shape(tuple(idx))
    if not is_int(axis):
        raise GiveUp("axis")
    ds = dims(shapes[0])
    ax = canonical_axis(axis, len(ds))
    return Shape(tuple(ds[:ax] + idx + ds[ax + 1:]))


@op("take_along_axis", params=("x", "indices", "axis"), tensors=("x", "indices"),
    family="structure")
def take_along_axis(shapes: Sequence[Shape], args: Args) -> Output:
    """``take_along_axis(x, indices, axis=None)``: equal ranks; the rest broadcast."""
    axis = arg(args, "axis", None)
    ds, idx = dims(shapes[0]), dims(shapes[1])
    if axis is None:
        ds = [dim_product(ds)]
    elif not is_int(axis):
        raise GiveUp("axis")
    if len(ds) != len(idx):
        raise RankMismatch(f"indices of the same rank as x {fmt(ds)}", shapes[1], 1)
    ax = 0 if axis is None else canonical_axis(axis, len(ds))
    ds[ax] = idx[ax]
    return broadcast([Shape(tuple(ds)), Shape(tuple(idx))])


@op("one_hot", params=("x", "num_classes", "axis", "dtype", "sparse"), tensors=("x",),
    family="structure", defaults={"axis": -1})
def one_hot(shapes: Sequence[Shape], args: Args) -> Output:
    """``one_hot(x, num_classes, axis=-1)``: a new axis of ``num_classes``."""
    n = arg(args, "num_classes")
    classes: Dim = int(n) if is_int(n) else UNKNOWN
    axis = int_arg(args, "axis", -1)
    ds = dims(shapes[0])
    if axis == -1:
        ds.append(classes)
    elif 0 <= axis < len(ds):
        ds.insert(axis, classes)
    else:
        raise BadConfig(f"one_hot axis must be -1 or in [0, {len(ds)}), but is {axis}")
    return check_sizes(ds, "one_hot")


@op("broadcast_to", params=("x", "shape"), tensors=("x",), family="structure")
def broadcast_to(shapes: Sequence[Shape], args: Args) -> Output:
    """``broadcast_to(x, shape)``: ``shape``, which ``x`` must broadcast to."""
    target = Shape(_newshape(arg(args, "shape")))
    broadcast([shapes[0], target])
    return check_sizes(target.dims or (), "broadcast_to")


@op("image.resize", params=(
    "images", "size", "interpolation", "antialias", "crop_to_aspect_ratio",
    "pad_to_aspect_ratio", "fill_mode", "fill_value", "data_format",
), tensors=("images",), family="image")
def resize(shapes: Sequence[Shape], args: Args) -> Output:
    """``image.resize(images, size, ..., data_format=None)``: rank 3 or 4; height, width := size.

    ``data_format=None`` reads as "channels_last" (Keras's default config);
    the caller should pass the resolved format if the script changed it.
    """
    size = int_tuple(arg(args, "size"))
    if len(size) != 2:
        raise BadConfig(f"size must be (height, width), but is {size}")
    if size[0] <= 0 or size[1] <= 0:
        raise BadConfig(f"size must be positive, but is {size}")
    fmt_ = arg(args, "data_format", None) or "channels_last"
    if fmt_ not in ("channels_last", "channels_first"):
        raise GiveUp("data_format")
    ds = dims(shapes[0])
    if len(ds) not in (3, 4):
        raise RankMismatch("3-D or 4-D images", shapes[0])
    if bool_arg(args, "crop_to_aspect_ratio", False) and bool_arg(args, "pad_to_aspect_ratio", False):
        raise BadConfig("crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be True")
    h = -3 if fmt_ == "channels_last" else -2
    ds[h], ds[h + 1] = size
    return Shape(tuple(ds))


def _unknown(shapes: Sequence[Shape], args: Args) -> Output:
    """Ops whose output shape depends on values: unknown."""
    raise GiveUp("data-dependent")


for _name in ("segment_sum", "segment_max", "segment_min", "segment_prod"):
    op(_name, params=("data", "segment_ids", "num_segments", "sorted"),
       tensors=("data", "segment_ids"), family="unknown")(_unknown)
op("nonzero", params=("x",), tensors=("x",), family="unknown")(_unknown)
op("unique", params=("x", "sorted", "return_index", "return_inverse", "return_counts", "axis",
                     "size", "fill_value"), tensors=("x",), family="unknown")(_unknown)
