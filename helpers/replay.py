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

from helpers import checks


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


class NStepBatch(typing.NamedTuple):
    """A sampled batch of n-step transitions (AtariVectorReplayBuffer): Batch's fields, where
    rewards are the n-step returns, plus discounts: float32 (B,), gamma ** m for the m rewards
    summed, the factor before the bootstrap."""

    observations: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    next_observations: np.ndarray
    terminated: np.ndarray
    discounts: np.ndarray


# --------------------------------------------------------------------------- checks
def _check_shape(name: str, shape) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(f"{name} must be a tuple of ints such as (4,), got {shape!r}") from None
    for size in shape:
        checks.check_int(f"every entry of {name}", size)
    return tuple(int(size) for size in shape)


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
    batch_size = checks.check_int("batch_size", batch_size)
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


def _announce_memory(kind: str, capacity: int, needed: int, check_memory: bool, verbose: bool) -> None:
    """Say how much memory a frame buffer of `capacity` transitions takes (when verbose) and,
    with check_memory, raise MemoryError before allocating more than the machine has available."""
    per_transition = needed // capacity
    message = (f"{kind}: {capacity:,} transitions x {per_transition:,} bytes = {_format_bytes(needed)} "
               "(each frame stored once)")
    if check_memory:
        import psutil

        available = psutil.virtual_memory().available
        message += f", {_format_bytes(available)} available"
        if verbose:
            print(message)
        if needed > available:
            fitting = int(0.8 * available) // per_transition
            raise MemoryError(
                f"{kind}(capacity={capacity:,}) needs {_format_bytes(needed)} but only "
                f"{_format_bytes(available)} of memory is available. Use a smaller capacity "
                f"(about {fitting:,} fits), free memory, or pass check_memory=False to try anyway."
            )
    elif verbose:
        print(message)


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
        self.capacity = checks.check_int("capacity", capacity)
        self.observation_shape = _check_shape("observation_shape", observation_shape)
        try:
            self.observation_dtype = np.dtype(observation_dtype)
        except TypeError:
            raise TypeError(f"observation_dtype must be a numpy dtype, got {observation_dtype!r}") from None
        if self.observation_dtype.kind not in "biuf":
            raise TypeError(f"observation_dtype must be numeric, got {self.observation_dtype}")
        self._rng = checks.make_rng(seed)
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


# ---------------------------------------------------------------- Atari frames
_TERMINATED = np.uint8(1)
_TRUNCATED = np.uint8(2)


