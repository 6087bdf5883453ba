"""What a Lambda layer's function does to the batch axis, read from its source.

Only one pattern is recognised, the tutorial's: the function returns
``tf.transpose(x)`` (or ``keras.ops.transpose`` / ``np.transpose``) of its
argument, either without ``perm`` (which reverses every axis, batch included)
or with a literal ``perm`` that does not start with 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from shapecheck.engine.values import Const, Function, Ref, Seq

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

_TRANSPOSES = frozenset({"tensorflow.transpose", "keras.ops.transpose", "numpy.transpose",
                         "tensorflow.keras.backend.transpose", "keras.backend.transpose"})


def _returned_expression(fn: Function) -> Optional[cst.BaseExpression]:
    node = fn.node
    if isinstance(node, cst.Lambda):
        return node.body
    body = node.body.body
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine):
        stmt = body[0].body[0]
        if isinstance(stmt, cst.Return) and stmt.value is not None:
            return stmt.value
    return None


def _first_param(fn: Function) -> Optional[str]:
    params = list(fn.node.params.posonly_params) + list(fn.node.params.params)
    return params[0].name.value if params else None


def moves_batch_axis(fn: Function, interp: "Interpreter") -> Optional[str]:
    """A description of how ``fn`` moves the batch axis, or None if it does not (or may not)."""
    expr = _returned_expression(fn)
    param = _first_param(fn)
    if not isinstance(expr, cst.Call) or param is None or not expr.args:
        return None
    callee = interp.eval(expr.func, fn.scope)
    if not isinstance(callee, Ref) or callee.path not in _TRANSPOSES:
        return None
    first = expr.args[0]
    if first.keyword is not None or not (isinstance(first.value, cst.Name) and first.value.value == param):
        return None
    perm_arg = next((a for a in expr.args[1:] if a.keyword is None or a.keyword.value in ("perm", "axes")), None)
    name = callee.path.rsplit(".", 1)[0].split(".")[0]
    call = f"{'tf' if name == 'tensorflow' else name}.transpose"
    if perm_arg is None:
        return f"`{call}({param})` without `perm` reverses every axis, the batch axis included"
    perm = interp.eval(perm_arg.value, fn.scope)
    if isinstance(perm, Seq) and perm.items and isinstance(perm.items[0], Const) \
            and isinstance(perm.items[0].value, int) and perm.items[0].value != 0:
        return f"`{call}` with perm starting at {perm.items[0].value} moves the batch axis (axis 0) elsewhere"
    return None
