"""Benchmark of confirmation: worker start-up (the imports) and per-model time, on CPU.

Usage: ``python bench/bench_confirm.py [--starts N] [--device cpu|gpu|auto] [--memory-cap BYTES] [FOLDER ...]``
(default: 3 starts, CPU, the rule examples plus the bundled fixtures).  Prints
the worker's start (spawn to ready, and the import time it reports) and its
memory once Keras is imported (writable memory, what the worker's
``RLIMIT_DATA`` cap counts, and resident memory), then the time of each kind
of recipe as the worker measured it (median, p95, max), the run's wall time
seen from the main process, the worker's peak memory over the run next to its
cap, the time the memory estimate takes, and the verdicts.  This is a
benchmark, not a test: it asserts nothing.

Last run (Keras 3.15.1, TensorFlow CPU, 2 cores, the default 5.56 GB cap):
spawn to ready 3.7 s median (imports 3.2 s); 301 MB writable, 581 MB resident
when ready; 178 recipes in 13.8 s, per model median 21 ms, p95 179 ms, max
938 ms (``finite_generator``); peak 439 MB writable, 618 MB resident, 14
threads; the estimate 12 us a recipe; all 178 confirmed.  With
``--memory-cap 600000000`` all 178 are still confirmed; the import alone
fails under 280 MB and passes under 310 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapecheck.checking.checker import Settings, check_source, default_settings  # noqa: E402
from shapecheck.confirm import ConfirmOptions, run_recipes  # noqa: E402
from shapecheck.confirm.memory import estimate, format_bytes  # noqa: E402
from shapecheck.confirm.recipe import plan_for, script_recipe  # noqa: E402
from shapecheck.confirm.runner import _start  # noqa: E402
from shapecheck.checking.registry import all_rules  # noqa: E402


def _quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    median = statistics.median(ordered)
    return f"median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms"


def process_memory(pid: int) -> dict[str, int]:
    """``VmData`` (writable memory, what RLIMIT_DATA counts), ``VmRSS`` and ``Threads`` of a process (Linux)."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmData", "VmRSS"):
                    found[key] = int(value.split()[0]) * 1024
                elif key == "Threads":
                    found[key] = int(value)
    except (OSError, ValueError):
        pass
    return found


class PeakMemory:
    """Samples the memory of this process's children every 20 ms; the peaks seen."""

    def __init__(self) -> None:
        self.peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = str(os.getpid())
        while not self._stop.wait(0.02):
            for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                        parent = stat.read().rsplit(")", 1)[1].split()[1]
                except (OSError, IndexError):
                    continue
                if parent == me:
                    for key, value in process_memory(int(entry)).items():
                        self.peak[key] = max(self.peak.get(key, 0), value)


def _memory(found: dict[str, int]) -> str:
    if not found:
        return "not measured (no /proc)"
    return (f"writable {format_bytes(found.get('VmData', 0))}, resident {format_bytes(found.get('VmRSS', 0))}, "
            f"{found.get('Threads', 0)} threads")


def bench_start(options: ConfirmOptions, starts: int) -> None:
    """Spawn the worker ``starts`` times and time each until it is ready; its memory once ready."""
    walls, imports = [], []
    memory: dict[str, int] = {}
    for _ in range(starts):
        began = time.perf_counter()
        worker, hello = _start(options, options.start_timeout)
        walls.append(time.perf_counter() - began)
        imports.append(float(hello.get("import_seconds", 0.0)))
        memory = process_memory(worker.proc.pid)
        worker.stop()
    print(f"worker start ({starts}x, {hello['backend']} on {hello['device']}, Keras {hello['keras_version']}):")
    print(f"  spawn to ready   {_quantiles(walls)}")
    print(f"  imports (worker) {_quantiles(imports)}")
    print(f"  memory when ready: {_memory(memory)}")


def recipes(folders: list[Path]) -> list[dict]:
    """Recipes of every rule example and of every finding in the folders."""
    found: list[dict] = []
    rules = all_rules()
    for rule in rules:
        settings = Settings(tuple(r for r in rules if not r.opt_in or r is rule))
        for example in rule.INVALID:
            for d in check_source(example.code, "example.py", settings):
                plan = plan_for(d, example.code)
                if plan.recipe is not None:
                    found.append(plan.recipe)
        found.extend(script_recipe(source) for source in rule.VALID)
    settings = default_settings()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            for d in check_source(source, str(path), settings):
                plan = plan_for(d, source)
                if plan.recipe is not None:
                    found.append(plan.recipe)
    return found


def bench_models(options: ConfirmOptions, todo: list[dict]) -> None:
    """Rebuild every recipe in one worker; per-action times and verdicts."""
    began = time.perf_counter()
    with PeakMemory() as peak:
        verdicts = run_recipes(todo, options)
    wall = time.perf_counter() - began
    by_action: dict[str, list[float]] = defaultdict(list)
    for recipe, verdict in zip(todo, verdicts):
        by_action[recipe["action"]].append(verdict.seconds)
    print(f"\n{len(todo)} recipes in {wall:.1f} s (one worker, its start included):")
    for action, seconds in sorted(by_action.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {action:<24} {len(seconds):4d}  {_quantiles(seconds)}")
    everything = [v.seconds for v in verdicts]
    print(f"  {'all':<24} {len(everything):4d}  {_quantiles(everything)}")
    overhead = max(wall - sum(everything), 0.0)
    print(f"  outside the models (the worker's start, pipes, JSON): {overhead:.1f} s")
    cap = options.worker_memory_cap()
    print(f"worker peak memory over the run: {_memory(peak.peak)}; cap {format_bytes(cap) if cap else 'none'}")
    began = time.perf_counter()
    needs = [estimate(recipe) for recipe in todo]
    spent = time.perf_counter() - began
    largest = max(needs, key=lambda need: need.bytes)
    print(f"memory estimate: {spent / len(todo) * 1e6:.0f} us a recipe; the largest, {largest.describe()}")
    print("verdicts:", dict(Counter(v.status.value for v in verdicts)))


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--device", choices=("cpu", "gpu", "auto"), default="cpu")
    parser.add_argument("--memory-cap", type=int, default=None, metavar="BYTES",
                        help="the worker's memory cap (default: the automatic one; 0: none)")
    args = parser.parse_args()
    options = ConfirmOptions(device=args.device, timeout=300, total_timeout=3600, memory_cap=args.memory_cap)
    bench_start(options, args.starts)
    bench_models(options, recipes(args.folders or [ROOT / "fixtures"]))


if __name__ == "__main__":
    main()
