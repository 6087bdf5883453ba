"""The result cache (.shapecheck_cache) and --jobs."""

from __future__ import annotations

from concurrent import futures
from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.app.cli import main

from .test_cli import BAD, GOOD


def run(*args: str):
    return CliRunner().invoke(main, ["check", "--isolated", *args], catch_exceptions=False)


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.py").write_text(BAD)
    (tmp_path / "src" / "good.py").write_text(GOOD)
    return tmp_path


def _explode(*args, **kwargs):
    raise RuntimeError("checked again")


def test_warm_run_skips_unchanged_files(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = run("src")
    assert cold.exit_code == 1
    cache = tree / ".shapecheck_cache"
    assert (cache / "CACHEDIR.TAG").is_file() and (cache / ".gitignore").read_text().strip().endswith("*")
    assert len(list(cache.rglob("*.json"))) == 2
    # The runner imports the checker only when a file is not answered from the cache.
    monkeypatch.setattr("shapecheck.checking.checker.check_source", _explode)
    warm = run("src")
    assert warm.output == cold.output and warm.exit_code == 1
    # Changed content, changed settings and --no-cache all check again.
    (tree / "src" / "good.py").write_text(GOOD + "\n")
    changed = run("src")
    assert changed.exit_code == 2 and "good.py: internal error: RuntimeError: checked again" in changed.output
    assert "bad.py: internal error" not in changed.output
    assert run("--ignore", "SC301", "src/bad.py").exit_code == 2
    assert run("--no-cache", "src/bad.py").exit_code == 2


def test_cached_findings_keep_notes_fixes_and_file_names(tree: Path) -> None:
    cold = run("--output-format", "json", "src/bad.py")
    (tree / "copy.py").write_text(BAD)
    warm = run("--output-format", "json", "src/bad.py")
    assert warm.output == cold.output and '"fix": {' in warm.output
    renamed = run("--output-format", "json", "copy.py")
    assert renamed.output == cold.output.replace("src/bad.py", "copy.py")


def test_damaged_entry_is_a_miss(tree: Path) -> None:
    cold = run("src/bad.py").output
    for entry in (tree / ".shapecheck_cache").rglob("*.json"):
        entry.write_text("{broken")
    assert run("src/bad.py").output == cold


def test_cache_dir_option_and_config(tree: Path) -> None:
    run("--cache-dir", "elsewhere", "src")
    assert list((tree / "elsewhere").rglob("*.json")) and not (tree / ".shapecheck_cache").exists()
    (tree / "pyproject.toml").write_text('[tool.shapecheck]\ncache-dir = "cfg-cache"\n')
    CliRunner().invoke(main, ["check", "src"])
    assert list((tree / "cfg-cache").rglob("*.json"))


def test_jobs_give_the_same_report(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        (tree / "src" / f"copy_{i:02}.py").write_text(BAD if i % 2 else GOOD)
    pools = []
    real_pool = futures.ProcessPoolExecutor

    def recording_pool(*args, **kwargs):
        pools.append(kwargs.get("max_workers"))
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(futures, "ProcessPoolExecutor", recording_pool)  # (the runner imports it when needed)
    serial = run("--no-cache", "--jobs", "1", "src")
    assert pools == []
    parallel = run("--no-cache", "--jobs", "2", "src")
    assert pools == [2]
    assert parallel.output == serial.output and parallel.exit_code == serial.exit_code == 1
    assert "Found 7 errors in 7 files." in parallel.output
