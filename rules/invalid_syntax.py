"""SC001 invalid-syntax."""

from __future__ import annotations

from shapecheck.checking.rule import Invalid, Rule


class InvalidSyntaxRule(Rule):
    """A file that is not valid Python; reported by the checker itself."""

    code = "SC001"
    name = "invalid-syntax"
    summary = "The file is not valid Python"
    what = """
Reports a file that cannot be parsed, at the position of the syntax error.
Nothing else is checked in that file.
"""
    why = """
Python refuses to run it; every other finding would be guesswork.
"""
    VALID = ["import keras\n"]
    INVALID = [Invalid("import keras\nmodel = keras.Sequential(\n", raises=True)]
