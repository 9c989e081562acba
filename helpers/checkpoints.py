"""Atomic training checkpoints, so that a long training run survives an interruption.

One checkpoint is one `.npz` file (no pickle) holding everything a training loop needs
to continue where it stopped:

- the weights of one or more Keras networks (for DQN: the Q-network and its target),
- the optimizer's variables (Adam's step counter and moment estimates),
- the step counter, epsilon, an episode/training log (a dict of lists) and any
  other JSON-friendly values (`extra`),
- the random states: Python's `random`, NumPy's global generator, a NumPy
  `Generator` the loop uses (optional), TensorFlow's global `tf.random.Generator`
  and Keras' global seed generator,
- optionally a replay buffer, written beside it with its own `save` method.

    >>> save_checkpoint("runs/cartpole.ckpt.npz", step=5000, networks={"q": q_net, "target": target_net},
    ...                 optimizer=optimizer, epsilon=0.3, log=log, rng=rng)
    >>> restored = load_checkpoint("runs/cartpole.ckpt.npz", networks={"q": q_net, "target": target_net},
    ...                            optimizer=optimizer, rng=rng)
    >>> restored.step, restored.epsilon, restored.log

Writing is atomic: the file is written under a temporary name in the same folder,
flushed to disk and then renamed over the old checkpoint with `os.replace`. A run that
is killed while saving leaves the previous checkpoint intact, never a half-written one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import random
import tempfile

import numpy as np

FORMAT_VERSION = 1


@dataclasses.dataclass
class Restored:
    """What `load_checkpoint` gives back (networks, optimizer and RNGs are restored in place)."""

    path: pathlib.Path
    step: int
    epsilon: float | None
    log: dict
    extra: dict
    config: dict | None
    replay_buffer: object | None


def checkpoint_exists(path) -> bool:
    """True when a checkpoint file is present at `path`."""
    return _checkpoint_path(path).is_file()


def delete_checkpoint(path) -> bool:
    """Remove the checkpoint at `path` and the replay buffers saved beside it; True if there was one.

    For a training cell whose checkpoints only join its own stretches: deleting them
    first makes a re-run of the cell (after fixing the code, say) train anew instead of
    restoring the previous run.
    """
    path = _checkpoint_path(path)
    existed = path.is_file()
    path.unlink(missing_ok=True)
    for replay_file in path.parent.glob(f"{path.name[: -len('.npz')]}.replay-*.npz"):
        replay_file.unlink(missing_ok=True)
    return existed


# ------------------------------------------------------------------ validation
def _checkpoint_path(path) -> pathlib.Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"checkpoint path must be a str or path, got {type(path).__name__}")
    path = pathlib.Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"checkpoint path must end in .npz (one file per checkpoint), got {str(path)!r}")
    return path


def _check_networks(networks) -> dict:
    if not isinstance(networks, dict) or not networks:
        raise TypeError("networks must be a non-empty dict of name -> Keras model, e.g. {'q_network': model}")
    for name, network in networks.items():
        if not isinstance(name, str) or not name or "/" in name:
            raise ValueError(f"network names must be non-empty strings without '/', got {name!r}")
        if not (hasattr(network, "get_weights") and hasattr(network, "set_weights")):
            raise TypeError(f"networks[{name!r}] must be a Keras model (get_weights/set_weights), got {type(network).__name__}")
    return networks


def _check_rng(rng):
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    return rng


def _to_json(value):
    """json.dumps default: numpy scalars and arrays become plain Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot store a {type(value).__name__} in a checkpoint (JSON values, numpy scalars or arrays only)")


# ---------------------------------------------------------- TensorFlow / Keras RNG
def _tensorflow_generator():
    """TensorFlow's global tf.random.Generator, or None when TensorFlow is not imported."""
    import sys

    if "tensorflow" not in sys.modules:
        return None
    import tensorflow as tf

    return tf.random.get_global_generator()


def _keras_seed_generator(create=False):
    """Keras' global SeedGenerator (used by keras.random without a seed), or None.

    Without `create`, only an existing one is returned: creating it draws a seed from
    Python's `random`, which would disturb the state being saved.
    """
    import sys

    if "keras" not in sys.modules:
        return None
    try:  # not public API, so best effort: the state is saved when it can be reached
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator

        if create:
            return seed_generator.global_seed_generator()
        return global_state.get_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR)
    except Exception:  # pragma: no cover - depends on the Keras version
        return None


