"""Data augmentation for notebook 3: a random shift, rotation and zoom of each image, in one resampling.

Keras has a layer for each of these (`RandomTranslation`, `RandomRotation`, `RandomZoom`).
Stacked, they resample every image three times: three times the interpolation work, and
each bilinear resampling blurs the strokes a little more. `RandomAffine` draws the three
random parameters per image, composes them into one affine map and resamples once, with
Keras' own `keras.ops.image.affine_transform`. Its ranges are given as the Keras layers'
are: `rotation` as a fraction of a full turn, `translation` as a fraction of the image's
height and width, `zoom` as a fraction of its size (the scale is drawn from 1 ± zoom; a
scale above 1 zooms out). The order differs: the image is shifted first, then turned and
zoomed about its centre, so the turn and zoom also act on the shift (a shift of up to
±2.8 pixels per axis can end up as about ±3.6 with the notebook's ranges).

    python benchmarks/augmentation.py     # its time against the three Keras layers'
"""

from __future__ import annotations

import math
import numbers

import keras
from keras import ops

__all__ = ["RandomAffine", "affine_parameters"]


def _check_fraction(name: str, value, upper: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= float(value) < upper:
        raise ValueError(f"{name} must be a number in [0, {upper:g}), got {value!r}")
    return float(value)


def affine_parameters(angle, scale, shift_x, shift_y, height: int, width: int):
    """The 8 numbers of `keras.ops.image.affine_transform` for one rotation, zoom and shift per image.

    `angle` (radians, positive = counter-clockwise on screen), `scale` (> 1 zooms out) and
    the shifts (pixels, positive = right and down, before the turn and zoom) are tensors
    of shape (batch,). The
    output pixel at p = (x, y) is read from the input at c + scale * R(angle) (p - c) - shift,
    where c is the image's centre: the image is shifted, then turned and zoomed about its centre.
    Returns a (batch, 8) tensor.
    """
    cos, sin = ops.cos(angle) * scale, ops.sin(angle) * scale
    centre_x, centre_y = (width - 1) / 2, (height - 1) / 2
    # R(angle) = [[cos, -sin], [sin, cos]] in image coordinates (x right, y down): reading the input at R p turns the
    # picture counter-clockwise on screen, as keras.layers.RandomRotation does for a positive angle
    offset_x = centre_x - (cos * centre_x - sin * centre_y) - shift_x
    offset_y = centre_y - (sin * centre_x + cos * centre_y) - shift_y
    zeros = ops.zeros_like(cos)
    return ops.stack([cos, -sin, offset_x, sin, cos, offset_y, zeros, zeros], axis=1)


@keras.saving.register_keras_serializable(package="helpers")
class RandomAffine(keras.layers.Layer):
    """Shift, turn and zoom each image of a batch at random, in one bilinear resampling (training only).

    Per image: shifts uniform in ±`translation` of the width and height, then an angle
    uniform in ±`rotation` turns and a scale uniform in 1 ± `zoom`, both about the image's
    centre (see `affine_parameters`). Pixels that come from outside
    the image are `fill_value` (0 = black background). Images are (batch, height, width,
    channels). Outside training (`evaluate`, `predict`, or `training=False`) the images pass
    through untouched.
    """

    def __init__(self, rotation=0.0, translation=0.0, zoom=0.0, fill_value=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rotation = _check_fraction("rotation (a fraction of a full turn)", rotation, 0.5)
        self.translation = _check_fraction("translation (a fraction of the image size)", translation, 1.0)
        self.zoom = _check_fraction("zoom (a fraction of the image size)", zoom, 1.0)
        self.fill_value = float(fill_value)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # Keep XLA off under jit_compile="auto", as Keras' own RandomRotation/RandomTranslation/RandomZoom do:
        # XLA had no kernel for their image-transform op, ImageProjectiveTransformV3 (tensorflow/tensorflow#100865).
        self.supports_jit = False

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[1] is None or input_shape[2] is None:
            raise ValueError(f"RandomAffine expects images of shape (batch, height, width, channels) with a known "
                             f"height and width, got shape {tuple(input_shape)}")

    def call(self, images, training=None):
        if not training:
            return images
        batch = ops.shape(images)[0]
        height, width = images.shape[1], images.shape[2]

        def uniform(limit):
            return keras.random.uniform((batch,), -limit, limit, seed=self.seed_generator)

        angle = uniform(2 * math.pi * self.rotation)
        scale = 1.0 + uniform(self.zoom)
        shift_x, shift_y = uniform(self.translation * width), uniform(self.translation * height)
        transform = affine_parameters(angle, scale, shift_x, shift_y, height, width)
        return ops.image.affine_transform(images, ops.cast(transform, images.dtype), interpolation="bilinear",
                                          fill_mode="constant", fill_value=self.fill_value)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rotation": self.rotation, "translation": self.translation,
                "zoom": self.zoom, "fill_value": self.fill_value, "seed": self.seed}
