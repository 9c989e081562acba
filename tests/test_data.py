"""helpers.data: generators give the promised shapes, labels and errors; MNIST loads safely."""

import pathlib

import numpy as np
import pytest

from helpers import data

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"


# ------------------------------------------------------------------------ sphere
@pytest.mark.parametrize("sampling", data.SPHERE_SAMPLINGS)
def test_sphere_points_labels_match_radius(sampling):
    x, y = data.sphere_points(2000, sampling=sampling, seed=1)
    assert x.shape == (2000, 3) and x.dtype == np.float32
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    np.testing.assert_array_equal(y, (np.linalg.norm(x.astype(np.float64), axis=1) < 1).astype(int))
    if sampling == "radial":  # radius uniform in [0, 2]: half inside
        assert 0.45 < y.mean() < 0.55
        assert np.linalg.norm(x, axis=1).max() <= 2.0 + 1e-6
    elif sampling == "cube":  # the cube [-1.5, 1.5]^3 holds the sphere's volume fraction 4/3 pi / 27 = 0.155
        assert 0.12 < y.mean() < 0.19
        assert np.abs(x).max() <= 1.5
    else:  # N(0, 1) coordinates: P(chi-squared with 3 degrees of freedom < 1) = 0.199
        assert 0.17 < y.mean() < 0.23
        assert abs(x.mean()) < 0.05 and abs(x.std() - 1) < 0.05


def test_sphere_points_normal_sampling_takes_no_extent():
    with pytest.raises(ValueError, match="no extent"):
        data.sphere_points(10, sampling="normal", extent=2.0)
    x, _ = data.sphere_points(500, sampling="normal", seed=5)
    np.testing.assert_array_equal(x, data.sphere_points(500, sampling="normal", seed=5)[0])


def test_sphere_points_radial_is_balanced_in_any_dimension():
    y = data.sphere_points(4000, dim=7, seed=0)[1]
    assert 0.45 < y.mean() < 0.55


def test_sphere_points_reproducible_and_seed_dependent():
    a = data.sphere_points(50, seed=3)[0]
    np.testing.assert_array_equal(a, data.sphere_points(50, seed=3)[0])
    assert not np.array_equal(a, data.sphere_points(50, seed=4)[0])


def test_sphere_shell_points_lie_near_surface_and_are_balanced():
    x, y = data.sphere_shell_points(2000, width=0.1, seed=0)
    radius = np.linalg.norm(x, axis=1)
    assert radius.min() >= 0.9 - 1e-6 and radius.max() <= 1.1 + 1e-6
    assert 0.4 < y.mean() < 0.6


@pytest.mark.parametrize("bad", [0, -5])
def test_sphere_points_rejects_non_positive_n(bad):
    with pytest.raises(ValueError, match="n must be at least 1"):
        data.sphere_points(bad)


def test_sphere_points_rejects_float_n_and_bad_seed():
    with pytest.raises(TypeError, match="n must be an int"):
        data.sphere_points(10.5)
    with pytest.raises(TypeError, match="seed"):
        data.sphere_points(10, seed="abc")
    with pytest.raises(ValueError, match="unknown sampling 'ball'"):
        data.sphere_points(10, sampling="ball")
    with pytest.raises(ValueError, match="extent must be larger than 1"):
        data.sphere_points(10, extent=0.5)
    with pytest.raises(ValueError, match="width"):
        data.sphere_shell_points(10, width=1.5)


# ------------------------------------------------------------------------- 2-D sets
@pytest.mark.parametrize("name", data.TWO_D_DATASETS)
def test_2d_datasets_shapes_and_balance(name):
    x, y = data.make_2d_dataset(name, n=400, noise=0.05, seed=0)
    assert x.shape == (400, 2) and x.dtype == np.float32
    assert y.shape == (400,) and set(np.unique(y)) == {0, 1}
    assert 0.35 < y.mean() < 0.65
    assert np.abs(x).max() < 2.5


@pytest.mark.parametrize("name", data.TWO_D_DATASETS)
def test_2d_datasets_are_not_linearly_separable(name):
    """The lesson depends on it: a linear classifier must fail on every 2-D set."""
    from sklearn.linear_model import LogisticRegression

    x, y = data.make_2d_dataset(name, n=1000, noise=0.05, seed=0)
    accuracy = LogisticRegression().fit(x, y).score(x, y)
    # the two moons overlap only at their tips, so a line gets about 90% of them right
    bound = 0.93 if name == "moons" else 0.75
    assert accuracy < bound, f"{name}: a linear model reaches {accuracy:.2f}"


def test_noise_knob_moves_points():
    clean = data.make_2d_dataset("spirals", n=300, noise=0.0, seed=2)[0]
    noisy = data.make_2d_dataset("spirals", n=300, noise=0.3, seed=2)[0]
    assert 0.1 < np.abs(clean - noisy).mean() < 0.5


def test_2d_dataset_errors():
    with pytest.raises(ValueError, match="unknown 2-D data set 'banana'.*moons"):
        data.make_2d_dataset("banana")
    with pytest.raises(TypeError):
        data.make_2d_dataset(3)
    with pytest.raises(ValueError, match="noise"):
        data.make_2d_dataset("moons", noise=-0.1)
    with pytest.raises(ValueError, match="n must be at least 2"):
        data.make_2d_dataset("xor", n=1)


