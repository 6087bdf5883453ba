"""Rule messages and notes that must say the right thing (issue 15 items 7 and 10)."""

from __future__ import annotations

from .conftest import check

CALLED_EARLIER = """\
import keras
from keras.layers import Dense

inputs = keras.Input(shape=(128,))
hidden_layer = Dense(64)
hidden = hidden_layer(inputs)
outputs = Dense(32)(hidden_layer)
"""

NEVER_CALLED = """\
import keras
from keras.layers import Dense

inputs = keras.Input(shape=(128,))
hidden_layer = Dense(64)
outputs = Dense(32)(hidden_layer)
"""


def _notes(source: str, code: str) -> list[tuple[int, str]]:
    [finding] = [d for d in check(source) if d.code == code]
    return [(n.location.row, n.message) for n in finding.notes]


def test_sc105_note_for_a_layer_called_earlier_points_at_that_call() -> None:
    notes = _notes(CALLED_EARLIER, "SC105")
    assert (6, "this `Dense` was called on a tensor here; pass the tensor that call returned, "
               "not the layer") in notes
    assert not any("never called" in message for _, message in notes)


def test_sc105_note_for_a_layer_never_called() -> None:
    assert _notes(NEVER_CALLED, "SC105") == [(5, "this `Dense` was created here but never called on a tensor")]
