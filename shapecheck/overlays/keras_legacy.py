"""Keras 1/2 spellings, for the interpreter: read with their Keras 3 meaning.

``Dense(output_dim=64, init="uniform")`` or ``Convolution2D(nb_filter=32,
nb_row=3, nb_col=3, border_mode="same", subsample=(2, 2))`` are rejected by
Keras 3 (SC301/SC302 report each keyword), but the model behind them is
still the author's model: :func:`read_legacy` fills the layer's config with
the Keras 3 parameters those keywords became
(:mod:`shapecheck.tables.keras_legacy`), so shapes downstream stay known,
and confirmation rebuilds the layer from that translated config.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.values import Const, literal
from shapecheck.tables import keras_legacy as L
from shapecheck.tables import keras_tables as T


def read_legacy(kind: str, args: Arguments, names: list[str], values: dict[str, Any],
                arg_nodes: dict[str, cst.CSTNode], unknown: list[tuple[str, cst.CSTNode]]) -> set[str]:
    """Bind the Keras 1 keywords among ``unknown`` into ``values``/``arg_nodes``; the ones understood.

    A keyword is understood when its Keras 3 parameter belongs to the layer,
    was not also given, and (for ``border_mode``) has a value Keras 3
    accepts; shape-neutral ones are understood and dropped.  A Keras 1
    positional kernel (``Convolution2D(32, 3, 3, border_mode="same")``) is
    read as ``kernel_size=(3, 3)`` once the call uses a Keras 1 keyword.
    """
    understood: set[str] = set()
    given = {key for key, _ in unknown}
    kw = args.keywords
    for key, _ in unknown:
        if key in L.SHAPE_NEUTRAL:
            understood.add(key)
            continue
        target = L.SHAPE_ALIASES.get(key)
        if target is None or target not in names or target in kw:
            continue
        value = literal(kw[key])
        if target == "padding" and value not in L.PADDING_VALUES:
            continue
        values[target] = value
        arg_nodes[target] = args.keyword_nodes[key]
        understood.add(key)
    for parts in (L.KERNEL_PARTS, L.KERNEL_PARTS_3D):
        if all(p in given for p in parts) and "kernel_size" in names and "kernel_size" not in kw \
                and len(args.positional) < 2:
            values["kernel_size"] = tuple(literal(kw[p]) for p in parts)
            arg_nodes["kernel_size"] = args.keyword_nodes[parts[0]]
            understood.update(parts)
    rank = L.POSITIONAL_KERNEL.get(kind)
    if understood and rank is not None and len(args.positional) == 1 + rank \
            and all(isinstance(v, Const) and isinstance(v.value, int) for v in args.positional[1:]):
        values["kernel_size"] = tuple(literal(v) for v in args.positional[1:])
        arg_nodes["kernel_size"] = args.positional_nodes[1]
        for later in names[2:1 + rank]:  # what Keras 3 would have bound there: strides (and padding)
            if later not in kw and later not in understood_targets(understood):
                values[later] = _default(kind, later)
                arg_nodes.pop(later, None)
    return understood


def understood_targets(keys: set[str]) -> set[str]:
    """The Keras 3 parameters these Keras 1 keywords were read as."""
    return {L.SHAPE_ALIASES[k] for k in keys if k in L.SHAPE_ALIASES}


def _default(kind: str, name: str) -> Any:
    for param, default in T.LAYER_SIGNATURES[kind][0]:
        if param == name:
            return default
    return None


def fit_keywords(keywords: dict[str, Any]) -> dict[str, Any]:
    """``fit(nb_epoch=10)`` read as ``fit(epochs=10)`` (when ``epochs`` is not also given)."""
    out = dict(keywords)
    for old, new in L.FIT_ALIASES.items():
        if old in out and new not in out:
            out[new] = out[old]
    return out
