"""SC304 tf-function-on-keras-tensor."""

from __future__ import annotations

from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.events import TensorflowCall


class TensorflowOnKerasTensorRule(Rule):
    """Report a TensorFlow function applied to a symbolic Keras tensor while a Functional model is built."""

    code = "SC304"
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
y = keras.layers.Lambda(lambda t: tf.reduce_mean(t, axis=1))(inputs)
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
        """Report the TensorFlow function, with the Keras 3 way to write it."""
        name = event.path.replace("tensorflow.", "tf.", 1)
        ctx.report(
            self,
            event.node.func,
            f"`{name}` is a TensorFlow function, and Keras 3 refuses symbolic Keras tensors there "
            "(`ValueError: A KerasTensor cannot be used as input to a TensorFlow function`); "
            "use the `keras.ops` equivalent or wrap the call in a `Lambda` layer",
            [],
        )
