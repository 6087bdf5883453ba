"""What a script builds, as ``model.summary()`` would print it, without running it.

:func:`analyse` interprets a script once with a recording interpreter (the
same interpreter the checker runs, subclassed here to remember the value of
each expression it evaluates) and returns:

- every model the script builds (Sequential, Functional, a model nested as a
  layer): each layer's name as Keras would give it, its output shape and
  its parameter count (:class:`ModelSummary`), ``None`` where unknown;
- every name and layer call whose value is a tensor, with its shape and the
  layer that produced it (:class:`TensorSite`), for the language server's
  hover and inlay hints.

Layer names follow Keras 3: a layer without ``name=`` is called after its
class in snake case, numbered per name in creation order (``dense``,
``dense_1``...), and ``keras.Input`` makes ``input_layer``, ``input_layer_1``...
Keras numbers every layer the process creates, so the names are those of a
fresh Keras session that runs the script from the top (layers built in a
function the script never calls are numbered after the rest).

Parameter counts are computed per layer kind from its config and input
shape (:func:`layer_params`); a kind not listed there is unknown.  A model
is *fully known* when every row's output shape and parameter count is
known and its graph was followed from its outputs back to its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union

import libcst as cst

from shapecheck.engine.events import LayerApplied, LayerCreated, MethodCalled
from shapecheck.engine.interpreter import Interpreter
from shapecheck.engine.parsing import parse
from shapecheck.engine.scope import Scope
from shapecheck.engine.values import Layer, LayerCall, Model, Seq, Tensor, Value
from shapecheck.report.positions import locate
from shapecheck.report.summary_layers import NO_WEIGHTS, LayerNamer, call_name, explicit_name, layer_params, snake_case
from shapecheck.shapes.dims import Shape, format_dim, is_known

ShapeDims = Optional[tuple[Optional[int], ...]]
"""A shape as (None for the batch axis and other free axes, ints), or None when not fully known."""

@dataclass
class LayerRow:
    """One row of a summary: a layer (or a nested model) of the model."""

    name: str
    kind: str
    outputs: Optional[list[ShapeDims]]  # one shape per output; None when not followed
    params: Optional[int]
    line: int = 0

    @property
    def known(self) -> bool:
        """Output shapes and parameter count all known."""
        return self.params is not None and self.outputs is not None and all(s is not None for s in self.outputs)


@dataclass
class ModelSummary:
    """A model the script builds, as ``model.summary()`` shows it."""

    name: str
    kind: str  # "Sequential" or "Functional"
    line: int
    column: int
    rows: list[LayerRow] = field(default_factory=list)
    closed: bool = True  # its graph was followed from the outputs back to its inputs
    opaque: bool = False  # something the analysis cannot follow changed it

    @property
    def total_params(self) -> Optional[int]:
        """``count_params()``: the sum over its rows, or None when any is unknown."""
        if not self.fully_known:
            return None
        return sum(row.params or 0 for row in self.rows)

    @property
    def fully_known(self) -> bool:
        """Every row known, the graph followed, nothing opaque."""
        return self.closed and not self.opaque and bool(self.rows) and all(r.known for r in self.rows)


@dataclass
class TensorSite:
    """A name or a layer call whose value is a tensor, at its place in the source (1-based lines,
    0-based columns)."""

    line: int
    column: int
    end_line: int
    end_column: int
    shapes: list[ShapeDims]  # each output's shape; None where a dim or the rank is unknown
    text: str  # the shape(s) as Keras prints them, "?" where unknown
    origin: str  # "output of `LSTM` on line 5", "input (keras.Input) on line 3", ""
    is_call: bool  # the site is a layer (or model) call, not a name


@dataclass
class Analysis:
    """What :func:`analyse` found in one script."""

    models: list[ModelSummary]
    sites: list[TensorSite]


# --------------------------------------------------------------- interpreter
class RecordingInterpreter(Interpreter):
    """The checker's interpreter, remembering what each expression it evaluates gave."""

    def __init__(self, module: cst.Module) -> None:
        self.layers: list[Layer] = []
        self.naming: list[tuple[str, Any]] = []  # what Keras names, in creation order
        self.call_order: dict[int, int] = {}  # id of a LayerCall -> when it was applied
        super().__init__(module, self._event)
        self.values: dict[int, tuple[cst.CSTNode, Value]] = {}
        self.models: list[Model] = []
        self.model_ids: set[int] = set()
        self.inputs: list[Tensor] = []  # keras.Input tensors, in creation order
        self.model_calls: dict[int, cst.Call] = {}  # id of a tensor a model call gave -> that call

    def _event(self, event: Any) -> None:
        if isinstance(event, LayerApplied):
            self.call_order.setdefault(id(event.call), len(self.call_order))
        elif isinstance(event, LayerCreated):
            self.layers.append(event.layer)
            self.naming.append(("layer", event.layer))
        elif isinstance(event, MethodCalled) and event.method == "add" and isinstance(event.receiver, Model) \
                and event.receiver.kind == "sequential" and isinstance(event.node, cst.Call) and event.node.args:
            # Keras's Sequential.add: an InputLayer for a first layer given input_shape=, and a
            # Functional (auto-named) each time a model with an input gets another layer.
            model = event.receiver
            added = self.values.get(id(event.node.args[0].value))
            if model.inputs:
                self.naming.append(("functional", None))
            elif not model.layers and added is not None and isinstance(added[1], Layer) \
                    and added[1].input_shape is not None:
                self.naming.extend([("input", None), ("functional", None)])

    def eval(self, node: cst.BaseExpression, scope: Scope) -> Value:  # type: ignore[override]
        """Evaluate ``node`` as the interpreter does, and remember tensors and models."""
        value = Interpreter.eval(self, node, scope)
        if isinstance(value, (Tensor, Model, Layer)) or (isinstance(value, Seq) and value.items
                                                  and all(isinstance(v, Tensor) for v in value.items)):
            self.values[id(node)] = (node, value)
        if isinstance(node, cst.Call):
            if isinstance(value, Model) and value.node is node and id(value) not in self.model_ids:
                self.model_ids.add(id(value))
                self.models.append(value)
                self.naming.append(("model", value))
                if value.kind == "sequential" and value.layers and value.inputs:
                    if value.layers[0].input_shape is not None and all(t is not value.inputs[0] for t in self.inputs):
                        self.naming.append(("input", None))  # the InputLayer input_shape= makes
                    self.naming.append(("functional", None))  # the Functional a Sequential builds
            elif isinstance(value, Tensor):
                if value.is_input and value.node is node and value.producer is None:
                    self.inputs.append(value)
                    self.naming.append(("input", value))
                elif value.producer is not None and value.producer.node is not node:
                    self.model_calls[id(value)] = node
        return value


