"""Figures readable on a projector: no text under MIN_FONT_SIZE points at the size the
notebook shows the figure, and no figure wider than the output area (a wider one is shrunk
to fit, its text with it).

helpers.plotting.DISPLAY_WIDTH_INCHES is the output area's width: about 1,100 px in
JupyterLab in a 1,400-px-wide window, 11 inches at the inline backend's 100 dpi. The
plotting helpers are drawn here with the shapes the notebooks use (and larger); the
notebooks' own figure sizes and font sizes are read from their code cells.
"""

import pathlib
import re

import matplotlib.pyplot as plt
import matplotlib.text
import nbformat
import numpy as np
import pytest

from helpers import convnets, plotting

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = [ROOT / "notebooks" / name for name in
             ("01_nonlinear_classification.ipynb", "02_autoencoders.ipynb", "03_mnist_convnets.ipynb",
              "04_atari_dqn.ipynb")]
WIDTH, MIN_SIZE = plotting.DISPLAY_WIDTH_INCHES, plotting.MIN_FONT_SIZE
rng = np.random.default_rng(0)
images = rng.random((40, 28, 28))
history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": [0.5, 0.9], "val_accuracy": [0.4, 0.8],
           "mae": [1.0, 0.4]}

DRAWINGS = {
    "plot_decision_boundary": lambda: plotting.plot_decision_boundary(
        lambda points: (points[:, 0] > 0).astype(int), rng.normal(size=(20, 2)), np.arange(20) % 2, title="t"),
    "plot_history, three metrics": lambda: plotting.plot_history(history, title="training"),
    "plot_sphere_points": lambda: plotting.plot_sphere_points(rng.normal(size=(20, 3)), np.arange(20) % 2,
                                                              title="points"),
    "plot_image_grid, 10 columns": lambda: plotting.plot_image_grid(images[:20], labels=list(range(20)),
                                                                    title="digits"),
    "plot_image_grid, 16 columns": lambda: plotting.plot_image_grid(images[:32], labels=list(range(32)), ncols=16),
    "plot_reconstructions": lambda: plotting.plot_reconstructions(images[:10], images[10:20], title="t"),
    "plot_reconstruction_rows": lambda: plotting.plot_reconstruction_rows(
        images.reshape(40, -1), {"PCA, 2": images[:40], "autoencoder, 32": images[:40]}, n=10, title="t"),
    "plot_codes_2d": lambda: plotting.plot_codes_2d(rng.normal(size=(50, 2)), np.arange(50) % 10, title="t"),
    "plot_code_heatmap": lambda: plotting.plot_code_heatmap(rng.random((8, 3)), row_labels=range(1, 9), title="t"),
    "plot_codes_3d": lambda: plotting.plot_codes_3d(rng.random((8, 3)), labels=range(1, 9), title="t"),
    "convnets.plot_filters, 32 filters": lambda: convnets.plot_filters(rng.normal(size=(3, 3, 1, 32)), ncols=16,
                                                                      title="first-layer filters"),
    "convnets.plot_misclassified": lambda: convnets.plot_misclassified(
        images, np.zeros(40, int), np.ones(40, int), max_images=40, title="misclassified")[0],
    "convnets.plot_feature_maps": lambda: convnets.plot_feature_maps(
        {"block1_conv": rng.random((26, 26, 32)), "block3_relu": rng.random((4, 4, 64))}, max_channels=8,
        title="feature maps"),
}


def figure_of(drawn):
    if isinstance(drawn, plt.Figure):
        return drawn
    return np.atleast_1d(drawn)[0].figure


def small_texts(figure):
    """Visible, non-empty texts under MIN_SIZE points once the figure is shrunk to the output width."""
    scale = min(1.0, WIDTH / figure.get_figwidth())
    figure.canvas.draw()
    return sorted({(text.get_text(), round(text.get_fontsize() * scale, 1))
                   for text in figure.findobj(matplotlib.text.Text)
                   if text.get_visible() and text.get_text().strip() and text.get_fontsize() * scale < MIN_SIZE})


@pytest.mark.parametrize("name", DRAWINGS)
def test_plotting_helpers_draw_readable_figures(name):
    figure = figure_of(DRAWINGS[name]())
    assert figure.get_figwidth() <= WIDTH + 1e-9, f"{name}: {figure.get_figwidth():.1f} in wide > {WIDTH} in"
    assert not small_texts(figure), f"{name}: text under {MIN_SIZE} pt on screen: {small_texts(figure)[:5]}"


def test_the_check_finds_small_and_shrunk_text():
    figure, ax = plt.subplots(figsize=(5, 3))
    ax.set_title("eight points", fontsize=8)
    assert ("eight points", 8.0) in small_texts(figure)
    wide, ax = plt.subplots(figsize=(2 * WIDTH, 3))
    ax.set_title("shrunk by half")
    assert ("shrunk by half", 6.0) in small_texts(wide)  # 12 pt titles at half size


FIGSIZE = re.compile(r"figsize\s*=\s*\(\s*([0-9.]+)\s*(?:\*\s*[^,]+)?,")
NAMED_SMALL = re.compile(r"(?:fontsize|labelsize)\s*=\s*[\"'](?:xx-small|x-small|small)[\"']")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_figures_fit_the_output_area_with_readable_text(path):
    problems = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            for width in FIGSIZE.findall(line):
                if float(width) > WIDTH:
                    problems.append(f"{cell.id}: figsize width {width} in > {WIDTH} in: {line.strip()}")
            for match in re.finditer(r"(fontsize|labelsize)\s*=\s*([0-9.]+)|set_fontsize\(\s*([0-9.]+)", line):
                size = float(match.group(2) or match.group(3))
                if size < MIN_SIZE:
                    problems.append(f"{cell.id}: font size {size} < {MIN_SIZE}: {line.strip()}")
            if NAMED_SMALL.search(line):
                problems.append(f"{cell.id}: a named small font size: {line.strip()}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
