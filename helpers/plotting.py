"""Plots used across the notebooks. Non-essential for the lessons: styling lives here.

Every function draws on a matplotlib Axes (a new figure when `ax` is None) and
returns the Axes (or Figure for grids), so notebooks can adjust titles and layout.
"""

from __future__ import annotations

import numpy as np

import matplotlib
import matplotlib.pyplot as plt

# Readable on a projector: a notebook's output area is about 1,100 px wide (JupyterLab in a
# 1,400-px window), that is 11 inches at the inline backend's 100 dpi; a wider figure is shrunk to
# fit, and its text with it. Figures here stay within that width and use no text under 10 pt.
DISPLAY_WIDTH_INCHES = 11.0
MIN_FONT_SIZE = 10

CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _axes(ax, projection=None, figsize=(5, 5)):
    if ax is not None:
        return ax
    fig = plt.figure(figsize=figsize)
    return fig.add_subplot(111, projection=projection)


def _check_points(x, dim, name="x"):
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"{name} must have shape (n, {dim}), got {x.shape}")
    return x


def _check_labels(y, n, name="y"):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    if y.shape[0] != n:
        raise ValueError(f"{name} must have {n} labels to match the points, got {y.shape[0]}")
    return y


def predict_classes(predict, points):
    """Turn model outputs into class ids: argmax for several outputs, > 0.5 for one."""
    out = np.asarray(predict(points))
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    return (out.reshape(-1) > 0.5).astype(int)


def plot_decision_boundary(predict, x, y, ax=None, resolution: int = 200, margin: float = 0.3, title=None):
    """Shade the regions a 2-D classifier assigns to each class and draw the points.

    `predict` maps an (m, 2) float32 array to class scores (m, k) or probabilities
    (m,) / (m, 1): pass `model.predict` with `verbose=0`, or any function.
    """
    if not callable(predict):
        raise TypeError("predict must be callable, e.g. lambda p: model.predict(p, verbose=0)")
    x = _check_points(x, 2)
    y = _check_labels(y, len(x))
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2, got {resolution!r}")
    ax = _axes(ax)
    lo = x.min(axis=0) - margin
    hi = x.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    classes = predict_classes(predict, grid).reshape(gx.shape)
    num_classes = int(max(classes.max(), y.max()) + 1)
    cmap = matplotlib.colors.ListedColormap(CLASS_COLOURS[:num_classes])
    ax.contourf(gx, gy, classes, levels=np.arange(num_classes + 1) - 0.5, cmap=cmap, alpha=0.25)
    for label in range(num_classes):
        mask = y == label
        ax.scatter(x[mask, 0], x[mask, 1], s=10, color=CLASS_COLOURS[label], label=f"class {label}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


def plot_history(history, metrics=None, axes=None, title=None):
    """Training curves from a Keras `History` (or its `.history` dict): one panel per metric.

    Validation curves (`val_<metric>`) are drawn beside their training curve.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise TypeError("expected a keras History or a non-empty dict of metric lists")
    if metrics is None:
        metrics = [key for key in logs if not key.startswith("val_") and key != "learning_rate"]
    unknown = [m for m in metrics if m not in logs]
    if unknown:
        raise ValueError(f"metrics {unknown} not in the history; it has {sorted(logs)}")
    if axes is None:
        panel_width = min(4.5, DISPLAY_WIDTH_INCHES / len(metrics))
        fig, axes = plt.subplots(1, len(metrics), figsize=(panel_width * len(metrics), 3.2), squeeze=False)
        axes = axes[0]
    for ax, metric in zip(np.atleast_1d(axes), metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend()
    if title:
        np.atleast_1d(axes)[0].figure.suptitle(title)
    return axes


def plot_sphere_points(x, y, ax=None, title=None, show_sphere: bool = True):
    """3-D scatter of points coloured by class, with the unit sphere as a wire frame."""
    x = _check_points(x, 3)
    y = _check_labels(y, len(x))
    ax = _axes(ax, projection="3d", figsize=(6, 6))
    if show_sphere:
        u, v = np.mgrid[0 : 2 * np.pi : 24j, 0 : np.pi : 12j]
        ax.plot_wireframe(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v), color="grey", alpha=0.2)
    for label in np.unique(y):
        mask = y == label
        ax.scatter(x[mask, 0], x[mask, 1], x[mask, 2], s=8, color=CLASS_COLOURS[int(label) % 10],
                   label=f"class {label}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("z")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def plot_image_grid(images, labels=None, ncols: int = 10, cmap="gray", figsize=None, title=None,
                    vmin=None, vmax=None):
    """Show images (n, h, w) or (n, h, w, 1|3) in a grid, optional labels as titles."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, c) with n >= 1, got {images.shape}")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images")
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    panel = min(1.2, DISPLAY_WIDTH_INCHES / ncols)  # many columns: smaller images, same font size
    figsize = figsize or (panel * ncols, (panel + 0.1 + (0.2 if labels is not None else 0)) * nrows
                          + (0.4 if title else 0))
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    for index, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if index < n:
            ax.imshow(images[index], cmap=cmap if images.ndim == 3 else None, vmin=vmin, vmax=vmax)
            if labels is not None:
                ax.set_title(str(labels[index]), fontsize=MIN_FONT_SIZE)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_reconstructions(originals, reconstructions, n: int = 10, title=None, row_labels=("input", "output")):
    """Originals in the top row, their reconstructions below (autoencoders).

    The two-row case of `plot_reconstruction_rows`.
    """
    return plot_reconstruction_rows(originals, {row_labels[1]: reconstructions}, n=n, title=title,
                                    original_label=row_labels[0])


