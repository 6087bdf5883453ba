"""SC201 softmax-single-unit."""

from __future__ import annotations

from collections import Counter

from shapecheck.engine.events import Compiled, LayerApplied, LayerCreated
from shapecheck.overlays.keras_outputs import activation_name
from shapecheck.checking.rule import Context, Finding, FixSpec, Invalid, Rule
from shapecheck.report.diagnostics import Applicability
from shapecheck.shapes.dims import is_known
from shapecheck.engine.values import Layer

from ._fix import replace_string
from ._loss import BINARY, compiled_pair


class SoftmaxSingleUnitRule(Rule):
    """Report a softmax over an axis of size 1."""

    code = "SC201"
    name = "softmax-single-unit"
    fixable = True
    fix_safety = """
Offered only for a one-unit output layer, made and applied once, trained with binary
cross-entropy: that loss reads the output as the probability of the positive class, which
only `sigmoid` gives; softmax made it the constant 1.0, so nothing else depended on it.
"""
    summary = "Softmax over a single unit always outputs 1.0"
    what = """
Reports `Dense(1, activation="softmax")`, and a `softmax` activation or
`Softmax` layer applied to a tensor whose last axis has size 1.
"""
    why = """
Softmax normalises over the last axis. Over one unit it is `exp(x) / exp(x)`,
which is 1.0 for every input: the model cannot learn anything and raises no
error. For a binary output use one unit with `sigmoid` (and
`binary_crossentropy`), or two units with softmax.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="softmax")])
model.compile(loss="binary_crossentropy", optimizer="adam")
""",
            raises=False,
        ),
    ]

    def __init__(self) -> None:
        self._created: Counter[int] = Counter()
        self._pending: list[tuple[Finding, Layer]] = []
        self._binary_outputs: set[int] = set()

    def on_layer_created(self, ctx: Context, event: LayerCreated) -> None:
        """Count how often each constructor call makes a layer."""
        self._created[id(event.layer.node)] += 1

    def on_compiled(self, ctx: Context, event: Compiled) -> None:
        """Remember output layers trained with binary cross-entropy: their softmax can become sigmoid."""
        pair = compiled_pair(event)
        if pair is not None and pair[0].name == BINARY:
            self._binary_outputs.add(id(pair[1].layer))

    def finish(self, ctx: Context) -> None:
        """Offer `softmax` -> `sigmoid` for a one-unit output compiled with binary cross-entropy."""
        for finding, layer in self._pending:
            if id(layer) not in self._binary_outputs or len(layer.calls) > 1 or self._created[id(layer.node)] != 1:
                continue
            replacement = replace_string(layer.args.get("activation"), "sigmoid")  # type: ignore[arg-type]
            if replacement is not None:
                finding.fix = FixSpec("Use `sigmoid` for the single-unit binary output", (replacement,),
                                      Applicability.SAFE)

    def on_layer_applied(self, ctx: Context, event: LayerApplied) -> None:
        """Report layers whose softmax runs over a last axis of size 1."""
        layer = event.call.layer
        if layer.broken or not layer.complete:
            return
        if layer.kind in ("Activation", "Dense"):
            softmax = activation_name(layer.config.get("activation", None)) == "softmax"
        else:
            softmax = layer.kind == "Softmax"
        if not softmax:
            return
        if layer.kind == "Dense":
            size = layer.config.get("units")
        else:
            inputs = event.call.inputs
            dims = inputs[0].shape.dims if inputs else None
            size = dims[-1] if dims else None
        if is_known(size) and size == 1:
            finding = ctx.report(
                self,
                event.call.node,
                f"`{layer.kind}` applies softmax over a single unit, so it always outputs 1.0; "
                "use `sigmoid` for one unit",
            )
            self._pending.append((finding, layer))
