"""SC304 tf-function-on-keras-tensor."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from shapecheck.checking.rule import Context, FixSpec, Invalid, Rule
from shapecheck.engine.events import TensorflowCall
from shapecheck.tables.tf_to_keras_ops import TF_TO_KERAS_OPS, keras_call_for


class TensorflowOnKerasTensorRule(Rule):
    """Report a TensorFlow function applied to a symbolic Keras tensor while a Functional model is built."""

    code = "SC304"
    fixable = True
    name = "tf-function-on-keras-tensor"
    summary = "A TensorFlow function is called on a symbolic Keras tensor"
    what = """
Checks the tensors of a Functional model (from `keras.Input` through layer
calls) for TensorFlow functions applied to them directly: `tf.expand_dims(x, 1)`,
`tf.concat([a, b], -1)`, `tf.reduce_mean(x, 1)`, `tf.nn.softmax(x)`,
`tf.image.resize(x, ...)`. Inside a `Lambda` function, a layer's or model's
`call`, or a `tf.function`, the same calls get real tensors and are fine.
"""
    why = """
Keras 2 wrapped such calls in layers silently; Keras 3 raises
`ValueError: A KerasTensor cannot be used as input to a TensorFlow function`
as soon as the line runs. It is the most common error of Keras 2 code run on
Keras 3. Use the `keras.ops` function of the same name (`keras.ops.expand_dims`,
`keras.ops.concatenate`, `keras.ops.mean`, `keras.ops.softmax`,
`keras.ops.image.resize`), or wrap the TensorFlow call in a `Lambda` layer or
a custom layer.
"""
    VALID = [
        """
import keras
import tensorflow as tf

inputs = keras.Input(shape=(10, 8))
x = keras.ops.expand_dims(inputs, 1)
pooled = keras.ops.mean(inputs, axis=1)
""",
        """
import keras
import tensorflow as tf


class Pool(keras.layers.Layer):
    def call(self, x):
        return tf.reduce_mean(x, axis=1)


inputs = keras.Input(shape=(10, 8))
outputs = Pool()(inputs)
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
import tensorflow as tf

inputs = keras.Input(shape=(10, 8))
x = keras.layers.Dense(4)(inputs)
x = tf.expand_dims(x, 1)
"""
        ),
        Invalid(
            """
import tensorflow as tf
from tensorflow.keras import layers

a = layers.Input(shape=(8,))
b = layers.Input(shape=(8,))
merged = tf.concat([a, b], axis=-1)
"""
        ),
    ]

    def on_tensorflow_call(self, ctx: Context, event: TensorflowCall) -> None:
        """Report the TensorFlow function, with the Keras 3 way to write it (and a fix where one-to-one)."""
        name = event.path.replace("tensorflow.", "tf.", 1)
        entry = TF_TO_KERAS_OPS.get(name)
        if entry is not None:
            advice = f"use `{entry.keras_path}`" + ("" if entry.one_to_one else f" (mind: {entry.note})") \
                + " or wrap the call in a `Lambda` layer"
        else:
            advice = "use the `keras.ops` equivalent or wrap the call in a `Lambda` layer"
        ctx.report(
            self,
            event.node.func,
            f"`{name}` is a TensorFlow function, and Keras 3 refuses symbolic Keras tensors there "
            f"(`ValueError: A KerasTensor cannot be used as input to a TensorFlow function`); {advice}",
            [],
            fix=_fix(event, name),
        )


def _fix(event: TensorflowCall, name: str) -> Optional[FixSpec]:
    """``tf.X(...)`` -> ``keras.ops.Y(...)`` when the table says the call means the same there."""
    call = event.node
    if event.keras_alias is None or any(arg.star for arg in call.args):
        return None
    keywords = [arg.keyword.value for arg in call.args if arg.keyword is not None]
    positional = sum(1 for arg in call.args if arg.keyword is None)
    found = keras_call_for(name, positional, keywords)
    if found is None:
        return None
    path, renames = found
    if any(not new for new in renames.values()):
        return None  # dropping an argument (``name=``) is left to the author
    func = cst.parse_expression(event.keras_alias + path[len("keras"):])
    args = [arg.with_changes(keyword=cst.Name(renames[arg.keyword.value]))
            if arg.keyword is not None and renames.get(arg.keyword.value, arg.keyword.value) != arg.keyword.value
            else arg for arg in call.args]
    return FixSpec(f"Replace `{name}` with `{path}`", ((call, call.with_changes(func=func, args=args)),))
