"""Abstract values of the interpreter.

Every Python expression in a checked script evaluates to one of these.
:data:`UNKNOWN_VALUE` stands for anything the analysis does not understand;
no rule ever reports on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import libcst as cst

from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Shape


class Value:
    """Base class of abstract values."""


class Unknown(Value):
    """A value the analysis knows nothing about."""

    def __repr__(self) -> str:
        return "Unknown"


UNKNOWN_VALUE = Unknown()

Literal = Union[int, float, complex, str, bytes, bool, None]


@dataclass
class Const(Value):
    """A known Python constant."""

    value: Literal


@dataclass
class Seq(Value):
    """A tuple or list whose items are known (each item may itself be unknown)."""

    items: list[Value]
    is_tuple: bool = True


@dataclass
class DictVal(Value):
    """A dict with known constant keys."""

    items: dict[Any, Value]


@dataclass
class Ref(Value):
    """A module or a module-level name, by its dotted path (``keras.layers.Dense``).

    Paths through TensorFlow are canonicalised (``tensorflow.keras.X`` is ``keras.X``);
    ``written`` keeps the path as the script spelled it (import aliases resolved,
    ``tensorflow.keras.losses.mae``), since a library may answer differently by
    spelling: ``tf.keras`` keeps names plain ``keras`` dropped.
    """

    path: str
    written: str = field(default="", compare=False)

    @property
    def spelled(self) -> str:
        """The written path, or the canonical one when none was recorded."""
        return self.written or self.path


@dataclass(eq=False)
class Function(Value):
    """A function or lambda defined in the checked script."""

    node: Union[cst.FunctionDef, cst.Lambda]
    scope: "Any"  # the Scope it closes over (interpreter.Scope)
    name: str = "<lambda>"
    bound_self: Optional[Value] = None
    eager: bool = False  # runs on real tensors (a Keras layer's or model's method, a tf.function)


@dataclass(eq=False)
class ClassVal(Value):
    """A class defined in the checked script."""

    node: cst.ClassDef
    name: str
    bases: list[Value]
    keras_base: Optional[str]  # "layer", "model" or None


@dataclass(eq=False)
class Instance(Value):
    """An instance of a class defined in the script (its attributes as far as known)."""

    cls: ClassVal
    attrs: dict[str, Value] = field(default_factory=dict)


@dataclass(eq=False)
class Layer(Value):
    """A Keras layer object with its resolved config.

    ``kind`` is the public Keras class name (``"Dense"``); ``node`` is the
    constructor call; ``args`` keeps each given argument's node so rules can
    point at it.  ``broken`` marks a layer Keras could not even construct or
    call, so nothing downstream is checked.
    """

    kind: str
    config: Config
    node: cst.CSTNode
    args: dict[str, cst.CSTNode] = field(default_factory=dict)
    input_shape: Optional[Shape] = None
    complete: bool = True
    broken: bool = False
    custom: bool = False
    calls: list["LayerCall"] = field(default_factory=list)
    # Keywords that are not parameters of the class (name=, dtype=, input_shape=,
    # misspelt ones), as literals: what --confirm passes back to Keras.
    extra_kwargs: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Layer({self.kind})"


@dataclass(eq=False)
class LayerCall:
    """One application of a layer to tensors: a node of the model graph."""

    layer: Layer
    inputs: list["Tensor"]
    node: cst.CSTNode
    outputs: list["Tensor"] = field(default_factory=list)


@dataclass(eq=False)
class Tensor(Value):
    """A symbolic tensor with its (possibly partly unknown) shape."""

    shape: Shape
    producer: Optional[LayerCall] = None
    node: Optional[cst.CSTNode] = None
    is_input: bool = False
    symbolic: bool = False  # made by layers or ops from tensors that trace back to keras.Input (set when made)

    def __repr__(self) -> str:
        return f"Tensor{self.shape}"


@dataclass(eq=False)
class Model(Value):
    """A Sequential or Functional model.

    For a Sequential model ``layers`` grows with ``add`` and ``output`` is the
    current output; ``opaque`` means something the analysis cannot follow
    changed it, so its output is unknown from then on.
    """

    kind: str  # "sequential" or "functional"
    node: cst.CSTNode
    layers: list[Layer] = field(default_factory=list)
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Tensor] = field(default_factory=list)
    output: Optional[Tensor] = None
    opaque: bool = False
    compiled: bool = False
    loss: Any = None  # the loss value given to compile()
    # A Sequential's items in order, as added: layers, nested models, and
    # anything else (a script-defined layer) that makes the output unknown from there.
    steps: list[Value] = field(default_factory=list)

    def make_opaque(self) -> None:
        """From now on nothing is known of this model's output (unknown code may have changed it)."""
        self.opaque = True
        if self.kind == "sequential":
            self.output = Tensor(Shape.unknown())


