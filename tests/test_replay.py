"""Tests of helpers.replay: the vector buffer and the frame-once Atari buffer."""

from __future__ import annotations

import types

import gymnasium
import numpy as np
import pytest

from helpers import replay


# ===================================================================== ReplayBuffer
def fill_vector_buffer(buffer, count, start=0):
    for index in range(start, start + count):
        observation = np.full(buffer.observation_shape, index, dtype=np.float32)
        buffer.add(observation, index % 3, float(index), observation + 1, index % 5 == 4, index % 7 == 6)


def test_vector_buffer_shapes_and_dtypes():
    buffer = replay.ReplayBuffer(100, (4,), seed=0)
    fill_vector_buffer(buffer, 10)
    assert len(buffer) == 10 and buffer.capacity == 100
    batch = buffer.sample(8)
    assert isinstance(batch, replay.Batch)
    assert batch.observations.shape == (8, 4) and batch.observations.dtype == np.float32
    assert batch.next_observations.shape == (8, 4) and batch.next_observations.dtype == np.float32
    assert batch.actions.shape == (8,) and batch.actions.dtype == np.int64
    assert batch.rewards.dtype == np.float32 and batch.terminated.dtype == np.float32
    # each row is one stored transition
    index = batch.observations[:, 0].astype(int)
    np.testing.assert_array_equal(batch.next_observations, batch.observations + 1)
    np.testing.assert_array_equal(batch.actions, index % 3)
    np.testing.assert_array_equal(batch.rewards, index.astype(np.float32))
    # truncation does not count as terminal: only index % 5 == 4 is
    np.testing.assert_array_equal(batch.terminated, (index % 5 == 4).astype(np.float32))
    assert buffer.nbytes == 100 * (4 * 4 * 2 + 8 + 4 + 4)


def test_vector_buffer_wraps_around_and_keeps_the_newest():
    buffer = replay.ReplayBuffer(5, (2,), seed=0)
    fill_vector_buffer(buffer, 12)
    assert len(buffer) == 5
    seen = {int(value) for _ in range(20) for value in buffer.sample(5).observations[:, 0]}
    assert seen == {7, 8, 9, 10, 11}


def test_vector_buffer_errors():
    buffer = replay.ReplayBuffer(10, (4,))
    with pytest.raises(ValueError, match="empty"):
        buffer.sample(1)
    fill_vector_buffer(buffer, 3)
    with pytest.raises(ValueError, match="larger than the 3 transitions"):
        buffer.sample(4)
    with pytest.raises(ValueError):
        buffer.sample(0)
    with pytest.raises(TypeError):
        buffer.sample(2.0)
    good = np.zeros(4, np.float32)
    with pytest.raises(ValueError, match="shape"):
        buffer.add(np.zeros(3), 0, 0.0, good, False)
    with pytest.raises(ValueError, match="shape"):
        buffer.add(good, 0, 0.0, np.zeros((4, 1)), False)
    with pytest.raises(TypeError, match="dtype"):
        buffer.add(np.array(["a"] * 4), 0, 0.0, good, False)
    with pytest.raises(TypeError, match="action"):
        buffer.add(good, 0.5, 0.0, good, False)
    with pytest.raises(ValueError, match="finite"):
        buffer.add(good, 0, float("nan"), good, False)
    with pytest.raises(TypeError, match="terminated"):
        buffer.add(good, 0, 0.0, good, "no")
    with pytest.raises(TypeError):
        replay.ReplayBuffer(10.0, (4,))
    with pytest.raises(ValueError):
        replay.ReplayBuffer(0, (4,))
    frames = replay.ReplayBuffer(10, (2, 2), observation_dtype=np.uint8)
    with pytest.raises(TypeError, match="uint8"):
        frames.add(np.zeros((2, 2), np.float32), 0, 0.0, np.zeros((2, 2), np.uint8), False)
    # numpy scalars and float64 observations are fine
    buffer.add(np.zeros(4), np.int64(1), np.float32(0.5), np.ones(4), np.bool_(True))


