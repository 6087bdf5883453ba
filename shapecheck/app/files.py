"""Finding the files to check and reading them as text.

Directories are walked for ``*.py`` and ``*.ipynb`` files, skipping hidden,
cache and virtual-environment folders, whatever ``.gitignore`` files ignore
(those in the walked folders and in their parents up to the repository root)
and the configured ``exclude`` globs.  Files named on the command line are
always checked unless ``force_exclude`` is set.  Reading never raises: a file
that cannot be read or decoded yields a one-line reason instead.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

from shapecheck.app.config import matches_path

if TYPE_CHECKING:
    from shapecheck.app.notebooks import NotebookScript

SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist",
                       "venv", "env", ".venv", ".shapecheck_cache"})
SUFFIXES = (".py", ".ipynb")


@dataclass(frozen=True)
class SourceFile:
    """A file's display name and its text, or why it could not be read."""

    name: str
    text: Optional[str]
    error: Optional[str] = None
    notebook: bool = False
    bom: bool = False
    cells: Optional[NotebookScript] = None  # a notebook: its script's rows traced to cells


class PathError(Exception):
    """A path given on the command line does not exist (``path``, and ``reason`` why)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class GitIgnores:
    """The ``.gitignore`` rules that apply under some folders, loaded once per folder."""

    def __init__(self) -> None:
        self._specs: dict[Path, object] = {}

    def _spec(self, folder: Path) -> object:
        if folder not in self._specs:
            spec = None
            for name in (".gitignore", os.path.join(".git", "info", "exclude")):
                try:
                    lines = (folder / name).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    continue
                from pathspec import GitIgnoreSpec

                more = GitIgnoreSpec.from_lines(lines)
                spec = more if spec is None else spec + more  # type: ignore[operator]
            self._specs[folder] = spec
        return self._specs[folder]

    def top(self, folder: Path) -> Path:
        """Where ``.gitignore`` files start to count for a walk of ``folder``:
        its repository's root, or the folder itself outside a repository."""
        for candidate in (folder, *folder.parents):
            if (candidate / ".git").exists():
                return candidate
        return folder

    def ignored(self, path: Path, is_dir: bool, top: Path) -> bool:
        """True when the deepest matching ``.gitignore`` rule between ``top`` and
        ``path`` (both absolute) ignores ``path``."""
        verdict: Optional[bool] = None
        folder = path.parent
        chain = []
        while True:
            chain.append(folder)
            if folder == top or folder == folder.parent:
                break
            folder = folder.parent
        for folder in reversed(chain):
            spec = self._spec(folder)
            if spec is None:
                continue
            relative = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(relative)  # type: ignore[attr-defined]
            if result.include is not None:
                verdict = result.include
        return bool(verdict)


def excluded(path: str, patterns: Sequence[str], root: Optional[Path] = None) -> bool:
    """True when one of the ``exclude`` globs matches ``path`` (or one of its folders)."""
    base = root or Path.cwd()
    return any(matches_path(path, pattern, base) for pattern in patterns)


def discover(paths: Sequence[str], exclude: Sequence[str] = (), *, root: Optional[Path] = None,
             respect_gitignore: bool = True, force_exclude: bool = False) -> Iterator[str]:
    """Every Python file or notebook named by ``paths``, directories walked in sorted order."""
    gitignores = GitIgnores() if respect_gitignore else None
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise PathError(raw, "no such file or directory")
        if path.is_dir():
            top = gitignores.top(Path(os.path.abspath(raw))) if gitignores is not None else path
            for folder, dirs, files in os.walk(path):
                kept = []
                for d in sorted(dirs):
                    full = os.path.join(folder, d)
                    if d.startswith(".") or d in SKIP_DIRS or excluded(full, exclude, root):
                        continue
                    if gitignores is not None and gitignores.ignored(Path(os.path.abspath(full)), True, top):
                        continue
                    kept.append(d)
                dirs[:] = kept
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    if not name.endswith(SUFFIXES) or excluded(full, exclude, root):
                        continue
                    if gitignores is not None and gitignores.ignored(Path(os.path.abspath(full)), False, top):
                        continue
                    yield full
        elif not (force_exclude and excluded(raw, exclude, root)):
            yield raw


def decode(data: bytes, name: str) -> SourceFile:
    """Bytes as UTF-8 text (a BOM is allowed), a notebook's code cells for ``.ipynb``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return SourceFile(name, None, f"not valid UTF-8 (byte {data[error.start]:#04x} at offset {error.start})")
    if name.endswith(".ipynb"):
        from shapecheck.app.notebooks import NotebookError, read_notebook  # (only for notebooks)

        try:
            script = read_notebook(text)
            return SourceFile(name, script.script, notebook=True, cells=script)
        except NotebookError as error:
            return SourceFile(name, None, str(error))
    return SourceFile(name, text, bom=data.startswith(b"\xef\xbb\xbf"))


def read_source(path: str) -> SourceFile:
    """Read ``path`` as UTF-8 (a BOM is allowed); never raises."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        return SourceFile(path, None, "is a directory")
    except FileNotFoundError:
        return SourceFile(path, None, "no such file (broken symlink?)")
    except PermissionError:
        return SourceFile(path, None, "permission denied")
    except OSError as error:
        return SourceFile(path, None, error.strerror or str(error))
    return decode(data, path)


def read_stdin(name: str) -> SourceFile:
    """Read standard input as the file ``name``; never raises."""
    try:
        data = sys.stdin.buffer.read()
    except (OSError, AttributeError, ValueError) as error:
        return SourceFile(name, None, f"cannot read standard input: {error}")
    return decode(data, name)


def write_source(path: str, text: str, bom: bool = False) -> Optional[str]:
    """Write fixed text back (keeping a BOM); the reason on failure, else None."""
    try:
        Path(path).write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    except OSError as error:
        return error.strerror or str(error)
    return None
