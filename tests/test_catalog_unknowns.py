"""Every catalog entry: what the analysis does not know never becomes a finding (issue 13).

An UNKNOWN dimension is one the checker could not work out; Keras knows it.
Keras's own ``None`` (a variable axis) is something else: a layer that sizes
its weights by a None axis really fails.  So replacing known input dims by
UNKNOWN (or a whole input by a shape of unknown rank) must never make an
entry raise where it accepted the known shapes, and must never turn an
output dim into None or into another size: the answer on unknown inputs is
always a generalisation of the answer on known ones.  (The batch axis is
exempt from the None part: it is None in every symbolic Keras model, and an
entry may answer None there for an input of unknown rank.)

The configs and inputs are the differential test's generated cases
(``tests/test_catalog_differential.py``), so every entry in
``catalog.REGISTRY`` is covered, whichever module registers it.
"""

from __future__ import annotations

import random
from typing import Any, Iterator, Sequence

import pytest

from shapecheck.shapes import catalog
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape
from shapecheck.shapes.errors import ShapeContradiction

differential = pytest.importorskip("tests.test_catalog_differential")

CASES_PER_ENTRY = 12
SEED = 13


def _variants(inputs: Sequence[tuple[Dim, ...]]) -> Iterator[tuple[str, list[Shape]]]:
    """The inputs with less known: every non-batch dim of one input unknown in turn, all of them, unknown rank."""
    for i, dims in enumerate(inputs):
        for axis in range(1, len(dims)):
            changed = [Shape(d) for d in inputs]
            changed[i] = Shape(dims[:axis] + (UNKNOWN,) + dims[axis + 1:])
            yield f"input {i} axis {axis} unknown", changed
        all_unknown = [Shape(d) for d in inputs]
        all_unknown[i] = Shape(dims[:1] + (UNKNOWN,) * (len(dims) - 1))
        yield f"input {i} all dims unknown", all_unknown
        no_rank = [Shape(d) for d in inputs]
        no_rank[i] = Shape.unknown()
        yield f"input {i} of unknown rank", no_rank
    yield "every input of unknown rank", [Shape.unknown() for _ in inputs]


def _shapes(out: Any) -> tuple[Shape, ...]:
    return out if isinstance(out, tuple) else (out,)


def _generalises(general: Any, known: Any) -> str:
    """'' when ``general`` (on unknown inputs) is a generalisation of ``known``, else what differs."""
    g, k = _shapes(general), _shapes(known)
    if len(g) == 1 and g[0].dims is None:
        return ""
    if len(g) != len(k):
        return f"{len(g)} outputs instead of {len(k)}"
    for gs, ks in zip(g, k):
        if gs.dims is None or ks.dims is None:
            continue
        if len(gs.dims) != len(ks.dims):
            return f"rank {len(gs.dims)} instead of {len(ks.dims)}"
        for axis, (gd, kd) in enumerate(zip(gs.dims, ks.dims)):
            if axis == 0 and gd is None:
                continue  # the batch axis: None in every symbolic Keras model, never read as a size
            if gd is not UNKNOWN and gd != kd:
                return f"axis {axis} is {gd!r} where the known inputs give {kd!r}"
    return ""


@pytest.mark.parametrize("name", sorted(catalog.REGISTRY))
def test_unknown_inputs_never_make_a_finding(name: str) -> None:
    rng = random.Random(f"{SEED}-{name}")
    generate = differential.generator_for(name)
    problems: list[str] = []
    checked = 0
    for _ in range(CASES_PER_ENTRY * 4):
        if checked >= CASES_PER_ENTRY:
            break
        case = generate(rng, name)
        config = differential.config_for(case.layer, case.kwargs)
        try:
            known = catalog.infer(case.layer, config, [Shape(s) for s in case.inputs])
        except ShapeContradiction:
            continue  # rejected on known shapes: nothing to compare with
        checked += 1
        for what, inputs in _variants(case.inputs):
            try:
                general = catalog.infer(case.layer, config, inputs)
            except ShapeContradiction as error:
                problems.append(f"{case.layer}{case.kwargs} on {case.inputs} with {what}: "
                                f"raises {type(error).__name__}: {error}")
                continue
            differs = _generalises(general, known)
            if differs:
                problems.append(f"{case.layer}{case.kwargs} on {case.inputs} with {what}: {differs}")
    assert checked, f"no generated case of {name} is accepted on known shapes"
    assert not problems, "\n".join(problems[:10])


def test_reshape_inferred_axis_of_unknown_input_stays_unknown() -> None:
    """``Reshape((144, -1))`` of an unknown-sized input: the -1 is unknown, not Keras's None."""
    config = differential.config_for("Reshape", {"target_shape": (144, -1)})
    out = catalog.infer("Reshape", config, [Shape((None, UNKNOWN, 64))])
    assert isinstance(out, Shape) and out.dims == (None, 144, UNKNOWN)
    out = catalog.infer("Reshape", config, [Shape((None, None, 64))])
    assert isinstance(out, Shape) and out.dims == (None, 144, None)  # a real variable axis stays None