def test_vector_buffer_save_and_load(tmp_path):
    buffer = replay.ReplayBuffer(8, (3,), seed=5)
    fill_vector_buffer(buffer, 11)
    buffer.save(tmp_path / "buffer.npz")
    loaded = replay.ReplayBuffer.load(tmp_path / "buffer.npz")
    assert len(loaded) == len(buffer) and loaded.capacity == 8
    for original, restored in zip(buffer.sample(6), loaded.sample(6)):
        np.testing.assert_array_equal(original, restored)
    fill_vector_buffer(buffer, 2, start=11)
    fill_vector_buffer(loaded, 2, start=11)
    for original, restored in zip(buffer.sample(8), loaded.sample(8)):
        np.testing.assert_array_equal(original, restored)


# ================================================================ AtariReplayBuffer
SMALL = (2, 3)  # a small frame shape keeps the tests fast; the logic is the same for 84x84


def frame(value, shape=SMALL):
    return np.full(shape, value, dtype=np.uint8)


def sample_many(buffer, rounds):
    """`rounds` batches of len(buffer) samples, concatenated into one Batch."""
    batches = [buffer.sample(len(buffer)) for _ in range(rounds)]
    return replay.Batch(*(np.concatenate(field) for field in zip(*batches)))


def stack_values(stacks):
    """The value of each frame of a batch of constant frames: (batch, stack)."""
    return stacks[:, :, 0, 0].astype(int)


def test_atari_buffer_pads_episode_starts_with_the_first_frame():
    buffer = replay.AtariReplayBuffer(50, frame_shape=SMALL, stack_size=4, seed=0, verbose=False)
    buffer.start_episode(frame(10))
    for value in range(11, 16):
        buffer.add(value, 1.0, frame(value), False, False)
    assert len(buffer) == 5
    expected = {
        11: ([10, 10, 10, 10], [10, 10, 10, 11]),
        12: ([10, 10, 10, 11], [10, 10, 11, 12]),
        13: ([10, 10, 11, 12], [10, 11, 12, 13]),
        14: ([10, 11, 12, 13], [11, 12, 13, 14]),
        15: ([11, 12, 13, 14], [12, 13, 14, 15]),
    }
    batch = sample_many(buffer, 20)
    for observation, action, next_observation in zip(
        stack_values(batch.observations), batch.actions, stack_values(batch.next_observations)
    ):
        assert (list(observation), list(next_observation)) == expected[int(action)]
    assert set(batch.actions.tolist()) == set(expected)


def test_atari_buffer_terminated_truncated_and_episode_boundaries():
    buffer = replay.AtariReplayBuffer(100, frame_shape=SMALL, stack_size=4, seed=1, verbose=False)
    buffer.start_episode(frame(1))
    buffer.add(0, 0.0, frame(2), False, False)
    buffer.add(1, 1.0, frame(3), False, True)  # time limit: bootstrap from frame 3
    buffer.start_episode(frame(50))  # a new episode: its reset frame follows frame 3 in memory
    assert len(buffer) == 2  # the reset frame is not the next state of anything
    buffer.add(2, -1.0, frame(51), True, False)
    buffer.start_episode(frame(80))
    assert len(buffer) == 3
    batch = sample_many(buffer, 60)
    for observation, action, next_observation, terminated in zip(
        stack_values(batch.observations), batch.actions, stack_values(batch.next_observations), batch.terminated
    ):
        if action == 1:  # truncated: terminated stays 0, next state is the episode's own frame
            assert terminated == 0.0 and list(next_observation) == [1, 1, 2, 3]
        elif action == 2:  # terminated, and its stacks hold only the second episode's frames
            assert terminated == 1.0
            assert list(observation) == [50] * 4 and list(next_observation) == [50, 50, 50, 51]
        else:
            assert terminated == 0.0 and list(next_observation) == [1, 1, 1, 2]
        assert 50 not in observation or 1 not in observation
        assert 80 not in next_observation
    assert set(batch.actions.tolist()) == {0, 1, 2}


