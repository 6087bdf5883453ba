"""Check one file: parse, interpret, run the rules, and place the findings.

This is the one entry point the CLI, the tests and the benchmarks share.  A
file that never mentions Keras is skipped before parsing.
"""

from __future__ import annotations

import gc
import re
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import libcst as cst

from shapecheck.report.diagnostics import Diagnostic, Location, Note, Severity
from shapecheck.report.fixes import LineIndex, build_fix, quick_fix
from shapecheck.engine.interpreter import Interpreter
from shapecheck.checking.registry import io_error
from shapecheck.engine.scope import AnalysisCancelled
from shapecheck.engine.parsing import ParseResult, StatementRows, SyntaxProblem, Unparsable, parse_indexed
from shapecheck.report.positions import locate
from shapecheck.checking.rule import Context, Finding, Rule
from shapecheck.report.suppressions import BLANKET, FILE_KINDS, Suppressions

# AnalysisCancelled and io_error are re-exported: callers of check_source meet them here.
__all__ = ["AnalysisCancelled", "Settings", "check_source", "default_settings", "io_error", "mentions_keras"]


@dataclass(frozen=True)
class Settings:
    """Which rules run, and at which severity."""

    rules: tuple[type[Rule], ...]
    severities: tuple[tuple[str, Severity], ...] = ()
    target: str = "keras3"  # the Keras the project is written for (rules not right for it are left out)

    def severity_of(self, rule: type[Rule], default: Optional[Severity] = None) -> Severity:
        """The configured severity of ``rule``, or ``default`` (a finding's own), or the rule's."""
        for code, severity in self.severities:
            if code == rule.code:
                return severity
        return default or rule.severity


def default_settings() -> Settings:
    """Every rule that is on by default (opt-in rules are not), at its default severity."""
    from shapecheck.checking.registry import all_rules

    return Settings(tuple(rule for rule in all_rules() if not rule.opt_in))


def mentions_keras(source: str) -> bool:
    """The prefilter: only files that mention keras can have findings."""
    return "keras" in source


# The parse of one text, kept by a caller that checks the same text again (the language server,
# when only the settings change): at most one entry, the last text parsed.
ParseCache = dict[str, tuple[ParseResult, StatementRows]]


def check_source(source: str, filename: str, settings: Optional[Settings] = None,
                 cancelled: Optional[Callable[[], bool]] = None,
                 parses: Optional[ParseCache] = None) -> list[Diagnostic]:
    """All findings in one file's source, sorted by position.

    ``cancelled`` is asked now and then during the analysis; once it says
    True, :class:`AnalysisCancelled` is raised (an editor sent newer text).
    ``parses``: the parse of ``source`` is taken from it when there, and
    left in it (in place of any other text's) when made.
    """
    with _few_collections():
        return _check_source(source, filename, settings, cancelled, parses)


# The analysis keeps nearly everything it allocates until the file is done, so the cyclic
# collector's default thresholds only rescan live objects again and again (a quarter of the
# time on a 20,000-line file).  Raised while a check runs (as mypy does for its whole run),
# and the syntax tree, which holds no reference cycles and lives until the check ends, is
# frozen out of the collector's view once parsed (scanning it took 2 s of a 20,000-line file).
_THRESHOLDS = (200_000, 30, 30)
_checks_running = 0
_thresholds_lock = threading.Lock()
_saved_thresholds: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def _few_collections() -> Iterator[None]:
    global _checks_running, _saved_thresholds
    with _thresholds_lock:
        if _checks_running == 0:
            _saved_thresholds = gc.get_threshold()
            gc.set_threshold(*_THRESHOLDS)
        _checks_running += 1
    try:
        yield
    finally:
        with _thresholds_lock:
            _checks_running -= 1
            if _checks_running == 0:
                gc.set_threshold(*_saved_thresholds)
                gc.unfreeze()


