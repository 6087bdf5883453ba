"""Generate ``shapecheck/tables/keras_tables.py`` from the installed Keras.

The static checker must never import Keras, so everything it needs to know
about the Keras API (constructor signatures, public names, accepted string
identifiers for losses/optimizers/activations/metrics) is captured here, once,
by introspecting the installed package, and written out as a pure-data module.

Usage::

    python3 tools/gen_keras_tables.py            # rewrite shapecheck/tables/keras_tables.py
    python3 tools/gen_keras_tables.py --check    # exit 1 if the file is stale

``tests/test_keras_tables.py`` imports this file by path and calls
:func:`build_tables` / :func:`render` to verify the committed module.

How ``**kwargs`` of layer constructors are modelled
---------------------------------------------------
Most layers forward ``**kwargs`` unchanged to ``keras.layers.Layer.__init__``,
which accepts exactly ``BASE_LAYER_KWARGS`` and raises
``ValueError("Unrecognized keyword arguments ...")`` for anything else.  That is
not universal, so the forwarding chain of every layer is analysed statically
(AST of each ``__init__`` in the MRO down to ``Layer``) and then verified by
constructing the layer.  Irregularities found in Keras 3.15.1:

* ``InputLayer`` and ``HashedCrossing`` take ``**kwargs`` but never forward
  them (they call ``super().__init__(name=name[, dtype=dtype])``), so unknown
  kwargs *and* base kwargs such as ``trainable=False`` are silently ignored
  (``LAYERS_IGNORING_UNKNOWN_KWARGS``).  ``InputLayer`` reads ``input_shape``
  and ``batch_input_shape`` from them.
* ``StringLookup`` / ``IntegerLookup`` (via ``IndexLookup``) do not forward
  either: they pop ``vocabulary_size`` / ``has_input_vocabulary``, silently
  drop ``trainable`` and ``dtype``, and raise ``ValueError("Unrecognized
  keyword argument(s)")`` for the rest, so ``activity_regularizer``,
  ``autocast``, ``input_dim`` and ``input_shape`` are rejected.
* ``ActivityRegularization`` passes ``activity_regularizer`` explicitly to
  ``super().__init__``; passing it again is a ``TypeError``.
  (Rejections are in ``LAYER_REJECTED_BASE_KWARGS``.)
* Many layers accept parameters of an intermediate base class, or keys they
  pop themselves, through ``**kwargs``: ``lora_rank``/``lora_alpha`` (Conv via
  ``BaseConv``), ``bounding_box_format``/``factor``/``data_format`` (image
  preprocessing layers), ``zero_output_for_mask``/``unroll`` (RNNs),
  ``implementation`` (LSTM/GRU), ``input_length`` (Embedding),
  ``alpha`` (LeakyReLU), ``rms_scaling`` (LayerNormalization); these are in
  ``LAYER_EXTRA_KWARGS``.
* ``Discretization``, ``Pipeline``, ``SpatialDropout{1,2,3}D`` and ``TFSMLayer``
  have no ``**kwargs`` at all (unknown kwargs -> ``TypeError``).
* ``FlaxLayer``, ``JaxLayer``, ``TorchModuleWrapper`` and ``TFSMLayer`` cannot
  be constructed here, so for them only the static analysis is used.

The effective set of keyword arguments a layer ``L`` accepts is therefore::

    own params of L
    | (BASE_LAYER_KWARGS - LAYER_REJECTED_BASE_KWARGS[L]  if accepts **kwargs)
    | LAYER_EXTRA_KWARGS[L]
    (and anything at all if L in LAYERS_IGNORING_UNKNOWN_KWARGS)
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import math
import os
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from keras.src.losses import ALL_OBJECTS_DICT as _LOSS_OBJECTS  # noqa: E402
from keras.src.metrics import ALL_OBJECTS_DICT as _METRIC_OBJECTS  # noqa: E402
from keras.src.optimizers import ALL_OBJECTS_DICT as _OPT_OBJECTS  # noqa: E402
from keras.src.optimizers.base_optimizer import BaseOptimizer  # noqa: E402
from keras.src.trainers import compile_utils  # noqa: E402

REQUIRED: str = "<required>"
NONLITERAL: str = "<nonliteral>"

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
OUTPUT_PATH: Path = REPO_ROOT / "shapecheck" / "tables" / "keras_tables.py"

Param = tuple[str, object]
Signature = tuple[tuple[Param, ...], bool]
Tables = dict[str, object]

# --------------------------------------------------------------------------
# Generic helpers
# --------------------------------------------------------------------------


def public_names(obj: object) -> frozenset[str]:
    """Public attribute names of a module or class (``dir`` minus ``_*``)."""
    return frozenset(n for n in dir(obj) if not n.startswith("_"))


def literal_default(value: object) -> object:
    """Return ``value`` if it is a plain literal, else ``NONLITERAL``.

    Literals are int/float/str/bool/None and (possibly nested) tuples/lists of
    literals; lists become tuples.  Non-finite floats are not literals.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else NONLITERAL
    if isinstance(value, (tuple, list)):
        items = tuple(literal_default(v) for v in value)
        return NONLITERAL if NONLITERAL in items else items
    return NONLITERAL


