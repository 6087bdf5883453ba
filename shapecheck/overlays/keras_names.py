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
from shapecheck.engine.events import KerasName, TensorflowCall
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, ClassVal, Ref, Seq, Tensor, Value
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
OVERLAYS.eager_decorators.add("tensorflow.function")
OVERLAYS.star_names.update({module: tuple(sorted(names)) for module, names in keras_api.MODULE_NAMES.items()})
OVERLAYS.star_names.update({
    "tensorflow." + module: tuple(sorted(names)) for module, names in keras_api.TF_MODULE_NAMES.items()
})


@OVERLAYS.name_observers.append
def observe(interp: Interpreter, path: str, node: cst.CSTNode, written: str) -> None:
    """Every ``keras.*`` name the script uses goes to the rules (SC301/SC303 read them)."""
    if path.startswith("keras."):
        interp.emit(KerasName(path, node, written))


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
        tensors = _keras_tensors(args)
        if path.startswith("tensorflow.") and tensors:
            if not interp.eager and _converts_its_inputs(path):
                interp.emit(TensorflowCall(path, node, tensors, list(args.positional), dict(args.keywords),
                                           _keras_alias(interp)))
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


# TensorFlow functions that take any Python structure and never convert a
# KerasTensor (measured with Keras 3: these accept one; every op tried raises).
_PASSES_STRUCTURES = ("tensorflow.nest.", "tensorflow.print", "tensorflow.is_tensor", "tensorflow.name_scope",
                      "tensorflow.function", "tensorflow.device", "tensorflow.control_dependencies",
                      "tensorflow.debugging.", "tensorflow.summary.", "tensorflow.config.", "tensorflow.io.",
                      "tensorflow.saved_model.", "tensorflow.data.", "tensorflow.distribute.",
                      "tensorflow.compat.", "tensorflow.py_function", "tensorflow.numpy_function",
                      "tensorflow.GradientTape", "tensorflow.Module", "tensorflow.TensorSpec")


def _converts_its_inputs(path: str) -> bool:
    """True for a TensorFlow op (which refuses a KerasTensor), false for structure utilities."""
    if path.startswith(_PASSES_STRUCTURES):
        return False
    leaf = path.rpartition(".")[2]
    return bool(leaf) and leaf[0].islower()  # classes (tf.Variable, tf.TensorArray) are left alone


def _keras_tensors(args: Arguments) -> int:
    """How many arguments (or items of a list/tuple argument) are known to be symbolic Keras tensors."""
    count = 0
    for value in args.values():
        items = value.items if isinstance(value, Seq) else [value]
        count += sum(isinstance(item, Tensor) and is_symbolic(item) for item in items)
    return count


def is_symbolic(tensor: Tensor) -> bool:
    """True when the tensor comes from ``keras.Input`` through layer calls and ops only.

    Each layer call and op marks its outputs when it makes them (``Tensor.symbolic``); a layer
    called on something unknown (an eager tensor, say) makes a tensor that may be a real one.
    """
    return tensor.is_input or tensor.symbolic


def _keras_alias(interp: Interpreter) -> Optional[str]:
    """A module-level name bound to the keras module (``keras`` itself preferred), for a fix to use."""
    names = [name for name, value in interp.globals.vars.items() if isinstance(value, Ref) and value.path == "keras"]
    return "keras" if "keras" in names else (names[0] if names else None)
