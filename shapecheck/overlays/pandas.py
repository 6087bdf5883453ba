"""pandas, for the interpreter: frames whose columns are known only where the script names them.

A CSV's columns are never guessed: ``pd.read_csv`` (and the other readers)
make a DataFrame of unknown rows and columns.  Columns become known by
selection: ``df[["a", "b"]]`` (two columns), ``df.iloc[:, 1:5]`` (a literal
slice with non-negative bounds, or any literal slice of a frame whose
column count is known: ``stop - start`` columns, assuming the slice lies
within the frame, since pandas silently shortens one that runs past the
last column), ``df.iloc[:, [0, 2]]``; ``df["a"]`` and
``df.iloc[:, 0]`` are Series.  ``.values``/``.to_numpy()`` give the array
(rows, columns); ``pd.get_dummies`` keeps the rows and makes the columns
unknown; ``pd.DataFrame(array)`` keeps the array's shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, LibObject, Seq, Value
from shapecheck.overlays.objects import as_int, attributes, methods, subscripts
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter
    from shapecheck.engine.scope import Scope

READERS = frozenset({"read_csv", "read_table", "read_excel", "read_json", "read_parquet", "read_feather",
                     "read_pickle", "read_sql", "read_hdf", "read_fwf"})

_ROW_METHODS = frozenset({"dropna", "sample", "drop_duplicates", "query", "sort_values", "sort_index",
                          "reset_index", "head", "tail", "fillna", "replace", "astype", "copy", "abs", "round",
                          "clip", "interpolate", "shift"})
"""DataFrame methods that keep the columns (rows may change) unless given ``axis``/``columns``/``drop=False``."""


def frame(rows: Dim, columns: Dim, node: Optional[cst.CSTNode]) -> LibObject:
    """A DataFrame of this many rows and columns (either may be unknown)."""
    return LibObject("pandas.DataFrame", {"rows": rows, "columns": columns}, node)


def series(rows: Dim, node: Optional[cst.CSTNode]) -> LibObject:
    """A Series of this many rows."""
    return LibObject("pandas.Series", {"rows": rows}, node)


def to_array(obj: LibObject, node: Optional[cst.CSTNode]) -> Value:
    """The ndarray of a frame or series."""
    if obj.kind == "pandas.Series":
        return Array(Shape((obj.attrs.get("rows", UNKNOWN),)), None, node=node)
    return Array(Shape((obj.attrs.get("rows", UNKNOWN), obj.attrs.get("columns", UNKNOWN))), None, node=node)


@OVERLAYS.call("pandas")
def call_pandas(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``pd.read_csv(...)``, ``pd.DataFrame(x)``, ``pd.get_dummies(df)``."""
    name = path.rsplit(".", 1)[-1]
    if not args.complete:
        return UNKNOWN_VALUE
    if name in READERS:
        return frame(UNKNOWN, UNKNOWN, node)
    first = args.positional[0] if args.positional else args.keywords.get("data", UNKNOWN_VALUE)
    if name == "DataFrame":
        if isinstance(first, Array) and first.shape.dims is not None and len(first.shape.dims) == 2 \
                and "columns" not in args.keywords:
            return frame(first.shape.dims[0], first.shape.dims[1], node)
        return frame(UNKNOWN, UNKNOWN, node)
    if name == "get_dummies":
        rows = first.attrs.get("rows", UNKNOWN) if isinstance(first, LibObject) else \
            first.shape.dims[0] if isinstance(first, Array) and first.shape.dims else UNKNOWN
        return frame(rows, UNKNOWN, node)
    return UNKNOWN_VALUE


@attributes("pandas.DataFrame", "pandas.Series")
def frame_attribute(interp: Interpreter, obj: LibObject, attr: str) -> Value:
    """``df.values``, ``df.shape``, ``df.iloc``."""
    if attr == "values":
        return to_array(obj, obj.node)
    if attr == "iloc":
        return LibObject("pandas.iloc", {"frame": obj}, obj.node)
    if attr == "shape":
        dims = to_array(obj, None).shape.dims  # type: ignore[attr-defined]
        return Seq([Const(d) if is_known(d) else UNKNOWN_VALUE for d in dims])
    return UNKNOWN_VALUE


