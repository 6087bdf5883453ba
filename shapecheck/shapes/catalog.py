"""The layer catalog: one shape rule per public Keras layer name.

Each entry maps a layer's resolved :class:`Config` and its input shapes to its
output shape(s), or raises a :class:`~shapecheck.shapes.errors.ShapeContradiction`
when Keras would reject them.  The entries live in the modules named for the
family they belong to (``core``, ``core_more``, ``recurrent``, ``rnn_cells``,
``conv``, ``conv_transpose``, ``conv_separable``, ``conv_rnn``, ``pooling_adaptive``,
``resizing``, ``merge``, ``attention``, ``normalization``, ``preprocessing``,
``augmentation``); the
registry is :mod:`shapecheck.shapes.registry`; this module loads every entry
and answers lookups.  A layer that is not in the catalog has an unknown
output, never a finding.
"""

from __future__ import annotations

from shapecheck.shapes import (  # noqa: F401  (each registers its entries)
    attention,
    augmentation,
    conv,
    conv_rnn,
    conv_separable,
    conv_transpose,
    core,
    core_more,
    merge,
    normalization,
    pooling_adaptive,
    preprocessing,
    recurrent,
    resizing,
    rnn_cells,
)
from shapecheck.shapes.config import Config
from shapecheck.shapes.registry import REGISTRY, InnerLayer, LayerSpec, Output, infer, spec_for, transfer

__all__ = ["REGISTRY", "InnerLayer", "LayerSpec", "Output", "infer", "spec_for", "transfer", "weight_axis"]

_WEIGHTS_ON_LAST_AXIS = frozenset({"Dense", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "EinsumDense"})
_CONVOLUTIONS = frozenset({"Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D",
                           "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
                           "SeparableConvolution1D", "SeparableConvolution2D",
                           "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                           "Convolution1DTranspose", "Convolution2DTranspose", "Convolution3DTranspose"})


def weight_axis(name: str, config: Config) -> int | None:
    """The input axis a layer's weights are sized by when it is first built.

    A layer called again (a shared layer) must get the same size on that axis:
    Dense and the RNNs on the last axis, convolutions on the channel axis.
    None when the layer has no such axis or it cannot be told.
    """
    if name in _WEIGHTS_ON_LAST_AXIS:
        return -1
    if name in _CONVOLUTIONS:
        channels_last = config.channels_last()
        if channels_last is True:
            return -1
        if channels_last is False:
            return 1
    return None
