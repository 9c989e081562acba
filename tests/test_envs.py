"""Tests of helpers.envs: Atari environments built the DQN way (a few hundred steps each)."""

from __future__ import annotations

import cv2
import gymnasium
import numpy as np
import pytest

from helpers import envs


def wrapper_types(env):
    types = []
    while isinstance(env, gymnasium.Wrapper):
        types.append(type(env))
        env = env.env
    return types


def test_game_names_and_unknown_game():
    names = envs.atari_game_names()
    assert {"Pong", "Breakout", "SpaceInvaders"} <= set(names)
    assert not any(name.endswith("-ram") for name in names)
    with pytest.raises(ValueError, match="atari_game_names") as error:
        envs.make_atari_env("Pongg")
    assert "'Pong'" in str(error.value)  # suggests the close match
    with pytest.raises(ValueError, match="unknown Atari game"):
        envs.make_atari_env("Tetris3000")
    with pytest.raises(TypeError):
        envs.make_atari_env(3)
    with pytest.raises(ValueError, match="frame_stack"):
        envs.make_atari_env("Pong", frame_stack=0)
    with pytest.raises(ValueError, match="sticky_action_probability"):
        envs.make_atari_env("Pong", sticky_action_probability=1.5)


def test_wrapper_order_for_training_and_evaluation():
    training = wrapper_types(envs.make_atari_env("pong", training=True))
    assert training.index(gymnasium.wrappers.FrameStackObservation) == 0
    assert training.index(gymnasium.wrappers.RecordEpisodeStatistics) > training.index(envs.LifeLossTermination)
    assert training.index(envs.LifeLossTermination) > training.index(envs.FireOnReset)
    assert training.index(gymnasium.wrappers.AtariPreprocessing) > training.index(
        gymnasium.wrappers.RecordEpisodeStatistics
    )
    assert gymnasium.wrappers.TransformReward in training
    evaluation = wrapper_types(envs.make_atari_env("ALE/Pong-v5", training=False, frame_stack=1))
    assert envs.LifeLossTermination not in evaluation and gymnasium.wrappers.TransformReward not in evaluation
    assert gymnasium.wrappers.FrameStackObservation not in evaluation
    assert envs.FireOnReset in evaluation  # Pong's actions include FIRE
    freeway = envs.make_atari_env("Freeway", training=False)
    assert "FIRE" not in freeway.unwrapped.get_action_meanings()
    assert envs.FireOnReset not in wrapper_types(freeway)
    base = envs.make_atari_env("Pong", sticky_action_probability=0.25).unwrapped
    assert base._frameskip == 1 and base.ale.getFloat("repeat_action_probability") == pytest.approx(0.25)


def test_observation_shapes_and_stack_padding():
    env = envs.make_atari_env("Pong", seed=0, frame_stack=4)
    assert env.observation_space.shape == (4, 84, 84) and env.observation_space.dtype == np.uint8
    observation, _ = env.reset(seed=0)
    assert observation.shape == (4, 84, 84) and observation.dtype == np.uint8
    assert all(np.array_equal(observation[0], plane) for plane in observation)  # reset frame repeated
    for _ in range(5):
        next_observation, *_ = env.step(env.action_space.sample())
        np.testing.assert_array_equal(next_observation[:-1], observation[1:])  # oldest first
        observation = next_observation
    single = envs.make_atari_env("Pong", seed=0, frame_stack=1)
    assert single.observation_space.shape == (84, 84)
    frame, _ = single.reset(seed=0)
    assert frame.shape == (84, 84) and frame.dtype == np.uint8


def test_frames_are_max_pooled_over_the_last_two_of_four():
    """The wrapped env equals a hand-made pipeline on the raw ALE: 4 repeats, max of the last 2, 84x84."""
    env = envs.make_atari_env("Pong", training=False, frame_stack=1, noop_max=0)
    raw = gymnasium.make("ALE/Pong-v5", frameskip=1, repeat_action_probability=0.0, obs_type="grayscale")
    observation, _ = env.reset(seed=0)
    raw.reset(seed=0)
    for action in (1, 2):  # what FireOnReset does, 4 frames each
        for _ in range(4):
            raw.step(action)
    rng = np.random.default_rng(0)
    pooling_mattered = False
    for _ in range(40):
        action = int(rng.integers(0, 6))
        observation, *_ = env.step(action)
        screens = [raw.step(action)[0] for _ in range(4)]
        expected = cv2.resize(np.maximum(screens[2], screens[3]), (84, 84), interpolation=cv2.INTER_AREA)
        np.testing.assert_array_equal(observation, expected)
        last_only = cv2.resize(screens[3], (84, 84), interpolation=cv2.INTER_AREA)
        pooling_mattered |= not np.array_equal(observation, last_only)
    assert pooling_mattered
    raw.close()


def play_one_game(env, seed):
    """Random actions until the true game end; returns the per-step records and the final info."""
    observation, info = env.reset(seed=seed)
    records = []
    while True:
        observation, reward, terminated, truncated, info = env.step(env.action_space.sample())
        records.append((reward, terminated, truncated, info))
        if "episode" in info:
            return records, info
        if terminated or truncated:
            observation, info = env.reset()
            assert info["lives"] == records[-1][3]["lives"]  # the same game goes on


