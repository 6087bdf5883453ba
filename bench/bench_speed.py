"""Speed side by side: shapecheck's static pass against what users would use instead.

Usage::

    python bench/bench_speed.py [FOLDER ...] [--limit N] [--no-pylint] [--no-run] [--no-confirm]

Measured in one run on the same files and printed as one table, with ratios:

* the static pass per file (``check_source``, in process, best of 3 runs per
  file): median and p95, over each folder (default: the bundled fixtures and
  a seeded sample of the installed Keras sources; give folders of real Keras
  scripts, say a corpus of beginner scripts, to time those);
* flake8 and pylint on the same files, in process and warm (one style guide
  or linter for all files, after one warm-up file, as in a run over a
  project), per file; and each tool's whole command over the files (one
  process, one job), per file, start-up included;
* running each failing tutorial fixture (``fixtures/tutorial/*.py`` with an
  error marker) with Python until it exits with its exception;
* 2,000 files that never mention Keras (the standard library's, topped up
  from site-packages; the prefilter skips them before parsing), in process
  and through the command;
* ``--confirm`` on the tutorial fixtures when it is available: the worker's
  start-up and the time per confirmed model (``--no-confirm`` skips it).

Last run (2 cores shared with other work, Python 3.11, Keras 3.15.1 on TF 2.21 CPU), per file,
median / p95 in ms:

=====================================  ============  ============  ============
files                                  shapecheck    flake8        pylint
=====================================  ============  ============  ============
fixtures (77, 67 lines)                12.9 / 31.9   14.6 / 32.2   194 / 1889
Keras sources (200 sampled, 426 ln)    23.6 / 182    33.6 / 220    203 / 4929
beginner corpus (300, 86 lines)        7.6 / 22.2    12.3 / 33.5   34.7 / 699
=====================================  ============  ============  ============

Whole commands (one process, start-up included) on the corpus: shapecheck 12.3,
flake8 12.4, pylint 194 ms a file.  ``python file.py`` until its error on the
25 failing tutorial fixtures: 4,066 ms median, 189 times the static pass on
them (21.5 ms).  2,000 files without keras: 0.01 ms each in process (the
prefilter), 0.4 ms each through the command.  ``--confirm`` on the tutorial
fixtures: 15.6 s in all, 7.5 s start-up and static pass, 17 ms median per
model (117 findings: 106 confirmed, 11 unconfirmable).  Where the static
pass spends its time on the fixtures: libcst's parser 37%, positions of the
findings 29% (libcst code generation of the statements that hold findings), interpreter
and rules 23%, CPython's parser 4%.

This is a benchmark, not a test: it asserts nothing.  pylint and flake8 are
not project dependencies: ``pip install pylint flake8`` first (their rows are
skipped otherwise).  Where the static pass spends its time (CPython's
parser, libcst's parser, the interpreter and rules, positions, fixes) is
printed per folder, from one profiled pass.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapecheck.checking.checker import check_source, default_settings  # noqa: E402
from tests.conftest import expected_markers  # noqa: E402

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "tensorflow"))


@dataclass
class Row:
    """One line of the table: per-file times in milliseconds."""

    label: str
    times: list[float]
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]

    @property
    def total(self) -> float:
        return sum(self.times) / 1000


def _sources(files: Sequence[Path]) -> list[tuple[Path, str]]:
    found = []
    for path in files:
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return found


def per_file(files: Sequence[tuple[Path, str]], run: Callable[[Path, str], object], repeat: int = 1) -> list[float]:
    """Milliseconds per file (the best of ``repeat`` runs)."""
    times = []
    for path, source in files:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            run(path, source)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
    return times


def whole_command(argv: list[str], files: Sequence[Path], cwd: Optional[Path] = None) -> Optional[float]:
    """Milliseconds per file of one command over all ``files`` (start-up included)."""
    if not files:
        return None
    start = time.perf_counter()
    try:
        subprocess.run(argv + [str(f) for f in files], capture_output=True, env=ENV, cwd=cwd, timeout=3600)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return (time.perf_counter() - start) * 1000 / len(files)


def shapecheck_rows(label: str, files: list[tuple[Path, str]]) -> list[Row]:
    settings = default_settings()
    check_source(files[0][1], str(files[0][0]), settings)  # warm: lazy imports and tables
    times = per_file(files, lambda p, s: check_source(s, str(p), settings), repeat=3)
    command = whole_command([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache", "-j", "1",
                             "--output-format", "json"], [p for p, _ in files])
    return [Row(f"shapecheck static pass [{label}]", times,
                f"command: {command:.1f} ms/file" if command else "")]


def flake8_rows(label: str, files: list[tuple[Path, str]], repeat: int = 3) -> list[Row]:
    try:
        from flake8.api import legacy
    except ImportError:
        return []
    guide = legacy.get_style_guide(output_file=os.devnull)

    def run(path: Path, _: str) -> None:
        with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
            guide.check_files([str(path)])

    run(*files[0])
    times = per_file(files, run, repeat)  # the best of `repeat` runs, as for shapecheck
    command = whole_command([sys.executable, "-m", "flake8", "-j", "1"], [p for p, _ in files])
    return [Row(f"flake8 [{label}]", times, f"command: {command:.1f} ms/file" if command else "")]


def pylint_rows(label: str, files: list[tuple[Path, str]], repeat: int = 3, errors_only: bool = False) -> list[Row]:
    try:
        from pylint.lint import Run
        from pylint.reporters import CollectingReporter
    except ImportError:
        return []
    with contextlib.redirect_stdout(io.StringIO()):
        linter = Run([*(["-E"] if errors_only else []), str(files[0][0])], reporter=CollectingReporter(),
                     exit=False).linter  # warm-up file

    def run(path: Path, _: str) -> None:
        linter.reporter = CollectingReporter()
        with contextlib.redirect_stdout(io.StringIO()):
            linter.check([str(path)])

    times = per_file(files, run, repeat)  # the best of `repeat` runs, as for shapecheck
    command = whole_command([sys.executable, "-m", "pylint", *(["-E"] if errors_only else []), "-j", "1"],
                            [p for p, _ in files])
    return [Row(f"pylint [{label}]", times, f"command: {command:.1f} ms/file" if command else "")]


def failing_fixtures() -> list[Path]:
    """The tutorial fixtures that hold at least one error marker."""
    return [p for p in sorted((ROOT / "fixtures" / "tutorial").glob("*.py"))
            if any(severity == "error" for _, _, severity in expected_markers(p.read_text(encoding="utf-8")))]


def run_to_error_row(files: list[Path]) -> Optional[Row]:
    times, failed = [], 0
    for path in files:
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, str(path)], capture_output=True, env=ENV, cwd=path.parent,
                                  timeout=600)
            failed += proc.returncode != 0
        except subprocess.TimeoutExpired:
            pass
        times.append((time.perf_counter() - start) * 1000)
    if not times:
        return None
    return Row("python file.py until its error [tutorial fixtures]", times,
               f"{failed}/{len(files)} exited with an exception")


def prefilter_rows(count: int) -> list[Row]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    candidates = [p for p in sorted(stdlib.rglob("*.py")) if "site-packages" not in p.parts]
    files = [(p, s) for p, s in _sources(candidates) if "keras" not in s][:count]
    if len(files) < count:  # the standard library alone has fewer: top up from site-packages
        more = sorted(Path(sysconfig.get_paths()["purelib"]).rglob("*.py"))
        files += [(p, s) for p, s in _sources(random.Random(0).sample(more, min(len(more), 3 * count)))
                  if "keras" not in s][:count - len(files)]
    if not files:
        return []
    settings = default_settings()
    times = per_file(files, lambda p, s: check_source(s, str(p), settings), repeat=3)
    read = per_file(files, lambda p, s: p.read_text(encoding="utf-8"))
    command = whole_command([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache", "-j", "1"],
                            [p for p, _ in files])
    return [Row(f"prefilter: {len(files)} stdlib (and site-packages) files without keras", times,
                f"reading them: {statistics.median(read):.3f} ms/file median"
                + (f"; command: {command:.2f} ms/file" if command else ""))]


def confirm_rows(files: list[Path]) -> list[Row]:
    try:
        import shapecheck.confirm  # noqa: F401
    except ImportError:
        return []
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache", "--confirm",
                               "--device", "cpu", "--output-format", "json"] + [str(f) for f in files],
                              capture_output=True, text=True, env=ENV, timeout=3600)
        items = json.loads(proc.stdout)
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return []
    wall = time.perf_counter() - start
    seconds = [i["confirmation"]["seconds"] * 1000 for i in items
               if isinstance(i.get("confirmation"), dict) and i["confirmation"].get("seconds") is not None]
    statuses: dict[str, int] = {}
    for item in items:
        status = (item.get("confirmation") or {}).get("status", "none")
        statuses[status] = statuses.get(status, 0) + 1
    models = sum(seconds) / 1000
    return [Row(f"--confirm: per model [tutorial fixtures, {len(seconds)} findings]", seconds,
                f"whole run {wall:.1f} s = start-up and static pass {wall - models:.1f} s + models {models:.1f} s; "
                + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))]


def breakdown(label: str, files: list[tuple[Path, str]]) -> str:
    """Where the static pass spends its time on ``files``, from one profiled pass."""
    import cProfile
    import pstats

    settings = default_settings()
    profiler = cProfile.Profile()
    profiler.enable()
    for path, source in files:
        check_source(source, str(path), settings)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    stages = {
        "CPython's parser (the guard)": ("parsing.py", "_cpython_refusal"),
        "libcst's parser": ("entrypoints.py", "_parse"),
        "interpreter and rules": ("interpreter.py", "run"),
        "positions of findings": ("positions.py", "locate"),
        "fixes": ("fixes.py", "build_fix"),
    }
    total = sum(ct for (fname, _, func), (_, _, _, ct, _) in stats.items()
                if fname.endswith("checker.py") and func == "check_source")
    parts = []
    for name, (fname, func) in stages.items():
        seconds = sum(ct for (f, _, fn), (_, _, _, ct, _) in stats.items() if f.endswith(fname) and fn == func)
        parts.append(f"{name} {seconds / total:.0%}")
    return f"where the time goes [{label}] (profiled): " + ", ".join(parts)


def keras_sample(limit: int) -> Optional[Path]:
    try:
        import importlib.util

        spec = importlib.util.find_spec("keras")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "src"


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Measure everything, print the table and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=200, help="sample at most this many files of a folder")
    parser.add_argument("--prefilter-files", type=int, default=2000)
    parser.add_argument("--no-pylint", action="store_true")
    parser.add_argument("--no-run", action="store_true", help="skip running the failing fixtures with Python")
    parser.add_argument("--no-confirm", action="store_true")
    args = parser.parse_args(argv)
    folders = list(args.folders)
    if not folders:
        folders = [ROOT / "fixtures"]
        keras_src = keras_sample(args.limit)
        if keras_src is not None:
            folders.append(keras_src)
    rows: list[Row] = []
    groups: list[tuple[str, int]] = []
    notes: list[str] = []
    for folder in folders:
        files = sorted(folder.rglob("*.py")) if folder.is_dir() else [folder]
        sources = [(p, s) for p, s in _sources(files) if "keras" in s]
        if len(sources) > args.limit:
            sources = sorted(random.Random(0).sample(sources, args.limit))
        if not sources:
            continue
        label = folder.name if not folder.is_relative_to(ROOT) else str(folder.relative_to(ROOT))
        label = f"{label}, {len(sources)} files, {statistics.mean(s.count(chr(10)) for _, s in sources):.0f} lines"
        start = len(rows)
        rows += shapecheck_rows(label, sources)
        notes.append(breakdown(label, sources))
        rows += flake8_rows(label, sources)
        if not args.no_pylint:
            rows += pylint_rows(label, sources)
        groups.append((label, start))
    failing = failing_fixtures()
    run_row = None if args.no_run else run_to_error_row(failing)
    if run_row is not None:
        rows.append(run_row)
    rows += prefilter_rows(args.prefilter_files)
    if not args.no_confirm:
        rows += confirm_rows(failing)

    print(f"{'what':<70} {'files':>6} {'median ms':>10} {'p95 ms':>9} {'total s':>8}  notes")
    for row in rows:
        print(f"{row.label:<70} {len(row.times):>6} {row.median:>10.2f} {row.p95:>9.2f} {row.total:>8.1f}  {row.note}")
    print()
    by_label = {row.label: row for row in rows}
    for label, _ in groups:
        ours = by_label.get(f"shapecheck static pass [{label}]")
        if ours is None:
            continue
        for tool in ("flake8", "pylint"):
            other = by_label.get(f"{tool} [{label}]")
            if other is not None:
                print(f"[{label}] {tool} / shapecheck, per file: median {other.median / ours.median:.1f}x, "
                      f"p95 {other.p95 / ours.p95:.1f}x")
    for note in notes:
        print(note)
    fixtures_row = next((r for r in rows if r.label.startswith("shapecheck static pass [fixtures")), None)
    if run_row is not None and fixtures_row is not None:
        ours_failing = per_file(_sources(failing), lambda p, s: check_source(s, str(p)), repeat=3)
        print(f"python file.py until its error / shapecheck on the same {len(failing)} files: median "
              f"{run_row.median / statistics.median(ours_failing):.0f}x "
              f"({run_row.median:.0f} ms against {statistics.median(ours_failing):.1f} ms)")


if __name__ == "__main__":
    main()
