"""Seeded random cases for the ``keras.ops`` differential test and bench (no tests here).

:func:`draw` makes one case for an op: operand shapes (with None batch dims
and, now and then, mismatching dims or ranks) and literal arguments.
:func:`run` builds it with the real ``keras.ops`` on ``keras.KerasTensor``
inputs and with :func:`shapecheck.shapes.ops.apply_op`, optionally hiding some
of the dims (UNKNOWN) or a whole shape (unknown rank) from the table, and
classifies the outcome:

* ``agree``: both raise, or both give the same fully known shape(s).
* ``unknown``: Keras accepts, the table's answer is right but partly unknown.
* ``miss``: Keras raises, the table does not (and said something unknown).
* ``confident_miss``: Keras raises, the table gives a fully known shape.
* ``false_alarm``: the table raises, Keras accepts.  (fails the test)
* ``wrong``: a known dim or rank differs from Keras's.  (fails the test)
* ``crash``: the table raised something other than a ShapeContradiction.

Importing keras is left to the caller (``run`` takes the module).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Optional

from shapecheck.shapes.dims import UNKNOWN, Dim, Shape
from shapecheck.shapes.errors import ShapeContradiction
from shapecheck.shapes.ops import OPS, apply_op

Dims = tuple[Optional[int], ...]
SCALAR = "scalar"  # a Python float operand

SIZES = (1, 2, 3, 4, 5, 6, 8, None)


@dataclass
class Case:
    """One op call: operand shapes (or SCALAR), literal args."""

    name: str
    operands: list[Any]
    args: dict[str, Any] = field(default_factory=dict)


def shape(rng: random.Random, lo: int = 0, hi: int = 4) -> Dims:
    """A random shape of rank lo..hi, often with a None batch axis."""
    r = rng.randint(lo, hi)
    dims = [rng.choice(SIZES) for _ in range(r)]
    if dims and rng.random() < 0.5:
        dims[0] = None
    return tuple(dims)


def related(rng: random.Random, base: Dims) -> Dims:
    """A shape like ``base``: usually compatible, sometimes not."""
    dims = list(base)
    roll = rng.random()
    if roll < 0.1 and dims:  # a clash, unless that dim is 1 or None
        i = rng.randrange(len(dims))
        dims[i] = rng.choice([s for s in (2, 3, 5, 7) if s != dims[i]])
    elif roll < 0.2 and dims:
        i = rng.randrange(len(dims))
        dims[i] = rng.choice(SIZES)
    elif roll < 0.35 and dims:
        dims = dims[rng.randint(1, len(dims)):]
    elif roll < 0.45:
        dims = [rng.choice((1, 2, 3, None))] + dims
    elif roll < 0.6 and dims:
        i = rng.randrange(len(dims))
        dims[i] = rng.choice((1, None))
    return tuple(dims)


def _axis(rng: random.Random, rank: int, extra: int = 1) -> int:
    return rng.randint(-rank - extra, rank + extra - 1)


def _axes(rng: random.Random, rank: int) -> Any:
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.65 or rank == 0:
        return _axis(rng, rank)
    n = rng.randint(1, max(1, rank))
    return tuple(rng.sample(range(-rank, rank), min(n, 2 * rank)))[:n]


def draw(rng: random.Random, name: str) -> Case:
    """A random case for op ``name``."""
    family = OPS[name].family
    if name == "where":
        a = shape(rng)
        return Case(name, [a, related(rng, a), related(rng, a)])
    if family == "binary":
        a = shape(rng)
        # hypot and heaviside read `.dtype` of both operands, so Keras refuses
        # a Python number there (AttributeError); not a shape matter.
        scalar_ok = name not in ("hypot", "heaviside")
        b: Any = SCALAR if scalar_ok and rng.random() < 0.1 else related(rng, a)
        return Case(name, [a, b] if rng.random() < 0.8 else [b, a])
    if family == "unary":
        return _unary(rng, name)
    if family == "reduce":
        x = shape(rng, 0, 4)
        axis = _axes(rng, len(x)) if not name.startswith("arg") else rng.choice(
            [None, _axis(rng, len(x))])
        return Case(name, [x], {"axis": axis, "keepdims": rng.random() < 0.3})
    maker = _MAKERS[name]
    return maker(rng)


def _unary(rng: random.Random, name: str) -> Case:
    x = shape(rng, 0, 4)
    args: dict[str, Any] = {}
    if name in ("cast", "saturate_cast"):
        args["dtype"] = "int32"
    if name == "full_like":
        args["fill_value"] = 1.0
    if name == "clip":
        args.update(x_min=0.0, x_max=1.0)
    if name == "roll":
        args["shift"] = 1
    if name in ("softmax", "log_softmax", "flip", "roll"):
        args["axis"] = _axes(rng, len(x))
    if name in ("sort", "argsort", "cumsum", "cumprod"):
        args["axis"] = rng.choice([None, _axis(rng, len(x))])
    if name in ("tril", "triu") or name.startswith("arc") or name in ("log", "sqrt"):
        x = shape(rng, 2, 4)
    return Case(name, [x], args)


def _concatenate(rng: random.Random) -> Case:
    a = shape(rng, 1, 4)
    xs = [a] + [related(rng, a) for _ in range(rng.randint(0, 2))]
    axis = _axis(rng, len(a))
    if rng.random() < 0.5:  # vary the axis dim, as real code does
        xs = [tuple(rng.choice(SIZES) if i == axis % len(a) else d for i, d in enumerate(s))
              if len(s) == len(a) else s for s in xs]
    return Case("concatenate", xs, {"axis": axis})


def _stack(rng: random.Random) -> Case:
    a = shape(rng, 0, 4)
    xs = [a] + [related(rng, a) for _ in range(rng.randint(0, 2))]
    return Case("stack", xs, {"axis": _axis(rng, len(a) + 1)})


def _reshape(rng: random.Random) -> Case:
    x = shape(rng, 1, 4)
    known = [d or 1 for d in x]
    total = 1
    for d in known:
        total *= d
    parts: list[int] = []
    rest = total
    for f in (2, 3, 2, 5):
        if rest % f == 0 and rng.random() < 0.5:
            parts.append(f)
            rest //= f
    parts.append(rest)
    rng.shuffle(parts)
    if rng.random() < 0.5:
        parts[rng.randrange(len(parts))] = -1
    if rng.random() < 0.15:
        parts[rng.randrange(len(parts))] = rng.choice((-1, -2, 0, 7))
    if x[0] is None and rng.random() < 0.5:
        parts = [-1] + parts
    new: Any = parts if rng.random() < 0.5 else tuple(parts)
    if len(parts) == 1 and rng.random() < 0.5:
        new = parts[0]
    return Case("reshape", [x], {"newshape": new})


def _expand_dims(rng: random.Random) -> Case:
    x = shape(rng, 0, 4)
    axis: Any = _axis(rng, len(x) + 1)
    if rng.random() < 0.3:
        axis = (axis, _axis(rng, len(x) + 2))
    return Case("expand_dims", [x], {"axis": axis})


def _squeeze(rng: random.Random) -> Case:
    x = tuple(rng.choice((1, 1, 2, None)) for _ in range(rng.randint(1, 4)))
    return Case("squeeze", [x], {"axis": _axes(rng, len(x))})


def _transpose(rng: random.Random) -> Case:
    x = shape(rng, 0, 4)
    axes: Any = None
    if rng.random() < 0.8:
        perm = list(range(len(x)))
        rng.shuffle(perm)
        roll = rng.random()
        if roll < 0.1 and perm:
            perm[0] = perm[-1]
        elif roll < 0.2:
            perm.append(len(perm))
        elif roll < 0.3 and perm:
            perm[0] -= len(perm)
        axes = perm
    return Case("transpose", [x], {"axes": axes})


def _swapaxes(rng: random.Random) -> Case:
    x = shape(rng, 1, 4)
    return Case("swapaxes", [x], {"axis1": _axis(rng, len(x)), "axis2": _axis(rng, len(x))})


def _moveaxis(rng: random.Random) -> Case:
    x = shape(rng, 1, 4)
    if rng.random() < 0.5:
        return Case("moveaxis", [x], {"source": _axis(rng, len(x)), "destination": _axis(rng, len(x))})
    n = rng.randint(1, len(x))
    src = rng.sample(range(len(x)), n)
    dst = rng.sample(range(-len(x), 0), n)
    if rng.random() < 0.2:
        dst = dst[1:]
    return Case("moveaxis", [x], {"source": src, "destination": dst})


def _tile(rng: random.Random) -> Case:
    x = shape(rng, 0, 3)
    reps: Any = [rng.randint(0, 3) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.3:
        reps = reps[0]
    return Case("tile", [x], {"repeats": reps})


def _repeat(rng: random.Random) -> Case:
    x = shape(rng, 1, 3)
    axis = rng.choice([None, _axis(rng, len(x))])
    reps: Any = rng.randint(1, 3)
    if rng.random() < 0.4:
        n = rng.choice([2, 3, 4, 6])
        reps = [rng.randint(0, 2) for _ in range(n)]
    return Case("repeat", [x], {"repeats": reps, "axis": axis})


def _pad(rng: random.Random) -> Case:
    x = shape(rng, 1, 4)
    roll = rng.random()
    if roll < 0.3:
        pw: Any = rng.randint(0, 2)
    elif roll < 0.5:
        pw = (rng.randint(0, 2), rng.randint(0, 2))
    else:
        n = len(x) if rng.random() < 0.8 else len(x) + 1
        pw = [(rng.randint(-1, 2), rng.randint(0, 2)) for _ in range(n)]
    return Case("pad", [x], {"pad_width": pw})


def _split(rng: random.Random) -> Case:
    x = shape(rng, 1, 3)
    axis = _axis(rng, len(x))
    if rng.random() < 0.6:
        ios: Any = rng.choice((1, 2, 3, 4))
    else:
        ios = sorted(rng.sample(range(0, 9), rng.randint(1, 3)))
        if rng.random() < 0.2:
            ios.reverse()
    return Case("split", [x], {"indices_or_sections": ios, "axis": axis})


def _take(rng: random.Random) -> Case:
    x = shape(rng, 1, 3)
    return Case("take", [x, shape(rng, 0, 2)], {"axis": rng.choice([None, _axis(rng, len(x))])})


def _take_along_axis(rng: random.Random) -> Case:
    x = shape(rng, 1, 3)
    idx = related(rng, x)
    return Case("take_along_axis", [x, idx], {"axis": rng.choice([None, _axis(rng, len(x))])})


def _one_hot(rng: random.Random) -> Case:
    x = shape(rng, 0, 3)
    return Case("one_hot", [x], {"num_classes": rng.randint(1, 5), "axis": rng.randint(-2, len(x) + 1)})


def _broadcast_to(rng: random.Random) -> Case:
    x = shape(rng, 0, 3)
    target = tuple(d if d is not None else rng.choice((1, 4)) for d in related(rng, x))
    return Case("broadcast_to", [x], {"shape": target})


def _resize(rng: random.Random) -> Case:
    x = shape(rng, 2, 5)
    size = (rng.randint(0, 5), rng.randint(1, 5))
    args: dict[str, Any] = {"size": size, "data_format": rng.choice(["channels_last", "channels_first"])}
    if rng.random() < 0.1:
        args.update(crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    return Case("image.resize", [x], args)


def _product(rng: random.Random, name: str) -> Case:
    a = shape(rng, 1, 4)
    inner = a[-1] if rng.random() < 0.75 else rng.choice(SIZES)
    roll = rng.random()
    if roll < 0.2:
        b: Dims = (inner,)
    else:
        lead = related(rng, a[:-2]) if len(a) > 2 and rng.random() < 0.5 else ()
        b = tuple(lead) + (inner, rng.choice(SIZES))
    return Case(name, [a, b] if rng.random() < 0.85 else [b, a])


EQUATIONS = (
    ("ij,jk->ik", "ij jk"), ("bij,bjk->bik", "bij bjk"), ("bij,jk->bik", "bij jk"),
    ("...ij,jk->...ik", "bij jk"), ("bi,bi->b", "bi bi"), ("ij->ji", "ij"), ("bij->bj", "bij"),
    ("ij,jk", "ij jk"), ("bqhd,bkhd->bhqk", "bqhd bkhd"), ("i...j->j", "ij"), ("abc->cab", "abc"),
    ("bi,bj->bij", "bi bj"), ("...i,...i->...", "bi bi"),
)


def _einsum(rng: random.Random) -> Case:
    eq, letters = rng.choice(EQUATIONS)
    size = {c: rng.choice(SIZES) for c in "abcdhijkqb"}
    size["b"] = None if rng.random() < 0.5 else size["b"]
    operands = []
    for spec in letters.split():
        dims = [size[c] for c in spec]
        if rng.random() < 0.2:
            dims[rng.randrange(len(dims))] = rng.choice(SIZES)
        if rng.random() < 0.05:
            dims.append(2)
        operands.append(tuple(dims))
    return Case("einsum", operands, {"subscripts": eq})


_MAKERS = {
    "concatenate": _concatenate, "stack": _stack, "reshape": _reshape,
    "expand_dims": _expand_dims, "squeeze": _squeeze, "transpose": _transpose,
    "swapaxes": _swapaxes, "moveaxis": _moveaxis, "tile": _tile, "repeat": _repeat,
    "pad": _pad, "split": _split, "ravel": lambda rng: Case("ravel", [shape(rng, 0, 4)]),
    "take": _take, "take_along_axis": _take_along_axis, "one_hot": _one_hot,
    "broadcast_to": _broadcast_to, "image.resize": _resize,
    "matmul": lambda rng: _product(rng, "matmul"), "dot": lambda rng: _product(rng, "dot"),
    "einsum": _einsum,
}

DIFFERENTIAL = sorted(n for n, s in OPS.items() if s.family != "unknown")
"""Every op the differential test draws (the always-unknown ones are left out)."""


def _keras_fn(keras: Any, name: str) -> Any:
    fn = keras.ops
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn


def keras_result(keras: Any, case: Case) -> Any:
    """Keras's output shape(s) for ``case`` (a tuple, or a list of tuples), or the exception."""
    tensors = [2.0 if o == SCALAR else keras.KerasTensor(o) for o in case.operands]
    fn = _keras_fn(keras, case.name)
    try:
        if case.name == "einsum":
            out = fn(case.args["subscripts"], *tensors)
        elif OPS[case.name].variadic:
            out = fn(tensors, **case.args)
        else:
            out = fn(*tensors, **case.args)
    except Exception as exc:  # noqa: BLE001 - any refusal counts
        return exc
    if isinstance(out, (list, tuple)):
        return [tuple(t.shape) for t in out]
    return tuple(out.shape)


