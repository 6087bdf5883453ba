"""Worker side: a recipe's graph as real Keras objects, and synthetic data for it.

Only the worker process imports this module; the Keras module is passed in,
so importing it imports neither Keras nor TensorFlow.  Every Keras call a
graph makes is wrapped so that a failure says where it happened.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any, Optional, Sequence

import numpy as np

from shapecheck.confirm.inert import may_construct, may_resolve
from shapecheck.confirm.protocol import describe_error

SAMPLES = 32
"""Synthetic samples per fit."""
FREE_DIM = 4
"""The size given to a non-batch axis declared as None."""



def _allowed(path: str) -> str:
    """``path`` if a recipe may refer to it (a configuration object's module), else an error."""
    if not may_resolve(path):
        raise ValueError(f"`{path}` is not a name confirmation may use")
    return path


@functools.lru_cache(maxsize=1)
def _catalog_names() -> frozenset[str]:
    """The layer classes of the shape catalog: the only ones the worker constructs."""
    from shapecheck.shapes import catalog

    return frozenset(catalog.REGISTRY)


class StepFailed(Exception):
    """Keras raised while rebuilding; ``where`` names the step (``calling `LSTM```)."""

    def __init__(self, where: str, error: BaseException) -> None:
        super().__init__(f"{where}: {describe_error(error)}")
        self.where = where
        self.error = error


def resolve(path: str) -> Any:
    """The object a dotted Keras, TensorFlow or numpy path names (``keras.activations.relu``)."""
    top, *rest = path.split(".")
    if top not in ("keras", "tensorflow", "numpy"):
        raise ValueError(f"`{path}` is not a Keras, TensorFlow or numpy name")
    obj: Any = importlib.import_module(top)
    for part in rest:
        obj = getattr(obj, part)
    return obj


class Rebuild:
    """The layers, inputs and calls of one recipe graph, made on demand.

    ``Rebuild.latest`` is the last one made, so the worker can say where its
    weights ended up.
    """

    latest: Optional["Rebuild"] = None

    def __init__(self, keras: Any, graph: Optional[dict[str, Any]]) -> None:
        Rebuild.latest = self
        graph = graph or {}
        self.keras = keras
        self.specs: list[dict[str, Any]] = graph.get("layers", [])
        self.input_specs = {spec["id"]: spec for spec in graph.get("inputs", [])}
        self.input_order = [spec["id"] for spec in graph.get("inputs", [])]
        self.calls: list[dict[str, Any]] = graph.get("calls", [])
        self.layers: dict[int, Any] = {}
        self.tensors: dict[int, Any] = {}

    def decode(self, value: Any) -> Any:
        """A JSON config value as a Python/Keras value (tuples, nested layers, Keras names)."""
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if isinstance(value, dict):
            if "$tuple" in value:
                return tuple(self.decode(v) for v in value["$tuple"])
            if "$layer" in value:
                return self.layer(value["$layer"])
            if "$tensor" in value:
                return self.tensor(value["$tensor"])
            if "$ref" in value:
                return resolve(_allowed(value["$ref"]))
            if "$zeros" in value:
                return np.zeros(tuple(int(d) for d in value["$zeros"]), dtype="float32")
            if "$float" in value:
                return float(value["$float"])
            if "$object" in value:
                spec = value["$object"]
                return resolve(_allowed(spec["path"]))(**{k: self.decode(v) for k, v in spec["kwargs"].items()})
            return {k: self.decode(v) for k, v in value.items()}
        return value

    def label(self, layer_id: int) -> str:
        """How evidence names a layer of the graph."""
        return str(self.specs[layer_id].get("label", self.specs[layer_id]["kind"]))

    def layer(self, layer_id: int) -> Any:
        """The Keras layer ``layer_id``, constructed once."""
        if layer_id in self.layers:
            return self.layers[layer_id]
        spec = self.specs[layer_id]
        if not may_construct(str(spec["kind"]), _catalog_names()):
            raise StepFailed(f"constructing {self.label(layer_id)}",
                             PermissionError(f"`{spec['kind']}` is not a layer confirmation constructs"))
        try:
            cls = getattr(self.keras.layers, spec["kind"])
            args = [self.decode(v) for v in spec.get("args", [])]
            kwargs = {k: self.decode(v) for k, v in spec.get("kwargs", {}).items()}
            made = cls(*args, **kwargs)
        except StepFailed:
            raise
        except Exception as error:  # noqa: BLE001 - any Keras error is evidence
            raise StepFailed(f"constructing {self.label(layer_id)}", error) from error
        self.layers[layer_id] = made
        return made

    def tensor(self, tensor_id: int) -> Any:
        """A symbolic tensor: a ``keras.Input`` or the output of a call already run."""
        if tensor_id not in self.tensors:
            spec = self.input_specs.get(tensor_id)
            if spec is None:
                raise KeyError(f"tensor {tensor_id} is used before the call that makes it")
            self.tensors[tensor_id] = self.keras.Input(batch_shape=tuple(spec["batch_shape"]))
        return self.tensors[tensor_id]

    def run(self) -> None:
        """Apply every call of the graph, in order."""
        for call in self.calls:
            self.apply(call)

    def apply(self, call: dict[str, Any]) -> list[Any]:
        """Apply one call and record its outputs."""
        layer = self.layer(call["layer"])
        inputs = [self.tensor(t) for t in call["inputs"]]
        try:
            result = layer(*inputs) if call.get("spread") else layer(inputs if call["multi"] else inputs[0])
        except Exception as error:  # noqa: BLE001
            raise StepFailed(f"calling {self.label(call['layer'])}", error) from error
        outputs = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(outputs) < len(call["outputs"]):
            raise StepFailed(f"calling {self.label(call['layer'])}",
                             ValueError(f"{len(outputs)} outputs where the analysis expects {len(call['outputs'])}"))
        for number, tensor in zip(call["outputs"], outputs):
            self.tensors[number] = tensor
        return outputs

    def model(self, spec: dict[str, Any]) -> Any:
        """``keras.Model(inputs, outputs)`` over tensors of the graph."""
        inputs = [self.tensor(t) for t in spec["inputs"]]
        outputs = [self.tensor(t) for t in spec["outputs"]]
        try:
            return self.keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs,
                                    outputs=outputs[0] if len(outputs) == 1 else outputs)
        except Exception as error:  # noqa: BLE001
            raise StepFailed("making the model", error) from error

    def input_tensors(self) -> list[Any]:
        """Every input of the graph, in order."""
        return [self.tensor(t) for t in self.input_order]

    def device(self) -> Optional[str]:
        """``GPU`` or ``CPU``: where the first weight that was created lives (None without weights)."""
        for made in self.layers.values():
            for weight in getattr(made, "weights", []):
                where = str(getattr(getattr(weight, "value", weight), "device", "") or "").upper()
                if where:  # TensorFlow: ".../device:GPU:0"; JAX and torch: "cuda:0"
                    return "GPU" if "GPU" in where or "CUDA" in where else "CPU"
        return None