@methods("pandas.DataFrame", "pandas.Series")
def frame_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``df.to_numpy()``, ``df.drop(...)``, ``df.dropna()``."""
    if method == "to_numpy" and not args.positional and not args.keywords:
        return to_array(obj, node)
    if method in _ROW_METHODS and args.complete:
        if any(k in args.keywords for k in ("axis", "columns", "drop", "inplace")):
            return UNKNOWN_VALUE
        if obj.kind == "pandas.Series":
            return series(UNKNOWN, node)
        return frame(UNKNOWN, obj.attrs.get("columns", UNKNOWN), node)
    if method == "drop" and obj.kind == "pandas.DataFrame":
        return frame(UNKNOWN, UNKNOWN, node) if "inplace" not in args.keywords else UNKNOWN_VALUE
    return UNKNOWN_VALUE


def _column_count(interp: Interpreter, part: cst.BaseSlice, scope: Scope, columns: Dim) -> Any:
    """How many columns ``df.iloc[:, part]`` keeps: an int, UNKNOWN, or "series" for one int."""
    if isinstance(part, cst.Slice):
        bounds = [interp.slice_bound_value(b, scope) for b in (part.lower, part.upper, part.step)]
        if any(b is UNKNOWN for b in bounds):
            return UNKNOWN
        start, stop, step = bounds
        if is_known(columns):
            return len(range(*slice(start, stop, step).indices(columns)))
        if step in (None, 1) and stop is not None and stop >= 0 and (start is None or start >= 0):
            return max(stop - (start or 0), 0)
        return UNKNOWN
    value = interp.eval(part.value, scope)  # type: ignore[attr-defined]
    if as_int(value) is not None:
        return "series"
    if isinstance(value, Seq) and value.items and all(as_int(v) is not None for v in value.items):
        return len(value.items)
    return UNKNOWN


@subscripts("pandas.iloc")
def iloc_subscript(interp: Interpreter, obj: LibObject, node: cst.Subscript, scope: Scope) -> Value:
    """``df.iloc[:, 1:5]``, ``df.iloc[:, 0]``, ``df.iloc[:100]``."""
    source: LibObject = obj.attrs["frame"]
    parts = [element.slice for element in node.slice]
    if len(parts) not in (1, 2):
        return UNKNOWN_VALUE
    rows_part = parts[0]
    if isinstance(rows_part, cst.Slice):
        bounds = [interp.slice_bound_value(b, scope) for b in (rows_part.lower, rows_part.upper, rows_part.step)]
        rows: Dim = source.attrs.get("rows", UNKNOWN) if bounds == [None, None, None] else UNKNOWN
    else:
        interp.eval(rows_part.value, scope)  # type: ignore[attr-defined]
        return UNKNOWN_VALUE  # one row, or rows picked by a list: not followed
    if source.kind == "pandas.Series":
        return series(rows, node) if len(parts) == 1 else UNKNOWN_VALUE
    if len(parts) == 1:
        return frame(rows, source.attrs.get("columns", UNKNOWN), node)
    count = _column_count(interp, parts[1], scope, source.attrs.get("columns", UNKNOWN))
    if count == "series":
        return series(rows, node)
    return frame(rows, count, node)


@subscripts("pandas.DataFrame")
def frame_subscript(interp: Interpreter, obj: LibObject, node: cst.Subscript, scope: Scope) -> Value:
    """``df[["a", "b"]]`` (a frame of those columns) and ``df["a"]`` (a series)."""
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return UNKNOWN_VALUE
    key = interp.eval(node.slice[0].slice.value, scope)
    rows = obj.attrs.get("rows", UNKNOWN)
    if isinstance(key, Const) and isinstance(key.value, str):
        return series(rows, node)
    if isinstance(key, Seq) and not key.is_tuple and key.items \
            and all(isinstance(k, Const) and isinstance(k.value, str) for k in key.items):
        return frame(rows, len(key.items), node)
    return UNKNOWN_VALUE
