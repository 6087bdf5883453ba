"""Shape rules of the image preprocessing and augmentation layers.

Built on a symbolic tensor, these layers answer with their
``compute_output_shape``: most return the input's shape unchanged, whatever
its rank.  Resizing, CenterCrop and RandomCrop put ``height``/``width`` on the
image axes (counted as Keras counts them: for a 4-D input after the batch
axis, otherwise from the front for Resizing and CenterCrop and from the back
for RandomCrop); RandomColorDegeneration wants a 3-D or 4-D image with 3
channels.  The constructors' checks of value ranges (``factor`` and the like)
are not shape checks and are not mirrored: such a layer's entry never raises
on them.
"""

from __future__ import annotations

from typing import Any, Sequence

from shapecheck.shapes.common import same_shape, single
from shapecheck.shapes.config import Config
from shapecheck.shapes.dims import UNKNOWN, Dim, Shape, is_known
from shapecheck.shapes.errors import BadConfig, RankMismatch
from shapecheck.shapes.registry import transfer

SAME_SHAPE_IMAGE = (
    "AugMix", "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "CutMix",
    "Equalization", "MaxNumBoundingBoxes", "MixUp", "RandAugment", "RandomBrightness",
    "RandomColorJitter", "RandomContrast", "RandomElasticTransform", "RandomErasing", "RandomFlip",
    "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPerspective",
    "RandomPosterization", "RandomRotation", "RandomSaturation", "RandomSharpness", "RandomShear",
    "RandomTranslation", "RandomZoom", "Solarization",
)


@transfer(*SAME_SHAPE_IMAGE, family="augmentation")
def image_same_shape(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Augmentations that keep the image batch's shape."""
    return same_shape(inputs)


def _size(config: Config, name: str) -> Dim:
    value = config.get(name)
    return value if is_known(value) and value >= 0 else UNKNOWN


def _place(shape: Shape, axes: tuple[int, int], height: Dim, width: Dim) -> Shape:
    """``shape`` with ``height``/``width`` put on ``axes`` (RankMismatch if they do not exist)."""
    assert shape.dims is not None
    rank = len(shape.dims)
    if any(not -rank <= a < rank for a in axes):
        raise RankMismatch("3-D (height, width, channels) or 4-D (batch, height, width, channels) input",
                           shape)
    dims: list[Any] = list(shape.dims)
    dims[axes[0]] = height
    dims[axes[1]] = width
    return Shape(dims)


@transfer("Resizing", "CenterCrop", family="augmentation")
def resize(config: Config, inputs: Sequence[Shape]) -> Shape:
    """Resizing/CenterCrop: the image axes become ``(height, width)``."""
    shape = single(inputs)
    channels_last = config.channels_last()
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    rank = len(shape.dims)
    if config.layer == "CenterCrop" and rank not in (3, 4):
        raise RankMismatch("3-D (height, width, channels) or 4-D (batch, height, width, channels) input",
                           shape)
    if rank == 4:
        axes = (1, 2) if channels_last else (2, 3)
    else:
        axes = (0, 1) if channels_last else (1, 2)
    return _place(shape, axes, _size(config, "height"), _size(config, "width"))


@transfer("RandomCrop", family="augmentation")
def random_crop(config: Config, inputs: Sequence[Shape]) -> Shape:
    """RandomCrop: the image axes (counted from the back) become ``(height, width)``."""
    shape = single(inputs)
    channels_last = config.channels_last()
    if shape.dims is None or channels_last is UNKNOWN:
        return Shape.unknown()
    axes = (-3, -2) if channels_last else (-2, -1)
    return _place(shape, axes, _size(config, "height"), _size(config, "width"))


@transfer("RandomColorDegeneration", family="augmentation")
def color_degeneration(config: Config, inputs: Sequence[Shape]) -> Shape:
    """RandomColorDegeneration: a 3-D or 4-D RGB image; the shape is kept."""
    shape = single(inputs)
    channels_last = config.channels_last()
    if shape.dims is None or channels_last is UNKNOWN:
        return shape
    if len(shape.dims) not in (3, 4):
        raise RankMismatch("3-D (height, width, channels) or 4-D (batch, height, width, channels) input",
                           shape)
    channels = shape.dims[-1 if channels_last else -3]
    if is_known(channels) and channels != 3:
        raise BadConfig(f"needs images with 3 channels, but receives {shape}")
    return shape
