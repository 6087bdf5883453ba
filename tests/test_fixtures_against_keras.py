"""Ground truth for the fixtures: what the markers claim, real Keras and numpy do.

Each fixture runs in a fresh interpreter, one top-level statement at a time.
Every error marker of a rule whose mistake raises must be on a line in the
traceback of some statement; every statement that raises must pass through a
marked line (clean code must run).  Markers of silent mistakes (softmax on one
unit, a loss that does not fit, a finite generator, a batch-axis move) are not
about exceptions and are not checked here.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, expected_markers

SILENT = {"SC108", "SC201", "SC202", "SC203", "SC204", "SC205", "SC404", "SC405"}
# Mistakes that raise later than their line: an unknown loss string when training
# starts (the fixtures do not train every model they compile; the rule's own
# example does), `Concatenate([a, b])` when its result is used.  Their markers
# explain any exception of the top-level function they sit in.  Data and label
# findings (SC402/SC403/SC406) sit where the fix goes (the model's input or output
# layer, the line that builds the data or labels: README, "Where findings are
# reported") while Keras raises at `fit`; their markers explain the same way.
DEFERRED = {"SC206", "SC106", "SC402", "SC403", "SC406"}


def _functions(tree: ast.Module) -> dict[str, tuple[int, int]]:
    return {n.name: (n.lineno, n.end_lineno or n.lineno) for n in tree.body if isinstance(n, ast.FunctionDef)}


def _called_function(tree: ast.Module, line: int) -> str | None:
    for node in tree.body:
        if node.lineno == line and isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name):
            return node.value.func.id
    return None

RUNNER = r'''
import ast, json, os, sys, warnings
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
warnings.simplefilter("ignore")
def span(line, statements):
    """The innermost statement holding ``line``: a traceback names a multi-line call by its first line."""
    best = None
    for stmt in statements:
        if stmt.lineno <= line <= stmt.end_lineno and not isinstance(
                stmt, (ast.FunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)):
            if best is None or stmt.end_lineno - stmt.lineno < best[1] - best[0]:
                best = (stmt.lineno, stmt.end_lineno)
    return best or (line, line)


def run(path):
    source = open(path, encoding="utf-8").read()
    tree = ast.parse(source)
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    namespace = {"__name__": "__fixture__"}
    os.chdir(os.path.dirname(path))
    results = []
    for node in tree.body:
        try:
            exec(compile(ast.Module([node], []), path, "exec"), namespace)
        except BaseException as error:
            lines, tb = [], error.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == path:
                    lines.append(span(tb.tb_lineno, statements))
                tb = tb.tb_next
            results.append({"line": node.lineno, "raised": type(error).__name__ + ": " + str(error)[:200],
                            "lines": lines})
    return results


print("RESULTS" + json.dumps({path: run(path) for path in sys.argv[1:]}))
'''

FILES = sorted(p for p in FIXTURES.rglob("*.py") if "corpus" not in p.parts and "realbugs" not in p.parts)


@pytest.fixture(scope="module")
def keras_runs(keras_module) -> dict[str, list[dict]]:
    """Every fixture run once, in one fresh interpreter (Keras is imported once)."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="-1")
    run = subprocess.run([sys.executable, "-c", RUNNER, *map(str, FILES)], capture_output=True, text=True,
                         timeout=1200, env=env)
    out = [line for line in run.stdout.splitlines() if line.startswith("RESULTS")]
    assert out, run.stdout[-2000:] + run.stderr[-2000:]
    return json.loads(out[0][len("RESULTS"):])


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture_markers_match_keras(path: Path, keras_runs: dict[str, list[dict]]) -> None:
    raised = keras_runs[str(path)]
    markers = expected_markers(path.read_text(encoding="utf-8"))
    marked_lines = {line for line, _, _ in markers}
    must_raise = {line for line, code, severity in markers
                  if severity == "error" and code not in SILENT | DEFERRED}
    spans = [(first, last) for result in raised for first, last in result["lines"]]
    missing = sorted(line for line in must_raise if not any(a <= line <= b for a, b in spans))
    assert not missing, f"marked lines that Keras/numpy did not raise at: {missing}\nraised: {raised}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = _functions(tree)
    deferred = {line for line, code, _ in markers if code in DEFERRED}

    def explained(result: dict) -> bool:
        if any(a <= line <= b for a, b in result["lines"] for line in marked_lines):
            return True
        called = _called_function(tree, result["line"])
        first, last = functions.get(called, (0, -1)) if called else (0, -1)
        return any(first <= line <= last for line in deferred)

    unexpected = [r for r in raised if not explained(r)]
    assert not unexpected, f"statements that raised without passing a marked line: {unexpected}"
