"""Data-source overlays against the real libraries: Keras dataset docs, sklearn, pandas, numpy.

Each case is evaluated by the interpreter (abstractly) and, where the
library is installed and needs no download, for real; every dimension the
interpreter claims to know must equal the real one, and the flags it sets
(one-hot, largest label id) must hold for the real data.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import libcst as cst
import numpy as np
import pytest

from shapecheck.engine.interpreter import Interpreter
from shapecheck.engine.values import Array, Dataset, LibObject, Seq, Value
from shapecheck.shapes.dims import is_known
from shapecheck.tables import data_sources as D


def _abstract(source: str, name: str = "result") -> Value:
    module = cst.parse_module(source)
    interp = Interpreter(module, lambda event: None)
    interp.exec_block(module.body, interp.globals)
    return interp.globals.vars[name]


def _assert_matches(value: Value, real: Any, what: str) -> None:
    """Every known dim of ``value`` equals ``real``'s; flags hold for the real array."""
    if isinstance(value, Seq):
        assert len(value.items) == len(real), what
        for item, part in zip(value.items, real):
            _assert_matches(item, part, what)
        return
    if hasattr(real, "toarray"):
        real = real.toarray()
    real = np.asarray(real)
    assert isinstance(value, Array), f"{what}: {value!r} is not an array"
    if value.shape.dims is None:
        return  # nothing claimed (test_numpy_cases_mostly_known counts these)
    ours = value.shape.dims
    assert len(ours) == real.ndim, f"{what}: ours {ours} vs real {real.shape}"
    for mine, theirs in zip(ours, real.shape):
        if is_known(mine):
            assert mine == theirs, f"{what}: ours {ours} vs real {real.shape}"
    if value.onehot:
        assert set(np.unique(real)) <= {0, 1} and (real.sum(axis=-1) == 1).all(), f"{what}: not one-hot"
    if value.max_value is not None and real.size:
        assert real.max() <= value.max_value, f"{what}: max {real.max()} > {value.max_value}"


# ---------------------------------------------------------------- Keras datasets
def _keras_dataset_source(name: str) -> str:
    spec = importlib.util.find_spec("keras")
    if spec is None or spec.origin is None:
        pytest.skip("keras is not installed")
    path = Path(spec.origin).parent / "src" / "datasets" / f"{name}.py"
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10", "cifar100"])
def test_image_datasets_match_keras_docstrings(name: str) -> None:
    text = _keras_dataset_source(name)
    entry = D.KERAS_DATASETS[name]
    for split, arrays in (("train", entry.train), ("test", entry.test)):
        for axis, (shape, _dtype) in {"x": (arrays.x, arrays.x_dtype), "y": (arrays.y, arrays.y_dtype)}.items():
            match = re.search(rf"assert {axis}_{split}\.shape == (\([\d, ]*\))", text)
            assert match is not None, f"{name}: no {axis}_{split} shape in the docstring"
            assert eval(match.group(1)) == shape, f"{name} {axis}_{split}"
        assert "`uint8`" in text and arrays.x_dtype == "int"
        top = re.search(r"integers in range 0-(\d+)", text)
        assert top is not None and int(top.group(1)) == arrays.y_max


def test_text_datasets_match_keras_docstrings() -> None:
    imdb = _keras_dataset_source("imdb")
    assert "25,000" in imdb and D.KERAS_DATASETS["imdb"].train.x[0] == 25000
    reuters = _keras_dataset_source("reuters")
    assert "11,228" in reuters and "46 topics" in reuters
    entry = D.KERAS_DATASETS["reuters"]
    assert entry.total == 11228 and entry.train.y_max == 45
    assert "int(len(xs) * (1 - test_split))" in reuters
    assert entry.train.x[0] == D.train_count(11228, 0.2) and entry.test.x[0] == 11228 - D.train_count(11228, 0.2)


@pytest.mark.parametrize("name,columns,version_totals", [
    ("boston_housing", 13, {}), ("california_housing", 8, {"20,640": 20640, "600": D.CALIFORNIA_SMALL_TOTAL})])
