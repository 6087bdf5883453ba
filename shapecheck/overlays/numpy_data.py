"""Where numpy data comes from, for the interpreter: one-hot ``np.eye(k)[ids]``, files, masks, arithmetic.

``np.eye(k)`` / ``np.identity(k)`` are one-hot rows, so ``np.eye(k)[ids]``
is one-hot labels ``ids.shape + (k,)``; indexing by an int array or a list
of ints picks rows (fancy indexing), a boolean mask keeps an unknown number
of rows and the mask's trailing axes; ``np.loadtxt``/``np.genfromtxt``
have unknown rows and unknown columns unless ``usecols`` names them;
``np.load`` is an array of unknown shape; ``np.where(c, a, b)`` broadcasts;
``np.c_[...]``/``np.r_[...]`` join columns/rows; arithmetic on arrays keeps
the broadcast shape.  Anything else stays unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, Ref, Seq, Tensor, Value
from shapecheck.overlays.numpy_arrays import NumpySemantics
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter
    from shapecheck.engine.scope import Scope


def _int(value: Optional[Value]) -> Optional[int]:
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None


@OVERLAYS.call("numpy.eye", "numpy.identity")
def eye(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``np.eye(k)``: a (k, k) identity, whose rows are one-hot (``np.eye(n, m)`` is (n, m))."""
    if not args.complete or not args.positional:
        return UNKNOWN_VALUE
    n = _int(args.positional[0])
    if n is None:
        return Array(Shape((UNKNOWN, UNKNOWN)), "float", node=node)
    m_value = args.positional[1] if len(args.positional) > 1 and path.endswith("eye") else args.keywords.get("M")
    m = n if m_value is None or (isinstance(m_value, Const) and m_value.value is None) else _int(m_value)
    offset = args.positional[2] if len(args.positional) > 2 else args.keywords.get("k", Const(0))
    square = m == n and isinstance(offset, Const) and offset.value == 0
    return Array(Shape((n, m if m is not None else UNKNOWN)), "float", onehot=square and n >= 2, node=node)


