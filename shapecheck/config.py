"""Settings from ``[tool.shapecheck]`` in the nearest pyproject.toml (or shapecheck.toml).

Unknown keys and unknown rule selectors are errors that name the culprit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .diagnostics import Severity
from .registry import all_rules, select

KNOWN_KEYS = frozenset({"select", "ignore", "extend-select", "exclude", "output-format", "severity"})


class ConfigError(Exception):
    """A configuration problem, with a message naming it."""


@dataclass
class FileConfig:
    """What a config file says (all optional)."""

    path: Optional[Path] = None
    select: Optional[list[str]] = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    output_format: Optional[str] = None
    severity: dict[str, str] = field(default_factory=dict)


def find_config(start: Path) -> Optional[Path]:
    """The nearest shapecheck.toml, or pyproject.toml with a [tool.shapecheck] table."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else [start.parent, *start.parent.parents]:
        own = folder / "shapecheck.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
            if "shapecheck" in data.get("tool", {}):
                return pyproject
    return None


def load_config(path: Path) -> FileConfig:
    """Read and validate a config file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    table: Any = data.get("tool", {}).get("shapecheck", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.shapecheck] must be a table")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown configuration key `{unknown[0]}` "
                          f"(known keys: {', '.join(sorted(KNOWN_KEYS))})")
    config = FileConfig(path=path)
    for key in ("select", "ignore", "extend-select", "exclude"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: `{key}` must be a list of strings")
            if key != "exclude":
                for selector in value:
                    validate_selector(selector, f"{path}: `{key}`")
            setattr(config, key.replace("-", "_"), list(value))
    if "output-format" in table:
        config.output_format = str(table["output-format"])
    if "severity" in table:
        severities = table["severity"]
        if not isinstance(severities, dict):
            raise ConfigError(f"{path}: `severity` must be a table of code = \"error\"|\"warning\"")
        for code, level in severities.items():
            validate_selector(code, f"{path}: `severity`")
            if level not in ("error", "warning"):
                raise ConfigError(f"{path}: severity of `{code}` must be \"error\" or \"warning\", not {level!r}")
        config.severity = dict(severities)
    return config


def validate_selector(selector: str, where: str) -> None:
    """Raise ConfigError when ``selector`` names no rule."""
    if not select(selector):
        raise ConfigError(f"{where}: unknown rule selector `{selector}`")


def resolve_rules(select_: Optional[list[str]], ignore: list[str], extend_select: list[str]) -> list[Any]:
    """The rules left after select, extend-select and ignore."""
    chosen = {r.code: r for r in all_rules()} if select_ is None else {}
    for selector in (select_ or []) + extend_select:
        for rule in select(selector):
            chosen[rule.code] = rule
    for selector in ignore:
        for rule in select(selector):
            chosen.pop(rule.code, None)
    return [chosen[code] for code in sorted(chosen)]


def severities(config: FileConfig) -> tuple[tuple[str, Severity], ...]:
    """Per-rule severity overrides as (code, severity) pairs."""
    pairs = []
    for selector, level in config.severity.items():
        for rule in select(selector):
            pairs.append((rule.code, Severity(level)))
    return tuple(pairs)
