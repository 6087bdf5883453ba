"""--fix and --diff: each safe fix gives the expected text, checks clean, and is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.checking.checker import check_source
from shapecheck.app.cli import main

CASES = {
    "SC102-simple": (
        """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential()
model.add(LSTM(64, input_shape=(10, 3)))  # first
model.add(LSTM(32))
""",
        """\
import keras
from keras.layers import LSTM, Dense

model = keras.Sequential()
model.add(LSTM(64, input_shape=(10, 3), return_sequences=True))  # first
model.add(LSTM(32))
""",
    ),
    "SC102-multiline-bidirectional": (
        """\
import keras
from keras import layers


def build():
    model = keras.Sequential([
        keras.Input(shape=(10, 3)),
        layers.Bidirectional(layers.LSTM(
            64,
            dropout=0.1,  # keep this comment
        )),
        layers.LSTM(32),
    ])
    return model


build()
""",
        """\
import keras
from keras import layers


def build():
    model = keras.Sequential([
        keras.Input(shape=(10, 3)),
        layers.Bidirectional(layers.LSTM(
            64,
            dropout=0.1,  # keep this comment
            return_sequences=True,
        )),
        layers.LSTM(32),
    ])
    return model


build()
""",
    ),
    "SC102-explicit-false-and-cascade": (
        """\
import keras
from keras import layers
x = keras.Input(shape=(10, 3))
h = layers.GRU(8, return_sequences=False)(x)
h = layers.GRU(8,)(h)
h = layers.GRU(4)(h)
""",
        """\
import keras
from keras import layers
x = keras.Input(shape=(10, 3))
h = layers.GRU(8, return_sequences=True)(x)
h = layers.GRU(8, return_sequences=True,)(h)
h = layers.GRU(4)(h)
""",
    ),
    "SC301-fit-generator": (
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit_generator(iter([]), steps_per_epoch=1, epochs=2)
""",
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(iter([]), steps_per_epoch=1, epochs=2)
""",
    ),
    "SC301-lr": (
        """\
import keras

optimizer = keras.optimizers.Adam(lr=0.001, beta_1=0.9)
""",
        """\
import keras

optimizer = keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9)
""",
    ),
    "SC301-return-states": (
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_states=True)])
""",
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(10, 3)), layers.LSTM(8, return_state=True)])
""",
    ),
    "SC106-concatenate": (
        """\
import keras
from keras.layers import Concatenate, Dense

a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
merged = Concatenate([a, b], axis=-1)
outputs = Dense(1)(merged)
""",
        """\
import keras
from keras.layers import Concatenate, Dense

a = keras.Input(shape=(3,))
b = keras.Input(shape=(3,))
merged = Concatenate(axis=-1)([a, b])
outputs = Dense(1)(merged)
""",
    ),
    "SC302-misspelt-keyword": (
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(4, kernal_size=3)])
""",
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(4, kernel_size=3)])
""",
    ),
    "SC201-softmax-to-sigmoid": (
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation='softmax')])
model.compile(loss="binary_crossentropy", optimizer="adam")
""",
        """\
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation='sigmoid')])
model.compile(loss="binary_crossentropy", optimizer="adam")
""",
    ),
}


