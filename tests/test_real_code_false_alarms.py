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
    "tf_keras_star_import": """
        from tensorflow.keras.losses import *
        loss = mae
        """,
}

FLAGGED = {
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
}


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean(name: str) -> None:
    assert _codes(CLEAN[name]) == []


@pytest.mark.parametrize("name", sorted(FLAGGED))
def test_flagged(name: str) -> None:
    source, expected = FLAGGED[name]
    assert _codes(source) == expected
