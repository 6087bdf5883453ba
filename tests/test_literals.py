"""The interpreter's fast reading of literals agrees with Python's own."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from shapecheck.engine.expressions import _NOT_PLAIN, _plain_literal

LITERALS = ["0", "00", "7", "0x1F", "0X1f", "0o17", "0b101", "1_000_000", "1.5", "1e-3", "1E5", "1_0.5", ".5",
            "5.", "0.1e1_0", "'abc'", '"abc"', "''", "'''x\ny'''", '"""doc"""', "u'x'", "U'x'", "r'a\\s'",
            "R'\\d+'", "'a\\nb'", "b'x'", "rb'x'", "'\\x41'", "1j", "'a' 'b'"]


@pytest.mark.parametrize("text", LITERALS)
def test_fast_literal_equals_python(text: str) -> None:
    value = _plain_literal(cst.parse_expression(text))
    if value is _NOT_PLAIN:
        return  # left to libcst's evaluated_value, which asks CPython
    expected = ast.literal_eval(text)
    assert value == expected and type(value) is type(expected)


def test_the_fast_path_is_taken_for_common_literals() -> None:
    taken = [t for t in LITERALS if _plain_literal(cst.parse_expression(t)) is not _NOT_PLAIN]
    assert {"0", "0x1F", "1.5", "'abc'", "r'a\\s'"} <= set(taken)
