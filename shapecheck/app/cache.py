"""The result cache in ``.shapecheck_cache``: unchanged files are not checked again.

An entry is keyed by the file's content, the settings (rules and severities)
and shapecheck itself (its version and the size and time stamp of each of its
modules, so an edited checkout never reads stale results).  An entry holds
the findings without their file name, so a file that is renamed or copied
hits the cache too.  A damaged entry is a miss, never an error.  The key needs
only the selected rules' codes (:mod:`shapecheck.app.selection`), so a run
answered wholly from the cache imports neither the rules nor libcst.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from shapecheck import __version__
from shapecheck.app.selection import selected_codes
from shapecheck.report.diagnostics import Applicability, Diagnostic, Edit, Fix, Location, Note, Severity

CACHE_DIR_NAME = ".shapecheck_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by shapecheck.\n"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """shapecheck's version and the size and time stamp of each of its source files (the
    rules' too): one ``stat`` per file, ~0.6 ms for 170 files."""
    return fingerprint(source_folders())


def source_folders() -> list[str]:
    """The folders of shapecheck's source: the package's and the rules' (found without importing them)."""
    import shapecheck

    rules = importlib.util.find_spec("shapecheck.rules")
    return [*shapecheck.__path__, *((rules.submodule_search_locations or []) if rules is not None else [])]


def fingerprint(folders: list[str]) -> str:
    """The version and ``path:size:mtime`` of every ``.py`` file under ``folders``, hashed."""
    parts = [__version__]
    for folder in folders:
        _stamp(folder, "", parts)
    return hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()


def _stamp(folder: str, relative: str, parts: list[str]) -> None:
    """Add ``path:size:mtime`` for each ``.py`` file under ``folder`` (symbolic links to folders
    and ``__pycache__`` are not entered), paths relative to the top folder."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                stat = entry.stat()
                parts.append(f"{relative}{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
            elif entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                _stamp(entry.path, f"{relative}{entry.name}/", parts)


def settings_fingerprint(settings: Any) -> str:
    """The rules and severities of ``settings`` (a selection or the checker's settings) as a short string."""
    rules = ",".join(selected_codes(settings))
    levels = ",".join(f"{code}={severity.value}" for code, severity in settings.severities)
    return f"{rules}|{levels}"


def _location(data: list[int]) -> Location:
    return Location(int(data[0]), int(data[1]))


def dump(d: Diagnostic) -> dict[str, Any]:
    """A finding as JSON-ready data, without its file name."""
    return {
        "code": d.code, "name": d.name, "severity": d.severity.value, "message": d.message,
        "location": [d.location.row, d.location.column],
        "end_location": [d.end_location.row, d.end_location.column],
        "notes": [[n.message, [n.location.row, n.location.column], [n.end_location.row, n.end_location.column]]
                  for n in d.notes],
        "fix": None if d.fix is None else [d.fix.message, [
            [e.content, [e.location.row, e.location.column], [e.end_location.row, e.end_location.column]]
            for e in d.fix.edits], d.fix.applicability.value],
    }


def load(data: dict[str, Any], filename: str) -> Diagnostic:
    """A finding back from :func:`dump`'s data, in file ``filename``."""
    fix = None
    if data["fix"] is not None:
        message, edits, applicability = data["fix"]
        fix = Fix(message, tuple(Edit(_location(start), _location(end), content) for content, start, end in edits),
                  Applicability(applicability))
    notes = tuple(Note(message, _location(start), _location(end)) for message, start, end in data["notes"])
    return Diagnostic(filename, data["code"], data["name"], Severity(data["severity"]), data["message"],
                      _location(data["location"]), _location(data["end_location"]), notes, fix=fix)


class Cache:
    """Findings by file content, for one set of settings."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / __version__
        self._folder = str(self.folder)
        self.hits = 0
        self.misses = 0
        self._ready = False

    def key(self, source: str, settings: Any) -> str:
        """The cache key of ``source`` checked with ``settings``."""
        digest = hashlib.sha256()
        for part in (code_fingerprint(), settings_fingerprint(settings), source):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str, filename: str) -> Optional[list[Diagnostic]]:
        """The cached findings for ``key`` (with ``filename`` as their file), or None."""
        try:
            # Plain strings and bytes: on a warm run this is most of the work, once per file.
            with open(os.path.join(self._folder, key[:2], f"{key}.json"), "rb") as handle:
                data = json.loads(handle.read())
            found = [load(item, filename) for item in data]
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        """Store findings under ``key`` (quietly does nothing when the folder is not writable)."""
        import tempfile  # (a run answered from the cache writes nothing)

        try:
            self._prepare()
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump([dump(d) for d in diagnostics], handle)
            os.replace(temporary, path)
        except OSError:
            pass

    def _prepare(self) -> None:
        if self._ready:
            return
        root = self.folder.parent
        root.mkdir(parents=True, exist_ok=True)
        if not (root / ".gitignore").exists():
            (root / ".gitignore").write_text("# Created by shapecheck.\n*\n", encoding="utf-8")
        if not (root / "CACHEDIR.TAG").exists():
            (root / "CACHEDIR.TAG").write_text(_TAG, encoding="utf-8")
        self._ready = True
