"""Checking many files: reading, the cache, parallel workers and ``--fix``.

The main process reads every file (so it knows the sources and cache keys),
answers what it can from the cache, and hands the rest to a pool of worker
processes when there are enough of them to be worth it.  One file's failure
(unreadable, internal error) never stops the others.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Sequence

from shapecheck.app.cache import Cache
from shapecheck.app.selection import AnySettings, as_settings
from shapecheck.checking.registry import io_error
from shapecheck.report.diagnostics import Diagnostic, Location
from shapecheck.app.files import SourceFile

if TYPE_CHECKING:  # (imported when used: a run answered from the cache needs none of them)
    import multiprocessing.context

    from shapecheck.app.notebooks import InvalidCell, NotebookScript
    from shapecheck.checking.checker import Settings

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
    fixed_codes: tuple[str, ...] = ()  # the code of each fix applied (--fix --show-fixes)
    notebook: bool = False
    bom: bool = False
    cells: Optional[NotebookScript] = None  # a notebook's script: where each row came from


@dataclass(frozen=True)
class _Task:
    path: str
    source: str
    settings: Settings
    fix: bool
    keep_events: bool
    invalid_cells: tuple[InvalidCell, ...] = ()
    unsafe_fixes: bool = False


_Outcome = tuple[list[Diagnostic], Optional[str], tuple[str, ...], Optional[str]]


def _run(task: _Task) -> _Outcome:
    """Check (or fix) one file: findings, fixed text, the codes of the fixes applied, internal error."""
    # Imported here: a run answered from the cache never needs the checker (nor libcst).
    from shapecheck.checking.autofix import fix_source
    from shapecheck.checking.checker import check_source

    try:
        if task.fix:
            result = fix_source(task.source, task.path, task.settings, task.unsafe_fixes)
            fixed_source = result.source if result.source != task.source else None
            diagnostics, fixed_codes = result.diagnostics, result.fixed_codes
        else:
            diagnostics, fixed_source, fixed_codes = check_source(task.source, task.path, task.settings), None, ()
            if task.invalid_cells:
                diagnostics = sorted(diagnostics + invalid_cell_findings(task), key=Diagnostic.sort_key)
    except Exception as error:  # noqa: BLE001 - one bad file never stops the run
        return [], None, (), f"internal error: {type(error).__name__}: {error}"
    if not task.keep_events:
        diagnostics = [replace(d, event=None) if d.event is not None else d for d in diagnostics]
    return diagnostics, fixed_source, fixed_codes, None


def invalid_cell_findings(task: _Task) -> list[Diagnostic]:
    """SC001 for each notebook cell that is invalid even for IPython (at script rows), as
    ``check_source`` reports a file that does not parse: when SC001 is selected, the
    notebook mentions Keras and no suppression covers it."""
    from shapecheck.checking.checker import mentions_keras
    from shapecheck.checking.registry import rule_by_code
    from shapecheck.report.suppressions import Suppressions

    rule = rule_by_code("SC001")
    if rule is None or rule not in task.settings.rules or not mentions_keras(task.source):
        return []
    suppressions = Suppressions(task.source)
    if suppressions.ignores_file():
        return []
    found = []
    for invalid in task.invalid_cells:
        if suppressions.suppressed(invalid.row, rule.code, rule.name):
            continue
        message = invalid.message if invalid.message.startswith("invalid syntax") \
            else f"invalid syntax: {invalid.message}"
        where = Location(invalid.row, invalid.column)
        found.append(Diagnostic(task.path, rule.code, rule.name, task.settings.severity_of(rule),
                                message, where, where))
    return found


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _pool_context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def check_files(
    sources: Iterable[SourceFile],
    settings_for: Callable[[str], AnySettings],
    *,
    jobs: int = 1,
    cache: Optional[Cache] = None,
    fix: bool = False,
    keep_events: bool = False,
    progress: Optional[Callable[[int], None]] = None,
    unsafe_fixes: bool = False,
) -> list[FileResult]:
    """Check every file of ``sources``; results in the same order.

    ``fix`` applies the safe fixes (and the unsafe ones with ``unsafe_fixes``).
    ``keep_events`` keeps the interpreter events on the findings (for
    --confirm); it turns off the cache and the worker processes.
    ``settings_for`` may give a :class:`~shapecheck.app.selection.Selection`:
    the rules are imported only when a file is not answered from the cache.
    """
    results: list[FileResult] = []
    tasks: list[tuple[int, _Task, Optional[str]]] = []
    for source in sources:
        result = FileResult(source.name, notebook=source.notebook, bom=source.bom, cells=source.cells)
        results.append(result)
        if source.text is None:
            result.error = source.error
            result.diagnostics = [io_error(source.name, source.error or "unreadable")]
            _tick(progress)
            continue
        result.source = source.text
        settings = settings_for(source.name)
        use_fix = fix and not source.notebook
        key_text = source.text if source.cells is None else source.text + "\0" + source.cells.fingerprint()
        key = cache.key(key_text, settings) if cache is not None and not keep_events else None
        if key is not None:
            cached = cache.get(key, source.name)  # type: ignore[union-attr]
            if cached is not None and not (use_fix and any(d.fix is not None for d in cached)):
                result.diagnostics = cached
                _tick(progress)
                continue
        invalid = source.cells.invalid if source.cells is not None else ()
        tasks.append((len(results) - 1, _Task(source.name, source.text, as_settings(settings), use_fix, keep_events,
                                              invalid, unsafe_fixes), key))
    workers = min(jobs, len(tasks) // MIN_FILES_PER_WORKER) if not keep_events else 1
    if workers > 1:
        # The first file is checked here, so the workers fork with warm caches
        # (lazy imports and tables) instead of each warming up on its own.
        _collect(results, tasks[:1], [_run(tasks[0][1])], cache, progress)
        rest = tasks[1:]
        from concurrent.futures import ProcessPoolExecutor  # (a run answered from the cache needs no pool)

        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            outcomes = pool.map(_run, [task for _, task, _ in rest], chunksize=max(1, len(rest) // (workers * 8)))
            _collect(results, rest, outcomes, cache, progress)
    else:
        _collect(results, tasks, (_run(task) for _, task, _ in tasks), cache, progress)
    for result in results:
        if result.cells is not None and result.diagnostics:
            result.diagnostics = [in_cells(d, result.cells) for d in result.diagnostics]
    return results


_LINE_REFERENCE = re.compile(r"\b(on )?line (\d+)\b")


def in_cells(diagnostic: Diagnostic, cells: NotebookScript) -> Diagnostic:
    """A notebook finding located by code cell and the line inside it (never fixed in place);
    lines its message names ("from the `LSTM` on line 11") become ``cell 3, line 2``."""
    def place(location: Location) -> tuple[Optional[int], Location]:
        found = cells.locate(location.row, location.column)
        if found is None:
            return None, location
        return found[0], Location(found[1], found[2])

    def reference(match: re.Match[str]) -> str:
        found = cells.locate(int(match.group(2)), 1)
        if found is None:
            return match.group(0)
        return f"{'in ' if match.group(1) else ''}cell {found[0]}, line {found[1]}"

    cell, start = place(diagnostic.location)
    if cell is None:
        return replace(diagnostic, fix=None)
    end_cell, end = place(diagnostic.end_location)
    notes = []
    for note in diagnostic.notes:
        note_cell, note_start = place(note.location)
        note_end_cell, note_end = place(note.end_location)
        notes.append(replace(note, location=note_start, end_location=note_end if note_end_cell == note_cell
                             else note_start, cell=note_cell))
    return replace(diagnostic, location=start, end_location=end if end_cell == cell else start,
                   message=_LINE_REFERENCE.sub(reference, diagnostic.message),
                   notes=tuple(notes), cell=cell, fix=None)


def _tick(progress: Optional[Callable[[int], None]]) -> None:
    if progress is not None:
        progress(1)


def _collect(results: list[FileResult], tasks: Sequence[tuple[int, _Task, Optional[str]]],
             outcomes: Iterable[_Outcome],
             cache: Optional[Cache], progress: Optional[Callable[[int], None]]) -> None:
    for (index, task, key), (diagnostics, fixed_source, fixed_codes, error) in zip(tasks, outcomes):
        result = results[index]
        result.diagnostics, result.fixed_source, result.error = diagnostics, fixed_source, error
        result.fixed, result.fixed_codes = len(fixed_codes), fixed_codes
        if cache is not None and error is None:
            if fixed_source is None and key is not None:
                cache.put(key, diagnostics)
            elif fixed_source is not None:
                cache.put(cache.key(fixed_source, task.settings), diagnostics)
        _tick(progress)