def _is_passthrough_init(func: Callable[..., Any]) -> bool:
    """True for ``def __init__(self, *args, **kwargs)`` wrappers.

    E.g. the TensorFlow backend's ``TFOptimizer.__init__``; such wrappers are
    skipped so that ``keras.optimizers.Optimizer`` gets the real signature.
    """
    params = list(inspect.signature(func).parameters.values())[1:]
    kinds = [p.kind for p in params]
    return kinds == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]


def effective_init(cls: type) -> Callable[..., Any]:
    """The first ``__init__`` in the MRO that is not a pure passthrough."""
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None and not _is_passthrough_init(init):
            return init
    return cls.__init__


def signature_of(func: Callable[..., Any], skip_self: bool) -> Signature:
    """``((name, default), ...), accepts_var_kwargs`` for ``func``."""
    params = list(inspect.signature(func).parameters.values())
    if skip_self:
        params = params[1:]
    out: list[Param] = []
    var_kw = False
    for p in params:
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            var_kw = True
        elif p.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        else:
            default = REQUIRED if p.default is p.empty else literal_default(p.default)
            out.append((p.name, default))
    return tuple(out), var_kw


def class_signature(cls: type) -> Signature:
    return signature_of(effective_init(cls), skip_self=True)


def keyword_only_params(func: Callable[..., Any]) -> tuple[str, ...]:
    return tuple(
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    )


def _quiet_call(func: Callable[[], object]) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func()


def _accepts(func: Callable[[], object]) -> bool:
    try:
        _quiet_call(func)
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------
# Static analysis of **kwargs forwarding
# --------------------------------------------------------------------------


class InitInfo:
    """What one ``__init__`` does with its ``**kwargs``."""

    def __init__(self, func: Callable[..., Any]) -> None:
        sig = inspect.signature(func)
        params = list(sig.parameters.values())[1:]
        self.named: list[str] = [
            p.name
            for p in params
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        kw = [p.name for p in params if p.kind is p.VAR_KEYWORD]
        self.kwargs_name: str | None = kw[0] if kw else None
        self.consumed: set[str] = set()  # keys read/popped from **kwargs
        self.forwards: bool = False  # passes **kwargs on to a base __init__
        self.explicit: set[str] = set()  # keywords passed explicitly to it
        self.n_positional: int = 0  # positional args passed to it
        if self.kwargs_name is not None:
            self._scan(func)

    def _scan(self, func: Callable[..., Any]) -> None:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
        kw = self.kwargs_name

        def is_kw(node: ast.AST) -> bool:
            return isinstance(node, ast.Name) and node.id == kw

        def str_const(node: ast.AST) -> str | None:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return node.value
            return None

        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if (
                    isinstance(f, ast.Attribute)
                    and f.attr in ("pop", "get", "setdefault")
                    and is_kw(f.value)
                    and node.args
                    and (key := str_const(node.args[0])) is not None
                ):
                    self.consumed.add(key)
                if isinstance(f, ast.Attribute) and f.attr == "__init__":
                    if any(k.arg is None and is_kw(k.value) for k in node.keywords):
                        self.forwards = True
                        self.explicit |= {k.arg for k in node.keywords if k.arg}
                        positional = [
                            a for a in node.args if not isinstance(a, ast.Starred)
                        ]
                        # Base.__init__(self, ...) passes self explicitly.
                        if not isinstance(f.value, ast.Call):
                            positional = positional[1:]
                        self.n_positional = len(positional)
            elif isinstance(node, ast.Compare):
                if (
                    len(node.ops) == 1
                    and isinstance(node.ops[0], (ast.In, ast.NotIn))
                    and is_kw(node.comparators[0])
                    and (key := str_const(node.left)) is not None
                ):
                    self.consumed.add(key)
            elif isinstance(node, ast.Subscript):
                if (
                    isinstance(node.ctx, ast.Load)
                    and is_kw(node.value)
                    and (key := str_const(node.slice)) is not None
                ):
                    self.consumed.add(key)


class KwargsChain:
    """Keyword names reachable through ``cls.__init__``'s ``**kwargs``.

    Follows ``super().__init__(..., **kwargs)`` down the MRO until ``stop``
    (inclusive).  ``accepted`` are names (other than ``cls``'s own parameters)
    that some level binds or consumes; ``blocked`` are names an intermediate
    level passes explicitly (passing them again collides); ``swallowed`` is
    True when some level stops forwarding without rejecting leftovers, i.e.
    unknown kwargs are silently ignored.
    """

    def __init__(self, cls: type, stop: type) -> None:
        chain = [
            k.__dict__["__init__"]
            for k in cls.__mro__
            if "__init__" in k.__dict__
            and issubclass(k, stop)
            and not _is_passthrough_init(k.__dict__["__init__"])
        ]
        stop_init = stop.__dict__["__init__"]
        first = InitInfo(chain[0])
        own = set(first.named)
        self.has_var_kwargs: bool = first.kwargs_name is not None
        self.accepted: set[str] = set()
        self.blocked: set[str] = set()
        self.swallowed: bool = False
        info, func = first, chain[0]
        for nxt_func in chain[1:] + [None]:
            if info.kwargs_name is None:
                break  # Python rejects leftovers with TypeError.
            self.accepted |= info.consumed - self.blocked - own
            if func is stop_init or not info.forwards or nxt_func is None:
                self.swallowed = not _raises_on_leftovers(func)
                break
            self.blocked |= info.explicit - own - self.accepted
            nxt = InitInfo(nxt_func)
            filled = set(nxt.named[: info.n_positional]) | info.explicit
            self.accepted |= set(nxt.named) - filled - self.blocked - own
            info, func = nxt, nxt_func


def _raises_on_leftovers(func: Callable[..., Any]) -> bool:
    """True if ``func`` raises when unconsumed ``**kwargs`` remain.

    Recognises the ``if kwargs: raise ...`` idiom used by ``Layer.__init__``
    and ``BaseOptimizer.__init__``.
    """
    info = InitInfo(func)
    if info.kwargs_name is None:
        return True
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == info.kwargs_name
            and any(isinstance(s, ast.Raise) for s in node.body)
        ):
            return True
    return False