def test_atari_buffer_never_reads_overwritten_slots():
    buffer = replay.AtariReplayBuffer(10, frame_shape=SMALL, stack_size=4, seed=0, verbose=False)
    buffer.start_episode(frame(11))
    for value in range(12, 22):  # 11 frames of one episode in 10 slots: frame 11 is gone
        buffer.add(value, 0.0, frame(value), False, False)
    # transitions to frames 12..15 need frame 11 (or its padding); 16..21 are intact
    assert len(buffer) == 6
    batch = sample_many(buffer, 30)
    assert set(batch.actions.tolist()) == set(range(16, 22))
    for observation, action in zip(stack_values(batch.observations), batch.actions):
        assert list(observation) == list(range(action - 4, action))


def test_atari_buffer_errors():
    buffer = replay.AtariReplayBuffer(20, frame_shape=SMALL, stack_size=4, verbose=False)
    with pytest.raises(ValueError, match="start_episode"):
        buffer.add(0, 0.0, frame(1), False, False)
    with pytest.raises(ValueError, match="empty"):
        buffer.sample(1)
    buffer.start_episode(frame(0))
    with pytest.raises(ValueError, match="empty"):  # a reset frame alone is no transition
        buffer.sample(1)
    buffer.add(0, 0.0, frame(1), False, False)
    with pytest.raises(ValueError, match="larger than the 1 transitions"):
        buffer.sample(2)
    with pytest.raises(ValueError, match="newest one"):  # a whole stack instead of a frame
        buffer.add(0, 0.0, np.zeros((4, *SMALL), np.uint8), False, False)
    with pytest.raises(ValueError, match="shape"):
        buffer.start_episode(np.zeros((3, 3), np.uint8))
    with pytest.raises(TypeError, match="uint8"):
        buffer.add(0, 0.0, np.zeros(SMALL, np.float32), False, False)
    with pytest.raises(TypeError, match="action"):
        buffer.add(1.0, 0.0, frame(1), False, False)
    with pytest.raises(ValueError, match="0..255"):
        buffer.add(256, 0.0, frame(1), False, False)
    with pytest.raises(ValueError, match="finite"):
        buffer.add(0, float("inf"), frame(1), False, False)
    with pytest.raises(TypeError, match="truncated"):
        buffer.add(0, 0.0, frame(1), False, None)
    buffer.add(0, 0.0, frame(2), True, False)
    with pytest.raises(ValueError, match="episode has ended"):
        buffer.add(0, 0.0, frame(3), False, False)
    assert len(buffer) == 2  # failed calls stored nothing
    with pytest.raises(ValueError, match="capacity"):
        replay.AtariReplayBuffer(4, stack_size=4, check_memory=False, verbose=False)
    with pytest.raises(TypeError):
        replay.AtariReplayBuffer("100", verbose=False)


def test_atari_buffer_restarting_an_empty_episode_replaces_its_reset_frame():
    buffer = replay.AtariReplayBuffer(20, frame_shape=SMALL, stack_size=3, seed=0, verbose=False)
    buffer.start_episode(frame(1))
    buffer.start_episode(frame(2))  # e.g. a reset before any step
    buffer.add(7, 0.0, frame(3), False, False)
    assert len(buffer) == 1
    batch = buffer.sample(1)
    assert stack_values(batch.observations).tolist() == [[2, 2, 2]]
    assert stack_values(batch.next_observations).tolist() == [[2, 2, 3]]


def test_atari_buffer_default_shapes():
    buffer = replay.AtariReplayBuffer(1000, seed=0, verbose=False)
    rng = np.random.default_rng(0)
    buffer.start_episode(rng.integers(0, 256, (84, 84), dtype=np.uint8))
    for step in range(40):
        buffer.add(step % 6, 1.0, rng.integers(0, 256, (84, 84), dtype=np.uint8), False, False)
    batch = buffer.sample(32)
    assert batch.observations.shape == (32, 4, 84, 84) and batch.observations.dtype == np.uint8
    assert batch.next_observations.shape == (32, 4, 84, 84) and batch.next_observations.dtype == np.uint8
    assert batch.actions.dtype == np.int64 and batch.actions.shape == (32,)
    assert batch.rewards.dtype == np.float32 and batch.terminated.dtype == np.float32
    np.testing.assert_array_equal(batch.observations[:, 1:], batch.next_observations[:, :-1])