# --------------------------------------------------------------------- names
def shape_dims(shape: Shape) -> ShapeDims:
    """A fully known shape as a tuple (None for free axes), or None when anything is unknown."""
    if shape.dims is None or any(d is not None and not is_known(d) for d in shape.dims):
        return None
    return tuple(d if is_known(d) else None for d in shape.dims)


def format_shape(shape: Shape) -> str:
    """A shape as Keras prints it, ``?`` for what is unknown."""
    if shape.dims is None:
        return "?"
    inner = ", ".join(format_dim(d) for d in shape.dims)
    return f"({inner},)" if len(shape.dims) == 1 else f"({inner})"


def format_outputs(shapes: Optional[list[ShapeDims]]) -> str:
    """A row's output shape(s) for the text summary."""
    if not shapes:
        return "?"
    texts = ["?" if s is None else format_shape(Shape(s)) for s in shapes]
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


def _tensors_of(value: Value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq):
        return [v for v in value.items if isinstance(v, Tensor)]
    return []


# ---------------------------------------------------------------- summaries
class _Builder:
    """Turns the recorded models into summaries."""

    def __init__(self, interp: RecordingInterpreter, lines: dict[int, int]) -> None:
        self.interp = interp
        self.lines = lines
        self.names: dict[int, str] = {}
        self.summaries: dict[int, ModelSummary] = {}
        namer = LayerNamer()
        for what, value in interp.naming:
            if what == "layer":
                self.names[id(value)] = explicit_name(value) or namer.next(snake_case(value.kind))
            elif what == "input":
                given = call_name(value.node) if value is not None and value.node is not None else None
                name = given or namer.next("input_layer")
                if value is not None:
                    self.names[id(value)] = name
            elif what == "functional":
                namer.next("functional")
            else:
                kind = "Sequential" if value.kind == "sequential" else "Functional"
                name = call_name(value.node) or namer.next(snake_case(kind))
                self.summaries[id(value)] = ModelSummary(name, kind, self.lines.get(id(value.node), 0), 0,
                                                         opaque=value.opaque)

    def layer_name(self, layer: Layer) -> str:
        return self.names.get(id(layer), snake_case(layer.kind))

    def build(self) -> list[ModelSummary]:
        for model in self.interp.models:
            summary = self.summaries[id(model)]
            if model.kind == "sequential":
                self._sequential(model, summary)
            else:
                self._functional(model, summary)
        return [self.summaries[id(m)] for m in self.interp.models]

    def _row(self, layer: Layer, call: Optional[LayerCall]) -> LayerRow:
        """A layer's row: the shapes its last call gave (as Keras shows), its parameters."""
        last = layer.calls[-1] if layer.calls else call
        outputs = [shape_dims(t.shape) for t in last.outputs] if last is not None and last.outputs else None
        params = layer_params(layer, last.inputs[0].shape) if last is not None and last.inputs \
            else (0 if layer.kind in NO_WEIGHTS else None)
        if layer.broken:
            outputs, params = None, None
        return LayerRow(self.layer_name(layer), layer.kind, outputs, params, self.lines.get(id(layer.node), 0))

    def _sequential(self, model: Model, summary: ModelSummary) -> None:
        chain: list[LayerCall] = []
        tensor = model.output
        start = model.inputs[0] if model.inputs else None
        while tensor is not None and tensor is not start and tensor.producer is not None:
            chain.append(tensor.producer)
            inputs = tensor.producer.inputs
            tensor = inputs[0] if len(inputs) == 1 else None
        chain.reverse()
        followed = len(chain) == len(model.layers) and all(c.layer is layer for c, layer in zip(chain, model.layers))
        summary.closed = followed and start is not None and tensor is start
        calls: list[Optional[LayerCall]] = list(chain) if followed else [None] * len(model.layers)
        summary.rows = [self._row(layer, call) for layer, call in zip(model.layers, calls)]

    def _functional(self, model: Model, summary: ModelSummary) -> None:
        inputs = {id(t) for t in model.inputs}
        seen: set[int] = set()
        rows: dict[int, tuple[tuple[int, int], LayerRow]] = {}
        closed = bool(model.outputs)
        stack = list(model.outputs)
        while stack:
            tensor = stack.pop()
            if id(tensor) in seen:
                continue
            seen.add(id(tensor))
            if id(tensor) in inputs:
                name = self.names.get(id(tensor), "input_layer")
                line = self.lines.get(id(tensor.node), 0)
                rows.setdefault(id(tensor), ((0, line), LayerRow(name, "InputLayer", [shape_dims(tensor.shape)], 0,
                                                                 line)))
                continue
            nested = self._nested(tensor)
            if nested is not None:
                inner, fed = nested
                inner_summary = self.summaries[id(inner)]
                row = LayerRow(inner_summary.name, inner_summary.kind, [shape_dims(tensor.shape)],
                               inner_summary.total_params, self.lines.get(id(self.interp.model_calls[id(tensor)]), 0))
                rows.setdefault(id(inner), ((1, self._first_call(fed)), row))
                if not fed:
                    closed = False
                stack.extend(fed)
                continue
            call = tensor.producer
            if call is None:
                closed = False  # an op, a value the analysis lost: not a graph it can show
                continue
            layer = call.layer
            if id(layer) not in rows:
                rows[id(layer)] = ((1, self._index(call)), self._row(layer, call))
            stack.extend(call.inputs)
        summary.closed = closed and all(id(t) in seen for t in model.inputs)
        summary.rows = [row for _, row in sorted(rows.values(), key=lambda item: item[0])]

    def _index(self, call: LayerCall) -> int:
        """When ``call`` was applied: rows follow the script's order, inputs first."""
        return self.interp.call_order.get(id(call), len(self.interp.call_order))

    def _first_call(self, fed: list[Tensor]) -> int:
        return max((self._index(t.producer) for t in fed if t.producer is not None), default=0) + 1

    def _nested(self, tensor: Tensor) -> Optional[tuple[Model, list[Tensor]]]:
        """The model whose call gave ``tensor``, and the tensors it was called on."""
        node = self.interp.model_calls.get(id(tensor))
        if node is None or not node.args:
            return None
        fed = self.interp.values.get(id(node.args[0].value))
        func = self.interp.values.get(id(node.func))
        if func is not None and isinstance(func[1], Model) and id(func[1]) in self.summaries:
            return func[1], _tensors_of(fed[1]) if fed is not None else []
        return None


