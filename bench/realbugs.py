"""Benchmark: shapecheck on the real-bug corpus (fixtures/realbugs).

For each pair it runs ``<shapecheck> check --output-format json`` on buggy.py and
fixed.py and reports

* recall at the fix line: an error or warning finding within +-2 lines of a
  ``# fix:`` marker in buggy.py;
* false alarms: error findings on fixed.py;
* a breakdown per bug class (the ``class`` column of fixtures/realbugs/README.md).

It always exits 0 (it measures, it does not gate).

    python bench/realbugs.py [--shapecheck "CMD"] [--window 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "realbugs"
MARKER = re.compile(r"#\s*fix:")
README_ROW = re.compile(r"^\|\s*(?P<id>\d\d)\s*\|[^|]*\|\s*(?P<cls>[^|]+?)\s*\|")


def pairs() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir() and re.match(r"\d\d_", p.name))


def bug_classes() -> dict[str, str]:
    readme = CORPUS / "README.md"
    classes = {}
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            match = README_ROW.match(line)
            if match:
                classes[match.group("id")] = match.group("cls")
    return classes


def fix_lines(path: Path) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if MARKER.search(line)]


def findings(command: list[str], files: list[Path]) -> dict[str, list[dict]]:
    """Findings per file path (one shapecheck process for all files)."""
    proc = subprocess.run([*command, "check", "--output-format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=1800)
    try:
        data = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        sys.stderr.write(f"shapecheck output is not JSON (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n"
                         f"{proc.stderr[-2000:]}\n")
        return {}
    if isinstance(data, dict):
        data = data.get("findings") or data.get("diagnostics") or []
    by_file: dict[str, list[dict]] = defaultdict(list)
    for item in data:
        location = item.get("location") or {}
        name = location.get("path") or location.get("file") or item.get("filename") or item.get("path") or ""
        by_file[str(Path(name).resolve())].append(item)
    return by_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapecheck", default="shapecheck", help="command that runs shapecheck (default: shapecheck)")
    parser.add_argument("--window", type=int, default=2, help="lines either side of a fix marker (default 2)")
    parser.add_argument("--json", action="store_true", help="print the per-pair results as JSON too")
    args = parser.parse_args(argv)

    command = shlex.split(args.shapecheck)
    corpus = pairs()
    files = [p / name for p in corpus for name in ("buggy.py", "fixed.py")]
    try:
        found = findings(command, files)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"could not run {args.shapecheck!r}: {error}")
        return 0
    classes = bug_classes()

    rows, hits, false_alarms = [], 0, 0
    per_class: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pair in corpus:
        buggy, fixed = pair / "buggy.py", pair / "fixed.py"
        marks = fix_lines(buggy)
        on_buggy = [f for f in found.get(str(buggy.resolve()), []) if f.get("severity") in ("error", "warning")]
        near = [f for f in on_buggy
                if any(abs(int((f.get("location") or {}).get("row", -99)) - m) <= args.window for m in marks)]
        alarms = [f for f in found.get(str(fixed.resolve()), []) if f.get("severity") == "error"]
        hit = bool(near)
        hits += hit
        false_alarms += len(alarms)
        cls = classes.get(pair.name[:2], "?")
        per_class[cls][0] += 1
        per_class[cls][1] += hit
        per_class[cls][2] += len(alarms)
        rows.append({"pair": pair.name, "class": cls, "fix_lines": marks, "hit": hit,
                     "near": sorted({f"{f.get('code')}@{(f.get('location') or {}).get('row')}" for f in near}),
                     "buggy_findings": sorted({f"{f.get('code')}@{(f.get('location') or {}).get('row')}" for f in on_buggy}),
                     "false_alarms": sorted({f"{f.get('code')}@{(f.get('location') or {}).get('row')}" for f in alarms})})

    width = max((len(r["pair"]) for r in rows), default=10)
    print(f"{'pair':<{width}}  hit  fix lines      findings near fix / other findings on buggy / errors on fixed")
    for r in rows:
        other = [x for x in r["buggy_findings"] if x not in r["near"]]
        print(f"{r['pair']:<{width}}  {'yes' if r['hit'] else ' - '}  {str(r['fix_lines']):<13}  "
              f"{', '.join(r['near']) or '-'} / {', '.join(other) or '-'} / {', '.join(r['false_alarms']) or '-'}")
    total = len(rows)
    print()
    print(f"recall at the fix line (+-{args.window}): {hits}/{total} = {hits / total:.0%}" if total else "no pairs")
    print(f"error findings on fixed versions (false alarms): {false_alarms}")
    print()
    print(f"{'bug class':<34} pairs  hits  false alarms")
    for cls, (n, h, fa) in sorted(per_class.items(), key=lambda kv: (-kv[1][0], kv[0])):
        print(f"{cls:<34} {n:>5} {h:>5} {fa:>13}")
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
