"""The static pass never imports tensorflow or keras (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import FIXTURES

SCRIPT = """
import sys
from pathlib import Path
from shapecheck.checking.checker import check_source
total = 0
for path in sorted(Path(sys.argv[1]).rglob("*.py")):
    total += len(check_source(path.read_text(encoding="utf-8"), str(path)))
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
print(total, loaded)
assert total > 0
assert not loaded, loaded
"""


def test_checking_fixtures_imports_neither_tensorflow_nor_keras() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(FIXTURES)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
