"""The fixtures' findings are what ``tests/golden/fixtures.json`` records, byte for byte.

A refactor or a speed-up must leave this file alone; a change that means to
alter findings regenerates it (``python tools/update_golden.py``), and its
diff in the commit shows what changed.
"""

from __future__ import annotations

import importlib.util
import json

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("update_golden", ROOT / "tools" / "update_golden.py")
assert _spec is not None and _spec.loader is not None
update_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_golden)


def test_fixture_output_matches_the_golden_file() -> None:
    expected = update_golden.GOLDEN.read_text(encoding="utf-8")
    actual = update_golden.current_output()
    assert json.loads(actual), "the run printed no findings: the check would prove nothing"
    assert actual == expected, "fixture output changed; if that is intended, rerun tools/update_golden.py"
