"""Worker side of ``call_raises``: one computation on rebuilt Keras tensors must raise.

Only an allowlist is ever called: the ``keras.ops`` functions of the ops
table, Python's operators, tensor indexing, the ``reshape``/``squeeze``
methods, and a fixed list of TensorFlow math and array ops (none of which
reads or writes files or reaches the network).  Anything else is
unconfirmable.
"""

from __future__ import annotations

import importlib
import operator
import warnings
from typing import Any, Callable

from shapecheck.confirm.protocol import describe_error
from shapecheck.confirm.rebuild import Rebuild, StepFailed
from shapecheck.shapes.ops import OPS

CONFIRMED, REFUTED, UNCONFIRMABLE = "confirmed", "refuted", "unconfirmable"

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow, "@": operator.matmul, "&": operator.and_, "|": operator.or_,
    "^": operator.xor,
}
_METHODS = frozenset({"reshape", "squeeze"})
_TENSORFLOW_OPS = frozenset(
    "abs add argmax argmin cast concat cumsum einsum exp expand_dims gather identity matmul maximum minimum "
    "multiply one_hot pad pow reduce_all reduce_any reduce_max reduce_mean reduce_min reduce_prod reduce_sum "
    "repeat reshape shape sigmoid sqrt square squeeze stack subtract tanh tile transpose unstack where split "
    "divide clip_by_value stop_gradient sort argsort round sign floor ceil".split()
    + ["math." + name for name in "abs add exp log log1p sqrt square sigmoid tanh reduce_sum reduce_mean "
       "reduce_max reduce_min reduce_prod reduce_std reduce_variance reduce_logsumexp multiply divide "
       "subtract maximum minimum pow softplus l2_normalize top_k argmax argmin cumsum".split()]
    + ["nn." + name for name in "softmax log_softmax relu relu6 elu selu gelu sigmoid tanh l2_normalize "
       "dropout avg_pool2d max_pool2d conv2d bias_add moments".split()]
    + ["image." + name for name in "resize resize_with_pad central_crop flip_left_right rgb_to_grayscale "
       "grayscale_to_rgb per_image_standardization".split()]
    + ["linalg." + name for name in "matmul matvec norm normalize einsum transpose diag_part".split()]
)
_KERAS_TENSOR_REFUSED = "KerasTensor cannot be used as input to a TensorFlow function"


def _decode(rb: Rebuild, value: Any) -> Any:
    if isinstance(value, dict):
        if "$ellipsis" in value:
            return Ellipsis
        if "$slice" in value:
            return slice(*[_decode(rb, part) for part in value["$slice"]])
        if "$tuple" in value:
            return tuple(_decode(rb, item) for item in value["$tuple"])
    if isinstance(value, list):
        return [_decode(rb, item) for item in value]
    return rb.decode(value)


def _function(keras: Any, kind: str, name: str) -> Callable[..., Any] | None:
    """The callable the recipe names, if it is on the allowlist."""
    if kind == "op" and name in OPS:
        target: Any = keras.ops
        for part in name.split("."):
            target = getattr(target, part, None)
        return target if callable(target) else None
    if kind == "operator":
        return _OPERATORS.get(name)
    if kind == "index":
        return operator.getitem
    if kind == "method" and name in _METHODS:
        return lambda tensor, *args, **kwargs: getattr(tensor, name)(*args, **kwargs)
    if kind == "tensorflow" and name.startswith("tensorflow.") and name[len("tensorflow."):] in _TENSORFLOW_OPS:
        target = importlib.import_module("tensorflow")
        for part in name.split(".")[1:]:
            target = getattr(target, part, None)
        return target if callable(target) else None
    return None


