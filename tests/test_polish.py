"""Issue 15 item 10: messages, spans, long lines, rule listing and docs, rule URLs, SARIF."""

from __future__ import annotations


from click.testing import CliRunner

from shapecheck.app.cli import main
from shapecheck.checking.registry import all_rules, rule_by_code
from shapecheck.report.diagnostics import Diagnostic, Location, Severity
from shapecheck.report.formats.full import full
from shapecheck.report.formats.json_format import to_json_object
from shapecheck.report.formats.sarif import sarif_log

from .conftest import check


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_sc001_does_not_say_invalid_syntax_twice() -> None:
    [finding] = check("import keras\nx = = 1\n")
    assert finding.code == "SC001"
    assert finding.message == "invalid syntax", finding.message


def test_sc001_keeps_pythons_words_after_the_prefix() -> None:
    [finding] = check("import keras\nmodel = keras.Sequential(\n")
    assert finding.message == "invalid syntax: '(' was never closed"


def test_sc301_lr_underlines_the_keyword_not_the_value() -> None:
    [finding] = [d for d in check("import keras\nopt = keras.optimizers.Adam(lr=0.001)\n") if d.code == "SC301"]
    column = len("opt = keras.optimizers.Adam(") + 1
    assert (finding.location, finding.end_location) == (Location(2, column), Location(2, column + 2))


def _finding(row: int, column: int, end_column: int) -> Diagnostic:
    return Diagnostic("long.py", "SC999", "test", Severity.ERROR, "boom", Location(row, column),
                      Location(row, end_column))


def test_full_truncates_a_huge_line_around_the_span() -> None:
    line = "x = [" + "1, " * 23_000 + "keras_thing] + y"
    column = line.index("keras_thing") + 1
    out = full([_finding(1, column, column + len("keras_thing"))], 1, {"long.py": line + "\n"})
    source_line, caret_line = out.splitlines()[1:3]
    assert len(source_line) < 200 and len(caret_line) < 200
    assert "keras_thing" in source_line and "…" in source_line
    start = source_line.index("keras_thing")
    assert caret_line[start:start + len("keras_thing")] == "^" * len("keras_thing")
    assert caret_line[:start].strip(" |") == "" and caret_line[start + len("keras_thing"):].strip() == ""


def test_full_keeps_short_lines_whole() -> None:
    out = full([_finding(1, 5, 8)], 1, {"short.py": "", "long.py": "abc keras def\n"})
    assert out.splitlines()[1:3] == ["  1 | abc keras def", "    |     ^^^"]


def test_rules_list_says_opt_in_once() -> None:
    out = cli("rules").output
    assert "(opt-in) (opt-in)" not in out
    assert all(line.count("(opt-in)") == 1 for line in out.splitlines() if "SC900" in line)


def test_rule_docs_say_whether_a_fix_exists() -> None:
    assert "Fix: a safe fix is available (`shapecheck check --fix`)." in rule_by_code("SC201").documentation()
    assert "Fix: sometimes safe (`shapecheck check --fix`), otherwise unsafe" in rule_by_code("SC102").documentation()
    assert "Fix: an unsafe fix is available (`shapecheck check --fix --unsafe-fixes`)." in \
        rule_by_code("SC302").documentation()
    assert "Fix: none; change the code by hand." in rule_by_code("SC101").documentation()


def test_every_finding_links_its_rule_doc() -> None:
    [finding] = [d for d in check("import keras\nopt = keras.optimizers.Adam(lr=0.001)\n") if d.code == "SC301"]
    assert to_json_object(finding)["url"] == "docs/rules/SC301.md"
    log = sarif_log([finding])
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(entry["helpUri"] == f"docs/rules/{entry['id']}.md" for entry in rules)
    assert len(rules) == len(all_rules())


def test_the_docs_base_url_setting(monkeypatch) -> None:
    monkeypatch.setenv("SHAPECHECK_DOCS_BASE_URL", "https://example.org/repo/blob/main/docs/rules")
    [finding] = check("import keras\nx = = 1\n")
    assert to_json_object(finding)["url"] == "https://example.org/repo/blob/main/docs/rules/SC001.md"
    assert sarif_log([])["runs"][0]["tool"]["driver"]["informationUri"] == \
        "https://example.org/repo/blob/main/README.md"


def test_lsp_diagnostic_has_a_code_description() -> None:
    import pytest

    server = pytest.importorskip("shapecheck.app.server")
    from pygls.workspace import TextDocument

    [finding] = check("import keras\nx = = 1\n")
    document = TextDocument("file:///tmp/x.py", "import keras\nx = = 1\n")
    lsp = server.ShapecheckServer.to_lsp(None, document, finding)  # type: ignore[arg-type]
    assert lsp.code_description is not None and lsp.code_description.href.endswith("docs/rules/SC001.md")


def test_sarif_carries_the_confirmation() -> None:
    from shapecheck.confirm.outcome import Confirmation, Status

    [finding] = check("import keras\nx = = 1\n")
    confirmation = Confirmation(Status.CONFIRMED, "SyntaxError: invalid syntax", 0.5, "3.15.0", "tensorflow")
    from dataclasses import replace

    [result] = sarif_log([replace(finding, confirmation=confirmation)])["runs"][0]["results"]
    assert result["properties"]["confirmation"] == confirmation.to_json()
    assert result["properties"]["confirmation"]["status"] == "confirmed"
