"""scikit-learn, for the interpreter: splits, bundled datasets, generators, scalers and encoders.

``train_test_split(*arrays, test_size, train_size)`` splits the rows of
every array as sklearn computes them (a float ``test_size`` takes
``ceil(test_size * n)`` rows, the default is 0.25) and keeps every other
axis; ``load_iris``/``load_digits``/... give the shapes of
:data:`shapecheck.tables.data_sources.SKLEARN_DATASETS` (a Bunch with
``.data``/``.target``, or a tuple with ``return_X_y=True``);
``make_classification`` and the other generators give (n_samples,
n_features) data; scalers keep the shape; ``OneHotEncoder`` and
``LabelBinarizer`` keep the rows (columns known only from explicit
categories); ``LabelEncoder`` makes 1-D class ids.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.calls import forget
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, LibObject, Seq, Value
from shapecheck.overlays.objects import as_int, methods
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.tables import data_sources as D

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

SCALERS = frozenset({"StandardScaler", "MinMaxScaler", "RobustScaler", "MaxAbsScaler", "Normalizer",
                     "QuantileTransformer", "PowerTransformer"})
"""Transformers whose output has the input's shape."""


def _arg(args: Arguments, index: int, name: str, default: Value) -> Value:
    if index < len(args.positional):
        return args.positional[index]
    return args.keywords.get(name, default)


def split_sizes(n: int, test_size: Value, train_size: Value) -> Optional[tuple[int, int]]:
    """(n_train, n_test) as sklearn's ``_validate_shuffle_split`` computes them; None when not literal."""
    def read(value: Value) -> object:
        if isinstance(value, Const) and (value.value is None or isinstance(value.value, (int, float))) \
                and not isinstance(value.value, bool):
            return value.value
        return UNKNOWN

    test, train = read(test_size), read(train_size)
    if test is UNKNOWN or train is UNKNOWN:
        return None
    if test is None and train is None:
        test = 0.25
    n_test: Any = math.ceil(test * n) if isinstance(test, float) else test
    n_train: Any = math.floor(train * n) if isinstance(train, float) else train
    if n_train is None:
        n_train = n - n_test
    elif n_test is None:
        n_test = n - n_train
    if not isinstance(n_train, int) or not isinstance(n_test, int) or n_train <= 0 or n_test <= 0 \
            or n_train + n_test > n:
        return None  # sklearn raises, or a fraction out of range: say nothing
    return n_train, n_test


def _rows(value: Value) -> Dim:
    if isinstance(value, Array) and value.shape.dims:
        return value.shape.dims[0]
    return UNKNOWN


def _with_rows(value: Value, rows: Dim, node: cst.CSTNode) -> Value:
    if isinstance(value, Array) and value.shape.dims:
        return Array(Shape((rows,) + value.shape.dims[1:]), value.dtype, value.onehot, value.max_value, node)
    if isinstance(value, LibObject) and value.kind.startswith("pandas."):
        return LibObject(value.kind, {k: v for k, v in value.attrs.items() if k == "columns"}, node)
    return UNKNOWN_VALUE