def base_kwargs(stop: type) -> frozenset[str]:
    """Names accepted by ``stop.__init__`` (named params + consumed keys)."""
    info = InitInfo(stop.__dict__["__init__"])
    return frozenset(set(info.named) | info.consumed)


# --------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------


def layer_classes() -> dict[str, type]:
    """Public ``keras.layers`` names bound to ``Layer`` subclasses (aliases too)."""
    out: dict[str, type] = {}
    for name in sorted(public_names(keras.layers)):
        obj = getattr(keras.layers, name)
        if inspect.isclass(obj) and issubclass(obj, keras.layers.Layer):
            out[name] = obj
    return out


def layer_functions() -> dict[str, Callable[..., Any]]:
    """Public lowercase non-class callables of ``keras.layers``."""
    out: dict[str, Callable[..., Any]] = {}
    for name in sorted(public_names(keras.layers)):
        obj = getattr(keras.layers, name)
        if name[0].islower() and callable(obj) and not inspect.isclass(obj):
            out[name] = obj
    return out


BASE_LAYER_KWARGS_DERIVED: frozenset[str] = base_kwargs(keras.layers.Layer)

# Arguments used to construct layers for the runtime kwargs probe, by
# parameter name (values are factories so that each probe gets fresh objects).
_PROBE_ARGS: dict[str, Callable[[], object]] = {
    "activation": lambda: "relu",
    "axes": lambda: 1,
    "call_fn": lambda: (lambda x: x),
    "cell": lambda: keras.layers.SimpleRNNCell(2),
    "cells": lambda: [keras.layers.SimpleRNNCell(2)],
    "dims": lambda: (1,),
    "equation": lambda: "ab,bc->ac",
    "factor": lambda: 0.1,
    "filepath": lambda: "/nonexistent",
    "filters": lambda: 2,
    "function": lambda: (lambda x: x),
    "head_dim": lambda: 4,
    "height": lambda: 4,
    "height_factor": lambda: 0.1,
    "input_dim": lambda: 10,
    "kernel_size": lambda: 3,
    "key_dim": lambda: 4,
    "layer": lambda: keras.layers.Dense(2),
    "layers": lambda: [],
    "max_number": lambda: 2,
    "module": lambda: None,
    "n": lambda: 2,
    "num_bins": lambda: 4,
    "num_heads": lambda: 2,
    "num_key_value_heads": lambda: 1,
    "num_query_heads": lambda: 2,
    "output_dim": lambda: 4,
    "output_shape": lambda: 4,
    "output_size": lambda: 2,
    "pool_size": lambda: 2,
    "rate": lambda: 0.5,
    "scale": lambda: 1.0,
    "stddev": lambda: 0.1,
    "target_shape": lambda: (4,),
    "units": lambda: 2,
    "width": lambda: 4,
    "width_factor": lambda: 0.1,
}
_PROBE_OVERRIDES: dict[str, dict[str, Callable[[], object]]] = {
    "Bidirectional": {"layer": lambda: keras.layers.LSTM(2)},
    "CategoryEncoding": {"num_tokens": lambda: 4},
    "Discretization": {"num_bins": lambda: 4},
    "InputLayer": {"shape": lambda: (3,)},
    "RandomPosterization": {"factor": lambda: 4},
}
# Values used when probing whether a layer accepts each base kwarg.
_BASE_PROBE_VALUES: dict[str, object] = {
    "activity_regularizer": None,
    "autocast": True,
    "dtype": None,
    "input_dim": None,
    "input_shape": None,
    "name": "probe_layer",
    "trainable": True,
}


