"""Keras 1/2 argument names, as data: what each means in Keras 3.

Keras 3 rejects these names (``Unrecognized keyword arguments``), and SC301
or SC302 reports each one; for shapes the interpreter reads them with their
Keras 3 meaning, so the model behind them stays known.  ``SHAPE_ALIASES``
change the layer's config (``Dense(output_dim=64)`` is ``Dense(units=64)``);
``SHAPE_NEUTRAL`` names (initializers, regularizers, constraints, dropout
rates) have no effect on shapes and are dropped.  A value the Keras 3
argument would not accept (``border_mode="full"``) leaves the layer
unknown.  Checked against the installed Keras in tests/test_keras_legacy.py.
"""

from __future__ import annotations

SHAPE_ALIASES: dict[str, str] = {
    "output_dim": "units",
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "border_mode": "padding",
    "subsample": "strides",
    "subsample_length": "strides",
    "pool_length": "pool_size",
    "stride": "strides",
}
"""Keras 1 keyword -> the Keras 3 parameter it became (where the layer has that parameter)."""

KERNEL_PARTS: tuple[str, ...] = ("nb_row", "nb_col")
"""``Convolution2D(nb_row=3, nb_col=3)``: together the Keras 3 ``kernel_size=(3, 3)``."""

KERNEL_PARTS_3D: tuple[str, ...] = ("kernel_dim1", "kernel_dim2", "kernel_dim3")
"""``Convolution3D(kernel_dim1=3, kernel_dim2=3, kernel_dim3=3)``: ``kernel_size=(3, 3, 3)``."""

SHAPE_NEUTRAL: frozenset[str] = frozenset({
    "init", "inner_init", "forget_bias_init", "W_regularizer", "b_regularizer", "U_regularizer",
    "W_constraint", "b_constraint", "U_constraint", "dropout_W", "dropout_U", "bias",
})
"""Keras 1 keywords with no effect on any shape (initializers, regularizers, constraints, dropout, bias)."""

PADDING_VALUES: frozenset[str] = frozenset({"valid", "same", "causal"})
"""``border_mode`` values Keras 3's ``padding`` also accepts (Keras 1's ``"full"`` is not one)."""

FIT_ALIASES: dict[str, str] = {"nb_epoch": "epochs"}
"""Keras 1 ``fit`` keywords -> Keras 3 names (``samples_per_epoch`` counted samples, not steps: not one)."""

POSITIONAL_KERNEL: dict[str, int] = {"Convolution2D": 2, "Conv2D": 2, "Convolution3D": 3, "Conv3D": 3}
"""Layers whose Keras 1 form took the kernel as separate positional ints:
``Convolution2D(nb_filter, nb_row, nb_col)``.  Read that way only when the call
also uses a Keras 1 keyword (it is then Keras 1 code that Keras 3 rejects
anyway); without one, Keras 3's meaning stands (the third int is ``strides``)."""
