"""SC900 unused-suppression (opt-in)."""

from __future__ import annotations

from shapecheck.report.diagnostics import Severity
from shapecheck.checking.rule import Invalid, Rule


class UnusedSuppressionRule(Rule):
    """Report suppression comments that silence nothing.

    The checker itself produces these findings from the file's suppression
    comments (see :func:`shapecheck.checking.checker.unused_suppressions`); this class
    carries the code, the documentation and the examples.
    """

    code = "SC900"
    name = "unused-suppression"
    severity = Severity.WARNING
    opt_in = True
    summary = "A suppression comment that silences no finding, or names an unknown code (opt-in)"
    what = """
Reports `# noqa: SC...`, `# shapecheck: ignore[...]`, `# shapecheck: noqa: ...`
and `# shapecheck: ignore-file[...]` comments whose codes silence no finding of a
rule that ran, and codes in shapecheck's range that no rule has
(`# noqa: SC999`, a typo for a real code). `# noqa` without codes, and codes of
other tools (`# noqa: E501`), are left alone. This rule is off by default: it
runs only when selected by its exact code or name (`--extend-select SC900`).
"""
    why = """
A suppression that outlived its finding hides the next real mistake on that
line, and tells readers a problem exists where there is none. A misspelt code
silences nothing, so the finding it was meant for is still reported, or the
comment only looks like it explains one.
"""
    VALID = [
        """
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(3, activation="sigmoid"),  # noqa: SC202 - multi-label on purpose
])
model.compile(loss="categorical_crossentropy", optimizer="adam")
""",
    ]
    INVALID = [
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")  # noqa: SC205
""",
            raises=False,
        ),
        Invalid(
            """
import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(1, activation="sigmoid")])  # noqa: SC999
""",
            raises=False,
        ),
    ]
