"""Keras's input utilities, for the interpreter: image generators, directory datasets, sequences.

``ImageDataGenerator().flow_from_directory(target_size, color_mode,
class_mode, batch_size)`` and ``.flow(x, y, batch_size)`` yield batches;
``image_dataset_from_directory(image_size, color_mode, label_mode)`` and
``timeseries_dataset_from_array`` make batched datasets; ``pad_sequences``
makes an (n, maxlen) int array; ``Tokenizer.texts_to_sequences`` makes
ragged sequences (count known, lengths not).  Each stream is a
:class:`~shapecheck.engine.values.Dataset` whose element is one batch, with
a batch axis of unknown size (the last batch may be short).  The number of
classes found in a directory is never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from shapecheck.engine.arguments import Arguments
from shapecheck.engine.overlay import OVERLAYS
from shapecheck.engine.values import UNKNOWN_VALUE, Array, Const, Dataset, LibObject, Seq, Value
from shapecheck.overlays.objects import as_int, methods
from shapecheck.overlays.tf_data import map_arrays, row
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape

if TYPE_CHECKING:
    from shapecheck.engine.interpreter import Interpreter

CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
"""Channels per ``color_mode``."""


def _arg(args: Arguments, index: int, name: str, default: Value) -> Value:
    if index < len(args.positional):
        return args.positional[index]
    return args.keywords.get(name, default)


def _size(value: Value) -> Optional[tuple[Dim, Dim]]:
    if isinstance(value, Seq) and len(value.items) == 2:
        h, w = (as_int(v) for v in value.items)
        return (h if h is not None else UNKNOWN, w if w is not None else UNKNOWN)
    return None


def _classes(value: Value) -> Dim:
    if isinstance(value, Seq) and value.items:
        return len(value.items)
    return UNKNOWN


def _labels(mode: Value, classes: Dim, sparse_dtype: str, binary_column: bool) -> Optional[Value]:
    """The label batch of a directory stream by its label/class mode (None: no labels; UNKNOWN: unread)."""
    if not isinstance(mode, Const):
        return UNKNOWN_VALUE
    if mode.value is None:
        return None
    if mode.value == "categorical":
        return Array(Shape((UNKNOWN, classes)), "float", onehot=True)
    if mode.value == "binary":
        return Array(Shape((UNKNOWN, 1) if binary_column else (UNKNOWN,)), "float", max_value=None)
    if mode.value in ("sparse", "int"):
        top = classes - 1 if isinstance(classes, int) else None
        return Array(Shape((UNKNOWN,)), sparse_dtype, max_value=top)
    return UNKNOWN_VALUE


def _stream(x: Value, y: Optional[Value], node: cst.CSTNode) -> Value:
    if x is UNKNOWN_VALUE or y is UNKNOWN_VALUE:
        return UNKNOWN_VALUE
    return Dataset(x if y is None else Seq([x, y]), True, node)


@OVERLAYS.call("keras.preprocessing.image.ImageDataGenerator")
def image_data_generator(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``ImageDataGenerator(rescale=...)``: a generator whose ``flow*`` methods yield batches."""
    if path != "keras.preprocessing.image.ImageDataGenerator":
        return UNKNOWN_VALUE
    fmt = args.keywords.get("data_format", Const(None))
    if not isinstance(fmt, Const) or fmt.value not in (None, "channels_last"):
        return LibObject("keras.ImageDataGenerator.channels_first", {}, node)
    return LibObject("keras.ImageDataGenerator", {}, node)


