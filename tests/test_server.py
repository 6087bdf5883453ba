"""The language server over stdio, with a real JSON-RPC exchange: initialize,
didOpen -> publishDiagnostics, codeAction (fix, ignore on this line, fix all), didChange,
didSave, hover, inlay hints, client settings, notebooks, stale edits, shutdown, exit."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from .test_cli import BAD, GOOD

pytest.importorskip("pygls")

TIMEOUT = 60


class Client:
    """A minimal LSP client: Content-Length framing over the server's stdio."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "shapecheck", "server"], cwd=cwd,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, match) -> dict[str, Any]:
        while True:
            try:
                message = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                stderr = self.process.stderr.read1(10000) if self.process.stderr else b""  # type: ignore[union-attr]
                raise AssertionError(f"no answer from the server; stderr: {stderr!r}") from None
            if match(message):
                return message

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri)
        return message["params"]["diagnostics"]


@pytest.fixture()
def client(tmp_path: Path):
    c = Client(tmp_path)
    yield c
    if c.process.poll() is None:
        c.process.kill()
    c.process.wait(timeout=TIMEOUT)


def test_language_server_exchange(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(BAD)
    uri = path.as_uri()
    init = client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    capabilities = init["capabilities"]
    assert capabilities["codeActionProvider"]
    assert capabilities["textDocumentSync"]
    assert init["serverInfo"]["name"] == "shapecheck"
    client.notify("initialized", {})

    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": BAD}})
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "SC102" and diagnostic["source"] == "shapecheck"
    assert diagnostic["severity"] == 1
    assert diagnostic["range"] == {"start": {"line": 5, "character": 10}, "end": {"line": 5, "character": 18}}
    [related] = diagnostic["relatedInformation"]
    assert related["message"] == "add `return_sequences=True` here"
    assert related["location"]["uri"] == uri and related["location"]["range"]["start"] == {"line": 4, "character": 10}

    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    action, ignore, fix_all = actions
    assert action["kind"] == "quickfix" and "return_sequences=True" in action["title"]
    assert "unsafe" not in action["title"] and action["isPreferred"]
    [edit] = action["edit"]["changes"][uri]
    assert edit == {"range": {"start": {"line": 4, "character": 38}, "end": {"line": 4, "character": 38}},
                    "newText": ", return_sequences=True"}
    assert ignore["title"] == "Ignore SC102 on this line" and ignore["kind"] == "quickfix"
    [noqa] = ignore["edit"]["changes"][uri]
    assert noqa == {"range": {"start": {"line": 5, "character": 19}, "end": {"line": 5, "character": 19}},
                    "newText": "  # noqa: SC102"}
    assert fix_all["kind"] == "source.fixAll"
    [whole] = fix_all["edit"]["changes"][uri]
    assert whole["newText"] == GOOD

    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": GOOD}]})
    assert client.diagnostics(uri) == []
    warning = GOOD + "head = keras.Sequential([keras.Input(shape=(4,)), Dense(3, activation='sigmoid')])\n" \
        "head.compile(loss='categorical_crossentropy', optimizer='adam')\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": warning}]})
    [changed] = client.diagnostics(uri)
    assert changed["code"] == "SC202" and changed["severity"] == 2
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri)] == ["SC202"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []

    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=TIMEOUT) == 0


def test_server_uses_the_nearest_config(client: Client, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.shapecheck]\nseverity = { SC102 = "warning" }\n')
    path = tmp_path / "model.py"
    uri = path.as_uri()
    client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": BAD}})
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "SC102" and diagnostic["severity"] == 2
    assert client.request("shutdown", None) is None
    client.notify("exit", None)


def _start(client: Client, tmp_path: Path, options: Any = None, capabilities: Any = None) -> None:
    client.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": capabilities or {},
                                  "initializationOptions": options})
    client.notify("initialized", {})


def _stop(client: Client) -> None:
    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.process.wait(timeout=TIMEOUT) == 0


SHAPES = """\
import keras
from keras import layers

inp = keras.Input(shape=(10, 8))
seq = layers.LSTM(64, return_sequences=True)(inp)
out = layers.Dense(1)(layers.GlobalAveragePooling1D()(seq))
"""


