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
