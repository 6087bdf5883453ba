"""Read errors are findings (SC002 io-error, like ruff's E902) in every output format, with
exit 2: a missing path, a directory read as a file, a binary or undecodable file, a permission
error.  Never "All checks passed".  An empty folder says "No Python files found" (exit 0).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.app.files import read_source
from shapecheck.app.runner import check_files
from shapecheck.checking.checker import check_source, default_settings

FORMATS = ["concise", "full", "json", "json-lines", "github", "gitlab", "junit", "sarif"]


def run(*args: str):
    return CliRunner().invoke(main, ["check", "--isolated", "--no-cache", *args], catch_exceptions=False)


def _locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    locked = tmp_path / "locked.py"
    locked.write_text("import keras\n")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the read fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self.name == "locked.py":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return locked


CASES = {
    "missing": (lambda tmp, mp: tmp / "nope.py", "no such file or directory"),
    "binary": (lambda tmp, mp: _write(tmp / "blob.py", b"\x7fELF\x02\x01\x00\x00\x00keras"), "binary file"),
    "binary-without-keras": (lambda tmp, mp: _write(tmp / "data.py", b"\x00\x01\x02\x03"), "binary file"),
    "latin-1": (lambda tmp, mp: _write(tmp / "latin.py", b"import keras\nname = 'caf\xe9'\n"), "not valid UTF-8"),
    "permission": (lambda tmp, mp: _locked(tmp, mp), "permission denied"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_read_error_is_one_sc002_finding_in_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          case: str, fmt: str) -> None:
    make, reason = CASES[case]
    path = make(tmp_path, monkeypatch)
    result = run("--output-format", fmt, str(path))
    assert result.exit_code == 2, result.output
    out = result.stdout
    assert "All checks passed" not in out and "Traceback" not in result.output
    if fmt == "concise":
        assert f"{path}:1:1: error: cannot read: {reason}" in out and "[SC002 io-error]" in out, out
        assert "Found 1 error in 1 file." in out
    elif fmt == "full":
        assert "[SC002 io-error]" in out and reason in out
    elif fmt == "json":
        [item] = json.loads(out)
        assert (item["code"], item["name"], item["severity"], item["filename"]) == (
            "SC002", "io-error", "error", str(path))
        assert reason in item["message"]
    elif fmt == "json-lines":
        [line] = out.splitlines()
        assert json.loads(line)["code"] == "SC002"
    elif fmt == "github":
        assert out.startswith("::error title=shapecheck (SC002),file=") and reason in out
    elif fmt == "gitlab":
        [issue] = json.loads(out)
        assert issue["check_name"] == "SC002" and issue["severity"] == "major"
    elif fmt == "junit":
        root = ET.fromstring(out)
        assert root.get("failures") == "1"
        [failure] = root.iter("failure")
        assert failure.get("type") == "SC002" and reason in (failure.get("message") or "")
    elif fmt == "sarif":
        [result_] = json.loads(out)["runs"][0]["results"]
        assert (result_["ruleId"], result_["level"]) == ("SC002", "error")


def test_the_other_files_are_still_checked(tmp_path: Path) -> None:
    good = tmp_path / "bad_model.py"
    good.write_text("import keras\nmodel = keras.Sequential(\n")
    result = run("--output-format", "json", str(tmp_path / "nope.py"), str(good))
    assert result.exit_code == 2
    assert sorted(item["code"] for item in json.loads(result.stdout)) == ["SC001", "SC002"]


def test_a_read_error_cannot_be_ignored(tmp_path: Path) -> None:
    result = run("--ignore", "SC", "--output-format", "json", str(tmp_path / "nope.py"))
    assert result.exit_code == 2
    assert [item["code"] for item in json.loads(result.stdout)] == ["SC002"]


def test_reading_a_directory_as_a_file_is_an_io_error(tmp_path: Path) -> None:
    source = read_source(str(tmp_path))
    [result] = check_files([source], lambda path: default_settings())
    assert [(d.code, d.message) for d in result.diagnostics] == [("SC002", "cannot read: is a directory")]


def test_check_source_reports_a_binary_text_as_io_error() -> None:
    [finding] = check_source("import keras\n\x00\x00\n", "blob.py")
    assert (finding.code, finding.message) == ("SC002", "cannot read: binary file (a NUL byte on line 2)")


def test_an_empty_folder_says_no_python_files_found(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keras\n")
    result = run(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "warning: No Python files found under the given path(s)" in result.stderr


def test_a_folder_with_files_says_nothing_of_the_sort(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("import keras\n")
    result = run(str(tmp_path))
    assert result.exit_code == 0 and "No Python files" not in result.output
