"""SC109 shape-not-a-tuple."""

from __future__ import annotations

from shapecheck.engine.events import ShapeArgument
from shapecheck.checking.rule import Context, Invalid, Rule
from shapecheck.engine.values import Const


class ShapeNotTupleRule(Rule):
    """Report a shape given as a bare int, e.g. `input_shape=(4)` without the comma."""

    code = "SC109"
    name = "shape-not-a-tuple"
    summary = "A shape argument is an int, not a tuple"
    what = """
Checks `input_shape=` on layers and `shape=` of `keras.Input`: the value must
be a tuple such as `(128,)`.
"""
    why = """
`(128)` is just the int 128; only the trailing comma makes `(128,)` a tuple.
Keras 3 raises `Cannot convert '128' to a shape.`
"""
    VALID = [
        """
import keras

inputs = keras.Input(shape=(128,))
""",
    ]
    INVALID = [
        Invalid(
            """
import keras

inputs = keras.Input(shape=(128))
"""
        ),
    ]

    def on_shape_argument(self, ctx: Context, event: ShapeArgument) -> None:
        """Report an int where a shape tuple belongs."""
        value = event.value
        if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
            ctx.report(
                self,
                event.node,
                f"`{event.argument}` of `{event.owner}` must be a tuple, but receives the int "
                f"{value.value}; write `({value.value},)`",
            )
