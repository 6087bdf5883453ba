"""The confirmation worker: ``python -m shapecheck.confirm.worker [--device cpu|gpu|auto]``.

It imports Keras once, says hello on stdout, then reads one JSON request per
line on stdin and answers each with one JSON line (see
:mod:`shapecheck.confirm.protocol`).  Anything else that writes to stdout
(TensorFlow's C++ logging, a stray print) is sent to stderr, so the protocol
stays clean.  Each recipe starts from a fresh Keras session and fixed seeds.

``--max-memory BYTES`` caps the worker's writable memory (``RLIMIT_DATA``: heap
and private writable mappings, thread stacks included, but not the address
space merely reserved, which TensorFlow and CUDA reserve plenty of) before
TensorFlow is imported.  Past the cap an allocation fails: TensorFlow raises
``ResourceExhaustedError``, numpy ``MemoryError``, and the recipe is answered
``unconfirmable``; native code that cannot handle the failure aborts, which
the runner reports as a crash.  Either way the machine keeps its memory.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import sys
import time
import warnings
from typing import IO, Any, Optional

from shapecheck.confirm.memory import format_bytes
from shapecheck.confirm.protocol import Hello, Reply, Unavailable, describe_error, dumps, loads

_OUT_OF_MEMORY = re.compile(r"\b(MemoryError|ResourceExhaustedError|OutOfMemoryError)\b|OOM when allocating"
                            r"|out of memory", re.IGNORECASE)
"""Evidence that shows an allocation failed, not what the finding is about."""


def cap_memory(limit: int) -> Optional[int]:
    """Cap this process's writable memory at ``limit`` bytes; the cap in force (None where the OS has none).

    A lower cap already in force is kept.  Core dumps are turned off too: a
    crash of the worker must not leave a core file of TensorFlow's size behind.
    """
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    except (ImportError, ValueError, OSError):  # no resource module (Windows), or the OS refuses
        return None
    return limit


def _protocol_stream() -> IO[str]:
    """A private copy of stdout for the protocol; fd 1 itself now goes to stderr."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def _gpus(keras: Any) -> list[str]:
    """The GPUs the backend sees."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return [d.name for d in tf.config.list_physical_devices("GPU")]
    if backend == "jax":
        import jax

        return [str(d) for d in jax.devices() if d.platform == "gpu"]
    if backend == "torch":
        import torch

        return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return []


def _start(device: str, cap: Optional[int] = None) -> tuple[Any, Optional[Hello], Optional[Unavailable]]:
    """Import Keras and choose the device (``cap``: the memory cap in force, for the messages)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if device == "cpu":
        os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
    began = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import keras
    except MemoryError:
        reason = f"the Keras worker ran out of memory importing Keras under its {format_bytes(cap or 0)} cap"
        return None, None, {"type": "unavailable", "reason": reason}
    except Exception as error:  # noqa: BLE001 - a broken install is "no Keras" too
        reason = f"--confirm needs Keras, which cannot be imported here ({describe_error(error)})"
        return None, None, {"type": "unavailable", "reason": reason}
    gpus = _gpus(keras) if device != "cpu" else []
    if device == "gpu" and not gpus:
        reason = f"--device gpu, but no GPU is visible to the {keras.backend.backend()} backend"
        return None, None, {"type": "unavailable", "reason": reason}
    if gpus and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
    hello: Hello = {
        "type": "ready",
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "device": "GPU" if gpus else "CPU",
        "python": platform.python_version(),
        "import_seconds": round(time.perf_counter() - began, 3),
        "max_memory": cap,
    }
    return keras, hello, None


def handle(keras: Any, hello: Hello, request: dict[str, Any]) -> Reply:
    """Rebuild one recipe and judge what Keras did."""
    from shapecheck.confirm.actions import ACTIONS, UNCONFIRMABLE
    from shapecheck.confirm.rebuild import Rebuild

    recipe = request.get("recipe") or {}
    began = time.perf_counter()
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    engine = f"Keras {hello['keras_version']}"
    if recipe.get("action") == "syntax":
        engine = f"Python {hello['python']}"
    action = ACTIONS.get(str(recipe.get("action")))
    Rebuild.latest = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if action is None:
            status, evidence = UNCONFIRMABLE, f"the worker has no action `{recipe.get('action')}`"
        else:
            try:
                status, evidence = action(keras, recipe, caught)
            except Exception as error:  # noqa: BLE001 - a failure of the check itself proves nothing
                status, evidence = UNCONFIRMABLE, f"the check itself failed: {describe_error(error)}"
    used = Rebuild.latest.device() if Rebuild.latest is not None else None
    Rebuild.latest = None
    if _OUT_OF_MEMORY.search(evidence):
        cap = hello.get("max_memory")
        under = f" under the worker's {format_bytes(int(cap))} cap" if cap else ""
        status, evidence = UNCONFIRMABLE, f"Keras ran out of memory{under}: {evidence}"
    return {
        "id": int(request.get("id", -1)),
        "status": status,  # type: ignore[typeddict-item]
        "evidence": evidence,
        "seconds": round(time.perf_counter() - began, 4),
        "device": used or hello["device"],
        "engine": engine,
    }


def _audit_opens(log_path: Optional[str]) -> None:
    """Log every file the worker opens from now on (after Keras's import), one path a line.

    For the tests that show confirmation never opens the user's files; off
    unless ``SHAPECHECK_WORKER_OPEN_LOG`` names a log file.
    """
    if not log_path:
        return
    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the process's life

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            log.write(os.fsdecode(args[0]) + "\n")

    sys.addaudithook(hook)


def main(argv: Optional[list[str]] = None) -> int:
    """Serve requests until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m shapecheck.confirm.worker")
    parser.add_argument("--device", choices=("cpu", "gpu", "auto"), default="auto")
    parser.add_argument("--max-memory", type=int, default=None, metavar="BYTES",
                        help="cap the worker's writable memory (RLIMIT_DATA) before importing Keras")
    args = parser.parse_args(argv)
    cap = cap_memory(args.max_memory) if args.max_memory else None
    out = _protocol_stream()
    keras, hello, unavailable = _start(args.device, cap)
    _audit_opens(os.environ.get("SHAPECHECK_WORKER_OPEN_LOG"))
    if unavailable is not None or hello is None:
        out.write(dumps(unavailable) + "\n")
        return 3
    # Keras's clear_session() runs gc.collect(); over TensorFlow's heap that costs
    # ~0.4 s a model, unless the objects made by the imports are frozen first.
    gc.collect()
    gc.freeze()
    out.write(dumps(hello) + "\n")
    for line in sys.stdin:
        request = loads(line)
        if request is None:
            continue
        out.write(dumps(handle(keras, hello, request)) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
