"""Keras's names, for the interpreter: canonical paths, imports, and dispatch of Keras calls.

``tensorflow.keras.layers.Dense``, ``tf.keras.layers.Dense`` and
``keras.layers.Dense`` are one canonical path; every ``keras.*`` path the
script names is told to the rules (a name Keras 3 lacks is a finding);
``from keras.layers import *`` binds the module's public names.  A call to a
``keras.*`` or ``tensorflow.*`` path is classified by the generated tables
(layer class, layer function, ``Input``, ``Sequential``, ``Model``, loss,
optimizer...) and handed to the overlay module that registered that kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.calls import forget
from shapecheck.engine.events import KerasName
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, ClassVal, Ref, Tensor, Value
from shapecheck.shapes.dims import Shape
from shapecheck.tables import keras_api

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

KindHandler = Callable[["Interpreter", str, str, Arguments, cst.Call], Value]
"""Handles a call of one kind of Keras symbol: interp, path, symbol name, arguments, node."""

KINDS: dict[str, KindHandler] = {}


def kind(*names: str) -> Callable[[KindHandler], KindHandler]:
    """Register the decorated function for calls of Keras symbols of these kinds."""

    def register(fn: KindHandler) -> KindHandler:
        for name in names:
            KINDS[name] = fn
        return fn

    return register


OVERLAYS.canonicalizers.append(keras_api.canonical)
OVERLAYS.star_names.update({module: tuple(sorted(names)) for module, names in keras_api.MODULE_NAMES.items()})


@OVERLAYS.name_observers.append
def observe(interp: Interpreter, path: str, node: cst.CSTNode) -> None:
    """Every ``keras.*`` name the script uses goes to the rules (SC301/SC303 read them)."""
    if path.startswith("keras."):
        interp.emit(KerasName(path, node))


@OVERLAYS.class_kinds.append
def keras_base(bases: list[Value]) -> Optional[str]:
    """``"model"`` or ``"layer"`` when a class derives from keras.Model / keras.layers.Layer."""
    for base in bases:
        if isinstance(base, Ref):
            if base.path in ("keras.Model", "keras.models.Model", "keras.Sequential", "keras.models.Sequential"):
                return "model"
            if base.path.startswith("keras.layers."):
                return "layer"
        if isinstance(base, ClassVal) and base.keras_base:
            return base.keras_base
    return None


@OVERLAYS.call("keras", "tensorflow")
def call_keras(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """Call a Keras (or TensorFlow) function or class by its canonical path."""
    symbol = keras_api.classify(path)
    if symbol is None:
        if path.startswith("tensorflow.") and any(isinstance(v, Tensor) for v in args.values()):
            return Tensor(Shape.unknown(), node=node)
        forget(args.values())
        return UNKNOWN_VALUE
    handler = KINDS.get(symbol.kind)
    if handler is not None:
        return handler(interp, path, symbol.name, args, node)
    if path.startswith("keras.ops.") or path.startswith("keras.backend."):
        if any(isinstance(v, Tensor) for v in args.values()):
            return Tensor(Shape.unknown(), node=node)
    return UNKNOWN_VALUE
