"""SC102 stacked-rnn-missing-return-sequences."""

from __future__ import annotations

from shapecheck.events import ShapeProblem
from shapecheck.rule import Context, Invalid, Rule
from shapecheck.shapes.errors import RankMismatch

from ._shape import is_stacked_rnn_problem, last_output_rnn


class StackedRnnRule(Rule):
    """Report an RNN stacked on an RNN that returns only its last output."""

    code = "SC102"
    name = "stacked-rnn-missing-return-sequences"
    summary = "An RNN is fed the last output of another RNN instead of its sequence"
    what = """
Checks that an RNN (`LSTM`, `GRU`, `SimpleRNN`, also inside `Bidirectional`)
or a `TimeDistributed` layer placed after another RNN receives a sequence:
the RNN before it must have `return_sequences=True`.
"""
    why = """
By default an RNN returns only its last output, a 2-D tensor (batch, units).
The next RNN needs 3-D input (batch, timesteps, features), so Keras raises
`expected ndim=3, found ndim=2` when the model is built.
"""
    VALID = [
        """
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    LSTM(64, return_sequences=True),
    LSTM(32),
    Dense(1),
])
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    LSTM(64),
    LSTM(32),
    Dense(1),
])
"""
        ),
    ]

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the rank problem of a sequence layer fed by an RNN's last output."""
        if not is_stacked_rnn_problem(event):
            return
        assert isinstance(event.error, RankMismatch)
        tensor = event.inputs[event.error.input_index]
        rnn = last_output_rnn(tensor)
        assert rnn is not None and tensor.producer is not None
        ctx.report(
            self,
            event.node,
            f"`{event.layer.kind}` {event.error.message} from the `{rnn.kind}` on line {{0}}, "
            "which returns only its last output",
            [(rnn.node, "add `return_sequences=True` here")],
            refs=[tensor.producer.node],
        )
