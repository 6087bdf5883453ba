"""Benchmark of confirmation: worker start-up (the imports) and per-model time, on CPU.

Usage: ``python bench/bench_confirm.py [--starts N] [--device cpu|gpu|auto] [FOLDER ...]``
(default: 3 starts, CPU, the rule examples plus the bundled fixtures).  Prints
the worker's start (spawn to ready, and the import time it reports), then the
time of each kind of recipe as the worker measured it (median, p95, max)
and the round trip seen from the main process, and the verdicts.  This is a
benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapecheck.checker import Settings, check_source, default_settings  # noqa: E402
from shapecheck.confirm import ConfirmOptions, run_recipes  # noqa: E402
from shapecheck.confirm.recipe import plan_for, script_recipe  # noqa: E402
from shapecheck.confirm.runner import _start  # noqa: E402
from shapecheck.registry import all_rules  # noqa: E402


def _quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    median = statistics.median(ordered)
    return f"median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {ordered[-1] * 1000:7.1f} ms"


def bench_start(options: ConfirmOptions, starts: int) -> None:
    """Spawn the worker ``starts`` times and time each until it is ready."""
    walls, imports = [], []
    for _ in range(starts):
        began = time.perf_counter()
        worker, hello = _start(options, options.start_timeout)
        walls.append(time.perf_counter() - began)
        imports.append(float(hello.get("import_seconds", 0.0)))
        worker.stop()
    print(f"worker start ({starts}x, {hello['backend']} on {hello['device']}, Keras {hello['keras_version']}):")
    print(f"  spawn to ready   {_quantiles(walls)}")
    print(f"  imports (worker) {_quantiles(imports)}")


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
    print("verdicts:", dict(Counter(v.status.value for v in verdicts)))


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--device", choices=("cpu", "gpu", "auto"), default="cpu")
    args = parser.parse_args()
    options = ConfirmOptions(device=args.device, timeout=300, total_timeout=3600)
    bench_start(options, args.starts)
    bench_models(options, recipes(args.folders or [ROOT / "fixtures"]))


if __name__ == "__main__":
    main()