def _open(client: Client, uri: str, text: str, version: int = 1) -> None:
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version,
                                                            "text": text}})


def test_hover_shows_shape_and_origin(client: Client, tmp_path: Path) -> None:
    uri = (tmp_path / "model.py").as_uri()
    _start(client, tmp_path)
    _open(client, uri, SHAPES)
    assert client.diagnostics(uri) == []
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 5, "character": 55}})  # `seq` on line 6
    assert hover["contents"]["value"] == "`(None, 10, 64)` — output of `LSTM` on line 5"
    assert hover["range"] == {"start": {"line": 5, "character": 54}, "end": {"line": 5, "character": 57}}
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 4, "character": 46}})  # `inp` on line 5
    assert hover["contents"]["value"] == "`(None, 10, 8)` — input (`keras.Input`) on line 4"
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                 "position": {"line": 0, "character": 3}}) is None
    _stop(client)


def test_inlay_hints_after_each_layer_call_and_the_setting_that_turns_them_off(client: Client,
                                                                               tmp_path: Path) -> None:
    uri = (tmp_path / "model.py").as_uri()
    _start(client, tmp_path)
    _open(client, uri, SHAPES)
    client.diagnostics(uri)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}}
    hints = client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole})
    assert sorted((h["position"]["line"], h["position"]["character"], h["label"]) for h in hints) == [
        (4, 49, "→ (None, 10, 64)"), (5, 58, "→ (None, 64)"), (5, 59, "→ (None, 1)")]
    assert {h["kind"] for h in hints} == {1}  # InlayHintKind.Type
    client.notify("workspace/didChangeConfiguration", {"settings": {"shapecheck": {"inlayHints": False}}})
    assert client.request("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": whole}) == []
    _stop(client)


def test_unsafe_fix_is_labelled(client: Client, tmp_path: Path) -> None:
    uri = (tmp_path / "model.py").as_uri()
    text = ("import keras\nfrom keras import layers\ninp = keras.Input(shape=(10, 3))\n"
            "x = layers.LSTM(64)(inp)\na = layers.LSTM(32)(x)\nb = layers.Dense(1)(x)\n")
    _start(client, tmp_path)
    _open(client, uri, text)
    [diagnostic] = client.diagnostics(uri)
    assert diagnostic["code"] == "SC102"
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})
    titles = [a["title"] for a in actions]
    assert any("return_sequences=True" in t and "[unsafe fix]" in t for t in titles), titles
    assert "Ignore SC102 on this line" in titles
    assert not any(a["kind"] == "source.fixAll" for a in actions)  # fix all applies safe fixes only
    _stop(client)


def test_settings_change_reuses_the_analysis(client: Client, tmp_path: Path) -> None:
    uri = (tmp_path / "model.py").as_uri()
    _start(client, tmp_path)
    _open(client, uri, BAD)
    assert [d["code"] for d in client.diagnostics(uri)] == ["SC102"]
    client.notify("workspace/didChangeConfiguration", {"settings": {"shapecheck": {"ignore": ["SC102"]}}})
    client.wait(lambda m: m.get("method") == "window/logMessage" and "last analysis reused" in m["params"]["message"])
    assert client.diagnostics(uri) == []
    client.notify("workspace/didChangeConfiguration", {"settings": {"shapecheck": {}}})
    assert [d["code"] for d in client.diagnostics(uri)] == ["SC102"]  # more rules: analysed again
    _stop(client)


def test_stale_edits_are_never_published(client: Client, tmp_path: Path) -> None:
    uri = (tmp_path / "model.py").as_uri()
    _start(client, tmp_path)
    big = GOOD + "".join(f"d{i} = keras.layers.Dense({i + 1})\n" for i in range(300))
    _open(client, uri, big)
    assert client.diagnostics(uri) == []
    for version in range(2, 12):
        text = BAD if version == 11 else big + f"z = {version}\n"
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [{"text": text}]})
    published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")["params"]
    # Edits that arrived while a check ran were coalesced: what is published is the newest text's.
    while published["version"] != 11:
        assert published["diagnostics"] == [] and published["version"] < 11
        published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")["params"]
    assert [d["code"] for d in published["diagnostics"]] == ["SC102"]
    _stop(client)