def plot_codes_2d(codes, labels, ax=None, title=None, s: int = 3):
    """Scatter 2-D codes (an autoencoder's or PCA's) coloured by class label."""
    codes = _check_points(codes, 2, name="codes")
    labels = _check_labels(labels, len(codes), name="labels")
    ax = _axes(ax, figsize=(6, 5))
    points = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=s, vmin=-0.5, vmax=9.5)
    ax.figure.colorbar(points, ax=ax, ticks=range(10), label="digit")
    if title:
        ax.set_title(title)
    return ax


# ------------------------------------------------------------- autoencoders (notebook 2)
def plot_code_heatmap(codes, row_labels=None, column_labels=None, ax=None, title=None,
                      annotate: bool = True, cmap="viridis", vmin=None, vmax=None):
    """Heat map of codes (n, k): one row per input, one column per code unit.

    With `annotate` each cell shows its value, so the rounded binary code can be read off.
    """
    codes = np.asarray(codes, dtype=float)
    if codes.ndim != 2 or codes.size == 0:
        raise ValueError(f"codes must have shape (n, k) with n, k >= 1, got {codes.shape}")
    rows, columns = codes.shape
    if row_labels is not None and len(row_labels) != rows:
        raise ValueError(f"got {len(row_labels)} row labels for {rows} rows of codes")
    if column_labels is not None and len(column_labels) != columns:
        raise ValueError(f"got {len(column_labels)} column labels for {columns} code units")
    ax = _axes(ax, figsize=(1.0 + 0.8 * columns, 0.9 + 0.4 * rows))
    image = ax.imshow(codes, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.figure.colorbar(image, ax=ax)
    ax.set_xticks(range(columns))
    ax.set_xticklabels(column_labels if column_labels is not None else [f"unit {j + 1}" for j in range(columns)])
    ax.set_yticks(range(rows))
    ax.set_yticklabels(row_labels if row_labels is not None else range(rows))
    if annotate:
        low, high = image.get_clim()
        middle = (low + high) / 2
        for row in range(rows):
            for column in range(columns):
                value = codes[row, column]
                ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=MIN_FONT_SIZE,
                        color="black" if value > middle else "white")
    if title:
        ax.set_title(title)
    return ax


def plot_codes_3d(codes, labels=None, ax=None, title=None, show_cube: bool = True):
    """3-D codes as points, each with its label written beside it; the unit cube as a frame."""
    codes = _check_points(codes, 3, name="codes")
    if labels is not None and len(labels) != len(codes):
        raise ValueError(f"got {len(labels)} labels for {len(codes)} codes")
    ax = _axes(ax, projection="3d", figsize=(5, 5))
    if show_cube:
        corners = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=float)
        for first in range(8):
            for second in range(first + 1, 8):
                if np.abs(corners[first] - corners[second]).sum() == 1:  # an edge of the cube
                    ax.plot(*zip(corners[first], corners[second]), color="grey", alpha=0.3)
    ax.scatter(codes[:, 0], codes[:, 1], codes[:, 2], s=40, color=CLASS_COLOURS[0])
    if labels is not None:
        for point, label in zip(codes, labels):
            ax.text(point[0], point[1], point[2], f" {label}", fontsize=10)
    ax.set_xlabel("unit 1")
    ax.set_ylabel("unit 2")
    ax.set_zlabel("unit 3")
    if title:
        ax.set_title(title)
    return ax


def plot_reconstruction_rows(originals, reconstructions: dict, n: int = 10, title=None, original_label="original"):
    """Originals in the top row, then one row per method (a dict name -> reconstructions).

    Images are flattened or square (n, h, w) with values in [0, 1]; use it to compare,
    for example, an autoencoder and PCA at the same code size side by side.
    """
    originals = np.asarray(originals)
    if not isinstance(reconstructions, dict) or not reconstructions:
        raise TypeError("reconstructions must be a non-empty dict: {'method name': images, ...}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if len(originals) == 0:
        raise ValueError("originals is empty")
    side = int(round(np.sqrt(originals[0].size)))
    if side * side != originals[0].size:
        raise ValueError(f"images must be square, got {originals[0].size} pixels each")
    rows = [(original_label, originals)]
    for name, images in reconstructions.items():
        images = np.asarray(images)
        if images.shape[0] != originals.shape[0] or images[0].size != originals[0].size:
            raise ValueError(f"reconstructions {name!r} have shape {images.shape}, expected {originals.shape[0]} "
                             f"images of {originals[0].size} pixels like the originals")
        rows.append((str(name), images))
    count = min(int(n), len(originals))
    label_width = 1.6  # the row names on the left
    panel = min(1.1, (DISPLAY_WIDTH_INCHES - label_width) / count)
    fig, axes = plt.subplots(len(rows), count, figsize=(panel * count + label_width,
                                                        (panel + 0.05) * len(rows) + (0.4 if title else 0)),
                             squeeze=False)
    for row, (name, images) in enumerate(rows):
        for column in range(count):
            ax = axes[row, column]
            ax.imshow(images[column].reshape(side, side), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if column == 0:
                ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=MIN_FONT_SIZE)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