@dataclass(eq=False)
class KerasObject(Value):
    """A Keras loss, optimizer, metric or other configured object."""

    family: str  # "loss", "optimizer", ...
    kind: str  # class or function name
    config: dict[str, Any]
    node: cst.CSTNode


def literal(value: Value) -> Any:
    """A Value as a plain Python literal for a layer config, or dims.UNKNOWN.

    Layers stay Layer objects (wrappers read their inner layer's config).
    """
    if isinstance(value, Const):
        return value.value
    if isinstance(value, Seq):
        items = tuple(literal(v) for v in value.items)
        return items if value.is_tuple else list(items)
    if isinstance(value, Layer):
        return value
    if isinstance(value, (Function, Ref, KerasObject)):
        return value
    return UNKNOWN


@dataclass(eq=False)
class Array(Value):
    """A numpy array (or array-like data) with its shape, sample axis first.

    ``dtype`` is the kind of its items ("int", "float", "bool", "object",
    "str") when known; ``onehot`` marks labels made by ``to_categorical``;
    ``max_value`` is the largest item of an int array when known (label ids).
    """

    shape: Shape
    dtype: Optional[str] = None
    onehot: bool = False
    max_value: Optional[int] = None
    node: Optional[cst.CSTNode] = None

    def __repr__(self) -> str:
        return f"Array{self.shape}"


@dataclass(eq=False)
class Generator(Value):
    """What calling a generator function gives: the items it yields, as far as known.

    ``count`` is the exact number of items when every loop around the yields
    was followed; ``endless`` marks a ``while True`` around a yield.
    """

    function: "Function"
    items: list[Value] = field(default_factory=list)
    count: Optional[int] = None
    endless: bool = False


@dataclass(eq=False)
class Dataset(Value):
    """A stream of elements a model is fed: a ``tf.data.Dataset`` or a Keras data iterator.

    ``element`` is one element as the stream yields it (an Array, a Seq of
    arrays ``(x, y)``, or a DictVal); Keras treats each element given to
    ``fit`` as one batch, so for a batched stream the first axis of every
    array is the batch axis, and for an unbatched one it is the element's own
    first axis.  ``batched`` says which.
    """

    element: Value
    batched: bool = True
    node: Optional[cst.CSTNode] = None

    def __repr__(self) -> str:
        return f"Dataset({self.element!r}, batched={self.batched})"


@dataclass(eq=False)
class LibObject(Value):
    """An object of a data library (a DataFrame, a fitted scaler, a Bunch, a data generator).

    ``kind`` names what it is in dotted form (``"pandas.DataFrame"``,
    ``"sklearn.scaler"``); ``attrs`` holds what is known of it (attributes
    read with ``.name`` and anything its overlay keeps).
    """

    kind: str
    attrs: dict[str, Any] = field(default_factory=dict)
    node: Optional[cst.CSTNode] = None

    def __repr__(self) -> str:
        return f"LibObject({self.kind})"
