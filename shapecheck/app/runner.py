"""Checking many files: reading, the cache, parallel workers and ``--fix``.

The main process reads every file (so it knows the sources and cache keys),
answers what it can from the cache, and hands the rest to a pool of worker
processes when there are enough of them to be worth it.  One file's failure
(unreadable, internal error) never stops the others.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional, Sequence

from shapecheck.app.cache import Cache
from shapecheck.checking.checker import Settings, check_source
from shapecheck.report.diagnostics import Diagnostic, Location
from shapecheck.app.notebooks import cell_location
from shapecheck.app.files import SourceFile, read_source
from shapecheck.checking.autofix import fix_source

MIN_FILES_PER_WORKER = 4


@dataclass
class FileResult:
    """What checking (and perhaps fixing) one file gave."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: Optional[str] = None
    source: Optional[str] = None  # the text that was checked
    fixed_source: Optional[str] = None  # the text after --fix, when it changed
    fixed: int = 0
    notebook: bool = False
    bom: bool = False


@dataclass(frozen=True)
class _Task:
    path: str
    source: str
    settings: Settings
    fix: bool
    keep_events: bool


def _run(task: _Task) -> tuple[list[Diagnostic], Optional[str], int, Optional[str]]:
    """Check (or fix) one file: findings, fixed text, number fixed, internal error."""
    try:
        if task.fix:
            result = fix_source(task.source, task.path, task.settings)
            fixed_source = result.source if result.source != task.source else None
            diagnostics, fixed = result.diagnostics, result.fixed
        else:
            diagnostics, fixed_source, fixed = check_source(task.source, task.path, task.settings), None, 0
    except Exception as error:  # noqa: BLE001 - one bad file never stops the run
        return [], None, 0, f"internal error: {type(error).__name__}: {error}"
    if not task.keep_events:
        diagnostics = [replace(d, event=None) if d.event is not None else d for d in diagnostics]
    return diagnostics, fixed_source, fixed, None


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def check_files(
    sources: Iterable[SourceFile],
    settings_for: Callable[[str], Settings],
    *,
    jobs: int = 1,
    cache: Optional[Cache] = None,
    fix: bool = False,
    keep_events: bool = False,
    progress: Optional[Callable[[int], None]] = None,
) -> list[FileResult]:
    """Check every file of ``sources``; results in the same order.

    ``keep_events`` keeps the interpreter events on the findings (for
    --confirm); it turns off the cache and the worker processes.
    """
    results: list[FileResult] = []
    tasks: list[tuple[int, _Task, Optional[str]]] = []
    for source in sources:
        result = FileResult(source.name, notebook=source.notebook, bom=source.bom)
        results.append(result)
        if source.text is None:
            result.error = source.error
            _tick(progress)
            continue
        result.source = source.text
        settings = settings_for(source.name)
        use_fix = fix and not source.notebook
        key = cache.key(source.text, settings) if cache is not None and not keep_events else None
        if key is not None:
            cached = cache.get(key, source.name)  # type: ignore[union-attr]
            if cached is not None and not (use_fix and any(d.fix is not None for d in cached)):
                result.diagnostics = cached
                _tick(progress)
                continue
        tasks.append((len(results) - 1, _Task(source.name, source.text, settings, use_fix, keep_events), key))
    workers = min(jobs, len(tasks) // MIN_FILES_PER_WORKER) if not keep_events else 1
    if workers > 1:
        # The first file is checked here, so the workers fork with warm caches
        # (lazy imports and tables) instead of each warming up on its own.
        _collect(results, tasks[:1], [_run(tasks[0][1])], cache, progress)
        rest = tasks[1:]
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            outcomes = pool.map(_run, [task for _, task, _ in rest], chunksize=max(1, len(rest) // (workers * 8)))
            _collect(results, rest, outcomes, cache, progress)
    else:
        _collect(results, tasks, (_run(task) for _, task, _ in tasks), cache, progress)
    for result in results:
        if result.notebook and result.source is not None and result.diagnostics:
            result.diagnostics = [in_cells(d, result.source) for d in result.diagnostics]
    return results


def in_cells(diagnostic: Diagnostic, script: str) -> Diagnostic:
    """A notebook finding located by code cell and the row inside it (never fixed in place)."""
    def place(location: Location) -> tuple[Optional[int], Location]:
        found = cell_location(script, location.row)
        if found is None:
            return None, location
        return found[0], Location(found[1], location.column)

    cell, start = place(diagnostic.location)
    if cell is None:
        return replace(diagnostic, fix=None)
    end_cell, end = place(diagnostic.end_location)
    notes = []
    for note in diagnostic.notes:
        note_cell, note_start = place(note.location)
        _, note_end = place(note.end_location)
        notes.append(replace(note, location=note_start, end_location=note_end, cell=note_cell))
    return replace(diagnostic, location=start, end_location=end if end_cell == cell else start,
                   notes=tuple(notes), cell=cell, fix=None)


def _tick(progress: Optional[Callable[[int], None]]) -> None:
    if progress is not None:
        progress(1)


def _collect(results: list[FileResult], tasks: Sequence[tuple[int, _Task, Optional[str]]],
             outcomes: Iterable[tuple[list[Diagnostic], Optional[str], int, Optional[str]]],
             cache: Optional[Cache], progress: Optional[Callable[[int], None]]) -> None:
    for (index, task, key), (diagnostics, fixed_source, fixed, error) in zip(tasks, outcomes):
        result = results[index]
        result.diagnostics, result.fixed_source, result.fixed, result.error = diagnostics, fixed_source, fixed, error
        if cache is not None and error is None:
            if fixed_source is None and key is not None:
                cache.put(key, diagnostics)
            elif fixed_source is not None:
                cache.put(cache.key(fixed_source, task.settings), diagnostics)
        _tick(progress)


def read_all(paths: Sequence[str]) -> list[SourceFile]:
    """Read each path (never raises; unreadable files carry their reason)."""
    return [read_source(path) for path in paths]
