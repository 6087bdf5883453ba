"""Differential benchmark of the layer catalog against the installed Keras 3.

Runs the generators of ``tests/test_catalog_differential.py`` with more cases
(by default 80 per catalog entry and 20 per alias: over 10,000 layer/config
pairs) and prints, per entry, the number of cases, Keras's rejections, the
agreement rate, and the false alarms (the catalog refuses what Keras builds),
wrong shapes (a known dim differs), confident misses, crashes and misses;
then the totals and up to ``--show`` disagreements per entry.

    python bench/catalog_differential.py [--cases 80] [--seed 7] [--only Dot,Attention] [--show 3]

Exit status 1 when any false alarm, wrong shape, confident miss or crash is
found.  One to two minutes on 2 cores (MultiHeadAttention, GroupQueryAttention
and ConvLSTM3D are the slow ones).

Last runs (Keras 3.15.1, tensorflow backend, 80 cases an entry): 11,280
layer/config pairs over 156 entries per seed; seeds 20240611, 1, 2, 3 and 7
(56,400 pairs, Keras rejecting 19%): 0 false alarms, 0 wrong shapes,
0 confident misses, 0 crashes; agreement 99.8-99.9% per seed, the rest
"don't know" answers where Keras rejects: RNN on a 2-D input, adaptive
pooling channels_first on a 1-D input, Concatenate of inputs of different
rank, TimeDistributed around a layer whose per-step rank is wrong.  (An
earlier seed-7 run caught GroupQueryAttention on 4-D inputs with a None on
axis 2: fixed.)
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 1 if the catalog was caught in a failing disagreement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=80, help="cases per catalog entry (an alias gets a quarter)")
    parser.add_argument("--seed", default="20240611", help="seed of the generators")
    parser.add_argument("--only", default="", help="comma-separated entry names (default: all)")
    parser.add_argument("--show", type=int, default=3, help="disagreements listed per entry")
    args = parser.parse_args(argv)
    os.environ["SHAPECHECK_DIFF_CASES"] = str(args.cases)
    os.environ["SHAPECHECK_DIFF_SEED"] = str(args.seed)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    sys.path.insert(0, ROOT)
    import test_catalog_differential as diff  # noqa: PLC0415 - after the environment is set

    only = {n for n in args.only.split(",") if n}
    names = [n for n in diff.REGISTERED if not only or n in only]
    start = time.time()
    reports = [diff.report_for(name) for name in names]
    elapsed = time.time() - start
    print(diff.per_entry_table(reports))
    print(diff.summary(reports, shown_per_entry=args.show))
    print(f"seed {args.seed}, {args.cases} cases an entry; {elapsed:.0f} s")
    failing = sum(r.count(v) for r in reports for v in diff.FAILING)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