# ------------------------------------------------------------------------- memory
def test_atari_buffer_bytes_per_transition():
    limit = 7200  # bytes per transition at capacity 1,000,000, all arrays included
    capacity = 20_000
    buffer = replay.AtariReplayBuffer(capacity, seed=0, verbose=False)
    allocated = buffer.nbytes
    assert allocated == replay.AtariReplayBuffer.bytes_needed(capacity)
    assert allocated / capacity <= limit
    assert replay.AtariReplayBuffer.bytes_needed(1_000_000) / 1_000_000 <= limit
    assert replay.AtariReplayBuffer.bytes_needed(1_000_000) >= 1_000_000 * 84 * 84  # frames alone


def test_atari_buffer_states_its_memory_and_refuses_what_does_not_fit(monkeypatch, capsys):
    replay.AtariReplayBuffer(100, seed=0)
    printed = capsys.readouterr().out
    assert "AtariReplayBuffer: 100 transitions x 7,063 bytes = 706.30 KB" in printed
    import psutil

    monkeypatch.setattr(psutil, "virtual_memory", lambda: types.SimpleNamespace(available=1_000_000))
    with pytest.raises(MemoryError, match="smaller capacity"):
        replay.AtariReplayBuffer(1_000_000)
    assert "7.06 GB" in capsys.readouterr().out  # said before refusing
    small = replay.AtariReplayBuffer(100, check_memory=False, verbose=False)  # no check, small anyway
    assert small.nbytes == replay.AtariReplayBuffer.bytes_needed(100)


# ---------------------------------------------------------------------- save/load
def test_atari_buffer_save_and_load(tmp_path):
    rng = np.random.default_rng(3)
    buffer = replay.AtariReplayBuffer(30, frame_shape=SMALL, stack_size=4, seed=9, verbose=False)
    for episode in range(4):
        buffer.start_episode(frame(rng.integers(0, 256)))
        for step in range(9):
            buffer.add(step, 0.5, frame(rng.integers(0, 256)), step == 8 and episode % 2 == 0, False)
    buffer.start_episode(frame(1))
    buffer.add(3, 0.0, frame(2), False, False)  # saved in the middle of an episode
    buffer.save(tmp_path / "atari")
    loaded = replay.AtariReplayBuffer.load(tmp_path / "atari", verbose=False)
    assert len(loaded) == len(buffer) and loaded.nbytes == buffer.nbytes
    for original, restored in zip(buffer.sample(10), loaded.sample(10)):
        np.testing.assert_array_equal(original, restored)
    for target in (buffer, loaded):
        target.add(4, 1.0, frame(3), True, False)
        target.start_episode(frame(4))
    for original, restored in zip(buffer.sample(20), loaded.sample(20)):
        np.testing.assert_array_equal(original, restored)


# ------------------------------------------------------- randomised reference test
class ScriptedFrames(gymnasium.Env):
    """A tiny env that replays prepared frames, so the real FrameStackObservation can stack them."""

    def __init__(self, shape):
        self.observation_space = gymnasium.spaces.Box(0, 255, shape, np.uint8)
        self.action_space = gymnasium.spaces.Discrete(256)
        self.episode = None

    def reset(self, *, seed=None, options=None):
        self.episode = list(options["frames"])
        return self.episode.pop(0), {}

    def step(self, action):
        return self.episode.pop(0), 0.0, False, False, {}


def key(observation, action, reward, next_observation, terminated):
    return (observation.tobytes(), int(action), float(reward), next_observation.tobytes(), float(terminated))