def _tensor_origin(tensor: Tensor, lines: dict[int, int]) -> str:
    call = tensor.producer
    if call is not None:
        line = lines.get(id(call.node), 0)
        where = f" on line {line}" if line else ""
        return f"output of `{call.layer.kind}`{where}"
    if tensor.is_input and tensor.node is not None:
        line = lines.get(id(tensor.node), 0)
        return f"input (`keras.Input`) on line {line}" if line else "input (`keras.Input`)"
    return ""


def analyse(source: str) -> Optional[Analysis]:
    """The models and tensor sites of a script, or None when it does not parse."""
    module = parse(source)
    if not isinstance(module, cst.Module):
        return None
    interp = RecordingInterpreter(module)
    interp.run()
    nodes: list[cst.CSTNode] = [node for node, _ in interp.values.values()]
    nodes += [m.node for m in interp.models]
    nodes += [layer.node for layer in interp.layers]
    for layer in interp.layers:
        nodes += [call.node for call in layer.calls]
    ranges = locate(module, nodes)
    lines = {key: where.start.line for key, where in ranges.items()}
    models = _Builder(interp, lines).build()
    for model in interp.models:
        where = ranges.get(id(model.node))
        if where is not None:
            summaries = [s for s in models if s.line == where.start.line]
            for s in summaries:
                s.column = where.start.column + 1
    sites = []
    for node, value in interp.values.values():
        if not isinstance(node, (cst.Name, cst.Call)):
            continue
        tensors = _tensors_of(value)
        where = ranges.get(id(node))
        if not tensors or where is None:
            continue
        is_call = isinstance(node, cst.Call)
        if is_call and not any(t.producer is not None and (t.producer.node is node or id(t) in interp.model_calls)
                               for t in tensors):
            continue  # only layer and model calls get an inlay hint
        texts = [format_shape(t.shape) for t in tensors]
        sites.append(TensorSite(where.start.line, where.start.column, where.end.line, where.end.column,
                                [shape_dims(t.shape) for t in tensors],
                                texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]",
                                _tensor_origin(tensors[0], lines), is_call))
    sites.sort(key=lambda s: (s.line, s.column))
    return Analysis(models, sites)