def _probe_kwargs(name: str, sig: Signature) -> dict[str, object] | None:
    overrides = _PROBE_OVERRIDES.get(name, {})
    kwargs: dict[str, object] = {}
    for pname, default in sig[0]:
        if pname in overrides:
            kwargs[pname] = overrides[pname]()
        elif default == REQUIRED:
            if pname not in _PROBE_ARGS:
                return None
            kwargs[pname] = _PROBE_ARGS[pname]()
    return kwargs


def _rejection(exc: BaseException, key: str) -> bool:
    """Whether ``exc`` says keyword ``key`` was not accepted."""
    msg = str(exc)
    # Layer says "Unrecognized keyword arguments", IndexLookup says
    # "Unrecognized keyword argument(s)".
    if isinstance(exc, ValueError) and "Unrecognized keyword argument" in msg:
        return repr(key) in msg
    if isinstance(exc, TypeError):
        return (
            f"unexpected keyword argument {key!r}" in msg
            or f"multiple values for keyword argument {key!r}" in msg
        )
    return False


def probe_layer(
    name: str, cls: type, sig: Signature, extras: Iterable[str]
) -> dict[str, bool] | None:
    """Construct ``cls`` with one extra kwarg at a time; ``{key: rejected}``.

    ``"zzz"`` is the unknown-kwarg probe; the other keys are the base kwargs
    that are not own parameters and the statically found ``extras`` (passed
    as None: only a rejection *of that keyword* counts, other errors such as
    value validation do not).  Returns None when the layer cannot be built
    from probe arguments.
    """
    if _probe_kwargs(name, sig) is None:
        return None
    if not _accepts(lambda: cls(**(_probe_kwargs(name, sig) or {}))):
        return None
    own = {p for p, _ in sig[0]}
    results: dict[str, bool] = {}
    extra: dict[str, object] = {"zzz": 1}
    extra.update({k: v for k, v in _BASE_PROBE_VALUES.items() if k not in own})
    extra.update({k: None for k in sorted(extras) if k not in extra})
    for key, value in extra.items():
        kwargs = _probe_kwargs(name, sig) or {}
        kwargs[key] = value
        try:
            _quiet_call(lambda: cls(**kwargs))
        except Exception as exc:  # noqa: BLE001 - any failure is data here
            results[key] = _rejection(exc, key)
        else:
            results[key] = False
    return results


def layer_tables() -> Tables:
    classes = layer_classes()
    signatures: dict[str, Signature] = {n: class_signature(c) for n, c in classes.items()}
    extra: dict[str, tuple[str, ...]] = {}
    rejected_base: dict[str, tuple[str, ...]] = {}
    ignoring: set[str] = set()
    confirmed: set[str] = set()
    kw_only: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    unprobed: list[str] = []
    base = BASE_LAYER_KWARGS_DERIVED
    for name, cls in classes.items():
        sig = signatures[name]
        own = {p for p, _ in sig[0]}
        if ko := keyword_only_params(effective_init(cls)):
            kw_only[name] = ko
        chain = KwargsChain(cls, keras.layers.Layer)
        if chain.has_var_kwargs:
            if extras := sorted(chain.accepted - base):
                extra[name] = tuple(extras)
            if chain.swallowed:
                ignoring.add(name)
            elif missing := sorted(base - own - chain.accepted):
                rejected_base[name] = tuple(missing)
        # The table comes from the static model alone, so it does not depend on
        # which layers happen to be constructible here (some need optional
        # packages); construction only cross-checks it below.
        if not (chain.has_var_kwargs and chain.swallowed):
            confirmed.add(name)
        probe = probe_layer(name, cls, sig, extra.get(name, ()))
        if probe is None:
            unprobed.append(name)
            continue
        if probe["zzz"] == chain.swallowed:
            problems.append(f"{name}: unknown kwarg rejected={probe['zzz']}")
        for key, rejected in probe.items():
            if key != "zzz" and sig[1] and not chain.swallowed:
                if rejected != (key in rejected_base.get(name, ())):
                    problems.append(f"{name}: {key} rejected={rejected}")
    if unprobed:
        print("layers not probed at runtime: " + ", ".join(unprobed), file=sys.stderr)
    if problems:
        raise RuntimeError(
            "static kwargs model disagrees with Keras:\n" + "\n".join(problems)
        )
    functions = layer_functions()
    return {
        "BASE_LAYER_KWARGS": base,
        "LAYER_SIGNATURES": signatures,
        "LAYER_KEYWORD_ONLY_PARAMS": kw_only,
        "LAYER_EXTRA_KWARGS": extra,
        "LAYER_REJECTED_BASE_KWARGS": rejected_base,
        "LAYERS_IGNORING_UNKNOWN_KWARGS": frozenset(ignoring),
        "LAYERS_REJECTING_UNKNOWN_KWARGS": frozenset(confirmed),
        "LAYER_FUNCTIONS": frozenset(functions),
        "LAYER_FUNCTION_SIGNATURES": {
            n: signature_of(f, skip_self=False) for n, f in functions.items()
        },
        "INPUT_SIGNATURE": signature_of(keras.layers.Input, skip_self=False),
    }



