"""Random Keras programs: the static pass against the real Keras.

A fixed, seeded set of generated model scripts (random import styles, input
shapes, layer stacks and ways of building the model) is checked statically
first, then run with the real Keras in this process (Keras is imported only
here, after the static pass).  Two properties:

* never refuted: a program with an error finding that claims Keras raises
  while building must not be built by Keras;
* useful: most of the programs Keras rejects are caught.

``python bench/fuzz_keras.py --n 2000`` runs the same comparison at scale
and prints the misses.
"""

from __future__ import annotations

import random

from shapecheck.checking.checker import check_source
from shapecheck.report.diagnostics import Severity

from .keras_programs import SILENT_OR_DEFERRED, keras_program, keras_verdict

PROGRAMS = 300
SEED = 20260601
MIN_CAUGHT = 0.85  # measured 0.95 over 2,000 programs; the catalog only grows


def test_error_findings_are_never_refuted_and_most_rejections_are_caught(keras_module) -> None:
    rng = random.Random(SEED)
    programs = [keras_program(rng) for _ in range(PROGRAMS)]
    static = [check_source(p.source, "generated.py") for p in programs]  # before Keras runs anything
    refuted, missed = [], []
    rejected = caught = 0
    for program, findings in zip(programs, static):
        claims = [d for d in findings if d.severity == Severity.ERROR and d.code not in SILENT_OR_DEFERRED]
        verdict = keras_verdict(program.source)
        if verdict.built:
            if claims:
                refuted.append(f"{[(d.code, d.location.row, d.message) for d in claims]}\n{program.source}")
            continue
        rejected += 1
        if claims:
            caught += 1
        else:
            missed.append(verdict.error)
    assert not refuted, "Keras built programs that shapecheck says it rejects:\n\n" + "\n\n".join(refuted[:5])
    assert rejected >= PROGRAMS // 5, f"only {rejected} of {PROGRAMS} programs are rejected: the generator drifted"
    assert rejected - len(missed) == caught
    rate = caught / rejected
    assert rate >= MIN_CAUGHT, f"caught {caught}/{rejected} ({rate:.0%}); missed, e.g.: {missed[:10]}"
