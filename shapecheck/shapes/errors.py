"""Contradictions that a layer's shape rule can prove.

A transfer function in the catalog raises one of these when its inputs and
config cannot work together; the interpreter turns it into a finding of the
matching rule.  Each carries a message that names what was expected and what
was received, shapes written as Keras prints them.
"""

from __future__ import annotations

from shapecheck.shapes.dims import Shape


class ShapeContradiction(Exception):
    """Base class: the layer cannot accept these inputs with this config."""

    def __init__(self, message: str, input_index: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.input_index = input_index


class RankMismatch(ShapeContradiction):
    """An input has a rank the layer does not accept.

    ``expected`` reads like "3-D input (batch, timesteps, features)".
    """

    def __init__(self, expected: str, received: Shape, input_index: int = 0) -> None:
        self.expected = expected
        self.received = received
        super().__init__(f"expects {expected}, but receives {received}", input_index)


class NonPositiveSize(ShapeContradiction):
    """A convolution or pooling window leaves no output positions."""


class MergeMismatch(ShapeContradiction):
    """The inputs of a merge layer do not fit together."""


class ReshapeMismatch(ShapeContradiction):
    """A Reshape target does not hold the same number of values as its input."""


class BadConfig(ShapeContradiction):
    """A config value Keras rejects when the layer is built.

    ``symbolic_only``: Keras's symbolic shape check refuses it (a Functional model), while the
    backend op run eagerly (inside a layer's ``call``) accepts it, as pooling does ``"SAME"``.
    """

    def __init__(self, message: str, input_index: int = 0, symbolic_only: bool = False) -> None:
        super().__init__(message, input_index)
        self.symbolic_only = symbolic_only


class SharedLayerMismatch(ShapeContradiction):
    """A layer is called again on an input whose size differs where its weights were sized."""