# ------------------------------------------------------------------------ save
def save_checkpoint(
    path,
    *,
    step,
    networks,
    optimizer=None,
    epsilon=None,
    log=None,
    rng=None,
    config=None,
    extra=None,
    replay_buffer=None,
) -> pathlib.Path:
    """Write a checkpoint atomically and return its path.

    path: the checkpoint file (`.npz`); its folder is created if needed.
    step: the number of environment steps done so far (int >= 0).
    networks: dict name -> Keras model; all their weights are saved.
    optimizer: a Keras optimizer; its variables are saved once it has been built.
    epsilon, log, config, extra: the exploration rate, a dict of lists (episode
        returns, losses, ...), the hyperparameters and any other JSON-friendly values.
    rng: the numpy Generator the training loop draws from (its state is saved).
    replay_buffer: anything with `save(path)` (helpers.replay buffers); written beside
        the checkpoint as `<name>.replay-<step>.npz`, also atomically.
    """
    path = _checkpoint_path(path)
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"step must be an int >= 0, got {step!r}")
    networks = _check_networks(networks)
    rng = _check_rng(rng)
    if log is not None and not isinstance(log, dict):
        raise TypeError(f"log must be a dict (for example of lists), got {type(log).__name__}")
    if replay_buffer is not None and not hasattr(replay_buffer, "save"):
        raise TypeError(f"replay_buffer must have a save(path) method, got {type(replay_buffer).__name__}")
    path.parent.mkdir(parents=True, exist_ok=True)

    arrays: dict[str, np.ndarray] = {}
    network_sizes = {}
    for name, network in networks.items():
        weights = network.get_weights()
        network_sizes[name] = len(weights)
        for index, weight in enumerate(weights):
            arrays[f"network/{name}/{index}"] = np.asarray(weight)
    optimizer_size = None
    if optimizer is not None and getattr(optimizer, "built", True):
        values = [np.asarray(variable.numpy()) for variable in optimizer.variables]
        optimizer_size = len(values)
        for index, value in enumerate(values):
            arrays[f"optimizer/{index}"] = value

    numpy_global = np.random.get_state()
    arrays["rng/numpy_global_keys"] = numpy_global[1]
    tensorflow_generator = _tensorflow_generator()
    if tensorflow_generator is not None:
        arrays["rng/tensorflow_global"] = tensorflow_generator.state.numpy()
    keras_generator = _keras_seed_generator()
    if keras_generator is not None:
        arrays["rng/keras_global"] = np.asarray(keras_generator.state.numpy())

    replay_name = None
    if replay_buffer is not None:
        replay_name = f"{path.name[: -len('.npz')]}.replay-{int(step)}.npz"
        _atomic_write(path.parent / replay_name, lambda temporary: replay_buffer.save(temporary))

    meta = {
        "format_version": FORMAT_VERSION,
        "step": int(step),
        "epsilon": None if epsilon is None else float(epsilon),
        "log": log or {},
        "config": config,
        "extra": extra or {},
        "network_sizes": network_sizes,
        "optimizer_size": optimizer_size,
        "rng": {
            "python": _python_state_to_json(random.getstate()),
            "numpy_global": [numpy_global[0], int(numpy_global[2]), int(numpy_global[3]), float(numpy_global[4])],
            "generator": None if rng is None else rng.bit_generator.state,
        },
        "replay_buffer": replay_name,
    }
    arrays["meta"] = np.array(json.dumps(meta, default=_to_json))

    def write(temporary):
        with open(temporary, "wb") as file:
            np.savez(file, **arrays)

    _atomic_write(path, write)
    if replay_name is not None:  # the new checkpoint is in place: older buffers can go
        for old in path.parent.glob(f"{path.name[: -len('.npz')]}.replay-*.npz"):
            if old.name != replay_name:
                old.unlink(missing_ok=True)
    return path


def _atomic_write(path: pathlib.Path, write) -> None:
    """Call write(temporary_path) on a temporary file beside `path`, fsync, then rename."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp.npz")
    os.close(descriptor)
    try:
        write(temporary)
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    try:  # make the rename itself durable (POSIX); harmless where unsupported
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:  # pragma: no cover - e.g. Windows
        pass


def _python_state_to_json(state):
    version, internal, gauss_next = state
    return [version, list(internal), gauss_next]


# ------------------------------------------------------------------------ load
def read_checkpoint(path) -> tuple[dict, dict[str, np.ndarray]]:
    """The raw contents of a checkpoint: (metadata dict, arrays dict). Restores nothing."""
    path = _checkpoint_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    meta = json.loads(str(arrays.pop("meta")))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path} has checkpoint format {meta.get('format_version')}, this code reads {FORMAT_VERSION}")
    return meta, arrays


def read_metadata(path) -> dict:
    """A checkpoint's metadata only (step, epsilon, log, config, ...), without its arrays."""
    path = _checkpoint_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {str(path)!r}")
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path} has checkpoint format {meta.get('format_version')}, this code reads {FORMAT_VERSION}")
    return meta