def hide(rng: random.Random, dims: Any, p: float) -> Shape:
    """``dims`` as the table sees them: some dims UNKNOWN, or the whole rank unknown."""
    if dims == SCALAR:
        return Shape(())
    if p and rng.random() < p * 0.3:
        return Shape.unknown()
    return Shape(tuple(UNKNOWN if p and rng.random() < p else d for d in dims))


def _compare(ours: Shape, theirs: tuple[Dim, ...]) -> str:
    if ours.dims is None:
        return "unknown"
    if len(ours.dims) != len(theirs):
        return "wrong"
    if any(a is not UNKNOWN and a != b for a, b in zip(ours.dims, theirs)):
        return "wrong"
    return "unknown" if UNKNOWN in ours.dims else "agree"


def run(keras: Any, case: Case, rng: random.Random, hide_p: float = 0.0) -> tuple[str, str]:
    """Classify ``case``: (outcome, detail).  ``hide_p`` hides dims from the table."""
    theirs = keras_result(keras, case)
    shapes = [hide(rng, o, hide_p) for o in case.operands]
    try:
        ours = apply_op(case.name, shapes, case.args)
    except ShapeContradiction as exc:
        if isinstance(theirs, Exception):
            return "agree", "both raise"
        return "false_alarm", f"{case} -> keras {theirs}, table raised {exc.message}"
    except Exception as exc:  # noqa: BLE001
        return "crash", f"{case}: {type(exc).__name__}: {exc}"
    if isinstance(theirs, Exception):
        known = all(s.dims is not None and UNKNOWN not in s.dims
                    for s in (ours if isinstance(ours, tuple) else (ours,)))
        kind = "confident_miss" if known and not hide_p else "miss"
        return kind, f"{case} (table {ours}) -> keras raised {type(theirs).__name__}: {theirs}"
    if isinstance(ours, tuple):
        if not isinstance(theirs, list) or len(ours) != len(theirs):
            return "wrong", f"{case}: table {ours}, keras {theirs}"
        verdicts = [_compare(o, t) for o, t in zip(ours, theirs)]
    elif isinstance(theirs, list):
        verdicts = ["unknown" if ours.dims is None else "wrong"]
    else:
        verdicts = [_compare(ours, theirs)]
    for v in ("wrong", "unknown"):
        if v in verdicts:
            return v, f"{case}: table {ours}, keras {theirs}"
    return "agree", ""
