"""A run whose files are all answered from the cache imports neither libcst nor the
analysis (engine, overlays, shapes catalog, rules): its cost is start-up, so the
selection, the cache key and every report format work from the generated rule index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from shapecheck.report.formats.registry import FORMATS

from .test_cli import BAD, GOOD

HEAVY = ("libcst", "shapecheck.engine", "shapecheck.overlays", "shapecheck.shapes", "shapecheck.rules",
         "shapecheck.checking.checker", "shapecheck.checking.rule")

# Runs the command line once per output format in one process, then says which heavy modules it imported.
PROBE = """
import json, sys
from shapecheck.app.cli import main
outputs = {}
for fmt in json.loads(sys.argv[1]):
    try:
        main(["check", "--isolated", "--cache-dir", sys.argv[2], "--output-format", fmt, *sys.argv[3:]])
    except SystemExit as done:
        outputs[fmt] = done.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] == "libcst" or m.startswith(%r))
sys.stderr.write("PROBE " + json.dumps({"codes": outputs, "heavy": heavy}) + "\\n")
""" % (HEAVY[1:],)


def _probe(tmp_path: Path, files: list[str], formats: list[str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(formats), str(tmp_path / "cache"), *files],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    line = [x for x in done.stderr.splitlines() if x.startswith("PROBE ")]
    assert line, done.stderr
    return json.loads(line[-1][len("PROBE "):])


def test_a_warm_run_imports_no_libcst_in_any_format(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    files = ["bad.py", "good.py"]
    cold = _probe(tmp_path, files, ["json"])
    assert cold["codes"] == {"json": 1}
    assert "libcst" in cold["heavy"] and "shapecheck.rules" in cold["heavy"]  # the probe sees real imports
    warm = _probe(tmp_path, files, sorted(FORMATS))
    assert warm["codes"] == {fmt: 1 for fmt in FORMATS}
    assert warm["heavy"] == []


def test_a_file_not_in_the_cache_is_still_checked(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    _probe(tmp_path, ["bad.py"], ["json"])
    (tmp_path / "new.py").write_text(BAD + "\n")
    found = _probe(tmp_path, ["bad.py", "new.py"], ["concise"])
    assert found["codes"] == {"concise": 1} and "libcst" in found["heavy"]
