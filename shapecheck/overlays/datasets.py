"""Keras's datasets and TensorFlow's old MNIST reader, for the interpreter: arrays of known shapes.

``keras.datasets.mnist.load_data()`` returns ``((x_train, y_train), (x_test,
y_test))`` with the shapes, dtypes and label ranges of
:data:`shapecheck.tables.data_sources.KERAS_DATASETS`;
``tensorflow.examples.tutorials.mnist.input_data.read_data_sets(...)``
returns an object whose ``train``/``validation``/``test`` hold ``images``
(n, 784) and ``labels`` ((n, 10) one-hot with ``one_hot=True``, else (n,)).
An argument that changes the counts (``maxlen``, a ``test_split`` that is
not a literal) leaves them unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, LibObject, Seq, Value
from shapecheck.overlays.objects import as_int, methods
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape
from shapecheck.tables import data_sources as D

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter


def _array(dims: tuple[Optional[int], ...], dtype: str, top: Optional[int], node: cst.CSTNode,
           count: Dim) -> Array:
    shape = (count,) + tuple(UNKNOWN if d is None else d for d in dims[1:])
    return Array(Shape(shape), dtype, max_value=top if dtype == "int" else None, node=node)


@OVERLAYS.call("keras.datasets")
def load_dataset(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``keras.datasets.<name>.load_data(...)``: the train and test arrays of the table."""
    parts = path.split(".")
    if len(parts) != 4 or parts[3] != "load_data" or not args.complete:
        return UNKNOWN_VALUE
    entry = D.KERAS_DATASETS.get(parts[2])
    if entry is None:
        return UNKNOWN_VALUE
    kw = args.keywords
    train_n: Dim = entry.train.x[0]  # type: ignore[assignment]
    test_n: Dim = entry.test.x[0]  # type: ignore[assignment]
    y_max = entry.train.y_max
    total = entry.total
    if parts[2] == "cifar100":
        mode = args.positional[0] if args.positional else kw.get("label_mode", Const("fine"))
        if not isinstance(mode, Const) or mode.value not in ("fine", "coarse"):
            y_max = None
        elif mode.value == "coarse":
            y_max = D.CIFAR100_COARSE_MAX
    if parts[2] == "california_housing":
        version = args.positional[0] if args.positional else kw.get("version", Const("large"))
        if not isinstance(version, Const) or version.value not in ("small", "large"):
            total = None
        elif version.value == "small":
            total = D.CALIFORNIA_SMALL_TOTAL
    if entry.ragged:
        if "maxlen" in kw and not (isinstance(kw["maxlen"], Const) and kw["maxlen"].value is None):
            train_n = test_n = UNKNOWN  # sequences longer than maxlen are dropped
    if entry.total is not None:
        split = kw.get("test_split")
        if split is not None or (parts[2] == "california_housing" and total != entry.total):
            value = split.value if isinstance(split, Const) else 0.2 if split is None else None
            if total is None or not isinstance(value, (int, float)) or isinstance(value, bool) \
                    or not 0 <= value < 1:
                train_n = test_n = UNKNOWN
            else:
                train_n = D.train_count(total, value)
                test_n = total - train_n
    x_dtype = entry.train.x_dtype
    train = Seq([_array(entry.train.x, x_dtype, None, node, train_n),
                 _array(entry.train.y, entry.train.y_dtype, y_max, node, train_n)])
    test = Seq([_array(entry.test.x, x_dtype, None, node, test_n),
                _array(entry.test.y, entry.test.y_dtype, y_max, node, test_n)])
    return Seq([train, test])


@OVERLAYS.call("tensorflow.examples.tutorials.mnist")
def read_data_sets(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``input_data.read_data_sets(dir, one_hot=True)``: train/validation/test images and labels."""
    if not path.endswith(".read_data_sets") or not args.complete:
        return UNKNOWN_VALUE
    one_hot = args.keywords.get("one_hot", args.positional[2] if len(args.positional) > 2 else Const(False))
    if not isinstance(one_hot, Const) or not isinstance(one_hot.value, bool):
        return UNKNOWN_VALUE
    if "validation_size" in args.keywords:
        return UNKNOWN_VALUE
    splits: dict[str, object] = {}
    for name, n in D.TF_TUTORIAL_MNIST.items():
        splits[name] = LibObject("tf_tutorial_mnist.DataSet", {
            "images": Array(Shape((n, 784)), "float", node=node),
            "labels": Array(Shape((n, 10)), "float", onehot=True, node=node) if one_hot.value
            else Array(Shape((n,)), "int", max_value=9, node=node),
            "num_examples": Const(n),
        }, node)
    return LibObject("tf_tutorial_mnist.Datasets", splits, node)


@methods("tf_tutorial_mnist.DataSet")
def next_batch(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``mnist.train.next_batch(100)``: (images, labels) of that many rows."""
    if method != "next_batch" or not args.positional:
        return UNKNOWN_VALUE
    n = as_int(args.positional[0])
    rows: Dim = n if n is not None else UNKNOWN
    out: list[Value] = []
    for key in ("images", "labels"):
        array = obj.attrs[key]
        dims = array.shape.dims
        out.append(Array(Shape((rows,) + dims[1:]), array.dtype, array.onehot, array.max_value, node))
    return Seq(out)
