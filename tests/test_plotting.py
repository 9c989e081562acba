"""helpers.plotting: plots draw what they are given and reject malformed input."""

import numpy as np
import pytest

from helpers import data, plotting


def test_decision_boundary_shades_the_predicted_regions():
    x, y = data.make_2d_dataset("xor", n=200, noise=0.0, seed=0)
    # a perfect XOR rule as the "model": one-hot scores
    def predict(points):
        labels = ((points[:, 0] > 0) != (points[:, 1] > 0)).astype(int)
        return np.eye(2)[labels]

    ax = plotting.plot_decision_boundary(predict, x, y, resolution=50)
    assert len(ax.collections) >= 3  # filled contour + one scatter per class
    filled = ax.collections[0]
    assert len(filled.get_paths()) >= 1


def test_predict_classes_handles_probabilities_and_scores():
    points = np.zeros((4, 2), np.float32)
    assert plotting.predict_classes(lambda p: np.array([0.2, 0.7, 0.5, 0.9]), points).tolist() == [0, 1, 0, 1]
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert plotting.predict_classes(lambda p: scores, points).tolist() == [1, 0, 1, 0]


def test_decision_boundary_errors():
    x, y = data.make_2d_dataset("moons", n=20, seed=0)
    with pytest.raises(TypeError, match="callable"):
        plotting.plot_decision_boundary("model", x, y)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plotting.plot_decision_boundary(lambda p: p, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="labels"):
        plotting.plot_decision_boundary(lambda p: p, x, y[:5])


def test_plot_history_draws_training_and_validation():
    history = {"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.6, 0.4], "accuracy": [0.5, 0.8, 0.9]}
    axes = plotting.plot_history(history)
    assert len(axes) == 2
    assert len(axes[0].lines) == 2 and len(axes[1].lines) == 1
    np.testing.assert_array_equal(axes[0].lines[1].get_ydata(), [1.1, 0.6, 0.4])
    with pytest.raises(ValueError, match="not in the history"):
        plotting.plot_history(history, metrics=["mae"])
    with pytest.raises(TypeError):
        plotting.plot_history([])


def test_sphere_plot_and_errors():
    x, y = data.sphere_points(100, seed=0)
    ax = plotting.plot_sphere_points(x, y)
    assert ax.name == "3d"
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        plotting.plot_sphere_points(x[:, :2], y)


def test_image_grid_layout_and_errors():
    images = np.random.default_rng(0).random((13, 28, 28))
    fig = plotting.plot_image_grid(images, labels=list(range(13)), ncols=5)
    assert len(fig.axes) == 15  # 3 rows of 5
    assert fig.axes[12].get_title() == "12"
    with pytest.raises(ValueError, match="labels"):
        plotting.plot_image_grid(images, labels=[1, 2])
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_image_grid(np.zeros((28, 28)))


def test_reconstructions_and_codes():
    originals = np.random.default_rng(0).random((6, 784))
    fig = plotting.plot_reconstructions(originals, originals * 0.5, n=4)
    assert len(fig.axes) == 8
    with pytest.raises(ValueError, match="originals"):
        plotting.plot_reconstructions(originals, originals[:3])
    ax = plotting.plot_codes_2d(np.zeros((10, 2)), np.arange(10))
    assert len(ax.collections) == 1
    with pytest.raises(ValueError):
        plotting.plot_codes_2d(np.zeros((10, 3)), np.arange(10))
