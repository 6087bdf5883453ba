"""Benchmark of the static pass: per-file time over folders of scripts.

Usage: ``python bench/bench_static.py [FOLDER ...]`` (default: the bundled
fixtures, plus the Keras sources installed in site-packages when present, as
a folder of real Keras code).  Prints median, p95 and max per file, and the
prefilter's cost on files that never mention keras.  This is a benchmark, not
a test: it asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapecheck.checking.checker import check_source, default_settings  # noqa: E402


def _time_folder(label: str, files: list[Path], repeat: int = 3) -> None:
    settings = default_settings()
    sources = []
    for path in files:
        try:
            sources.append((path, path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    keras_files = [(p, s) for p, s in sources if "keras" in s]
    other_files = [(p, s) for p, s in sources if "keras" not in s]
    for name, group in (("mentions keras", keras_files), ("prefiltered out", other_files)):
        if not group:
            continue
        times = []
        findings = 0
        for path, source in group:
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                result = check_source(source, str(path), settings)
                best = min(best, time.perf_counter() - start)
            findings += len(result)
            times.append(best * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        lines = sum(s.count("\n") for _, s in group) / len(group)
        print(f"{label:<28} {name:<16} files={len(group):>5}  mean lines={lines:>6.0f}  "
              f"median={statistics.median(times):7.2f} ms  p95={p95:7.2f} ms  max={times[-1]:7.2f} ms  "
              f"findings={findings}")


def main(argv: list[str]) -> None:
    folders = [Path(a) for a in argv] or [ROOT / "fixtures"]
    if not argv:
        try:
            import importlib.util

            spec = importlib.util.find_spec("keras")
            if spec and spec.origin:
                folders.append(Path(spec.origin).parent / "src" / "applications")
                folders.append(Path(spec.origin).parent / "src" / "layers")
        except (ImportError, ValueError):
            pass
    for folder in folders:
        files = sorted(folder.rglob("*.py")) if folder.is_dir() else [folder]
        _time_folder(str(folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder.name), files)


if __name__ == "__main__":
    main(sys.argv[1:])
