"""Property-based fuzzing: random programs never crash the static pass, and never
get a syntax error that Python does not give.

* random valid Python from hypothesmith's grammar and libcst strategies
  (never an SC001 on a file Python accepts);
* random Keras-like programs that need not make sense (``wild_program``)
  and plausible random model scripts (``keras_program``);
* the bundled fixtures cut off or mangled at random points, as an editor
  sends them while the user types.

``SHAPECHECK_STRICT=1`` is set, so errors the interpreter would absorb fail
the test.  The runs are derandomized (the same programs every time, so CI
is reproducible); ``SHAPECHECK_FUZZ_EXAMPLES=N`` explores N fresh random
examples per property instead.
"""

from __future__ import annotations

import ast
import os
import random
from pathlib import Path
from typing import Iterator

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shapecheck.checking.checker import check_source

from .conftest import FIXTURES
from .keras_programs import keras_program, wild_program

EXPLORE = int(os.environ.get("SHAPECHECK_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int) -> settings:
    """Hypothesis settings: ``examples`` fixed examples, or EXPLORE fresh ones."""
    return settings(max_examples=EXPLORE or examples, deadline=None, derandomize=not EXPLORE, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True, scope="module")
def strict() -> Iterator[None]:
    """Re-raise the internal errors the interpreter would otherwise absorb."""
    before = os.environ.get("SHAPECHECK_STRICT")
    os.environ["SHAPECHECK_STRICT"] = "1"
    yield
    if before is None:
        del os.environ["SHAPECHECK_STRICT"]
    else:
        os.environ["SHAPECHECK_STRICT"] = before


def python_accepts(source: str) -> bool:
    """True when CPython's parser accepts ``source``."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def libcst_accepts(source: str) -> bool:
    """True when libcst parses ``source`` (only called on sources CPython refuses mildly)."""
    try:
        cst.parse_module(source)
    except Exception:  # noqa: BLE001 - any refusal
        return False
    return True


def check_never_lies_about_syntax(source: str) -> None:
    """The static pass finishes; never SC001 on a file Python accepts, and SC001 on a file it
    refuses unless libcst reads it (syntax newer than this Python is analysed, not refused)."""
    findings = check_source(source, "fuzzed.py")
    codes = [d.code for d in findings]
    if "keras" not in source:
        assert codes == []  # the prefilter skips it before parsing
    elif python_accepts(source):
        assert "SC001" not in codes, [d.message for d in findings]
    elif codes != ["SC001"]:
        assert "SC001" not in codes and libcst_accepts(source), codes
    for d in findings:
        assert d.location.row >= 1 and d.location.column >= 1, d


@fuzz(40)
@given(hypothesmith.from_grammar())
def test_random_python_from_the_grammar(source: str) -> None:
    check_never_lies_about_syntax("# keras\n" + source)


@fuzz(30)
@given(hypothesmith.from_node())
def test_random_python_from_libcst_nodes(source: str) -> None:
    check_never_lies_about_syntax("import keras\n" + source)


@fuzz(300)
@given(st.randoms(use_true_random=False), st.integers(min_value=1, max_value=25))
def test_wild_keras_like_programs(rng: random.Random, statements: int) -> None:
    check_never_lies_about_syntax(wild_program(rng, statements))


@fuzz(200)
@given(st.randoms(use_true_random=False))
def test_plausible_keras_programs(rng: random.Random) -> None:
    program = keras_program(rng)
    assert python_accepts(program.source), program.source
    check_never_lies_about_syntax(program.source)


FIXTURE_SOURCES = sorted(p for p in FIXTURES.rglob("*.py"))


@fuzz(150)
@given(st.sampled_from(FIXTURE_SOURCES), st.data())
def test_fixtures_cut_and_mangled_as_while_typing(path: Path, data: st.DataObject) -> None:
    source = path.read_text(encoding="utf-8")
    cut = data.draw(st.integers(min_value=0, max_value=len(source)), label="cut")
    edit = data.draw(st.sampled_from(["truncate", "delete_line", "duplicate_line", "insert", "swap_numbers"]),
                     label="edit")
    lines = source.splitlines(keepends=True)
    row = source.count("\n", 0, cut)
    if edit == "truncate":
        mangled = source[:cut]
    elif edit == "delete_line" and lines:
        mangled = "".join(lines[:row] + lines[row + 1:])
    elif edit == "duplicate_line" and lines:
        mangled = "".join(lines[:row + 1] + lines[row:])
    elif edit == "insert":
        text = data.draw(st.sampled_from(["(", ")", "[", ":", "\n    ", "keras.layers.", "lambda", "*", "'''",
                                          "\t", "\\", "0" * 50, ",", "=", " if "]), label="text")
        mangled = source[:cut] + text + source[cut:]
    else:
        mangled = "".join(str(int(ch) * 7 + 1) if ch.isdigit() and i % 3 == 0 else ch
                          for i, ch in enumerate(source))
    check_never_lies_about_syntax(mangled)


def test_the_generators_make_what_they_promise() -> None:
    """The generated Keras programs parse, vary in import style and build style."""
    rng = random.Random(7)
    programs = [keras_program(rng) for _ in range(200)]
    assert all(python_accepts(p.source) for p in programs)
    assert len({p.style for p in programs}) >= 6
    assert sum("Sequential" in p.source for p in programs) > 20
    assert sum("Model(inputs, x)" in p.source for p in programs) > 20
    wild = [wild_program(random.Random(i)) for i in range(100)]
    assert sum(python_accepts(w) for w in wild) > 80  # mostly valid Python, so the interpreter runs
    assert all(isinstance(cst.parse_module(p.source), cst.Module) for p in programs[:20])
