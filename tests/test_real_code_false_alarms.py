"""Real code that runs under TensorFlow 2.21 / Keras 3.15 must draw no error (issue 13).

Each case is a minimal script of our own that reproduces one false-alarm
mechanism seen in public Keras code.  Every CLEAN script was run under
TensorFlow 2.21 / Keras 3.15 and runs; every FLAGGED one fails there.  The
FLAGGED cases check that a fix did not silence the true finding next to it.
"""

from __future__ import annotations

import textwrap

import pytest

from shapecheck.checking.checker import check_source


def _codes(source: str) -> list[str]:
    return [f"{d.code}:{d.severity.value}" for d in check_source(textwrap.dedent(source), "case.py")]


CLEAN = {
    # A linear Activation after the softmax (a float32 cast in mixed precision) keeps probabilities.
    "softmax_then_linear_cast": """
        import keras
        from keras import layers

        inputs = keras.Input(shape=(8,))
        logits = layers.Dense(10)(inputs)
        probabilities = layers.Activation("softmax", dtype="float32")(logits)
        outputs = layers.Activation("linear", dtype="float32")(probabilities)
        model = keras.Model(inputs, outputs)
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        """,
    # Computations between layers with keras.ops, operators and indexing that Keras 3 accepts.
    "ops_between_layers": """
        import keras
        import tensorflow as tf
        from keras import layers

        sequence = keras.Input(shape=(20, 16))
        mask = keras.Input(shape=(20, 1))
        masked = sequence * mask
        last_step = masked[:, -1, :]
        joined = keras.ops.concatenate([last_step, keras.ops.mean(masked, axis=1)], axis=-1)
        outputs = layers.Dense(1)(joined)
        pooled = layers.Lambda(lambda t: tf.reduce_mean(t, axis=1))(sequence)
        """,
    # A loss the script never calls runs on real tensors, even when it reads a global keras.Input.
    "tf_ops_in_a_loss_function": """
        import keras
        import tensorflow as tf
        true_boxes = keras.Input(shape=(4,))


        def custom_loss(y_true, y_pred):
            overlap = tf.maximum(y_pred, true_boxes)
            return tf.reduce_mean(tf.square(y_true - overlap))
        """,
    # A layer called on a real tensor gives a real tensor: a lone slice works there.
    "slice_of_an_eager_tensor": """
        import tensorflow as tf
        from keras import layers
        vectorize = layers.TextVectorization(max_tokens=100)
        vectorize.adapt(tf.constant(["a b", "c d"]))
        ids = vectorize(tf.constant(["a b", "c"]))
        first = ids[:1]
        """,
    # Inside a layer's call the backend op runs eagerly, and it takes padding="SAME".
    "uppercase_padding_inside_call": """
        import keras
        from keras import layers


        class Down(keras.layers.Layer):
            def call(self, x):
                return layers.MaxPooling2D(padding="SAME")(x)


        outputs = Down()(keras.Input(shape=(8, 8, 3)))
        """,
    # tf.keras is keras._tf_keras.keras: it keeps names plain keras dropped.
    "tf_keras_losses_compat": """
        import tensorflow as tf
        loss = tf.keras.losses.SparseCategoricalCrossentropy(reduction=tf.keras.losses.Reduction.NONE)
        a = tf.keras.losses.mae
        b = tf.keras.losses.MSE
        c = tf.keras.losses.kullback_leibler_divergence
        d = tf.keras.metrics.mse
        """,
    "tensorflow_keras_from_import": """
        from tensorflow.keras.losses import mse, MAE
        from tensorflow.keras.layers import RandomHeight, RandomWidth
        from tensorflow import keras
        e = keras.losses.logcosh
        """,
    "tf_keras_backend_and_text": """
        import tensorflow.keras.backend as K
        from tensorflow.keras.preprocessing.text import Tokenizer
        from tensorflow.keras.preprocessing.sequence import pad_sequences
        x = K.int_shape
        """,
    # ...but not where tf.keras still has them.
    "tf_keras_keeps_preprocessing": """
        from tensorflow.keras.preprocessing.image import ImageDataGenerator
        from tensorflow.keras.preprocessing.text import Tokenizer
        from tensorflow.keras.preprocessing.sequence import TimeseriesGenerator, skipgrams
        """,
    "tf_keras_star_import": """
        from tensorflow.keras.losses import *
        loss = mae
        """,
    # Guards: code under a feature or version check targets some version, maybe not this one.
    "hasattr_if": """
        from keras import optimizers
        if hasattr(optimizers, "optimizer_from_config"):
            opt = optimizers.optimizer_from_config({})
        """,
    "hasattr_and": """
        import tensorflow as tf
        opt = tf.keras.optimizers.Adam()
        if hasattr(tf.keras.optimizers, "experimental") and isinstance(opt, tf.keras.optimizers.experimental.Optimizer):
            pass
        """,
    "hasattr_ifexp": """
        import keras
        Norm = keras.layers.GroupNorm if hasattr(keras.layers, "GroupNorm") else keras.layers.LayerNormalization
        """,
    "getattr_default": """
        import keras
        if getattr(keras.layers, "experimental", None) is not None:
            flip = keras.layers.experimental.preprocessing.RandomFlip()
        """,
    "version_string_compare": """
        import tensorflow as tf
        if tf.__version__ < "2.0":
            sess = tf.keras.backend.get_session()
        """,
    "version_variable": """
        import keras
        keras_2 = int(keras.__version__.split(".")[0]) > 1
        def dense(units):
            if keras_2:
                return keras.layers.Dense(units, kernel_initializer="glorot_uniform")
            return keras.layers.Dense(units, init="glorot_uniform")
        def norm():
            if not keras_2:
                return keras.layers.BatchNormalization(mode=0)
            return keras.layers.BatchNormalization()
        """,
    "version_parse": """
        import keras
        from packaging import version
        if version.parse(keras.__version__) < version.parse("3.0"):
            model_fit = keras.Model.fit_generator
        """,
    "sys_version_info": """
        import sys
        import keras
        if sys.version_info < (3, 0):
            merged = keras.layers.merge
        """,
    "try_except_import": """
        try:
            from keras.layers.experimental.preprocessing import RandomFlip
        except (ImportError, ModuleNotFoundError):
            from keras.layers import RandomFlip
        """,
    # A layer the analysis does not know, or a nested model, inside a Sequential
    # that is later applied to a tensor: what follows it is checked on its real input.
    "custom_layer_in_nested_sequential": """
        import keras
        from keras import layers
        class Widen(layers.Layer):
            def call(self, x):
                return keras.ops.concatenate([x, x], axis=-1)
            def compute_output_shape(self, shape):
                return shape[:-1] + (2 * shape[-1],)
        encoder = keras.Sequential([layers.Flatten(), layers.Dense(30)])
        decoder = keras.Sequential([Widen(), layers.Reshape((6, 10))])
        model = keras.Sequential([encoder, decoder])
        y = model(keras.Input((28, 28)))
        z = layers.Reshape((4, 6, 10))(layers.TimeDistributed(Widen())(keras.Input((4, 30))))
        """,
    "nested_sequential_replayed": """
        import keras
        from keras import layers
        inner = keras.Sequential([layers.Dense(30)])
        outer = keras.Sequential([inner, layers.Reshape((5, 6))])
        y = outer(keras.Input((100,)))
        """,
    # A size the checker does not know is not Keras's None: Keras knows it (64 here).
    "reshape_minus_one_of_unknown_lambda": """
        import keras
        from keras import layers
        x = keras.Input((12, 12, 64))
        y = layers.Lambda(lambda t: t * 2.0)(x)
        y = layers.Reshape((144, -1))(y)
        y = layers.LayerNormalization()(y)
        y = layers.Dense(8)(y)
        """,
}

