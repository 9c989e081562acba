"""Plumbing for the ConvNet notebook: input pipelines, looking inside a model, image grids.

The lesson (the models, convolution and pooling by hand, the training) lives in
notebooks/03_mnist_convnets.ipynb; this module holds what a student need not read:

- `prepare_images`: uint8 digits (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1].
- `make_dataset`: the tf.data pipeline (cache, shuffle, batch, augment, prefetch).
- `count_weight_layers`: the "depth" of a network as usually quoted (conv + dense layers).
- `feature_map_model`: a model that returns the activations of chosen layers.
- `plot_filters`, `plot_feature_maps`, `plot_misclassified`: grids built on
  `helpers.plotting.plot_image_grid`.
"""

from __future__ import annotations

import numpy as np

from helpers import plotting


def prepare_images(images) -> np.ndarray:
    """Scale images to float32 in [0, 1] and add a channel axis: (n, h, w) -> (n, h, w, 1).

    uint8 input is divided by 255; float input must already lie in [0, 1]. Images that
    already have a trailing channel axis (n, h, w, c) keep it.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4:
        raise ValueError(f"images must have shape (n, height, width) or (n, height, width, channels), got {images.shape}")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(f"images must be uint8 (0..255) or float (0..1), got dtype {images.dtype}")
    if images.size and (images.min() < 0.0 or images.max() > 1.0):
        raise ValueError("float images must lie in [0, 1]; pass the uint8 images to have them scaled")
    return images.astype(np.float32)


def make_dataset(images, labels, batch_size: int, shuffle: bool = False, augment=None, seed=None,
                 cache: bool = True):
    """A `tf.data.Dataset` of (image batch, label batch) for `model.fit` / `evaluate`.

    The pipeline: scale to [0, 1] -> cache (kept in memory after the first pass) ->
    shuffle (every epoch, when `shuffle`) -> batch -> augment (a callable applied to a
    whole batch, for example a `keras.Sequential` of preprocessing layers, run in
    training mode) -> prefetch (the next batch is prepared while the model trains).
    """
    import tensorflow as tf

    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if augment is not None and not callable(augment):
        raise TypeError("augment must be callable (e.g. a keras.Sequential of Random* layers) or None")
    images = prepare_images(images)
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(f"labels must be a 1-D array with one label per image: got {labels.shape} for {len(images)} images")
    dataset = tf.data.Dataset.from_tensor_slices((images, labels.astype(np.int64)))
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(int(batch_size))
    if augment is not None:
        dataset = dataset.map(lambda batch, batch_labels: (augment(batch, training=True), batch_labels),
                              num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def _walk_layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:  # nested model or Sequential
            yield from _walk_layers(layer)
        else:
            yield layer


def count_weight_layers(model) -> int:
    """Depth as papers quote it: the number of convolution and dense layers (nested too)."""
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a keras.Model, got {type(model).__name__}")
    kinds = (keras.layers.Conv2D, keras.layers.DepthwiseConv2D, keras.layers.SeparableConv2D, keras.layers.Dense)
    return sum(isinstance(layer, kinds) for layer in _walk_layers(model))


def feature_map_model(model, layer_names=None):
    """A model mapping the input images to the outputs of the named layers (a list).

    With `layer_names=None` it takes every layer whose output is an image-like tensor
    (batch, height, width, channels): convolutions, activations, pooling.
    The model must have been called (built) on an input, e.g. a functional model.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a keras.Model, got {type(model).__name__}")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError) as error:
        raise ValueError("the model has no defined inputs yet: build it with keras.Input first") from error
    if not inputs:
        raise ValueError("the model has no defined inputs yet: build it with keras.Input first")
    layers = {layer.name: layer for layer in model.layers}
    if layer_names is None:
        layer_names = [layer.name for layer in model.layers
                       if not isinstance(layer, keras.layers.InputLayer) and len(layer.output.shape) == 4]
        if not layer_names:
            raise ValueError("the model has no layer with a 4-D (image-like) output")
    unknown = [name for name in layer_names if name not in layers]
    if unknown:
        raise ValueError(f"unknown layer names {unknown}; the model has {list(layers)}")
    outputs = [layers[name].output for name in layer_names]
    inputs = inputs[0] if len(inputs) == 1 else inputs
    return keras.Model(inputs=inputs, outputs=outputs, name="feature_maps")


