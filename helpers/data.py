"""Data for the course: toy generators for notebook 1 and an offline-first MNIST loader.

Every generator takes a `seed` (or a `numpy.random.Generator`) so a notebook run is
reproducible, validates its arguments, and returns float32 features with int64
labels (or float32 targets for regression).
"""

from __future__ import annotations

import os
import pathlib
import zipfile

import numpy as np

from helpers import checks

TWO_D_DATASETS = ("moons", "circles", "xor", "spirals")

# Where the project looks for a local MNIST copy (the repository's data/ folder).
PROJECT_DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data"
MNIST_FILENAME = "mnist.npz"
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}


# --------------------------------------------------------------------------- checks
def _check_nonnegative(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return float(value)


# ------------------------------------------------------------- notebook 1: the sphere
SPHERE_SAMPLINGS = ("radial", "cube", "normal")


def sphere_points(n: int, dim: int = 3, sampling: str = "radial", extent: float | None = None, seed=None):
    """Random points labelled 1 inside the unit sphere, 0 outside.

    sampling="radial" (default): a uniformly random direction and a radius uniform in
    [0, extent] (extent 2.0 by default), so about half the points lie inside, in any
    dimension, and a constant classifier scores only about 50%.
    sampling="cube": uniform in the cube [-extent, extent]^dim (extent 1.5 by default);
    then only about 15.5% of 3-D points lie inside, so "always outside" already scores
    about 84.5%.
    sampling="normal": every coordinate N(0, 1), as in the original 2017 course project
    (`extent` must stay None); about 20% of 3-D points lie inside (a chi-squared
    variable with 3 degrees of freedom is below 1 with probability 0.199), so "always
    outside" scores about 80%.

    Returns `(x, y)`: x float32 of shape (n, dim), y int64 of shape (n,) with values 0/1.
    """
    n = checks.check_int("n", n)
    dim = checks.check_int("dim", dim)
    if sampling not in SPHERE_SAMPLINGS:
        raise ValueError(f"unknown sampling {sampling!r}; expected one of {SPHERE_SAMPLINGS}")
    if sampling == "normal":
        if extent is not None:
            raise ValueError("sampling='normal' draws N(0, 1) coordinates and takes no extent; leave extent=None")
        x = checks.make_rng(seed).normal(size=(n, dim)).astype(np.float32)
        y = (np.sum(x.astype(np.float64) ** 2, axis=1) < 1.0).astype(np.int64)
        return x, y
    if extent is None:
        extent = 2.0 if sampling == "radial" else 1.5
    extent = _check_nonnegative("extent", extent)
    if extent <= 1.0:
        raise ValueError(f"extent must be larger than 1 so that both classes occur, got {extent}")
    rng = checks.make_rng(seed)
    if sampling == "radial":
        directions = rng.normal(size=(n, dim))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        x = directions * rng.uniform(0, extent, size=(n, 1))
    else:
        x = rng.uniform(-extent, extent, size=(n, dim))
    x = x.astype(np.float32)
    y = (np.sum(x.astype(np.float64) ** 2, axis=1) < 1.0).astype(np.int64)
    return x, y


def sphere_shell_points(n: int, width: float = 0.1, dim: int = 3, seed=None):
    """Points near the unit sphere's surface: radius uniform in [1 - width, 1 + width].

    The hard test set for the sphere project: half the points lie just inside, half
    just outside. Returns `(x, y)` like `sphere_points`.
    """
    n = checks.check_int("n", n)
    dim = checks.check_int("dim", dim)
    width = _check_nonnegative("width", width)
    if not 0 < width < 1:
        raise ValueError(f"width must be in (0, 1), got {width}")
    rng = checks.make_rng(seed)
    directions = rng.normal(size=(n, dim))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    radius = rng.uniform(1 - width, 1 + width, size=(n, 1))
    x = (directions * radius).astype(np.float32)
    y = (np.sum(x.astype(np.float64) ** 2, axis=1) < 1.0).astype(np.int64)
    return x, y


# ---------------------------------------------------------- notebook 1: 2-D data sets
def make_2d_dataset(name: str, n: int = 500, noise: float = 0.1, seed=None):
    """A labelled 2-D classification set: "moons", "circles", "xor" or "spirals".

    `noise` is the standard deviation of Gaussian noise added to each coordinate (in
    the data's own units; every set spans roughly [-1.5, 1.5]). Returns `(x, y)` with x
    float32 of shape (n, 2) and y int64 of shape (n,) with two balanced classes 0/1.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {TWO_D_DATASETS}, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in TWO_D_DATASETS:
        raise ValueError(f"unknown 2-D data set {name!r}; expected one of {', '.join(TWO_D_DATASETS)}")
    n = checks.check_int("n", n, minimum=2)
    noise = _check_nonnegative("noise", noise)
    rng = checks.make_rng(seed)
    n0 = n // 2
    n1 = n - n0
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])

    if key == "moons":
        t0 = rng.uniform(0, np.pi, n0)
        t1 = rng.uniform(0, np.pi, n1)
        a = np.stack([np.cos(t0), np.sin(t0)], axis=1)
        b = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
        x = np.concatenate([a, b]) - np.array([0.5, 0.25])
    elif key == "circles":
        t = rng.uniform(0, 2 * np.pi, n)
        radius = np.where(y == 0, 1.0, 0.5)
        x = np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)
    elif key == "xor":
        x = rng.uniform(-1, 1, size=(n, 2))
        # move points slightly off the axes so each quadrant is a clean block
        x += 0.1 * np.sign(x)
        y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.int64)
    else:  # spirals: two interleaved arms, 1.5 turns each
        t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
        arm = np.where(y == 0, 0.0, np.pi)
        radius = t / (3 * np.pi) * 1.4
        x = np.stack([radius * np.cos(t + arm), radius * np.sin(t + arm)], axis=1)

    # always draw the noise so that the same seed gives the same points at every noise level
    x = x + noise * rng.standard_normal(x.shape)
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


# ----------------------------------------------------------- notebook 1: Rosenbrock
def rosenbrock(x, y, a: float = 1.0, b: float = 100.0):
    """The Rosenbrock function f(x, y) = (a - x)^2 + b (y - x^2)^2 (minimum 0 at (a, a^2))."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return (a - x) ** 2 + b * (y - x**2) ** 2


def rosenbrock_samples(n: int, low: float = -2.0, high: float = 2.0, seed=None, log_scale: bool = True):
    """Random points in [low, high]^2 with Rosenbrock values as regression targets.

    Returns `(xy, target)`: xy float32 (n, 2); target float32 (n,). With `log_scale`
    (default) the target is log(1 + f), which keeps values in a range a small network
    can fit with a squared loss; pass False for the raw function values.
    """
    n = checks.check_int("n", n)
    if not (np.isfinite(low) and np.isfinite(high)) or low >= high:
        raise ValueError(f"need finite low < high, got low={low}, high={high}")
    rng = checks.make_rng(seed)
    xy = rng.uniform(low, high, size=(n, 2))
    target = rosenbrock(xy[:, 0], xy[:, 1])
    if log_scale:
        target = np.log1p(target)
    return xy.astype(np.float32), target.astype(np.float32)


# ------------------------------------------------------------------------- MNIST
class MNISTNotFoundError(FileNotFoundError):
    """No local MNIST copy and the download failed (for example offline)."""


def _keras_cache_path() -> pathlib.Path:
    keras_home = os.environ.get("KERAS_HOME")
    base = pathlib.Path(keras_home) if keras_home else pathlib.Path.home() / ".keras"
    return base / "datasets" / MNIST_FILENAME


def mnist_candidate_paths(path=None) -> list[pathlib.Path]:
    """The places `load_mnist` looks, in order: explicit path, $MNIST_PATH, data/, Keras cache."""
    candidates = []
    if path is not None:
        candidates.append(pathlib.Path(path).expanduser())
    env = os.environ.get("MNIST_PATH")
    if env:
        candidates.append(pathlib.Path(env).expanduser())
    candidates.append(PROJECT_DATA_DIR / MNIST_FILENAME)
    candidates.append(_keras_cache_path())
    return candidates


def _validate_mnist(arrays: dict, source) -> tuple:
    missing = [key for key in MNIST_SHAPES if key not in arrays]
    if missing:
        raise ValueError(f"{source}: not an MNIST file, missing arrays {missing} (expected {list(MNIST_SHAPES)})")
    for key, shape in MNIST_SHAPES.items():
        array = arrays[key]
        if array.shape != shape:
            raise ValueError(f"{source}: {key} has shape {array.shape}, expected {shape}")
        if array.dtype != np.uint8:
            raise ValueError(f"{source}: {key} has dtype {array.dtype}, expected uint8")
    for key in ("y_train", "y_test"):
        if arrays[key].max() > 9:
            raise ValueError(f"{source}: {key} holds labels up to {arrays[key].max()}, expected 0..9")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_npz(path: pathlib.Path):
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise ValueError(
            f"{path}: cannot read MNIST ({type(error).__name__}: {error}); the file is corrupt or "
            "truncated. Delete it and copy a good mnist.npz there (or let Keras download it)."
        ) from error
    return _validate_mnist(arrays, path)


def load_mnist(path=None, download: bool = True):
    """Load MNIST as `((x_train, y_train), (x_test, y_test))`, offline first.

    Looks, in order, at: `path` if given, the `MNIST_PATH` environment variable, the
    project's `data/mnist.npz`, the Keras cache (`~/.keras/datasets/mnist.npz`), and
    only then downloads with `keras.datasets.mnist.load_data()` (when `download`).
    Arrays are uint8 images (N, 28, 28) in 0..255 and uint8 labels 0..9, validated.
    An explicit `path` that does not exist is an error (it is never silently skipped).
    """
    if path is not None and not pathlib.Path(path).expanduser().is_file():
        raise FileNotFoundError(f"MNIST file {path} does not exist")
    env = os.environ.get("MNIST_PATH")
    if path is None and env and not pathlib.Path(env).expanduser().is_file():
        raise FileNotFoundError(f"MNIST_PATH={env} does not point to a file")
    for candidate in mnist_candidate_paths(path):
        if candidate.is_file():
            return _read_npz(candidate)
    searched = "\n  ".join(str(p) for p in mnist_candidate_paths(path))
    help_text = (
        f"MNIST was not found locally. Looked in:\n  {searched}\n"
        f"Copy mnist.npz (from {MNIST_URL}) to {PROJECT_DATA_DIR / MNIST_FILENAME} "
        "or set MNIST_PATH to its location."
    )
    if not download:
        raise MNISTNotFoundError(help_text)
    try:
        import keras

        keras.datasets.mnist.load_data()
    except Exception as error:  # no network, proxy, ...
        raise MNISTNotFoundError(f"{help_text}\nThe download failed too: {error}") from error
    return _read_npz(_keras_cache_path())
