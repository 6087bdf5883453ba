"""Configuration (pyproject.toml and shapecheck.toml) and suppression comments, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shapecheck.checking.checker import Settings, check_source
from shapecheck.app.cli import main
from shapecheck.app.config import resolve_rules
from shapecheck.checking.registry import rule_by_code

from .test_cli import BAD, GOOD


def run(*args: str):
    return CliRunner().invoke(main, ["check", "--no-cache", *args], catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "src" / "bad.py").write_text(BAD)
    (tmp_path / "tests" / "bad_test.py").write_text(BAD)
    return tmp_path


def codes_by_file(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        if ": error: " in line or ": warning: " in line:
            path = line.split(":", 1)[0]
            found.setdefault(Path(path).name, []).append(line.rsplit("[", 2)[1].split()[0])
    return found


def test_per_file_ignores_accept_codes_prefixes_and_names(project: Path) -> None:
    for selector in ("SC102", "SC1", "stacked-rnn-missing-return-sequences"):
        (project / "pyproject.toml").write_text(
            f'[tool.shapecheck]\nper-file-ignores = {{ "tests/*" = ["{selector}"] }}\n')
        result = run(".")
        assert result.exit_code == 1, result.output
        assert codes_by_file(result.output) == {"bad.py": ["SC102"]}, selector


def test_per_file_ignores_unknown_code_is_named(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nper-file-ignores = { "tests/*" = ["SC777"] }\n')
    result = run(".")
    assert result.exit_code == 2
    assert "unknown rule selector `SC777`" in result.output and "per-file-ignores" in result.output
    assert "Traceback" not in result.output


def test_shapecheck_toml_and_severity_override(project: Path) -> None:
    (project / "shapecheck.toml").write_text('[severity]\nSC1 = "warning"\n')
    result = run("src")
    assert result.exit_code == 1
    assert ": warning: " in result.output and "Found 1 warning in 1 file." in result.output
    (project / "shapecheck.toml").write_text('[severity]\nstacked-rnn-missing-return-sequences = "info"\n')
    bad_level = run("src")
    assert bad_level.exit_code == 2 and "must be \"error\" or \"warning\"" in bad_level.output


def test_cli_flags_override_config(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nselect = ["SC2"]\n')
    assert run("src").exit_code == 0
    assert run("--select", "SC102", "src").exit_code == 1
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nexclude = ["src"]\n')
    assert run(".").exit_code == 1  # tests/ still checked
    assert codes_by_file(run(".").output) == {"bad_test.py": ["SC102"]}


def test_confirm_key_and_types_are_validated(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nconfirm = false\n')
    assert run("src").exit_code == 1
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nconfirm = "yes"\n')
    result = run("src")
    assert result.exit_code == 2 and "`confirm` must be true or false" in result.output
    (project / "pyproject.toml").write_text('[tool.shapecheck]\nselct = ["SC1"]\n')
    result = run("src")
    assert result.exit_code == 2 and "unknown configuration key `selct`" in result.output


@pytest.mark.parametrize("comment, silenced", [
    ("# noqa", True),
    ("# noqa: SC102", True),
    ("# noqa: SC1", True),
    ("# noqa:SC301,SC102", True),
    ("# noqa: stacked-rnn-missing-return-sequences", True),
    ("# shapecheck: ignore[SC102]", True),
    ("# shapecheck: ignore", True),
    ("# noqa: E501", False),
    ("# noqa: SC2", False),
    ("# shapecheck: ignore[SC201]", False),
])
def test_line_suppressions(comment: str, silenced: bool) -> None:
    source = BAD.replace("model.add(LSTM(32))", f"model.add(LSTM(32))  {comment}")
    codes = [d.code for d in check_source(source, "x.py")]
    assert (codes == []) is silenced, (comment, codes)


def test_suppression_inside_a_string_is_not_a_suppression() -> None:
    source = BAD.replace("model.add(LSTM(32))", "model.add(LSTM(32)); note = '# noqa'")
    assert [d.code for d in check_source(source, "x.py")] == ["SC102"]


def test_file_level_suppression() -> None:
    assert check_source("# shapecheck: ignore-file\n" + BAD, "x.py") == []
    assert check_source(BAD + "# shapecheck: ignore-file[SC1]\n", "x.py") == []
    assert [d.code for d in check_source("# shapecheck: ignore-file[SC3]\n" + BAD, "x.py")] == ["SC102"]


def _with_sc900(*selectors: str) -> Settings:
    return Settings(tuple(resolve_rules(None, [], list(selectors))))


def test_unused_suppression_is_opt_in() -> None:
    source = GOOD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: SC102")
    assert check_source(source, "x.py") == []
    sc900 = rule_by_code("SC900")
    assert sc900 not in resolve_rules(None, [], [])
    assert sc900 not in resolve_rules(["ALL"], [], [])
    assert sc900 not in resolve_rules(["SC9"], [], [])
    assert sc900 in resolve_rules(None, [], ["SC900"])
    assert sc900 in resolve_rules(None, [], ["unused-suppression"])
    [finding] = check_source(source, "x.py", _with_sc900("SC900"))
    assert finding.code == "SC900" and finding.location.row == 6
    assert "`# noqa: SC102`" in finding.message and "`SC102`" in finding.message


def test_used_and_foreign_suppressions_are_not_reported() -> None:
    used = BAD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # shapecheck: ignore[SC102]")
    assert check_source(used, "x.py", _with_sc900("SC900")) == []
    foreign = GOOD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: E501")
    assert check_source(foreign, "x.py", _with_sc900("SC900")) == []
    blanket = GOOD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # shapecheck: ignore")
    assert [d.code for d in check_source(blanket, "x.py", _with_sc900("SC900"))] == ["SC900"]


def test_unused_suppression_through_the_cli(project: Path) -> None:
    (project / "src" / "good.py").write_text(GOOD.replace("model.add(LSTM(32))", "model.add(LSTM(32))  # noqa: SC102"))
    assert run("src/good.py").exit_code == 0
    result = run("--extend-select", "SC900", "src/good.py")
    assert result.exit_code == 1 and "[SC900 unused-suppression]" in result.output
