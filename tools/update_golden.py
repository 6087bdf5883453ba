"""Rewrite ``tests/golden/fixtures.json``: the JSON output of ``shapecheck check`` on the fixtures.

``tests/test_golden_output.py`` compares a fresh run with this file, so a
change meant to keep the output (a refactor, a speed-up) is shown to keep it
byte for byte; a change that means to alter findings reruns this tool and
the diff of the golden file shows exactly what changed::

    python tools/update_golden.py          # rewrite
    python tools/update_golden.py --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "fixtures.json"
FOLDERS = ("fixtures/tutorial", "fixtures/realworld", "fixtures/corpus", "fixtures/notebooks")


def current_output() -> str:
    """The JSON findings on the fixtures, paths relative to the repository, no cache, no config."""
    done = subprocess.run([sys.executable, "-m", "shapecheck", "check", "--isolated", "--no-cache",
                           "--output-format", "json", *FOLDERS], cwd=ROOT, capture_output=True, text=True)
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    """Rewrite the golden file, or with ``--check`` say whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    output = current_output()
    if args.check:
        same = GOLDEN.exists() and GOLDEN.read_text(encoding="utf-8") == output
        print("up to date" if same else f"{GOLDEN} is stale; rerun tools/update_golden.py")
        return 0 if same else 1
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(output, encoding="utf-8")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
