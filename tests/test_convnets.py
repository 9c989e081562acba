"""helpers.convnets: the input pipeline, model inspection and the image grids."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import convnets  # noqa: E402

keras = pytest.importorskip("keras")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def small_model():
    inputs = keras.Input((28, 28, 1))
    hidden = keras.layers.Conv2D(4, 3, name="conv")(inputs)
    hidden = keras.layers.MaxPooling2D(name="pool")(hidden)
    hidden = keras.layers.Flatten(name="flatten")(hidden)
    outputs = keras.layers.Dense(10, activation="softmax", name="dense")(hidden)
    return keras.Model(inputs, outputs)


def digits(count=20, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=count)


# ------------------------------------------------------------------ prepare_images
def test_prepare_images_scales_uint8_and_adds_a_channel():
    images, _ = digits(3)
    prepared = convnets.prepare_images(images)
    assert prepared.shape == (3, 28, 28, 1) and prepared.dtype == np.float32
    np.testing.assert_allclose(prepared[..., 0], images / 255.0, rtol=1e-6)


def test_prepare_images_keeps_float_images_and_channels():
    images = np.full((2, 5, 5, 3), 0.5, dtype=np.float64)
    prepared = convnets.prepare_images(images)
    assert prepared.shape == (2, 5, 5, 3) and prepared.dtype == np.float32


@pytest.mark.parametrize("bad, error", [(np.zeros((28, 28), np.uint8), ValueError),
                                        (np.full((1, 4, 4), 2.0), ValueError),
                                        (np.zeros((1, 4, 4), np.int32), TypeError)])
def test_prepare_images_rejects_bad_input(bad, error):
    with pytest.raises(error):
        convnets.prepare_images(bad)


# -------------------------------------------------------------------- make_dataset
def test_make_dataset_batches_scaled_images_with_their_labels():
    images, labels = digits(10)
    dataset = convnets.make_dataset(images, labels, batch_size=4)
    batches = list(dataset.as_numpy_iterator())
    assert [len(batch_labels) for _, batch_labels in batches] == [4, 4, 2]
    first_images, first_labels = batches[0]
    assert first_images.shape == (4, 28, 28, 1) and first_images.dtype == np.float32
    np.testing.assert_allclose(first_images[..., 0], images[:4] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(first_labels, labels[:4])


def test_make_dataset_shuffles_every_epoch_but_keeps_the_pairs():
    images, _ = digits(50)
    labels = np.arange(50)
    images[:, 0, 0] = labels  # the label is written into a pixel, so pairs can be checked
    dataset = convnets.make_dataset(images, labels, batch_size=50, shuffle=True, seed=1)
    epoch_one = next(iter(dataset))
    epoch_two = next(iter(dataset))
    order_one = epoch_one[1].numpy()
    assert sorted(order_one) == list(range(50))
    assert not np.array_equal(order_one, np.arange(50))
    assert not np.array_equal(order_one, epoch_two[1].numpy())
    np.testing.assert_allclose(epoch_one[0].numpy()[:, 0, 0, 0] * 255.0, order_one, atol=1e-3)


def test_make_dataset_applies_the_augmentation_in_training_mode():
    images, labels = digits(8)
    calls = []

    def augment(batch, training):
        calls.append(training)
        return 1.0 - batch

    dataset = convnets.make_dataset(images, labels, batch_size=8, augment=augment)
    batch_images, _ = next(iter(dataset))
    np.testing.assert_allclose(batch_images.numpy()[..., 0], 1.0 - images / 255.0, rtol=1e-5, atol=1e-6)
    assert calls and all(calls)


def test_make_dataset_works_with_keras_preprocessing_layers():
    images, labels = digits(16)
    augment = keras.Sequential([keras.layers.RandomTranslation(0.1, 0.1), keras.layers.RandomRotation(0.05)])
    dataset = convnets.make_dataset(images, labels, batch_size=16, augment=augment)
    batch_images, _ = next(iter(dataset))
    assert batch_images.shape == (16, 28, 28, 1)
    assert not np.allclose(batch_images.numpy()[..., 0], images / 255.0)


@pytest.mark.parametrize("kwargs, error", [({"batch_size": 0}, ValueError), ({"batch_size": 2.5}, ValueError),
                                           ({"batch_size": 4, "augment": "flip"}, TypeError)])
def test_make_dataset_rejects_bad_arguments(kwargs, error):
    images, labels = digits(4)
    with pytest.raises(error):
        convnets.make_dataset(images, labels, **kwargs)


def test_make_dataset_needs_one_label_per_image():
    images, labels = digits(4)
    with pytest.raises(ValueError, match="one label per image"):
        convnets.make_dataset(images, labels[:3], batch_size=2)


# --------------------------------------------------------------- model inspection
def test_count_weight_layers_counts_conv_and_dense_layers_also_nested():
    model = small_model()
    assert convnets.count_weight_layers(model) == 2
    outer = keras.Sequential([keras.Input((28, 28, 1)), model, keras.layers.Dense(3)])
    assert convnets.count_weight_layers(outer) == 3
    with pytest.raises(TypeError):
        convnets.count_weight_layers("model")


def test_feature_map_model_returns_the_image_like_activations():
    model = small_model()
    extractor = convnets.feature_map_model(model)
    images, _ = digits(2)
    conv_maps, pool_maps = extractor(convnets.prepare_images(images))
    assert tuple(conv_maps.shape) == (2, 26, 26, 4)
    assert tuple(pool_maps.shape) == (2, 13, 13, 4)


def test_feature_map_model_takes_named_layers_and_rejects_unknown_ones():
    model = small_model()
    extractor = convnets.feature_map_model(model, ["pool", "dense"])
    pool_maps, probabilities = extractor(np.zeros((1, 28, 28, 1), np.float32))
    assert tuple(probabilities.shape) == (1, 10)
    with pytest.raises(ValueError, match="unknown layer"):
        convnets.feature_map_model(model, ["conv9"])


# ---------------------------------------------------------------------- the grids
def test_plot_filters_draws_one_panel_per_filter():
    kernel = np.random.default_rng(0).normal(size=(3, 3, 1, 12))
    figure = convnets.plot_filters(kernel, ncols=6)
    panels = [ax for ax in figure.axes if ax.images]
    assert len(panels) == 12
    shown = panels[0].images[0].get_array()
    assert shown.min() == pytest.approx(0.0) and shown.max() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="single-channel"):
        convnets.plot_filters(np.zeros((3, 3, 2, 4)))


def test_plot_feature_maps_draws_one_row_per_layer():
    maps = {"conv": np.ones((1, 26, 26, 4)), "pool": np.ones((13, 13, 16))}
    figure = convnets.plot_feature_maps(maps, max_channels=6)
    assert len(figure.axes) == 2 * 6
    assert len([ax for ax in figure.axes if ax.images]) == 4 + 6
    with pytest.raises(ValueError):
        convnets.plot_feature_maps({"dense": np.ones((1, 10))})
    with pytest.raises(TypeError):
        convnets.plot_feature_maps([np.ones((4, 4, 1))])


def test_plot_misclassified_shows_only_the_wrong_predictions():
    images, labels = digits(6)
    predicted = labels.copy()
    predicted[[1, 4]] = (labels[[1, 4]] + 1) % 10
    figure, wrong = convnets.plot_misclassified(images, labels, predicted)
    np.testing.assert_array_equal(wrong, [1, 4])
    titles = [ax.get_title() for ax in figure.axes if ax.images]
    assert titles == [f"{labels[1]}→{predicted[1]}", f"{labels[4]}→{predicted[4]}"]


def test_plot_misclassified_with_no_mistakes_returns_no_figure():
    images, labels = digits(3)
    figure, wrong = convnets.plot_misclassified(images, labels, labels)
    assert figure is None and len(wrong) == 0
    with pytest.raises(ValueError):
        convnets.plot_misclassified(images, labels, labels[:2])
