"""Random Keras programs: the static pass against the real Keras.

Usage: ``python bench/fuzz_keras.py [--n 1000] [--seed 0] [--show 10]``

Generates ``--n`` programs with ``tests/keras_programs.py`` (random import
styles, input shapes, layer stacks and ways of building the model), checks
each with the static pass, then runs it with the real Keras (in this
process, after the static pass has run on all of them; the static pass
itself never imports Keras).  Prints:

* crashes: programs on which the static pass raised (must be 0);
* refuted: programs with an error finding that claims Keras raises while
  building, which Keras built without error (must be 0);
* caught: of the programs Keras rejects, how many have such a finding, and
  of those, how many name the line Keras raised at;
* the first ``--show`` refuted and missed programs, to read.

Exits 1 when anything crashed or was refuted.

Last run (``--n 2000 --seed 0``, Keras 3.15.1): 0 crashes; Keras rejected
759 programs (38%), 716 of them caught (94.3%), 533 of those at the line
Keras raised at (a ``Sequential([...])`` list raises at its first line, the
finding names the layer's line); 0 refuted.  The misses are layers the
shape catalog does not know yet (``ZeroPadding1D``, ``UpSampling1D``,
``RepeatVector``), whose output is unknown.  6.2 ms a program statically,
25.8 ms with Keras.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shapecheck.checking.checker import check_source  # noqa: E402
from shapecheck.report.diagnostics import Severity  # noqa: E402
from tests.keras_programs import SILENT_OR_DEFERRED, keras_program, keras_verdict  # noqa: E402


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Generate, check, run, compare; print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=5, help="print this many missed programs")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    programs = [keras_program(rng) for _ in range(args.n)]
    start = time.perf_counter()
    static: list[list] = []
    crashes = []
    for program in programs:
        try:
            static.append(check_source(program.source, "generated.py"))
        except Exception as error:  # noqa: BLE001 - counted
            static.append([])
            crashes.append((program, f"{type(error).__name__}: {error}"))
    static_seconds = time.perf_counter() - start

    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras  # noqa: F401 - only the comparison needs it

    start = time.perf_counter()
    verdicts = [keras_verdict(p.source) for p in programs]
    keras_seconds = time.perf_counter() - start

    rejected = caught = same_line = refuted_count = 0
    refuted, missed = [], []
    codes: Counter = Counter()
    reasons: Counter = Counter()
    for program, diagnostics, verdict in zip(programs, static, verdicts):
        claims = [d for d in diagnostics if d.severity == Severity.ERROR and d.code not in SILENT_OR_DEFERRED]
        codes.update(d.code for d in diagnostics)
        if verdict.built:
            if claims:
                refuted_count += 1
                refuted.append((program, claims, verdict))
            continue
        rejected += 1
        if claims:
            caught += 1
            same_line += any(d.location.row == verdict.line or any(
                n.location.row == verdict.line for n in d.notes) for d in claims)
        else:
            missed.append((program, diagnostics, verdict))
            reasons[verdict.error.split(":")[0]] += 1
    print(f"programs: {len(programs)}  static pass crashes: {len(crashes)}  "
          f"Keras rejected: {rejected} ({rejected / len(programs):.0%})  built: {len(programs) - rejected}")
    print(f"caught: {caught}/{rejected} ({caught / max(rejected, 1):.1%}) of the programs Keras rejects; "
          f"at the line Keras raised at: {same_line}/{caught}")
    print(f"refuted error findings (Keras built the model): {refuted_count}")
    print("findings per code: " + ", ".join(f"{c}={n}" for c, n in sorted(codes.items())))
    print(f"static pass: {static_seconds / len(programs) * 1000:.1f} ms per program; "
          f"Keras: {keras_seconds / len(programs) * 1000:.1f} ms per program")
    for program, error in crashes[:args.show]:
        print(f"\n--- CRASH {error}\n{program.source}")
    for program, claims, _verdict in refuted[:max(args.show, 20)]:
        print(f"\n--- REFUTED {[f'{d.code}@{d.location.row}: {d.message}' for d in claims]}\n{program.source}")
    for program, _diagnostics, verdict in missed[:args.show]:
        print(f"\n--- MISSED (Keras at line {verdict.line}: {verdict.error})\n{program.source}")
    return 1 if crashes or refuted_count else 0


if __name__ == "__main__":
    sys.exit(main())