def summary_json(summary: ModelSummary) -> dict[str, Any]:
    """A summary as JSON data (shapes as lists, None for free axes and for what is unknown)."""
    def shapes(outputs: Optional[list[ShapeDims]]) -> Optional[list[Optional[list[Optional[int]]]]]:
        return None if outputs is None else [None if s is None else list(s) for s in outputs]

    return {
        "name": summary.name, "kind": summary.kind, "line": summary.line, "column": summary.column,
        "fully_known": summary.fully_known, "total_params": summary.total_params,
        "layers": [{"name": r.name, "type": r.kind, "output_shapes": shapes(r.outputs), "params": r.params,
                    "line": r.line} for r in summary.rows],
    }


def summary_text(summary: ModelSummary, path: str) -> str:
    """A summary as a table like ``model.summary()``'s, ``?`` where unknown."""
    rows = [(f"{r.name} ({r.kind})", format_outputs(r.outputs), "?" if r.params is None else f"{r.params:,}",
             str(r.line or "")) for r in summary.rows]
    head = ("Layer (type)", "Output Shape", "Param #", "Line")
    widths = [max([len(head[i])] + [len(row[i]) for row in rows]) for i in range(4)]

    def line(cells: Union[tuple[str, ...], tuple[str, str, str, str]]) -> str:
        return f"  {cells[0]:<{widths[0]}}  {cells[1]:<{widths[1]}}  {cells[2]:>{widths[2]}}  {cells[3]:>{widths[3]}}"

    rule = "  " + "-" * (sum(widths) + 6)
    total = summary.total_params
    known = "" if summary.fully_known else "  (not fully known)"
    out = [f'{path}:{summary.line}:{summary.column}: Model "{summary.name}" ({summary.kind}){known}',
           line(head), rule, *(line(r) for r in rows), rule,
           f"  Total params: {'?' if total is None else f'{total:,}'}"]
    if not rows:
        out.insert(3, "  (no layers known)")
    return "\n".join(out)
