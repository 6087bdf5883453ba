"""Worker side: what each recipe action does with Keras, and what counts as confirmation.

Each action takes the Keras module, the recipe and the warnings caught so far
(a list that fills while the action runs) and returns ``(status, evidence)``.
Build-time findings are confirmed when Keras raises at the step the finding
names and refuted when that step succeeds; silent findings are confirmed by
the symptom on synthetic data, generated from the inferred shapes alone.
"""

from __future__ import annotations

import platform
import warnings
from typing import Any, Callable, Optional

import numpy as np

from shapecheck.confirm.actions_ops import (
    call_raises,
    embedding_weights,
    model_call,
    model_from_objects,
    unbounded_output,
)
from shapecheck.confirm.protocol import describe_error
from shapecheck.confirm.rebuild import SAMPLES, Rebuild, StepFailed, batch_size, resolve, synthetic, synthetic_array, targets_for

CONFIRMED, REFUTED, UNCONFIRMABLE = "confirmed", "refuted", "unconfirmable"
STEPS = 5
"""Training steps of the short fit that shows a silent symptom (one batch of synthetic samples each)."""

Verdict = tuple[str, str]
Action = Callable[[Any, dict[str, Any], list[warnings.WarningMessage]], Verdict]


def _earlier(failure: StepFailed) -> Verdict:
    return UNCONFIRMABLE, f"Keras failed before the flagged step, {failure.where}: {describe_error(failure.error)}"


def _shapes(value: Any) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    return ", ".join(str(tuple(getattr(v, "shape", ()))) for v in values)


def _mentions(error: BaseException, word: Optional[str]) -> bool:
    return word is None or word in str(error)