def test_notebook_cells_checked_as_one_notebook(client: Client, tmp_path: Path) -> None:
    notebook = (tmp_path / "nb.ipynb").as_uri()
    cells = [
        ("import keras\nfrom keras.layers import LSTM\n", 2),
        ("Some *markdown*", 1),
        ("%matplotlib inline\nmodel = keras.Sequential()\nmodel.add(LSTM(64, input_shape=(10, 3)))\n", 2),
        ("model.add(LSTM(32))\n", 2),
    ]
    uris = [f"vscode-notebook-cell:{tmp_path}/nb.ipynb#cell{i}" for i in range(len(cells))]
    _start(client, tmp_path)
    client.notify("notebookDocument/didOpen", {
        "notebookDocument": {"uri": notebook, "notebookType": "jupyter-notebook", "version": 1,
                             "cells": [{"kind": kind, "document": u} for (_, kind), u in zip(cells, uris)]},
        "cellTextDocuments": [{"uri": u, "languageId": "python" if kind == 2 else "markdown", "version": 1,
                               "text": text} for (text, kind), u in zip(cells, uris)]})
    published = {}
    while len(published) < len(cells):
        message = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        published[message["params"]["uri"]] = message["params"]["diagnostics"]
    assert published[uris[0]] == [] and published[uris[2]] == []
    [diagnostic] = published[uris[3]]
    assert diagnostic["code"] == "SC102"
    assert diagnostic["range"]["start"] == {"line": 0, "character": 10}
    # Editing a cell re-checks its notebook: the fix in cell 3 clears cell 4's finding.
    client.notify("notebookDocument/didChange", {
        "notebookDocument": {"uri": notebook, "version": 2},
        "change": {"cells": {"textContent": [{"document": {"uri": uris[2], "version": 2}, "changes": [
            {"text": cells[2][0].replace("(10, 3))", "(10, 3), return_sequences=True)")}]}]}}})
    while True:
        message = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        if message["params"]["uri"] == uris[3]:
            assert message["params"]["diagnostics"] == []
            break
    _stop(client)


def test_an_analysis_whose_text_is_stale_is_cancelled(tmp_path: Path) -> None:
    from shapecheck.app.server import ShapecheckServer
    from shapecheck.checking.checker import AnalysisCancelled, default_settings

    server = ShapecheckServer()
    big = GOOD + "".join(f"d{i} = keras.layers.Dense({i + 1})\n" for i in range(2000))
    asked: list[int] = []

    def newer_edit_after_three_looks() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(AnalysisCancelled):
        server._check_text(big, str(tmp_path / "model.py"), default_settings(), None, newer_edit_after_three_looks)
    assert len(asked) == 4, "asked every few hundred steps, and stopped at the first True"
    checked = server._check_text(BAD, str(tmp_path / "model.py"), default_settings(), None, lambda: False)
    assert [d.code for d in checked.findings] == ["SC102"]


def test_a_settings_change_analyses_again_from_the_last_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shapecheck.checking.checker as checker
    from shapecheck.app.server import ShapecheckServer
    from shapecheck.checking.registry import all_rules

    parsed: list[str] = []
    parse = checker.parse_indexed
    monkeypatch.setattr(checker, "parse_indexed", lambda source, freeze=False: parsed.append(source)
                        or parse(source, freeze))
    server = ShapecheckServer()
    name = str(tmp_path / "model.py")
    parses: checker.ParseCache = {}
    narrow = checker.Settings(tuple(r for r in all_rules() if r.code != "SC102"))
    first = server._check_text(BAD, name, narrow, None, None, parses)
    assert first.findings == [] and parsed == [BAD] and list(parses) == [BAD]
    wider = server._check_text(BAD, name, checker.default_settings(), first, None, parses)
    assert [d.code for d in wider.findings] == ["SC102"] and not wider.reused
    assert parsed == [BAD], "the same text with more rules: analysed again, not parsed again"
    server._check_text(GOOD, name, checker.default_settings(), wider, None, parses)
    assert parsed == [BAD, GOOD] and list(parses) == [GOOD], "a new text replaces the kept parse"