# --------------------------------------------------------------------------
# Public names of modules and classes
# --------------------------------------------------------------------------

NAME_TABLES: dict[str, Callable[[], object]] = {
    "KERAS_TOP_NAMES": lambda: keras,
    "KERAS_LAYERS_NAMES": lambda: keras.layers,
    "KERAS_MODELS_NAMES": lambda: keras.models,
    "KERAS_LOSSES_NAMES": lambda: keras.losses,
    "KERAS_OPTIMIZERS_NAMES": lambda: keras.optimizers,
    "KERAS_ACTIVATIONS_NAMES": lambda: keras.activations,
    "KERAS_METRICS_NAMES": lambda: keras.metrics,
    "KERAS_CALLBACKS_NAMES": lambda: keras.callbacks,
    "KERAS_UTILS_NAMES": lambda: keras.utils,
    "KERAS_BACKEND_NAMES": lambda: keras.backend,
    "KERAS_PREPROCESSING_NAMES": lambda: keras.preprocessing,
    "KERAS_PREPROCESSING_SEQUENCE_NAMES": lambda: keras.preprocessing.sequence,
    "KERAS_PREPROCESSING_IMAGE_NAMES": lambda: keras.preprocessing.image,
    "KERAS_WRAPPERS_NAMES": lambda: keras.wrappers,
    "MODEL_ATTRIBUTES": lambda: keras.Model,
    "SEQUENTIAL_ATTRIBUTES": lambda: keras.Sequential,
}


def name_tables() -> Tables:
    return {key: public_names(get()) for key, get in NAME_TABLES.items()}


# --------------------------------------------------------------------------
# String identifiers (losses, metrics, optimizers, activations)
# --------------------------------------------------------------------------


def _candidates(module: ModuleType, registry: Mapping[str, object]) -> list[str]:
    """Strings to try: public names of ``module`` and keys of its registry.

    ``registry`` is the private ``ALL_OBJECTS_DICT`` that ``module.get``
    looks strings up in; it holds the short aliases ("mse", "bce", ...) and,
    for metrics, the snake_case forms of class names.
    """
    names = set(public_names(module)) | set(registry)
    return sorted(names)


def _function_name(obj: object) -> str | None:
    """Canonical function name behind a loss/metric function or instance."""
    fn = getattr(obj, "fn", obj)
    if inspect.isfunction(fn):
        return fn.__name__
    return None


