"""Confirmation: prove each finding by rebuilding its model with the real Keras.

The static pass hands every finding's interpreter event to
:mod:`~shapecheck.confirm.recipe`, which describes what to rebuild as JSON
(layers with their literal configs, the wiring, input shapes, compile
settings, and what Keras is expected to do).  :mod:`~shapecheck.confirm.runner`
sends those recipes to one worker subprocess (:mod:`~shapecheck.confirm.worker`)
that imports Keras once and rebuilds them in turn; the main process never
imports TensorFlow or Keras.  Nothing of the user's script is imported or run.
"""

from __future__ import annotations

from shapecheck.confirm.outcome import Confirmation, Status
from shapecheck.confirm.runner import ConfirmOptions, ConfirmUnavailable, confirm_diagnostics, run_recipes

__all__ = ["Confirmation", "ConfirmOptions", "ConfirmUnavailable", "Status", "confirm_diagnostics", "run_recipes"]
