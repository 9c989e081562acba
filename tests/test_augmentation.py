import math

import keras
import numpy as np
import pytest
from keras import ops

from helpers import convnets, runtime
from helpers.augmentation import RandomAffine, affine_parameters


def _blob_images(count=3, size=28, seed=0):
    """Smooth, lopsided blobs (bilinear resampling of a smooth image is accurate) in (count, size, size, 1)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size]
    images = []
    for _ in range(count):
        centre_x, centre_y = rng.uniform(9, 14), rng.uniform(8, 12)
        image = np.exp(-((x - centre_x) ** 2 / 18 + (y - centre_y) ** 2 / 8))
        image += 0.6 * np.exp(-((x - centre_x - 5) ** 2 + (y - centre_y - 6) ** 2) / 6)
        images.append(image)
    return np.stack(images)[..., np.newaxis].astype(np.float32)


def _transform(images, angle=0.0, scale=1.0, shift_x=0.0, shift_y=0.0):
    batch = len(images)
    parameters = affine_parameters(ops.full((batch,), angle), ops.full((batch,), scale), ops.full((batch,), shift_x),
                                   ops.full((batch,), shift_y), images.shape[1], images.shape[2])
    return ops.convert_to_numpy(ops.image.affine_transform(images, parameters, fill_mode="constant"))


def _keras(layer, images):
    return ops.convert_to_numpy(layer(images, training=True))


def test_identity_parameters_return_the_images():
    images = _blob_images()
    np.testing.assert_allclose(_transform(images), images, atol=1e-5)


@pytest.mark.parametrize("turns", [0.25, -0.25, 0.03])
def test_rotation_turns_like_keras_random_rotation(turns):
    images = _blob_images()
    expected = _keras(keras.layers.RandomRotation((turns, turns), fill_mode="constant"), images)
    np.testing.assert_allclose(_transform(images, angle=2 * math.pi * turns), expected, atol=1e-4)


def test_a_quarter_turn_is_rot90_counter_clockwise():
    images = _blob_images(size=27)  # odd size: the centre is a pixel, so a quarter turn maps pixels onto pixels
    np.testing.assert_allclose(_transform(images, angle=math.pi / 2)[..., 0], np.rot90(images[..., 0], 1, axes=(1, 2)),
                               atol=1e-4)


@pytest.mark.parametrize("zoom", [0.1, -0.1])
def test_zoom_scales_like_keras_random_zoom(zoom):
    images = _blob_images()
    expected = _keras(keras.layers.RandomZoom((zoom, zoom), fill_mode="constant"), images)
    np.testing.assert_allclose(_transform(images, scale=1 + zoom), expected, atol=1e-4)


def test_shift_moves_like_keras_random_translation():
    images = _blob_images()
    expected = _keras(keras.layers.RandomTranslation((0.1, 0.1), (-0.05, -0.05), fill_mode="constant"), images)
    np.testing.assert_allclose(_transform(images, shift_x=-0.05 * 28, shift_y=0.1 * 28), expected, atol=1e-4)


def test_shift_then_rotation_and_zoom_about_the_centre():
    image = np.zeros((1, 29, 29, 1), np.float32)
    image[0, 14, 20, 0] = 1.0  # row 14, column 20: 6 pixels right of the centre (14, 14)
    # shifted 2 right: 8 right of the centre; a quarter turn counter-clockwise: 8 above it; zoomed out by 2 (scale 2):
    # 4 above it, at row 10, column 14. (Shifting last would have put it at row 11, column 16.)
    out = _transform(image, angle=math.pi / 2, scale=2.0, shift_x=2.0)[0, ..., 0]
    assert np.unravel_index(out.argmax(), out.shape) == (10, 14)
    assert out.max() == pytest.approx(1.0, abs=1e-4)


def test_layer_passes_images_through_outside_training():
    images = _blob_images()
    layer = RandomAffine(0.05, 0.1, 0.1)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(images)), images)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(images, training=False)), images)
    model = keras.Sequential([keras.Input((28, 28, 1)), RandomAffine(0.05, 0.1, 0.1)])
    np.testing.assert_array_equal(model.predict(images, verbose=0), images)


def test_layer_with_zero_ranges_is_the_identity_in_training():
    images = _blob_images()
    np.testing.assert_allclose(_keras(RandomAffine(), images), images, atol=1e-5)


def test_layer_transforms_each_image_differently_and_within_its_ranges():
    runtime.set_seed(0)
    image = np.zeros((1, 29, 29, 1), np.float32)
    image[0, 14, 20, 0] = 1.0  # 6 pixels right of the centre (14, 14)
    batch = np.repeat(image, 256, axis=0)
    out = _keras(RandomAffine(rotation=0.05, translation=0.1, zoom=0.2), batch)[..., 0]
    rows, columns = np.unravel_index(out.reshape(256, -1).argmax(axis=1), (29, 29))
    assert len(set(zip(rows, columns))) > 50  # every image its own transform
    # Shifted by up to 2.9 pixels per axis, the point lies within 6 +- 2.9 right of and 2.9 above or below the centre
    # (4.1 pixels of shift in all); turned by up to 18 degrees and scaled by 1 / (1 +- 0.2), it ends (to the nearest
    # pixel) within (6 + 4.1) / 0.8 + 1 of the centre and, since the turn and the shift together stay under 90 degrees,
    # right of it.
    distances = np.hypot(rows - 14, columns - 14)
    assert distances.max() <= (6 + 2.9 * math.sqrt(2)) / 0.8 + 1, distances.max()
    assert distances.min() >= (6 - 2.9 * math.sqrt(2)) / 1.2 - 1, distances.min()
    assert columns.min() >= 14, columns.min()
    # and the ranges are used: some points land well away from where they started
    assert distances.max() > 8 and np.abs(rows - 14).max() >= 3


def test_layer_runs_in_the_tf_data_pipeline():
    images = (np.random.default_rng(0).random((64, 28, 28)) * 255).astype(np.uint8)
    dataset = convnets.make_dataset(images, np.arange(64) % 10, 32, augment=RandomAffine(0.03, 0.1, 0.1))
    batch, labels = next(iter(dataset))
    assert batch.shape == (32, 28, 28, 1) and labels.shape == (32,)
    assert not np.allclose(batch.numpy(), convnets.prepare_images(images[:32]))


def test_layer_keeps_xla_off_like_the_keras_image_layers():
    assert not RandomAffine(0.03, 0.1, 0.1).supports_jit
    assert not keras.layers.RandomRotation(0.03).supports_jit


def test_layer_is_reproducible_under_the_same_seed():
    images = _blob_images()
    runtime.set_seed(3)
    first = _keras(RandomAffine(0.05, 0.1, 0.1), images)
    runtime.set_seed(3)
    second = _keras(RandomAffine(0.05, 0.1, 0.1), images)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, images, atol=1e-3)


def test_layer_trains_in_a_model_and_survives_a_config_round_trip():
    runtime.set_seed(0)
    model = keras.Sequential([keras.Input((28, 28, 1)), RandomAffine(0.03, 0.1, 0.1, name="augmentation"),
                              keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(_blob_images(8), np.arange(8) % 2, epochs=1, verbose=0)
    layer = RandomAffine.from_config(model.get_layer("augmentation").get_config())
    assert (layer.rotation, layer.translation, layer.zoom) == (0.03, 0.1, 0.1)


@pytest.mark.parametrize("kwargs", [{"rotation": -0.1}, {"rotation": 0.5}, {"translation": 1.0}, {"zoom": True},
                                    {"zoom": "0.1"}])
def test_layer_rejects_bad_ranges(kwargs):
    with pytest.raises(ValueError, match="must be a number in"):
        RandomAffine(**kwargs)


def test_layer_rejects_inputs_that_are_not_image_batches():
    with pytest.raises(ValueError, match=r"\(batch, height, width, channels\)"):
        RandomAffine(0.1)(np.zeros((2, 28, 28), np.float32), training=True)
