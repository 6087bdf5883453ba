"""Robustness run: the static pass over thousands of Python files that are not ours.

Usage::

    python bench/robustness.py [PATH ...] [--jobs N] [--timeout S] [--sample N --seed S]
                               [--prefilter] [--no-strict] [--json FILE]

With no paths it walks the standard library and the installed site-packages
(which hold the Keras and TensorFlow sources).  Every file is checked in a
pool of worker processes, each file under a time limit, so a crash (a
segfault in the parser, say) or a hang is recorded against that file and a
fresh worker takes the rest.  By default:

* every file is analysed, not only those that mention keras: a ``# keras``
  comment line is put in front of files that do not, to get them past the
  prefilter (``--prefilter`` checks files as the CLI would);
* ``SHAPECHECK_STRICT=1`` is set, so the interpreter re-raises the internal
  errors it would otherwise absorb (``--no-strict`` turns that off).

It prints one summary (files, analysed, internal errors, crashes, hangs,
findings per code, the slowest files) and exits 1 when any file raised,
crashed, hung or wrote a traceback.  ``--sample N`` checks a seeded random
sample, which is what the test suite runs.  This is a benchmark-style
command, not a test: it may take many minutes over everything.

Last run (Python 3.11, 2 jobs, 705 s): 17,835 files (the standard library and
a site-packages holding Keras, TensorFlow, numpy, scipy, sympy, ...), 17,830
analysed (16,716 of them past the prefilter by the ``# keras`` line), 5 not
UTF-8; 0 internal errors, 0 crashes, 0 hangs, 0 tracebacks.  Findings: 6
SC001 on files Python refuses too (Python 2 test data, a deliberately bad
file) and 1 SC205 (a sigmoid output trained with ``mse`` in a Keras test).
Slowest: 7.4 s for a 446 KB file, nearly all of it libcst's parser.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import subprocess
import sys
import sysconfig
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
FORCE_PREFIX = "# keras (robustness run: analyse this file)\n"


# ---------------------------------------------------------------- the worker
def _worker(force: bool) -> None:
    """Read paths from stdin, answer one JSON line per path on stdout."""
    import traceback

    from shapecheck.checking.checker import check_source
    from shapecheck.app.files import read_source

    for line in sys.stdin:
        path = line.rstrip("\n")
        result: dict[str, Any] = {"path": path}
        source = read_source(path)
        if source.text is None:
            result.update(status="unreadable", reason=source.error)
        else:
            text = source.text
            forced = force and "keras" not in text
            if forced:
                text = FORCE_PREFIX + text
            start = time.perf_counter()
            try:
                diagnostics = check_source(text, path)
            except BaseException as error:  # noqa: BLE001 - what we are here to count
                frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
                where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"
                result.update(status="error", error=f"{type(error).__name__}: {str(error)[:200]}", where=where)
            else:
                result.update(status="ok", codes=[d.code for d in diagnostics],
                              lines=[d.location.row - (1 if forced else 0) for d in diagnostics])
            result.update(seconds=time.perf_counter() - start, forced=forced,
                          lines_of_code=text.count("\n"))
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


# ---------------------------------------------------------------- the driver
@dataclass
class Summary:
    """Everything one run counted."""

    files: int = 0
    analysed: int = 0
    forced: int = 0
    unreadable: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    crashes: list[dict[str, Any]] = field(default_factory=list)
    hangs: list[dict[str, Any]] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    codes: Counter = field(default_factory=Counter)
    findings: list[tuple[str, int, str]] = field(default_factory=list)
    slowest: list[tuple[float, str, int]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """True when any file raised, crashed, hung or printed a traceback."""
        return bool(self.errors or self.crashes or self.hangs or self.tracebacks)

    def as_json(self) -> dict[str, Any]:
        """The summary as plain data (``--json``)."""
        return {
            "files": self.files, "analysed": self.analysed, "forced": self.forced,
            "unreadable": self.unreadable, "errors": self.errors, "crashes": self.crashes,
            "hangs": self.hangs, "tracebacks": self.tracebacks, "codes": dict(self.codes),
            "findings": self.findings, "slowest": self.slowest[:20], "seconds": round(self.seconds, 1),
        }


class _Worker:
    """One worker process; restarted after a crash or a hang."""

    def __init__(self, force: bool, strict: bool, stderr_dir: Path, index: int) -> None:
        self.force, self.strict = force, strict
        self.stderr_path = stderr_dir / f"worker-{index}.stderr"
        self.proc: Optional[subprocess.Popen[str]] = None
        self.generation = 0

    def start(self) -> None:
        env = dict(os.environ)
        env["SHAPECHECK_STRICT"] = "1" if self.strict else "0"
        self.generation += 1
        err = open(f"{self.stderr_path}.{self.generation}", "w", encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker"] + (["--force"] if self.force else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, env=env, bufsize=1)
        err.close()

    def ask(self, path: str, timeout: float) -> dict[str, Any]:
        """Check one file; a crash or a timeout comes back as its status."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None and self.proc.stdout is not None
        answer: list[str] = []

        def read() -> None:
            answer.append(self.proc.stdout.readline())  # type: ignore[union-attr]

        try:
            self.proc.stdin.write(path + "\n")
            self.proc.stdin.flush()
        except OSError:
            pass
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive():
            self.stop()
            return {"path": path, "status": "hang", "seconds": timeout}
        line = answer[0] if answer else ""
        if not line:
            code = self.proc.wait()
            self.proc = None
            return {"path": path, "status": "crash", "returncode": code}
        return json.loads(line)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def default_paths() -> list[Path]:
    """The standard library and the installed site-packages."""
    paths = sysconfig.get_paths()
    found = [Path(paths["stdlib"])]
    for key in ("purelib", "platlib"):
        path = Path(paths[key])
        if path not in found:
            found.append(path)
    return found


