"""``shapecheck/tables/keras_tables.py`` must match what the installed Keras says.

Re-derives every table with ``tools/gen_keras_tables.py`` (loaded by path)
and compares it with the committed, generated module, which is also loaded by
path so that this test does not depend on ``shapecheck/__init__``.  Skipped
when Keras is not installed, or when its version/backend differs from the one
the tables were generated from (regenerate them instead).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

keras = pytest.importorskip("keras")

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_PATH = ROOT / "tools" / "gen_keras_tables.py"
TABLES_PATH = ROOT / "shapecheck" / "tables" / "keras_tables.py"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gen = _load("_shapecheck_gen_keras_tables", GENERATOR_PATH)
tables = _load("_shapecheck_keras_tables_under_test", TABLES_PATH)
TABLE_NAMES = [name for name, _, _ in gen.TABLE_SPECS]


@pytest.fixture(scope="module")
def derived() -> dict[str, object]:
    if keras.__version__ != tables.KERAS_VERSION:
        pytest.skip(
            f"tables are for Keras {tables.KERAS_VERSION}, installed is "
            f"{keras.__version__}: rerun tools/gen_keras_tables.py"
        )
    if keras.backend.backend() != tables.KERAS_BACKEND:
        pytest.skip(f"tables were generated with the {tables.KERAS_BACKEND} backend")
    return gen.build_tables()


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_table_matches_installed_keras(derived: dict[str, object], name: str) -> None:
    assert getattr(tables, name) == derived[name]


def test_file_is_exactly_generated(derived: dict[str, object]) -> None:
    assert TABLES_PATH.read_text() == gen.render(derived), (
        "shapecheck/tables/keras_tables.py differs from the generator output "
        "(hand-edited?); rerun tools/gen_keras_tables.py"
    )


def test_module_is_pure_data() -> None:
    text = TABLES_PATH.read_text()
    assert len(text.encode()) < 250_000
    tree = ast.parse(text)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    for node in imports:
        assert isinstance(node, ast.ImportFrom) and node.module in ("__future__", "typing")
    doc = ast.get_docstring(tree) or ""
    assert "tools/gen_keras_tables.py" in doc and f"Keras {tables.KERAS_VERSION}" in doc


def test_known_facts() -> None:
    """Spot checks that document what the tables mean."""
    req = tables.REQUIRED
    assert tables.BASE_LAYER_KWARGS == {
        "activity_regularizer", "trainable", "dtype", "autocast", "name",
        "input_dim", "input_shape",
    }
    params, var_kw = tables.LAYER_SIGNATURES["Dense"]
    assert params[0] == ("units", req) and var_kw
    assert tables.LAYER_SIGNATURES["Convolution1D"] == tables.LAYER_SIGNATURES["Conv1D"]
    assert "InputLayer" in tables.LAYER_SIGNATURES
    assert "InputLayer" in tables.LAYERS_IGNORING_UNKNOWN_KWARGS
    assert "Dense" in tables.LAYERS_REJECTING_UNKNOWN_KWARGS
    assert {"concatenate", "add", "dot"} <= tables.LAYER_FUNCTIONS
    assert tables.LOSS_ALIASES["mse"] == "mean_squared_error"
    assert tables.LOSS_CLASSES["BinaryCrossentropy"] == "binary_crossentropy"
    assert {"ce", "crossentropy"} <= tables.LOSS_IDENTIFIERS
    assert {"acc", "accuracy"} <= tables.METRIC_IDENTIFIERS
    assert "adam" in tables.OPTIMIZER_IDENTIFIERS
    assert "lr" not in tables.OPTIMIZER_BASE_KWARGS
    assert "relu" in tables.ACTIVATION_IDENTIFIERS
    assert "fit" in tables.MODEL_ATTRIBUTES and "add" in tables.SEQUENTIAL_ATTRIBUTES


# --------------------------------------------------------------- tf.keras names
TF_GENERATOR_PATH = ROOT / "tools" / "gen_tf_keras_tables.py"
TF_TABLES_PATH = ROOT / "shapecheck" / "tables" / "tf_keras_names.py"
tf_tables = _load("_shapecheck_tf_keras_names_under_test", TF_TABLES_PATH)


@pytest.fixture(scope="module")
def tf_derived() -> dict[str, object]:
    tf = pytest.importorskip("tensorflow")
    if tf.__version__ != tf_tables.TENSORFLOW_VERSION or keras.__version__ != tf_tables.KERAS_VERSION:
        pytest.skip(
            f"tf.keras names are for TensorFlow {tf_tables.TENSORFLOW_VERSION} / Keras "
            f"{tf_tables.KERAS_VERSION}: rerun tools/gen_tf_keras_tables.py"
        )
    tf_gen = _load("_shapecheck_gen_tf_keras_tables", TF_GENERATOR_PATH)
    tables = tf_gen.build_tables()
    tables["_render"] = tf_gen.render(tables)
    return tables


def test_tf_keras_names_match_installed_tensorflow(tf_derived: dict[str, object]) -> None:
    assert tf_tables.TF_KERAS_MODULE_NAMES == tf_derived["TF_KERAS_MODULE_NAMES"]
    assert TF_TABLES_PATH.read_text() == tf_derived["_render"], (
        "shapecheck/tables/tf_keras_names.py differs from the generator output; "
        "rerun tools/gen_tf_keras_tables.py"
    )


def test_tf_keras_module_is_pure_data() -> None:
    tree = ast.parse(TF_TABLES_PATH.read_text())
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in imports)


def test_tf_keras_known_facts() -> None:
    """tf.keras (Keras 3's compatibility namespace) keeps names plain keras dropped, and lacks a few."""
    tf_names = tf_tables.TF_KERAS_MODULE_NAMES
    assert {"mae", "MSE", "Reduction", "kullback_leibler_divergence"} <= tf_names["keras.losses"]
    assert not {"mae", "MSE", "Reduction"} & tables.KERAS_LOSSES_NAMES
    assert "mean_squared_error" not in tf_names["keras.losses"]
    assert "mean_squared_error" in tables.KERAS_LOSSES_NAMES
    assert "mse" in tf_names["keras.metrics"] and "RandomHeight" in tf_names["keras.layers"]
    assert "text" in tf_names["keras.preprocessing"] and "text" not in tables.KERAS_PREPROCESSING_NAMES
    assert "get_session" not in tf_names["keras.backend"] and "int_shape" in tf_names["keras.backend"]