# Fixes that may change behaviour beyond their finding: --fix shows them, --unsafe-fixes applies them.
UNSAFE_CASES = {"SC301-return-states", "SC302-misspelt-keyword"}


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["check", "--isolated", "--no-cache", *args], input=input,
                              catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_gives_expected_text_checks_clean_and_is_idempotent(name: str, tmp_path: Path) -> None:
    before, expected = CASES[name]
    code = name.split("-")[0]
    findings = check_source(before, "x.py")
    assert code in [d.code for d in findings]
    assert all(d.fix is not None for d in findings if d.code == code)
    unsafe = name in UNSAFE_CASES
    assert all(d.fix.safe is not unsafe for d in findings if d.code == code and d.fix is not None)
    path = tmp_path / "script.py"
    path.write_text(before)
    if unsafe:
        held = run("--fix", str(path))
        assert held.exit_code == 1 and path.read_text() == before
        assert "(1 hidden fix can be enabled with `--unsafe-fixes`)" in held.output
    flags = ("--fix", "--unsafe-fixes") if unsafe else ("--fix",)
    result = run(*flags, str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text() == expected
    assert "remaining" in result.output and "(0 remaining)" in result.output
    assert run(str(path)).exit_code == 0
    again = run(*flags, str(path))
    assert again.exit_code == 0 and "Fixed 0 findings" in again.output
    assert path.read_text() == expected


def test_diff_shows_fixes_without_writing(tmp_path: Path) -> None:
    before, _ = CASES["SC301-lr"]
    path = tmp_path / "script.py"
    path.write_text(before)
    result = run("--diff", str(path))
    assert result.exit_code == 1
    assert "-optimizer = keras.optimizers.Adam(lr=0.001, beta_1=0.9)" in result.stdout
    assert "+optimizer = keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9)" in result.stdout
    assert path.read_text() == before
    path.write_text(CASES["SC301-lr"][1])
    assert run("--diff", str(path)).exit_code == 0


def test_fix_keeps_crlf_line_endings(tmp_path: Path) -> None:
    before, expected = CASES["SC102-simple"]
    path = tmp_path / "script.py"
    path.write_bytes(before.replace("\n", "\r\n").encode())
    assert run("--fix", str(path)).exit_code == 0
    assert path.read_bytes() == expected.replace("\n", "\r\n").encode()


def test_fix_from_stdin_prints_the_fixed_script() -> None:
    before, expected = CASES["SC106-concatenate"]
    result = run("--fix", "--stdin-filename", "net.py", "-", input=before)
    assert result.exit_code == 0
    assert result.stdout == expected


@pytest.mark.parametrize("source", [
    # fit_generator's `workers` is not a fit() argument: renaming alone would break the call.
    """\
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(1)])
model.fit_generator(iter([]), workers=2)
""",
    # A regression loss: sigmoid is not obviously what was meant.
    """\
import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="softmax")])
model.compile(loss="mse", optimizer="adam")
""",
    # `learning_rate` is given too: renaming `lr` would repeat a keyword.
    """\
import keras
optimizer = keras.optimizers.Adam(lr=0.1, learning_rate=0.001)
""",
    # The RNN is a shared layer applied twice: changing it changes both uses.
    """\
import keras
from keras import layers
x = keras.Input(shape=(10, 3))
rnn = layers.LSTM(8)
h = layers.LSTM(4)(rnn(x))
y = rnn(keras.Input(shape=(10, 3)))
""",
    # More than one positional argument: its meaning would change.
    """\
import keras
from keras import layers
a = keras.Input(shape=(3,))
merged = layers.Concatenate([a, a], -1)
""",
])
def test_no_fix_where_it_would_not_be_safe(source: str) -> None:
    findings = check_source(source, "x.py")
    assert findings, "the example must have a finding"
    assert all(d.fix is None for d in findings), [(d.code, d.fix) for d in findings]


def test_concise_marks_fixable_findings(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(CASES["SC102-simple"][0] + "\nimport keras as k\nopt = k.optimizers.SGD(0.1, decay=0.1)\n")
    output = run(str(path)).output
    marked = [line for line in output.splitlines() if line.endswith("[*]")]
    # `decay=` has no fix (and is a warning: Keras 3 takes it and warns)
    unmarked = [line for line in output.splitlines() if (": error: " in line or ": warning: " in line)
                and not line.endswith("[*]")]
    assert len(marked) == 1 and "[SC102" in marked[0]
    assert unmarked and "decay" in unmarked[0]
    assert output.splitlines()[-1] == "[*] 1 fixable with `shapecheck check --fix`."


# ------------------------------------------------------------ safe and unsafe fixes (issue 15 item 2)
TWO_CONSUMERS = """\
import keras
from keras.layers import LSTM, Dense, Concatenate

inp = keras.Input(shape=(10, 3))
x = LSTM(64)(inp)
a = LSTM(32)(x)
b = Dense(1)(x)
out = Concatenate()([a, b])
"""


def sc102_applicability(source: str) -> str | None:
    [finding] = [d for d in check_source(source, "x.py") if d.code == "SC102"]
    return None if finding.fix is None else finding.fix.applicability.value


def test_sc102_fix_is_unsafe_when_the_rnn_output_feeds_another_layer(tmp_path: Path) -> None:
    """The issue's example: return_sequences=True would give Dense a 3-D input and break the Concatenate."""
    assert sc102_applicability(TWO_CONSUMERS) == "unsafe"
    path = tmp_path / "script.py"
    path.write_text(TWO_CONSUMERS)
    result = run("--fix", str(path))
    assert path.read_text() == TWO_CONSUMERS and result.exit_code == 1
    assert "Fixed 0 findings (1 remaining)" in result.output
    [item] = json.loads(run("--output-format", "json", str(path)).stdout)
    assert item["fix"]["applicability"] == "unsafe"
    applied = run("--fix", "--unsafe-fixes", str(path))
    assert "LSTM(64, return_sequences=True)(inp)" in path.read_text()
    assert "SC104" in applied.output or "SC1" in applied.output  # the unsafe fix did change behaviour


HEAD = "import keras\nfrom keras.layers import LSTM, Dense\ninp = keras.Input(shape=(10, 3))\n"


@pytest.mark.parametrize("body, expected", [
    ("x = LSTM(64)(inp)\nx = LSTM(32)(x)\ny = Dense(1)(x)\n", "safe"),  # read once, then rebound
    ("y = LSTM(32)(LSTM(64)(inp))\n", "safe"),  # passed straight on
    ("import tensorflow as tf\nwith tf.device('/cpu:0'):\n    x = LSTM(64)(inp)\n    y = LSTM(32)(x)\n", "safe"),
    ("def build(i):\n    x = LSTM(64)(i)\n    return LSTM(32)(x)\nbuild(inp)\n", "safe"),
    ("x = LSTM(64)(inp)\ny = LSTM(32)(x)\nmodel = keras.Model(inp, [y, x])\n", "unsafe"),  # also a model output
    ("x = LSTM(64)(inp)\ny = LSTM(32)(x)\ns = keras.ops.sum(x)\n", "unsafe"),  # also read by an op
    ("x = LSTM(64)(inp)\nif inp is not None:\n    y = LSTM(32)(x)\n", "unsafe"),  # read in a branch
    ("def head():\n    return Dense(1)(x)\nx = LSTM(64)(inp)\ny = LSTM(32)(x)\n", "unsafe"),  # a closure reads it
])
def test_sc102_fix_is_safe_only_with_exactly_one_consumer(body: str, expected: str) -> None:
    assert sc102_applicability(HEAD + body) == expected


def test_sequential_stacks_are_safe() -> None:
    assert sc102_applicability(CASES["SC102-simple"][0]) == "safe"


def test_sc106_fix_is_unsafe_when_the_layer_is_called_afterwards() -> None:
    source = ("import keras\nfrom keras.layers import Concatenate\na = keras.Input(shape=(3,))\n"
              "merge = Concatenate([a, a])\nout = merge([a, a])\n")
    [finding] = [d for d in check_source(source, "x.py") if d.code == "SC106"]
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
    [safe] = [d for d in check_source(CASES["SC106-concatenate"][0], "x.py") if d.code == "SC106"]
    assert safe.fix is not None and safe.fix.safe


@pytest.mark.parametrize("keyword", ["regularizer", "activity"])
def test_sc302_offers_no_rename_without_exactly_one_close_match(keyword: str) -> None:
    source = f"from keras.layers import Dense\nlayer = Dense(3, {keyword}=None)\n"
    [finding] = [d for d in check_source(source, "x.py") if d.code == "SC302"]
    assert finding.fix is None


def test_sc302_offers_no_rename_onto_a_keyword_already_given() -> None:
    source = "from keras.layers import Dense\nlayer = Dense(3, activation='relu', activaton='tanh')\n"
    [finding] = [d for d in check_source(source, "x.py") if d.code == "SC302"]
    assert finding.fix is None


def test_concise_marks_only_applicable_fixes_and_counts_hidden_ones(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(CASES["SC102-simple"][0] + "layer = keras.layers.Dense(3, activaton='relu')\n")
    lines = run(str(path)).output.splitlines()
    sc302 = next(line for line in lines if "[SC302" in line)
    assert not sc302.endswith("[*]")
    assert lines[-1] == "[*] 1 fixable with `shapecheck check --fix` (1 hidden fix can be enabled with `--unsafe-fixes`)."
    lines = run("--unsafe-fixes", str(path)).output.splitlines()
    assert next(line for line in lines if "[SC302" in line).endswith("[*]")
    assert lines[-1] == "[*] 2 fixable with `shapecheck check --fix --unsafe-fixes`."


def test_show_fixes_lists_each_findings_fix(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(CASES["SC102-simple"][0] + "layer = keras.layers.Dense(3, activaton='relu')\n")
    plain = run(str(path)).output
    assert ": fix: " not in plain and "unsafe fix" not in plain
    shown = run("--show-fixes", str(path)).output.splitlines()
    assert f"{path}:6:11: fix: Add `return_sequences=True` to the `LSTM`" in shown
    assert f"{path}:7:31: unsafe fix (with --unsafe-fixes): Rename `activaton=` to `activation=`" in shown


def test_fix_with_show_fixes_lists_the_fixes_applied_per_file(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(CASES["SC102-explicit-false-and-cascade"][0])
    out = run("--fix", "--show-fixes", str(path)).output
    assert out.endswith(f"Fixed 2 findings:\n- {path}:\n    2 × SC102 (stacked-rnn-missing-return-sequences)\n")


def test_diff_shows_unsafe_fixes_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(CASES["SC302-misspelt-keyword"][0])
    assert run("--diff", str(path)).exit_code == 0
    shown = run("--diff", "--unsafe-fixes", str(path))
    assert shown.exit_code == 1 and "+model = keras.Sequential([keras.Input(shape=(8, 8, 1)), " \
        "layers.Conv2D(4, kernel_size=3)])" in shown.stdout
    assert path.read_text() == CASES["SC302-misspelt-keyword"][0]


def test_the_cache_keeps_a_fixs_applicability(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_text(CASES["SC102-simple"][0] + "layer = keras.layers.Dense(3, activaton='relu')\n")
    args = ["check", "--isolated", "--cache-dir", str(tmp_path / "cache"), "--output-format", "json", str(path)]
    first = json.loads(CliRunner().invoke(main, args).stdout)
    assert list((tmp_path / "cache").rglob("*.json")), "the first run must fill the cache"
    second = json.loads(CliRunner().invoke(main, args).stdout)
    assert first == second
    assert [item["fix"]["applicability"] for item in second] == ["safe", "unsafe"]
