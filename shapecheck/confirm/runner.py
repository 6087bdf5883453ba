"""Main-process side of confirmation: one worker subprocess, timeouts and crashes.

:func:`confirm_diagnostics` turns findings into recipes, sends them to one
worker (``python -m shapecheck.confirm.worker``) that imports Keras once,
and attaches each verdict to its finding.  A model that takes longer than
the per-model timeout, a worker that crashes (out of memory included) or one
that does not start marks the affected findings ``unconfirmable`` and, when
more remain, a fresh worker takes over.  Memory is bounded twice: a recipe
whose estimated need (:mod:`shapecheck.confirm.memory`) is over
``ConfirmOptions.max_model_bytes`` is never sent, and the worker caps its own
writable memory (``RLIMIT_DATA``, set before it imports TensorFlow), so a
build the estimate misses fails inside the worker (an out-of-memory error,
or a crash) instead of exhausting the machine.  A crash in native code (a
segfault) ends only the worker process, and the verdict names the signal.
This module imports neither TensorFlow nor Keras.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from shapecheck.report.diagnostics import Diagnostic
from shapecheck.confirm.memory import estimate, format_bytes
from shapecheck.confirm.outcome import Confirmation, Status
from shapecheck.confirm.protocol import Hello, Recipe, dumps, loads
from shapecheck.confirm.recipe import plan_for

INSTALL_HINT = "pip install 'keras-shapecheck[confirm]'"

MAX_MODEL_BYTES = 4 * 10**9
"""The default limit of a recipe's estimated memory (weights, their training copies, synthetic data)."""
WORKER_BASE_BYTES = 1_500 * 10**6
"""Writable memory allowed the worker besides the models, about three times what it needs: on
2 cores TensorFlow's import takes 0.3 GB (it fails under a 280 MB cap) and a worker that has
rebuilt every rule example and fixture peaks at 0.44 GB (``bench/bench_confirm.py`` measures it;
all 178 recipes are still confirmed under a 600 MB cap)."""
WORKER_BYTES_PER_CPU = 32 * 10**6
"""TensorFlow starts thread pools as large as the machine; each thread's stack is writable memory."""


