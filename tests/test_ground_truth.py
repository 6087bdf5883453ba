"""Ground truth: the rules' examples against the real Keras.

Every VALID example must run (the model builds); every INVALID example that
claims to raise must raise when run, and every silent one must run.  The
examples only build and compile models, so running them is cheap.
"""

from __future__ import annotations

import warnings

import pytest

from shapecheck.checking.registry import all_rules

CASES = [
    pytest.param(rule.code, "valid", source, True, id=f"{rule.code}-valid-{i}")
    for rule in all_rules() for i, source in enumerate(rule.VALID)
] + [
    pytest.param(rule.code, "invalid", ex.code, not ex.raises, id=f"{rule.code}-invalid-{i}")
    for rule in all_rules() for i, ex in enumerate(rule.INVALID)
]


@pytest.mark.parametrize("code, kind, source, should_run", CASES)
def test_example_against_keras(keras_module, code: str, kind: str, source: str, should_run: bool) -> None:
    namespace: dict[str, object] = {"__name__": "__example__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(compile(source, f"<{code} {kind}>", "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - any Keras error counts
            if should_run:
                pytest.fail(f"{code} {kind} example should build in Keras but raised {type(error).__name__}: {error}")
            return
    if not should_run:
        pytest.fail(f"{code} {kind} example claims Keras raises, but it built")
