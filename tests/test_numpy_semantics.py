"""The interpreter's numpy shapes against real numpy.

Each expression is evaluated twice: by the interpreter (abstractly) and by
numpy itself.  Where the interpreter knows a shape it must equal numpy's;
where it reports SC401 numpy must raise; where numpy raises the interpreter
must report (the cases listed here are all ones it is meant to catch).
"""

from __future__ import annotations

import numpy as np
import libcst as cst
import pytest

from shapecheck.engine.events import NumpyProblem
from shapecheck.engine.interpreter import Interpreter
from shapecheck.shapes.dims import is_known
from shapecheck.engine.values import Array

SETUP = """
import numpy as np
import keras
a = np.array([[1, 2, 3, 4], [1, 4, 6, 9]])
b = np.zeros((3, 8))
c = np.random.rand(10, 5, 1)
d = np.arange(12)
e = np.ones((4, 1))
labels = np.random.randint(0, 5, size=(6,))
"""

EXPRESSIONS = [
    "a", "a.reshape(4, 2)", "a.reshape(-1, 4)", "a.reshape((2, 2, 2))", "a.reshape(1, 1, 1, 8)",
    "a.reshape(3, 3)", "a.reshape(-1, 3)", "b.reshape(-1, -1, 2)", "np.reshape(b, (6, 4))",
    "d.reshape(3, -1)", "d.reshape(5, -1)",
    "np.zeros(5)", "np.ones((2, 3), dtype='int32')", "np.full((2, 2), 7)", "np.empty((1, 2, 3))",
    "np.random.randn(3, 2)", "np.random.random((4, 4))", "np.random.normal(0, 1, (5, 2))",
    "np.random.uniform(0, 1, size=(3,))", "np.random.randint(0, 3, (2, 2))",
    "np.arange(2, 10, 3)", "np.linspace(0, 1, 7)",
    "np.expand_dims(a, -1)", "np.expand_dims(a, 0)", "np.squeeze(c)", "np.squeeze(c, axis=-1)",
    "c.squeeze()", "np.transpose(c)", "np.transpose(c, (1, 0, 2))", "c.T", "a.flatten()", "c.ravel()",
    "np.concatenate([a, a], axis=0)", "np.concatenate([a, a], axis=1)", "np.concatenate([a, b])",
    "np.concatenate([a, b], axis=1)", "np.concatenate([a, np.zeros((2, 3))], axis=1)",
    "np.concatenate([a, np.zeros(3)])",
    "np.stack([a, a])", "np.stack([a, a], axis=-1)", "np.stack([a, b])",
    "np.vstack([a, a])", "np.vstack([d, d])", "np.hstack([a, a])", "np.hstack([d, d])",
    "a[0]", "a[:, 1]", "a[:1]", "a[0:2, 0]", "c[:, :, 0]", "c[..., 0]", "c[:, None]", "b[1:3, ::2]",
    "np.argmax(c, axis=1)", "c.mean(axis=0)", "e.astype('int64')",
    "np.array([[1, 2, 3, 4], [1, 4]])", "np.array([[1], [2], [3]])", "np.array([])",
    "keras.utils.to_categorical(labels, 5)", "keras.utils.to_categorical(np.array([0, 2, 1]))",
    "np.array([1, 2, 3]).reshape(1, -1)", "np.zeros((2, 3)).reshape(-1)",
]


def _abstract(expression: str) -> tuple[object, list[str]]:
    module = cst.parse_module(SETUP + f"result = {expression}\n")
    problems: list[str] = []

    def emit(event: object) -> None:
        if isinstance(event, NumpyProblem):
            problems.append(event.message)

    interp = Interpreter(module, emit)
    interp.strict = True
    interp.exec_block(module.body, interp.globals)
    return interp.globals.vars.get("result"), problems


def _concrete(expression: str) -> object:
    import os

    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    keras = pytest.importorskip("keras") if "keras" in expression else None
    namespace: dict[str, object] = {"np": np, "keras": keras}
    exec(SETUP.replace("import keras\n", ""), namespace)
    return eval(expression, namespace)


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_numpy_shape_matches_numpy(expression: str) -> None:
    value, problems = _abstract(expression)
    try:
        actual = _concrete(expression)
    except (ValueError, TypeError) as error:
        assert problems, f"numpy raises {error!r} but the checker says nothing"
        return
    assert not problems, f"the checker reports {problems} but numpy computes {np.shape(actual)}"
    if isinstance(value, Array) and value.shape.dims is not None:
        ours = value.shape.dims
        theirs = np.shape(actual)
        assert len(ours) == len(theirs), f"rank: ours {ours} vs numpy {theirs}"
        for mine, real in zip(ours, theirs):
            if is_known(mine):
                assert mine == real, f"ours {ours} vs numpy {theirs}"


def test_most_expressions_have_known_shapes() -> None:
    known = sum(1 for e in EXPRESSIONS if isinstance(_abstract(e)[0], Array))
    assert known >= len(EXPRESSIONS) * 0.8
