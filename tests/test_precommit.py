"""The pre-commit hook, for real: a temporary repository whose .pre-commit-config.yaml
points at a commit of this checkout, run with `pre-commit run --all-files`.

pre-commit clones the hook repository at ``rev`` and pip-installs it into a
fresh virtual environment, so the hook repository is a temporary copy of the
working tree (tracked and untracked, not ignored, files) committed there:
the test checks the code as it is now, and needs nothing but PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_cli import BAD, GOOD

pytest.importorskip("pre_commit")
if shutil.which("git") is None:  # pragma: no cover - git is part of the dev setup
    pytest.skip("git is not installed", allow_module_level=True)

GIT_IDENTITY = ["-c", "user.name=shapecheck tests", "-c", "user.email=tests@example.invalid",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def snapshot_of_checkout(target: Path) -> str:
    """Copy the working tree into ``target``, commit it there, and return the commit."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot for the pre-commit test")
    return git(target, "rev-parse", "HEAD")


def pre_commit(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the checkout's git metadata")
def test_pre_commit_hook_fails_on_a_bad_script_and_passes_once_fixed(tmp_path: Path) -> None:
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    rev = snapshot_of_checkout(hook_repo)
    assert (hook_repo / ".pre-commit-hooks.yaml").is_file()

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hook_repo.as_posix()}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: shapecheck\n"
        "      - id: shapecheck-confirm\n"  # manual stage: must not run (nor install) here
    )
    (project / "model_bad.py").write_text(BAD)
    (project / "model_good.py").write_text(GOOD)
    (project / "README.md").write_text("keras notes, not Python\n")
    git(project, "add", "-A")

    failed = pre_commit(project, tmp_path / "pre-commit-home")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "shapecheck" in output and "Failed" in output
    assert "model_bad.py:6:11: error:" in output and "[SC102 stacked-rnn-missing-return-sequences]" in output
    assert "model_good.py" not in output
    assert "\x1b[" not in output  # no colours under pre-commit
    assert "shapecheck (confirm findings with Keras)" not in output

    (project / "model_bad.py").write_text(GOOD)
    git(project, "add", "-A")
    passed = pre_commit(project, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