def plot_filters(kernel, ncols: int = 8, title=None):
    """Show a first-layer convolution kernel (kh, kw, in_channels=1, filters) as small images.

    Each filter is shown with its own grey scale (white = large positive weight).
    """
    kernel = np.asarray(kernel)
    if kernel.ndim == 4:
        if kernel.shape[2] != 1:
            raise ValueError(f"plot_filters shows single-channel filters, got {kernel.shape[2]} input channels; "
                             "take the first layer's kernel (model.layers[...].get_weights()[0])")
        kernel = kernel[:, :, 0, :]
    if kernel.ndim != 3:
        raise ValueError(f"kernel must have shape (kh, kw, 1, filters) or (kh, kw, filters), got {kernel.shape}")
    filters = np.moveaxis(kernel, -1, 0)
    low = filters.min(axis=(1, 2), keepdims=True)
    high = filters.max(axis=(1, 2), keepdims=True)
    scaled = (filters - low) / np.maximum(high - low, 1e-12)
    labels = [str(index) for index in range(len(filters))]
    return plotting.plot_image_grid(scaled, labels=labels, ncols=ncols, title=title, vmin=0.0, vmax=1.0)


def plot_feature_maps(feature_maps, max_channels: int = 8, title=None):
    """One row of channels per layer: `feature_maps` is a dict {layer name: array}.

    Each array is one image's activations, (height, width, channels) or with a leading
    batch axis of 1. Shows the first `max_channels` channels of each layer.
    """
    import matplotlib.pyplot as plt

    if not isinstance(feature_maps, dict) or not feature_maps:
        raise TypeError("feature_maps must be a non-empty dict {layer name: (height, width, channels) array}")
    if not isinstance(max_channels, int) or max_channels < 1:
        raise ValueError(f"max_channels must be a positive int, got {max_channels!r}")
    rows = {}
    for name, maps in feature_maps.items():
        maps = np.asarray(maps)
        if maps.ndim == 4 and maps.shape[0] == 1:
            maps = maps[0]
        if maps.ndim != 3:
            raise ValueError(f"{name}: expected (height, width, channels), got {maps.shape}")
        rows[name] = maps
    ncols = min(max_channels, max(maps.shape[-1] for maps in rows.values()))
    label_width = 1.6  # the layer names on the left
    panel = min(1.3, (plotting.DISPLAY_WIDTH_INCHES - label_width) / ncols)
    fig, axes = plt.subplots(len(rows), ncols, figsize=(panel * ncols + label_width, (panel + 0.2) * len(rows)),
                             squeeze=False)
    for row, (name, maps) in enumerate(rows.items()):
        for column in range(ncols):
            ax = axes[row, column]
            ax.set_xticks([])
            ax.set_yticks([])
            if column < maps.shape[-1]:
                ax.imshow(maps[:, :, column], cmap="viridis")
            else:
                ax.axis("off")
            if column == 0:
                height, width, channels = maps.shape
                ax.set_ylabel(f"{name}\n{height}x{width}x{channels}", fontsize=plotting.MIN_FONT_SIZE)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_misclassified(images, true_labels, predicted_labels, max_images: int = 30, ncols: int = 10, title=None):
    """The images whose prediction is wrong, titled "true→predicted"; returns (figure, indices).

    The figure is None when every prediction is right.
    """
    images = np.asarray(images)
    true_labels = np.asarray(true_labels).reshape(-1)
    predicted_labels = np.asarray(predicted_labels).reshape(-1)
    if not (len(images) == len(true_labels) == len(predicted_labels)):
        raise ValueError(f"got {len(images)} images, {len(true_labels)} true and {len(predicted_labels)} predicted labels")
    if not isinstance(max_images, int) or max_images < 1:
        raise ValueError(f"max_images must be a positive int, got {max_images!r}")
    wrong = np.flatnonzero(true_labels != predicted_labels)
    if len(wrong) == 0:
        return None, wrong
    shown = wrong[:max_images]
    labels = [f"{true_labels[index]}→{predicted_labels[index]}" for index in shown]
    figure = plotting.plot_image_grid(images[shown], labels=labels, ncols=ncols, title=title)
    return figure, wrong
