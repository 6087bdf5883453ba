"""The language server over stdio, with a real JSON-RPC exchange: initialize,
didOpen -> publishDiagnostics, codeAction, didChange, didSave, shutdown, exit."""

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
    [action] = actions
    assert action["kind"] == "quickfix" and "return_sequences=True" in action["title"]
    [edit] = action["edit"]["changes"][uri]
    assert edit == {"range": {"start": {"line": 4, "character": 38}, "end": {"line": 4, "character": 38}},
                    "newText": ", return_sequences=True"}

    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": GOOD}]})
    assert client.diagnostics(uri) == []
    warning = GOOD + "head = keras.Sequential([keras.Input(shape=(4,)), Dense(1, activation='sigmoid')])\n" \
        "head.compile(loss='mse', optimizer='adam')\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"text": warning}]})
    [changed] = client.diagnostics(uri)
    assert changed["code"] == "SC205" and changed["severity"] == 2
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics(uri)] == ["SC205"]
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