def collect(paths: Sequence[Path]) -> list[Path]:
    """Every ``*.py`` file under ``paths`` (site-packages only when named itself), sorted, unique."""
    seen: set[Path] = set()
    files: list[Path] = []
    for root in paths:
        if root.is_file():
            candidates = [root]
        else:
            candidates = []
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not (
                    d in ("site-packages", "dist-packages") and Path(folder) != root))
                candidates.extend(Path(folder) / n for n in sorted(names) if n.endswith(".py"))
        for path in candidates:
            real = path.resolve()
            if real not in seen and real.is_file():
                seen.add(real)
                files.append(path)
    return files


def run(files: Sequence[Path], *, jobs: int, timeout: float, force: bool, strict: bool,
        progress: bool = False) -> Summary:
    """Check ``files`` in ``jobs`` workers; every outcome counted in the summary."""
    import tempfile

    summary = Summary(files=len(files))
    todo: "queue.Queue[Path]" = queue.Queue()
    for path in files:
        todo.put(path)
    lock = threading.Lock()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="shapecheck-robust-") as tmp:
        workers = [_Worker(force, strict, Path(tmp), i) for i in range(max(1, jobs))]

        def drive(worker: _Worker) -> None:
            while True:
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    break
                result = worker.ask(str(path), timeout)
                with lock:
                    _count(summary, result)
                    if progress and (summary.analysed + summary.unreadable) % 500 == 0:
                        print(f"  ... {summary.analysed + summary.unreadable} files", file=sys.stderr)
            worker.stop()

        threads = [threading.Thread(target=drive, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for err in sorted(Path(tmp).glob("*.stderr.*")):
            text = err.read_text(encoding="utf-8", errors="replace")
            if "Traceback" in text:
                summary.tracebacks.append(text[-2000:])
    summary.seconds = time.perf_counter() - started
    summary.slowest.sort(reverse=True)
    return summary


def _count(summary: Summary, result: dict[str, Any]) -> None:
    status = result["status"]
    if status == "unreadable":
        summary.unreadable += 1
        return
    if status == "crash":
        summary.crashes.append(result)
        return
    if status == "hang":
        summary.hangs.append(result)
        return
    summary.analysed += 1
    summary.forced += bool(result.get("forced"))
    if status == "error":
        summary.errors.append(result)
    for code, line in zip(result.get("codes", ()), result.get("lines", ())):
        summary.codes[code] += 1
        summary.findings.append((result["path"], line, code))
    summary.slowest.append((round(result["seconds"], 3), result["path"], result.get("lines_of_code", 0)))
    summary.slowest.sort(reverse=True)
    del summary.slowest[20:]


def report(summary: Summary) -> str:
    """The human-readable summary."""
    out = [
        f"files: {summary.files}  analysed: {summary.analysed} ({summary.forced} past the prefilter by a "
        f"`# keras` line)  unreadable (not UTF-8): {summary.unreadable}",
        f"internal errors: {len(summary.errors)}  crashes: {len(summary.crashes)}  hangs: {len(summary.hangs)}  "
        f"tracebacks: {len(summary.tracebacks)}  wall time: {summary.seconds:.1f} s",
        "findings per code: " + (", ".join(f"{c}={n}" for c, n in sorted(summary.codes.items())) or "none"),
    ]
    for path, line, code in sorted(summary.findings)[:40]:
        out.append(f"FINDING {path}:{line}: {code}")
    for item in summary.errors[:30]:
        out.append(f"ERROR  {item['path']}: {item['error']} (at {item['where']})")
    for item in summary.crashes[:30]:
        out.append(f"CRASH  {item['path']}: worker exited with {item.get('returncode')}")
    for item in summary.hangs[:30]:
        out.append(f"HANG   {item['path']}: no answer in {item['seconds']} s")
    for text in summary.tracebacks[:5]:
        out.append("TRACEBACK on a worker's stderr:\n" + text)
    out.append("slowest files:")
    for seconds, path, lines in summary.slowest[:10]:
        out.append(f"  {seconds:7.2f} s  {lines:6d} lines  {path}")
    return "\n".join(out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command-line entry point; the exit status is 1 when anything failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: stdlib and site-packages)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one file may take")
    parser.add_argument("--sample", type=int, default=0, help="check only this many files, chosen at random")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument("--max-bytes", type=int, default=0, help="skip files larger than this (0: no limit)")
    parser.add_argument("--prefilter", action="store_true", help="check only files that mention keras, as the CLI")
    parser.add_argument("--no-strict", action="store_true", help="let the interpreter absorb internal errors")
    parser.add_argument("--json", type=Path, default=None, help="also write the summary as JSON to this file")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--force", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.force)
        return 0
    files = collect(args.paths or default_paths())
    if args.max_bytes:
        files = [f for f in files if f.stat().st_size <= args.max_bytes]
    if args.sample and args.sample < len(files):
        files = sorted(random.Random(args.seed).sample(files, args.sample))
    summary = run(files, jobs=args.jobs, timeout=args.timeout, force=not args.prefilter,
                  strict=not args.no_strict, progress=not args.quiet)
    print(report(summary))
    if args.json is not None:
        args.json.write_text(json.dumps(summary.as_json(), indent=1), encoding="utf-8")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
