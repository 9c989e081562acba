"""Atari environments built the DQN way from gymnasium 1.x and ale-py.

`make_atari_env("Pong")` returns a gymnasium environment whose observations are
uint8 stacks of the last 4 grey 84x84 frames, shape (4, 84, 84), oldest frame first
(`frame_stack=1` gives single frames of shape (84, 84)). From the inside out:

1. `ALE/<Game>-v5` with `frameskip=1` and the sticky-action probability stated
   explicitly (0.0 by default, as in the DQN papers; 0.25 is the v5 default and the
   Machado et al. (2018) recommendation). The ROMs ship with ale-py: no network needed.
2. `gymnasium.wrappers.AtariPreprocessing`: up to `noop_max` random no-ops on reset,
   each action repeated 4 frames, the last two frames max-pooled (Atari sprites
   flicker), converted to grey and resized to 84x84.
3. `gymnasium.wrappers.TimeLimit` when `max_episode_steps` is given (agent steps per
   game, the reset wrappers' steps included; the ALE itself truncates a game after
   108,000 frames = 27,000 steps).
4. `gymnasium.wrappers.RecordEpisodeStatistics`: sits below the training-only
   wrappers, so `info["episode"]["r"]` is the true game score and it arrives at the
   true game end (game over or truncation), in training and evaluation alike; its
   length `info["episode"]["l"]` counts every step of the game, including the FIRE
   and no-op steps the reset wrappers take.
5. Training only: `LifeLossTermination` reports `terminated=True` when a life is lost
   and the next `reset()` continues the same game (no full reset until game over).
6. `FireOnReset` presses FIRE after each reset (and each lost life in training) for
   games whose actions include FIRE, as the DQN reference implementations do.
7. Training only: rewards clipped to their sign (-1, 0, +1).
8. `gymnasium.wrappers.FrameStackObservation(frame_stack)` when `frame_stack >= 2`;
   the first stacks of an episode repeat the reset frame (padding_type="reset").
"""

from __future__ import annotations

import difflib
import os

import gymnasium
import numpy as np

from helpers import checks

try:
    import ale_py
except ImportError:  # pragma: no cover - ale-py is in requirements.txt
    ale_py = None


def _register() -> None:
    if ale_py is None:  # pragma: no cover
        raise ImportError("the Atari environments need ale-py: pip install -r requirements.txt")
    gymnasium.register_envs(ale_py)
    # The emulator prints its version banner ("A.L.E: Arcade Learning Environment ...",
    # "[Powered by Stella]") to stderr for every new game, which a notebook shows in red;
    # keep its warnings and errors only.
    ale_py.ALEInterface.setLoggerMode(ale_py.LoggerMode.Warning)


def atari_game_names() -> list[str]:
    """Names of the Atari games available as `ALE/<name>-v5`, e.g. "Pong", "Breakout"."""
    _register()
    names = []
    for env_id in gymnasium.envs.registry:
        if env_id.startswith("ALE/") and env_id.endswith("-v5") and not env_id.endswith("-ram-v5"):
            names.append(env_id[len("ALE/") : -len("-v5")])
    return sorted(names)


def _resolve_game(game) -> str:
    if not isinstance(game, str):
        raise TypeError(f"game must be a string such as 'Pong', got {type(game).__name__} ({game!r})")
    names = atari_game_names()
    name = game
    if name.startswith("ALE/") and name.endswith("-v5"):
        name = name[len("ALE/") : -len("-v5")]
    by_lower = {candidate.lower(): candidate for candidate in names}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    suggestion = f" Did you mean {', '.join(repr(match) for match in close)}?" if close else ""
    raise ValueError(
        f"unknown Atari game {game!r}.{suggestion} Valid names are those of helpers.envs.atari_game_names() "
        f"({len(names)} games, e.g. 'Pong', 'Breakout', 'SpaceInvaders')."
    )


class LifeLossTermination(gymnasium.Wrapper):
    """Training only: losing a life ends the episode; the game goes on at the next reset.

    `step` returns `terminated=True` when the number of lives drops, so the agent
    learns that losing a life is final. The following `reset()` does not restart the
    game: it takes one no-op step and continues with the remaining lives. Only after
    the real game over (or a truncation, or `reset(seed=...)`) is the game reset.
    """

    def __init__(self, env: gymnasium.Env):
        super().__init__(env)
        self.lives = 0
        self.game_over = True

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.game_over = bool(terminated or truncated)
        lives = self.env.unwrapped.ale.lives()
        if 0 < lives < self.lives:
            terminated = True
        self.lives = lives
        return observation, reward, terminated, truncated, info

    def reset(self, *, seed=None, options=None):
        if self.game_over or seed is not None:
            observation, info = self.env.reset(seed=seed, options=options)
        else:
            # one no-op step moves on from the lost life; it may end the game after all
            observation, _, terminated, truncated, info = self.env.step(0)
            if terminated or truncated:
                observation, info = self.env.reset(seed=seed, options=options)
        self.game_over = False
        self.lives = self.env.unwrapped.ale.lives()
        return observation, info


