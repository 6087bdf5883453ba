"""SC102 stacked-rnn-missing-return-sequences."""

from __future__ import annotations

from collections import Counter

import libcst as cst

from shapecheck.engine.events import LayerApplied, LayerCreated, ShapeProblem
from shapecheck.checking.rule import Context, Finding, FixSpec, Invalid, Rule
from shapecheck.report.diagnostics import Applicability
from shapecheck.shapes.errors import RankMismatch
from shapecheck.engine.values import Layer, LayerCall

from ._fix import parent_map, set_keyword, used_once
from ._shape import is_stacked_rnn_problem, last_output_rnn


class StackedRnnRule(Rule):
    """Report an RNN stacked on an RNN that returns only its last output."""

    code = "SC102"
    name = "stacked-rnn-missing-return-sequences"
    fixable = True
    fix_applicability = "sometimes"
    fix_safety = """
Adding `return_sequences=True` changes the RNN's output for every layer that reads it,
so the fix is safe only when the stacked layer is the output's one consumer (a
`Sequential` model, or a functional output used exactly once); when the output also
feeds another layer, or its uses cannot be told, the fix is unsafe.
"""
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

    def __init__(self) -> None:
        self._created: Counter[int] = Counter()
        self._pending: list[tuple[Finding, Layer]] = []
        self._consumers: Counter[int] = Counter()  # layer calls reading the outputs of each call, by id
        # The calls counted, kept alive: a call freed (a speculative branch's, say) would let a new
        # one reuse its id and inherit its count, so the fix's safety would vary from run to run.
        self._counted: list[LayerCall] = []

    def on_layer_applied(self, ctx: Context, event: LayerApplied) -> None:
        """Count, for each layer call, the later layer calls that read its outputs."""
        producers = {id(t.producer): t.producer for t in event.call.inputs if t.producer is not None}
        for key, producer in producers.items():
            self._consumers[key] += 1
            self._counted.append(producer)

    def on_layer_created(self, ctx: Context, event: LayerCreated) -> None:
        """Count how often each constructor call makes a layer (a helper called twice makes two)."""
        self._created[id(event.layer.node)] += 1

    def on_shape_problem(self, ctx: Context, event: ShapeProblem) -> None:
        """Report the rank problem of a sequence layer fed by an RNN's last output."""
        if not is_stacked_rnn_problem(event):
            return
        assert isinstance(event.error, RankMismatch)
        tensor = event.inputs[event.error.input_index]
        rnn = last_output_rnn(tensor)
        assert rnn is not None and tensor.producer is not None
        finding = ctx.report(
            self,
            event.node,
            f"`{event.layer.kind}` {event.error.message} from the `{rnn.kind}` on line {{0}}, "
            "which returns only its last output",
            [(rnn.node, "add `return_sequences=True` here")],
            refs=[tensor.producer.node],
        )
        self._pending.append((finding, rnn))

    def finish(self, ctx: Context) -> None:
        """Offer the fix where it changes only this RNN (made once, applied once); safe only
        when the RNN's output has exactly one consumer."""
        parents: dict[int, cst.CSTNode] = {}
        for finding, rnn in self._pending:
            inner = rnn.config.get("layer") if rnn.kind == "Bidirectional" else rnn
            if not isinstance(inner, Layer) or len(rnn.calls) > 1:
                continue
            if self._created[id(inner.node)] != 1 or self._created[id(rnn.node)] != 1:
                continue
            given = inner.args.get("return_sequences")
            if given is not None and not any(arg.value is given and arg.keyword is not None
                                             for arg in getattr(inner.node, "args", ())):
                continue  # passed positionally: leave it to a person
            replacement = set_keyword(inner.node, "return_sequences", "True")
            if replacement is None:
                continue
            safe = self._one_consumer(ctx, rnn.calls[0], parents) if rnn.calls else False
            finding.fix = FixSpec(f"Add `return_sequences=True` to the `{inner.kind}`", (replacement,),
                                  Applicability.SAFE if safe else Applicability.UNSAFE)

    def _one_consumer(self, ctx: Context, call: LayerCall, parents: dict[int, cst.CSTNode]) -> bool:
        """True when the output of ``call`` certainly reaches one place only: one layer call reads
        it, and nothing else in the code does (a Sequential's next layer; or a functional output
        passed straight on, or named and read once)."""
        if self._consumers[id(call)] != 1 or ctx.module is None:
            return False
        if call.node is call.layer.node or isinstance(call.node, (cst.Name, cst.Attribute)):
            return True  # applied by a Sequential model: only its next layer reads the output
        if not isinstance(call.node, cst.Call):
            return False
        if not parents:  # built once per file, and only when a functional call needs it (a whole-tree walk)
            parents.update(parent_map(ctx.module))
        return used_once(ctx.module, call.node, parents)
