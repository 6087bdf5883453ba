"""Binding names in the interpreter core: assignment targets and imports.

``x, y = ...``, ``self.dense = Dense(3)``, ``config["units"] = 4``, and
``import keras.layers as L`` / ``from tensorflow.keras import layers``: the
imported path is bound in the overlays' canonical spelling, with the
spelling the script used kept beside it, and every imported name is told
to the overlays (unless a guard probes for it).

Each function taking ``self: Interpreter`` is a method of the interpreter,
bound in its class body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from shapecheck.engine.scope import Scope, dotted
from shapecheck.engine.values import UNKNOWN_VALUE, Const, DictVal, Instance, Ref, Seq, Value

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter


def assign(self: Interpreter, target: cst.BaseExpression, value: Value, scope: Scope) -> None:
    """Bind ``value`` to an assignment target."""
    if isinstance(target, cst.Name):
        scope.vars[target.value] = value
    elif isinstance(target, (cst.Tuple, cst.List)):
        elements = target.elements
        items = self.iterate(value)
        starred = [i for i, el in enumerate(elements) if isinstance(el, cst.StarredElement)]
        if items is None or starred or len(items) != len(elements):
            for el in elements:
                self.assign(el.value, UNKNOWN_VALUE, scope)
            return
        for el, item in zip(elements, items):
            self.assign(el.value, item, scope)
    elif isinstance(target, cst.Attribute):
        obj = self.eval(target.value, scope)
        if isinstance(obj, Instance):
            obj.attrs[target.attr.value] = value
    elif isinstance(target, cst.Subscript):
        obj = self.eval(target.value, scope)
        if isinstance(obj, DictVal) and len(target.slice) == 1:
            index = target.slice[0].slice
            if isinstance(index, cst.Index):
                key = self.eval(index.value, scope)
                if isinstance(key, Const):
                    obj.items[key.value] = value
                    return
            obj.items.clear()
        elif isinstance(obj, Seq) and not obj.is_tuple:
            element = target.slice[0].slice if len(target.slice) == 1 else None
            key = self.eval(element.value, scope) if isinstance(element, cst.Index) else UNKNOWN_VALUE
            if isinstance(key, Const) and isinstance(key.value, int) and not isinstance(key.value, bool) \
                    and -len(obj.items) <= key.value < len(obj.items):
                obj.items[key.value] = value
            else:
                obj.items = [UNKNOWN_VALUE] * len(obj.items)
    elif isinstance(target, cst.StarredElement):
        self.assign(target.value, UNKNOWN_VALUE, scope)


def do_import(self: Interpreter, node: cst.Import, scope: Scope) -> None:
    """``import keras``, ``import tensorflow as tf``, ``import keras.layers as L``."""
    if isinstance(node.names, cst.ImportStar):
        return
    for alias in node.names:
        path = dotted(alias.name)
        canonical = self.overlays.canonical(path)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            scope.vars[alias.asname.name.value] = Ref(canonical, path)
        else:
            top = path.split(".")[0]
            scope.vars[top] = Ref(top, top)
        parts = path.split(".")
        for end in range(2, len(parts) + 1):
            prefix = ".".join(parts[:end])
            self.observe_name(self.overlays.canonical(prefix), alias.name, prefix)


def do_import_from(self: Interpreter, node: cst.ImportFrom, scope: Scope) -> None:
    """``from keras.layers import Dense as D``, ``from tensorflow import keras``."""
    if node.relative or node.module is None:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                scope.vars[_bound_name(alias)] = UNKNOWN_VALUE
        return
    written_module = dotted(node.module)
    module = self.overlays.canonical(written_module)
    parts = written_module.split(".")
    for end in range(2, len(parts) + 1):  # keras.layers, keras.layers.experimental, ...
        prefix = ".".join(parts[:end])
        self.observe_name(self.overlays.canonical(prefix), node.module, prefix)
    if isinstance(node.names, cst.ImportStar):
        names = self.overlays.star_names.get(written_module) or self.overlays.star_names.get(module, ())
        for name in names:
            scope.vars[name] = Ref(self.overlays.canonical(f"{module}.{name}"), f"{written_module}.{name}")
        return
    for alias in node.names:
        path = self.overlays.canonical(f"{module}.{dotted(alias.name)}")
        written = f"{written_module}.{dotted(alias.name)}"
        scope.vars[_bound_name(alias)] = Ref(path, written)
        self.observe_name(path, alias.name, written)


def observe_name(self: Interpreter, path: str, node: cst.CSTNode, written: str = "") -> None:
    """Tell the overlays the script names ``path``, spelled ``written`` (outside a guard that probes for it)."""
    if not self.guarded and not self.probing:
        self.overlays.observe_name(self, path, node, written or path)


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted(alias.name).split(".")[0]