def physical_memory() -> Optional[int]:
    """The machine's RAM in bytes, or None where the OS does not say."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


class ConfirmUnavailable(Exception):
    """Confirmation cannot run at all here (no Keras, or no GPU for ``--device gpu``)."""


@dataclass(frozen=True)
class ConfirmOptions:
    """How confirmation runs.

    ``timeout`` bounds each model (seconds), ``total_timeout`` the whole run
    (the worker's start included), ``start_timeout`` the worker's imports.
    ``command`` replaces the worker command (tests use fake workers);
    ``max_failures`` is how many crashes in a row end the run.
    ``max_model_bytes`` is the most memory a recipe may be estimated to need
    (None: no limit); ``memory_cap`` the worker's cap on its writable memory
    in bytes (None: :meth:`worker_memory_cap` chooses; 0: no cap).
    """

    device: str = "auto"
    timeout: float = 60.0
    total_timeout: float = 900.0
    start_timeout: float = 180.0
    command: Optional[tuple[str, ...]] = None
    max_failures: int = 3
    max_model_bytes: Optional[int] = MAX_MODEL_BYTES
    memory_cap: Optional[int] = None

    def worker_memory_cap(self) -> Optional[int]:
        """The worker's memory cap in bytes, or None for none.

        By default: what TensorFlow needs (:data:`WORKER_BASE_BYTES`, plus
        :data:`WORKER_BYTES_PER_CPU` a core) plus the largest model allowed,
        but at most three quarters of the machine's RAM.
        """
        if self.memory_cap is not None:
            return self.memory_cap or None
        base = WORKER_BASE_BYTES + WORKER_BYTES_PER_CPU * (os.cpu_count() or 1)
        cap = base + (self.max_model_bytes if self.max_model_bytes is not None else MAX_MODEL_BYTES)
        ram = physical_memory()
        if ram:
            cap = max(min(cap, ram * 3 // 4), base)
        return cap

    def worker_command(self) -> list[str]:
        """The command that starts a worker."""
        if self.command is not None:
            return list(self.command)
        command = [sys.executable, "-m", "shapecheck.confirm.worker", "--device", self.device]
        cap = self.worker_memory_cap()
        if cap is not None:
            command += ["--max-memory", str(cap)]
        return command

    def worker_env(self) -> dict[str, str]:
        """The worker's environment: quiet TensorFlow, no GPU for ``--device cpu``."""
        env = dict(os.environ)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env.setdefault("KERAS_BACKEND", "tensorflow")
        env.setdefault("PYTHONUNBUFFERED", "1")
        if self.device == "cpu":
            env["CUDA_VISIBLE_DEVICES"] = "-1"
        return env


class _Failed(Exception):
    """The worker died, hung or did not start; the message says how."""


class _TimedOut(_Failed):
    """No answer within the time allowed."""


class _Worker:
    """One running worker process and the threads that read its output."""

    def __init__(self, options: ConfirmOptions) -> None:
        try:
            self.proc = subprocess.Popen(
                options.worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", bufsize=1,
                env=options.worker_env(), start_new_session=True,
            )
        except OSError as error:
            raise _Failed(f"the Keras worker could not be started ({error})") from error
        self.lines: queue.Queue[Optional[str]] = queue.Queue()
        self.stderr: deque[str] = deque(maxlen=40)
        threading.Thread(target=self._pump_stdout, daemon=True).start()
        threading.Thread(target=self._pump_stderr, daemon=True).start()

    def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if line.strip():
                self.stderr.append(line.strip())

    def read(self, timeout: float, want_id: Optional[int] = None) -> dict[str, Any]:
        """The next protocol message (with ``want_id`` if given), or _TimedOut / _Failed."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _TimedOut()
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                raise _TimedOut() from None
            if line is None:
                raise _Failed(self.death())
            message = loads(line)
            if message is None or (want_id is not None and message.get("id") != want_id):
                continue
            return message

    def send(self, message: Any) -> None:
        """Write one request line."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(dumps(message) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as error:
            raise _Failed(self.death()) from error

    def death(self) -> str:
        """How the worker ended: its exit status and the last line it wrote to stderr."""
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            how = f"killed by {name}" + (", out of memory?" if -code == signal.SIGKILL else "")
        else:
            how = f"exit code {code}"
        last = self.stderr[-1][:200] if self.stderr else ""
        return f"the Keras worker crashed ({how})" + (f": {last}" if last else "")

    def kill(self) -> None:
        """Stop the worker and anything it started, at once."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, AttributeError):
                self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._close_pipes()

    def stop(self) -> None:
        """End the worker politely (close its stdin), or kill it if it lingers."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def _start(options: ConfirmOptions, timeout: float) -> tuple[_Worker, Hello]:
    worker = _Worker(options)
    try:
        message = worker.read(timeout)
    except _TimedOut:
        worker.kill()
        raise _Failed(f"the Keras worker did not start within {timeout:g} s") from None
    if message.get("type") == "unavailable":
        worker.stop()
        raise ConfirmUnavailable(str(message.get("reason", "Keras is not available")))
    if message.get("type") != "ready":
        worker.kill()
        raise _Failed("the Keras worker did not say it was ready")
    return worker, message  # type: ignore[return-value]


def run_recipes(recipes: Sequence[Recipe], options: ConfirmOptions = ConfirmOptions()) -> list[Confirmation]:
    """Rebuild each recipe in one worker; a verdict per recipe, in order.

    Identical recipes are rebuilt once.  Raises :class:`ConfirmUnavailable`
    when the worker reports that Keras (or the requested GPU) is missing.
    """
    began = time.monotonic()
    deadline = began + options.total_timeout
    verdicts: list[Optional[Confirmation]] = [None] * len(recipes)
    groups: dict[str, list[int]] = {}
    for index, recipe in enumerate(recipes):
        groups.setdefault(dumps(recipe), []).append(index)
    worker: Optional[_Worker] = None
    hello: Optional[Hello] = None
    failures = 0
    request_id = 0

    def settle(indices: list[int], verdict: Confirmation) -> None:
        for index in indices:
            verdicts[index] = verdict

    def unconfirmable(reason: str) -> Confirmation:
        info: Mapping[str, Any] = hello or {}
        return Confirmation(Status.UNCONFIRMABLE, reason, 0.0, info.get("keras_version"), info.get("backend"),
                            info.get("device"))

    try:
        for indices in groups.values():
            left = deadline - time.monotonic()
            if left <= 0:
                settle(indices, unconfirmable(f"the total confirmation time ({options.total_timeout:g} s) ran out"))
                continue
            too_big = _over_memory_limit(recipes[indices[0]], options.max_model_bytes)
            if too_big is not None:
                settle(indices, unconfirmable(too_big))
                continue
            if failures >= options.max_failures:
                settle(indices, unconfirmable(f"the Keras worker failed {failures} times in a row; gave up"))
                continue
            if worker is None:
                try:
                    worker, hello = _start(options, min(options.start_timeout, left))
                except _Failed as failure:
                    failures += 1
                    settle(indices, unconfirmable(str(failure)))
                    continue
            request_id += 1
            limit = min(options.timeout, deadline - time.monotonic())
            sent = time.monotonic()
            try:
                worker.send({"id": request_id, "recipe": recipes[indices[0]]})
                reply = worker.read(max(limit, 0.0), want_id=request_id)
            except _TimedOut:
                worker.kill()
                worker = None
                if limit < options.timeout:
                    why = f"the total confirmation time ({options.total_timeout:g} s) ran out"
                else:
                    why = f"Keras did not finish within {options.timeout:g} s (the per-model timeout); stopped"
                settle(indices, dataclasses.replace(unconfirmable(why), seconds=time.monotonic() - sent))
                continue
            except _Failed as failure:
                worker.kill()
                worker = None
                failures += 1
                settle(indices, dataclasses.replace(unconfirmable(f"{failure} while rebuilding this model"),
                                                    seconds=time.monotonic() - sent))
                continue
            failures = 0
            settle(indices, _verdict(reply, hello))
    finally:
        if worker is not None:
            worker.stop()
    return [v if v is not None else unconfirmable("not run") for v in verdicts]


def _over_memory_limit(recipe: Recipe, limit: Optional[int]) -> Optional[str]:
    """Why ``recipe`` is not built because of its estimated memory, or None when it may be."""
    if limit is None:
        return None
    try:
        need = estimate(recipe)
    except (KeyError, TypeError, ValueError, IndexError):  # a graph it cannot read: the worker's cap still holds
        return None
    if need.bytes <= limit:
        return None
    return (f"the model would need {need.describe()}, more than the {format_bytes(limit)} "
            "confirmation allows a model; not built")


def _verdict(reply: dict[str, Any], hello: Optional[Hello]) -> Confirmation:
    info: Mapping[str, Any] = hello or {}
    try:
        status = Status(reply.get("status"))
    except ValueError:
        status = Status.UNCONFIRMABLE
    seconds = reply.get("seconds")
    return Confirmation(
        status,
        str(reply.get("evidence", "")),
        float(seconds) if isinstance(seconds, (int, float)) else 0.0,
        info.get("keras_version"),
        info.get("backend"),
        str(reply.get("device") or info.get("device") or "") or None,
        str(reply.get("engine") or "") or None,
    )


def keras_installed() -> bool:
    """Whether this interpreter can find Keras (without importing it)."""
    try:
        return importlib.util.find_spec("keras") is not None
    except (ImportError, ValueError):
        return False


def confirm_diagnostics(diagnostics: Sequence[Diagnostic], options: ConfirmOptions = ConfirmOptions(),
                        sources: Optional[Mapping[str, str]] = None) -> list[Diagnostic]:
    """The findings with their ``confirmation`` filled in, in the same order.

    Raises :class:`ConfirmUnavailable` (one line, for the CLI) when Keras is
    not installed or the requested device is missing.
    """
    if options.command is None and not keras_installed():
        raise ConfirmUnavailable(f"--confirm needs Keras, which is not installed ({INSTALL_HINT})")
    sources = sources or {}
    plans = [plan_for(d, sources.get(d.filename)) for d in diagnostics]
    recipes = [plan.recipe for plan in plans if plan.recipe is not None]
    verdicts = iter(run_recipes(recipes, options) if recipes else [])
    confirmed = []
    for diagnostic, plan in zip(diagnostics, plans):
        verdict = next(verdicts) if plan.recipe is not None else Confirmation(Status.UNCONFIRMABLE, plan.reason)
        confirmed.append(dataclasses.replace(diagnostic, confirmation=verdict))
    return confirmed
