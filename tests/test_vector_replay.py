"""AtariVectorReplayBuffer: N games per add, n-step returns, each frame stored once.

The reference is brute force: a simulated vector environment with "next step"
autoreset (as ale-py's AtariVectorEnv) whose frames carry their own id, a log of every
step, and n-step targets computed by walking that log.
"""

import numpy as np
import pytest

from helpers import replay

FRAME_SHAPE = (1, 3)  # a frame is its id in base 256 (id 0 = the zero padding)


def encode(frame_id):
    return np.array([[frame_id // 65536, frame_id // 256 % 256, frame_id % 256]], dtype=np.uint8)


def decode(frame):
    frame = frame.astype(np.int64)
    return int(frame[0, 0] * 65536 + frame[0, 1] * 256 + frame[0, 2])


class FakeVectorGame:
    """N games, next-step autoreset, terminations, truncations and lost lives at random."""

    def __init__(self, num_envs, rng, p_end=0.04, p_truncate=0.03, p_life=0.05):
        self.num_envs, self.rng = num_envs, rng
        self.p_end, self.p_truncate, self.p_life = p_end, p_truncate, p_life
        self.next_id = 1
        self.stacks = [[] for _ in range(num_envs)]  # frame ids of the current episode
        self.ended = np.zeros(num_envs, dtype=bool)

    def _new_frame(self, env, new_episode):
        if new_episode:
            self.stacks[env] = []
        self.stacks[env].append(self.next_id)
        self.next_id += 1

    def observation(self, env):
        ids = self.stacks[env][-4:]
        ids = [0] * (4 - len(ids)) + ids  # zero padding at an episode's start
        return np.stack([encode(frame_id) for frame_id in ids])

    def observations(self):
        return np.stack([self.observation(env) for env in range(self.num_envs)])

    def reset(self):
        for env in range(self.num_envs):
            self._new_frame(env, new_episode=True)
        return self.observations()

    def step(self):
        n = self.num_envs
        rewards = self.rng.choice([-1.0, 0.0, 1.0, 0.5], size=n)
        terminated = self.rng.random(n) < self.p_end
        truncated = ~terminated & (self.rng.random(n) < self.p_truncate)
        life_lost = ~terminated & ~truncated & (self.rng.random(n) < self.p_life)
        for env in range(n):
            if self.ended[env]:  # the reset step
                rewards[env], terminated[env], truncated[env], life_lost[env] = 0.0, False, False, False
            self._new_frame(env, new_episode=bool(self.ended[env]))
        self.ended = terminated | truncated
        return self.observations(), rewards, terminated, truncated, life_lost


def run(num_envs, num_steps, capacity, n_step, gamma, seed=0, **game_kwargs):
    rng = np.random.default_rng(seed)
    game = FakeVectorGame(num_envs, rng, **game_kwargs)
    buffer = replay.AtariVectorReplayBuffer(capacity, num_envs, n_step=n_step, gamma=gamma, frame_shape=FRAME_SHAPE,
                                            seed=seed, check_memory=False, verbose=False)
    log = {}  # newest frame id of an observation -> its step record
    order = [[] for _ in range(num_envs)]
    observations = game.reset()
    for _ in range(num_steps):
        was_ended = game.ended.copy()
        actions = rng.integers(0, 6, size=num_envs)
        next_observations, rewards, terminated, truncated, life_lost = game.step()
        buffer.add(observations, actions, rewards, terminated, truncated, life_lost)
        for env in range(num_envs):
            frame_id = decode(observations[env, -1])
            record = dict(stack=[decode(frame) for frame in observations[env]], action=int(actions[env]),
                          reward=float(rewards[env]), terminated=bool(terminated[env] or life_lost[env]),
                          truncated=bool(truncated[env]), final=bool(was_ended[env]), index=len(order[env]))
            log[frame_id] = (env, record)
            order[env].append(record)
        observations = next_observations
    return buffer, log, order


def reference(log, order, frame_id, n_step, gamma):
    env, record = log[frame_id]
    assert not record["final"], "a final observation was sampled as a transition's state"
    total, index = 0.0, record["index"]
    for offset in range(n_step):
        step = order[env][index + offset]
        total += gamma**offset * step["reward"]
        if step["terminated"]:
            return total, 1.0, gamma ** (offset + 1), None
        if step["truncated"]:
            return total, 0.0, gamma ** (offset + 1), order[env][index + offset + 1]["stack"]
    return total, 0.0, gamma**n_step, order[env][index + n_step]["stack"]


@pytest.mark.parametrize("n_step", [1, 3, 5])
@pytest.mark.parametrize("capacity", [4 * 400, 4 * 37])  # large (never wraps) and small (wraps many times)
def test_samples_match_the_brute_force_reference(n_step, capacity):
    gamma = 0.9
    buffer, log, order = run(num_envs=4, num_steps=400, capacity=capacity, n_step=n_step, gamma=gamma)
    batches = [buffer.sample(100) for _ in range(20)]
    batch = replay.NStepBatch(*(np.concatenate(arrays) for arrays in zip(*batches)))
    assert batch.observations.shape == (2_000, 4, *FRAME_SHAPE) and batch.observations.dtype == np.uint8
    kinds = {"terminated": 0, "bootstrapped": 0}
    for item in range(len(batch.actions)):
        stack = [decode(frame) for frame in batch.observations[item]]
        env, record = log[stack[-1]]
        assert stack == record["stack"], "the state's stack differs from the observation the game gave"
        assert batch.actions[item] == record["action"]
        expected_return, expected_terminated, expected_discount, next_stack = reference(
            log, order, stack[-1], n_step, gamma)
        assert batch.rewards[item] == pytest.approx(expected_return, abs=1e-5)
        assert batch.terminated[item] == expected_terminated
        assert batch.discounts[item] == pytest.approx(expected_discount, rel=1e-6)
        if next_stack is not None:
            assert [decode(frame) for frame in batch.next_observations[item]] == next_stack
        kinds["terminated" if expected_terminated else "bootstrapped"] += 1
    # fewer than n rewards summed and still bootstrapped: a truncation cut the sum (gamma ** m > gamma ** n)
    truncated_cut = np.count_nonzero((batch.discounts > gamma**n_step * 1.001) & (batch.terminated == 0))
    assert kinds["terminated"] > 0 and kinds["bootstrapped"] > 0
    if n_step > 1:
        assert truncated_cut > 0, "no truncated n-step transition was sampled: the test would not see a cut bootstrap"


def test_every_stored_transition_can_be_drawn_and_none_other():
    buffer, log, order = run(num_envs=3, num_steps=120, capacity=3 * 50, n_step=3, gamma=0.99)
    seen = {decode(buffer.sample(1).observations[0, -1]) for _ in range(3_000)}
    # the valid starts: the last 50 steps of each game minus the stack's history and the n-step look-ahead
    valid = set()
    for env in range(3):
        for record in order[env][120 - 50 + 3 : 120 - 3]:
            if not record["final"]:
                valid.add(record["stack"][-1])
    assert seen == valid
    assert len(buffer) == len(valid)


def test_memory_per_transition_and_frames_stored_once():
    assert replay.AtariVectorReplayBuffer.bytes_needed(1_000_000) / 1_000_000 <= 7_200
    buffer = replay.AtariVectorReplayBuffer(8 * 1_000, 8, n_step=3, check_memory=False, verbose=False)
    assert buffer.nbytes == replay.AtariVectorReplayBuffer.bytes_needed(8_000)


def test_save_and_load_continue_identically(tmp_path):
    buffer, _, _ = run(num_envs=2, num_steps=80, capacity=2 * 30, n_step=3, gamma=0.9)
    buffer.save(tmp_path / "buffer")
    loaded = replay.AtariVectorReplayBuffer.load(tmp_path / "buffer", check_memory=False, verbose=False)
    first, second = buffer.sample(32), loaded.sample(32)
    for name in first._fields:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match="n_step must be at least 1"):
        replay.AtariVectorReplayBuffer(1_000, 2, n_step=0, check_memory=False, verbose=False)
    with pytest.raises(ValueError, match="gamma must be in"):
        replay.AtariVectorReplayBuffer(1_000, 2, gamma=1.5, check_memory=False, verbose=False)
    with pytest.raises(ValueError, match="slots to each"):
        replay.AtariVectorReplayBuffer(20, 4, n_step=3, check_memory=False, verbose=False)
    buffer = replay.AtariVectorReplayBuffer(100, 2, n_step=3, frame_shape=FRAME_SHAPE, check_memory=False,
                                            verbose=False)
    good = np.zeros((2, 4, *FRAME_SHAPE), dtype=np.uint8)
    no, zeros = np.zeros(2, dtype=bool), np.zeros(2)
    with pytest.raises(ValueError, match=r"observations must have shape \(2, 4, 1, 3\)"):
        buffer.add(np.zeros((3, 4, *FRAME_SHAPE), dtype=np.uint8), [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0])
    with pytest.raises(TypeError, match="uint8"):
        buffer.add(good.astype(np.float32), [0, 0], zeros, no, no)
    with pytest.raises(ValueError, match=r"actions must have shape \(2,\)"):
        buffer.add(good, [0, 0, 0], zeros, no, no)
    with pytest.raises(TypeError, match="terminated must be bools"):
        buffer.add(good, [0, 0], zeros, [0.5, 0.0], no)
    with pytest.raises(ValueError, match="rewards must be finite"):
        buffer.add(good, [0, 0], [np.nan, 0.0], no, no)
    assert buffer._count == 0, "a rejected add must not change the buffer"
    with pytest.raises(ValueError, match="empty"):
        buffer.sample(1)
