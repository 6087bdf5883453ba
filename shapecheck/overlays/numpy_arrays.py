"""How numpy calls behave, for the interpreter: the shapes of arrays.

Constructors (``np.array``, ``np.zeros``, ``np.random.rand``, ``np.arange``),
shape functions and methods (``reshape``, ``expand_dims``, ``squeeze``,
``transpose``, ``concatenate``, ``stack``) and indexing compute the result's
shape; a call numpy itself would reject is reported through a
:class:`~shapecheck.engine.events.NumpyProblem` event.  Anything not listed here is
unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

import libcst as cst

from shapecheck.engine.events import NumpyProblem
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, dim_product, is_known
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, Seq, Tensor, Value

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.overlays.numpy_literals import _is_onehot, _nested_shape

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

_FLOAT_MAKERS = {"rand", "randn", "random", "random_sample", "uniform", "normal", "standard_normal", "sample"}


def _as_int(value: Value) -> Any:
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return UNKNOWN


def shape_arg(value: Value) -> Optional[tuple[Dim, ...]]:
    """A shape argument: an int or a tuple/list of ints (None if not a shape at all)."""
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return (value.value,)
    if isinstance(value, Seq):
        return tuple(_as_int(v) for v in value.items)
    return None


def _dtype_of(value: Value) -> Optional[str]:
    if isinstance(value, Const):
        v = value.value
        if isinstance(v, str):
            v = v.lower()
            if v.startswith(("int", "uint")):
                return "int"
            if v.startswith("float"):
                return "float"
            if v in ("bool", "object", "str"):
                return v
        return None
    from shapecheck.engine.values import Ref

    if isinstance(value, Ref):
        name = value.path.rsplit(".", 1)[-1]
        if name in ("int", "int8", "int16", "int32", "int64", "uint8"):
            return "int"
        if name in ("float", "float16", "float32", "float64"):
            return "float"
        if name in ("object", "object_"):
            return "object"
        if name in ("bool", "bool_"):
            return "bool"
    return None


class NumpySemantics:
    """The numpy half of the interpreter."""

    def __init__(self, interp: "Interpreter") -> None:
        self.interp = interp

    def problem(self, node: cst.CSTNode, message: str) -> None:
        """Report a call numpy would reject."""
        self.interp.emit(NumpyProblem(message, node))

    # -------------------------------------------------------------- literals
    def from_literal(self, value: Value, node: cst.CSTNode, dtype: Optional[str], report: bool = True) -> Value:
        """``np.array(nested lists)``: its shape, or a problem when it is ragged."""
        if isinstance(value, Array):
            return Array(value.shape, dtype or value.dtype, value.onehot, value.max_value, node)
        if isinstance(value, Tensor):
            return UNKNOWN_VALUE
        result = _nested_shape(value)
        if result is None:
            return UNKNOWN_VALUE
        dims, kinds, ragged, max_int = result
        if ragged:
            if dtype != "object" and report:
                self.problem(node, "`np.array` of nested sequences with different lengths is ragged: numpy "
                                   "raises `ValueError: ... inhomogeneous shape`; pad the rows to one length or "
                                   "pass `dtype=object`")
            return UNKNOWN_VALUE
        kind = dtype or ("float" if "float" in kinds else "int" if "int" in kinds else
                         "bool" if "bool" in kinds else "str" if "str" in kinds else None)
        return Array(Shape(dims), kind, onehot=_is_onehot(value, dims),
                     max_value=max_int if kind == "int" else None, node=node)

    # ---------------------------------------------------------------- calls
    def call(self, name: str, args: Arguments, node: cst.CSTNode) -> Value:
        """Call ``numpy.<name>`` (``name`` may be ``random.rand`` and the like)."""
        pos, kw = args.positional, args.keywords
        if not args.complete:
            return UNKNOWN_VALUE
        dtype = _dtype_of(kw["dtype"]) if "dtype" in kw else None
        if name in ("array", "asarray", "asanyarray"):
            if not pos:
                return UNKNOWN_VALUE
            given = kw.get("dtype", pos[1] if len(pos) > 1 else None)
            if given is not None and _dtype_of(given) is None:
                return UNKNOWN_VALUE  # a dtype we cannot read may be object: say nothing
            return self.from_literal(pos[0], node, _dtype_of(given) if given is not None else None)
        if name in ("zeros", "ones", "empty", "full"):
            shape = shape_arg(pos[0]) if pos else (shape_arg(kw["shape"]) if "shape" in kw else None)
            if shape is None:
                return UNKNOWN_VALUE
            if name == "full" and dtype is None:
                fill = pos[1] if len(pos) > 1 else kw.get("fill_value")
                if isinstance(fill, Const):
                    dtype = "int" if isinstance(fill.value, int) and not isinstance(fill.value, bool) else "float"
            elif dtype is None and len(pos) > 1 and name != "full":
                dtype = _dtype_of(pos[1])
            return Array(Shape(shape), dtype or "float", node=node)
        if name in ("zeros_like", "ones_like", "empty_like", "full_like"):
            if pos and isinstance(pos[0], Array):
                return Array(pos[0].shape, dtype or pos[0].dtype, node=node)
            return UNKNOWN_VALUE
        if name.startswith("random."):
            return self.random(name[len("random."):], pos, kw, node)
        if name == "arange":
            return self.arange(pos, kw, node, dtype)
        if name == "linspace":
            num = _as_int(pos[2]) if len(pos) > 2 else _as_int(kw.get("num", Const(50)))
            return Array(Shape((num,)), "float", node=node)
        if name == "reshape" and len(pos) >= 2 and isinstance(pos[0], Array):
            return self.reshape(pos[0], shape_arg(pos[1]), node)
        if name == "expand_dims" and pos and isinstance(pos[0], Array):
            axis = pos[1] if len(pos) > 1 else kw.get("axis", UNKNOWN_VALUE)
            return self.expand_dims(pos[0], axis, node)
        if name == "squeeze" and pos and isinstance(pos[0], Array):
            return self.squeeze(pos[0], pos[1] if len(pos) > 1 else kw.get("axis"), node)
        if name == "transpose" and pos and isinstance(pos[0], Array):
            return self.transpose(pos[0], pos[1] if len(pos) > 1 else kw.get("axes"), node)
        if name in ("concatenate", "stack", "vstack", "hstack"):
            items = self.interp.iterate(pos[0]) if pos else None
            if items is None or not items or not all(isinstance(i, Array) for i in items):
                return UNKNOWN_VALUE
            axis_value = pos[1] if len(pos) > 1 else kw.get("axis", Const(0))
            return self.join(name, items, axis_value, node)  # type: ignore[arg-type]
        if name in ("argmax", "argmin") and pos and isinstance(pos[0], Array):
            axis_arg = pos[1] if len(pos) > 1 else kw.get("axis")
            return self.reduce(pos[0], axis_arg, "int", node)
        if name in ("sum", "mean", "max", "min", "std") and pos and isinstance(pos[0], Array):
            axis_arg = pos[1] if len(pos) > 1 else kw.get("axis")
            return self.reduce(pos[0], axis_arg, pos[0].dtype if name in ("sum", "max", "min") else "float", node)
        if name in ("float32", "float64", "int32", "int64"):
            return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def random(self, name: str, pos: list[Value], kw: dict[str, Value], node: cst.CSTNode) -> Value:
        """``np.random.rand(3, 4)``, ``np.random.randint(0, 10, size=(8,))`` and the like."""
        if name in ("rand", "randn"):
            dims = tuple(_as_int(p) for p in pos)
            return Array(Shape(dims), "float", node=node)
        if name in _FLOAT_MAKERS:
            size = kw.get("size")
            if size is None:
                index = {"random": 0, "random_sample": 0, "sample": 0, "standard_normal": 0,
                         "uniform": 2, "normal": 2}.get(name, 99)
                size = pos[index] if len(pos) > index else None
            if size is None:
                return UNKNOWN_VALUE
            shape = shape_arg(size)
            return Array(Shape(shape), "float", node=node) if shape is not None else UNKNOWN_VALUE
        if name == "randint":
            low = pos[0] if pos else kw.get("low")
            high = pos[1] if len(pos) > 1 else kw.get("high")
            size = pos[2] if len(pos) > 2 else kw.get("size")
            top = high if high is not None and not (isinstance(high, Const) and high.value is None) else low
            max_value = _as_int(top) - 1 if top is not None and _as_int(top) is not UNKNOWN else None
            if size is None:
                return UNKNOWN_VALUE
            shape = shape_arg(size)
            if shape is None:
                return UNKNOWN_VALUE
            return Array(Shape(shape), "int", max_value=max_value, node=node)
        return UNKNOWN_VALUE

    def arange(self, pos: list[Value], kw: dict[str, Value], node: cst.CSTNode, dtype: Optional[str]) -> Value:
        """``np.arange(n)`` or ``np.arange(start, stop, step)`` with known ints."""
        bounds = [_as_int(p) for p in pos]
        if not bounds or any(b is UNKNOWN for b in bounds) or len(bounds) > 3:
            return Array(Shape((UNKNOWN,)), dtype, node=node) if pos else UNKNOWN_VALUE
        try:
            r = range(*bounds)  # type: ignore[arg-type]
            length = len(r)
        except (ValueError, OverflowError):  # a zero step, or more items than an index holds
            return Array(Shape((UNKNOWN,)), dtype, node=node)
        largest = max(r[0], r[-1]) if length else None  # never iterate: the range may be huge
        return Array(Shape((length,)), dtype or "int", max_value=largest, node=node)

    # -------------------------------------------------------- array methods
    def method(self, array: Array, name: str, args: Arguments, node: cst.CSTNode) -> Value:
        """``x.reshape(...)``, ``x.astype(...)`` and other ndarray methods."""
        pos, kw = args.positional, args.keywords
        if not args.complete:
            return UNKNOWN_VALUE
        if name == "reshape":
            if len(pos) == 1:
                shape = shape_arg(pos[0])
            else:
                shape = tuple(_as_int(p) for p in pos)
            if "newshape" in kw or "shape" in kw:
                shape = shape_arg(kw.get("shape", kw.get("newshape", UNKNOWN_VALUE)))
            return self.reshape(array, shape, node)
        if name == "astype" and pos:
            return Array(array.shape, _dtype_of(pos[0]), array.onehot, None, node)
        if name in ("flatten", "ravel"):
            size = dim_product(array.shape.dims) if array.shape.dims is not None else UNKNOWN
            return Array(Shape((size,)), array.dtype, node=node)
        if name == "squeeze":
            return self.squeeze(array, pos[0] if pos else kw.get("axis"), node)
        if name == "transpose":
            axes = pos[0] if len(pos) == 1 else (Seq(pos) if pos else None)
            return self.transpose(array, axes, node)
        if name == "copy":
            return Array(array.shape, array.dtype, array.onehot, array.max_value, node)
        if name in ("argmax", "argmin"):
            return self.reduce(array, pos[0] if pos else kw.get("axis"), "int", node)
        if name in ("sum", "mean", "max", "min", "std"):
            return self.reduce(array, pos[0] if pos else kw.get("axis"), array.dtype, node)
        if name == "tolist":
            return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def attribute(self, array: Array, name: str) -> Value:
        """``x.shape``, ``x.ndim``, ``x.size``, ``x.T``."""
        dims = array.shape.dims
        if name == "shape":
            return Seq([_dim(d) for d in dims]) if dims is not None else UNKNOWN_VALUE
        if name == "ndim":
            return Const(len(dims)) if dims is not None else UNKNOWN_VALUE
        if name == "size":
            size = dim_product(dims) if dims is not None else UNKNOWN
            return Const(size) if is_known(size) else UNKNOWN_VALUE
        if name == "T":
            return Array(Shape(tuple(reversed(dims))) if dims is not None else Shape.unknown(), array.dtype)
        return UNKNOWN_VALUE

    # ------------------------------------------------------------ operations
    def reshape(self, array: Array, target: Optional[tuple[Dim, ...]], node: cst.CSTNode) -> Value:
        """Reshape with at most one -1; a size that cannot match is a problem."""
        if target is None:
            return UNKNOWN_VALUE
        if any(d is UNKNOWN for d in target):
            return Array(Shape(tuple(d if is_known(d) and d >= 0 else UNKNOWN for d in target)), array.dtype, node=node)
        holes = [i for i, d in enumerate(target) if d == -1]
        if len(holes) > 1:
            self.problem(node, f"`reshape{target}` has more than one -1; numpy can infer only one dimension")
            return UNKNOWN_VALUE
        dims = array.shape.dims
        size = dim_product(dims) if dims is not None else UNKNOWN
        known = 1
        for d in target:
            if d != -1:
                known *= d  # type: ignore[operator]
        if not is_known(size):
            return Array(Shape(tuple(UNKNOWN if d == -1 else d for d in target)), array.dtype, node=node)
        if holes:
            if known == 0 or size % known:  # type: ignore[operator]
                self.problem(node, f"cannot reshape an array of shape {array.shape} ({size} values) into "
                                   f"{_fmt(target)}: {size} is not divisible by {known}")
                return UNKNOWN_VALUE
            resolved = tuple(size // known if d == -1 else d for d in target)  # type: ignore[operator]
        else:
            if known != size:
                self.problem(node, f"cannot reshape an array of shape {array.shape} ({size} values) into "
                                   f"{_fmt(target)} ({known} values)")
                return UNKNOWN_VALUE
            resolved = target
        return Array(Shape(resolved), array.dtype, array.onehot if resolved[-1:] == dims[-1:] else False,  # type: ignore[index]
                     array.max_value, node)

    def expand_dims(self, array: Array, axis: Value, node: cst.CSTNode) -> Value:
        """Insert an axis of size 1."""
        dims = array.shape.dims
        a = _as_int(axis)
        if dims is None or a is UNKNOWN or not -(len(dims) + 1) <= a <= len(dims):
            return Array(Shape.unknown(), array.dtype, node=node)
        a %= len(dims) + 1
        return Array(Shape(dims[:a] + (1,) + dims[a:]), array.dtype, max_value=array.max_value, node=node)

    def squeeze(self, array: Array, axis: Optional[Value], node: cst.CSTNode) -> Value:
        """Drop axes of size 1."""
        dims = array.shape.dims
        if dims is None:
            return Array(Shape.unknown(), array.dtype, node=node)
        if axis is None or (isinstance(axis, Const) and axis.value is None):
            if any(not is_known(d) for d in dims):
                return Array(Shape.unknown(), array.dtype, node=node)
            return Array(Shape(tuple(d for d in dims if d != 1)), array.dtype, max_value=array.max_value, node=node)
        a = _as_int(axis)
        if a is UNKNOWN or not -len(dims) <= a < len(dims):
            return Array(Shape.unknown(), array.dtype, node=node)
        a %= len(dims)
        return Array(Shape(dims[:a] + dims[a + 1:]), array.dtype, max_value=array.max_value, node=node)

    def transpose(self, array: Array, axes: Optional[Value], node: cst.CSTNode) -> Value:
        """Reverse the axes, or permute them by ``axes``."""
        dims = array.shape.dims
        if dims is None:
            return Array(Shape.unknown(), array.dtype, node=node)
        if axes is None or (isinstance(axes, Const) and axes.value is None):
            return Array(Shape(tuple(reversed(dims))), array.dtype, node=node)
        order = shape_arg(axes)
        if order is None or len(order) != len(dims) or sorted(o for o in order if is_known(o)) != list(range(len(dims))):
            return Array(Shape.unknown(), array.dtype, node=node)
        return Array(Shape(tuple(dims[o] for o in order)), array.dtype, node=node)  # type: ignore[index]

    def reduce(self, array: Array, axis: Optional[Value], dtype: Optional[str], node: cst.CSTNode) -> Value:
        """argmax/sum/mean over one axis (or all axes)."""
        dims = array.shape.dims
        if axis is None or (isinstance(axis, Const) and axis.value is None):
            return UNKNOWN_VALUE
        a = _as_int(axis)
        if dims is None or a is UNKNOWN or not -len(dims) <= a < len(dims):
            return Array(Shape.unknown(), dtype, node=node)
        a %= len(dims)
        return Array(Shape(dims[:a] + dims[a + 1:]), dtype, node=node)

    def join(self, name: str, items: Sequence[Array], axis_value: Value, node: cst.CSTNode) -> Value:
        """concatenate/stack/vstack/hstack: every axis but the joined one must agree."""
        shapes = [a.shape.dims for a in items]
        dtype = items[0].dtype if all(a.dtype == items[0].dtype for a in items) else None
        if any(s is None for s in shapes):
            return Array(Shape.unknown(), dtype, node=node)
        if name == "vstack":
            shapes = [s if len(s) >= 2 else (1,) + s for s in shapes]  # type: ignore[operator, arg-type]
            name, axis = "concatenate", 0
        elif name == "hstack":
            axis = 0 if all(len(s) == 1 for s in shapes) else 1  # type: ignore[arg-type]
            name = "concatenate"
        else:
            axis = _as_int(axis_value)
            if axis is UNKNOWN:
                return Array(Shape.unknown(), dtype, node=node)
        ranks = {len(s) for s in shapes}  # type: ignore[arg-type]
        listing = ", ".join(str(Shape(s)) for s in shapes)
        if name == "stack":
            if len(ranks) != 1 or any(_conflict(col) for col in zip(*shapes)):  # type: ignore[misc]
                self.problem(node, f"`np.stack` needs arrays of one shape, but receives {listing}")
                return UNKNOWN_VALUE
            (rank,) = ranks
            if not -(rank + 1) <= axis <= rank:
                return UNKNOWN_VALUE
            axis %= rank + 1
            base = [_merge(col) for col in zip(*shapes)]  # type: ignore[misc]
            return Array(Shape(tuple(base[:axis]) + (len(items),) + tuple(base[axis:])), dtype, node=node)
        if len(ranks) != 1:
            self.problem(node, f"`np.concatenate` needs arrays of one rank, but receives {listing}")
            return UNKNOWN_VALUE
        (rank,) = ranks
        if rank == 0 or not -rank <= axis < rank:
            return UNKNOWN_VALUE
        axis %= rank
        out: list[Dim] = []
        for i, col in enumerate(zip(*shapes)):  # type: ignore[misc]
            if i == axis:
                out.append(sum(col) if all(is_known(d) for d in col) else UNKNOWN)
            elif _conflict(col):
                self.problem(node, f"`np.concatenate` along axis {axis} needs every other axis to match, but "
                                   f"receives {listing} (axis {i} differs)")
                return UNKNOWN_VALUE
            else:
                out.append(_merge(col))
        return Array(Shape(out), dtype, node=node)

    def index(self, array: Array, parts: list[Any], node: cst.CSTNode) -> Value:
        """Basic indexing: ints drop an axis, slices keep (and maybe shorten) it, None adds one."""
        dims = array.shape.dims
        if dims is None:
            return Array(Shape.unknown(), array.dtype, node=node)
        out: list[Dim] = []
        axis = 0
        for part in parts:
            if part is None:
                out.append(1)
                continue
            if axis >= len(dims):
                return Array(Shape.unknown(), array.dtype, node=node)
            if isinstance(part, slice):
                d = dims[axis]
                if is_known(d) and all(b is None or is_known(b) for b in (part.start, part.stop, part.step)):
                    out.append(len(range(*slice(part.start, part.stop, part.step).indices(d))))  # type: ignore[arg-type]
                else:
                    out.append(UNKNOWN)
                axis += 1
            elif part == "int":
                axis += 1
            else:
                return Array(Shape.unknown(), array.dtype, node=node)
        out.extend(dims[axis:])
        return Array(Shape(out), array.dtype, array.onehot and len(out) == len(dims), array.max_value, node)


def _conflict(column: Sequence[Dim]) -> bool:
    known = {d for d in column if is_known(d)}
    return len(known) > 1


def _merge(column: Sequence[Dim]) -> Dim:
    known = [d for d in column if is_known(d)]
    return known[0] if known else UNKNOWN


def _dim(d: Dim) -> Value:
    return Const(d) if is_known(d) or d is None else UNKNOWN_VALUE  # type: ignore[arg-type]


def _fmt(target: tuple[Dim, ...]) -> str:
    return "(" + ", ".join(str(d) for d in target) + ("," if len(target) == 1 else "") + ")"


@OVERLAYS.call("numpy")
def call_numpy(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``np.zeros(...)``, ``np.random.rand(...)``: the shape of the array made."""
    return NumpySemantics(interp).call(path[len("numpy."):], args, node)


@OVERLAYS.method(Array)
def array_method(interp: Interpreter, array: Any, method: str, args: Arguments, node: cst.Call,
                 method_node: cst.CSTNode) -> Value:
    """``x.reshape(...)``, ``x.astype(...)`` and the other array methods."""
    return NumpySemantics(interp).method(array, method, args, node)


@OVERLAYS.attribute(Array)
def array_attribute(interp: Interpreter, array: Any, attr: str) -> Value:
    """``x.shape``, ``x.ndim``, ``x.T`` and the like."""
    return NumpySemantics(interp).attribute(array, attr)
