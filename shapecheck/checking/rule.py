"""The base class of rules and the context they report through.

A rule is a class (Fixit-style) with a stable ``code``, a readable ``name``,
a default ``severity``, documentation in ruff's four headings, and ``VALID``
and ``INVALID`` example scripts that double as its tests.  It subscribes to
interpreter events by defining ``on_<event>`` methods (see
:mod:`shapecheck.engine.events`) and reports through :class:`Context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Optional, Sequence

import libcst as cst

from shapecheck.report.diagnostics import Applicability, Severity


TARGETS = frozenset({"keras3", "keras2", "tf_keras"})
"""The ``target`` setting's values: the Keras a project is written for (``keras3``, the default;
``keras2``, standalone Keras 2; ``tf_keras``, TensorFlow's Keras 2 package)."""


@dataclass(frozen=True)
class Invalid:
    """An INVALID example: a script the rule must flag.

    ``raises`` says whether real Keras raises while building it (the ground
    truth test checks that claim); silent mistakes set it to False.
    """

    code: str
    raises: bool = True


@dataclass(frozen=True)
class FixSpec:
    """A rule's fix as libcst node replacements: each old node (from the checked
    module) is replaced by its new node; the checker turns this into text edits,
    so everything else in the file is left byte for byte.

    ``applicability`` is unsafe unless the rule says otherwise: a fix is safe only
    when it cannot change behaviour beyond the finding (see
    :class:`~shapecheck.report.diagnostics.Applicability`)."""

    description: str
    replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...]
    applicability: Applicability = Applicability.UNSAFE


@dataclass
class Finding:
    """A finding before positions are known: nodes, not line numbers."""

    rule: "Rule"
    node: cst.CSTNode
    message: str
    notes: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    refs: list[cst.CSTNode] = field(default_factory=list)
    event: Any = None  # the interpreter event being handled when the finding was made
    fix: Optional[FixSpec] = None
    severity: Optional[Severity] = None  # this finding's own severity, when it differs from the rule's
    statement: Optional[int] = None  # the top-level statement being run when it was made (a search hint)


class Context:
    """Collects the findings of one file."""

    def __init__(self, module: Optional[cst.Module] = None) -> None:
        self.findings: list[Finding] = []
        self.current_event: Any = None
        # The checked module, for rules that judge a fix by the code around it.
        self.module = module
        # True while the interpreter runs code under a feature or version check
        # (set by the checker); findings of ``api_probe`` rules are dropped there.
        self.probing: Callable[[], bool] = lambda: False
        # The index in the module's body of the top-level statement being run (set by the checker).
        self.statement: Callable[[], Optional[int]] = lambda: None

    def report(
        self,
        rule: "Rule",
        node: cst.CSTNode,
        message: str,
        notes: Sequence[tuple[cst.CSTNode, str]] = (),
        refs: Sequence[cst.CSTNode] = (),
        fix: Optional[FixSpec] = None,
        severity: Optional[Severity] = None,
    ) -> Finding:
        """Record a finding of ``rule`` at ``node`` and return it.

        ``message`` may hold ``{0}``, ``{1}``... which become the line numbers
        of the nodes in ``refs`` once positions are known.  ``fix`` is the
        finding's fix (safe or unsafe); a rule may also set ``finding.fix`` later (in
        :meth:`Rule.finish`, once the whole file has been seen).  ``severity``
        overrides the rule's default for this finding (a configured severity
        for the rule still wins).
        """
        finding = Finding(rule, node, message, list(notes), list(refs), self.current_event, fix, severity,
                          self.statement())
        if not (rule.api_probe and self.probing()):
            self.findings.append(finding)
        return finding


class Rule:
    """Base class of every rule in :mod:`shapecheck.rules`."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    summary: ClassVar[str]
    what: ClassVar[str]
    why: ClassVar[str]
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Invalid]] = []
    # Fixable rules offer a fix for (some of) their findings (``--fix``).
    fixable: ClassVar[bool] = False
    # How safe their fixes are: "safe", "unsafe", or "sometimes" (safe in some
    # cases, unsafe in others); ``fix_safety`` says when and why, for the docs.
    fix_applicability: ClassVar[str] = "safe"
    fix_safety: ClassVar[str] = ""
    # Opt-in rules run only when selected by their exact code or name.
    opt_in: ClassVar[bool] = False
    # The Keras versions (``target`` setting) the rule is right for; the others never run it.
    targets: ClassVar[frozenset[str]] = TARGETS
    # API rules say a name or argument does not exist in this Keras; code under
    # a feature or version check (``if hasattr(...)``) may target another one.
    api_probe: ClassVar[bool] = False

    def finish(self, ctx: Context) -> None:
        """Called once after the interpreter has walked the whole file (default: nothing)."""

    def hooks(self) -> dict[str, Callable[[Context, Any], None]]:
        """The event handlers this rule defines, by event name."""
        return {attr[3:]: getattr(self, attr) for attr in _handler_names(type(self))}

    @classmethod
    def fix_availability(cls) -> str:
        """A paragraph saying whether the rule's findings come with a fix, and how safe it is."""
        if not cls.fixable:
            return "Fix: none; change the code by hand."
        line = {
            "safe": "Fix: a safe fix is available (`shapecheck check --fix`).",
            "unsafe": "Fix: an unsafe fix is available (`shapecheck check --fix --unsafe-fixes`).",
            "sometimes": "Fix: sometimes safe (`shapecheck check --fix`), otherwise unsafe "
                         "(`shapecheck check --fix --unsafe-fixes`).",
        }[cls.fix_applicability]
        return f"{line} {' '.join(cls.fix_safety.split())}".rstrip()

    @classmethod
    def documentation(cls) -> str:
        """The rule's documentation in ruff's four headings, as Markdown."""
        parts = [f"# {cls.name} ({cls.code})", "", f"Default severity: {cls.severity.value}", "",
                 cls.fix_availability(), ""]
        parts += ["## What it does", cls.what.strip(), "", "## Why is this bad?", cls.why.strip(), ""]
        if cls.INVALID:
            parts += ["## Example", "```python", cls.INVALID[0].code.strip(), "```", ""]
        if cls.VALID:
            parts += ["## Use instead", "```python", cls.VALID[0].strip(), "```", ""]
        return "\n".join(parts)


_HANDLER_NAMES: dict[type, tuple[str, ...]] = {}


def _handler_names(rule_class: type) -> tuple[str, ...]:
    """The names of a rule class's ``on_<event>`` methods (``dir`` on every file cost ~1% of a check)."""
    names = _HANDLER_NAMES.get(rule_class)
    if names is None:
        names = _HANDLER_NAMES[rule_class] = tuple(
            attr for attr in dir(rule_class) if attr.startswith("on_") and callable(getattr(rule_class, attr)))
    return names
