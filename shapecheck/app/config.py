"""Settings from ``[tool.shapecheck]`` in the nearest pyproject.toml (or shapecheck.toml).

Keys: ``select``, ``ignore``, ``extend-select``, ``per-file-ignores``,
``exclude``, ``extend-exclude``, ``force-exclude``, ``respect-gitignore``,
``output-format``, ``confirm``, ``cache-dir``, ``severity`` (per-rule
severities), ``fail-on`` (``error``: only errors make the exit code 1) and ``target``
(``keras3``, ``keras2`` or ``tf_keras``: rules that assume Keras 3 do not run for the others).  Codes, code prefixes and readable names are accepted wherever a
code is.  Unknown keys and unknown rule selectors are errors that name the
culprit.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from shapecheck.app.selection import Selection
from shapecheck.report.diagnostics import Severity
from shapecheck.checking.registry import rule_entries, rules_for, select_entries
from shapecheck.tables.rule_index import TARGETS, RuleEntry

if TYPE_CHECKING:
    from shapecheck.checking.checker import Settings

KNOWN_KEYS = frozenset({
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude", "force-exclude",
    "respect-gitignore", "output-format", "confirm", "cache-dir", "severity", "fail-on", "target",
})


class ConfigError(Exception):
    """A configuration problem, with a message naming it."""


def _toml() -> Any:
    """The TOML parser, imported when a file is read (an ``--isolated`` run reads none)."""
    try:
        import tomllib  # type: ignore[import-not-found, unused-ignore]  # (mypy targets 3.10)
    except ImportError:  # Python 3.10: the same parser, as the `tomli` package
        import tomli as tomllib  # type: ignore[no-redef, unused-ignore]
    return tomllib


@dataclass
class FileConfig:
    """What a config file says (all optional)."""

    path: Optional[Path] = None
    select: Optional[list[str]] = None
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    force_exclude: bool = False
    respect_gitignore: bool = True
    output_format: Optional[str] = None
    confirm: Optional[bool] = None
    cache_dir: Optional[str] = None
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: Optional[str] = None
    target: Optional[str] = None

    @property
    def root(self) -> Path:
        """The folder relative paths in the config are resolved against."""
        return self.path.resolve().parent if self.path is not None else Path.cwd()


def find_config(start: Path) -> Optional[Path]:
    """The nearest shapecheck.toml, or pyproject.toml with a [tool.shapecheck] table."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else [start.parent, *start.parent.parents]:
        own = folder / "shapecheck.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tomllib = _toml()
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except OSError:
                continue
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                # Never skipped: a parent folder's config (or none) would silently apply instead.
                raise ConfigError(f"{pyproject}: invalid TOML: {_one_line(error)}") from None
            if "shapecheck" in data.get("tool", {}):
                return pyproject
    return None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _strings(path: Path, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: `{key}` must be a list of strings")
    return list(value)


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: `{key}` must be true or false, not {value!r}")
    return value


def load_config(path: Path) -> FileConfig:
    """Read and validate a config file."""
    tomllib = _toml()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {_one_line(error)}") from None
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
    for key in ("select", "ignore", "extend-select"):
        if key in table:
            value = _strings(path, key, table[key])
            for selector in value:
                validate_selector(selector, f"{path}: `{key}`")
            setattr(config, key.replace("-", "_"), value)
    for key in ("exclude", "extend-exclude"):
        if key in table:
            config.exclude.extend(_strings(path, key, table[key]))
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: `per-file-ignores` must be a table of \"glob\" = [codes]")
        for pattern, selectors in value.items():
            codes = _strings(path, f"per-file-ignores.{pattern}", selectors)
            for selector in codes:
                validate_selector(selector, f"{path}: `per-file-ignores` for `{pattern}`")
            config.per_file_ignores[pattern] = codes
    for key in ("force-exclude", "respect-gitignore", "confirm"):
        if key in table:
            setattr(config, key.replace("-", "_"), _bool(path, key, table[key]))
    if "output-format" in table:
        if not isinstance(table["output-format"], str):
            raise ConfigError(f"{path}: `output-format` must be a string")
        config.output_format = table["output-format"]
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str):
            raise ConfigError(f"{path}: `cache-dir` must be a string")
        config.cache_dir = table["cache-dir"]
    if "fail-on" in table:
        if table["fail-on"] not in ("error", "warning"):
            raise ConfigError(f"{path}: `fail-on` must be \"error\" or \"warning\", not {table['fail-on']!r}")
        config.fail_on = table["fail-on"]
    if "target" in table:
        if table["target"] not in TARGETS:
            raise ConfigError(f"{path}: `target` must be one of {', '.join(sorted(TARGETS))}, not {table['target']!r}")
        config.target = table["target"]
    if "severity" in table:
        severities_ = table["severity"]
        if not isinstance(severities_, dict):
            raise ConfigError(f"{path}: `severity` must be a table of code = \"error\"|\"warning\"")
        for code, level in severities_.items():
            validate_selector(code, f"{path}: `severity`")
            if level not in ("error", "warning"):
                raise ConfigError(f"{path}: severity of `{code}` must be \"error\" or \"warning\", not {level!r}")
        config.severity = dict(severities_)
    return config


