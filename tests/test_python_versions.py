"""The oldest supported Python (3.10, ``requires-python >= 3.10``): no 3.11+ syntax or
standard-library module in the package, the ``tomli`` fallback for ``tomllib``, and the
command line run under a real Python 3.10 when one with the dependencies is found.

A Python 3.10 with the dependencies: ``python3.10 -m venv /tmp/py310 &&
/tmp/py310/bin/pip install -e .`` then ``SHAPECHECK_PYTHON310=/tmp/py310/bin/python``.
"""

from __future__ import annotations

import ast
import glob
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "shapecheck").rglob("*.py"), *(ROOT / "rules").glob("*.py")])

# Standard-library names that Python 3.10 lacks, by module.
NEWER_STDLIB = {
    "tomllib": None,  # the whole module
    "typing": {"Self", "LiteralString", "Never", "assert_never", "assert_type", "reveal_type", "NotRequired",
               "Required", "TypeVarTuple", "Unpack", "dataclass_transform", "override", "TypeAliasType",
               "get_overloads", "clear_overloads", "ReadOnly", "TypeIs"},
    "enum": {"StrEnum", "verify", "EnumCheck", "ReprEnum", "member", "nonmember", "global_enum"},
    "datetime": {"UTC"},
    "contextlib": {"chdir"},
    "hashlib": {"file_digest"},
    "asyncio": {"TaskGroup", "timeout", "Runner"},
    "itertools": {"batched"},
}


def _guarded(tree: ast.Module) -> set[int]:
    """Line numbers of imports inside ``try: ... except ImportError`` (a fallback)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            for child in node.body:
                for inner in ast.walk(child):
                    lines.add(getattr(inner, "lineno", -1))
    return lines


def newer_stdlib_uses(source: str) -> list[str]:
    """``line: what`` for each unguarded import of a 3.11+ standard-library name."""
    tree = ast.parse(source)
    guarded = _guarded(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in NEWER_STDLIB and NEWER_STDLIB[alias.name] is None and node.lineno not in guarded:
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module in NEWER_STDLIB and node.lineno not in guarded:
            names = NEWER_STDLIB[node.module]
            for alias in node.names:
                if names is None or alias.name in names:
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
    return found


def test_the_sources_are_found() -> None:
    assert len(SOURCES) > 40 and ROOT / "shapecheck" / "app" / "config.py" in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_syntax_newer_than_python_3_10(path: Path) -> None:
    ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 10))


def test_the_syntax_check_can_fail() -> None:
    with pytest.raises(SyntaxError):
        ast.parse("try:\n    pass\nexcept* ValueError:\n    pass\n", feature_version=(3, 10))


def test_no_standard_library_newer_than_python_3_10() -> None:
    found = {str(p.relative_to(ROOT)): newer_stdlib_uses(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {path: uses for path, uses in found.items() if uses} == {}


def test_the_stdlib_check_can_fail() -> None:
    assert newer_stdlib_uses("import tomllib\nfrom typing import Self, Any\n") == [
        "1: import tomllib", "2: from typing import Self"]
    assert newer_stdlib_uses("try:\n    import tomllib\nexcept ImportError:\n    import tomli as tomllib\n") == []


def test_config_loads_without_tomllib(tmp_path: Path) -> None:
    """With ``tomllib`` missing (as on Python 3.10), config files are read with ``tomli``."""
    pytest.importorskip("tomli")
    (tmp_path / "pyproject.toml").write_text('[tool.shapecheck]\nignore = ["SC102"]\n', encoding="utf-8")
    (tmp_path / "broken.toml").write_text("[tool.shapecheck\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.modules["tomllib"] = None  # `import tomllib` raises ImportError, as on 3.10
        from pathlib import Path
        from shapecheck.app.config import ConfigError, find_config, load_config
        found = find_config(Path({str(tmp_path)!r}))
        print(found.name, load_config(found).ignore)
        try:
            load_config(Path({str(tmp_path / "broken.toml")!r}))
        except ConfigError as error:
            print("ConfigError", "invalid TOML" in str(error))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["pyproject.toml ['SC102']", "ConfigError True"]


def _python310() -> str | None:
    """A Python 3.10 that has the dependencies (libcst, click, pathspec, tomli), or None."""
    candidates = [os.environ.get("SHAPECHECK_PYTHON310", ""), shutil.which("python3.10") or "",
                  *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python")))]
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", "import sys, libcst, click, pathspec, tomli;"
                                   "assert sys.version_info[:2] == (3, 10)"], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return candidate
    return None


def test_the_command_line_runs_under_python_3_10(tmp_path: Path) -> None:
    """The README's first command under Python 3.10, on the working tree's sources (laid out as
    installed: ``rules/`` as ``shapecheck.rules``), with a config file to read."""
    python = _python310()
    if python is None:
        pytest.skip("no Python 3.10 with libcst, click, pathspec and tomli (set SHAPECHECK_PYTHON310)")
    package = tmp_path / "site" / "shapecheck"
    package.mkdir(parents=True)
    for entry in (ROOT / "shapecheck").iterdir():
        if entry.name != "rules":
            (package / entry.name).symlink_to(entry)
    (package / "rules").symlink_to(ROOT / "rules")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nignore = ["SC301"]\n', encoding="utf-8")
    (project / "model.py").write_text("import keras\n\nmodel = keras.Sequential(\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([python, "-m", "shapecheck", "check", "--no-cache", "model.py"], cwd=project,
                          capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("model.py:3:") and "[SC001 invalid-syntax]" in done.stdout, done.stdout
