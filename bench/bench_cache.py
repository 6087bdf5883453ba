"""Benchmark of whole runs at scale: cold and warm cache, one process and all cores.

Usage: ``python bench/bench_cache.py [--files N]`` (default 400).  It copies
the scripts under fixtures/ into a temporary folder N times over, each copy
varied (a header comment, layer sizes shifted) so that every file has its own
content and cache key, then times ``shapecheck check`` on that folder as a
user runs it (a new process each time):

- cold: no cache, one process (``--jobs 1``) and all cores (default ``--jobs``);
- warm: the same folder again with the cache filled (nothing changed);
- one file changed: the cache answers for all the others.

This is a benchmark, not a test: it asserts nothing, and nothing it makes is kept.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_UNITS = re.compile(r"\b(Dense|LSTM|GRU|SimpleRNN|Conv1D|Conv2D)\((\d+)")


def make_corpus(folder: Path, count: int) -> int:
    """Write ``count`` varied copies of the fixture scripts into ``folder``; returns the number written."""
    originals = sorted(p for p in (ROOT / "fixtures").rglob("*.py"))
    texts = [p.read_text(encoding="utf-8") for p in originals]
    for i in range(count):
        text = texts[i % len(texts)]
        shift = i // len(texts)
        varied = _UNITS.sub(lambda m: f"{m.group(1)}({int(m.group(2)) + shift}", text)
        target = folder / f"pkg{i % 10}" / f"script_{i:04}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# variant {i} of {originals[i % len(texts)].name}\n{varied}", encoding="utf-8")
    return count


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", *args], cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="shapecheck-bench-"))
    try:
        count = make_corpus(folder / "scripts", options.files)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"{count} scripts, {cores} cores")
        rows = []
        for label, jobs in (("cold, --jobs 1", ["--jobs", "1"]), (f"cold, --jobs {cores}", [])):
            cache = folder / f"cache-{len(rows)}"
            seconds, code = timed([*jobs, "--cache-dir", str(cache), "scripts"], folder)
            rows.append((label, seconds, code))
            if not jobs:
                seconds, code = timed(["--cache-dir", str(cache), "scripts"], folder)
                rows.append(("warm (nothing changed)", seconds, code))
                changed = folder / "scripts" / "pkg0" / "script_0000.py"
                changed.write_text(changed.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
                seconds, code = timed(["--cache-dir", str(cache), "scripts"], folder)
                rows.append(("warm (one file changed)", seconds, code))
        for label, seconds_, code_ in rows:
            print(f"{label:<26} {seconds_:7.2f} s  ({seconds_ / count * 1000:6.2f} ms/file, exit {code_})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