@OVERLAYS.call("sklearn.model_selection.train_test_split", "sklearn.cross_validation.train_test_split")
def train_test_split(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``train_test_split(X, y, test_size=0.2)``: ``[X_train, X_test, y_train, y_test]``."""
    if not args.complete or not args.positional:
        return UNKNOWN_VALUE
    kw = args.keywords
    known = {r for r in (_rows(a) for a in args.positional) if is_known(r)}
    sizes = None
    if len(known) == 1:
        sizes = split_sizes(known.pop(), kw.get("test_size", Const(None)), kw.get("train_size", Const(None)))
    n_train, n_test = sizes if sizes is not None else (UNKNOWN, UNKNOWN)
    out: list[Value] = []
    for array in args.positional:
        out.extend([_with_rows(array, n_train, node), _with_rows(array, n_test, node)])
    return Seq(out, is_tuple=False)


@OVERLAYS.call("sklearn.datasets")
def sklearn_dataset(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``load_iris()``, ``make_classification(n_samples, n_features)`` and the like."""
    name = path.rsplit(".", 1)[-1]
    if not args.complete:
        return UNKNOWN_VALUE
    if name in D.SKLEARN_DATASETS:
        return _load(name, args, node)
    if name.startswith("make_"):
        return _make(name, args, node)
    return UNKNOWN_VALUE


def _load(name: str, args: Arguments, node: cst.CSTNode) -> Value:
    entry = D.SKLEARN_DATASETS[name]
    kw = args.keywords
    if any(k in kw for k in ("as_frame", "n_class")) or args.positional:
        as_frame = kw.get("as_frame", Const(False))
        if args.positional or not isinstance(as_frame, Const) or as_frame.value is not False or "n_class" in kw:
            return UNKNOWN_VALUE
    x = Array(Shape(entry.data), "float", node=node)
    y = Array(Shape(entry.data[:1]), entry.target_dtype, max_value=entry.target_max, node=node)
    return_xy = kw.get("return_X_y", Const(False))
    if not isinstance(return_xy, Const):
        return UNKNOWN_VALUE
    if return_xy.value:
        return Seq([x, y])
    attrs: dict[str, object] = {"data": x, "target": y}
    if name == "load_digits":
        attrs["images"] = Array(Shape(D.SKLEARN_DIGITS_IMAGES), "float", node=node)
    return LibObject("sklearn.Bunch", attrs, node)


def _make(name: str, args: Arguments, node: cst.CSTNode) -> Value:
    n = as_int(_arg(args, 0, "n_samples", Const(100)))
    if n is None:
        return UNKNOWN_VALUE
    if name in ("make_moons", "make_circles"):
        return Seq([Array(Shape((n, 2)), "float", node=node), Array(Shape((n,)), "int", max_value=1, node=node)])
    if name == "make_classification":
        features = as_int(_arg(args, 1, "n_features", Const(20)))
        classes = as_int(args.keywords.get("n_classes", Const(2)))
        return Seq([Array(Shape((n, features if features is not None else UNKNOWN)), "float", node=node),
                    Array(Shape((n,)), "int", max_value=classes - 1 if classes else None, node=node)])
    if name == "make_regression":
        features = as_int(_arg(args, 1, "n_features", Const(100)))
        targets = as_int(_arg(args, 3, "n_targets", Const(1)))
        if "coef" in args.keywords or targets is None:
            return UNKNOWN_VALUE
        y_dims: tuple[Dim, ...] = (n,) if targets == 1 else (n, targets)
        return Seq([Array(Shape((n, features if features is not None else UNKNOWN)), "float", node=node),
                    Array(Shape(y_dims), "float", node=node)])
    if name == "make_blobs":
        features = as_int(_arg(args, 1, "n_features", Const(2)))
        centers = _arg(args, 2, "centers", Const(None))
        count = 3 if isinstance(centers, Const) and centers.value is None else as_int(centers)
        if "return_centers" in args.keywords:
            return UNKNOWN_VALUE
        return Seq([Array(Shape((n, features if features is not None else UNKNOWN)), "float", node=node),
                    Array(Shape((n,)), "int", max_value=count - 1 if count else None, node=node)])
    return UNKNOWN_VALUE


@OVERLAYS.call("sklearn.preprocessing")
def preprocessing(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``StandardScaler()``, ``OneHotEncoder(sparse_output=False)``, ``LabelEncoder()``: transformer objects."""
    name = path.rsplit(".", 1)[-1]
    if name in SCALERS:
        return LibObject("sklearn.scaler", {}, node)
    if name == "LabelEncoder":
        return LibObject("sklearn.label_encoder", {}, node)
    if name == "LabelBinarizer":
        return LibObject("sklearn.label_binarizer", {}, node)
    if name == "OneHotEncoder" and args.complete:
        kw = args.keywords
        if any(k not in ("sparse", "sparse_output", "categories", "handle_unknown", "dtype") for k in kw) \
                or args.positional:
            return UNKNOWN_VALUE
        dense = kw.get("sparse_output", kw.get("sparse", Const(True)))
        if not isinstance(dense, Const) or not isinstance(dense.value, bool):
            return UNKNOWN_VALUE
        width: Dim = UNKNOWN
        categories = kw.get("categories", Const("auto"))
        if isinstance(categories, Seq) and all(isinstance(c, Seq) for c in categories.items):
            width = sum(len(c.items) for c in categories.items if isinstance(c, Seq))
        return LibObject("sklearn.onehot", {"sparse": dense.value, "width": width}, node)
    forget(args.values())
    return UNKNOWN_VALUE


@methods("sklearn.scaler")
def scaler_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``fit_transform``/``transform``/``inverse_transform`` keep the shape; ``fit`` returns the scaler."""
    x = args.positional[0] if args.positional else UNKNOWN_VALUE
    if method == "fit":
        return obj
    if method in ("fit_transform", "transform", "inverse_transform") and isinstance(x, Array) \
            and x.shape.dims is not None and len(x.shape.dims) == 2:
        return Array(x.shape, "float", node=node)
    return UNKNOWN_VALUE


@methods("sklearn.label_encoder")
def label_encoder_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments,
                         node: cst.Call) -> Value:
    """``LabelEncoder().fit_transform(y)``: 1-D class ids (how many classes is unknown)."""
    y = args.positional[0] if args.positional else UNKNOWN_VALUE
    if method == "fit":
        return obj
    if method in ("fit_transform", "transform") and isinstance(y, Array) and y.shape.dims is not None \
            and (len(y.shape.dims) == 1 or (len(y.shape.dims) == 2 and y.shape.dims[1] == 1)):
        return Array(Shape(y.shape.dims[:1]), "int", node=node)
    return UNKNOWN_VALUE


@methods("sklearn.label_binarizer", "sklearn.onehot")
def encoder_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``fit_transform(y)``: one row per sample; columns known only from explicit categories."""
    y = args.positional[0] if args.positional else UNKNOWN_VALUE
    if method == "fit":
        return obj
    if method not in ("fit_transform", "transform") or not isinstance(y, Array) or not y.shape.dims:
        return UNKNOWN_VALUE
    width = obj.attrs.get("width", UNKNOWN)
    out = Array(Shape((y.shape.dims[0], width)), "float" if obj.kind == "sklearn.onehot" else "int", node=node)
    if obj.attrs.get("sparse"):
        return LibObject("scipy.sparse", {"dense": out}, node)
    return out


@methods("scipy.sparse")
def sparse_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``m.toarray()``/``m.todense()``: the dense array."""
    if method in ("toarray", "todense"):
        return obj.attrs["dense"]  # type: ignore[no-any-return]
    return UNKNOWN_VALUE
