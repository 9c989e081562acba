"""Experience replay for deep Q-learning.

Two buffers, both circular (the oldest transition is overwritten once `capacity` is
reached), both sampling uniformly with replacement, both returning a `Batch`:

- `ReplayBuffer` stores whole transitions of small vector observations (CartPole).
- `AtariReplayBuffer` stores every 84x84 uint8 frame **once** and rebuilds the stacks
  of the last `stack_size` frames (state and next state) at sample time, as the
  original DQN implementation did. At a capacity of 1,000,000 it needs about 7.1 GB
  instead of the 56 GB that storing stacked observation and next observation takes.

Layouts: a stack of frames is (stack_size, 84, 84) uint8, oldest frame first (the
layout of gymnasium's `FrameStackObservation`); a batch of stacks is
(batch_size, stack_size, 84, 84).

`Batch.terminated` is 1.0 where the episode really ended (no bootstrap). A transition
cut by a time limit (`truncated=True`) keeps terminated = 0.0: its target still
bootstraps from the next state.
"""

from __future__ import annotations

import json
import os
import typing

import numpy as np


class Batch(typing.NamedTuple):
    """A sampled batch: arrays with the batch as first axis.

    observations / next_observations: (B, *observation_shape) (Atari: (B, stack, 84, 84) uint8)
    actions: int64 (B,); rewards: float32 (B,);
    terminated: float32 (B,), 1.0 = the episode ended here, do not bootstrap.
    """

    observations: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    next_observations: np.ndarray
    terminated: np.ndarray


# --------------------------------------------------------------------------- checks
def _check_int(name: str, value, minimum: int = 1, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r})")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return int(value)


def _check_shape(name: str, shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{name} must be a tuple of ints such as (4,), got {shape!r}") from None
    for size in shape:
        _check_int(f"every entry of {name}", size)
    return tuple(int(size) for size in shape)


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be a non-negative int, None or numpy.random.Generator, got {seed!r}")


def _check_action(action) -> int:
    if isinstance(action, np.ndarray) and action.ndim == 0:
        action = action.item()
    if isinstance(action, bool) or not isinstance(action, (int, np.integer)):
        raise TypeError(f"action must be an int (a discrete action index), got {type(action).__name__} ({action!r})")
    return int(action)


def _check_reward(reward) -> float:
    if isinstance(reward, np.ndarray) and reward.ndim == 0:
        reward = reward.item()
    if isinstance(reward, bool) or not isinstance(reward, (int, float, np.integer, np.floating)):
        raise TypeError(f"reward must be a number, got {type(reward).__name__} ({reward!r})")
    if not np.isfinite(reward):
        raise ValueError(f"reward must be finite, got {reward}")
    return float(reward)


def _check_flag(name: str, value) -> bool:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, (bool, np.bool_)) and not (isinstance(value, (int, np.integer)) and value in (0, 1)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__} ({value!r})")
    return bool(value)


