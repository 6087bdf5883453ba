"""SC404 finite-generator."""

from __future__ import annotations

from shapecheck.report.diagnostics import Severity
from shapecheck.engine.events import DataFed
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.values import Const, Generator


class FiniteGeneratorRule(Rule):
    """Warn when fit asks a finite generator for more batches than it yields."""

    code = "SC404"
    name = "finite-generator"
    severity = Severity.WARNING
    summary = "A finite generator runs out before training ends"
    what = """
Counts the batches a Python generator yields (when its loops are over known
ranges) and compares them with what `fit` asks for: `steps_per_epoch *
epochs`, or, without `steps_per_epoch`, more than one epoch. A generator with
a `while True` loop around its `yield` never runs out and is fine.
"""
    why = """
Keras does not restart a Python generator. When it is exhausted, Keras warns
`Your input ran out of data; interrupting training` and the remaining epochs
run on nothing, so the model trains far less than the script says.
"""
    VALID = [
        """
import numpy as np
import keras
from keras import layers


def batches(x, y, size):
    while True:
        for i in range(0, len(x), size):
            yield x[i:i + size], y[i:i + size]


x = np.random.rand(64, 3)
y = np.random.rand(64, 1)
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(batches(x, y, 16), steps_per_epoch=4, epochs=3, verbose=0)
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras
from keras import layers


def batches(x, y, size):
    for i in range(0, len(x), size):
        yield x[i:i + size], y[i:i + size]


x = np.random.rand(64, 3)
y = np.random.rand(64, 1)
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(batches(x, y, 16), steps_per_epoch=4, epochs=3, verbose=0)
""",
            raises=False,
        ),
    ]

    def on_data_fed(self, ctx: Context, event: DataFed) -> None:
        """Compare the batches asked for with the batches the generator has."""
        gen = event.x
        if event.method != "fit" or not isinstance(gen, Generator) or gen.endless or gen.count is None:
            return
        epochs = _int(event.keywords.get("epochs", Const(1)))
        steps = event.keywords.get("steps_per_epoch", Const(None))
        if epochs is None:
            return
        if isinstance(steps, Const) and steps.value is None:
            if epochs > 1:
                ctx.report(self, event.node,
                           f"the generator yields {gen.count} batches and then stops, but `fit` runs {epochs} "
                           "epochs: every epoch after the first gets no data; loop forever with `while True:`")
            return
        per_epoch = _int(steps)
        if per_epoch is not None and per_epoch * epochs > gen.count:
            ctx.report(self, event.node,
                       f"`fit` asks for {per_epoch} steps x {epochs} epochs = {per_epoch * epochs} batches, but "
                       f"the generator yields only {gen.count}; loop forever with `while True:`")


def _int(value: object) -> int | None:
    if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
        return value.value
    return None
