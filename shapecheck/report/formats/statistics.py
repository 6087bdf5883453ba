"""``--statistics``: counts per rule, most frequent first (text or a JSON list)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Sequence

from shapecheck.report.diagnostics import Diagnostic


def statistics(diagnostics: Sequence[Diagnostic], as_json_list: bool = False) -> str:
    """Counts per rule, most frequent first: ``   3  SC102  [*] stacked-rnn-...``."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fix is not None)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if as_json_list:
        return json.dumps([{"code": code, "name": name, "count": n, "fixable": fixable[code]}
                           for (code, name), n in rows], indent=2) + "\n"
    if not rows:
        return ""
    width = len(str(rows[0][1]))
    return "".join(f"{n:>{width}}  {code}  {'[*]' if fixable[code] else '[ ]'} {name}\n"
                   for (code, name), n in rows)
