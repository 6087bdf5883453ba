"""Conditions that probe the environment: a feature check or a version check.

``if hasattr(tf.keras.optimizers, "experimental"): ...``, ``if
getattr(layers, "RandomFlip", None): ...``, ``if tf.__version__ >= "2.4":
...`` and ``if keras_2: ...`` (where ``keras_2`` was computed from
``keras.__version__``) choose code by what the installed library has.  The
code under such a condition is written for some version, not necessarily
this one, so a name or argument it uses that this version lacks is not a
mistake.  The interpreter still runs that code (its shapes are checked); it
only tells the rules that it is probing (:attr:`Interpreter.probing`).
"""

from __future__ import annotations

import re

from typing import Sequence

import libcst as cst

from shapecheck.engine.scope import child_nodes, suites

_PROBE_CALLS = frozenset({"hasattr", "getattr"})
_PROBE_WORDS = re.compile(r"hasattr|getattr|version|VERSION|parse_version")
_VERSION_NAMES = frozenset({
    "__version__", "version_info", "VERSION", "LooseVersion", "StrictVersion", "parse_version",
})


def _mentions(node: cst.CSTNode, names: frozenset[str] | set[str]) -> bool:
    """True when ``node`` probes: calls hasattr/getattr, reads a version, or names one of ``names``."""
    probes, used = _scan(node)
    return probes or not used.isdisjoint(names)


def _scan(node: cst.CSTNode) -> tuple[bool, set[str]]:
    """Whether ``node`` probes by itself (hasattr/getattr, a version), and the names it reads.

    A direct walk over the expression's child nodes: a libcst visitor per
    ``if`` test cost several milliseconds a file.
    """
    used: set[str] = set()
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            if current.value in _VERSION_NAMES:
                return True, used
            used.add(current.value)
            continue
        if isinstance(current, cst.Lambda):
            continue
        if isinstance(current, cst.Call):
            func = current.func
            if isinstance(func, cst.Name) and func.value in _PROBE_CALLS:
                return True, used
            if isinstance(func, cst.Attribute) and func.attr.value == "parse" and _is_version_module(func.value):
                return True, used  # version.parse(...), packaging.version.parse(...)
        stack.extend(child_nodes(current))
    return False, used


def _is_version_module(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "version"
    return isinstance(node, cst.Attribute) and node.attr.value == "version"


def version_names(module: cst.Module, source: str | None = None) -> set[str]:
    """Names the module assigns from a version or feature probe (``keras_2 = keras.__version__ > "2"``).

    Syntactic and scope-blind on purpose: a name once assigned a probe is a
    probe everywhere (a false "probing" only silences API findings there).
    With the module's ``source``, a file that never spells a probe is not
    walked at all (a full libcst visit costs more than parsing).
    """
    if source is not None and not _PROBE_WORDS.search(source):
        return set()
    assigns: list[tuple[list[str], cst.BaseExpression]] = []
    blocks: list[Sequence[cst.CSTNode]] = [module.body]
    while blocks:  # statements only: a libcst visit of every expression costs more than parsing
        for stmt in blocks.pop():
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Assign):
                        names = [t.target.value for t in small.targets if isinstance(t.target, cst.Name)]
                        if names:
                            assigns.append((names, small.value))
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) \
                            and small.value is not None:
                        assigns.append(([small.target.value], small.value))
            else:
                blocks.extend(suite.body for suite in suites(stmt))
    scanned = [(names, *_scan(value)) for names, value in assigns]
    found: set[str] = set()
    changed = True
    while changed:  # keras_2 = ...__version__...; new_api = keras_2 and x
        changed = False
        for names, probes, used in scanned:
            if not set(names) <= found and (probes or not used.isdisjoint(found)):
                found.update(names)
                changed = True
    return found


def is_probe(test: cst.BaseExpression, names: set[str]) -> bool:
    """True when the condition ``test`` checks for a feature or a version."""
    return _mentions(test, names)


def leaves_block(suite: cst.BaseSuite) -> bool:
    """True when a suite always ends in ``return``, ``raise``, ``continue`` or ``break``."""
    body = suite.body
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else last
    return isinstance(last, (cst.Return, cst.Raise, cst.Continue, cst.Break))