def _check_source(source: str, filename: str, settings: Optional[Settings],
                  cancelled: Optional[Callable[[], bool]], parses: Optional[ParseCache]) -> list[Diagnostic]:
    settings = settings or default_settings()
    if "\x00" in source:
        line = source.count("\n", 0, source.index("\x00")) + 1
        return [io_error(filename, f"binary file (a NUL byte on line {line})")]
    if not mentions_keras(source):
        return []
    suppressions = Suppressions(source)
    if suppressions.ignores_file():
        return []
    parsed = parses.get(source) if parses is not None else None
    if parsed is None:
        parsed = parse_indexed(source, freeze=True)  # unfrozen when the last check running ends
        if parses is not None:
            parses.clear()
            parses[source] = parsed
    module, rows = parsed
    if isinstance(module, SyntaxProblem):
        return _syntax_error(module, filename, settings)
    if isinstance(module, Unparsable):
        return []  # valid Python that libcst cannot read: never reported as invalid
    context = Context(module)
    handlers: dict[str, list[Callable[[Context, Any], None]]] = defaultdict(list)
    rules = [rule_class() for rule_class in settings.rules]
    for rule in rules:
        for event, handler in rule.hooks().items():
            handlers[event].append(handler)

    def emit(event: Any) -> None:
        context.current_event = event
        for handler in handlers.get(event.name, ()):
            handler(context, event)

    interpreter = Interpreter(module, emit, source, cancelled)
    context.probing = lambda: interpreter.probing > 0
    context.statement = lambda: interpreter.top_index
    interpreter.run()
    context.current_event = None
    for rule in rules:
        rule.finish(context)
    if interpreter.exhausted:
        for finding in context.findings:
            finding.fix = None  # the rest of the file went unseen: it may use what a fix would change
    diagnostics = _place(module, rows, source, filename, _dedupe(context.findings), settings, suppressions) \
        if context.findings else []
    unused = unused_suppressions(suppressions, filename, settings)
    if unused:
        diagnostics = sorted(diagnostics + unused, key=Diagnostic.sort_key)
    return diagnostics


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """The same rule at the same node reports once (a function analysed twice, say)."""
    seen: set[tuple[str, int]] = set()
    unique = []
    for finding in findings:
        key = (finding.rule.code, id(finding.node))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _place(module: cst.Module, rows: StatementRows, source: str, filename: str, findings: Sequence[Finding],
           settings: Settings, suppressions: Suppressions) -> list[Diagnostic]:
    nodes: list[cst.CSTNode] = []
    for finding in findings:
        nodes.append(finding.node)
        nodes.extend(node for node, _ in finding.notes)
        nodes.extend(finding.refs)
        if finding.fix is not None:
            nodes.extend(old for old, _ in finding.fix.replacements)
    ranges = locate(module, nodes, rows, (f.statement for f in findings if f.statement is not None), source)
    lines = LineIndex(source) if any(f.fix is not None for f in findings) else None
    diagnostics = []
    for finding in findings:
        where = ranges.get(id(finding.node))
        if where is None:
            continue
        start = Location(where.start.line, where.start.column + 1)
        end = Location(where.end.line, where.end.column + 1)
        if suppressions.suppressed(start.row, finding.rule.code, finding.rule.name):
            continue
        message = finding.message
        for i, ref in enumerate(finding.refs):
            ref_range = ranges.get(id(ref))
            message = message.replace("{%d}" % i, str(ref_range.start.line) if ref_range else "?")
        notes = []
        for node, text in finding.notes:
            note_range = ranges.get(id(node))
            if note_range is not None:
                notes.append(Note(text, Location(note_range.start.line, note_range.start.column + 1),
                                  Location(note_range.end.line, note_range.end.column + 1)))
        rule = finding.rule
        fix = None
        if finding.fix is not None and lines is not None:
            fix = quick_fix(module, source, lines, ranges, finding.fix) or build_fix(module, finding.fix)
        diagnostics.append(Diagnostic(filename, rule.code, rule.name, settings.severity_of(type(rule), finding.severity),
                                      message, start, end, tuple(notes), event=finding.event, fix=fix))
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics


def _syntax_error(error: SyntaxProblem, filename: str, settings: Settings) -> list[Diagnostic]:
    """A file that does not parse gets one SC001 finding at the error's position."""
    from shapecheck.checking.registry import rule_by_code

    rule = rule_by_code("SC001")
    if rule is None or rule not in settings.rules:
        return []
    where = Location(error.line, error.column)
    message = error.message if error.message.startswith("invalid syntax") else f"invalid syntax: {error.message}"
    return [Diagnostic(filename, rule.code, rule.name, settings.severity_of(rule), message, where, where)]


_OUR_CODE = re.compile(r"SC[0-9]+", re.IGNORECASE)


def unused_suppressions(suppressions: Suppressions, filename: str, settings: Settings) -> list[Diagnostic]:
    """SC900 findings for suppressions that silenced nothing, or that name a rule code that
    does not exist (``# noqa: SC999``), as ruff's RUF100 (only when SC900 is selected).

    A code is judged only when its rules ran; ``# noqa`` without codes and
    codes of other tools (``# noqa: E501``) are never reported.
    """
    from shapecheck.checking.registry import rule_by_code, select

    rule = rule_by_code("SC900")
    if rule is None or rule not in settings.rules:
        return []
    enabled = {r.code for r in settings.rules}
    found = []
    for item in suppressions.all():
        unknown: list[str] = []
        if item.codes is None:
            unused = [] if item.kind == "noqa" or BLANKET in item.used else ["all findings"]
        else:
            unused = []
            for token in item.codes:
                named = select(token)
                if token in item.used:
                    continue
                if not named and _OUR_CODE.fullmatch(token):
                    unknown.append(token)  # shapecheck's code space, but no rule has it
                    continue
                if item.kind == "noqa" and not named:
                    continue  # another tool's code
                if named and not all(r.code in enabled for r in named):
                    continue  # a rule that did not run cannot be judged
                unused.append(token)
        if not unused and not unknown:
            continue
        parts = []
        if unused:
            what = ", ".join(f"`{t}`" for t in unused) if item.codes is not None else "anything"
            parts.append(f"does not silence {what}{' in this file' if item.kind in FILE_KINDS else ''}")
        if unknown:
            parts.append(f"names {'an unknown rule code' if len(unknown) == 1 else 'unknown rule codes'} "
                         + ", ".join(f"`{t}`" for t in unknown))
        message = f"unused suppression: `{item.text}` {'; '.join(parts)}"
        found.append(Diagnostic(filename, rule.code, rule.name, settings.severity_of(rule), message,
                                Location(item.row, item.column), Location(item.row, item.end_column)))
    return found