class AtariReplayBuffer:
    """Replay buffer for Atari that stores each frame once and rebuilds stacks when sampling.

    Feed it the way the environment produces frames, one episode after another:

    >>> buffer = AtariReplayBuffer(capacity=100_000, seed=0)
    >>> buffer.start_episode(first_frame)               # the reset frame, (84, 84) uint8
    >>> buffer.add(action, reward, next_frame, terminated, truncated)   # after each step
    >>> batch = buffer.sample(32)    # observations, next_observations: (32, 4, 84, 84) uint8

    With a frame-stacking environment, `first_frame` is `observation[-1]` of the reset
    observation and `next_frame` is `next_observation[-1]`.

    Layout: slot i holds one frame plus the action, reward and end flags of the
    transition that *produced* that frame, and how many frames of the same episode
    precede it (capped at `stack_size`). A transition is identified by the slot of its
    next frame; its state is the stack ending one slot earlier. The first frames of an
    episode are padded by repeating the episode's first frame, exactly as
    `gymnasium.wrappers.FrameStackObservation(padding_type="reset")` pads them, so
    stacks never mix two episodes. A sampled transition never reads a slot that was
    overwritten since or not yet written, and the reset frame of an episode is never
    taken as the next frame of the previous episode's last transition (that one, if
    truncated, bootstraps from its own next frame, which is stored).

    Memory: `bytes_needed(capacity)` is 7,063 bytes per transition for 84x84 frames
    (7,056 for the frame, 1 action, 4 reward, 1 flags, 1 episode position). The
    constructor prints it before allocating and raises MemoryError when the machine
    does not have that much available (`check_memory=False` skips the check).

    Actions are stored as uint8 (0..255; Atari has at most 18). Sampling is uniform
    with replacement over all valid transitions. `len(buffer)` counts them.
    """

    def __init__(self, capacity, frame_shape=(84, 84), stack_size=4, seed=None, check_memory=True, verbose=True):
        self.capacity = checks.check_int("capacity", capacity)
        self.frame_shape = _check_shape("frame_shape", frame_shape)
        self.stack_size = checks.check_int("stack_size", stack_size, maximum=255)
        if self.capacity <= self.stack_size:
            raise ValueError(
                f"capacity must be larger than stack_size={self.stack_size} so that one transition "
                f"(stack_size + 1 frames) fits, got capacity={self.capacity}"
            )
        self._rng = checks.make_rng(seed)
        _announce_memory("AtariReplayBuffer", self.capacity,
                         self.bytes_needed(self.capacity, self.frame_shape, self.stack_size), check_memory, verbose)
        self._frames = np.zeros((self.capacity, *self.frame_shape), dtype=np.uint8)
        self._actions = np.zeros(self.capacity, dtype=np.uint8)
        self._rewards = np.zeros(self.capacity, dtype=np.float32)
        self._flags = np.zeros(self.capacity, dtype=np.uint8)  # bit 0 terminated, bit 1 truncated
        self._steps = np.zeros(self.capacity, dtype=np.uint8)  # frames of the episode before this one, capped
        self._position = 0  # next slot to write
        self._written = 0  # slots holding data (<= capacity)
        self._num_starts = 0  # written slots that are episode starts (no transition ends there)
        self._episode = "none"  # "none": never started; "open": add() allowed; "ended": needs start_episode
        self._episode_steps = 0  # frames of the current episode written before the newest one

    # ------------------------------------------------------------------ sizes
    @staticmethod
    def bytes_needed(capacity, frame_shape=(84, 84), stack_size=4) -> int:
        """Bytes the buffer's arrays take for `capacity` transitions (stack_size does not matter)."""
        capacity = checks.check_int("capacity", capacity)
        frame_shape = _check_shape("frame_shape", frame_shape)
        checks.check_int("stack_size", stack_size, maximum=255)
        frame_bytes = int(np.prod(frame_shape, dtype=np.int64))
        per_slot = frame_bytes + 1 + 4 + 1 + 1  # frame, action uint8, reward float32, flags, steps
        return capacity * per_slot

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffer's arrays."""
        return sum(array.nbytes for array in self._arrays().values())

    def _arrays(self) -> dict[str, np.ndarray]:
        return {
            "frames": self._frames,
            "actions": self._actions,
            "rewards": self._rewards,
            "flags": self._flags,
            "steps": self._steps,
        }

    def __len__(self) -> int:
        """Number of transitions that can be sampled."""
        transitions = self._written - self._num_starts
        if self._written == self.capacity:  # the oldest slots may have lost their history
            oldest = np.arange(self._written - self.stack_size, self._written)
            slots = (self._position - 1 - oldest) % self.capacity
            steps = self._steps[slots].astype(np.int64)
            transitions -= int(np.count_nonzero((steps >= 1) & (oldest + steps >= self._written)))
        return transitions

    def __repr__(self) -> str:
        return (
            f"AtariReplayBuffer(capacity={self.capacity}, frame_shape={self.frame_shape}, "
            f"stack_size={self.stack_size}, stored={len(self)})"
        )

    # ------------------------------------------------------------- releasing
    def release(self) -> None:
        """Free the buffer's memory now, even while something still refers to the buffer.

        A notebook cell that is interrupted and run again would otherwise allocate a
        second multi-GB buffer while the first one is still referenced (by the old
        variable, or by the interrupted call's traceback). After `release()` the buffer
        is empty and holds no memory; adding to it or sampling from it raises.
        """
        empty = (0, *self.frame_shape)
        self._frames = np.zeros(empty, dtype=np.uint8)
        for name in ("_actions", "_rewards", "_flags", "_steps"):
            setattr(self, name, np.zeros(0, dtype=getattr(self, name).dtype))
        self._position = self._written = self._num_starts = self._episode_steps = 0
        self._episode = "released"

    @property
    def released(self) -> bool:
        """True after `release()`."""
        return self._episode == "released"

    # ----------------------------------------------------------------- adding
    def _check_not_released(self) -> None:
        if self.released:
            raise ValueError("this AtariReplayBuffer was released (its memory freed); create a new one")

    def _check_frame(self, name: str, frame) -> np.ndarray:
        frame = np.asarray(frame)
        if frame.shape != self.frame_shape:
            hint = ""
            if frame.shape == (self.stack_size, *self.frame_shape):
                hint = f" (this looks like a stack of frames: pass only the newest one, {name}[-1])"
            raise ValueError(f"{name} must be one frame of shape {self.frame_shape}, got {frame.shape}{hint}")
        if frame.dtype != np.uint8:
            raise TypeError(f"{name} must be a uint8 frame (grey levels 0..255), got dtype {frame.dtype}")
        return frame

    def _write(self, frame, steps: int, action: int = 0, reward: float = 0.0, flags=0) -> None:
        slot = self._position
        if self._written == self.capacity and self._steps[slot] == 0:
            self._num_starts -= 1  # an episode start is overwritten
        self._frames[slot] = frame
        self._actions[slot] = action
        self._rewards[slot] = reward
        self._flags[slot] = flags
        self._steps[slot] = steps
        if steps == 0:
            self._num_starts += 1
        self._position = (slot + 1) % self.capacity
        self._written = min(self._written + 1, self.capacity)

    def start_episode(self, first_frame) -> None:
        """Begin an episode with its reset frame, (84, 84) uint8.

        Starting a new episode while one is still open simply leaves the open one
        without a terminal flag (its last transition bootstraps, like a truncation).
        """
        self._check_not_released()
        first_frame = self._check_frame("first_frame", first_frame)
        if self._episode == "open" and self._episode_steps == 0:
            # the previous episode has no transition yet: replace its start frame
            self._frames[(self._position - 1) % self.capacity] = first_frame
            return
        self._write(first_frame, steps=0)
        self._episode = "open"
        self._episode_steps = 0

    def add(self, action, reward, next_frame, terminated, truncated=False) -> None:
        """Store the step that produced `next_frame` ((84, 84) uint8) in the open episode.

        After `terminated` or `truncated` the episode is closed: call `start_episode`
        with the new reset frame before the next `add`.
        """
        self._check_not_released()
        if self._episode != "open":
            if self._episode == "none":
                raise ValueError("call start_episode(first_frame) with the reset frame before add()")
            raise ValueError(
                "the episode has ended (terminated or truncated); call start_episode(first_frame) "
                "with the frame of the new reset before add()"
            )
        action = _check_action(action)
        if not 0 <= action <= 255:
            raise ValueError(f"action must be in 0..255 (stored as uint8), got {action}")
        reward = _check_reward(reward)
        terminated = _check_flag("terminated", terminated)
        truncated = _check_flag("truncated", truncated)
        next_frame = self._check_frame("next_frame", next_frame)
        self._episode_steps += 1
        flags = (_TERMINATED if terminated else 0) | (_TRUNCATED if truncated else 0)
        self._write(next_frame, min(self._episode_steps, self.stack_size), action, reward, flags)
        if terminated or truncated:
            self._episode = "ended"

    # --------------------------------------------------------------- sampling
    def _valid(self, slots: np.ndarray) -> np.ndarray:
        """Whether the transition whose next frame is in `slots` can be sampled."""
        steps = self._steps[slots].astype(np.int64)
        age = (self._position - 1 - slots) % self.capacity  # 0 = newest slot
        # the oldest slot read is slots - steps (steps is capped at stack_size)
        return (steps >= 1) & (age + steps < self._written)

    def sample(self, batch_size) -> Batch:
        """A uniform random batch (with replacement) of valid transitions.

        observations and next_observations are (batch_size, stack_size, *frame_shape)
        uint8, oldest frame first; actions int64, rewards float32, terminated float32.
        """
        self._check_not_released()
        batch_size = _check_batch_size(batch_size, len(self), "Atari replay buffer")
        slots = self._rng.integers(0, self._written, size=batch_size)
        for _ in range(64):  # rejection sampling keeps the draw uniform over valid slots
            invalid = ~self._valid(slots)
            if not invalid.any():
                break
            slots[invalid] = self._rng.integers(0, self._written, size=int(invalid.sum()))
        else:  # pathological (almost all slots invalid): draw from the explicit list
            valid_slots = np.flatnonzero(self._valid(np.arange(self._written)))
            invalid = ~self._valid(slots)
            slots[invalid] = self._rng.choice(valid_slots, size=int(invalid.sum()))
        return self._gather(slots)

    def _gather(self, slots: np.ndarray) -> Batch:
        steps = self._steps[slots].astype(np.int64)
        offsets = np.arange(self.stack_size, -1, -1)  # stack_size ... 0, oldest first
        window = (slots[:, None] - np.minimum(offsets[None, :], steps[:, None])) % self.capacity
        # one gather into one new array (2, batch, stack, *frame): two separate large
        # allocations per call make glibc return and re-fault the pages each time (5x slower)
        stacks = self._frames[np.stack([window[:, :-1], window[:, 1:]])]
        return Batch(
            observations=stacks[0],
            actions=self._actions[slots].astype(np.int64),
            rewards=self._rewards[slots],
            next_observations=stacks[1],
            terminated=(self._flags[slots] & _TERMINATED).astype(np.float32),
        )

    # ------------------------------------------------------------ save / load
    def save(self, path) -> None:
        """Write frames, side arrays, cursor, episode state and random state to `path` (.npz)."""
        self._check_not_released()
        arrays = {name: array[: self._written] for name, array in self._arrays().items()}
        np.savez(
            _npz_path(path),
            **arrays,
            capacity=np.int64(self.capacity),
            frame_shape=np.array(self.frame_shape, dtype=np.int64),
            stack_size=np.int64(self.stack_size),
            position=np.int64(self._position),
            written=np.int64(self._written),
            num_starts=np.int64(self._num_starts),
            episode=np.array(self._episode),
            episode_steps=np.int64(self._episode_steps),
            rng_state=_rng_state_to_array(self._rng),
        )

    @classmethod
    def load(cls, path, check_memory=True, verbose=True) -> "AtariReplayBuffer":
        """Rebuild a buffer written by `save`; adding and sampling continue where they left off."""
        with np.load(_npz_path(path), allow_pickle=False) as data:
            buffer = cls(
                int(data["capacity"]),
                tuple(int(size) for size in data["frame_shape"]),
                int(data["stack_size"]),
                check_memory=check_memory,
                verbose=verbose,
            )
            written = int(data["written"])
            for name, array in buffer._arrays().items():
                array[:written] = data[name]
            buffer._written = written
            buffer._position = int(data["position"])
            buffer._num_starts = int(data["num_starts"])
            buffer._episode = str(data["episode"])
            buffer._episode_steps = int(data["episode_steps"])
            buffer._rng = _rng_from_array(data["rng_state"])
        return buffer


