"""The real-bug corpus (fixtures/realbugs) against the installed Keras.

For every pair, buggy.py must fail the way its header says (``# expect:`` regex
on the raised exception, or ``# check:`` true for a silent bug) and fixed.py
must run clean (and make the ``# check:`` false). The scripts run under
``fixtures/realbugs/_harness.py``, which fakes the dataset loaders, CSV/NumPy
file readers and image-directory generators and caps ``fit`` at one epoch, so
nothing is downloaded or read from disk.

TensorFlow is imported once per worker: the pairs are split over two
subprocesses (one per core), each running its share of pairs in turn.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "realbugs"
PAIRS = sorted(p for p in CORPUS.iterdir() if p.is_dir() and re.match(r"\d\d_", p.name)) if CORPUS.is_dir() else []
WORKERS = 2
MARKER = re.compile(r"#\s*fix:")

sys.path.insert(0, str(CORPUS))
try:
    import _harness  # noqa: E402
finally:
    sys.path.remove(str(CORPUS))


def _run(pairs: list[Path]) -> dict[str, dict]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1", KERAS_BACKEND="tensorflow",
               PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, str(CORPUS / "_harness.py"), *map(str, pairs)], capture_output=True,
                          text=True, timeout=1500, env=env, cwd=str(CORPUS))
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            results[result["pair"]] = result
    for pair in pairs:
        results.setdefault(pair.name, {"pair": pair.name, "harness_error":
                                       f"no result (exit {proc.returncode}): {proc.stderr[-1500:]}"})
    return results


@pytest.fixture(scope="module")
def realbug_runs(keras_module) -> dict[str, dict]:
    shares = [PAIRS[i::WORKERS] for i in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as pool:
        merged: dict[str, dict] = {}
        for part in pool.map(_run, [s for s in shares if s]):
            merged.update(part)
    return merged


def test_corpus_layout() -> None:
    assert len(PAIRS) >= 40
    for pair in PAIRS:
        buggy = (pair / "buggy.py").read_text(encoding="utf-8")
        fixed = (pair / "fixed.py").read_text(encoding="utf-8")
        assert buggy.startswith('"""Source: http'), pair.name
        assert MARKER.search(buggy), f"{pair.name}: no '# fix:' marker"
        assert not MARKER.search(fixed), f"{pair.name}: fixed.py keeps a '# fix:' marker"
        spec = _harness.directives(pair / "buggy.py")
        assert spec.get("expect") or spec.get("check"), f"{pair.name}: neither '# expect:' nor '# check:'"


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_buggy_fails_and_fixed_runs(pair: Path, realbug_runs: dict[str, dict]) -> None:
    result = realbug_runs[pair.name]
    assert "harness_error" not in result, result.get("harness_error")
    problems = _harness.verdict(result)
    detail = json.dumps({k: {"raised": v.get("raised"), "check": v.get("check"),
                             "traceback": (v.get("traceback") or "")[-1200:]}
                         for k, v in result.items() if k in ("buggy", "fixed")}, indent=1)
    assert not problems, "\n".join(problems) + "\n" + detail
