"""A stand-in for the confirmation worker that misbehaves on request (no Keras needed).

Usage: ``python fake_confirm_worker.py MODE LOG``.  Each start appends
``start`` to LOG and each request its recipe's ``code``.  MODE is ``ok``,
``hang-on:CODE``, ``kill-on:CODE`` (SIGKILL, as the kernel's OOM killer
does), ``exit-on:CODE`` (a message on stderr, then exit 7), ``never-ready``,
``unavailable`` or ``noisy`` (garbage and a reply with a wrong id first).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time


def main() -> None:
    """Speak the worker protocol, badly when MODE says so."""
    mode, log = sys.argv[1], sys.argv[2]
    kind, _, code = mode.partition(":")
    with open(log, "a", encoding="utf-8") as f:
        f.write("start\n")
    if kind == "never-ready":
        time.sleep(3600)
    if kind == "unavailable":
        print(json.dumps({"type": "unavailable", "reason": "fake: no Keras here"}), flush=True)
        sys.exit(3)
    print(json.dumps({"type": "ready", "keras_version": "0.0-fake", "backend": "fake", "device": "CPU",
                      "python": "3", "import_seconds": 0.0}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        recipe_code = request["recipe"].get("code")
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{recipe_code}\n")
        if recipe_code == code:
            if kind == "hang-on":
                time.sleep(3600)
            if kind == "kill-on":
                os.kill(os.getpid(), signal.SIGKILL)
            if kind == "exit-on":
                print("fake: something broke", file=sys.stderr, flush=True)
                sys.exit(7)
        if kind == "noisy":
            print("not json at all", flush=True)
            print(json.dumps({"id": -5, "status": "refuted", "evidence": "wrong id"}), flush=True)
        print(json.dumps({"id": request["id"], "status": "confirmed", "evidence": f"fake saw {recipe_code}",
                          "seconds": 0.01, "device": "CPU", "engine": "Keras 0.0-fake"}), flush=True)


if __name__ == "__main__":
    main()