# ---------------------------------------------------------------------- Rosenbrock
def test_rosenbrock_minimum_and_samples():
    assert data.rosenbrock(1.0, 1.0) == 0.0
    assert data.rosenbrock(0.0, 0.0) == 1.0
    xy, target = data.rosenbrock_samples(500, seed=0)
    assert xy.shape == (500, 2) and target.shape == (500,)
    np.testing.assert_allclose(target, np.log1p(data.rosenbrock(xy[:, 0], xy[:, 1])), rtol=1e-5)
    raw = data.rosenbrock_samples(500, seed=0, log_scale=False)[1]
    np.testing.assert_allclose(raw, data.rosenbrock(xy[:, 0], xy[:, 1]), rtol=1e-5)
    with pytest.raises(ValueError):
        data.rosenbrock_samples(-1)


# --------------------------------------------------------------------------- MNIST
def _fake_mnist(path, **overrides):
    arrays = {
        "x_train": np.zeros((60000, 28, 28), np.uint8),
        "y_train": np.arange(60000, dtype=np.uint8) % 10,
        "x_test": np.zeros((10000, 28, 28), np.uint8),
        "y_test": np.arange(10000, dtype=np.uint8) % 10,
    }
    arrays.update(overrides)
    np.savez(path, **arrays)
    return path


@pytest.fixture
def no_local_mnist(monkeypatch, tmp_path):
    """Isolate the loader from any real copy: empty data dir, empty Keras home."""
    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setattr(data, "PROJECT_DATA_DIR", tmp_path / "data")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path


def test_load_mnist_explicit_path(no_local_mnist):
    path = _fake_mnist(no_local_mnist / "m.npz")
    (x_train, y_train), (x_test, y_test) = data.load_mnist(path)
    assert x_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
    assert y_train[:3].tolist() == [0, 1, 2]


def test_load_mnist_search_order(no_local_mnist, monkeypatch):
    (no_local_mnist / "data").mkdir()
    _fake_mnist(no_local_mnist / "data" / "mnist.npz", y_test=np.full(10000, 7, np.uint8))
    assert data.load_mnist()[1][1][0] == 7  # project data/ found
    env_copy = _fake_mnist(no_local_mnist / "env.npz", y_test=np.full(10000, 3, np.uint8))
    monkeypatch.setenv("MNIST_PATH", str(env_copy))
    assert data.load_mnist()[1][1][0] == 3  # MNIST_PATH wins over data/


def test_load_mnist_keras_cache(no_local_mnist):
    cache = no_local_mnist / "keras" / "datasets"
    cache.mkdir(parents=True)
    _fake_mnist(cache / "mnist.npz", y_test=np.full(10000, 5, np.uint8))
    assert data.load_mnist(download=False)[1][1][0] == 5


def test_load_mnist_offline_without_copy_says_where_to_put_it(no_local_mnist):
    with pytest.raises(data.MNISTNotFoundError, match="Copy mnist.npz"):
        data.load_mnist(download=False)


def test_load_mnist_missing_explicit_path(no_local_mnist, monkeypatch):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_mnist(no_local_mnist / "nope.npz")
    monkeypatch.setenv("MNIST_PATH", str(no_local_mnist / "nope.npz"))
    with pytest.raises(FileNotFoundError, match="MNIST_PATH"):
        data.load_mnist()


def test_load_mnist_rejects_truncated_file(no_local_mnist):
    path = _fake_mnist(no_local_mnist / "m.npz")
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        data.load_mnist(path)
    assert path.stat().st_size == len(blob) // 2  # the bad file is reported, not deleted


def test_load_mnist_rejects_garbage_file(no_local_mnist):
    path = no_local_mnist / "m.npz"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        data.load_mnist(path)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"x_train": np.zeros((100, 28, 28), np.uint8)}, "x_train has shape"),
        ({"x_test": np.zeros((10000, 28, 28), np.float32)}, "x_test has dtype"),
        ({"y_train": np.full(60000, 12, np.uint8)}, "labels up to 12"),
    ],
)
def test_load_mnist_validates_content(no_local_mnist, override, message):
    path = _fake_mnist(no_local_mnist / "m.npz", **override)
    with pytest.raises(ValueError, match=message):
        data.load_mnist(path)


def test_load_mnist_rejects_missing_arrays_and_pickles(no_local_mnist):
    path = no_local_mnist / "m.npz"
    np.savez(path, x_train=np.zeros((60000, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="missing arrays"):
        data.load_mnist(path)
    np.savez(path, x_train=np.array([{"a": 1}], dtype=object), y_train=np.zeros(1), x_test=np.zeros(1),
             y_test=np.zeros(1))
    with pytest.raises(ValueError, match="cannot read MNIST"):
        data.load_mnist(path)


@pytest.mark.skipif(not SHARED_MNIST.exists(), reason="no local copy of the real MNIST")
def test_real_mnist_content():
    (x_train, y_train), (x_test, y_test) = data.load_mnist(SHARED_MNIST)
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(x_train.mean() / 255 - 0.13066) < 1e-4
