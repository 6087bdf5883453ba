"""Pathological scripts stay bounded: the interpreter's budgets stop it cleanly.

Recursion, huge loops, self-referencing structures and arithmetic that
explodes must neither hang nor crash the checker.  Every script runs in one
child process under a generous time limit (no timing assertions), with
``SHAPECHECK_STRICT=1`` so absorbed internal errors surface.  After the
pathological part each script builds a model with a real mistake: where the
budgets only cut off the pathological part, that mistake must still be
reported; where a script spends the whole budget, nothing may be reported
that is not true.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

TIME_LIMIT = 300  # seconds for all of them together; each takes well under a second or two

MISTAKE = (
    "\nimport keras as _k\n"
    "_model = _k.Sequential([_k.Input(shape=(5, 3)), _k.layers.LSTM(4), _k.layers.LSTM(4)])\n"
)

# name -> (script, whether the mistake after it must still be found)
CASES: dict[str, tuple[str, bool]] = {
    "recursion": ("def f(n):\n    return f(n - 1) + 1\nx = f(10)\n", True),
    "mutual_recursion": ("def f(n):\n    return g(n)\ndef g(n):\n    return f(n)\nf(1)\n", True),
    "recursive_layers": ("def f(x):\n    y = keras.layers.Dense(3)(x)\n    return f(f(y))\n"
                         "f(keras.Input(shape=(4,)))\n", True),
    "exponential_calls": ("def f(n):\n    f(n); f(n); f(n); f(n); f(n)\n    return f(n)\nf(1)\n", True),
    "lambda_recursion": ("f = lambda n: f(n)\nf(1)\n", True),
    "y_combinator": ("Y = lambda f: (lambda x: f(lambda v: x(x)(v)))(lambda x: f(lambda v: x(x)(v)))\n"
                     "fact = Y(lambda f: lambda n: 1 if n == 0 else n * f(n - 1))\nfact(5)\n", True),
    "recursive_class": ("class A:\n    def __init__(self):\n        self.a = A()\nA()\n", True),
    "recursive_model": ("class M(keras.Model):\n    def __init__(self):\n        super().__init__()\n"
                        "        self.m = M()\n    def call(self, x):\n        return self.m(x)\n"
                        "M()(keras.Input(shape=(3,)))\n", True),
    "recursive_generator": ("def g():\n    yield from g()\n    yield 1\nfor x in g():\n    pass\n", True),
    "deep_helper_chain": ("".join(f"def f{i}(x):\n    return f{i + 1}(x) + f{i + 1}(x)\n" for i in range(300))
                          + "def f300(x):\n    return keras.layers.Dense(1)(x)\nf0(keras.Input(shape=(3,)))\n", True),
    "billion_loop": ("for i in range(10**9):\n    x = i\n", True),
    "billion_comprehension": ("xs = [i for i in range(10**9)]\nys = list(range(10**9))\n", True),
    "billion_dict": ("d = {i: i for i in range(10**9)}\nfor k in d:\n    pass\n", True),
    "while_true": ("while True:\n    x = 1\n", True),
    "walrus_countdown": ("while (n := 10**9):\n    n -= 1\n", True),
    "nested_loops": ("for a in range(200):\n    for b in range(200):\n        for c in range(200):\n"
                     "            m = keras.layers.Dense(a + b + c)\n", True),
    "many_model_adds": ("m = keras.Sequential()\nm.add(keras.Input(shape=(8,)))\nfor i in range(100000):\n"
                        "    m.add(keras.layers.Dense(8))\n", True),
    "self_list": ("a = []\na.append(a)\nb = a[0][0][0][0]\nfor x in a:\n    a.append(x)\n", True),
    "self_list_in_branch": ("import random\na = [1]\na[0] = a\nwhile random.random():\n    a[0] = [a]\n", True),
    "self_dict": ("d = {}\nd['self'] = d\ne = d['self']['self']['self']\n", True),
    "self_array": ("import numpy as np\na = [1]\na[0] = a\nb = np.array(a)\nc = np.array([a, a])\n", True),
    "shared_nested_lists": ("import numpy as np\na = [0] * 100\nb = [a] * 100\nc = [b] * 100\nd = [c] * 100\n"
                            "e = np.array(d)\n", True),
    "list_doubling": ("x = [1]\nfor i in range(100):\n    x = x + x\ny = [1]\nfor i in range(100):\n"
                      "    y.extend(y)\nt = (1,)\nfor i in range(60):\n    t += t\n", True),
    "string_doubling": ("s = 'ab'\nfor i in range(100):\n    s = s + s\nu = 'ab' * 10**10\nv = b'ab' * 10**10\n", True),
    "huge_integers": ("x = 3\nfor i in range(40):\n    x = x * x\ny = 9 ** 64\ny = y ** 64\ny = y ** 64\n"
                      "z = 2 ** -2000\nw = 10.0 ** 400\n", True),
    "wide_formats": ("s = '%0999999999d' % 1\nt = '%*d' % (10**9, 1)\nu = b'%0999999999d' % 1\n", True),
    "huge_ranges": ("import numpy as np\nr = range(2**70)\nn = len(range(2**70))\na = np.arange(2**40)\n"
                    "b = np.arange(0, 2**70, 1)\n", True),
    "huge_shapes": ("x = keras.Input(shape=(10**18, 10**18))\ny = keras.layers.Flatten()(x)\n"
                    "z = keras.layers.Reshape((10**36,))(y)\nw = keras.layers.Dense(10**9)(z)\n", True),
    "nested_models": ("m = keras.layers.Dense(3)\nfor i in range(200):\n    m = keras.Sequential([m, m])\n"
                      "y = m(keras.Input(shape=(3,)))\n", True),
    "deep_functional": ("x = keras.Input(shape=(3,))\ny = x\nfor i in range(256):\n"
                        "    y = keras.layers.Add()([y, y])\nm = keras.Model(x, y)\nz = m(m(m(x)))\n", True),
    "closure_tower": ("def mk(f):\n    return lambda x: f(f(x))\nf = lambda x: x\nfor i in range(200):\n"
                      "    f = mk(f)\ny = f(keras.Input(shape=(3,)))\n", True),
    "many_functions": ("".join(f"def f{i}():\n    return keras.layers.Dense({i + 1})\n" for i in range(2000)), True),
    "many_handlers": ("try:\n    raise ValueError\nexcept ValueError:\n    pass\n" * 1000, True),
    "star_args_recursion": ("def f(*a, **k):\n    return f(*a, *a, **k)\nf(*range(10**9))\n", True),
}

RUNNER = r"""
import json, os, sys, time, traceback
os.environ["SHAPECHECK_STRICT"] = "1"
from shapecheck.checking.checker import check_source
cases = json.load(sys.stdin)
for name, source in cases.items():
    start = time.perf_counter()
    try:
        codes = [d.code for d in check_source(source, name + ".py")]
        outcome = {"codes": codes}
    except BaseException as error:
        outcome = {"error": "".join(traceback.format_exception_only(type(error), error)).strip()}
    outcome["seconds"] = round(time.perf_counter() - start, 2)
    print(json.dumps({name: outcome}), flush=True)
