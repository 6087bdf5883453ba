"""The real confirmation worker, made to crash in native code on one recipe (for tests).

Usage: ``python segfaulting_confirm_worker.py CODE LOG [WORKER ARGS ...]``.  Each
start appends ``start`` to LOG and each request its recipe's ``code``; the
recipe whose ``code`` is CODE makes the worker read address 0 through ctypes
(``ctypes.string_at(0)``): a real SIGSEGV, raised in C, after Keras is
imported and while a request is in flight.  Every other recipe is handled by
the real worker (:func:`shapecheck.confirm.worker.handle`).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from shapecheck.confirm import worker
from shapecheck.confirm.protocol import Hello, Reply


def main() -> int:
    """Run the real worker with its request handler wrapped."""
    code, log, *args = sys.argv[1:]
    with open(log, "a", encoding="utf-8") as f:
        f.write("start\n")
    real = worker.handle

    def handle(keras: Any, hello: Hello, request: dict[str, Any]) -> Reply:
        recipe_code = (request.get("recipe") or {}).get("code")
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{recipe_code}\n")
        if recipe_code == code:
            ctypes.string_at(0)  # reads address 0: the kernel sends SIGSEGV
        return real(keras, hello, request)

    worker.handle = handle  # main() looks the handler up by name, per request
    return worker.main(args)


if __name__ == "__main__":
    sys.exit(main())