# ------------------------------------------------------------------ build-time findings
def raise_at(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Build the layers before the flagged one, then the flagged call: Keras must raise there."""
    rb = Rebuild(keras, recipe.get("graph"))
    try:
        rb.run()
        inputs = [rb.tensor(t) for t in recipe["inputs"]]
    except StepFailed as failure:
        return _earlier(failure)
    label = rb.label(recipe["layer"])
    try:
        layer = rb.layer(recipe["layer"])
        result = layer(*inputs) if recipe.get("spread") else layer(inputs if recipe["multi"] else inputs[0])
    except StepFailed as failure:
        return CONFIRMED, f"{describe_error(failure.error)} (when constructing {label})"
    except Exception as error:  # noqa: BLE001
        return CONFIRMED, describe_error(error)
    return REFUTED, f"Keras built this model without error: {label} returned {_shapes(result)}"


def call_on_object(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Call the layer on the layer (or model) object the script passes it."""
    rb = Rebuild(keras, recipe.get("graph"))
    argument = recipe["argument"]
    try:
        rb.run()
        obj = rb.layer(argument["layer"]) if "layer" in argument else rb.model(argument["model"])
        target = rb.layer(recipe["layer"])
    except StepFailed as failure:
        return _earlier(failure)
    try:
        result = target([obj] if recipe["multi"] else obj)
    except Exception as error:  # noqa: BLE001
        return CONFIRMED, describe_error(error)
    return REFUTED, f"Keras accepted a {type(obj).__name__} object as input and returned {_shapes(result)}"


def construct_with_tensors(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Construct a merge layer with the tensors as its first argument: it is a layer, not a merged tensor."""
    rb = Rebuild(keras, recipe.get("graph"))
    try:
        rb.run()
        tensors = [rb.tensor(t) for t in recipe["tensors"]]
    except StepFailed as failure:
        return _earlier(failure)
    label = rb.label(recipe["layer"])
    try:
        made = rb.layer(recipe["layer"])
    except StepFailed as failure:
        return CONFIRMED, f"{describe_error(failure.error)} (when constructing {label})"
    if isinstance(made, keras.KerasTensor):
        return REFUTED, f"{label} constructed with the tensors returned a tensor of shape {_shapes(made)}"
    what = f"{label} constructed with the tensors returns a `{type(made).__name__}` layer object, not a tensor"
    try:
        made(tensors)
    except Exception as error:  # noqa: BLE001
        return CONFIRMED, f"{what}; calling that layer on the tensors raises {describe_error(error)}"
    return CONFIRMED, what


def rejects_keyword(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Pass the keyword (or the extra positional arguments): Keras must raise or warn about it."""
    keyword = recipe.get("keyword")
    try:
        if "layer" in recipe:
            rb = Rebuild(keras, recipe.get("graph"))
            rb.layer(recipe["layer"])
            what = "the layer"
        else:
            callee = recipe["callee"]
            target = resolve(callee["path"])
            if "method" in callee:
                target = getattr(target(), callee["method"])
                what = f"`{callee['method']}`"
            else:
                what = f"`{callee['path'].rsplit('.', 1)[-1]}`"
            target(**recipe["kwargs"])
    except StepFailed as failure:
        return _judge_rejection(failure.error, keyword)
    except Exception as error:  # noqa: BLE001
        return _judge_rejection(error, keyword)
    for warning in caught:
        if keyword is not None and keyword in str(warning.message):
            return CONFIRMED, f"Keras warned: {describe_error(warning.message).split(': ', 1)[-1]}"
    shown = f"`{keyword}=`" if keyword else "these positional arguments"
    return REFUTED, f"Keras accepted {shown} in {what} without error or warning"


def _judge_rejection(error: BaseException, keyword: Optional[str]) -> Verdict:
    if keyword is None and isinstance(error, TypeError) and "positional" in str(error):
        return CONFIRMED, describe_error(error)
    if keyword is not None and _mentions(error, keyword):
        return CONFIRMED, describe_error(error)
    return UNCONFIRMABLE, f"Keras raised, but not about {('`' + keyword + '`') if keyword else 'the arguments'}: " \
                          f"{describe_error(error)}"


def missing_attribute(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Look the name up where the script takes it from."""
    owner = resolve(recipe["path"])
    try:
        getattr(owner, recipe["name"])
    except AttributeError as error:
        return CONFIRMED, describe_error(error)
    return REFUTED, f"`{recipe['path']}.{recipe['name']}` exists"


def identifier(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Hand the string to Keras where the script does: compile and one training step, or the layer."""
    family, value = recipe["family"], recipe["value"]
    try:
        if family == "activation":
            if recipe.get("layer") is not None:
                Rebuild(keras, recipe.get("graph")).layer(recipe["layer"])
            else:
                keras.activations.get(value)
        else:
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
            settings: dict[str, Any] = {"optimizer": "adam", "loss": "mse"}
            settings["metrics" if family == "metric" else family] = [value] if family == "metric" else value
            model.compile(**settings)
            model.fit(np.zeros((2, 2), "float32"), np.zeros((2, 1), "float32"), epochs=1, verbose=0)
    except StepFailed as failure:
        return _judge_rejection(failure.error, value)
    except Exception as error:  # noqa: BLE001
        return _judge_rejection(error, value)
    return REFUTED, f"Keras accepted '{value}' as a {family}"


def shape_not_tuple(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """``keras.Input(shape=int)``, or a Sequential model starting with the layer given ``input_shape=int``."""
    value = recipe["value"]
    try:
        if recipe.get("layer") is None:
            keras.Input(shape=value)
        else:
            keras.Sequential([Rebuild(keras, recipe.get("graph")).layer(recipe["layer"])])
    except StepFailed as failure:
        return _judge_rejection(failure.error, str(value))
    except Exception as error:  # noqa: BLE001
        return _judge_rejection(error, str(value))
    return REFUTED, f"Keras accepted the int {value} as a shape"


def syntax(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Python's compiler on the file's text (compiled, never run)."""
    try:
        compile(recipe["source"], recipe.get("filename", "<file>"), "exec", dont_inherit=True)
    except SyntaxError as error:
        return CONFIRMED, f"SyntaxError: {error.msg} (line {error.lineno})"
    return REFUTED, f"Python {platform.python_version()} compiled the file without error"


# ------------------------------------------------------------------ silent findings
def _fit_model(keras: Any, recipe: dict[str, Any], key: str = "output") -> tuple[Rebuild, Any]:
    rb = Rebuild(keras, recipe.get("graph"))
    rb.run()
    if "model" in recipe:
        return rb, rb.model(recipe["model"])
    inputs = rb.input_tensors()
    try:
        model = keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs, outputs=rb.tensor(recipe[key]))
    except Exception as error:  # noqa: BLE001
        raise StepFailed("making the model", error) from error
    return rb, model


def _train(model: Any, x: Any, y: Any, steps: int = STEPS) -> list[float]:
    """A short fit: ``steps`` training steps on the same batch; the loss after each."""
    losses = []
    for _ in range(steps):
        result = model.train_on_batch(x, y)
        losses.append(float(result[0] if isinstance(result, (list, tuple)) else result))
    return losses


def _predict(model: Any, x: Any) -> np.ndarray:
    """The model's output on ``x`` (called directly: cheaper than ``predict`` for one small batch)."""
    return np.asarray(model(x, training=False))


def _compile(model: Any, rb: Rebuild, settings: dict[str, Any], eager: bool = True) -> Any:
    """Compile as the script does (eagerly, for speed, unless the symptom needs graph mode); the loss."""
    loss = rb.decode(settings["loss"])
    model.compile(optimizer=rb.decode(settings["optimizer"]), loss=loss, run_eagerly=eager)
    return loss


def _inputs_data(rb: Rebuild, rng: np.random.Generator, samples: Optional[int] = None,
                 recipe: Optional[dict[str, Any]] = None) -> Any:
    """Synthetic data for the model's inputs (the recipe's model, else every input of the graph), in order."""
    order = recipe["model"]["inputs"] if recipe is not None and "model" in recipe else rb.input_order
    shapes = [rb.input_specs[t]["batch_shape"] for t in order]
    n = batch_size(shapes, samples or SAMPLES)
    data = [synthetic(shape, n, rng) for shape in shapes]
    return data[0] if len(data) == 1 else data


def softmax_ones(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Fit briefly on synthetic data, then predict: a softmax over one unit gives 1.0 everywhere."""
    rng = np.random.default_rng(0)
    try:
        rb, model = _fit_model(keras, recipe)
    except StepFailed as failure:
        return _earlier(failure)
    x = _inputs_data(rb, rng)
    y = rng.random(np.shape(_predict(model, x)), dtype=np.float32)
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    _train(model, x, y)
    predicted = _predict(model, _inputs_data(rb, rng))
    if np.allclose(predicted, 1.0, atol=1e-6):
        warned = _warning_about(caught, "always return the value 1")
        said = f"Keras warned: {warned.split('. ')[0]}; " if warned else ""
        return CONFIRMED, (f"{said}after {STEPS} training steps on {len(y)} synthetic samples, the output is 1.0 "
                           f"for all {predicted.size} values")
    return REFUTED, f"after a short fit, predictions range from {predicted.min():.3g} to {predicted.max():.3g}"


def batch_concat(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Run the model on a small batch: the output has a different number of samples."""
    rng = np.random.default_rng(0)
    try:
        rb, model = _fit_model(keras, recipe)
    except StepFailed as failure:
        return _earlier(failure)
    x = _inputs_data(rb, rng, samples=4)
    n = len(x[0] if isinstance(x, list) else x)
    rows = int(np.shape(np.asarray(model(x, training=False)))[0])
    if rows != n:
        return CONFIRMED, f"inputs of {n} samples give an output of {rows} samples: the samples are stacked"
    return REFUTED, f"inputs of {n} samples give an output of {rows} samples"


def loss_symptom(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Compile as the script does, fit briefly, and look for the symptom of the loss/output mismatch."""
    rng = np.random.default_rng(0)
    try:
        rb, model = _fit_model(keras, recipe)
        # The from_logits warning comes from graph mode, where Keras sees the softmax op.
        loss = _compile(model, rb, recipe["compile"], eager=recipe["symptom"] != "logits_warning")
    except StepFailed as failure:
        return _earlier(failure)
    except Exception as error:  # noqa: BLE001
        return UNCONFIRMABLE, f"Keras could not compile the model: {describe_error(error)}"
    x = _inputs_data(rb, rng, recipe=recipe)
    shape = list(np.shape(_predict(model, x)))
    return _SYMPTOMS[recipe["symptom"]](model, loss, x, shape, rng, caught)


def _categorical_on_binary(model: Any, loss: Any, x: Any, shape: list[int], rng: np.random.Generator,
                           caught: list[warnings.WarningMessage]) -> Verdict:
    units = shape[-1]
    if units == 1:
        before = [np.array(w) for w in model.get_weights()]
        losses = _train(model, x, np.ones(shape, np.float32))
        after = model.get_weights()
        frozen = all(np.array_equal(b, a) for b, a in zip(before, after))
        if frozen and losses and max(losses) < 1e-5:
            warned = _warning_about(caught, "num_classes > 1")
            said = f"Keras warned: {warned.split('. Consider')[0]}; " if warned else ""
            return CONFIRMED, (f"{said}after {STEPS} training steps the loss stayed at {max(losses):.2g} and no "
                               "weight changed: nothing is learned")
        return REFUTED, f"the loss went from {losses[0]:.3g} to {losses[-1]:.3g} and the weights changed"
    y = np.eye(units, dtype=np.float32)[rng.integers(0, units, size=shape[:-1])]
    _train(model, x, y)
    sums = _predict(model, x).sum(axis=-1)
    if np.abs(sums - 1.0).max() > 1e-3:
        return CONFIRMED, (f"the {units} outputs are not a distribution (rows sum to {sums.min():.2f} to "
                           f"{sums.max():.2f}), yet categorical_crossentropy rescales each row as if it were one")
    return REFUTED, "every row of predictions sums to 1.0: the outputs are a distribution"


def _competing_units(model: Any, loss: Any, x: Any, shape: list[int], rng: np.random.Generator,
                     caught: list[warnings.WarningMessage]) -> Verdict:
    units = shape[-1]
    if units < 2:
        return REFUTED, "the output has a single unit"
    y = rng.integers(0, 2, size=shape).astype(np.float32)
    y[0] = 1.0  # a sample that belongs to every class
    _train(model, x, y)
    sums = _predict(model, x).sum(axis=-1)
    if np.abs(sums - 1.0).max() < 1e-4:
        return CONFIRMED, (f"after {STEPS} training steps on multi-label targets every row of predictions still "
                           f"sums to 1.0: the {units} softmax units compete, while the loss scores each as an "
                           "independent probability (a target like [1, 1] can never be met)")
    return REFUTED, f"rows of predictions sum to {sums.min():.2f} to {sums.max():.2f}: the units do not compete"


def _logits_warning(model: Any, loss: Any, x: Any, shape: list[int], rng: np.random.Generator,
                    caught: list[warnings.WarningMessage]) -> Verdict:
    units = shape[-1]
    y = (np.eye(units, dtype=np.float32)[rng.integers(0, units, size=shape[:-1])] if units > 1
         else rng.integers(0, 2, size=shape).astype(np.float32))
    model.train_on_batch(x, y)
    warned = _warning_about(caught, "from_logits")
    if warned:
        return CONFIRMED, f"Keras warned: {warned}"
    predicted = _predict(model, x)
    config = dict(loss.get_config()) if hasattr(loss, "get_config") else {}
    if not config.get("from_logits"):
        return REFUTED, "the loss does not take logits"
    config["from_logits"] = False
    plain = type(loss).from_config(config)
    given, expected = float(loss(y, predicted)), float(plain(y, predicted))
    if abs(given - expected) > 1e-3 * max(1.0, abs(expected)):
        return CONFIRMED, (f"the loss applies the activation a second time: it scores the predictions at "
                           f"{given:.4g}, where their cross-entropy is {expected:.4g}")
    return REFUTED, "the loss gives the same value with from_logits=False"


def _bounded_output(model: Any, loss: Any, x: Any, shape: list[int], rng: np.random.Generator,
                    caught: list[warnings.WarningMessage]) -> Verdict:
    y = rng.normal(0.0, 2.0, size=shape).astype(np.float32)
    _train(model, x, y)
    predicted = _predict(model, x)
    if predicted.min() >= 0.0 and predicted.max() <= 1.0:
        return CONFIRMED, (f"after {STEPS} training steps on real-valued targets in [{y.min():.2f}, {y.max():.2f}], "
                           f"every prediction lies in [{predicted.min():.2f}, {predicted.max():.2f}]: the squashed "
                           "output cannot reach them")
    return REFUTED, f"predictions reach [{predicted.min():.2f}, {predicted.max():.2f}]: the output is not bounded"


_SYMPTOMS: dict[str, Callable[..., Verdict]] = {
    "categorical_on_binary": _categorical_on_binary,
    "competing_units": _competing_units,
    "logits_warning": _logits_warning,
    "bounded_output": _bounded_output,
    "unbounded_output": unbounded_output,
}


def _warning_about(caught: list[warnings.WarningMessage], text: str) -> Optional[str]:
    for warning in caught:
        message = str(warning.message)
        if text in message:
            return describe_error(warning.message).split(": ", 1)[-1].strip('"')
    return None


# ------------------------------------------------------------------ data
def fit_data(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Feed data of the inferred shapes (synthetic values) to the method the script calls."""
    rng = np.random.default_rng(0)
    try:
        rb, model = _fit_model(keras, recipe)
        if recipe.get("compile"):
            settings = recipe["compile"]
            model.compile(optimizer=rb.decode(settings["optimizer"]), loss=rb.decode(settings["loss"]))
    except StepFailed as failure:
        return _earlier(failure)
    except Exception as error:  # noqa: BLE001
        return UNCONFIRMABLE, f"Keras could not compile the model: {describe_error(error)}"
    xs = [synthetic_array(spec, rng) for spec in recipe["x"]]
    x = xs[0] if len(xs) == 1 else xs
    ys = [synthetic_array(spec, rng) for spec in recipe["y"]] if recipe.get("y") else None
    y = None if ys is None else ys[0] if len(ys) == 1 else ys
    method = recipe["method"]
    try:
        if method in ("fit", "evaluate", "predict"):
            extra: dict[str, Any] = {"epochs": 1} if method == "fit" else {}
            args = (x,) if method == "predict" else (x, y)
            result = getattr(model, method)(*args, verbose=0, **extra)
        else:
            result = getattr(model, method)(*((x,) if y is None else (x, y)))
    except Exception as error:  # noqa: BLE001
        return CONFIRMED, describe_error(error)
    losses = result.history.get("loss", []) if hasattr(result, "history") else []
    if recipe.get("label_rank") and y is not None and not isinstance(y, list):
        out = model.predict(x[:2], verbose=0)
        mine, theirs = _per_sample(np.shape(out)), _per_sample(np.shape(y))
        if len(mine) != len(theirs):
            return CONFIRMED, (f"Keras ran `{method}` by broadcasting labels of shape {np.shape(y)} against outputs "
                               f"of shape {np.shape(out)}")
    if method != "predict" and any(not np.isfinite(v) for v in np.ravel(np.asarray(losses or result, float))):
        # On a GPU, TensorFlow answers an out-of-range label with a NaN loss instead of an error.
        return CONFIRMED, f"Keras ran `{method}`, but the loss is not finite ({np.ravel(np.asarray(losses or result))})"
    shapes = ", ".join(str(tuple(spec["shape"])) for spec in recipe["x"] + (recipe.get("y") or []))
    return REFUTED, f"Keras ran `{method}` on data of shapes {shapes} without error"


def _per_sample(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of one sample without trailing axes of size 1 (what Keras squeezes before a loss)."""
    rest = list(shape[1:])
    while rest and rest[-1] == 1:
        rest.pop()
    return tuple(rest)


def finite_generator(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Fit on a generator of as many synthetic batches as the script's yields: Keras runs out of data."""
    rng = np.random.default_rng(0)
    try:
        rb, model = _fit_model(keras, recipe)
        _compile(model, rb, recipe["compile"])
    except StepFailed as failure:
        return _earlier(failure)
    xs = [synthetic_array(spec, rng) for spec in recipe["x"]]
    ys = [synthetic_array(spec, rng) for spec in recipe["y"]]
    batch = (xs[0] if len(xs) == 1 else tuple(xs), ys[0] if len(ys) == 1 else tuple(ys))
    count = int(recipe["count"])

    def batches() -> Any:
        for _ in range(count):
            yield batch

    fit = dict(recipe.get("fit") or {})
    model.fit(batches(), verbose=0, **fit)
    warned = _warning_about(caught, "ran out of data")
    if warned:
        return CONFIRMED, f"Keras warned: {warned.split('. ')[0]} (a generator of {count} batches, fit with {fit})"
    return REFUTED, f"Keras fitted on a generator of {count} batches ({fit}) without running out of data"


# ------------------------------------------------------------------ whole scripts
def build(keras: Any, recipe: dict[str, Any], caught: list[warnings.WarningMessage]) -> Verdict:
    """Construct every layer, apply every call, compile every model and train it one batch."""
    rng = np.random.default_rng(0)
    rb = Rebuild(keras, recipe.get("graph"))
    try:
        for layer_id in recipe.get("construct", []):
            rb.layer(layer_id)
        rb.run()
        for spec in recipe.get("models", []):
            model = rb.model(spec)
            settings = spec.get("compile")
            if not settings:
                continue
            try:
                loss = _compile(model, rb, settings)
                x = [synthetic(rb.input_specs[t]["batch_shape"], 8, rng) for t in spec["inputs"]]
                outputs = model(x[0] if len(x) == 1 else x, training=False)
                outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
                y = [targets_for(loss, np.shape(out), rng) for out in outputs]
                model.train_on_batch(x[0] if len(x) == 1 else x, y[0] if len(y) == 1 else y)
            except Exception as error:  # noqa: BLE001
                raise StepFailed("compiling and training the model one batch", error) from error
    except StepFailed as failure:
        return REFUTED, f"Keras failed {failure.where}: {describe_error(failure.error)}"
    return CONFIRMED, (f"Keras built {len(rb.layers)} layers, {len(rb.calls)} calls and "
                       f"{len(recipe.get('models', []))} compiled models")


ACTIONS: dict[str, Action] = {
    "raise_at": raise_at,
    "call_on_object": call_on_object,
    "construct_with_tensors": construct_with_tensors,
    "rejects_keyword": rejects_keyword,
    "missing_attribute": missing_attribute,
    "identifier": identifier,
    "shape_not_tuple": shape_not_tuple,
    "syntax": syntax,
    "softmax_ones": softmax_ones,
    "batch_concat": batch_concat,
    "loss_symptom": loss_symptom,
    "fit_data": fit_data,
    "finite_generator": finite_generator,
    "build": build,
    "call_raises": call_raises,
    "model_from_objects": model_from_objects,
    "embedding_weights": embedding_weights,
    "model_call": model_call,
}
"""Every recipe action the worker knows."""