# ------------------------------------------------------ Atari, N games at once
_LAST = np.uint8(4)  # the slot holds an episode's final observation: no action was taken there
_FIRST = np.uint8(8)  # the slot holds an episode's first observation: older frames are padding


class AtariVectorReplayBuffer:
    """Replay buffer for N Atari games stepped together, with n-step returns; each frame stored once.

    Feed it after every step of a vector environment whose observations are stacks
    (N, stack_size, 84, 84) uint8, oldest frame first, zero-padded at an episode's start
    (as `helpers.envs.make_atari_vector_env` returns them):

    >>> buffer = AtariVectorReplayBuffer(capacity=100_000, num_envs=8, n_step=3, gamma=0.99, seed=0)
    >>> next_observations, rewards, terminated, truncated, info = env.step(actions)
    >>> buffer.add(observations, actions, rewards, terminated, truncated)  # observations: before the step
    >>> batch = buffer.sample(32)

    The environment resets a finished game on the step after its end ("next step"
    autoreset): that step's observation is the game's final one and its action is
    ignored. `add` recognises it (the game ended on the previous call), stores the final
    observation's frame, which a truncated transition bootstraps from, and starts a new
    episode on the next call.

    Each game has its own circular stream of `capacity // num_envs` slots. Slot t holds
    the newest frame of the observation o_t, the action a_t taken there, the reward
    r_t it earned and whether the episode ended with that step. A sampled transition is
    the n-step return from o_t:

        G = r_t + gamma r_{t+1} + ... + gamma^(m-1) r_{t+m-1},  next state o_{t+m},
        discount = gamma^m

    where m = n, or fewer when the episode ends earlier: a terminated episode (or a
    lost life, `life_lost`) stops the sum with `terminated` = 1 (no bootstrap); a
    truncated one (a time limit) stops the sum but still bootstraps from the final
    observation, because the game did not really end there. The DQN target is then
    `G + discount * (1 - terminated) * max_a Q(o_{t+m}, a)`. A lost life ends the sum
    but not the episode: frames keep stacking across it, as the game goes on.

    Memory: 7,062 bytes per slot for 84x84 frames (frame, action, reward, flags).
    Sampling is uniform with replacement over the transitions whose n next steps are
    stored and whose stack frames have not been overwritten; `len(buffer)` counts them.
    """

    def __init__(self, capacity, num_envs, n_step=1, gamma=0.99, frame_shape=(84, 84), stack_size=4,
                 seed=None, check_memory=True, verbose=True):
        self.num_envs = checks.check_int("num_envs", num_envs)
        self.n_step = checks.check_int("n_step", n_step, minimum=1)
        if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.integer, np.floating)):
            raise TypeError(f"gamma must be a number in [0, 1], got {gamma!r}")
        if not 0.0 <= float(gamma) <= 1.0:
            raise ValueError(f"gamma must be in [0, 1], got {gamma}")
        self.gamma = float(gamma)
        self.frame_shape = _check_shape("frame_shape", frame_shape)
        self.stack_size = checks.check_int("stack_size", stack_size, maximum=255)
        capacity = checks.check_int("capacity", capacity)
        self.slots_per_env = capacity // self.num_envs
        if self.slots_per_env < self.stack_size + self.n_step + 1:
            raise ValueError(
                f"capacity={capacity:,} gives {self.slots_per_env} slots to each of the {self.num_envs} games; "
                f"one n-step transition needs stack_size + n_step + 1 = {self.stack_size + self.n_step + 1} of them"
            )
        self.capacity = self.slots_per_env * self.num_envs
        self._rng = checks.make_rng(seed)
        _announce_memory("AtariVectorReplayBuffer", self.capacity,
                         self.bytes_needed(self.capacity, self.frame_shape), check_memory, verbose)
        shape = (self.num_envs, self.slots_per_env)
        self._frames = np.zeros((*shape, *self.frame_shape), dtype=np.uint8)
        self._actions = np.zeros(shape, dtype=np.uint8)
        self._rewards = np.zeros(shape, dtype=np.float32)
        self._flags = np.zeros(shape, dtype=np.uint8)
        self._count = 0  # steps added per game (every game gets one per add)
        self._ended = np.zeros(self.num_envs, dtype=bool)  # the previous add ended the game's episode
        self._first = np.ones(self.num_envs, dtype=bool)  # the next add starts an episode
        self._discounts = self.gamma ** np.arange(self.n_step + 1)

    @staticmethod
    def bytes_needed(capacity, frame_shape=(84, 84)) -> int:
        """Bytes the buffer's arrays take for `capacity` transitions."""
        capacity = checks.check_int("capacity", capacity)
        frame_shape = _check_shape("frame_shape", frame_shape)
        return capacity * (int(np.prod(frame_shape, dtype=np.int64)) + 1 + 4 + 1)

    @property
    def nbytes(self) -> int:
        """Bytes held by the buffer's arrays."""
        return sum(array.nbytes for array in self._arrays().values())

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"frames": self._frames, "actions": self._actions, "rewards": self._rewards, "flags": self._flags}

    def _sample_range(self) -> tuple[int, int]:
        """Logical step indices [low, high] a sampled transition may start at."""
        oldest = max(0, self._count - self.slots_per_env)
        return oldest + self.stack_size - 1, self._count - 1 - self.n_step

    def __len__(self) -> int:
        """Number of transitions that can be sampled."""
        low, high = self._sample_range()
        if high < low:
            return 0
        slots = np.arange(low, high + 1) % self.slots_per_env
        return int(np.count_nonzero((self._flags[:, slots] & _LAST) == 0))

    def __repr__(self) -> str:
        return (
            f"AtariVectorReplayBuffer(capacity={self.capacity}, num_envs={self.num_envs}, n_step={self.n_step}, "
            f"gamma={self.gamma}, stored={len(self)})"
        )

    def release(self) -> None:
        """Free the buffer's memory now (a re-run notebook cell would otherwise hold two buffers)."""
        self._frames = np.zeros((self.num_envs, 0, *self.frame_shape), dtype=np.uint8)
        for name in ("_actions", "_rewards", "_flags"):
            setattr(self, name, np.zeros((self.num_envs, 0), dtype=getattr(self, name).dtype))
        self._count = 0
        self.slots_per_env = 0

    @property
    def released(self) -> bool:
        """True after `release()`."""
        return self.slots_per_env == 0

    # ----------------------------------------------------------------- adding
    def _check_batch(self, name, value, dtype_kinds, dtype_hint):
        array = np.asarray(value)
        if array.shape != (self.num_envs,):
            raise ValueError(f"{name} must have shape ({self.num_envs},), one entry per game, got {array.shape}")
        if array.dtype.kind not in dtype_kinds:
            raise TypeError(f"{name} must be {dtype_hint}, got dtype {array.dtype}")
        return array

    def add(self, observations, actions, rewards, terminated, truncated, life_lost=None) -> None:
        """Store one step of all N games: `observations` are those the `actions` were taken in.

        observations: (N, stack_size, *frame_shape) uint8; actions: ints in 0..255; rewards:
        floats (clip them first if you train on clipped rewards); terminated, truncated and
        life_lost (optional): bools, as the environment's step returned them.
        """
        if self.released:
            raise ValueError("this AtariVectorReplayBuffer was released (its memory freed); create a new one")
        observations = np.asarray(observations)
        expected = (self.num_envs, self.stack_size, *self.frame_shape)
        if observations.shape != expected:
            raise ValueError(f"observations must have shape {expected} (games, stack, height, width), "
                             f"got {observations.shape}")
        if observations.dtype != np.uint8:
            raise TypeError(f"observations must be uint8 frames, got dtype {observations.dtype}")
        actions = self._check_batch("actions", actions, "iu", "integer action indices")
        if actions.size and (actions.min() < 0 or actions.max() > 255):
            raise ValueError(f"actions must be in 0..255 (stored as uint8), got {actions}")
        rewards = self._check_batch("rewards", rewards, "biuf", "numbers")
        if not np.all(np.isfinite(rewards)):
            raise ValueError(f"rewards must be finite, got {rewards}")
        terminated = self._check_batch("terminated", terminated, "b", "bools").astype(bool)
        truncated = self._check_batch("truncated", truncated, "b", "bools").astype(bool)
        if life_lost is None:
            life_lost = np.zeros(self.num_envs, dtype=bool)
        life_lost = self._check_batch("life_lost", life_lost, "b", "bools").astype(bool)

        live = ~self._ended  # where a real step was taken (not the reset after an episode's end)
        flags = np.where(self._ended, _LAST, 0).astype(np.uint8)
        flags |= np.where(self._first & live, _FIRST, 0).astype(np.uint8)
        flags |= np.where(live & (terminated | life_lost), _TERMINATED, 0).astype(np.uint8)
        flags |= np.where(live & truncated & ~terminated, _TRUNCATED, 0).astype(np.uint8)
        slot = self._count % self.slots_per_env
        self._frames[:, slot] = observations[:, -1]
        self._actions[:, slot] = np.where(live, actions, 0)
        self._rewards[:, slot] = np.where(live, rewards, 0.0)
        self._flags[:, slot] = flags
        self._first = self._ended.copy()  # after an episode's final observation comes a new one's first
        self._ended = live & (terminated | truncated)
        self._count += 1

    # --------------------------------------------------------------- sampling
    def sample(self, batch_size) -> NStepBatch:
        """A uniform random batch (with replacement) of n-step transitions.

        observations, next_observations: (batch_size, stack_size, *frame_shape) uint8;
        actions int64; rewards float32 (the n-step return G); terminated float32;
        discounts float32 (gamma ** m, m the number of rewards summed).
        """
        if self.released:
            raise ValueError("this AtariVectorReplayBuffer was released (its memory freed); create a new one")
        batch_size = _check_batch_size(batch_size, len(self), "Atari vector replay buffer")
        low, high = self._sample_range()
        games = self._rng.integers(0, self.num_envs, size=batch_size)
        starts = self._rng.integers(low, high + 1, size=batch_size)
        for _ in range(64):  # rejection keeps the draw uniform over valid transitions
            invalid = (self._flags[games, starts % self.slots_per_env] & _LAST) != 0
            if not invalid.any():
                break
            games[invalid] = self._rng.integers(0, self.num_envs, size=int(invalid.sum()))
            starts[invalid] = self._rng.integers(low, high + 1, size=int(invalid.sum()))
        else:  # pragma: no cover - needs almost nothing but episode ends in the buffer
            raise RuntimeError("could not draw valid transitions; the buffer holds almost only episode ends")
        return self._gather(games, starts)

    def _gather(self, games: np.ndarray, starts: np.ndarray) -> NStepBatch:
        size = self.slots_per_env
        window = (starts[:, None] + np.arange(self.n_step)[None, :]) % size  # (B, n)
        flags = self._flags[games[:, None], window]
        stops = (flags & (_TERMINATED | _TRUNCATED)) != 0
        lengths = np.where(stops.any(axis=1), stops.argmax(axis=1) + 1, self.n_step)  # m
        summed = np.arange(self.n_step)[None, :] < lengths[:, None]
        rewards = (self._rewards[games[:, None], window] * summed * self._discounts[None, : self.n_step]).sum(axis=1)
        last_flags = flags[np.arange(len(starts)), lengths - 1]
        terminated = (last_flags & _TERMINATED) != 0
        # the two stacks, oldest frame first: slots s-3..s for s = start and s = start + m
        ends = np.stack([starts, starts + lengths])  # (2, B)
        offsets = np.arange(self.stack_size - 1, -1, -1)
        logical = ends[:, :, None] - offsets[None, None, :]  # (2, B, stack)
        slots = logical % size
        first = (self._flags[games[None, :, None], slots] & _FIRST) != 0
        # a frame belongs to the episode unless a newer frame of the stack starts an episode
        newer_first = np.flip(np.cumsum(np.flip(first, axis=-1), axis=-1), axis=-1) - first
        stacks = self._frames[games[None, :, None], slots]
        stacks[newer_first > 0] = 0
        return NStepBatch(
            observations=stacks[0],
            actions=self._actions[games, starts % size].astype(np.int64),
            rewards=rewards.astype(np.float32),
            next_observations=stacks[1],
            terminated=terminated.astype(np.float32),
            discounts=self._discounts[lengths].astype(np.float32),
        )

    # ------------------------------------------------------------ save / load
    def save(self, path) -> None:
        """Write the arrays, the cursor, the episode state and the random state to `path` (.npz)."""
        written = min(self._count, self.slots_per_env)
        np.savez(
            _npz_path(path),
            **{name: array[:, :written] for name, array in self._arrays().items()},
            capacity=np.int64(self.capacity), num_envs=np.int64(self.num_envs), n_step=np.int64(self.n_step),
            gamma=np.float64(self.gamma), frame_shape=np.array(self.frame_shape, dtype=np.int64),
            stack_size=np.int64(self.stack_size), count=np.int64(self._count), ended=self._ended,
            first=self._first, rng_state=_rng_state_to_array(self._rng),
        )

    @classmethod
    def load(cls, path, check_memory=True, verbose=True) -> "AtariVectorReplayBuffer":
        """Rebuild a buffer written by `save`; adding and sampling continue where they left off."""
        with np.load(_npz_path(path), allow_pickle=False) as data:
            buffer = cls(int(data["capacity"]), int(data["num_envs"]), int(data["n_step"]), float(data["gamma"]),
                         tuple(int(size) for size in data["frame_shape"]), int(data["stack_size"]),
                         check_memory=check_memory, verbose=verbose)
            for name, array in buffer._arrays().items():
                array[:, : data[name].shape[1]] = data[name]
            buffer._count = int(data["count"])
            buffer._ended = data["ended"].copy()
            buffer._first = data["first"].copy()
            buffer._rng = _rng_from_array(data["rng_state"])
        return buffer
