"""Confirmation stays inert: configs that name files or load models are never opened.

Layers such as ``StringLookup(vocabulary="vocab.txt")``, ``TextVectorization``
with a vocabulary file or ``TFSMLayer`` read the user's files when built.  A
finding behind such a layer must come back unconfirmable, and the worker,
which logs every file it opens here (``SHAPECHECK_WORKER_OPEN_LOG``), must
never open anything in the user's folder or write there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shapecheck.confirm.inert import may_construct, may_resolve, names_a_resource
from shapecheck.confirm.runner import keras_installed

SCRIPT = """
import keras
from keras import layers

words = keras.Input(shape=(3,), dtype="string")
ids = layers.StringLookup(vocabulary="{folder}/vocab.txt")(words)
bad = layers.LSTM(4)(ids)

text = keras.Input(shape=(1,), dtype="string")
tokens = layers.TextVectorization(vocabulary="{folder}/vocab.txt", output_sequence_length=5)(text)
worse = layers.Conv2D(4, 3)(tokens)

served = layers.TFSMLayer("{folder}/saved_model", call_endpoint="serve")
out = served(keras.Input(shape=(4,)))

plain = keras.Input(shape=(8,))
confirmable = layers.LSTM(2)(layers.Dense(3)(plain))
"""


def test_the_guards_refuse_resources_and_foreign_layers() -> None:
    assert names_a_resource("vocabulary", "vocab.txt")
    assert names_a_resource("weights", "model.h5")
    assert names_a_resource("embeddings_file", "/data/glove.txt")
    assert not names_a_resource("activation", "relu")
    assert not names_a_resource("padding", "same")
    assert not names_a_resource("vocabulary", ["a", "b"])
    assert not may_construct("TFSMLayer", frozenset({"TFSMLayer", "Dense"}))
    assert may_construct("Dense", frozenset({"TFSMLayer", "Dense"}))
    assert may_resolve("keras.activations.relu")
    assert not may_resolve("keras.utils.get_file")
    assert not may_resolve("keras.saving.load_model")
    assert not may_resolve("tensorflow.io.write_file")


@pytest.mark.skipif(not keras_installed(), reason="confirmation needs Keras")
def test_confirm_never_opens_or_writes_the_users_files(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "vocab.txt").write_text("a\nb\nc\n", encoding="utf-8")
    (folder / "saved_model").mkdir()
    script = folder / "model.py"
    script.write_text(SCRIPT.format(folder=folder), encoding="utf-8")
    before = sorted(p.name for p in folder.rglob("*"))
    log = tmp_path / "opens.log"
    env = dict(os.environ, SHAPECHECK_WORKER_OPEN_LOG=str(log), TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, "-m", "shapecheck", "check", "--no-cache", "--confirm", "--device", "cpu",
         "--output-format", "json", str(script)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    findings = json.loads(result.stdout)
    flagged = [f for f in findings if f["code"] == "SC101"]
    behind_files = [f for f in flagged if f["location"]["row"] < 14]
    assert len(behind_files) == 2, result.stdout + result.stderr  # the LSTM and the Conv2D after the lookups
    assert [f["confirmation"]["status"] for f in flagged if f not in behind_files] == ["confirmed"]
    for finding in behind_files:
        assert finding["confirmation"]["status"] == "unconfirmable", finding
        assert "file" in finding["confirmation"]["evidence"], finding
    assert log.exists(), "the worker did not log its opens: the check would prove nothing"
    opened = log.read_text(encoding="utf-8").splitlines()
    assert opened, "the worker opened no file at all after importing Keras: the log is not working"
    assert not [p for p in opened if str(folder) in p], opened
    assert sorted(p.name for p in folder.rglob("*")) == before