def test_regression_datasets_match_keras_sources(name: str, columns: int, version_totals: dict[str, int]) -> None:
    text = _keras_dataset_source(name)
    assert f"(num_samples, {columns})" in text
    assert "int(len(x) * (1 - test_split))" in text
    for written, total in version_totals.items():
        assert f"{written} samples" in text and total in (D.KERAS_DATASETS[name].total, D.CALIFORNIA_SMALL_TOTAL)
    entry = D.KERAS_DATASETS[name]
    assert entry.train.x == (D.train_count(entry.total, 0.2), columns)  # type: ignore[arg-type]
    assert entry.test.x[0] == entry.total - entry.train.x[0]  # type: ignore[operator]


def test_load_data_in_a_script() -> None:
    source = ("import tensorflow as tf\nfrom keras.datasets import cifar100, boston_housing\n"
              "(a, b), (c, d) = tf.keras.datasets.mnist.load_data()\n"
              "(e, f), _ = cifar100.load_data(label_mode='coarse')\n"
              "(g, h), (i, j) = boston_housing.load_data(test_split=0.1)\n"
              "result = [a, b, d, e, f, g, i]\n")
    value = _abstract(source)
    assert isinstance(value, Seq)
    shapes = [v.shape.dims for v in value.items]  # type: ignore[attr-defined]
    assert shapes == [(60000, 28, 28), (60000,), (10000,), (50000, 32, 32, 3), (50000, 1), (455, 13), (51, 13)]
    assert value.items[1].max_value == 9 and value.items[4].max_value == 19  # type: ignore[attr-defined]


def test_tutorial_mnist_reader() -> None:
    source = ("from tensorflow.examples.tutorials.mnist import input_data\n"
              "mnist = input_data.read_data_sets('MNIST_data', one_hot=True)\n"
              "bx, by = mnist.train.next_batch(100)\n"
              "result = [mnist.train.images, mnist.train.labels, mnist.test.labels, bx, by]\n")
    value = _abstract(source)
    shapes = [v.shape.dims for v in value.items]  # type: ignore[attr-defined]
    assert shapes == [(55000, 784), (55000, 10), (10000, 10), (100, 784), (100, 10)]
    assert value.items[1].onehot  # type: ignore[attr-defined]


# ------------------------------------------------------------------------ numpy
NUMPY_SETUP = "import numpy as np\nids = np.random.randint(0, 4, size=(12,))\nx = np.random.rand(12, 3)\n" \
              "v = np.arange(12)\n"
NUMPY_CASES = ["np.eye(4)[ids]", "np.identity(4)[ids]", "np.eye(4)[ids.reshape(3, 4)]", "x[x[:, 0] > 0.5]",
               "x[ids > 1, :]", "x[[0, 2, 5]]", "x[ids]", "np.where(x > 0.5, x, 0.0)", "np.c_[v, v]", "np.c_[x, v]",
               "np.r_[v, v]", "np.r_[x, x]", "x / 255.0", "x - x.mean(axis=0)", "ids * 2", "x[ids][:, 1]"]


@pytest.mark.parametrize("expression", NUMPY_CASES)
def test_numpy_sources_match_numpy(expression: str) -> None:
    value = _abstract(NUMPY_SETUP + f"result = {expression}\n")
    namespace: dict[str, Any] = {"np": np}
    exec(NUMPY_SETUP, namespace)
    _assert_matches(value, eval(expression, namespace), expression)


def test_numpy_cases_mostly_known() -> None:
    known = [e for e in NUMPY_CASES
             if isinstance(v := _abstract(NUMPY_SETUP + f"result = {e}\n"), Array) and v.shape.dims is not None]
    assert len(known) >= len(NUMPY_CASES) - 1, sorted(set(NUMPY_CASES) - set(known))


