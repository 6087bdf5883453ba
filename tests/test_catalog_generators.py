"""Random layer configs for the differential test of the catalog (``test_catalog_differential``).

The drawing primitives (``Case``, ``Inner``, ``shape``, ``dim``...) and the
generators of the entries added for issue 14 (transposed, separable and
depthwise convolutions, ConvLSTM, up-sampling/padding/cropping, adaptive
pooling, Dot and attention, the normalisations, preprocessing and
augmentation, RNN with cells, EinsumDense, InputLayer...).  Each draws valid
and invalid configs and input shapes alike from a seeded ``random.Random``.
The test here checks that every catalog entry has a generator of its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable, Optional

Batch = tuple[Optional[int], ...]


@dataclass
class Inner:
    """A wrapped layer: its public name and constructor arguments."""

    kind: str
    kwargs: dict[str, Any]


@dataclass
class Case:
    """One layer config and the input shape(s) it is called on.

    ``call`` says how Keras gets the inputs: ``"single"`` (``layer(x)``),
    ``"list"`` (``layer([a, b])``), ``"positional"`` (``layer(q, v, k)``),
    ``"states"`` (``cell(x, [h, ...])``) or ``"none"`` (InputLayer: no call).
    """

    layer: str
    kwargs: dict[str, Any]
    inputs: list[Batch]
    multi: bool = False
    call: str = ""
    dtype: str = "float32"

    def __post_init__(self) -> None:
        if not self.call:
            self.call = "list" if self.multi else "single"

    def __str__(self) -> str:
        args = ", ".join(f"{k}={_show(v)}" for k, v in self.kwargs.items())
        ins = self.inputs if self.call != "single" or not self.inputs else self.inputs[0]
        return f"{self.layer}({args})({ins})"


def _show(value: Any) -> str:
    if isinstance(value, Inner):
        args = ", ".join(f"{k}={_show(v)}" for k, v in value.kwargs.items())
        return f"{value.kind}({args})"
    if isinstance(value, list) and value and isinstance(value[0], Inner):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if callable(value):
        return "<fn>"
    return repr(value)


def dim(rng: random.Random, none_p: float = 0.12) -> Optional[int]:
    """A non-batch dimension: 1-12, sometimes None."""
    return None if rng.random() < none_p else rng.randint(1, 12)


def batch(rng: random.Random) -> Optional[int]:
    return None if rng.random() < 0.7 else rng.randint(1, 8)


def shape(rng: random.Random, rank: int, none_p: float = 0.12) -> Batch:
    """A batch shape of ``rank`` axes (the batch axis included)."""
    return (batch(rng),) + tuple(dim(rng, none_p) for _ in range(rank - 1))


def rank_near(rng: random.Random, rank: int, wrong_p: float = 0.15) -> int:
    """Usually ``rank``; sometimes any rank from 1 to 5."""
    return rng.randint(1, 5) if rng.random() < wrong_p else rank


def int_or_tuple(rng: random.Random, n: int, lo: int, hi: int) -> Any:
    if rng.random() < 0.5:
        return rng.randint(lo, hi)
    return tuple(rng.randint(lo, hi) for _ in range(n))


def data_format(rng: random.Random) -> dict[str, Any]:
    r = rng.random()
    if r < 0.45:
        return {}
    return {"data_format": "channels_last" if r < 0.7 else "channels_first"}


def spatial_rank(name: str) -> int:
    return int(name.replace("Transpose", "").rstrip("D")[-1])


# ------------------------------------------------------------ convolutions
def _window_kwargs(rng: random.Random, n: int) -> dict[str, Any]:
    kw: dict[str, Any] = {"kernel_size": int_or_tuple(rng, n, 1, 5)}
    if rng.random() < 0.03:
        kw["kernel_size"] = int_or_tuple(rng, n, 0, 2)
    if rng.random() < 0.4:
        kw["strides"] = int_or_tuple(rng, n, 1, 3)
    if rng.random() < 0.25:
        kw["dilation_rate"] = int_or_tuple(rng, n, 1, 3)
    if rng.random() < 0.6:
        kw["padding"] = rng.choice(["valid", "same", "causal", "same", "valid", "SAME"])
    kw.update(data_format(rng))
    return kw


def gen_conv_transpose(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw = {"filters": rng.choice([1, 2, 4, 8, 0]) if rng.random() < 0.05 else rng.randint(1, 8)}
    kw.update(_window_kwargs(rng, n))
    if rng.random() < 0.3:
        kw["output_padding"] = int_or_tuple(rng, n, 0, 2)
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2), none_p=0.15)])


def gen_separable(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {} if name.startswith("Depthwise") else {"filters": rng.randint(1, 8)}
    kw.update(_window_kwargs(rng, n))
    if rng.random() < 0.5:
        kw["depth_multiplier"] = rng.choice([1, 2, 3, 0]) if rng.random() < 0.9 else -1
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2), none_p=0.15)])


def gen_conv_lstm(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {"filters": rng.randint(1, 4)}
    kw.update(_window_kwargs(rng, n))
    if rng.random() < 0.5:
        kw["return_sequences"] = rng.random() < 0.5
    if rng.random() < 0.3:
        kw["return_state"] = rng.random() < 0.6
    if n == 3:  # keep the 6-D inputs small
        s = (batch(rng), rng.randint(1, 3)) + tuple(rng.randint(1, 6) if rng.random() > 0.08 else None
                                                     for _ in range(4))
        return Case(name, kw, [s if rng.random() > 0.1 else shape(rng, rng.randint(3, 5))])
    return Case(name, kw, [shape(rng, rank_near(rng, n + 3), none_p=0.08)])


# ------------------------------------------------------- resizing, pooling
def gen_upsampling(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {} if n == 1 else data_format(rng)
    if rng.random() < 0.7:
        kw["size"] = int_or_tuple(rng, n, 0 if rng.random() < 0.1 else 1, 3)
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2), none_p=0.15)])


def _pairs(rng: random.Random, n: int, lo: int, hi: int) -> Any:
    r = rng.random()
    if r < 0.3:
        return rng.randint(lo, hi)
    if r < 0.6:
        return tuple(rng.randint(lo, hi) for _ in range(n if n > 1 else 2))
    if n == 1:
        return (rng.randint(lo, hi), rng.randint(lo, hi))
    return tuple(int_or_tuple(rng, 2, lo, hi) for _ in range(n))


def gen_zero_padding(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = data_format(rng)
    if rng.random() < 0.8:
        kw["padding"] = _pairs(rng, n, -1 if rng.random() < 0.1 else 0, 3)
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2), none_p=0.15)])


def gen_cropping(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = {} if n == 1 else data_format(rng)
    if rng.random() < 0.85:
        kw["cropping"] = _pairs(rng, n, -1 if rng.random() < 0.05 else 0, 4)
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2), none_p=0.15)])


def gen_adaptive(rng: random.Random, name: str) -> Case:
    n = spatial_rank(name)
    kw: dict[str, Any] = data_format(rng)
    r = rng.random()
    kw["output_size"] = (rng.randint(1, 6) if r < 0.5 else tuple(rng.randint(1, 6) for _ in range(n))
                         if r < 0.9 else tuple(rng.randint(1, 6) for _ in range(n + 1)))
    return Case(name, kw, [shape(rng, rank_near(rng, n + 2, 0.2))])


# ------------------------------------------------------ dot and attention
def gen_dot(rng: random.Random, name: str) -> Case:
    ra, rb = rng.randint(2, 4), rng.randint(2, 4)
    a, b = list(shape(rng, ra, 0.1)), list(shape(rng, rb, 0.1))
    axes: Any = rng.choice([-1, -1, 1, 2, -2, 3]) if rng.random() < 0.6 else (
        rng.randint(1, ra - 1) if rng.random() < 0.9 else rng.randint(-2, 4), rng.randint(1, rb - 1))
    if rng.random() < 0.6:
        ia, ib = (axes, axes) if isinstance(axes, int) else axes
        if -ra <= ia < ra and -rb <= ib < rb:
            b[ib] = a[ia]
    return Case(name, {"axes": axes}, [tuple(a), tuple(b)], multi=True)


def _sequence_like(rng: random.Random, base: Batch) -> Batch:
    """A shape like ``base``, sometimes with other sizes."""
    return tuple(d if rng.random() < 0.75 else dim(rng, 0.1) for d in base)


def gen_attention(rng: random.Random, name: str) -> Case:
    rank = rng.randint(2, 4)
    q = shape(rng, rank, 0.1)
    v = _sequence_like(rng, q)
    inputs = [q, v] + ([_sequence_like(rng, v)] if rng.random() < 0.4 else [])
    if rng.random() < 0.05:
        inputs = inputs[:1]
    kw: dict[str, Any] = {}
    if rng.random() < 0.4:
        kw["use_scale"] = rng.random() < 0.5
    if name == "Attention" and rng.random() < 0.3:
        kw["score_mode"] = rng.choice(["dot", "concat"])
    return Case(name, kw, inputs, multi=True)


def gen_multi_head(rng: random.Random, name: str) -> Case:
    rank = rank_near(rng, 3, 0.2)
    q = shape(rng, rank, 0.08)
    v = _sequence_like(rng, q)
    inputs = [q, v] + ([_sequence_like(rng, v)] if rng.random() < 0.4 else [])
    if name == "MultiHeadAttention":
        kw: dict[str, Any] = {"num_heads": rng.randint(1, 3), "key_dim": rng.randint(1, 6)}
        if rng.random() < 0.3:
            kw["value_dim"] = rng.randint(1, 6)
        if rng.random() < 0.3:
            kw["output_shape"] = rng.choice([rng.randint(1, 8), (rng.randint(1, 8),)])
    else:
        kv = rng.randint(1, 3)
        kw = {"head_dim": rng.randint(1, 6), "num_query_heads": kv * rng.randint(1, 2),
              "num_key_value_heads": kv}
        if rng.random() < 0.1:
            kw["num_query_heads"] = kv + 1
    return Case(name, kw, inputs, call="positional")


# ---------------------------------------------------------- normalisation
def gen_group_norm(rng: random.Random, name: str) -> Case:
    rank = rng.randint(2, 4)
    s = list(shape(rng, rank, 0.1))
    if rng.random() < 0.6:
        s[-1] = rng.choice([2, 4, 6, 8, 12, 32, 64])
    kw: dict[str, Any] = {"groups": rng.choice([-1, 1, 2, 3, 4, 8, 32])}
    if rng.random() < 0.3:
        kw["axis"] = rng.randint(-rank - 1, rank)
    return Case(name, kw, [tuple(s)])


def gen_rms_norm(rng: random.Random, name: str) -> Case:
    rank = rng.randint(1, 4)
    kw: dict[str, Any] = {}
    r = rng.random()
    if r < 0.4:
        kw["axis"] = rng.randint(-rank - 1, rank)
    elif r < 0.6 and rank > 1:
        kw["axis"] = tuple(sorted(rng.sample(range(1, rank), rng.randint(1, rank - 1))))
    return Case(name, kw, [shape(rng, rank, 0.1)])


def gen_spectral(rng: random.Random, name: str) -> Case:
    r = rng.random()
    if r < 0.4:
        inner = Inner("Dense", {"units": rng.randint(1, 6)})
        s = shape(rng, rng.randint(2, 4), 0.1)
    elif r < 0.7:
        inner = Inner("Conv1D", {"filters": rng.randint(1, 4), "kernel_size": rng.randint(1, 3)})
        s = shape(rng, rank_near(rng, 3), 0.1)
    elif r < 0.85:
        inner = Inner("Embedding", {"input_dim": 10, "output_dim": rng.randint(1, 6)})
        s = shape(rng, rng.randint(1, 3))
    else:
        inner = Inner(rng.choice(["Dropout", "Flatten", "BatchNormalization"]), {})
        if inner.kind == "Dropout":
            inner.kwargs["rate"] = 0.5
        s = shape(rng, rng.randint(2, 4))
    kw: dict[str, Any] = {"layer": inner}
    if rng.random() < 0.1:
        kw["power_iterations"] = rng.choice([0, 2])
    return Case(name, kw, [s])


# ------------------------------------------------ preprocessing, augmentation
AUGMENT_KWARGS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "MaxNumBoundingBoxes": lambda rng: {"max_number": rng.randint(1, 5)},
    "RandomBrightness": lambda rng: {"factor": 0.2},
    "RandomContrast": lambda rng: {"factor": 0.2},
    "RandomHue": lambda rng: {"factor": 0.2},
    "RandomPosterization": lambda rng: {"factor": (1, 4)},
    "RandomRotation": lambda rng: {"factor": 0.1},
    "RandomSaturation": lambda rng: {"factor": 0.3},
    "RandomSharpness": lambda rng: {"factor": 0.3},
    "RandomTranslation": lambda rng: {"height_factor": 0.1, "width_factor": 0.1},
    "RandomZoom": lambda rng: {"height_factor": 0.1},
    "RandomColorDegeneration": lambda rng: {"factor": 0.5},
}
_NO_DATA_FORMAT = frozenset({"AutoContrast", "Solarization", "RandomBrightness", "RandomContrast",
                             "MaxNumBoundingBoxes"})


def gen_augmentation(rng: random.Random, name: str) -> Case:
    kw = AUGMENT_KWARGS.get(name, lambda rng: {})(rng)
    if name not in _NO_DATA_FORMAT:
        kw.update(data_format(rng))
    rank = rng.choice([2, 3, 4, 4, 4, 5])
    s = list(shape(rng, rank, 0.1))
    if rng.random() < 0.6 and rank >= 3:
        s[-1 if kw.get("data_format") != "channels_first" else -3] = 3
    return Case(name, kw, [tuple(s)])


def gen_crop_resize(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"height": rng.randint(1, 8), "width": rng.randint(1, 8)}
    kw.update(data_format(rng))
    return Case(name, kw, [shape(rng, rng.choice([2, 3, 4, 4, 4, 5]), 0.1)])


def gen_rescaling(rng: random.Random, name: str) -> Case:
    return Case(name, {"scale": 1.0 / 255}, [shape(rng, rng.randint(1, 5))])


def gen_normalization(rng: random.Random, name: str) -> Case:
    rank = rng.randint(1, 4)
    kw: dict[str, Any] = {}
    r = rng.random()
    if r < 0.4:
        kw["axis"] = rng.randint(-rank - 1, rank)
    elif r < 0.55:
        kw["axis"] = None
    elif r < 0.7 and rank > 1:
        kw["axis"] = tuple(sorted(rng.sample(range(1, rank), rng.randint(1, rank - 1))))
    if rng.random() < 0.3:
        kw["mean"], kw["variance"] = 0.5, 2.0
    return Case(name, kw, [shape(rng, rank, 0.15)])


def _encoded_input(rng: random.Random) -> Batch:
    s = list(shape(rng, rng.randint(1, 3), 0.1))
    if len(s) > 1 and rng.random() < 0.4:
        s[-1] = 1
    return tuple(s)


def gen_category_encoding(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"num_tokens": rng.randint(1, 10) if rng.random() < 0.95 else 0}
    if rng.random() < 0.7:
        kw["output_mode"] = rng.choice(["one_hot", "multi_hot", "count", "binary"])
    return Case(name, kw, [_encoded_input(rng)], dtype="int32")


def gen_hashing(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"num_bins": rng.randint(1, 10) if rng.random() < 0.95 else rng.choice([0, -1])}
    if rng.random() < 0.6:
        kw["output_mode"] = rng.choice(["int", "one_hot", "multi_hot", "count", "binary"])
    return Case(name, kw, [_encoded_input(rng)], dtype="int32")


def gen_discretization(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"bin_boundaries": tuple(sorted(rng.sample(range(10), rng.randint(1, 4))))}
    r = rng.random()
    if r < 0.05:
        del kw["bin_boundaries"]  # neither
    elif r < 0.1:
        kw["num_bins"] = 3  # both
    if rng.random() < 0.6:
        kw["output_mode"] = rng.choice(["int", "one_hot", "multi_hot", "count"])
    return Case(name, kw, [_encoded_input(rng)])


def gen_hashed_crossing(rng: random.Random, name: str) -> Case:
    a = _encoded_input(rng)
    b = a if rng.random() < 0.7 else _encoded_input(rng)
    kw: dict[str, Any] = {"num_bins": rng.randint(1, 10)}
    if rng.random() < 0.6:
        kw["output_mode"] = rng.choice(["int", "one_hot"])
    return Case(name, kw, [a, b], multi=True, dtype="int32")


def _lookup_kwargs(rng: random.Random, vocabulary: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if rng.random() < 0.6:
        kw["vocabulary"] = vocabulary
    if rng.random() < 0.7:
        kw["output_mode"] = rng.choice(["int", "one_hot", "multi_hot", "count"])
    if rng.random() < 0.4:
        kw["max_tokens"] = rng.randint(8, 12)
        kw["pad_to_max_tokens"] = kw.get("output_mode", "int") != "int" and rng.random() < 0.7
    return kw


def gen_lookup(rng: random.Random, name: str) -> Case:
    if name == "StringLookup":
        kw = _lookup_kwargs(rng, ["a", "b", "c", "d"])
        return Case(name, kw, [_encoded_input(rng)], dtype="string")
    kw = _lookup_kwargs(rng, [1, 2, 3, 4])
    return Case(name, kw, [_encoded_input(rng)], dtype="int64")


def gen_text_vectorization(rng: random.Random, name: str) -> Case:
    kw = _lookup_kwargs(rng, ["a", "b", "c", "d"])
    if kw.get("output_mode", "int") == "int" and rng.random() < 0.6:
        kw["output_sequence_length"] = rng.randint(1, 12)
    if rng.random() < 0.2:
        kw["split"] = None
    s = (batch(rng),) if rng.random() < 0.5 else (batch(rng), 1)
    return Case(name, kw, [s], dtype="string")


def gen_mel(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"num_mel_bins": rng.randint(4, 32), "sequence_stride": rng.choice([32, 64, 128]),
                          "fft_length": 256, "sequence_length": 128}
    n = rng.choice([None, 256, 300, 512, 1000])
    s: Batch = (n,) if rng.random() < 0.3 else (batch(rng), n)
    return Case(name, kw, [s])


def gen_stft(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {"frame_length": rng.choice([16, 32]), "frame_step": rng.choice([4, 8, 16]),
                          "fft_length": 32}
    if rng.random() < 0.4:
        kw["expand_dims"] = True
    if rng.random() < 0.3:
        kw["padding"] = "same"
    return Case(name, kw, [(batch(rng), rng.choice([None, 64, 100, 256]), rng.randint(1, 2))])


# --------------------------------------------------------- RNN and cells
def _cell(rng: random.Random) -> Inner:
    return Inner(rng.choice(["LSTMCell", "GRUCell", "SimpleRNNCell"]), {"units": rng.randint(1, 6)})


def gen_generic_rnn(rng: random.Random, name: str) -> Case:
    r = rng.random()
    cell: Any = _cell(rng) if r < 0.6 else [_cell(rng) for _ in range(rng.randint(1, 3))]
    if r > 0.85:
        cell = Inner("StackedRNNCells", {"cells": [_cell(rng) for _ in range(rng.randint(1, 2))]})
    kw: dict[str, Any] = {"cell": cell}
    if rng.random() < 0.5:
        kw["return_sequences"] = rng.random() < 0.5
    if rng.random() < 0.4:
        kw["return_state"] = rng.random() < 0.6
    return Case(name, kw, [shape(rng, rank_near(rng, 3, 0.25), none_p=0.12)])


def gen_cell(rng: random.Random, name: str) -> Case:
    units = rng.randint(1, 6)
    if name == "StackedRNNCells":
        kw: dict[str, Any] = {"cells": [Inner("GRUCell", {"units": units}) for _ in range(2)]}
        states = 2
    else:
        kw = {"units": units}
        states = 2 if name == "LSTMCell" else 1
    b = batch(rng)
    return Case(name, kw, [(b, dim(rng, 0.05))] + [(b, units)] * states, call="states")


# --------------------------------------------------------- core, inputs
EQUATIONS = [("ab,bc->ac", 1), ("abc,cd->abd", 2), ("abc,cde->abde", 3), ("...b,bc->...c", 1),
             ("ab...,bc->ac...", 1), ("abc,cd->abd", 1), ("abcd,de->abce", 3), ("ab,bcd->acd", 2),
             ("abc,cd->abx", 2)]


def gen_einsum(rng: random.Random, name: str) -> Case:
    equation, out_rank = rng.choice(EQUATIONS)
    in_rank = len(equation.split(",")[0].replace("...", "")) + (rng.randint(0, 2) if "..." in equation else 0)
    in_rank = rank_near(rng, in_rank, 0.15)
    s = shape(rng, in_rank, 0.1)
    out: list[Any] = [rng.randint(1, 8) for _ in range(out_rank)]
    if out_rank > 1 and len(s) > 1:
        out[0] = s[1] if rng.random() < 0.7 else rng.choice([None, rng.randint(1, 12)])
    kw: dict[str, Any] = {"equation": equation, "output_shape": out[0] if out_rank == 1 and rng.random() < 0.5
                          else tuple(out)}
    if rng.random() < 0.3:
        kw["bias_axes"] = rng.choice(["c", "d", "e", "z"])
    return Case(name, kw, [s])


def gen_reversible_embedding(rng: random.Random, name: str) -> Case:
    kw = {"input_dim": rng.randint(2, 50), "output_dim": rng.randint(1, 10)}
    return Case(name, kw, [shape(rng, rng.randint(1, 4))], dtype="int32")


def gen_input_layer(rng: random.Random, name: str) -> Case:
    kw: dict[str, Any] = {}
    dims = tuple(dim(rng) for _ in range(rng.randint(1, 3)))
    r = rng.random()
    if r < 0.5:
        kw["shape"] = dims
        if rng.random() < 0.3:
            kw["batch_size"] = rng.randint(1, 8)
    elif r < 0.9:
        kw["batch_shape"] = (batch(rng),) + dims
    else:
        kw["shape"], kw["batch_shape"] = dims, (None,) + dims
    return Case(name, kw, [], call="none")


NEW_GENERATORS: list[tuple[Callable[[str], bool], Callable[[random.Random, str], Case]]] = [
    (lambda n: n.endswith("Transpose"), gen_conv_transpose),
    (lambda n: n.startswith(("Separable", "Depthwise")), gen_separable),
    (lambda n: n.startswith("ConvLSTM"), gen_conv_lstm),
    (lambda n: n.startswith("UpSampling"), gen_upsampling),
    (lambda n: n.startswith("ZeroPadding"), gen_zero_padding),
    (lambda n: n.startswith("Cropping"), gen_cropping),
    (lambda n: n.startswith("Adaptive"), gen_adaptive),
    (lambda n: n == "Dot", gen_dot),
    (lambda n: n in ("Attention", "AdditiveAttention"), gen_attention),
    (lambda n: n in ("MultiHeadAttention", "GroupQueryAttention"), gen_multi_head),
    (lambda n: n == "GroupNormalization", gen_group_norm),
    (lambda n: n == "RMSNormalization", gen_rms_norm),
    (lambda n: n == "SpectralNormalization", gen_spectral),
    (lambda n: n in ("Resizing", "CenterCrop", "RandomCrop"), gen_crop_resize),
    (lambda n: n == "Rescaling", gen_rescaling),
    (lambda n: n == "Normalization", gen_normalization),
    (lambda n: n == "CategoryEncoding", gen_category_encoding),
    (lambda n: n == "Hashing", gen_hashing),
    (lambda n: n == "Discretization", gen_discretization),
    (lambda n: n == "HashedCrossing", gen_hashed_crossing),
    (lambda n: n in ("StringLookup", "IntegerLookup"), gen_lookup),
    (lambda n: n == "TextVectorization", gen_text_vectorization),
    (lambda n: n == "MelSpectrogram", gen_mel),
    (lambda n: n == "STFTSpectrogram", gen_stft),
    (lambda n: n == "RNN", gen_generic_rnn),
    (lambda n: n in ("LSTMCell", "GRUCell", "SimpleRNNCell", "StackedRNNCells"), gen_cell),
    (lambda n: n == "EinsumDense", gen_einsum),
    (lambda n: n == "ReversibleEmbedding", gen_reversible_embedding),
    (lambda n: n == "InputLayer", gen_input_layer),
]
"""Matched before the original generators; the image augmentations are matched by family."""


def test_every_new_entry_has_its_own_generator() -> None:
    """Each entry of a module added for issue 14 is drawn by a generator written for it."""
    from shapecheck.shapes import catalog

    new_families = {"conv_transpose", "conv_separable", "conv_rnn", "resizing", "pooling_adaptive",
                    "attention", "normalization", "preprocessing", "augmentation", "rnn_cells", "core_more"}
    names = [n for n, spec in catalog.REGISTRY.items() if spec.infer.__module__.rsplit(".", 1)[-1] in new_families]
    assert len(names) >= 80
    lacking = [n for n in names if not any(match(n) for match, _ in NEW_GENERATORS)
               and catalog.REGISTRY[n].family != "augmentation"]
    assert not lacking, f"entries drawn by no generator of their own: {lacking}"