def network_weights(path, name) -> list[np.ndarray]:
    """The weights of network `name` stored in a checkpoint, as a list of arrays."""
    meta, arrays = read_checkpoint(path)
    if name not in meta["network_sizes"]:
        raise KeyError(f"checkpoint has no network {name!r}; it has {sorted(meta['network_sizes'])}")
    return [arrays[f"network/{name}/{index}"] for index in range(meta["network_sizes"][name])]


def load_checkpoint(
    path,
    *,
    networks,
    optimizer=None,
    rng=None,
    replay_buffer_class=None,
    config=None,
    config_may_differ=("total_steps",),
) -> Restored:
    """Restore a checkpoint written by `save_checkpoint`, in place, and return the rest.

    The networks' weights, the optimizer's variables (the optimizer is built for the
    first network's trainable variables if it has not been built yet), `rng` and the
    global random states are restored in place. With `replay_buffer_class` (for example
    `helpers.replay.ReplayBuffer`) the saved buffer is loaded with its `load` method;
    without, or when none was saved, `Restored.replay_buffer` is None.

    With `config`, the saved hyperparameters must match it (except the keys in
    `config_may_differ`), so that a run is never resumed with different settings.
    """
    meta, arrays = read_checkpoint(path)
    networks = _check_networks(networks)
    rng = _check_rng(rng)
    path = _checkpoint_path(path)
    if config is not None and meta["config"] is not None:
        saved = json.loads(json.dumps(meta["config"], default=_to_json))
        current = json.loads(json.dumps(config, default=_to_json))
        differences = sorted(
            key
            for key in set(saved) | set(current)
            if key not in config_may_differ and saved.get(key) != current.get(key)
        )
        if differences:
            details = ", ".join(f"{key}: saved {saved.get(key)!r}, now {current.get(key)!r}" for key in differences)
            raise ValueError(
                f"the checkpoint {str(path)!r} was written with other hyperparameters ({details}); "
                "delete it (or choose another checkpoint path) to start a new run"
            )
    for name, network in networks.items():
        if name not in meta["network_sizes"]:
            raise KeyError(f"checkpoint {str(path)!r} has no network {name!r}; it has {sorted(meta['network_sizes'])}")
        weights = [arrays[f"network/{name}/{index}"] for index in range(meta["network_sizes"][name])]
        network.set_weights(weights)  # raises ValueError on a shape mismatch
    if optimizer is not None and meta["optimizer_size"] is not None:
        if not getattr(optimizer, "built", True):
            first_network = next(iter(networks.values()))
            optimizer.build(first_network.trainable_variables)
        variables = optimizer.variables
        if len(variables) != meta["optimizer_size"]:
            raise ValueError(
                f"optimizer has {len(variables)} variables, the checkpoint {meta['optimizer_size']}: "
                "is it the same optimizer for the same network?"
            )
        for index, variable in enumerate(variables):
            variable.assign(arrays[f"optimizer/{index}"])

    # Fetch (or create) the framework generators first: creating Keras' draws from `random`.
    tensorflow_generator = _tensorflow_generator()
    keras_generator = _keras_seed_generator(create="rng/keras_global" in arrays)
    states = meta["rng"]
    version, internal, gauss_next = states["python"]
    random.setstate((version, tuple(internal), gauss_next))
    name, position, has_gauss, cached_gaussian = states["numpy_global"]
    np.random.set_state((name, arrays["rng/numpy_global_keys"], position, has_gauss, cached_gaussian))
    if rng is not None and states["generator"] is not None:
        rng.bit_generator.state = states["generator"]
    if tensorflow_generator is not None and "rng/tensorflow_global" in arrays:
        tensorflow_generator.reset(arrays["rng/tensorflow_global"])
    if keras_generator is not None and "rng/keras_global" in arrays:
        keras_generator.state.assign(arrays["rng/keras_global"])

    replay_buffer = None
    if replay_buffer_class is not None and meta["replay_buffer"] is not None:
        replay_buffer = replay_buffer_class.load(path.parent / meta["replay_buffer"])
    return Restored(
        path=path,
        step=int(meta["step"]),
        epsilon=meta["epsilon"],
        log=meta["log"],
        extra=meta["extra"],
        config=meta["config"],
        replay_buffer=replay_buffer,
    )
