"""Time from ``textDocument/didChange`` to ``publishDiagnostics`` in the language server.

Starts ``shapecheck server`` over stdio, opens a generated 500-line Keras
script (Sequential and Functional models, builder functions, compile and
fit calls, one real mistake), then sends ~20 edits one at a time, each
changing a layer's width, and measures the time until the diagnostics of that
version arrive.  Prints the median and p95 (and the first open), for the script with one finding and for its clean version.

    python bench/bench_lsp.py [--lines 500] [--edits 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def generate(lines: int) -> str:
    """A Keras script of about ``lines`` lines, with one SC102 (a stacked LSTM without return_sequences)."""
    out = ["import keras", "import numpy as np", "from keras import layers", "",
           "x_train = np.random.rand(64, 20, 8).astype('float32')", "y_train = np.random.randint(0, 4, size=64)", ""]
    i = 0
    while len(out) < lines - 8:
        out += [f"def build_{i}(units={16 + i % 8}):",
                "    inp = keras.Input(shape=(20, 8))",
                "    x = layers.LSTM(units, return_sequences=True)(inp)",
                "    x = layers.Conv1D(16, 3, padding='same', activation='relu')(x)",
                "    x = layers.GlobalAveragePooling1D()(x)",
                f"    x = layers.Dense({32 + i % 5}, activation='relu')(x)",
                "    x = layers.Dropout(0.2)(x)",
                "    out = layers.Dense(4, activation='softmax')(x)",
                f"    model = keras.Model(inp, out, name='m{i}')",
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
                "    return model",
                "",
                f"seq_{i} = keras.Sequential([keras.Input(shape=(20, 8)), layers.Flatten(),",
                f"                            layers.Dense({8 + i % 7}), layers.Dense(4, activation='softmax')])",
                f"seq_{i}.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
                f"seq_{i}.fit(x_train, y_train, epochs=1, verbose=0)",
                f"model_{i} = build_{i}()",
                ""]
        i += 1
    out += ["bad = keras.Sequential()", "bad.add(layers.LSTM(32, input_shape=(20, 8)))", "bad.add(layers.LSTM(16))",
            "bad.compile(optimizer='adam', loss='mse')", ""]
    return "\n".join(out) + "\n"


class Client:
    """Content-Length framed JSON-RPC over the server's stdio."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "shapecheck", "server"], cwd=cwd,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def read(self) -> dict[str, Any]:
        stream = self.process.stdout
        assert stream is not None
        length = 0
        while True:
            line = stream.readline().strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(stream.read(length))  # type: ignore[no-any-return]

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def diagnostics(self, version: int) -> list[dict[str, Any]]:
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" \
                    and message["params"].get("version") == version:
                return message["params"]["diagnostics"]  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    text = generate(args.lines)
    print("-- with one finding (SC102 and its fix):")
    measure(text, args.edits)
    print("-- clean (the same script, mistake fixed):")
    measure(text.replace("bad.add(layers.LSTM(16))", "bad.add(layers.Dense(16))"), args.edits)


def measure(text: str, edits: int) -> None:
    """Open ``text`` in a fresh server, edit it ``edits`` times, print the latencies."""
    folder = Path(tempfile.mkdtemp())
    uri = (folder / "generated.py").as_uri()
    client = Client(folder)
    client.request("initialize", {"processId": None, "rootUri": folder.as_uri(), "capabilities": {}})
    client.send({"method": "initialized", "params": {}})
    start = time.perf_counter()
    client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}}})
    found = client.diagnostics(1)
    first = time.perf_counter() - start
    codes = sorted({d["code"] for d in found})
    times = []
    lines = text.splitlines(keepends=True)
    width_rows = [n for n, line in enumerate(lines) if "layers.Dense(" in line and "softmax" not in line]
    for edit in range(edits):
        row = width_rows[edit % len(width_rows)]
        lines[row] = lines[row].replace("layers.Dense(", "layers.Dense(1 + ", 1)
        version = edit + 2
        start = time.perf_counter()
        client.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": "".join(lines)}]}})
        client.diagnostics(version)
        times.append(time.perf_counter() - start)
    client.request("shutdown", None)
    client.send({"method": "exit", "params": None})
    client.process.wait(timeout=30)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"script: {len(lines)} lines, findings {codes}")
    print(f"didOpen -> publishDiagnostics: {first * 1000:.1f} ms (first check, imports warm up)")
    print(f"didChange -> publishDiagnostics over {len(times)} edits: median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, min {times[0] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
