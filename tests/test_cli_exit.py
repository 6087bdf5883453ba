"""The ``shapecheck`` entry point exits without Python's teardown, with the exit code and output intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shapecheck.app.entry import _exit_code

BAD = "import keras\nm = keras.Sequential([keras.Input(shape=(3, 4)), keras.layers.LSTM(4), keras.layers.LSTM(2)])\n"


@pytest.mark.parametrize(("given", "expected"), [(None, 0), (0, 0), (1, 1), (2, 2), (256 + 1, 1)])
def test_exit_codes_are_those_sys_exit_gives(given: object, expected: int) -> None:
    assert _exit_code(given) == expected


def test_a_message_as_exit_code_is_printed_and_is_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code("boom") == 1
    assert capsys.readouterr().err == "boom\n"


def test_the_command_exits_with_its_code_and_all_of_its_output(tmp_path: Path) -> None:
    script = tmp_path / "bad.py"
    script.write_text(BAD, encoding="utf-8")
    (tmp_path / "good.py").write_text("import keras\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache", str(script)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "[SC102 stacked-rnn-missing-return-sequences]" in done.stdout
    assert done.stdout.rstrip().endswith("fixable with `shapecheck check --fix`.")
    clean = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache",
                            str(tmp_path / "good.py")], capture_output=True, text=True)
    assert clean.returncode == 0 and "All checks passed" in clean.stdout
    usage = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--no-such-option"],
                           capture_output=True, text=True)
    assert usage.returncode == 2 and "no-such-option" in usage.stderr
