"""TensorFlow functions that Keras-2-era code applies to symbolic tensors, and
their ``keras.ops`` replacements.

In Keras 3 a KerasTensor (the output of ``keras.Input`` or a layer in the
Functional API) cannot go into a TensorFlow function: ``tf.concat([a, b], 1)``
raises "A KerasTensor cannot be used as input to a TensorFlow function".
The fix is the ``keras.ops`` twin (or wrapping the TF code in a layer).

Each :class:`TfToKeras` entry names the TF function, the ``keras.ops`` name
(``"image.resize"`` is ``keras.ops.image.resize``), and maps every TF
parameter, in TF's positional order, to its Keras parameter, or to None
where Keras has no counterpart (``name`` is always one: it can simply be
dropped).  ``one_to_one`` says the mapped parameters mean the same thing,
defaults included, so a textual fix is safe when the call passes no argument
without a counterpart; :func:`keras_call_for` decides that for one call.
``tests/test_tf_to_keras_ops.py`` checks the names, the parameter lists and
the defaults against the installed TensorFlow and Keras.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class TfToKeras:
    """One TF function and its keras.ops replacement."""

    tf_name: str
    keras_name: str
    params: tuple[tuple[str, str | None], ...]
    one_to_one: bool = True
    note: str = ""
    positional: int | None = None
    """How many leading positional arguments land on the same parameter in both;
    None: up to the first TF parameter without a Keras counterpart."""

    @property
    def max_positional(self) -> int:
        """The most positional arguments a textual fix may keep in place."""
        if self.positional is not None:
            return self.positional
        for i, (_, keras_param) in enumerate(self.params):
            if keras_param is None:
                return i
        return len(self.params)

    @property
    def keras_path(self) -> str:
        """The replacement as written in code: ``keras.ops.<name>``."""
        return f"keras.ops.{self.keras_name}"

    def keras_param(self, tf_param: str) -> str | None:
        """The Keras parameter for a TF parameter (None: no counterpart)."""
        return dict(self.params).get(tf_param)


def _spec(text: str) -> tuple[tuple[str, str | None], ...]:
    """``"input>x axis name>-"``: input becomes x, axis stays axis, name has no twin."""
    out: list[tuple[str, str | None]] = []
    for item in text.split():
        tf_param, _, keras_param = item.partition(">")
        target = keras_param or tf_param
        out.append((tf_param, None if target == "-" else target))
    return tuple(out)


TF_TO_KERAS_OPS: dict[str, TfToKeras] = {}


def _add(names: str, keras_name: str, params: str, one_to_one: bool = True, note: str = "",
         positional: int | None = None) -> None:
    for tf_name in names.split():
        TF_TO_KERAS_OPS[tf_name] = TfToKeras(
            tf_name, keras_name, _spec(params), one_to_one, note, positional
        )


_UNARY_X = "x name>-"
_BINARY = "x>x1 y>x2 name>-"
_REDUCE = "input_tensor>x axis keepdims name>-"

# structure
_add("tf.expand_dims", "expand_dims", "input>x axis name>-")
_add("tf.concat", "concatenate", "values>xs axis name>-")
_add("tf.stack", "stack", "values>x axis name>-")
_add("tf.unstack", "unstack", "value>x num axis name>-")
_add("tf.reshape", "reshape", "tensor>x shape>newshape name>-")
_add("tf.transpose", "transpose", "a>x perm>axes conjugate>- name>-")
_add("tf.squeeze", "squeeze", "input>x axis name>-")
_add("tf.tile", "tile", "input>x multiples>repeats name>-")
_add("tf.repeat", "repeat", "input>x repeats axis name>-")
_add("tf.broadcast_to", "broadcast_to", "input>x shape name>-")
_add("tf.reverse", "flip", "tensor>x axis name>-")
_add("tf.roll", "roll", "input>x shift axis name>-")
_add("tf.pad", "pad", "tensor>x paddings>pad_width mode>- constant_values name>-",
     note="TF's mode is upper-case ('CONSTANT', 'REFLECT'); Keras's lower-case")
_add("tf.split", "split", "value>x num_or_size_splits>indices_or_sections axis num>- name>-",
     one_to_one=False,
     note="an int splits alike; a list is piece sizes in TF but split points in Keras")
_add("tf.gather", "take", "params>x indices validate_indices>- axis batch_dims>- name>-",
     one_to_one=False, note="axis=None means 0 in TF but a flattened x in Keras: pass axis")
_add("tf.one_hot", "one_hot", "indices>x depth>num_classes on_value>- off_value>- axis dtype name>-",
     note="axis=None in TF means -1, Keras's default")
_add("tf.where", "where", "condition x>x1 y>x2 name>-")
_add("tf.einsum tf.linalg.einsum", "einsum", "equation>subscripts inputs>operands")
_add("tf.cast", "cast", "x dtype name>-")
_add("tf.image.resize", "image.resize",
     "images size method>interpolation preserve_aspect_ratio>- antialias name>-",
     note="Keras reads data_format from keras.config (channels_last by default), as TF assumes")
_add("tf.shape", "shape", "input>x out_type>- name>-", one_to_one=False,
     note="keras.ops.shape gives a tuple (None for an undefined dim), not a tensor")

# products
_add("tf.matmul tf.linalg.matmul", "matmul",
     "a>x1 b>x2 transpose_a>- transpose_b>- adjoint_a>- adjoint_b>- a_is_sparse>- "
     "b_is_sparse>- output_type>- grad_a>- grad_b>- name>-")

# reductions
for _tf, _k in (("reduce_mean", "mean"), ("reduce_sum", "sum"), ("reduce_max", "max"),
                ("reduce_min", "min"), ("reduce_prod", "prod"), ("reduce_any", "any"),
                ("reduce_all", "all"), ("reduce_logsumexp", "logsumexp")):
    _add(f"tf.{_tf} tf.math.{_tf}", _k, _REDUCE)
_add("tf.math.reduce_std", "std", _REDUCE)
_add("tf.math.reduce_variance", "var", _REDUCE)
_add("tf.argmax tf.math.argmax", "argmax", "input>x axis output_type>- name>-", one_to_one=False,
     note="axis=None means 0 in TF but a flattened x in Keras: pass axis")
_add("tf.argmin tf.math.argmin", "argmin", "input>x axis output_type>- name>-", one_to_one=False,
     note="axis=None means 0 in TF but a flattened x in Keras: pass axis")
_add("tf.cumsum tf.math.cumsum", "cumsum", "x axis exclusive>- reverse>- name>-", one_to_one=False,
     note="axis defaults to 0 in TF but to None (flattened) in Keras: pass axis")
_add("tf.math.cumprod", "cumprod", "x axis exclusive>- reverse>- name>-", one_to_one=False,
     note="axis defaults to 0 in TF but to None (flattened) in Keras: pass axis")
_add("tf.math.top_k", "top_k", "input>x k sorted index_type>- name>-", one_to_one=False,
     note="k defaults to 1 in TF but is required in Keras")
_add("tf.sort", "sort", "values>x axis direction>- name>-")
_add("tf.argsort", "argsort", "values>x axis direction>- stable>- name>-")
_add("tf.nn.moments", "moments", "x axes shift>- keepdims name>-")
_add("tf.math.unsorted_segment_sum", "segment_sum", "data segment_ids num_segments name>-")
_add("tf.math.unsorted_segment_max", "segment_max", "data segment_ids num_segments name>-")
_add("tf.math.segment_sum", "segment_sum", "data segment_ids name>-")
_add("tf.math.segment_max", "segment_max", "data segment_ids name>-")
_add("tf.nn.l2_normalize tf.math.l2_normalize", "normalize", "x axis epsilon name>- dim>-",
     one_to_one=False, positional=2,
     note="axis=None normalizes over all axes in TF; Keras defaults to -1; "
          "Keras's third parameter is order, not epsilon")

# element-wise, binary
for _tf, _k in (("add", "add"), ("subtract", "subtract"), ("multiply", "multiply"),
                ("divide", "divide"), ("truediv", "true_divide"), ("pow", "power"),
                ("maximum", "maximum"), ("minimum", "minimum"), ("equal", "equal"),
                ("not_equal", "not_equal"), ("greater", "greater"),
                ("greater_equal", "greater_equal"), ("less", "less"), ("less_equal", "less_equal"),
                ("logical_and", "logical_and"), ("logical_or", "logical_or")):
    _add(f"tf.{_tf} tf.math.{_tf}", _k, _BINARY)
_add("tf.math.floordiv", "floor_divide", _BINARY)
_add("tf.math.floormod", "mod", _BINARY)
_add("tf.math.divide_no_nan", "divide_no_nan", _BINARY)
_add("tf.clip_by_value", "clip", "t>x clip_value_min>x_min clip_value_max>x_max name>-")

# element-wise, unary
for _tf, _k in (("square", "square"), ("sqrt", "sqrt"), ("abs", "abs"), ("exp", "exp"),
                ("sign", "sign"), ("negative", "negative"), ("floor", "floor"),
                ("round", "round"), ("sigmoid", "sigmoid"), ("tanh", "tanh"),
                ("logical_not", "logical_not")):
    _add(f"tf.{_tf} tf.math.{_tf}", _k, _UNARY_X)
for _tf, _k in (("log", "log"), ("log1p", "log1p"), ("ceil", "ceil"), ("rsqrt", "rsqrt"),
                ("reciprocal", "reciprocal"), ("erf", "erf"), ("sin", "sin"), ("cos", "cos"),
                ("is_nan", "isnan"), ("is_inf", "isinf"), ("is_finite", "isfinite")):
    _add(f"tf.math.{_tf}", _k, _UNARY_X)
_add("tf.nn.sigmoid", "sigmoid", _UNARY_X)
_add("tf.nn.tanh", "tanh", _UNARY_X)
for _tf in ("relu", "relu6", "elu", "selu", "softplus", "softsign"):
    _add(f"tf.nn.{_tf}", _tf, "features>x name>-")
_add("tf.math.softplus", "softplus", "features>x name>-")
_add("tf.nn.silu tf.nn.swish", "silu", "features>x beta>-")
_add("tf.nn.leaky_relu", "leaky_relu", "features>x alpha>negative_slope name>-")
_add("tf.nn.gelu", "gelu", "features>x approximate name>-", one_to_one=False,
     note="approximate defaults to False in TF but True in Keras: pass it")
_add("tf.nn.softmax tf.math.softmax", "softmax", "logits>x axis name>-",
     note="axis=None in TF means -1, Keras's default")
_add("tf.nn.log_softmax tf.math.log_softmax", "log_softmax", "logits>x axis name>-",
     note="axis=None in TF means -1, Keras's default")
_add("tf.ones_like", "ones_like", "input>x dtype name>- layout>-")
_add("tf.zeros_like", "zeros_like", "input>x dtype name>- layout>-")
_add("tf.stop_gradient", "stop_gradient", "input>variable name>-")

SAME_MEANING_DEFAULTS: frozenset[tuple[str, str]] = frozenset(
    (name, "axis") for name in (
        "tf.nn.softmax", "tf.math.softmax", "tf.nn.log_softmax", "tf.math.log_softmax",
        "tf.one_hot",
    )
) | {("tf.pad", "constant_values")}
"""(TF function, parameter) whose defaults differ in spelling only (TF's axis=None
means -1; tf.pad's constant_values=0 is Keras's None)."""


def keras_call_for(
    tf_name: str, n_positional: int, keywords: Sequence[str]
) -> tuple[str, dict[str, str]] | None:
    """The replacement of ``tf_name(<n_positional args>, <keywords>=...)`` if a textual fix is safe.

    Returns (``keras.ops.<name>``, keyword renames; ``name`` maps to "" = drop
    it), or None when the entry is not one-to-one, an argument has no Keras
    counterpart, or a positional argument would land on a different parameter.
    """
    entry = TF_TO_KERAS_OPS.get(tf_name)
    if entry is None or not entry.one_to_one:
        return None
    tf_params = [p for p, _ in entry.params]
    if entry.keras_name == "einsum":
        return (entry.keras_path, {}) if not keywords else None
    if n_positional > entry.max_positional:
        return None
    renames: dict[str, str] = {}
    for kw in keywords:
        if kw == "name":
            renames[kw] = ""
            continue
        keras_param = entry.keras_param(kw)
        if kw not in tf_params or keras_param is None:
            return None
        renames[kw] = keras_param
    return entry.keras_path, renames
