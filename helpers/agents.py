"""Trained agents that ship with the course: `load_agent("Pong")`.

A short run on a laptop does not learn Atari, so the course ships the Q-network of one
recorded full run of notebook 4, for watching and evaluating. Each agent is two files
in `helpers/trained/`: `<Game>.keras` (the Keras model: the network and its weights, no
replay buffer, no optimizer) and `<Game>.json`, its record: the run it comes from
(notebook, seed, commit, agent steps, training time, evaluation) and the file's sha256.

The model maps a batch of observations as the course's Atari environments return them
(`helpers.envs.make_atari_game`, `make_atari_vector_env`: (batch, 4, 84, 84) uint8) to
one Q-value per action, shape (batch, num_actions); the greedy action is the argmax.
"""

from __future__ import annotations

import hashlib
import json
import pathlib

TRAINED_DIR = pathlib.Path(__file__).resolve().parent / "trained"
OBSERVATION_SHAPE = (4, 84, 84)


def available_agents() -> list[str]:
    """Games with a trained agent, e.g. ['Pong']."""
    return sorted(path.stem for path in TRAINED_DIR.glob("*.json"))


def agent_record(game="Pong") -> dict:
    """The record of the trained agent for `game`: its run, evaluation, file and sha256."""
    from helpers import envs

    name = envs._resolve_game(game)
    path = TRAINED_DIR / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no trained agent for {name!r}; the course ships agents for {available_agents()} "
                         f"(train one in notebook 4 with ATARI_GAME = {name!r})")
    return json.loads(path.read_text(encoding="utf-8"))


def sha256_of(path) -> str:
    """The sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_agent(game="Pong"):
    """The trained Q-network for `game` as a Keras model: observations (batch, 4, 84, 84) uint8 -> Q-values.

    Raises ValueError for a game without a trained agent, a file whose checksum differs
    from its record (altered or corrupted) or a network that does not fit the game's
    observations and actions; FileNotFoundError when the weights file is missing.
    """
    import keras

    record = agent_record(game)
    path = TRAINED_DIR / record["file"]
    if not path.is_file():
        raise FileNotFoundError(f"the trained {record['game']} agent's file {path} is missing; restore it "
                                f"(git checkout -- {path.name}, or reinstall the course's helpers package)")
    digest = sha256_of(path)
    if digest != record["sha256"]:
        raise ValueError(f"the trained {record['game']} agent's file {path} is altered or corrupted: its sha256 is "
                         f"{digest}, its record says {record['sha256']}; restore it (git checkout -- {path.name})")
    try:
        model = keras.models.load_model(path, compile=False)
    except Exception as error:  # a file keras cannot read despite a matching record
        raise ValueError(f"could not load the trained {record['game']} agent from {path}: {error}") from error
    expected_input, expected_output = (None, *OBSERVATION_SHAPE), (None, int(record["num_actions"]))
    if tuple(model.input_shape) != expected_input or tuple(model.output_shape) != expected_output:
        raise ValueError(f"the network in {path} does not fit {record['game']}: it maps {model.input_shape} to "
                         f"{model.output_shape}, expected {expected_input} to {expected_output}")
    return model
