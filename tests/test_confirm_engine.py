"""Confirmation against the real Keras: every rule's examples, and findings Keras must refute.

All recipes go to one worker (``--device cpu``) in one run: every INVALID
example's findings of its own rule must be confirmed (rules in
``recipe.NOT_KERAS`` must come back unconfirmable with their reason instead),
no finding of any rule in any example may be refuted, and every VALID
example must build (layers, calls, compiled models trained one batch).
Deliberately wrong findings, made from the events of valid scripts, must be
refuted: that is what shows the engine can say no.
"""

from __future__ import annotations

import libcst as cst
import pytest

from shapecheck.checking.checker import Settings, check_source
from shapecheck.confirm import ConfirmOptions, Status, run_recipes
from shapecheck.confirm.recipe import NOT_KERAS, Plan, plan_for, script_recipe
from shapecheck.confirm.runner import keras_installed
from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.engine.events import Compiled, IdentifierString, KerasName, LayerApplied, ShapeProblem
from shapecheck.engine.interpreter import Interpreter
from shapecheck.checking.registry import all_rules
from shapecheck.shapes.errors import RankMismatch

pytestmark = pytest.mark.skipif(not keras_installed(), reason="confirmation needs Keras")

RULES = all_rules()


def _settings(rule: type) -> Settings:
    return Settings(tuple(r for r in RULES if not r.opt_in or r is rule))


INVALID = [(rule, i, ex.code) for rule in RULES for i, ex in enumerate(rule.INVALID)]
VALID = [(rule, i, source) for rule in RULES for i, source in enumerate(rule.VALID)]


def _events(source: str) -> list[object]:
    events: list[object] = []
    Interpreter(cst.parse_module(source), events.append).run()
    return events


def _claim(code: str, event: object) -> Diagnostic:
    """A finding the static pass did not make: the engine must not confirm it."""
    where = Location(1, 1)
    return Diagnostic("claim.py", code, "claim", Severity.ERROR, "a wrong claim", where, where, event=event)


def _wrong_claims() -> dict[str, Diagnostic]:
    """Findings about valid models, each of a kind whose recipe rebuilds something different."""
    stacked = _events("""
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_sequences=True), layers.LSTM(4)])
""")
    second = [e for e in stacked if isinstance(e, LayerApplied)][-1].call
    softmax = _events("""
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(2, activation="softmax")])
model.compile(loss="mse", optimizer="adam")
""")
    linear = _events("""
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
""")
    concat = _events("""
import keras
from keras import layers
a = keras.Input(shape=(3,))
merged = layers.concatenate([a, a], axis=-1)
""")
    return {
        "rank": _claim("SC102", ShapeProblem(second.layer, second.inputs,
                                             RankMismatch("2-D input", second.inputs[0].shape), second.node)),
        "softmax": _claim("SC201", [e for e in softmax if isinstance(e, LayerApplied)][-1]),
        "bounded": _claim("SC205", [e for e in linear if isinstance(e, Compiled)][-1]),
        "concat": _claim("SC108", [e for e in concat if isinstance(e, LayerApplied)][-1]),
        "loss": _claim("SC206", IdentifierString("loss", "mse", cst.Name("x"))),
        "name": _claim("SC303", KerasName("keras.layers.Dense", cst.Name("x"))),
    }


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[str, int, str], object]:
    """Every recipe of this module, rebuilt in one worker: verdicts by (kind, index, code)."""
    jobs: list[tuple[tuple[str, int, str], dict]] = []
    plans: dict[tuple[str, int, str], Plan] = {}
    for n, (rule, _i, source) in enumerate(INVALID):
        for j, d in enumerate(check_source(source, "example.py", _settings(rule))):
            key = ("invalid", n, f"{d.code}#{j}")
            plans[key] = plan_for(d, source)
    for n, (_rule, _i, source) in enumerate(VALID):
        recipe = script_recipe(source)
        plans[("valid", n, "build")] = Plan(recipe)
    for name, claim in _wrong_claims().items():
        plans[("wrong", 0, name)] = plan_for(claim)
    for key, plan in plans.items():
        if plan.recipe is not None:
            jobs.append((key, plan.recipe))
    results = run_recipes([recipe for _, recipe in jobs], ConfirmOptions(device="cpu", timeout=120))
    found: dict[tuple[str, int, str], object] = {key: plan for key, plan in plans.items()}
    for (key, _), verdict in zip(jobs, results):
        found[key] = verdict
    return found


