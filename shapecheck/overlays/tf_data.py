"""``tf.data`` pipelines, for the interpreter: datasets with a known element spec.

``tf.data.Dataset.from_tensor_slices(x | (x, y) | {name: x})`` yields one
row of each array per element; ``.batch(n)`` puts a batch axis (of unknown
size: the last batch may be short) in front of every array; ``.shuffle``,
``.prefetch``, ``.repeat``, ``.take``, ``.skip``, ``.cache`` keep the
element spec; ``.map(fn)`` keeps what it can follow (a lambda that only
picks or reorders its arguments) and is unknown otherwise.  Keras treats
each element given to ``fit`` as one batch, so the rules compare a
dataset's element with the model's input just as they compare arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.calls import forget
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Dataset, DictVal, Function, Seq, Tensor, Value
from shapecheck.overlays.objects import as_int
from shapecheck.shapes.dims import UNKNOWN, Shape

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

_KEEP_SPEC = frozenset({"shuffle", "prefetch", "repeat", "take", "skip", "cache", "with_options", "shard",
                        "apply_options", "ignore_errors"})


def map_arrays(value: Value, fn: Any) -> Value:
    """Apply ``fn`` to every array of a nested element; other items become unknown (a bare one: all of it)."""
    if isinstance(value, Array):
        return fn(value)  # type: ignore[no-any-return]
    if isinstance(value, Seq) and value.is_tuple:
        return Seq([map_arrays(v, fn) for v in value.items], True)
    if isinstance(value, DictVal):
        return DictVal({k: map_arrays(v, fn) for k, v in value.items.items()})
    return UNKNOWN_VALUE


def row(array: Array) -> Value:
    """One row of an array: its first axis dropped."""
    dims = array.shape.dims
    if dims is None or not dims:
        return UNKNOWN_VALUE
    return Array(Shape(dims[1:]), array.dtype, array.onehot and len(dims) > 1, array.max_value, array.node)


def _batch(array: Array) -> Value:
    dims = array.shape.dims
    if dims is None:
        return UNKNOWN_VALUE
    return Array(Shape((UNKNOWN,) + dims), array.dtype, array.onehot, array.max_value, array.node)


def dataset(element: Value, batched: bool, node: cst.CSTNode) -> Value:
    """A Dataset, or unknown when nothing is known of its element."""
    if element is UNKNOWN_VALUE:
        return UNKNOWN_VALUE
    return Dataset(element, batched, node)


@OVERLAYS.call("tensorflow.data")
def call_tf_data(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``tf.data.Dataset.from_tensor_slices(...)``, ``from_tensors``, ``zip``."""
    name = path.rsplit(".", 1)[-1]
    if not path.startswith("tensorflow.data.Dataset.") or not args.complete or not args.positional:
        forget(args.values())
        return UNKNOWN_VALUE
    given = args.positional[0]
    if isinstance(given, Seq) and not given.is_tuple:
        return UNKNOWN_VALUE  # a list is stacked into one tensor by tf: not followed
    if name == "from_tensor_slices":
        return dataset(map_arrays(given, row), False, node)
    if name == "from_tensors":
        return dataset(map_arrays(given, lambda a: a), False, node)
    if name == "zip" and isinstance(given, Seq) and all(isinstance(v, Dataset) for v in given.items):
        parts: list[Dataset] = given.items  # type: ignore[assignment]
        batched = {p.batched for p in parts}
        return dataset(Seq([p.element for p in parts]), batched.pop(), node) if len(batched) == 1 else UNKNOWN_VALUE
    return UNKNOWN_VALUE


def _follow_map(fn: Value, element: Value) -> Value:
    """``.map(lambda x, y: (x, y))`` when the lambda only picks or reorders its arguments."""
    if not isinstance(fn, Function) or not isinstance(fn.node, cst.Lambda):
        return UNKNOWN_VALUE
    params = [p.name.value for p in fn.node.params.params]
    if fn.node.params.star_arg is not None or fn.node.params.kwonly_params or fn.node.params.star_kwarg:
        return UNKNOWN_VALUE
    if isinstance(element, Seq) and len(params) == len(element.items) and len(params) > 1:
        bound = dict(zip(params, element.items))
    elif len(params) == 1:
        bound = {params[0]: element}
    else:
        return UNKNOWN_VALUE
    body = fn.node.body
    if isinstance(body, cst.Name) and body.value in bound:
        return bound[body.value]
    if isinstance(body, cst.Tuple) and all(isinstance(e.value, cst.Name) and e.value.value in bound
                                           for e in body.elements):
        return Seq([bound[e.value.value] for e in body.elements])  # type: ignore[attr-defined]
    return UNKNOWN_VALUE


@OVERLAYS.method(Dataset)
def dataset_method(interp: Interpreter, ds: Any, method: str, args: Arguments, node: cst.Call,
                   method_node: cst.CSTNode) -> Value:
    """``ds.batch(32)``, ``ds.shuffle(n)``, ``ds.map(fn)``: the dataset they make."""
    if not args.complete:
        return UNKNOWN_VALUE
    if method in _KEEP_SPEC:
        return Dataset(ds.element, ds.batched, node)
    if method == "batch":
        return dataset(map_arrays(ds.element, _batch), True, node)
    if method == "unbatch":
        return dataset(map_arrays(ds.element, row), False, node) if ds.batched else UNKNOWN_VALUE
    if method == "map" and args.positional:
        return dataset(_follow_map(args.positional[0], ds.element), ds.batched, node)
    return UNKNOWN_VALUE


@OVERLAYS.attribute(Dataset)
def dataset_attribute(interp: Interpreter, ds: Any, attr: str) -> Value:
    """A dataset's attributes are not followed."""
    return UNKNOWN_VALUE


def one_hot(indices: Value, depth: Optional[int], node: cst.CSTNode) -> Value:
    """``tf.one_hot(ids, depth)``: ``ids.shape + (depth,)`` one-hot rows."""
    width = depth if depth is not None else UNKNOWN
    if isinstance(indices, Array) and indices.shape.dims is not None:
        return Array(Shape(indices.shape.dims + (width,)), "float", onehot=depth is not None and depth >= 2,
                     node=node)
    if isinstance(indices, Tensor) and indices.shape.dims is not None:
        return Tensor(Shape(indices.shape.dims + (width,)), node=node)
    return UNKNOWN_VALUE


@OVERLAYS.call("tensorflow.one_hot")
def call_one_hot(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``tf.one_hot(indices, depth)``."""
    if path != "tensorflow.one_hot" or not args.complete:
        return UNKNOWN_VALUE
    pos, kw = args.positional, args.keywords
    indices = pos[0] if pos else kw.get("indices", UNKNOWN_VALUE)
    depth = pos[1] if len(pos) > 1 else kw.get("depth", UNKNOWN_VALUE)
    if any(k in kw for k in ("axis",)) or len(pos) > 4:
        return UNKNOWN_VALUE
    return one_hot(indices, as_int(depth), node)
