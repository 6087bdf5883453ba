"""Run the ``keras.ops`` shape table against real Keras 3 on many seeded cases.

Draws ``--cases`` plain and ``--hidden`` hidden-dims cases for each of the
ops in ``shapecheck.shapes.ops.OPS`` (cases from ``tests/test_ops_cases.py``),
builds each with ``keras.ops`` on ``keras.KerasTensor`` inputs and with
``apply_op``, and prints the per-op agreement table plus every false alarm,
wrong shape, crash and confident miss (there should be none), and a sample
of the misses ("don't know" answers where Keras raises).

    python bench/ops_differential.py --cases 60 --hidden 25 --seed 1

Exit status 1 if any case fails.

Last run (Keras 3.15.1, tensorflow backend, defaults: seed 1, 60 + 25 cases
for each of 156 ops): 13,260 cases in 1.2 s of Keras; plain 9,360 with Keras
raising on 982, agreement 9,360/9,360; hidden-dim 3,900 (1,947 agree, 1,884
right but partly unknown, 69 misses where Keras raises); 0 false alarms,
0 wrong, 0 crashes, 0 confident misses.  Seed 7 at 100 + 40 a op: 21,840
cases, plain agreement 15,600/15,600 (Keras raising on 1,685), 0 failures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_ops_differential import FAILING, differential, report  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the cases; print the table and the failures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=60, help="plain cases per op")
    parser.add_argument("--hidden", type=int, default=25, help="hidden-dims cases per op")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=8, help="misses to print")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    stats, details = differential(args.cases, args.hidden, args.seed)
    elapsed = time.perf_counter() - start
    print(report(stats))
    total = sum(sum(v for k, v in c.items() if k != "both_raise") for c in stats.values())
    print(f"{total} cases in {elapsed:.1f} s")
    failed = 0
    for kind in FAILING:
        for line in details.get(kind, []):
            failed += 1
            print(f"{kind}: {line}")
    for line in details.get("miss", [])[: args.show]:
        print(f"miss: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