def validate_selector(selector: str, where: str) -> None:
    """Raise ConfigError when ``selector`` names no rule."""
    if not select_entries(selector):
        raise ConfigError(f"{where}: unknown rule selector `{selector}`")


def _selected(selector: str) -> list[RuleEntry]:
    """The rules a selector turns on: opt-in rules only by their exact code or name."""
    return [rule for rule in select_entries(selector)
            if not rule.opt_in or selector.upper() == rule.code or selector == rule.name]


def resolve_codes(select_: Optional[list[str]], ignore: Sequence[str], extend_select: Sequence[str],
                  target: str = "keras3") -> tuple[str, ...]:
    """The codes of the rules left after select, extend-select and ignore (opt-in rules only
    when named), less those not right for the ``target`` Keras; in code order, from the
    rule index (the rules are not imported)."""
    chosen = {r.code: r for r in rule_entries() if not r.opt_in} if select_ is None else {}
    for selector in (select_ or []) + list(extend_select):
        for rule in _selected(selector):
            chosen[rule.code] = rule
    for selector in ignore:
        for rule in select_entries(selector):
            chosen.pop(rule.code, None)
    return tuple(code for code in sorted(chosen) if target in chosen[code].targets)


def resolve_rules(select_: Optional[list[str]], ignore: Sequence[str], extend_select: Sequence[str],
                  target: str = "keras3") -> list[Any]:
    """The rule classes :func:`resolve_codes` chooses (this imports the rules)."""
    return list(rules_for(resolve_codes(select_, ignore, extend_select, target)))


def severities(config: FileConfig) -> tuple[tuple[str, Severity], ...]:
    """Per-rule severity overrides as (code, severity) pairs."""
    pairs = []
    for selector, level in config.severity.items():
        for rule in select_entries(selector):
            pairs.append((rule.code, Severity(level)))
    return tuple(pairs)


def matches_path(path: str, pattern: str, root: Path) -> bool:
    """True when ``pattern`` (a glob) matches ``path``: the path relative to
    ``root``, the path as given, its file name, or one of its folders."""
    pure = PurePath(path)
    candidates = {pure.as_posix(), pure.name}
    try:
        candidates.add(Path(path).resolve().relative_to(root.resolve()).as_posix())
    except (ValueError, OSError):
        pass
    pattern = pattern.rstrip("/")
    if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
        return True
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in pure.parts[:-1])
    for candidate in candidates:
        parts = PurePath(candidate).parts
        for i in range(1, len(parts)):
            if fnmatch.fnmatchcase("/".join(parts[:i]), pattern):
                return True
    return False


def per_file_ignores(config: FileConfig, path: str) -> list[str]:
    """The selectors ``per-file-ignores`` turns off for ``path``."""
    ignored: list[str] = []
    for pattern, selectors in config.per_file_ignores.items():
        if matches_path(path, pattern, config.root):
            ignored.extend(selectors)
    return ignored


def selection_builder(config: FileConfig, select_: Sequence[str] = (), ignore: Sequence[str] = (),
                      extend_select: Sequence[str] = (), target: Optional[str] = None) -> Callable[[str], Selection]:
    """Per-file selections: the config's selection with the command line's on top, less
    what ``per-file-ignores`` turns off for each file, for the ``target`` Keras (the
    command line's, else the config's, else keras3); the rules are not imported.
    Raises ConfigError for an unknown selector."""
    for selector in [*select_, *ignore, *extend_select]:
        validate_selector(selector, "command line")
    selected = list(select_) or config.select
    ignored = config.ignore + list(ignore)
    extended = config.extend_select + list(extend_select)
    levels = severities(config)
    keras = target or config.target or "keras3"
    by_ignores: dict[tuple[str, ...], Selection] = {
        (): Selection(resolve_codes(selected, ignored, extended, keras), levels, keras)}

    def selection_for(path: str) -> Selection:
        extra = tuple(per_file_ignores(config, path)) if config.per_file_ignores else ()
        if extra not in by_ignores:
            by_ignores[extra] = Selection(resolve_codes(selected, ignored + list(extra), extended, keras),
                                          levels, keras)
        return by_ignores[extra]

    return selection_for


def settings_builder(config: FileConfig, select_: Sequence[str] = (), ignore: Sequence[str] = (),
                     extend_select: Sequence[str] = (), target: Optional[str] = None) -> Callable[[str], "Settings"]:
    """:func:`selection_builder` giving the checker's settings (with the rule classes).
    Raises ConfigError for an unknown selector."""
    selection_for = selection_builder(config, select_, ignore, extend_select, target)

    def settings_for(path: str) -> Settings:
        return selection_for(path).settings()

    return settings_for