def test_numpy_files(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    np.savetxt(data, np.random.rand(7, 5), delimiter=",")
    for call in (f"np.loadtxt({str(data)!r}, delimiter=',', usecols=(0, 2, 4))",
                 f"np.genfromtxt({str(data)!r}, delimiter=',', usecols=[1, 3])",
                 f"np.loadtxt({str(data)!r}, delimiter=',')"):
        value = _abstract(f"import numpy as np\nresult = {call}\n")
        assert isinstance(value, Array)
        if value.shape.dims is not None:
            _assert_matches(value, eval(call, {"np": np}), call)


# ---------------------------------------------------------------------- sklearn
SKLEARN_SETUP = ("import numpy as np\nfrom sklearn import datasets, preprocessing\n"
                 "from sklearn.model_selection import train_test_split\n"
                 "x = np.random.rand(103, 4)\ny = np.random.randint(0, 3, size=(103,))\nz = np.random.rand(103, 2, 5)\n")
SKLEARN_CASES = [
    "train_test_split(x, y)", "train_test_split(x, y, test_size=0.2)", "train_test_split(x, y, z, test_size=0.33)",
    "train_test_split(x, test_size=10)", "train_test_split(x, y, train_size=0.5)",
    "train_test_split(x, y, train_size=60, test_size=20)", "train_test_split(x, y, test_size=0.1, random_state=1)",
    "datasets.load_iris(return_X_y=True)", "datasets.load_digits(return_X_y=True)",
    "datasets.load_wine(return_X_y=True)", "datasets.load_breast_cancer(return_X_y=True)",
    "datasets.load_diabetes(return_X_y=True)", "datasets.load_iris().data", "datasets.load_digits().images",
    "datasets.make_classification(n_samples=50, n_features=7, n_informative=3, n_classes=3)",
    "datasets.make_regression(80, 6)", "datasets.make_regression(n_samples=20, n_features=3, n_targets=2)",
    "datasets.make_blobs(n_samples=40, centers=5, n_features=3)", "datasets.make_blobs(30)",
    "datasets.make_moons(n_samples=25)", "datasets.make_circles(60)",
    "preprocessing.StandardScaler().fit_transform(x)", "preprocessing.MinMaxScaler().fit(x).transform(x)",
    "preprocessing.LabelEncoder().fit_transform(y)", "preprocessing.LabelBinarizer().fit_transform(y)",
    "preprocessing.OneHotEncoder().fit_transform(y.reshape(-1, 1)).toarray()",
    "preprocessing.OneHotEncoder(sparse_output=False, categories=[[0, 1, 2, 3]]).fit_transform(y.reshape(-1, 1))",
]


@pytest.mark.parametrize("expression", SKLEARN_CASES)
def test_sklearn_matches_sklearn(expression: str) -> None:
    pytest.importorskip("sklearn")
    value = _abstract(SKLEARN_SETUP + f"result = {expression}\n")
    namespace: dict[str, Any] = {}
    exec(SKLEARN_SETUP, namespace)
    real = eval(expression, namespace)
    assert value is not None and not (isinstance(value, Seq) and any(not isinstance(i, Array) for i in value.items))
    _assert_matches(value, list(real) if isinstance(real, (list, tuple)) else real, expression)


def test_sklearn_loaders_table_matches_sklearn() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    for name, entry in D.SKLEARN_DATASETS.items():
        if name.startswith("fetch_"):
            doc = getattr(datasets, name).__doc__ or ""
            assert f"Samples total{' ' * 0}" in doc or "20640" in doc
            assert "20640" in doc and str(entry.data[1]) in doc
            continue
        x, y = getattr(datasets, name)(return_X_y=True)
        assert x.shape == entry.data, name
        if entry.target_max is not None:
            assert y.max() == entry.target_max and y.dtype.kind == "i", name


def test_bunch_attributes() -> None:
    value = _abstract("from sklearn.datasets import load_iris\niris = load_iris()\nresult = iris['target']\n")
    assert isinstance(value, Array) and value.shape.dims == (150,) and value.max_value == 2
    assert isinstance(_abstract("from sklearn.datasets import load_iris\nresult = load_iris()\n"), LibObject)


# ----------------------------------------------------------------------- pandas
PANDAS_SETUP = "import pandas as pd\nimport numpy as np\ndf = pd.read_csv(PATH)\n"
PANDAS_CASES = ["df.iloc[:, 0:4].values", "df.iloc[:, 1:3].to_numpy()", "df.iloc[:, 2].values",
                "df[['a', 'c']].values", "df['b'].values", "df.iloc[:, [0, 4]].values", "df.values",
                "df.iloc[:, 2:6].values", "pd.get_dummies(df).values", "pd.DataFrame(np.zeros((4, 3))).values",
                "df.dropna().iloc[:, :2].values"]


@pytest.mark.parametrize("expression", PANDAS_CASES)
def test_pandas_matches_pandas(expression: str, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    path = tmp_path / "d.csv"
    pd.DataFrame(np.random.rand(9, 6), columns=list("abcdef")).to_csv(path, index=False)
    setup = PANDAS_SETUP.replace("PATH", repr(str(path)))
    value = _abstract(setup + f"result = {expression}\n")
    namespace: dict[str, Any] = {}
    exec(setup, namespace)
    _assert_matches(value, eval(expression, namespace), expression)


def test_csv_columns_are_never_guessed() -> None:
    value = _abstract("import pandas as pd\ndf = pd.read_csv('x.csv')\nresult = df.values\n")
    assert isinstance(value, Array) and value.shape.dims is not None
    assert not any(is_known(d) for d in value.shape.dims)
    value = _abstract("import pandas as pd\ndf = pd.read_csv('x.csv')\nresult = df.iloc[:, 1:].values\n")
    assert isinstance(value, Array) and value.shape.dims is not None and not is_known(value.shape.dims[1])


# -------------------------------------------------------- Keras input utilities
def test_streams() -> None:
    source = (
        "import numpy as np\nimport tensorflow as tf\n"
        "from tensorflow.keras.preprocessing.image import ImageDataGenerator\n"
        "from tensorflow.keras.preprocessing.sequence import pad_sequences\n"
        "g = ImageDataGenerator(rescale=1/255).flow_from_directory('d', target_size=(64, 48), "
        "color_mode='grayscale', class_mode='binary')\n"
        "x = np.random.rand(10, 5)\ny = np.random.randint(0, 2, size=(10,))\n"
        "ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10).batch(4).prefetch(1)\n"
        "flat = tf.data.Dataset.from_tensor_slices((x, y))\n"
        "p = pad_sequences([[1, 2], [3]], maxlen=7)\n"
        "oh = tf.one_hot(y, 2)\n"
        "result = [g, ds, flat, p, oh]\n")
    g, ds, flat, p, oh = _abstract(source).items  # type: ignore[attr-defined]
    assert isinstance(g, Dataset) and g.element.items[0].shape.dims[1:] == (64, 48, 1)  # type: ignore[attr-defined]
    assert g.element.items[1].shape.rank == 1  # type: ignore[attr-defined]
    assert isinstance(ds, Dataset) and ds.batched and ds.element.items[0].shape.dims[1:] == (5,)  # type: ignore
    assert isinstance(flat, Dataset) and not flat.batched and flat.element.items[0].shape.dims == (5,)  # type: ignore
    assert p.shape.dims == (2, 7) and oh.shape.dims == (10, 2) and oh.onehot


def test_real_streams_agree() -> None:
    """tf.data and pad_sequences shapes for real (TensorFlow is installed in dev)."""
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    x = np.random.rand(10, 5)
    y = np.random.randint(0, 2, size=(10,))
    element = next(iter(tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10).batch(4)))
    assert tuple(element[0].shape) == (4, 5)
    flat = next(iter(tf.data.Dataset.from_tensor_slices((x, y))))
    assert tuple(flat[0].shape) == (5,)
    assert keras.utils.pad_sequences([[1, 2], [3]], maxlen=7).shape == (2, 7)
    assert tuple(tf.one_hot(y, 2).shape) == (10, 2)