def _of(verdicts: dict, kind: str, n: int) -> dict[str, object]:
    return {code: v for (k, m, code), v in verdicts.items() if k == kind and m == n}


@pytest.mark.parametrize("n", range(len(INVALID)), ids=[f"{r.code}-invalid-{i}" for r, i, _ in INVALID])
def test_invalid_example_is_confirmed_by_keras(verdicts: dict, n: int) -> None:
    rule = INVALID[n][0]
    found = _of(verdicts, "invalid", n)
    own = {code: v for code, v in found.items() if code.split("#")[0] == rule.code}
    assert own, f"{rule.code}: the example has no finding of its rule"
    for code, verdict in own.items():
        if rule.code in NOT_KERAS:
            assert isinstance(verdict, Plan) and verdict.reason == NOT_KERAS[rule.code]
            continue
        assert not isinstance(verdict, Plan), f"{code}: no recipe: {verdict.reason}"  # type: ignore[union-attr]
        assert verdict.status is Status.CONFIRMED, f"{code}: {verdict.status.value}: {verdict.evidence}"
        assert verdict.evidence and verdict.keras_version and verdict.device == "CPU"
    refuted = [f"{code}: {v.evidence}" for code, v in found.items()
               if not isinstance(v, Plan) and v.status is Status.REFUTED]
    assert not refuted, refuted


@pytest.mark.parametrize("n", range(len(VALID)), ids=[f"{r.code}-valid-{i}" for r, i, _ in VALID])
def test_valid_example_builds_in_keras(verdicts: dict, n: int) -> None:
    rule = VALID[n][0]
    plan = script_recipe(VALID[n][2])
    if rule.code not in NOT_KERAS:
        assert plan["skipped"] == [], plan["skipped"]
    verdict = _of(verdicts, "valid", n)["build"]
    assert verdict.status is Status.CONFIRMED, verdict.evidence  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["rank", "softmax", "bounded", "concat", "loss", "name"])
def test_a_wrong_finding_is_refuted(verdicts: dict, name: str) -> None:
    verdict = verdicts[("wrong", 0, name)]
    assert not isinstance(verdict, Plan), verdict.reason  # type: ignore[union-attr]
    assert verdict.status is Status.REFUTED, verdict.evidence


def test_a_refuted_shape_finding_says_keras_built_the_model(verdicts: dict) -> None:
    assert verdicts[("wrong", 0, "rank")].evidence.startswith("Keras built this model without error")


def test_every_not_keras_code_is_a_rule() -> None:
    assert set(NOT_KERAS) <= {rule.code for rule in RULES}


@pytest.mark.parametrize("source, reason", [
    ("""
import keras
from keras import layers

class Scale(layers.Layer):
    def call(self, x):
        return x * 2

x = keras.Input(shape=(4,))
y = Scale()(x)
z = layers.LSTM(3)(y)
""", "a tensor on the way is computed by the script's own code"),
    ("""
import keras
from keras import layers

x = keras.Input(shape=(4,))
y = layers.Lambda(lambda t: t * 2, output_shape=(4,))(x)
z = layers.LSTM(3)(y)
""", "a `Lambda` layer on the way runs a function defined in the script"),
    ("""
import keras
from keras import layers

units = int(input())
x = keras.Input(shape=(4,))
y = layers.Dense(units, activation="relu")(x)
z = layers.LSTM(3)(layers.Reshape((2, 2))(x))
w = layers.Conv1D(2, 3)(y)
""", "`units` of `Dense` is not known statically"),
])
def test_what_cannot_be_rebuilt_faithfully_is_unconfirmable_with_its_reason(source: str, reason: str) -> None:
    """A custom layer's code, a Lambda's function, an unresolved value: never guessed at."""
    plans = [plan_for(d, source) for d in check_source(source, "example.py")]
    assert plans and all(p.recipe is None for p in plans), plans
    assert any(reason in p.reason for p in plans), [p.reason for p in plans]