@pytest.mark.parametrize(
    "seed, capacity, stack_size",
    [(0, 7, 4), (1, 23, 4), (2, 60, 4), (3, 40, 2), (4, 15, 1), (5, 333, 4)],
)
def test_atari_buffer_matches_a_full_stack_reference(seed, capacity, stack_size):
    """Random episodes through the frame buffer and through gymnasium's own stacking.

    The reference keeps every transition with full stacks built by
    FrameStackObservation(padding_type="reset") and forgets a transition once one of its
    frames is older than the last `capacity` frames written. Every sample of the frame
    buffer must be one of the reference's live transitions, and both must hold the same
    number of them.
    """
    rng = np.random.default_rng(seed)
    shape = (2, 3)
    stacker = gymnasium.wrappers.FrameStackObservation(ScriptedFrames(shape), stack_size, padding_type="reset")
    buffer = replay.AtariReplayBuffer(capacity, frame_shape=shape, stack_size=stack_size, seed=seed, verbose=False)
    reference = []  # (oldest frame id read, key)
    frames_written = 0

    def make_frame(frame_id):  # frame id in the first two bytes, noise elsewhere
        values = rng.integers(0, 256, int(np.prod(shape)), dtype=np.uint8)
        values[0], values[1] = frame_id % 256, frame_id // 256
        return values.reshape(shape)

    def check():
        live = {entry_key for oldest, entry_key in reference if oldest >= frames_written - capacity}
        live_count = sum(1 for oldest, _ in reference if oldest >= frames_written - capacity)
        assert len(buffer) == live_count
        if live_count:
            batch = buffer.sample(min(live_count, 64))
            for row in zip(*batch):
                assert key(*row) in live

    for _ in range(60):
        length = int(rng.integers(1, 3 * stack_size + 3))  # shorter and longer than a stack
        episode_frames = [make_frame(frames_written + index) for index in range(length + 1)]
        observation, _ = stacker.reset(options={"frames": episode_frames})
        buffer.start_episode(episode_frames[0])
        first_id = frames_written
        frames_written += 1
        ending = rng.choice(["terminated", "truncated", "abandoned"], p=[0.45, 0.45, 0.1])
        for step in range(length):
            action = int(rng.integers(0, 18))
            reward = float(rng.integers(-1, 2))
            next_observation, *_ = stacker.step(action)
            last = step == length - 1
            terminated = bool(last and ending == "terminated")
            truncated = bool(last and ending == "truncated")
            buffer.add(action, reward, episode_frames[step + 1], terminated, truncated)
            frames_written += 1
            oldest = max(first_id, first_id + step + 1 - stack_size)
            reference.append((oldest, key(observation, action, reward, next_observation, terminated)))
            observation = next_observation
            if rng.random() < 0.2:
                check()
        check()
    assert frames_written > capacity  # wrapped around (several times for the small capacities)


def test_atari_buffer_matches_the_real_environment_wrapper():
    """Frames from a real Atari env, stacked by the env itself, against the buffer's stacks."""
    from helpers import envs

    env = envs.make_atari_env("Breakout", seed=0, training=True, frame_stack=4)
    buffer = replay.AtariReplayBuffer(1000, seed=0, verbose=False)
    observation, _ = env.reset(seed=0)
    buffer.start_episode(observation[-1])
    transitions = set()
    episodes = 1
    for _ in range(250):
        action = int(env.action_space.sample())
        next_observation, reward, terminated, truncated, _ = env.step(action)
        buffer.add(action, reward, next_observation[-1], terminated, truncated)
        transitions.add(key(observation, action, reward, next_observation, terminated))
        observation = next_observation
        if terminated or truncated:
            observation, _ = env.reset()
            assert all(np.array_equal(observation[0], plane) for plane in observation)  # reset padding
            buffer.start_episode(observation[-1])
            episodes += 1
    assert episodes >= 5  # several lives, so several episode starts
    assert len(buffer) == 250
    batch = buffer.sample(250)
    for row in zip(*batch):
        assert key(*row) in transitions
    env.close()


def test_atari_buffer_release_frees_the_memory_while_still_referenced():
    buffer = replay.AtariReplayBuffer(100, frame_shape=SMALL, stack_size=4, seed=0, verbose=False)
    frame = np.zeros(SMALL, dtype=np.uint8)
    buffer.start_episode(frame)
    for _ in range(10):
        buffer.add(0, 1.0, frame, False)
    still_referenced = [buffer]  # like an interrupted call's traceback
    buffer.release()
    assert still_referenced[0].released and buffer.nbytes == 0 and len(buffer) == 0
    with pytest.raises(ValueError, match="released"):
        buffer.sample(1)
    with pytest.raises(ValueError, match="released"):
        buffer.add(0, 1.0, frame, False)
    with pytest.raises(ValueError, match="released"):
        buffer.start_episode(frame)
