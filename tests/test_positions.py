"""Positions: locating nodes statement by statement gives exactly what one walk over
the whole module gives, on every fixture and on files with odd layout."""

from __future__ import annotations

import random

import libcst as cst
import pytest

from shapecheck.engine import parsing
from shapecheck.report.positions import _locate_by_statement, locate, locate_whole

from .conftest import FIXTURES

ODD = {
    "crlf": "import keras\r\n\r\nx = keras.layers.Dense(3)\r\nif x:\r\n    y = f(x,\r\n          2)\r\n",
    "cr": "import keras\rx = 1\ry = g(x)\r",
    "header_comments": "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n\nimport keras\nz = h(1)\n",
    "no_trailing_newline": "import keras\nx = f(1)\ny = f(2)",
    "decorators": "import keras\n\n# before\n@d(1)\n# between\n@e\ndef f(a):\n    return g(a)\n\nclass C:\n    @p\n    def m(self):\n        return q(1)\n",
    "continuations": "import keras\nx = 1 + \\\n    f(2)\ny = '''a\nb\nc''' + g(3)\nz = h(4); w = k(5)\n",
    "tabs_and_form_feed": "import keras\nif a:\n\tx = f(1)\n\x0c\ny = g(2)\n",
    "trailing_comments": "import keras\nx = f(1)\n# the end\n\n",
    "empty_body_then_code": "\n\n\nimport keras\n\n\n\nm = keras.Sequential([keras.layers.Dense(1)])\n",
    "unicode": "import keras\nnaïve = f('日本語', 1)\nx = g(naïve)\n",
}


def _all_expressions(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collector(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, (cst.BaseExpression, cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.Arg)):
                found.append(node)
            return True

    module.visit(Collector())
    return found


FIXTURE_SAMPLE = random.Random(0).sample(sorted(FIXTURES.rglob("*.py")), 25)
SOURCES = {p.name: p.read_text(encoding="utf-8") for p in FIXTURE_SAMPLE} | ODD


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_statement_by_statement_equals_the_whole_walk(name: str) -> None:
    module = cst.parse_module(SOURCES[name])
    nodes = _all_expressions(module)
    rng = random.Random(name)
    for size in (1, 3, 20) + ((len(nodes),) if name in ODD else ()):
        chosen = rng.sample(nodes, min(size, len(nodes)))
        targets = {id(n) for n in chosen}
        fast = _locate_by_statement(module, targets)
        assert fast is not None
        assert fast == locate_whole(module, targets)
        assert locate(module, chosen) == fast


def test_a_target_outside_the_statements_falls_back_to_the_whole_walk() -> None:
    module = cst.parse_module("# a header comment\nimport keras\nx = 1\n")
    header_line = module.header[0]
    assert _locate_by_statement(module, {id(header_line)}) is None
    assert locate(module, [header_line]) == locate_whole(module, {id(header_line)})
    assert id(header_line) in locate(module, [header_line])


# --------------------------------------------------------------------------- chunked parsing

MIXED = {
    # Chunks that would detect another indentation or newline style: parsed whole.
    "two_then_four_spaces": "import keras\nif a:\n  x = 1\n" + "y = 2\n" * 6 + "if b:\n    z = 3\n",
    "lf_then_crlf": "import keras\nx = 1\n" + "y = 2\n" * 6 + "z = 3\r\n" * 6,
    "tab_then_spaces": "import keras\nif a:\n\tx = 1\n" + "y = 2\n" * 6 + "if b:\n    z = 3\n",
}


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "CHUNK_LINES", 3)


@pytest.mark.parametrize("name", sorted(SOURCES | MIXED))
def test_a_module_parsed_in_chunks_is_the_module_parsed_whole(name: str, small_chunks: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    source = (SOURCES | MIXED)[name]
    joined: list[object] = []
    join = parsing._join
    monkeypatch.setattr(parsing, "_join", lambda modules: joined.append(join(modules)) or joined[-1])
    module, rows = parsing.parse_indexed(source)
    whole = cst.parse_module(source)
    assert isinstance(module, cst.Module)
    assert module.code == whole.code
    assert (module.default_indent, module.default_newline, module.has_trailing_newline, module.encoding) == \
        (whole.default_indent, whole.default_newline, whole.has_trailing_newline, whole.encoding)
    assert [type(s) for s in module.body] == [type(s) for s in whole.body]
    assert len(rows) == len(module.body)
    if name in MIXED:
        assert joined == [None], "chunks of another style are not joined: the file is parsed whole"
    elif name == "cr":
        assert joined == [], "a lone \\r newline: parsed whole"
    elif source.count("\n") > 8:
        assert len(joined) == 1 and isinstance(joined[0], cst.Module), "parsed in chunks"


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_from_the_chunks_rows_equal_those_of_the_whole_parse(name: str, small_chunks: None) -> None:
    source = SOURCES[name]
    module, rows = parsing.parse_indexed(source)
    assert isinstance(module, cst.Module)
    whole = cst.parse_module(source)
    chunked_nodes, whole_nodes = _all_expressions(module), _all_expressions(whole)
    assert len(chunked_nodes) == len(whole_nodes)
    expected = locate_whole(whole, {id(n) for n in whole_nodes})
    rng = random.Random(name)
    for size in (1, 3, len(chunked_nodes)):
        picked = rng.sample(range(len(chunked_nodes)), min(size, len(chunked_nodes)))
        near = rng.sample(range(len(module.body)), min(2, len(module.body)))
        found = locate(module, [chunked_nodes[i] for i in picked], rows, near, source)
        for i in picked:
            assert found[id(chunked_nodes[i])] == expected[id(whole_nodes[i])], (name, i)


def test_a_large_file_is_parsed_in_chunks_of_whole_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "import keras\n" + "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(100))
    chunks: list[str] = []
    parse_module = cst.parse_module
    monkeypatch.setattr(parsing.cst, "parse_module", lambda text: chunks.append(text) or parse_module(text))
    module, rows = parsing.parse_indexed(source)
    assert isinstance(module, cst.Module) and module.code == source
    assert len(chunks) >= 300 // parsing.CHUNK_LINES and "".join(chunks) == source
    assert all(chunk.startswith(("\ndef", "import")) for chunk in chunks), "cut between whole statements"
    assert rows == tuple((i, 1 if i == 0 else 2 if i == 1 else 3 * i - 2) for i in range(101))  # blank line first


def test_a_cancelled_analysis_stops_and_says_so() -> None:
    from shapecheck.checking.checker import AnalysisCancelled, check_source

    source = "import keras\n" + "".join(f"m{i} = keras.Sequential([keras.layers.Dense({i + 1})])\n"
                                        for i in range(200))
    with pytest.raises(AnalysisCancelled):
        check_source(source, "big.py", cancelled=lambda: True)
    assert check_source(source, "big.py", cancelled=lambda: False) == check_source(source, "big.py")