class FireOnReset(gymnasium.Wrapper):
    """Press FIRE (then action 2) after reset, for games that wait for FIRE to start."""

    def __init__(self, env: gymnasium.Env):
        super().__init__(env)
        meanings = env.unwrapped.get_action_meanings()
        if len(meanings) < 3 or meanings[1] != "FIRE":
            raise ValueError(f"FireOnReset needs action 1 to be FIRE, got action meanings {meanings}")

    def reset(self, *, seed=None, options=None):
        self.env.reset(seed=seed, options=options)
        for action in (1, 2):
            observation, _, terminated, truncated, info = self.env.step(action)
            if terminated or truncated:
                observation, info = self.env.reset(options=options)
        return observation, info


def _reward_sign(reward) -> float:
    return float(np.sign(reward))


def make_atari_env(
    game="Pong",
    *,
    seed=None,
    training=True,
    frame_stack=4,
    sticky_action_probability=0.0,
    noop_max=30,
    max_episode_steps=None,
    render_mode=None,
) -> gymnasium.Env:
    """An Atari environment preprocessed as in the DQN papers (see the module docstring).

    Observations: uint8 of shape (frame_stack, 84, 84) when frame_stack >= 2, oldest
    frame first, or (84, 84) when frame_stack == 1. Actions: the game's minimal set.

    training=True: losing a life ends the episode (the game continues on the next
    reset) and rewards are clipped to -1/0/+1. training=False: whole games and raw
    rewards. Either way `info["episode"]["r"]` holds the true game score at the true
    game end. `seed` seeds the game (an initial `reset(seed=seed)`) and the action
    space; later `reset()` calls without a seed continue deterministically.
    """
    game_name = _resolve_game(game)
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {training!r}")
    if isinstance(frame_stack, bool) or not isinstance(frame_stack, (int, np.integer)) or frame_stack < 1:
        raise ValueError(f"frame_stack must be an int >= 1 (4 in the DQN papers), got {frame_stack!r}")
    if isinstance(noop_max, bool) or not isinstance(noop_max, (int, np.integer)) or noop_max < 0:
        raise ValueError(f"noop_max must be an int >= 0, got {noop_max!r}")
    if isinstance(sticky_action_probability, bool) or not isinstance(
        sticky_action_probability, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"sticky_action_probability must be a number in [0, 1], got {sticky_action_probability!r}")
    if not 0.0 <= float(sticky_action_probability) <= 1.0:
        raise ValueError(f"sticky_action_probability must be in [0, 1], got {sticky_action_probability}")
    if max_episode_steps is not None and (
        isinstance(max_episode_steps, bool) or not isinstance(max_episode_steps, (int, np.integer)) or max_episode_steps < 1
    ):
        raise ValueError(f"max_episode_steps must be None or an int >= 1, got {max_episode_steps!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise TypeError(f"seed must be None or a non-negative int, got {seed!r}")

    env = gymnasium.make(
        f"ALE/{game_name}-v5",
        frameskip=1,  # AtariPreprocessing repeats each action and max-pools the last two frames
        repeat_action_probability=float(sticky_action_probability),
        full_action_space=False,
        render_mode=render_mode,
    )
    env = gymnasium.wrappers.AtariPreprocessing(
        env, noop_max=int(noop_max), frame_skip=4, screen_size=84, grayscale_obs=True, terminal_on_life_loss=False
    )
    if max_episode_steps is not None:
        env = gymnasium.wrappers.TimeLimit(env, max_episode_steps=int(max_episode_steps))
    env = gymnasium.wrappers.RecordEpisodeStatistics(env)
    if training:
        env = LifeLossTermination(env)
    if "FIRE" in env.unwrapped.get_action_meanings():
        env = FireOnReset(env)
    if training:
        env = gymnasium.wrappers.TransformReward(env, _reward_sign)
    if frame_stack >= 2:
        env = gymnasium.wrappers.FrameStackObservation(env, int(frame_stack), padding_type="reset")
    if seed is not None:
        env.reset(seed=int(seed))
        env.action_space.seed(int(seed))
    return env


# ------------------------------------------------- ale-py's vectorised environment
def _rom_name(game_name: str) -> str:
    """'SpaceInvaders' -> 'space_invaders', the ROM name ale-py's vector environment takes."""
    return "".join(f"_{char.lower()}" if char.isupper() and index else char.lower()
                   for index, char in enumerate(game_name))


def make_atari_vector_env(game="Pong", num_envs=8, *, seed=None, num_threads=None, noop_max=30,
                          sticky_action_probability=0.0):
    """N games of `game` stepped together in C++ threads (ale-py's `AtariVectorEnv`).

    The emulator does the DQN preprocessing itself: each action repeated 4 frames, the
    last two max-pooled, grey 84x84, the last 4 frames stacked (oldest first; zeros
    before an episode's first frame), up to `noop_max` random no-ops and FIRE after each
    reset, and a limit of 108,000 frames (27,000 agent steps) per game. Rewards are the
    game's own (clip them in the training loop); a lost life does not end the episode.

    `step(actions)` takes an int array of shape (num_envs,) and returns arrays:
    observations (num_envs, 4, 84, 84) uint8, rewards, terminated, truncated, info.
    A finished game is reset on the *next* step ("next step" autoreset): that step
    ignores its action and returns the new game's first observation.

    Training, evaluation and watching all use this environment (`make_atari_game` is one
    game of it), so the agent always sees exactly the observations it was trained on.
    """
    from ale_py import roms
    from ale_py.vector_env import AtariVectorEnv

    game_name = _resolve_game(game)
    num_envs = checks.check_int("num_envs", num_envs)
    noop_max = checks.check_int("noop_max", noop_max, minimum=0)
    if seed is not None:
        seed = checks.check_int("seed", seed, minimum=0)
    if num_threads is None:
        num_threads = min(num_envs, os.cpu_count() or 1)
    num_threads = checks.check_int("num_threads", num_threads)
    if isinstance(sticky_action_probability, bool) or not isinstance(
        sticky_action_probability, (int, float, np.integer, np.floating)
    ) or not 0.0 <= float(sticky_action_probability) <= 1.0:
        raise ValueError(f"sticky_action_probability must be a number in [0, 1], got {sticky_action_probability!r}")
    rom = _rom_name(game_name)
    if roms.get_rom_path(rom) is None:  # pragma: no cover - every registered game has its ROM in ale-py
        raise ValueError(f"ale-py's vector environment has no ROM {rom!r} for the game {game_name!r}")
    env = AtariVectorEnv(
        rom,
        num_envs,
        num_threads=num_threads,
        noop_max=noop_max,
        repeat_action_probability=float(sticky_action_probability),
        reward_clipping=False,
        episodic_life=False,
        use_fire_reset=True,
    )
    env.game_name = game_name
    env.action_meanings = [action.name for action in env.ale.get_action_set()]
    if seed is not None:
        env.reset(seed=seed)
    return env


class AtariGame(gymnasium.Env):
    """One game of `make_atari_vector_env`, as an ordinary gymnasium environment.

    For watching and evaluating one game at a time: the observations are exactly those
    of the vector environment the agent trained on, (4, 84, 84) uint8. Raw game scores;
    the episode ends at game over or after 27,000 agent steps. `render()` returns the
    newest 84x84 grey frame, as the agent sees it.
    """

    metadata = {"render_modes": ["rgb_array"]}

    def __init__(self, game="Pong", *, seed=None, noop_max=30, sticky_action_probability=0.0):
        self._vector = make_atari_vector_env(game, 1, num_threads=1, noop_max=noop_max,
                                             sticky_action_probability=sticky_action_probability)
        self.game_name = self._vector.game_name
        self.observation_space = self._vector.single_observation_space
        self.action_space = self._vector.single_action_space
        self.render_mode = "rgb_array"
        self._observation = None
        self._seed = seed
        self._needs_reset = True

    def get_action_meanings(self) -> list[str]:
        return list(self._vector.action_meanings)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        if seed is None and self._seed is not None and self._observation is None:
            seed = self._seed  # the first reset of a seeded game
        observations, info = self._vector.reset(seed=None if seed is None else np.array([int(seed)]))
        self._observation = observations[0]
        self._needs_reset = False
        return self._observation, {key: value[0] for key, value in info.items()}

    def step(self, action):
        if self._needs_reset:
            raise RuntimeError("the game is over (or was never started): call reset() first")
        observations, rewards, terminated, truncated, info = self._vector.step(np.array([int(action)]))
        self._observation = observations[0]
        self._needs_reset = bool(terminated[0] or truncated[0])
        return (self._observation, float(rewards[0]), bool(terminated[0]), bool(truncated[0]),
                {key: value[0] for key, value in info.items()})

    def render(self):
        return np.repeat(self._observation[-1][:, :, None], 3, axis=2)

    def close(self):
        self._vector.close()


def make_atari_game(game="Pong", *, seed=None, noop_max=30, sticky_action_probability=0.0) -> AtariGame:
    """One game with the observations of `make_atari_vector_env` (see `AtariGame`)."""
    return AtariGame(game, seed=seed, noop_max=noop_max, sticky_action_probability=sticky_action_probability)
