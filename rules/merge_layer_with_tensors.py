"""SC106 merge-layer-constructed-with-tensors."""

from __future__ import annotations

from shapecheck.engine.events import LayerCreated
from shapecheck.checking.rule import Context, Finding, FixSpec, Invalid, Rule
from shapecheck.report.diagnostics import Applicability
from shapecheck.shapes import catalog
from shapecheck.engine.values import Layer, Seq, Tensor

from ._fix import construct_then_call


class MergeLayerWithTensorsRule(Rule):
    """Report `Concatenate([a, b])`: a merge class constructed with its inputs."""

    code = "SC106"
    name = "merge-layer-constructed-with-tensors"
    fixable = True
    fix_applicability = "sometimes"
    fix_safety = """
Safe when the wrongly built layer is never called afterwards (its result is used as the
merged tensor, as intended); unsafe when the code calls it, since it then gets a tensor.
"""
    summary = "A merge layer class is constructed with the tensors it should merge"
    what = """
Checks that the tensors to merge are passed to the layer *call*, not to the
constructor: `Concatenate()([a, b])` or `concatenate([a, b])`, never
`Concatenate([a, b])`.
"""
    why = """
`Concatenate([a, b])` passes the list as the `axis` argument and returns a
layer object, not a tensor. Keras fails later, far from the mistake (for
example `unsupported operand type(s) for %: 'TrackedList' and 'int'`).
"""
    VALID = [
        """
import keras
from keras.layers import Concatenate

a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
merged = Concatenate()([a, b])
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras.layers import Concatenate

a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
merged = Concatenate([a, b])
outputs = keras.layers.Dense(1)(merged)
"""
        ),
    ]

    @staticmethod
    def applies(event: LayerCreated) -> bool:
        """True when a merge class got tensors as its first positional argument."""
        spec = catalog.spec_for(event.layer.kind)
        if spec is None or not spec.multi_input or not event.positional:
            return False
        first = event.positional[0]
        return isinstance(first, Tensor) or (isinstance(first, Seq) and any(isinstance(v, Tensor) for v in first.items))

    def __init__(self) -> None:
        self._pending: list[tuple[Finding, Layer]] = []

    def finish(self, ctx: Context) -> None:
        """The fix is safe when nothing called the layer built with the tensors (its value was
        meant as the merged tensor all along)."""
        for finding, layer in self._pending:
            if finding.fix is not None and not layer.calls:
                finding.fix = FixSpec(finding.fix.description, finding.fix.replacements, Applicability.SAFE)

    def on_layer_created(self, ctx: Context, event: LayerCreated) -> None:
        """Report a merge class whose first positional argument holds tensors."""
        if self.applies(event):
            kind = event.layer.kind
            replacement = construct_then_call(event.layer.node)
            fix = FixSpec(f"Call `{kind}()` on the tensors", (replacement,)) if replacement else None
            finding = ctx.report(
                self,
                event.layer.node,
                f"`{kind}` is constructed with the tensors to merge, which makes them its first "
                f"argument; use `{kind}()([...])` or `{kind.lower()}([...])`",
                fix=fix,
            )
            self._pending.append((finding, event.layer))
