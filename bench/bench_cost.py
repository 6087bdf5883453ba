"""The cost of a check, side by side: shapecheck (cold and warm cache), flake8, pylint -E and ruff.

Usage::

    python bench/bench_cost.py [--real FOLDER] [--sample 100] [--lines 20000] [--no-pylint] [--sets abc]

Three sets of files, measured in one run and printed as one table:

* (a) real example files: a seeded sample of ``--sample`` ``.py`` files that
  mention keras under ``--real`` (default: the scratch folder that
  ``bench/wild_corpus.py`` exports, ``/tmp/wild``);
* (b) the bundled fixtures (``fixtures/tutorial``, ``realworld``, ``corpus``);
* (c) one generated script of ``--lines`` lines building ``lines / 2`` small
  models, with a stacked-LSTM mistake on its last line (the row says
  whether shapecheck reported it: analysis must reach the end).

For each tool and set: the time per file, median and p95 (each file alone,
the best of three runs: in process for shapecheck's static pass, flake8 and
pylint; one process per file, one run, for ruff), the whole command over the
set (one process, start-up included) and its peak memory (max RSS), and the
ratios to flake8.  The commands run with compiled bytecode, as installed tools do
(written once, unmeasured, to a scratch folder).  A benchmark, not a test: it asserts nothing.  pylint,
flake8 and ruff are dev dependencies; rows of a missing tool are skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_speed import ENV, Row, _sources, flake8_rows, per_file, pylint_rows  # noqa: E402
from shapecheck.checking.checker import check_source, default_settings  # noqa: E402

_MEASURE = ("import resource, subprocess, sys, time; s = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(time.perf_counter() - s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


@dataclass
class Result:
    """One tool on one set."""

    tool: str
    per_file: list[float] = field(default_factory=list)  # ms
    command_ms: Optional[float] = None  # whole command, per file
    peak_mb: Optional[float] = None
    note: str = ""


# Commands run as installed tools do: with compiled bytecode (pip writes it at install time; some
# sandboxes set PYTHONDONTWRITEBYTECODE, and every run would then compile each module again).
# The bytecode goes to a scratch folder (PYTHONPYCACHEPREFIX), written by a first, unmeasured run.
COMMAND_ENV = {key: value for key, value in ENV.items() if key != "PYTHONDONTWRITEBYTECODE"}


def compile_once(folder: Path, sample: Path) -> None:
    """Point the commands' bytecode at ``folder`` and run each tool once, unmeasured, to write it."""
    COMMAND_ENV["PYTHONPYCACHEPREFIX"] = str(folder)
    for argv in ([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache"],
                 [sys.executable, "-m", "flake8"], [sys.executable, "-m", "pylint", "-E"]):
        subprocess.run([*argv, str(sample)], capture_output=True, env=COMMAND_ENV, timeout=600)


def command(argv: list[str], files: list[Path], cwd: Optional[Path] = None) -> tuple[Optional[float], Optional[float]]:
    """Whole-command milliseconds per file and peak RSS in MB, measured by a wrapper process."""
    try:
        done = subprocess.run([sys.executable, "-c", _MEASURE, *argv, *map(str, files)], capture_output=True,
                              text=True, env=COMMAND_ENV, cwd=cwd, timeout=7200)
        seconds, kilobytes = done.stdout.split()
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None, None
    return float(seconds) * 1000 / len(files), int(kilobytes) / 1024


def generated(lines: int, folder: Path) -> Path:
    """A script of ``lines`` lines: small models, then a stacked LSTM without return_sequences."""
    body = ["import keras", "from keras import layers", ""]
    for i in range(max(1, (lines - 4) // 2)):
        body.append(f"m{i} = keras.Sequential([layers.Input(shape=({i % 50 + 1},)), "
                    f"layers.Dense({i % 7 + 1}, activation='relu'), layers.Dense(1)])")
        body.append(f"m{i}.compile(loss='mse', optimizer='adam')")
    body.append("bad = keras.Sequential([layers.Input(shape=(3, 4)), layers.LSTM(4), layers.LSTM(2)])")
    path = folder / f"generated_{lines}.py"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def real_sample(folder: Path, count: int) -> list[Path]:
    """A seeded sample of Python files that mention keras."""
    files = sorted(p for p in folder.rglob("*.py") if "repro" not in str(p))
    keras_files = [p for p in files if "keras" in p.read_text(encoding="utf-8", errors="ignore")]
    return sorted(random.Random(0).sample(keras_files, min(count, len(keras_files))))


def shapecheck_results(files: list[Path], cache: Path) -> list[Result]:
    """The static pass in process, and the command cold (empty cache) and warm (second run)."""
    sources = _sources(files)
    settings = default_settings()
    check_source(sources[0][1], str(sources[0][0]), settings)
    static = Result("shapecheck (in process)", per_file(sources, lambda p, s: check_source(s, str(p), settings),
                                                        repeat=3))
    argv = [sys.executable, "-m", "shapecheck", "check", "--isolated", "--cache-dir", str(cache), "-j", "1",
            "--output-format", "json"]
    shutil.rmtree(cache, ignore_errors=True)
    cold = Result("shapecheck cold")
    cold.command_ms, cold.peak_mb = command(argv, files)
    warm = Result("shapecheck warm", note="second run: every file from the cache")
    warm.command_ms, warm.peak_mb = command(argv, files)
    return [static, cold, warm]


def other_results(files: list[Path], pylint: bool) -> list[Result]:
    """flake8 and pylint in process per file; ruff one process per file; each tool's whole command."""
    sources = _sources(files)
    found: list[Result] = []
    rows: list[tuple[str, list[Row], list[str]]] = [
        ("flake8", flake8_rows("x", sources), [sys.executable, "-m", "flake8", "-j", "1"])]
    if pylint:
        rows.append(("pylint -E", pylint_rows("x", sources, errors_only=True),
                     [sys.executable, "-m", "pylint", "-E", "-j", "1"]))
    for name, made, argv in rows:
        if not made:
            continue
        result = Result(name, made[0].times)
        result.command_ms, result.peak_mb = command(argv, files)
        found.append(result)
    ruff = shutil.which("ruff")
    if ruff:
        result = Result("ruff", per_file(sources, lambda p, s: subprocess.run([ruff, "check", "--isolated", str(p)],
                                                                                capture_output=True)))
        result.command_ms, result.peak_mb = command([ruff, "check", "--isolated", "--no-cache"], files)
        found.append(result)
    return found


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(v for v in values if v == v)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def table(label: str, results: list[Result]) -> str:
    """One set's rows, with ratios to flake8."""
    base = next((r for r in results if r.tool == "flake8"), None)

    def ratio(value: Optional[float], reference: Optional[float]) -> str:
        return f"{value / reference:.2f}x" if value and reference else "-"

    lines = [f"\n{label}", f"{'tool':26} {'median ms':>10} {'p95 ms':>9} {'command ms/file':>16} {'peak MB':>8} "
             f"{'median/flake8':>14} {'command/flake8':>15} {'peak/flake8':>12}"]
    for r in results:
        median = _quantile(r.per_file, 0.5) if r.per_file else None
        p95 = _quantile(r.per_file, 0.95) if r.per_file else None
        base_median = _quantile(base.per_file, 0.5) if base and base.per_file else None
        lines.append(
            f"{r.tool:26} {median if median is not None else float('nan'):10.1f} "
            f"{p95 if p95 is not None else float('nan'):9.1f} "
            f"{r.command_ms if r.command_ms is not None else float('nan'):16.1f} "
            f"{r.peak_mb if r.peak_mb is not None else float('nan'):8.0f} "
            f"{ratio(median, base_median):>14} {ratio(r.command_ms, base.command_ms if base else None):>15} "
            f"{ratio(r.peak_mb, base.peak_mb if base else None):>12}" + (f"  {r.note}" if r.note else ""))
    return "\n".join(lines)


def main(argv: Optional[list[str]] = None) -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, default=Path("/tmp/wild"))
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--no-pylint", action="store_true")
    parser.add_argument("--sets", default="abc", help="which sets to measure (default: abc)")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="shapecheck-cost-"))
    compile_once(scratch / "pycache", ROOT / "fixtures" / "tutorial" / "conv1d.py")
    sets: list[tuple[str, list[Path]]] = []
    if "a" not in args.sets:
        pass
    elif args.real.is_dir():
        sets.append((f"(a) {args.sample} real example files from {args.real}", real_sample(args.real, args.sample)))
    else:
        print(f"(a) skipped: {args.real} does not exist (export it with bench/wild_corpus.py)")
    fixtures = sorted(p for d in ("tutorial", "realworld", "corpus") for p in (ROOT / "fixtures" / d).glob("*.py"))
    if "b" in args.sets:
        sets.append((f"(b) the fixtures ({len(fixtures)} files)", fixtures))
    big = generated(args.lines, scratch)
    if "c" in args.sets:
        sets.append((f"(c) one generated {args.lines}-line script", [big]))
    for label, files in sets:
        results = shapecheck_results(files, scratch / "cache")
        results += other_results(files, pylint=not args.no_pylint)
        if len(files) == 1:
            start = time.perf_counter()
            found = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache",
                                    "--output-format", "json", str(big)], capture_output=True, text=True,
                                   env=COMMAND_ENV)
            rows = [f["location"]["row"] for f in json.loads(found.stdout or "[]")]
            results[0].note = (f"last-line mistake {'reported' if len(big.read_text().splitlines()) in rows else 'MISSED'}"
                               f" ({time.perf_counter() - start:.1f} s)")
        print(table(label, results), flush=True)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