@methods("keras.ImageDataGenerator")
def generator_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``flow_from_directory(dir, target_size, color_mode, classes, class_mode, batch_size)`` and ``flow(x, y)``."""
    if not args.complete or obj.kind != "keras.ImageDataGenerator":
        return UNKNOWN_VALUE
    if method == "flow_from_directory":
        size = _size(_arg(args, 1, "target_size", Seq([Const(256), Const(256)])))
        color = _arg(args, 2, "color_mode", Const("rgb"))
        if size is None or not isinstance(color, Const) or color.value not in CHANNELS:
            return UNKNOWN_VALUE
        x = Array(Shape((UNKNOWN,) + size + (CHANNELS[color.value],)), "float")  # type: ignore[index]
        mode = _arg(args, 4, "class_mode", Const("categorical"))
        if isinstance(mode, Const) and mode.value == "input":
            return _stream(x, x, node)
        y = _labels(mode, _classes(_arg(args, 3, "classes", Const(None))), "float", binary_column=False)
        return _stream(x, y, node)
    if method == "flow":
        data = _arg(args, 0, "x", UNKNOWN_VALUE)
        labels = _arg(args, 1, "y", Const(None))
        if not isinstance(data, Array) or data.shape.dims is None or len(data.shape.dims) != 4:
            return UNKNOWN_VALUE
        x = Array(Shape((UNKNOWN,) + data.shape.dims[1:]), "float")
        if isinstance(labels, Const) and labels.value is None:
            return _stream(x, None, node)
        if not isinstance(labels, Array) or labels.shape.dims is None:
            return UNKNOWN_VALUE
        y = Array(Shape((UNKNOWN,) + labels.shape.dims[1:]), labels.dtype, labels.onehot, labels.max_value)
        return _stream(x, y, node)
    return UNKNOWN_VALUE


@OVERLAYS.call("keras.utils.image_dataset_from_directory", "keras.preprocessing.image_dataset_from_directory")
def image_dataset_from_directory(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``image_dataset_from_directory(dir, label_mode, color_mode, batch_size, image_size)``: batches."""
    if not args.complete:
        return UNKNOWN_VALUE
    kw = args.keywords
    size = _size(kw.get("image_size", Seq([Const(256), Const(256)])))
    color = kw.get("color_mode", Const("rgb"))
    batch = kw.get("batch_size", Const(32))
    fmt = kw.get("data_format", Const(None))
    if size is None or not isinstance(color, Const) or color.value not in CHANNELS \
            or not isinstance(fmt, Const) or fmt.value not in (None, "channels_last"):
        return UNKNOWN_VALUE
    if len(args.positional) > 1 or not isinstance(batch, Const):
        return UNKNOWN_VALUE
    labels_arg = kw.get("labels", Const("inferred"))
    classes: Dim = _classes(kw.get("class_names", Const(None)))
    if isinstance(labels_arg, Const) and labels_arg.value is None:
        mode: Value = Const(None)
    else:
        mode = kw.get("label_mode", Const("int"))
    x = Array(Shape((UNKNOWN,) + size + (CHANNELS[color.value],)), "float")  # type: ignore[index]
    y = _labels(mode, classes, "int", binary_column=True)
    stream = _stream(x, y, node)
    if batch.value is None and isinstance(stream, Dataset):
        return Dataset(map_arrays(stream.element, row), False, node)
    return stream


@OVERLAYS.call("keras.utils.timeseries_dataset_from_array", "keras.preprocessing.timeseries_dataset_from_array")
def timeseries_dataset(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``timeseries_dataset_from_array(data, targets, sequence_length)``: x (b, length, ...), y (b, ...)."""
    if not args.complete:
        return UNKNOWN_VALUE
    data = _arg(args, 0, "data", UNKNOWN_VALUE)
    targets = _arg(args, 1, "targets", UNKNOWN_VALUE)
    length = as_int(_arg(args, 2, "sequence_length", UNKNOWN_VALUE))
    if not isinstance(data, Array) or data.shape.dims is None or not data.shape.dims or length is None:
        return UNKNOWN_VALUE
    batch = _arg(args, 6, "batch_size", Const(128))
    if not isinstance(batch, Const) or batch.value is None:
        return UNKNOWN_VALUE
    x = Array(Shape((UNKNOWN, length) + data.shape.dims[1:]), data.dtype)
    if isinstance(targets, Const) and targets.value is None:
        return _stream(x, None, node)
    if not isinstance(targets, Array) or targets.shape.dims is None or not targets.shape.dims:
        return UNKNOWN_VALUE
    y = Array(Shape((UNKNOWN,) + targets.shape.dims[1:]), targets.dtype, targets.onehot, targets.max_value)
    return _stream(x, y, node)


@OVERLAYS.call("keras.utils.pad_sequences", "keras.preprocessing.sequence.pad_sequences")
def pad_sequences(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``pad_sequences(seqs, maxlen=n)``: an (len(seqs), n) int array (n unknown without maxlen)."""
    if not args.complete:
        return UNKNOWN_VALUE
    seqs = _arg(args, 0, "sequences", UNKNOWN_VALUE)
    maxlen = _arg(args, 1, "maxlen", Const(None))
    dtype = _arg(args, 2, "dtype", Const("int32"))
    if not isinstance(dtype, Const) or not isinstance(dtype.value, str) or not dtype.value.startswith("int"):
        return UNKNOWN_VALUE
    if isinstance(seqs, Array) and seqs.shape.dims:
        count: Dim = seqs.shape.dims[0]
    elif isinstance(seqs, Seq):
        count = len(seqs.items)
    else:
        count = UNKNOWN
    width = as_int(maxlen)
    return Array(Shape((count, width if width is not None else UNKNOWN)), "int", node=node)


@OVERLAYS.call("keras.preprocessing.text.Tokenizer")
def tokenizer(interp: Interpreter, path: str, args: Arguments, node: cst.Call) -> Value:
    """``Tokenizer(num_words=...)``: its ``texts_to_sequences`` are ragged."""
    if path != "keras.preprocessing.text.Tokenizer":
        return UNKNOWN_VALUE
    return LibObject("keras.Tokenizer", {}, node)


@methods("keras.Tokenizer")
def tokenizer_method(interp: Interpreter, obj: LibObject, method: str, args: Arguments, node: cst.Call) -> Value:
    """``texts_to_sequences(texts)``: one ragged int sequence per text."""
    if method != "texts_to_sequences" or not args.positional:
        return UNKNOWN_VALUE
    texts = args.positional[0]
    if isinstance(texts, Array) and texts.shape.dims:
        count: Dim = texts.shape.dims[0]
    elif isinstance(texts, Seq):
        count = len(texts.items)
    else:
        count = UNKNOWN
    return Array(Shape((count,)), "object", node=node)