def _compile_special_strings(func: Callable[..., Any]) -> frozenset[str]:
    """Strings ``func`` special-cases via ``str(identifier).lower() in [...]``.

    Parses ``compile_utils.get_loss`` / ``get_metric``; those strings are
    matched case-insensitively and resolved from the shapes of y_true/y_pred.
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Call)
            and isinstance(node.left.func, ast.Attribute)
            and node.left.func.attr == "lower"
            and isinstance(node.comparators[0], (ast.List, ast.Tuple, ast.Set))
        ):
            for elt in node.comparators[0].elts:
                if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                    found.add(elt.value)
    if not found:
        raise RuntimeError(f"no special-cased strings found in {func.__qualname__}")
    return frozenset(found)


def loss_tables() -> Tables:
    """Loss identifiers as ``Model.compile(loss=...)`` resolves them.

    ``compile_utils.get_loss`` special-cases ``"crossentropy"``/``"ce"`` (any
    case) and otherwise calls ``keras.losses.get``, which looks the string up
    in ``ALL_OBJECTS_DICT`` (exact case) and instantiates classes with no
    arguments.  A string that resolves to the abstract ``Loss`` base class
    (only ``"Loss"``) is accepted by ``get`` but fails at the first training
    step, so it is left out of ``LOSS_IDENTIFIERS`` / ``LOSS_ALIASES``.
    """
    special = _compile_special_strings(compile_utils.get_loss)
    aliases: dict[str, str] = {}
    for s in _candidates(keras.losses, _LOSS_OBJECTS):
        try:
            obj = _quiet_call(lambda: keras.losses.get(s))
        except Exception:  # noqa: BLE001
            continue
        fname = _function_name(obj)
        if fname is not None:
            aliases[s] = fname
    loss_classes: dict[str, str] = {}
    signatures: dict[str, Signature] = {}
    for name in sorted(public_names(keras.losses)):
        cls = getattr(keras.losses, name)
        if not (inspect.isclass(cls) and issubclass(cls, keras.losses.Loss)):
            continue
        signatures[name] = class_signature(cls)
        try:
            fname = _function_name(_quiet_call(cls))
        except Exception:  # noqa: BLE001
            fname = None
        if fname is not None:
            loss_classes[name] = fname
    return {
        "LOSS_IDENTIFIERS": frozenset(aliases) | special,
        "COMPILE_LOSS_SPECIAL_STRINGS": special,
        "LOSS_CLASSES": loss_classes,
        "LOSS_ALIASES": aliases,
        "LOSS_SIGNATURES": signatures,
    }


def metric_tables() -> Tables:
    """Strings accepted in ``Model.compile(metrics=[...])``.

    ``compile_utils.get_metric`` special-cases ``"accuracy"``/``"acc"`` (any
    case), otherwise ``keras.metrics.get`` (exact-case lookup; classes are
    instantiated without arguments, so e.g. ``"MeanIoU"`` fails).
    """
    special = _compile_special_strings(compile_utils.get_metric)
    accepted = {
        s
        for s in _candidates(keras.metrics, _METRIC_OBJECTS)
        if _accepts(lambda: keras.metrics.get(s))
    }
    # The abstract base class resolves but cannot compute anything.
    accepted = {
        s
        for s in accepted
        if type(_quiet_call(lambda: keras.metrics.get(s))) is not keras.metrics.Metric
    }
    return {
        "METRIC_IDENTIFIERS": frozenset(accepted) | special,
        "COMPILE_METRIC_SPECIAL_STRINGS": special,
    }


def activation_tables() -> Tables:
    """Strings accepted by ``keras.activations.get`` (exact case)."""
    accepted = {
        s
        for s in _candidates(keras.activations, {})
        if _accepts(lambda: keras.activations.get(s))
    }
    return {"ACTIVATION_IDENTIFIERS": frozenset(accepted)}


def optimizer_classes() -> dict[str, type]:
    out: dict[str, type] = {}
    for name in sorted(public_names(keras.optimizers)):
        obj = getattr(keras.optimizers, name)
        if inspect.isclass(obj) and issubclass(obj, BaseOptimizer):
            out[name] = obj
    return out


def optimizer_tables() -> Tables:
    """Optimizer identifiers, signatures and base kwargs.

    ``keras.optimizers.get(s)`` lowercases ``s`` if the lowercased form is a
    key of ``ALL_OBJECTS_DICT`` (class names lowercased), so matching is
    case-insensitive; ``OPTIMIZER_IDENTIFIERS`` holds the lowercase forms
    (verified by also trying ``upper()``/original-case variants).
    ``BaseOptimizer.__init__`` pops the deprecated ``decay`` (ignored with a
    warning) and raises ``ValueError("Argument(s) not recognized")`` for any
    other leftover, e.g. ``lr``.
    """
    accepted: set[str] = set()
    for s in _candidates(keras.optimizers, _OPT_OBJECTS):
        variants = {s, s.lower(), s.upper()}
        ok = {v for v in variants if _accepts(lambda: keras.optimizers.get(v))}
        if ok and ok != variants:
            raise RuntimeError(f"optimizer identifier {s!r} is case-sensitive: {ok}")
        if ok:
            accepted.add(s.lower())
    base = base_kwargs(BaseOptimizer)
    classes = optimizer_classes()
    signatures = {n: class_signature(c) for n, c in classes.items()}
    extra: dict[str, tuple[str, ...]] = {}
    rejected_base: dict[str, tuple[str, ...]] = {}
    for name, cls in classes.items():
        own = {p for p, _ in signatures[name][0]}
        chain = KwargsChain(cls, BaseOptimizer)
        if not chain.has_var_kwargs:
            continue
        if chain.swallowed:
            raise RuntimeError(f"{name} silently ignores unknown kwargs")
        if extras := sorted(chain.accepted - base):
            extra[name] = tuple(extras)
        if missing := sorted(base - own - chain.accepted):
            rejected_base[name] = tuple(missing)
    # Runtime confirmation of the documented behaviour.
    try:
        _quiet_call(lambda: keras.optimizers.Adam(lr=0.1))
    except ValueError as exc:
        if "Argument(s) not recognized" not in str(exc):
            raise
    else:
        raise RuntimeError("keras.optimizers.Adam(lr=0.1) was accepted")
    return {
        "OPTIMIZER_IDENTIFIERS": frozenset(accepted),
        "OPTIMIZER_BASE_KWARGS": base,
        "OPTIMIZER_SIGNATURES": signatures,
        "OPTIMIZER_EXTRA_KWARGS": extra,
        "OPTIMIZER_REJECTED_BASE_KWARGS": rejected_base,
    }



# --------------------------------------------------------------------------
# Assembling and rendering
# --------------------------------------------------------------------------

_SIG_T = "tuple[tuple[tuple[str, object], ...], bool]"
_NAMES_T = "frozenset[str]"

# Output order, type annotation and comment of every table.
TABLE_SPECS: tuple[tuple[str, str, str], ...] = (
    ("KERAS_VERSION", "str", "Keras version the tables were generated from."),
    ("KERAS_BACKEND", "str", "Keras backend active during generation."),
    ("REQUIRED", "str", "Default marker: the parameter has no default."),
    ("NONLITERAL", "str", "Default marker: the default is not a plain literal."),
    ("BASE_LAYER_KWARGS", _NAMES_T,
     "Keywords keras.layers.Layer.__init__ accepts (incl. popped input_dim/input_shape)."),
    ("LAYER_SIGNATURES", f"dict[str, {_SIG_T}]",
     "Layer name -> ((param, default), ...), accepts **kwargs. Aliases included."),
    ("LAYER_KEYWORD_ONLY_PARAMS", "dict[str, tuple[str, ...]]",
     "Layers whose __init__ has keyword-only parameters (cannot be positional)."),
    ("LAYER_EXTRA_KWARGS", "dict[str, tuple[str, ...]]",
     "Keywords accepted through **kwargs beyond BASE_LAYER_KWARGS (consumed or bound by a base class)."),
    ("LAYER_REJECTED_BASE_KWARGS", "dict[str, tuple[str, ...]]",
     "BASE_LAYER_KWARGS a layer's **kwargs does not accept (collide or raise)."),
    ("LAYERS_IGNORING_UNKNOWN_KWARGS", _NAMES_T,
     "Layers that silently drop unknown keyword arguments."),
    ("LAYERS_REJECTING_UNKNOWN_KWARGS", _NAMES_T,
     "Layers whose kwargs chain rejects unknown keywords (cross-checked by constructing them with zzz=1: ValueError 'Unrecognized keyword "
     "argument(s)', or TypeError when there is no **kwargs)."),
    ("LAYER_FUNCTIONS", _NAMES_T, "Public lowercase non-class callables of keras.layers."),
    ("LAYER_FUNCTION_SIGNATURES", f"dict[str, {_SIG_T}]", "Signatures of LAYER_FUNCTIONS."),
    ("INPUT_SIGNATURE", _SIG_T, "Signature of keras.Input / keras.layers.Input."),
    ("KERAS_TOP_NAMES", _NAMES_T, "Public names of keras."),
    ("KERAS_LAYERS_NAMES", _NAMES_T, "Public names of keras.layers."),
    ("KERAS_MODELS_NAMES", _NAMES_T, "Public names of keras.models."),
    ("KERAS_LOSSES_NAMES", _NAMES_T, "Public names of keras.losses."),
    ("KERAS_OPTIMIZERS_NAMES", _NAMES_T, "Public names of keras.optimizers."),
    ("KERAS_ACTIVATIONS_NAMES", _NAMES_T, "Public names of keras.activations."),
    ("KERAS_METRICS_NAMES", _NAMES_T, "Public names of keras.metrics."),
    ("KERAS_CALLBACKS_NAMES", _NAMES_T, "Public names of keras.callbacks."),
    ("KERAS_UTILS_NAMES", _NAMES_T, "Public names of keras.utils."),
    ("KERAS_BACKEND_NAMES", _NAMES_T, "Public names of keras.backend."),
    ("KERAS_PREPROCESSING_NAMES", _NAMES_T, "Public names of keras.preprocessing."),
    ("KERAS_PREPROCESSING_SEQUENCE_NAMES", _NAMES_T, "Public names of keras.preprocessing.sequence."),
    ("KERAS_PREPROCESSING_IMAGE_NAMES", _NAMES_T, "Public names of keras.preprocessing.image."),
    ("KERAS_WRAPPERS_NAMES", _NAMES_T, "Public names of keras.wrappers."),
    ("MODEL_ATTRIBUTES", _NAMES_T, "Public attributes of keras.Model."),
    ("SEQUENTIAL_ATTRIBUTES", _NAMES_T, "Public attributes of keras.Sequential."),
    ("LOSS_IDENTIFIERS", _NAMES_T,
     "Strings Model.compile(loss=...) accepts (exact case, except COMPILE_LOSS_SPECIAL_STRINGS)."),
    ("COMPILE_LOSS_SPECIAL_STRINGS", _NAMES_T,
     "compile() loss strings matched case-insensitively; pick binary/categorical/sparse CE from shapes."),
    ("LOSS_CLASSES", "dict[str, str]", "Loss class name -> canonical loss function name."),
    ("LOSS_ALIASES", "dict[str, str]",
     "Accepted loss string -> canonical loss function name (special strings excluded)."),
    ("LOSS_SIGNATURES", f"dict[str, {_SIG_T}]", "Loss class __init__ signatures."),
    ("METRIC_IDENTIFIERS", _NAMES_T,
     "Strings compile(metrics=[...]) accepts (exact case, except COMPILE_METRIC_SPECIAL_STRINGS)."),
    ("COMPILE_METRIC_SPECIAL_STRINGS", _NAMES_T,
     "compile() metric strings matched case-insensitively; pick the accuracy variant from shapes."),
    ("ACTIVATION_IDENTIFIERS", _NAMES_T, "Strings keras.activations.get accepts (exact case)."),
    ("OPTIMIZER_IDENTIFIERS", _NAMES_T,
     "Strings keras.optimizers.get accepts, lowercased; matching is case-insensitive."),
    ("OPTIMIZER_BASE_KWARGS", _NAMES_T,
     "Keywords the base optimizer accepts ('decay' is popped and ignored with a warning; 'lr' is rejected)."),
    ("OPTIMIZER_SIGNATURES", f"dict[str, {_SIG_T}]", "Optimizer class __init__ signatures."),
    ("OPTIMIZER_EXTRA_KWARGS", "dict[str, tuple[str, ...]]",
     "Keywords accepted through **kwargs beyond OPTIMIZER_BASE_KWARGS."),
    ("OPTIMIZER_REJECTED_BASE_KWARGS", "dict[str, tuple[str, ...]]",
     "OPTIMIZER_BASE_KWARGS an optimizer's **kwargs does not accept."),
)


def build_tables() -> Tables:
    """Derive every table from the installed Keras (deterministic)."""
    tables: Tables = {
        "KERAS_VERSION": keras.__version__,
        "KERAS_BACKEND": keras.backend.backend(),
        "REQUIRED": REQUIRED,
        "NONLITERAL": NONLITERAL,
    }
    for part in (
        layer_tables,
        name_tables,
        loss_tables,
        metric_tables,
        activation_tables,
        optimizer_tables,
    ):
        tables.update(part())
    expected = [name for name, _, _ in TABLE_SPECS]
    if sorted(tables) != sorted(expected):
        raise RuntimeError(f"table mismatch: {sorted(set(tables) ^ set(expected))}")
    return {name: tables[name] for name in expected}


def _lit(value: object) -> str:
    """Python source for a literal (strings double-quoted)."""
    if isinstance(value, str):
        if value == REQUIRED:
            return "REQUIRED"
        if value == NONLITERAL:
            return "NONLITERAL"
        return json.dumps(value)
    if isinstance(value, tuple):
        inner = ", ".join(_lit(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    raise TypeError(f"not a literal: {value!r}")


def _is_signature(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[1], bool)
        and isinstance(value[0], tuple)
        and all(isinstance(p, tuple) and len(p) == 2 for p in value[0])
    )


def _render_signature(sig: Signature, indent: str) -> str:
    params, var_kw = sig
    if not params:
        return f"((), {var_kw})"
    lines = [f"{indent}    ({_lit(name)}, {_lit(default)})," for name, default in params]
    return "((\n" + "\n".join(lines) + f"\n{indent}), {var_kw})"


def _render_value(value: object) -> str:
    if isinstance(value, frozenset):
        if not value:
            return "frozenset()"
        items = "\n".join(f"    {_lit(v)}," for v in sorted(value))
        return "frozenset({\n" + items + "\n})"
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key in sorted(value):
            v = value[key]
            body = _render_signature(v, "    ") if _is_signature(v) else _lit(v)
            lines.append(f"    {_lit(key)}: {body},")
        return "{\n" + "\n".join(lines) + "\n}"
    if _is_signature(value):
        return _render_signature(value, "")
    return _lit(value)


def render(tables: Tables) -> str:
    """Source text of ``shapecheck/tables/keras_tables.py``."""
    version = tables["KERAS_VERSION"]
    out = [
        '"""Keras API tables for the static checker (generated: do not edit).',
        "",
        f"Generated by tools/gen_keras_tables.py from Keras {version}"
        f" ({tables['KERAS_BACKEND']} backend).",
        "This file must not be edited by hand; rerun the generator instead:",
        "",
        "    python3 tools/gen_keras_tables.py",
        "",
        "Pure data: importing it never imports Keras.  Signatures are",
        "``((param, default), ...), accepts_var_kwargs`` with ``self``, ``*args``",
        "and ``**kwargs`` left out; a default is ``REQUIRED`` when there is none",
        "and ``NONLITERAL`` when it is not an int/float/str/bool/None or a",
        "tuple of those (lists are shown as tuples).",
        '"""',
        "",
        "from __future__ import annotations",
    ]
    for name, annotation, comment in TABLE_SPECS:
        value = tables[name]
        # The sentinels themselves must be spelled out, not by name.
        text = json.dumps(value) if name in ("REQUIRED", "NONLITERAL") else _render_value(value)
        out += ["", f"# {comment}", f"{name}: {annotation} = {text}"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT_PATH)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the output file is stale"
    )
    args = parser.parse_args(argv)
    text = render(build_tables())
    if args.check:
        current = args.output.read_text() if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; rerun tools/gen_keras_tables.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    print(f"wrote {args.output} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