FLAGGED = {
    # Keras 3 takes `decay=` with a warning and ignores it: a warning, not an error.
    "optimizer_decay_only_warns": ("""
        import keras
        optimizer = keras.optimizers.Adam(learning_rate=1e-3, decay=1e-6)
        """, ["SC301:warning"]),
    # plain keras 3 really lacks these (AttributeError / ImportError).
    "keras_losses_mae": ("""
        import keras
        loss = keras.losses.mae
        """, ["SC303:error"]),
    # ...and tf.keras really lacks mean_squared_error under TF 2.21.
    "tf_keras_losses_mean_squared_error": ("""
        import tensorflow as tf
        loss = tf.keras.losses.mean_squared_error
        """, ["SC303:error"]),
    # The same names outside a guard are still reported...
    "unguarded_removed_keyword": ("""
        import keras
        layer = keras.layers.Dense(4, init="glorot_uniform")
        """, ["SC301:error"]),
    # ...and the shapes under a guard are still checked.
    "shape_under_hasattr": ("""
        import keras
        if hasattr(keras.layers, "Reshape"):
            x = keras.Input((10,))
            y = keras.layers.Reshape((3, 4))(x)
        """, ["SC107:error"]),
    "reshape_after_known_layers_in_nested_sequential": ("""
        import keras
        from keras import layers
        inner = keras.Sequential([layers.Dense(30)])
        outer = keras.Sequential([inner, layers.Reshape((6, 6))])
        y = outer(keras.Input((100,)))
        """, ["SC107:error"]),
    # ...while a real variable axis (None) still is.
    "reshape_minus_one_of_variable_axis": ("""
        import keras
        from keras import layers
        x = keras.Input((None, 64))
        y = layers.Reshape((8, -1))(x)
        y = layers.Dense(8)(y)
        """, ["SC111:error"]),
    # Misses: removed modules and backend functions, reported with their replacement...
    "removed_modules": ("""
        from keras.preprocessing.text import Tokenizer
        from keras.preprocessing.sequence import pad_sequences, TimeseriesGenerator
        from keras.wrappers.scikit_learn import KerasClassifier
        from tensorflow.keras.wrappers.scikit_learn import KerasRegressor
        from tensorflow.keras.layers.experimental import preprocessing
        from keras.preprocessing.image import ImageDataGenerator
        """, ["SC301:error"] * 6),
    "removed_backend_functions": ("""
        import tensorflow as tf
        from keras import backend as K
        s = K.get_session()
        K.set_session(s)
        p = K.placeholder(shape=(2,))
        s2 = tf.keras.backend.get_session()
        """, ["SC301:error"] * 4),
    "removed_keras2_module_path": ("""
        from keras.layers.core import Dense
        """, ["SC303:error"]),
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean(name: str) -> None:
    assert _codes(CLEAN[name]) == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged(name: str) -> None:
    source, expected = FLAGGED[name]
    assert _codes(source) == expected