def _check_array(name: str, value, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """`value` as an array of `shape`, castable to `dtype` without changing its kind."""
    array = np.asarray(value)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    if array.dtype == dtype:
        return array
    if array.dtype.kind not in "biuf" or not np.can_cast(array.dtype, dtype, casting="same_kind"):
        raise TypeError(
            f"{name} must have dtype {dtype} (or one that converts to it safely), got {array.dtype}"
        )
    return array


def _check_batch_size(batch_size, stored: int, what: str) -> int:
    batch_size = _check_int("batch_size", batch_size)
    if stored == 0:
        raise ValueError(f"cannot sample from an empty {what}: add transitions first")
    if batch_size > stored:
        raise ValueError(
            f"batch_size={batch_size} is larger than the {stored} transitions stored in the {what}; "
            "collect more experience before learning (a warm-up phase) or use a smaller batch"
        )
    return batch_size


def _rng_state_to_array(rng: np.random.Generator) -> np.ndarray:
    return np.array(json.dumps(rng.bit_generator.state))


def _rng_from_array(array: np.ndarray) -> np.random.Generator:
    state = json.loads(str(array))
    bit_generator = getattr(np.random, state["bit_generator"])()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def _npz_path(path) -> str:
    path = os.fspath(path)
    return path if path.endswith(".npz") else path + ".npz"


def _format_bytes(num_bytes: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if num_bytes < 1000 or unit == "TB":
            return f"{num_bytes:,.0f} {unit}" if unit == "bytes" else f"{num_bytes:,.2f} {unit}"
        num_bytes /= 1000
    return str(num_bytes)  # pragma: no cover


# ------------------------------------------------------------- vector observations
class ReplayBuffer:
    """Uniform circular replay buffer of (observation, action, reward, next_observation, terminated).

    For small vector observations such as CartPole's (4,) float32. Every transition is
    stored whole in preallocated numpy arrays.

    >>> buffer = ReplayBuffer(capacity=10_000, observation_shape=(4,), seed=0)
    >>> buffer.add(observation, action, reward, next_observation, terminated, truncated)
    >>> batch = buffer.sample(32)   # Batch(observations (32, 4), actions (32,), ...)

    `truncated` is accepted so the call mirrors `env.step`, and validated, but not
    stored: a truncated transition bootstraps from its next state exactly like an
    ordinary one. Sampling is uniform with replacement.
    """

    def __init__(self, capacity, observation_shape, observation_dtype=np.float32, seed=None):
        self.capacity = _check_int("capacity", capacity)
        self.observation_shape = _check_shape("observation_shape", observation_shape)
        try:
            self.observation_dtype = np.dtype(observation_dtype)
        except TypeError:
            raise TypeError(f"observation_dtype must be a numpy dtype, got {observation_dtype!r}") from None
        if self.observation_dtype.kind not in "biuf":
            raise TypeError(f"observation_dtype must be numeric, got {self.observation_dtype}")
        self._rng = _rng(seed)
        shape = (self.capacity, *self.observation_shape)
        self._observations = np.zeros(shape, dtype=self.observation_dtype)
        self._next_observations = np.zeros(shape, dtype=self.observation_dtype)
        self._actions = np.zeros(self.capacity, dtype=np.int64)
        self._rewards = np.zeros(self.capacity, dtype=np.float32)
        self._terminated = np.zeros(self.capacity, dtype=np.float32)
        self._position = 0  # the slot the next transition goes to
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def __repr__(self) -> str:
        return (
            f"ReplayBuffer(capacity={self.capacity}, observation_shape={self.observation_shape}, "
            f"observation_dtype={self.observation_dtype}, stored={self._size})"
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffer's arrays."""
        return sum(array.nbytes for array in self._arrays().values())

    def _arrays(self) -> dict[str, np.ndarray]:
        return {
            "observations": self._observations,
            "next_observations": self._next_observations,
            "actions": self._actions,
            "rewards": self._rewards,
            "terminated": self._terminated,
        }

    def add(self, observation, action, reward, next_observation, terminated, truncated=False) -> None:
        """Store one transition, overwriting the oldest when the buffer is full."""
        observation = _check_array("observation", observation, self.observation_shape, self.observation_dtype)
        next_observation = _check_array(
            "next_observation", next_observation, self.observation_shape, self.observation_dtype
        )
        action = _check_action(action)
        reward = _check_reward(reward)
        terminated = _check_flag("terminated", terminated)
        _check_flag("truncated", truncated)
        slot = self._position
        self._observations[slot] = observation
        self._next_observations[slot] = next_observation
        self._actions[slot] = action
        self._rewards[slot] = reward
        self._terminated[slot] = float(terminated)
        self._position = (slot + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def sample(self, batch_size) -> Batch:
        """A uniform random batch (with replacement) of stored transitions; arrays are copies."""
        batch_size = _check_batch_size(batch_size, self._size, "replay buffer")
        indices = self._rng.integers(0, self._size, size=batch_size)
        return Batch(
            observations=self._observations[indices],
            actions=self._actions[indices],
            rewards=self._rewards[indices],
            next_observations=self._next_observations[indices],
            terminated=self._terminated[indices],
        )

    def save(self, path) -> None:
        """Write contents, cursor and random state to `path` (.npz, no pickle)."""
        arrays = {name: array[: self._size] for name, array in self._arrays().items()}
        np.savez(
            _npz_path(path),
            **arrays,
            capacity=np.int64(self.capacity),
            observation_shape=np.array(self.observation_shape, dtype=np.int64),
            observation_dtype=np.array(self.observation_dtype.str),
            position=np.int64(self._position),
            size=np.int64(self._size),
            rng_state=_rng_state_to_array(self._rng),
        )

    @classmethod
    def load(cls, path) -> "ReplayBuffer":
        """Rebuild a buffer written by `save`, including where its random sampling left off."""
        with np.load(_npz_path(path), allow_pickle=False) as data:
            buffer = cls(
                int(data["capacity"]),
                tuple(int(size) for size in data["observation_shape"]),
                np.dtype(str(data["observation_dtype"])),
            )
            size = int(data["size"])
            for name, array in buffer._arrays().items():
                array[:size] = data[name]
            buffer._size = size
            buffer._position = int(data["position"])
            buffer._rng = _rng_from_array(data["rng_state"])
        return buffer