"""


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Any]:
    """Each case's findings (or its error), from one child process under the time limit."""
    sources = {name: "import keras\n" + script + MISTAKE for name, (script, _) in CASES.items()}
    env = dict(os.environ)
    env.pop("SHAPECHECK_STRICT", None)
    try:
        proc = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(sources), capture_output=True,
                              text=True, timeout=TIME_LIMIT, env=env)
        stdout, stderr = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as expired:
        stdout = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        stderr = f"timed out after {TIME_LIMIT} s"
    found: dict[str, Any] = {}
    for line in stdout.splitlines():
        found.update(json.loads(line))
    found["_stderr"] = stderr
    return found


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_script_is_bounded(outcomes: dict[str, Any], name: str) -> None:
    assert name in outcomes, f"{name} never finished (a hang or a crash): {outcomes['_stderr'][-2000:]}"
    outcome = outcomes[name]
    assert "error" not in outcome, outcome["error"]
    must_find = CASES[name][1]
    if must_find:
        assert outcome["codes"] == ["SC102"], outcome
    else:
        assert set(outcome["codes"]) <= {"SC102"}, outcome


def test_no_traceback_on_stderr(outcomes: dict[str, Any]) -> None:
    assert "Traceback" not in outcomes["_stderr"]


def test_no_fix_is_offered_once_a_budget_ran_out() -> None:
    """Past the budget the rest of the file is unseen: it may use what the fix would change."""
    from shapecheck.checking.checker import check_source

    fixable = ("import keras\nmodel = keras.Sequential()\nmodel.add(keras.layers.LSTM(4, input_shape=(5, 3)))\n"
               "model.add(keras.layers.LSTM(4))\n")
    [finding] = check_source(fixable, "fixable.py")
    assert finding.code == "SC102" and finding.fix is not None
    exhausting = fixable + "def f(n):\n    f(n); f(n); f(n); f(n); f(n)\n    return f(n)\nf(1)\n"
    [finding] = check_source(exhausting, "exhausting.py")
    assert finding.code == "SC102" and finding.fix is None


CUT_OFF = """\
import keras
model = keras.Sequential([keras.Input(shape=(10,))])
def build():
    for i in range(200):
        for j in range(200):
            k = i + j
    model.add(keras.layers.Reshape((5, 2)))
build()
model.add(keras.layers.LSTM(3))
later = keras.Sequential([keras.Input(shape=(5, 3)), keras.layers.LSTM(4), keras.layers.LSTM(4)])
"""


def test_a_statement_cut_off_by_its_budget_leaves_nothing_half_known() -> None:
    """``build()`` runs out of steps before its ``Reshape``: the model it changes must turn unknown,
    not stay 2-D (the LSTM after it would be a false rank error); the rest of the file is still checked."""
    from shapecheck.checking.checker import check_source

    assert [(d.code, d.location.row) for d in check_source(CUT_OFF, "cut.py")] == [("SC102", 10)]


def test_the_cut_off_is_what_keeps_it_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without forgetting, the half-run statement would leave the model 2-D and produce a false finding."""
    from shapecheck.checking.checker import check_source
    from shapecheck.engine.interpreter import Interpreter

    monkeypatch.setattr(Interpreter, "forget_after_cutoff", lambda self, node: None)
    assert ("SC101", 9) in [(d.code, d.location.row) for d in check_source(CUT_OFF, "cut.py")]
