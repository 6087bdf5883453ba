"""Random Keras programs, for the fuzz tests and ``bench/fuzz_keras.py``.

``keras_program(rng)`` writes a plausible beginner script: one import style
of several, a random input shape, a random stack of layers built as a
``Sequential`` list, with ``model.add``, with the Functional API (with a
branch merged by ``Concatenate``/``Add``), through a helper function or a
loop; mostly layers that fit the running rank, sometimes one that does not,
so that real Keras rejects a good share of them.  Every statement that
builds something sits on its own line, so a traceback names it.

``wild_program(rng)`` writes Keras-like programs that are not meant to make
sense: layers called on layers, merges built with tensors, arguments of the
wrong type, unknown names, recursion, loops and comprehensions around model
building.  They only have to be analysed without an internal error.

Both take a ``random.Random`` (hypothesis' ``st.randoms()`` shrinks them).
Sizes stay small, so Keras builds every model in milliseconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable, Optional

# name -> (how the script names things): layers module prefix, model and input names.
IMPORT_STYLES: dict[str, tuple[str, str, str, str, str]] = {
    # style: (import lines, layer prefix, Sequential, Model, Input)
    "import_keras": ("import keras", "keras.layers.", "keras.Sequential", "keras.Model", "keras.Input"),
    "from_keras_import_layers": ("import keras\nfrom keras import layers", "layers.", "keras.Sequential",
                                 "keras.Model", "keras.Input"),
    "from_tensorflow_import_keras": ("from tensorflow import keras", "keras.layers.", "keras.models.Sequential",
                                     "keras.models.Model", "keras.layers.Input"),
    "tf_keras": ("import tensorflow as tf", "tf.keras.layers.", "tf.keras.Sequential", "tf.keras.Model",
                 "tf.keras.Input"),
    "keras_layers_as_L": ("import keras\nimport keras.layers as L", "L.", "keras.Sequential", "keras.Model",
                          "L.Input"),
    "tensorflow_keras_layers_models": ("from tensorflow.keras import layers, models, Input", "layers.",
                                       "models.Sequential", "models.Model", "Input"),
    "from_keras_layers_star": ("from keras.layers import *\nfrom keras.models import Sequential, Model", "",
                               "Sequential", "Model", "Input"),
}


@dataclass
class _State:
    """The rank (without the batch axis) and the known sizes of the running tensor."""

    dims: list[int]

    @property
    def rank(self) -> int:
        return len(self.dims)


@dataclass
class _Layer:
    """One layer expression and what it is expected to do to the shape (None: unknown)."""

    text: str
    dims: Optional[list[int]]


@dataclass
class Program:
    """A generated script and how it was made (for messages)."""

    source: str
    style: str
    layers: list[str] = field(default_factory=list)


def _size(rng: random.Random, low: int = 1, high: int = 16) -> int:
    return rng.randint(low, high)


def _conv_out(length: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return -(-length // stride)
    return (length - kernel) // stride + 1


def _layer(rng: random.Random, p: str, state: _State, fitting: bool) -> _Layer:
    """A random layer; with ``fitting``, one whose input rank matches the running tensor."""
    rank = state.rank
    choices: list[Callable[[], _Layer]] = []

    def dense() -> _Layer:
        units = _size(rng, 1, 32)
        act = rng.choice(["", ", activation='relu'", ", activation='softmax'", ", activation='sigmoid'"])
        return _Layer(f"{p}Dense({units}{act})", state.dims[:-1] + [units] if rank >= 1 else None)

    def conv(n: int) -> Callable[[], _Layer]:
        def make() -> _Layer:
            filters = _size(rng, 1, 16)
            kernel = _size(rng, 1, 5)
            stride = rng.choice([1, 1, 2])
            padding = rng.choice(["valid", "same"])
            ktext = str(kernel) if n == 1 or rng.random() < 0.5 else "(" + ", ".join([str(kernel)] * n) + ")"
            extra = (f", strides={stride}" if stride != 1 else "") + (", padding='same'" if padding == "same" else "")
            dims = None
            if rank == n + 1:
                spatial = [_conv_out(d, kernel, stride, padding) for d in state.dims[:-1]]
                dims = spatial + [filters] if all(s > 0 for s in spatial) else None
            return _Layer(f"{p}Conv{n}D({filters}, {ktext}{extra})", dims)
        return make

    def pool(n: int, kind: str) -> Callable[[], _Layer]:
        def make() -> _Layer:
            size = _size(rng, 2, 4)
            dims = None
            if rank == n + 1:
                spatial = [d // size for d in state.dims[:-1]]
                dims = spatial + state.dims[-1:] if all(s > 0 for s in spatial) else None
            return _Layer(f"{p}{kind}Pooling{n}D({size})", dims)
        return make

    def global_pool(n: int) -> Callable[[], _Layer]:
        return lambda: _Layer(f"{p}Global{rng.choice(['Average', 'Max'])}Pooling{n}D()",
                              state.dims[-1:] if rank == n + 1 else None)

    def rnn() -> _Layer:
        kind = rng.choice(["LSTM", "GRU", "SimpleRNN"])
        units = _size(rng, 1, 16)
        seq = rng.random() < 0.5
        text = f"{p}{kind}({units}{', return_sequences=True' if seq else ''})"
        dims = ([state.dims[0], units] if seq else [units]) if rank == 2 else None
        if rng.random() < 0.25:
            text = f"{p}Bidirectional({text})"
            dims = None if dims is None else dims[:-1] + [2 * units]
        return _Layer(text, dims)

    def time_distributed() -> _Layer:
        units = _size(rng, 1, 16)
        return _Layer(f"{p}TimeDistributed({p}Dense({units}))",
                      state.dims[:-1] + [units] if rank >= 2 else None)

    def flatten() -> _Layer:
        total = 1
        for d in state.dims:
            total *= d
        return _Layer(f"{p}Flatten()", [total] if rank >= 1 else None)

    def reshape() -> _Layer:
        total = 1
        for d in state.dims:
            total *= d
        if rng.random() < 0.7 and total > 1:
            first = rng.choice([d for d in range(1, total + 1) if total % d == 0])
            target = [first, total // first]
        else:
            target = [_size(rng, 1, 8), _size(rng, 1, 8)]
        text = f"{p}Reshape(({target[0]}, {target[1]}))"
        return _Layer(text, target if target[0] * target[1] == total else None)

    def same_shape() -> _Layer:
        return _Layer(rng.choice([f"{p}Dropout(0.25)", f"{p}BatchNormalization()", f"{p}LayerNormalization()",
                                  f"{p}Activation('relu')"]), list(state.dims))

    def repeat_vector() -> _Layer:
        n = _size(rng, 1, 8)
        return _Layer(f"{p}RepeatVector({n})", [n] + state.dims if rank == 1 else None)

    def permute() -> _Layer:
        return _Layer(f"{p}Permute((2, 1))", [state.dims[1], state.dims[0]] if rank == 2 else None)

    def upsampling1d() -> _Layer:
        return _Layer(f"{p}UpSampling1D(2)", [state.dims[0] * 2, state.dims[1]] if rank == 2 else None)

    def zero_padding1d() -> _Layer:
        return _Layer(f"{p}ZeroPadding1D(1)", [state.dims[0] + 2, state.dims[1]] if rank == 2 else None)

    by_rank: dict[int, list[Callable[[], _Layer]]] = {
        1: [dense, dense, same_shape, repeat_vector, reshape],
        2: [dense, conv(1), conv(1), pool(1, "Max"), pool(1, "Average"), global_pool(1), rnn, rnn,
            time_distributed, flatten, permute, same_shape, upsampling1d, zero_padding1d, reshape],
        3: [conv(2), conv(2), pool(2, "Max"), pool(2, "Average"), global_pool(2), flatten, dense, same_shape,
            time_distributed],
        4: [conv(3), flatten, global_pool(3), dense],
    }
    everything = [dense, conv(1), conv(2), pool(1, "Max"), pool(2, "Max"), global_pool(1), global_pool(2), rnn,
                  time_distributed, flatten, reshape, repeat_vector, permute, same_shape]
    choices = by_rank.get(rank, everything) if fitting else everything
    return rng.choice(choices)()


def _input_dims(rng: random.Random) -> list[int]:
    rank = rng.choice([1, 1, 2, 2, 2, 3, 3])
    return [_size(rng, 2, 16) for _ in range(rank)]


def _shape_text(dims: list[int]) -> str:
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def keras_program(rng: random.Random, mismatch_rate: float = 0.15) -> Program:
    """A random, plausible Keras script that builds one model (Keras may reject it)."""
    style = rng.choice(sorted(IMPORT_STYLES))
    imports, p, sequential, model_cls, input_fn = IMPORT_STYLES[style]
    dims = _input_dims(rng)
    state = _State(list(dims))
    count = rng.randint(1, 6)
    layers: list[_Layer] = []
    for _ in range(count):
        layer = _layer(rng, p, state, fitting=rng.random() >= mismatch_rate)
        layers.append(layer)
        if layer.dims is None:
            state = _State(list(state.dims))  # unknown from here: keep generating by the old rank
        else:
            state = _State(list(layer.dims))
    texts = [layer.text for layer in layers]
    build = rng.choice(["list", "list_input_shape", "add", "functional", "functional_branch", "helper", "loop"])
    lines = [imports, ""]
    shape = _shape_text(dims)
    if build == "list":
        lines.append(f"model = {sequential}([")
        lines.append(f"    {input_fn}(shape={shape}),")
        lines.extend(f"    {t}," for t in texts)
        lines.append("])")
    elif build == "list_input_shape" and "(" in texts[0]:
        first = texts[0]
        opening = first.index("(")
        inner = first[opening + 1:-1]
        if first.startswith(f"{p}Bidirectional(") or first.startswith(f"{p}TimeDistributed("):
            with_shape = first[:-1] + f", input_shape={shape})"
        else:
            with_shape = first[:opening + 1] + (inner + ", " if inner else "") + f"input_shape={shape})"
        lines.append(f"model = {sequential}([")
        lines.append(f"    {with_shape},")
        lines.extend(f"    {t}," for t in texts[1:])
        lines.append("])")
    elif build == "add":
        lines.append(f"model = {sequential}()")
        lines.append(f"model.add({input_fn}(shape={shape}))")
        lines.extend(f"model.add({t})" for t in texts)
    elif build in ("functional", "functional_branch"):
        lines.append(f"inputs = {input_fn}(shape={shape})")
        lines.append("x = inputs")
        for i, t in enumerate(texts):
            lines.append(f"x = {t}(x)")
            if build == "functional_branch" and i == len(texts) // 2:
                merge = rng.choice(["Concatenate()", "Concatenate(axis=1)", "Add()", "Multiply()"])
                other = rng.choice([f"{p}Dense({_size(rng, 1, 16)})", "x", t])
                lines.append(f"y = {other}(x)" if other != "x" else "y = x")
                lines.append(f"x = {p}{merge}([x, y])")
        lines.append(f"model = {model_cls}(inputs, x)")
    elif build == "helper":
        lines.append("def block(x, layer):")
        lines.append("    return layer(x)")
        lines.append("")
        lines.append(f"inputs = {input_fn}(shape={shape})")
        lines.append("x = inputs")
        lines.extend(f"x = block(x, {t})" for t in texts)
        lines.append(f"model = {model_cls}(inputs, x)")
    else:  # loop, or list_input_shape on a layer without parentheses
        lines.append(f"model = {sequential}()")
        lines.append(f"model.add({input_fn}(shape={shape}))")
        lines.append("stack = [")
        lines.extend(f"    {t}," for t in texts)
        lines.append("]")
        lines.append("for layer in stack:")
        lines.append("    model.add(layer)")
    if rng.random() < 0.3:
        loss = rng.choice(["'mse'", "'binary_crossentropy'", "'categorical_crossentropy'",
                           "'sparse_categorical_crossentropy'"])
        lines.append(f"model.compile(optimizer='adam', loss={loss})")
    return Program("\n".join(lines) + "\n", style, texts)


# ------------------------------------------------------------------ wild programs
_WILD_ARGS = ["0", "-1", "None", "'relu'", "(3,)", "(None, 4)", "[1, 2]", "1.5", "True", "unknown_name",
              "10**9", "(0, 0)", "()", "{'a': 1}", "lambda t: t", "x", "model", "layer", "*args", "**kwargs"]
_WILD_LAYERS = ["Dense", "Conv1D", "Conv2D", "LSTM", "GRU", "Bidirectional", "TimeDistributed", "Flatten",
                "Reshape", "Concatenate", "Add", "Embedding", "Lambda", "MaxPooling2D", "Permute",
                "RepeatVector", "Dropout", "Input", "NoSuchLayer", "Merge", "CuDNNLSTM"]


def wild_program(rng: random.Random, statements: int = 12) -> str:
    """A random Keras-like program that need not make sense (for crash fuzzing)."""
    imports, p, sequential, model_cls, input_fn = IMPORT_STYLES[rng.choice(sorted(IMPORT_STYLES))]
    lines = [imports, "import numpy as np", "args, kwargs = (), {}", "layer = model = unknown_name"]

    def arg() -> str:
        return rng.choice(_WILD_ARGS)

    def layer_expr() -> str:
        name = rng.choice(_WILD_LAYERS)
        n = rng.randint(0, 3)
        parts = sorted((arg() for _ in range(n)), key=lambda a: a.startswith("**"))  # `**kw` goes last
        if rng.random() < 0.4:
            key = rng.choice(["units", "shape", "input_shape", "axis", "return_sequences", "activation",
                              "kernel_size", "padding", "strides", "lr", "target_shape", "rate", "layer"])
            parts.append(f"{key}={arg()}")
        return f"{p}{name}({', '.join(parts)})" if name != "Input" else f"{input_fn}({', '.join(parts)})"

    def statement(indent: str) -> list[str]:
        kind = rng.randint(0, 13)
        if kind == 0:
            return [f"{indent}x = {input_fn}(shape={rng.choice(['(3,)', '(4, 5)', '(2, 3, 4)', '(None,)', 'x'])})"]
        if kind == 1:
            return [f"{indent}layer = {layer_expr()}"]
        if kind == 2:
            return [f"{indent}x = {rng.choice(['layer', layer_expr()])}({rng.choice(['x', '[x, x]', 'layer', 'model', arg()])})"]
        if kind == 3:
            return [f"{indent}model = {rng.choice([sequential, model_cls])}({rng.choice(['[layer, layer]', 'x, x', '', '[' + layer_expr() + ']', arg()])})"]
        if kind == 4:
            return [f"{indent}model.add({rng.choice(['layer', layer_expr(), 'model', arg()])})"]
        if kind == 5:
            loss = rng.choice(["'mse'", "'rmse'", "'categorical_crossentropy'", arg()])
            optimizer = rng.choice(["'adam'", "None", "keras.optimizers.Adam(lr=0.1)", arg()])
            return [f"{indent}model.compile(loss={loss}, optimizer={optimizer})"]
        if kind == 6:
            return [f"{indent}model.fit({rng.choice(['np.zeros((10, 3))', 'x', arg()])}, {rng.choice(['np.zeros((10,))', 'np.ones((10, 2))', arg()])}, epochs={arg()})"]
        if kind == 7:
            body = statement(indent + "    ")
            return [f"{indent}for i in {rng.choice(['range(3)', 'range(10**9)', '[1, 2]', 'x', arg()])}:"] + body
        if kind == 8:
            body = statement(indent + "    ")
            other = statement(indent + "    ")
            return [f"{indent}if {rng.choice(['x', 'True', 'unknown_name', '0'])}:"] + body + [f"{indent}else:"] + other
        if kind == 9:
            body = statement(indent + "    ")
            return [f"{indent}def f(x, layer={rng.choice(['None', 'layer', arg()])}):"] + body + [
                f"{indent}    return f(x) if {rng.choice(['x', 'False'])} else x"]
        if kind == 10:
            return [f"{indent}x = f({rng.choice(['x', 'layer', 'model', arg()])})"]
        if kind == 11:
            return [f"{indent}x = np.{rng.choice(['zeros', 'ones', 'reshape', 'concatenate', 'array'])}"
                    f"({rng.choice(['(3, 4)', '[x, x]', '[[1, 2], [3]]', 'x', arg()])})"]
        if kind == 12:
            body = statement(indent + "    ")
            return [f"{indent}try:"] + body + [f"{indent}except Exception:", f"{indent}    x = None"]
        return [f"{indent}xs = [{layer_expr()} for _ in {rng.choice(['range(4)', 'x', arg()])}]",
                f"{indent}x = xs[{rng.choice(['0', '-1', '10', 'x'])}]"]

    lines.append("def f(x):")
    lines.append("    return x")
    for _ in range(rng.randint(1, statements)):
        lines.extend(statement(""))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ the real Keras
# Findings that claim nothing Keras raises while building (the model trains
# wrongly, or Keras raises only once training starts).
SILENT_OR_DEFERRED = frozenset({"SC108", "SC201", "SC202", "SC203", "SC204", "SC205", "SC206",
                                "SC401", "SC402", "SC403", "SC404", "SC405"})


@dataclass
class Verdict:
    """What the real Keras did with a program: built it, or raised (where and what)."""

    built: bool
    error: str = ""
    line: Optional[int] = None


def keras_verdict(source: str, filename: str = "<generated>") -> Verdict:
    """Run ``source`` with the real Keras in this process (the caller has imported Keras)."""
    import warnings

    code = compile(source, filename, "exec")
    namespace: dict[str, object] = {"__name__": "__generated__"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, namespace)  # noqa: S102 - the point: Keras judges the generated program
    except Exception as error:  # noqa: BLE001 - any exception is Keras rejecting the program
        line = None
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        return Verdict(False, f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300],
                       line)
    return Verdict(True)