def test_training_env_ends_episodes_on_life_loss_but_reports_the_true_score():
    env = envs.make_atari_env("SpaceInvaders", seed=1, training=True, frame_stack=1)
    records, info = play_one_game(env, seed=1)
    rewards = [reward for reward, *_ in records]
    assert set(rewards) <= {-1.0, 0.0, 1.0}  # clipped
    life_losses = [record for record in records[:-1] if record[1]]
    assert len(life_losses) == 2  # 3 lives: two life-loss episodes, then game over
    assert [record[3]["lives"] for record in life_losses] == [2, 1]
    frame_numbers = [record[3]["episode_frame_number"] for record in records]
    assert frame_numbers == sorted(frame_numbers)  # no full reset until game over
    assert records[-1][1] and records[-1][3]["lives"] == 0
    kills = sum(reward > 0 for reward in rewards)
    assert kills >= 1 and info["episode"]["r"] >= 5 * kills  # true score, every kill worth >= 5 points
    _, reset_info = env.reset()
    assert reset_info["lives"] == 3 and reset_info["episode_frame_number"] < 200  # a new game


def test_evaluation_env_plays_whole_games_with_raw_rewards():
    env = envs.make_atari_env("SpaceInvaders", seed=1, training=False, frame_stack=1)
    env.reset(seed=1)
    total = 0.0
    for step in range(5000):
        _, reward, terminated, truncated, info = env.step(env.action_space.sample())
        total += reward
        if terminated or truncated:
            break
    assert terminated and info["lives"] == 0  # the episode is the whole game
    assert "episode" in info and info["episode"]["r"] == pytest.approx(total)
    assert total > 1 and total % 5 == 0  # raw Space Invaders points


def test_max_episode_steps_truncates_the_game():
    env = envs.make_atari_env("Pong", seed=0, training=True, max_episode_steps=20)
    env.reset(seed=0)
    for step in range(1, 100):
        _, _, terminated, truncated, info = env.step(env.action_space.sample())
        if terminated or truncated:
            break
    assert truncated and not terminated
    assert info["episode"]["l"] == 20  # every step of the game counts, the two FIRE steps included
    assert step == 20 - 2
    _, reset_info = env.reset()  # after a truncation the game restarts for real
    assert reset_info["episode_frame_number"] <= 30 + 2 * 4


def test_seeding_makes_runs_repeatable():
    def run(seed):
        env = envs.make_atari_env("Pong", seed=seed, sticky_action_probability=0.25)
        observation, _ = env.reset(seed=seed)
        observations = [observation]
        for _ in range(40):
            observations.append(env.step(env.action_space.sample())[0])
        return np.stack(observations)

    first = run(3)
    np.testing.assert_array_equal(first, run(3))
    assert not np.array_equal(first, run(4))


def test_making_a_game_prints_no_emulator_banner():
    """A notebook shows whatever the emulator writes to stderr in red: its version banner must not appear."""
    import subprocess
    import sys

    script = "from helpers import envs\nenv = envs.make_atari_env('Pong')\nenv.reset(seed=0)\nenv.close()\n"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "Arcade Learning Environment" not in completed.stderr + completed.stdout
    assert "Powered by Stella" not in completed.stderr + completed.stdout


# ------------------------------------------------------------ the vector environment
def test_vector_env_gives_stacked_grey_frames_and_a_clear_error_for_unknown_games():
    env = envs.make_atari_vector_env("Pong", 2, seed=0)
    observations, _ = env.reset(seed=0)
    assert observations.shape == (2, 4, 84, 84) and observations.dtype == np.uint8
    assert not observations[:, :3].any() and observations[:, 3].any()  # zeros before the first frame
    assert env.action_meanings == ["NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"]
    observations, rewards, terminated, truncated, _ = env.step(np.array([2, 3]))
    assert observations.shape == (2, 4, 84, 84) and rewards.shape == terminated.shape == truncated.shape == (2,)
    env.close()
    with pytest.raises(ValueError, match="Did you mean 'Pong'"):
        envs.make_atari_vector_env("Pongg", 2)
    with pytest.raises(ValueError, match="num_envs must be at least 1"):
        envs.make_atari_vector_env("Pong", 0)


def test_the_single_game_sees_exactly_what_the_training_games_see():
    """Same seed, same actions: the watching/evaluation game and game 0 of the training env agree."""
    vector_env = envs.make_atari_vector_env("Pong", 3)
    game = envs.make_atari_game("Pong")
    observations, _ = vector_env.reset(seed=7)  # game 0 gets seed 7
    observation, _ = game.reset(seed=7)
    np.testing.assert_array_equal(observations[0], observation)
    rng = np.random.default_rng(0)
    total = 0.0
    for step in range(1_200):
        actions = rng.integers(0, 6, size=3)
        observations, rewards, terminated, truncated, _ = vector_env.step(actions)
        observation, reward, game_terminated, game_truncated, _ = game.step(int(actions[0]))
        np.testing.assert_array_equal(observations[0], observation, err_msg=f"step {step}")
        assert (rewards[0], terminated[0], truncated[0]) == (reward, game_terminated, game_truncated)
        total += reward
        if game_terminated or game_truncated:
            break
    assert total != 0.0, "the game should have scored points within 1,200 steps"
    np.testing.assert_array_equal(game.render()[:, :, 0], observation[-1])
    vector_env.close()
    game.close()


def test_single_game_needs_a_reset_after_game_over():
    game = envs.make_atari_game("Pong", seed=1)
    with pytest.raises(RuntimeError, match="call reset"):
        game.step(0)
    game.close()
