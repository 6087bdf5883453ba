"""--fix and --diff: each safe fix gives the expected text, checks clean, and is idempotent."""

from __future__ import annotations

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
    path = tmp_path / "script.py"
    path.write_text(before)
    result = run("--fix", str(path))
    assert result.exit_code == 0, result.output
    assert path.read_text() == expected
    assert "remaining" in result.output and "(0 remaining)" in result.output
    assert run(str(path)).exit_code == 0
    again = run("--fix", str(path))
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
    unmarked = [line for line in output.splitlines() if ": error: " in line and not line.endswith("[*]")]
    assert len(marked) == 1 and "[SC102" in marked[0]
    assert unmarked and "decay" in unmarked[0]
    assert output.splitlines()[-1] == "[*] 1 fixable with `shapecheck check --fix`."
