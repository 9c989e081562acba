"""Tests of the autoencoder plots in helpers.plotting (notebook 2)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plotting


def test_code_heatmap_draws_one_cell_per_value_with_labels():
    codes = np.random.default_rng(0).random((8, 3))
    ax = plotting.plot_code_heatmap(codes, row_labels=range(1, 9), title="codes")
    assert ax.get_title() == "codes"
    assert len(ax.texts) == 24
    assert [tick.get_text() for tick in ax.get_yticklabels()] == [str(i) for i in range(1, 9)]
    assert ax.images[0].get_array().shape == (8, 3)


def test_code_heatmap_without_annotation_and_on_given_axes():
    fig, ax = plt.subplots()
    returned = plotting.plot_code_heatmap(np.zeros((2, 2)), ax=ax, annotate=False)
    assert returned is ax
    assert len(ax.texts) == 0


@pytest.mark.parametrize("codes", [np.zeros(3), np.zeros((0, 3)), np.zeros((2, 2, 2))])
def test_code_heatmap_rejects_bad_shapes(codes):
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_code_heatmap(codes)


def test_code_heatmap_rejects_label_count_mismatch():
    with pytest.raises(ValueError, match="row labels"):
        plotting.plot_code_heatmap(np.zeros((3, 2)), row_labels=[1, 2])
    with pytest.raises(ValueError, match="column labels"):
        plotting.plot_code_heatmap(np.zeros((3, 2)), column_labels=["a"])


def test_codes_3d_labels_each_point():
    codes = np.array([[i, j, k] for i in (0, 1) for j in (0, 1) for k in (0, 1)], dtype=float)
    ax = plotting.plot_codes_3d(codes, labels=range(1, 9), title="cube")
    assert ax.name == "3d"
    assert len(ax.texts) == 8
    assert len(ax.lines) == 12  # the edges of the unit cube


def test_codes_3d_rejects_wrong_dimension_and_labels():
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        plotting.plot_codes_3d(np.zeros((4, 2)))
    with pytest.raises(ValueError, match="labels"):
        plotting.plot_codes_3d(np.zeros((4, 3)), labels=[1, 2])


def test_reconstruction_rows_one_row_per_method():
    originals = np.random.default_rng(0).random((12, 784))
    fig = plotting.plot_reconstruction_rows(originals, {"PCA": originals * 0.5, "autoencoder": originals}, n=5)
    axes = np.array(fig.axes).reshape(3, 5)
    assert [ax.get_ylabel() for ax in axes[:, 0]] == ["original", "PCA", "autoencoder"]
    assert axes[0, 0].images[0].get_array().shape == (28, 28)


def test_reconstruction_rows_accepts_square_images_and_caps_n():
    originals = np.zeros((3, 4, 4))
    fig = plotting.plot_reconstruction_rows(originals, {"same": originals}, n=10)
    assert len(fig.axes) == 6


def test_reconstruction_rows_validates_arguments():
    originals = np.zeros((3, 16))
    with pytest.raises(TypeError, match="dict"):
        plotting.plot_reconstruction_rows(originals, originals)
    with pytest.raises(ValueError, match="expected 3 images"):
        plotting.plot_reconstruction_rows(originals, {"bad": np.zeros((2, 16))})
    with pytest.raises(ValueError, match="square"):
        plotting.plot_reconstruction_rows(np.zeros((3, 15)), {"x": np.zeros((3, 15))})
    with pytest.raises(ValueError, match="positive int"):
        plotting.plot_reconstruction_rows(originals, {"x": originals}, n=0)