def batch_size(shapes: Sequence[Sequence[Optional[int]]], default: int = SAMPLES) -> int:
    """The sample count for synthetic data: a fixed batch size if an input declares one."""
    for shape in shapes:
        if shape and shape[0] is not None:
            return int(shape[0])
    return default


def synthetic(shape: Sequence[Optional[int]], samples: int, rng: np.random.Generator) -> np.ndarray:
    """Random float32 data for an input of ``shape`` (batch axis first)."""
    dims = [samples] + [FREE_DIM if d is None else int(d) for d in list(shape)[1:]]
    return rng.random(dims, dtype=np.float32)


def synthetic_array(spec: dict[str, Any], rng: np.random.Generator) -> np.ndarray:
    """Data shaped like an array the analysis inferred: int ids, one-hot rows or floats."""
    shape = [int(d) for d in spec["shape"]]
    dtype = spec.get("dtype") or "float"
    if spec.get("onehot") and shape:
        classes = shape[-1]
        ids = rng.integers(0, max(classes, 1), size=shape[:-1])
        return np.eye(classes, dtype=np.float32)[ids]
    if dtype == "int":
        top = spec.get("max_value")
        top = top if isinstance(top, int) and top > 0 else 1
        ids = rng.integers(0, top + 1, size=shape)
        if ids.size:
            ids.flat[0] = top  # the largest id the analysis inferred is what a label finding is about
        return ids
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    return rng.random(shape, dtype=np.float32)


def targets_for(loss: Any, output_shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """Labels a loss accepts for an output of ``output_shape`` (ids, one-hot, bits or reals)."""
    name = (loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
            or type(loss).__name__).lower()
    shape = list(output_shape)
    units = shape[-1] if len(shape) > 1 else 1
    if "sparse" in name:
        return rng.integers(0, max(units, 1), size=shape[:-1] + [1])
    if "categorical" in name or name in ("ce", "crossentropy"):
        return np.eye(units, dtype=np.float32)[rng.integers(0, units, size=shape[:-1])]
    if "binary" in name or "hinge" in name or name in ("bce",):
        return rng.integers(0, 2, size=shape).astype(np.float32)
    return rng.normal(size=shape).astype(np.float32)