def call_raises(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> tuple[str, str]:
    """Rebuild the tensors, make the call: Keras (or TensorFlow) must raise, for the reason the finding gives."""
    kind, name = str(recipe.get("kind")), str(recipe.get("function"))
    function = _function(keras, kind, name)
    if function is None:
        return UNCONFIRMABLE, f"`{name}` is not on the list of calls confirmation makes"
    rb = Rebuild(keras, recipe.get("graph"))
    try:
        rb.run()
        args = [_decode(rb, value) for value in recipe.get("args", [])]
        kwargs = {key: _decode(rb, value) for key, value in recipe.get("kwargs", {}).items()}
    except StepFailed as failure:
        return UNCONFIRMABLE, f"Keras failed before the flagged call, {failure.where}: {describe_error(failure.error)}"
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any error of the call is the evidence
        if kind == "tensorflow" and _KERAS_TENSOR_REFUSED not in str(error):
            return UNCONFIRMABLE, f"TensorFlow raised for another reason: {describe_error(error)}"
        return CONFIRMED, describe_error(error)
    shape = getattr(result, "shape", None)
    return REFUTED, f"the call succeeded and returned shape {tuple(shape) if shape is not None else '?'}"


def model_from_objects(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> tuple[str, str]:
    """``keras.Model(inputs, outputs)`` with a layer object among them: Keras must raise."""
    rb = Rebuild(keras, recipe.get("graph"))
    try:
        rb.run()
        inputs = [rb.decode(v) for v in recipe.get("inputs", [])]
        outputs = [rb.decode(v) for v in recipe.get("outputs", [])]
    except StepFailed as failure:
        return UNCONFIRMABLE, f"Keras failed before the Model was made, {failure.where}: {describe_error(failure.error)}"
    if recipe.get("role") == "inputs":
        outputs = [keras.layers.Dense(1)(keras.Input(shape=(1,)))]
    try:
        keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs,
                    outputs=outputs[0] if len(outputs) == 1 else outputs)
    except Exception as error:  # noqa: BLE001 - the refusal is the evidence
        return CONFIRMED, describe_error(error)
    return REFUTED, "Keras made the Model from these objects"


def embedding_weights(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> tuple[str, str]:
    """Construct the Embedding with a zero matrix of the given shape and build it: Keras must raise."""
    import numpy as np

    rb = Rebuild(keras, recipe.get("graph"))
    spec = rb.specs[recipe["layer"]]
    if spec.get("kind") != "Embedding":
        return UNCONFIRMABLE, "the recipe does not name an Embedding"
    try:
        args = [rb.decode(v) for v in spec.get("args", [])]
        kwargs = {k: rb.decode(v) for k, v in spec.get("kwargs", {}).items()}
    except StepFailed as failure:
        return UNCONFIRMABLE, f"Keras failed before the Embedding was made, {failure.where}"
    matrix = np.zeros(tuple(int(v) for v in recipe["matrix"]), dtype="float32")
    try:
        layer = keras.layers.Embedding(*args, weights=[matrix], **kwargs)
        layer(keras.Input(shape=(1,), dtype="int32"))
    except Exception as error:  # noqa: BLE001 - the refusal is the evidence
        return CONFIRMED, describe_error(error)
    return REFUTED, f"Keras built the Embedding with a {matrix.shape} matrix"


def model_call(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> tuple[str, str]:
    """Make the model, then call it on the tensor the script passes: Keras must raise."""
    rb = Rebuild(keras, recipe.get("graph"))
    try:
        rb.run()
        model = rb.model(recipe["model"])
        tensor = rb.tensor(recipe["argument"])
    except StepFailed as failure:
        return UNCONFIRMABLE, f"Keras failed before the call, {failure.where}: {describe_error(failure.error)}"
    try:
        result = model(tensor)
    except Exception as error:  # noqa: BLE001 - the refusal is the evidence
        return CONFIRMED, describe_error(error)
    return REFUTED, f"Keras called the model on it and returned shape {tuple(getattr(result, 'shape', ()))}"


def unbounded_output(model: Any, loss: Any, x: Any, shape: list[int], rng: Any,
                     caught: list[warnings.WarningMessage]) -> tuple[str, str]:
    """A probability loss on raw scores: after a short fit, the outputs are still not probabilities."""
    import numpy as np

    units = shape[-1]
    name = loss if isinstance(loss, str) else (getattr(loss, "name", "") or getattr(loss, "__name__", "") or "")
    sparse = "sparse" in str(name)
    if sparse:
        y = rng.integers(0, max(units, 2), size=shape[:-1]).astype(np.int32)
    elif units > 1:
        y = np.eye(units, dtype=np.float32)[rng.integers(0, units, size=shape[:-1])]
    else:
        y = rng.integers(0, 2, size=shape).astype(np.float32)
    for _ in range(5):
        model.train_on_batch(x, y)
    predicted = np.asarray(model(x, training=False))
    sums = predicted.sum(axis=-1)
    if predicted.min() < 0.0 or predicted.max() > 1.0 or (units > 1 and np.abs(sums - 1.0).max() > 1e-3):
        return CONFIRMED, (f"the loss reads probabilities, but after 5 training steps the outputs range over "
                           f"[{predicted.min():.3g}, {predicted.max():.3g}]"
                           + (f" and their rows sum to [{sums.min():.3g}, {sums.max():.3g}]" if units > 1 else ""))
    return REFUTED, "the outputs are probabilities already"
