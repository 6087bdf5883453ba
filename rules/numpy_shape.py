"""SC401 numpy-shape."""

from __future__ import annotations

from shapecheck.engine.events import NumpyProblem
from shapecheck.checking.rule import Context, Invalid, Rule


class NumpyShapeRule(Rule):
    """Report numpy calls and indexing that numpy or Python rejects."""

    code = "SC401"
    name = "numpy-shape"
    summary = "A numpy reshape, join or index that cannot work"
    what = """
Follows the shapes of numpy arrays built in the script (`np.array` of literals,
`np.zeros`, `np.random.*`, `np.arange`, `reshape`, `expand_dims`, `squeeze`,
`transpose`, `concatenate`, `stack`, slicing) and reports a `reshape` to a
different size or with two `-1`s, a `concatenate`/`stack` whose other axes
differ, a ragged `np.array` of nested lists, and a Python list indexed with a
tuple (`X[0:2, 0]`).
"""
    why = """
Each of these raises (`cannot reshape array of size 8 into shape (3,3)`, `all
the input array dimensions except for the concatenation axis must match
exactly`, `inhomogeneous shape`, `list indices must be integers or slices, not
tuple`), usually while the data is being prepared, before any model runs.
"""
    VALID = [
        """
import numpy as np
import keras

x = np.array([[1, 2, 3, 4], [1, 4, 6, 9]])
y = x.reshape(-1, 2)
z = np.concatenate([x, x], axis=1)
""",
    ]
    INVALID = [
        Invalid(
            """
import numpy as np
import keras

x = np.array([[1, 2, 3, 4], [1, 4, 6, 9]])
y = x.reshape(3, 3)
"""
        ),
        Invalid(
            """
import numpy as np
import keras

a = np.zeros((2, 2))
b = np.zeros((1, 3))
c = np.concatenate([a, b], axis=1)
"""
        ),
        Invalid(
            """
import keras

X = [[1, 2], [3, 4], [5, 6]]
first = X[0:2, 0]
"""
        ),
    ]

    def on_numpy_problem(self, ctx: Context, event: NumpyProblem) -> None:
        """Report the call or subscript."""
        ctx.report(self, event.node, event.message)