@OVERLAYS.call("numpy.loadtxt", "numpy.genfromtxt")
def load_text(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``np.loadtxt(f, usecols=(0, 1, 2))``: unknown rows; columns known only from ``usecols``."""
    kw = args.keywords
    if not args.complete or any(k in kw for k in ("unpack", "names", "ndmin", "max_rows")) \
            or (path.endswith("genfromtxt") and "dtype" in kw):
        return UNKNOWN_VALUE
    if "dtype" in kw and not (isinstance(kw["dtype"], Const) and kw["dtype"].value in ("float", "float32", "float64")) \
            and not (isinstance(kw["dtype"], Ref) and kw["dtype"].path.rsplit(".", 1)[-1].startswith("float")):
        return UNKNOWN_VALUE
    cols = kw.get("usecols")
    if cols is None:
        return Array(Shape.unknown(), "float", node=node)
    if _int(cols) is not None:
        return Array(Shape((UNKNOWN,)), "float", node=node)
    if isinstance(cols, Seq) and len(cols.items) >= 2 and all(_int(c) is not None for c in cols.items):
        return Array(Shape((UNKNOWN, len(cols.items))), "float", node=node)
    return Array(Shape.unknown(), "float", node=node)


@OVERLAYS.call("numpy.load")
def load(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``np.load('x.npy')``: an array of unknown shape (an ``.npz`` archive is not an array)."""
    if path != "numpy.load" or not args.positional:
        return UNKNOWN_VALUE
    name = args.positional[0]
    if isinstance(name, Const) and isinstance(name.value, str) and name.value.endswith(".npy"):
        return Array(Shape.unknown(), None, node=node)
    return UNKNOWN_VALUE


@OVERLAYS.call("numpy.where")
def where(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``np.where(c, a, b)``: the broadcast shape of the three (one argument: index arrays, unknown)."""
    if path != "numpy.where" or len(args.positional) != 3 or not args.complete:
        return UNKNOWN_VALUE
    shapes = [_shape_of(v) for v in args.positional]
    if any(s is None for s in shapes):
        return Array(Shape.unknown(), None, node=node)
    out: Optional[Shape] = shapes[0]
    for s in shapes[1:]:
        out = broadcast(out, s) if out is not None else None  # type: ignore[arg-type]
    kinds = {_kind_of(v) for v in args.positional[1:]}
    dtype = kinds.pop() if len(kinds) == 1 else ("float" if "float" in kinds else None)
    return Array(out if out is not None else Shape.unknown(), dtype, node=node)


def _shape_of(value: Value) -> Optional[Shape]:
    if isinstance(value, Array):
        return value.shape
    if isinstance(value, Const) and isinstance(value.value, (int, float, bool)):
        return Shape(())
    return None


def _kind_of(value: Value) -> Optional[str]:
    if isinstance(value, Array):
        return value.dtype
    if isinstance(value, Const):
        v = value.value
        return "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "float" if isinstance(v, float) \
            else None
    return None


def broadcast(a: Shape, b: Shape) -> Optional[Shape]:
    """numpy's broadcast of two shapes (unknown where either side is; None when they clash)."""
    if a.dims is None or b.dims is None:
        return Shape.unknown()
    x, y = a.dims, b.dims
    n = max(len(x), len(y))
    x = (1,) * (n - len(x)) + x
    y = (1,) * (n - len(y)) + y
    out: list[Dim] = []
    for p, q in zip(x, y):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        elif is_known(p) and is_known(q):
            if p != q:
                return None
            out.append(p)
        else:
            out.append(p if is_known(p) else q if is_known(q) else UNKNOWN)
    return Shape(out)


@OVERLAYS.operator(Array)
def array_arithmetic(interp: Interpreter, op: cst.BaseBinaryOp, left: Value, right: Value) -> Value:
    """``x / 255.0``, ``x - mean``: the broadcast shape; ``/`` makes floats."""
    if isinstance(left, Tensor) or isinstance(right, Tensor):
        handler = OVERLAYS.arithmetic.get(Tensor)
        return handler(interp, op, left, right) if handler is not None else UNKNOWN_VALUE
    sides = [_shape_of(left), _shape_of(right)]
    if sides[0] is None or sides[1] is None:
        return UNKNOWN_VALUE
    shape = broadcast(sides[0], sides[1])
    if shape is None:
        return UNKNOWN_VALUE
    kinds = {_kind_of(left), _kind_of(right)}
    if None in kinds or "object" in kinds or "str" in kinds:
        dtype = None
    elif isinstance(op, cst.Divide) or "float" in kinds:
        dtype = "float"
    elif isinstance(op, (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo)):
        dtype = "int"
    else:
        dtype = None
    return Array(shape, dtype)


# ------------------------------------------------------------------- indexing
def _index_part(interp: Interpreter, part: cst.BaseSlice, scope: Scope) -> Any:
    """One part of an index: a slice, None, "int", ("rows", n-dims) for int arrays, ("mask", rank), or "?"."""
    if isinstance(part, cst.Slice):
        return slice(*[interp.slice_bound_value(b, scope) for b in (part.lower, part.upper, part.step)])
    expr = part.value  # type: ignore[attr-defined]
    value = interp.eval(expr, scope)
    if isinstance(value, Const) and value.value is None:
        return None
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return "int"
    if isinstance(value, Array) and value.shape.dims is not None:
        if value.dtype == "bool":
            return ("mask", len(value.shape.dims))
        if value.dtype == "int":
            return ("rows", value.shape.dims)
        return "?"
    if isinstance(value, Seq) and value.items and all(_int(v) is not None for v in value.items):
        return ("rows", (len(value.items),))
    if isinstance(expr, cst.Comparison) and len(expr.comparisons) == 1:
        left = interp.eval(expr.left, scope)
        if isinstance(left, Array) and left.shape.dims is not None:
            return ("mask", len(left.shape.dims))
    return "?"


@OVERLAYS.subscript(Array)
def index_array(interp: Interpreter, array: Any, node: cst.Subscript, scope: Scope) -> Value:
    """``x[0]``, ``x[:, 1:]``, ``x[..., None]``, ``np.eye(k)[ids]``, ``x[x[:, 0] > 0]`` on a numpy array."""
    parts = [_index_part(interp, element.slice, scope) for element in node.slice]
    numpy = NumpySemantics(interp)
    if parts and isinstance(parts[0], tuple):
        dims = array.shape.dims
        head = parts[0]
        if dims is None or not dims or "?" in parts[1:] or any(isinstance(p, tuple) for p in parts[1:]):
            return Array(Shape.unknown(), array.dtype, node=node)
        if head[0] == "mask":
            if head[1] > len(dims):
                return Array(Shape.unknown(), array.dtype, node=node)
            picked = Array(Shape((UNKNOWN,) + dims[head[1]:]), array.dtype, array.onehot and head[1] == 1,
                           array.max_value, node)
        else:
            picked = Array(Shape(tuple(head[1]) + dims[1:]), array.dtype, array.onehot, array.max_value, node)
        if len(parts) == 1:
            return picked
        if head[0] == "rows" and len(head[1]) != 1:
            return Array(Shape.unknown(), array.dtype, node=node)
        result = numpy.index(picked, [slice(None)] + parts[1:], node)
        return result
    if "?" in parts or any(isinstance(p, tuple) for p in parts):
        return Array(Shape.unknown(), array.dtype, node=node)
    return numpy.index(array, parts, node)


@OVERLAYS.subscript(Ref)
def index_ref(interp: Interpreter, ref: Any, node: cst.Subscript, scope: Scope) -> Value:
    """``np.c_[a, b]`` (columns side by side) and ``np.r_[a, b]`` (rows one after another)."""
    if ref.path not in ("numpy.c_", "numpy.r_"):
        for element in node.slice:
            interp.eval_slice_part(element.slice, scope)
        return UNKNOWN_VALUE
    items: list[Value] = []
    for element in node.slice:
        if not isinstance(element.slice, cst.Index):
            return UNKNOWN_VALUE
        items.append(interp.eval(element.slice.value, scope))
    if not items or not all(isinstance(i, Array) and i.shape.dims is not None for i in items):
        return UNKNOWN_VALUE
    arrays: list[Array] = items  # type: ignore[assignment]
    ranks = {len(a.shape.dims) for a in arrays}  # type: ignore[arg-type]
    kinds = {a.dtype for a in arrays}
    dtype = kinds.pop() if len(kinds) == 1 else None
    if ref.path == "numpy.c_":
        if not ranks <= {1, 2}:
            return UNKNOWN_VALUE
        rows = {a.shape.dims[0] for a in arrays if is_known(a.shape.dims[0])}  # type: ignore[index]
        if len(rows) > 1:
            return UNKNOWN_VALUE
        widths: list[Dim] = [1 if len(a.shape.dims or ()) == 1 else (a.shape.dims or (UNKNOWN, UNKNOWN))[1]
                             for a in arrays]
        n: Dim = rows.pop() if rows else UNKNOWN
        total = sum(widths) if all(is_known(w) for w in widths) else UNKNOWN  # type: ignore[arg-type]
        return Array(Shape((n, total)), dtype, node=node)
    if len(ranks) != 1:
        return UNKNOWN_VALUE
    lengths = [a.shape.dims[0] for a in arrays]  # type: ignore[index]
    rest = {a.shape.dims[1:] for a in arrays}  # type: ignore[index]
    if len(rest) != 1:
        return UNKNOWN_VALUE
    total = sum(lengths) if all(is_known(d) for d in lengths) else UNKNOWN  # type: ignore[arg-type]
    return Array(Shape((total,) + rest.pop()), dtype, node=node)
