"""Finding the files to check and reading them as text.

Directories are walked for ``*.py`` files, skipping hidden, cache and
virtual-environment folders.  Reading never raises: a file that cannot be
read or decoded yields a one-line reason instead.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist",
                       "venv", "env", ".venv", ".shapecheck_cache"})


@dataclass(frozen=True)
class SourceFile:
    """A file's display name and its text, or why it could not be read."""

    name: str
    text: Optional[str]
    error: Optional[str] = None


class PathError(Exception):
    """A path given on the command line does not exist."""


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[str]:
    """Every Python file named by ``paths``, directories walked in sorted order."""
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise PathError(f"{raw}: no such file or directory")
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS
                                 and not _excluded(os.path.join(root, d), exclude))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and not _excluded(full, exclude):
                        yield full
        else:
            yield raw


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    parts = Path(path).parts
    for pattern in patterns:
        if fnmatch.fnmatch(path, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return SourceFile(path, None, f"not valid UTF-8 (byte {data[error.start]:#04x} at offset {error.start})")
    return SourceFile(path, text)
