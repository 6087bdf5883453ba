"""Shapes of well-known data sources, as data: Keras's datasets, sklearn's loaders, the old TF MNIST reader.

Each entry gives what a loader returns without running it.  Shapes are
tuples (``None`` where a length varies: ragged sequences), dtypes are the
interpreter's kinds (``"int"``, ``"float"``, ``"object"``) and ``max`` is the
largest label id when the labels are class ids.  The Keras entries are
checked against the installed Keras's docstrings and sources, the sklearn
entries against the real loaders (tests/test_data_sources.py).
"""

from __future__ import annotations

from typing import NamedTuple, Optional


class Split(NamedTuple):
    """One (x, y) pair of arrays a loader returns."""

    x: tuple[Optional[int], ...]
    x_dtype: str
    y: tuple[Optional[int], ...]
    y_dtype: str
    y_max: Optional[int]


class KerasDataset(NamedTuple):
    """``keras.datasets.<name>.load_data()``: ``(x_train, y_train), (x_test, y_test)``.

    ``total`` and the split rule apply to datasets split by ``test_split``
    (``int(total * (1 - test_split))`` training samples, as Keras computes
    them); ``train``/``test`` are the default split.
    """

    train: Split
    test: Split
    total: Optional[int] = None
    ragged: bool = False


KERAS_DATASETS: dict[str, KerasDataset] = {
    "mnist": KerasDataset(Split((60000, 28, 28), "int", (60000,), "int", 9),
                          Split((10000, 28, 28), "int", (10000,), "int", 9)),
    "fashion_mnist": KerasDataset(Split((60000, 28, 28), "int", (60000,), "int", 9),
                                  Split((10000, 28, 28), "int", (10000,), "int", 9)),
    "cifar10": KerasDataset(Split((50000, 32, 32, 3), "int", (50000, 1), "int", 9),
                            Split((10000, 32, 32, 3), "int", (10000, 1), "int", 9)),
    # label_mode="fine" (0-99); "coarse" has 20 classes: see CIFAR100_COARSE_MAX.
    "cifar100": KerasDataset(Split((50000, 32, 32, 3), "int", (50000, 1), "int", 99),
                             Split((10000, 32, 32, 3), "int", (10000, 1), "int", 99)),
    # Ragged sequences of word ids: the count is known, each length is not.
    "imdb": KerasDataset(Split((25000,), "object", (25000,), "int", 1),
                         Split((25000,), "object", (25000,), "int", 1), ragged=True),
    "reuters": KerasDataset(Split((8982,), "object", (8982,), "int", 45),
                            Split((2246,), "object", (2246,), "int", 45), total=11228, ragged=True),
    "boston_housing": KerasDataset(Split((404, 13), "float", (404,), "float", None),
                                   Split((102, 13), "float", (102,), "float", None), total=506),
    # version="large" (the default); "small" has CALIFORNIA_SMALL_TOTAL samples.
    "california_housing": KerasDataset(Split((16512, 8), "float", (16512,), "float", None),
                                       Split((4128, 8), "float", (4128,), "float", None), total=20640),
}
"""Keras 3's datasets with their default arguments."""

CIFAR100_COARSE_MAX = 19
CALIFORNIA_SMALL_TOTAL = 600


def train_count(total: int, test_split: float) -> int:
    """Training samples of a dataset split by ``test_split``, as Keras computes them."""
    return int(total * (1 - test_split))


class SklearnDataset(NamedTuple):
    """``sklearn.datasets.load_<name>()``: data (n, features) and target (n,) class ids or values."""

    data: tuple[int, int]
    target_dtype: str
    target_max: Optional[int]


SKLEARN_DATASETS: dict[str, SklearnDataset] = {
    "load_iris": SklearnDataset((150, 4), "int", 2),
    "load_digits": SklearnDataset((1797, 64), "int", 9),
    "load_wine": SklearnDataset((178, 13), "int", 2),
    "load_breast_cancer": SklearnDataset((569, 30), "int", 1),
    "load_diabetes": SklearnDataset((442, 10), "float", None),
    "fetch_california_housing": SklearnDataset((20640, 8), "float", None),
}
"""sklearn's bundled (and one fetched) datasets with their default arguments."""

SKLEARN_DIGITS_IMAGES = (1797, 8, 8)

TF_TUTORIAL_MNIST: dict[str, int] = {"train": 55000, "validation": 5000, "test": 10000}
"""``tensorflow.examples.tutorials.mnist.input_data.read_data_sets``: images (n, 784), labels (n,) or (n, 10)."""
