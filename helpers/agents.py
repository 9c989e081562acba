"""Trained agents that ship with the course: `load_agent("Pong")`.

A short run on a laptop does not learn Atari, so the course ships the Q-network of one
recorded full run of notebook 4, for watching and evaluating. Each agent is two files
in `helpers/trained/`: `<Game>.weights.npz` (the network's weights only, in the order
`keras.Model.get_weights` gives them: no replay buffer, no optimizer) and `<Game>.json`,
its record: the network (`network`, `hidden_units`, `num_actions`), the run it comes
from (notebook, seed, commit, agent steps, training time, evaluation) and the weights
file's sha256.

The weights are stored as plain arrays, not as a `.keras` file, because a `.keras` file
written by one Keras version need not load in an older one (Keras 3.10, as on Colab,
rejects the initializer arguments 3.15 writes); `build_network` rebuilds the notebook's
Q-network (its `build_q_network` for frame stacks, checked by the tests) in whatever
Keras is installed.

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
                         f"(notebook 4 trains your own with ATARI_GAME = {name!r}; scripts/export_agent.py ships a recorded run's)")
    return json.loads(path.read_text(encoding="utf-8"))


def sha256_of(path) -> str:
    """The sha256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_network(num_actions, conv="nature", hidden_units=(512,), name="q_network"):
    """The notebook's Q-network for (4, 84, 84) uint8 frame stacks, untrained.

    conv="nature": Conv2D 32 8x8 stride 4, 64 4x4 stride 2, 64 3x3 stride 1; conv="2013":
    16 8x8 stride 4, 32 4x4 stride 2; then a ReLU Dense layer per hidden_units entry and a
    linear Dense(num_actions) in float32 (so also under a mixed-precision policy).
    """
    import keras

    layers = {"nature": [(32, 8, 4), (64, 4, 2), (64, 3, 1)], "2013": [(16, 8, 4), (32, 4, 2)]}
    if conv not in layers:
        raise ValueError(f"conv must be one of {sorted(layers)}, got {conv!r}")
    inputs = keras.Input(shape=OBSERVATION_SHAPE, dtype="uint8")
    x = keras.layers.Permute((2, 3, 1))(inputs)  # frames last
    x = keras.layers.Rescaling(1.0 / 255.0)(x)
    for filters, size, stride in layers[conv]:
        x = keras.layers.Conv2D(filters, size, strides=stride, activation="relu")(x)
    x = keras.layers.Flatten()(x)
    for units in hidden_units:
        x = keras.layers.Dense(int(units), activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(int(num_actions), dtype="float32")(x), name=name)


def save_weights(network, path) -> None:
    """Write a network's weights (get_weights order) to an .npz file that load_agent reads."""
    import numpy as np

    weights = network.get_weights()
    with open(path, "wb") as file:
        np.savez(file, **{f"w{index:02d}": array for index, array in enumerate(weights)})


def load_agent(game="Pong"):
    """The trained Q-network for `game` as a Keras model: observations (batch, 4, 84, 84) uint8 -> Q-values.

    Raises ValueError for a game without a trained agent, a file whose checksum differs
    from its record (altered or corrupted) or weights that do not fit the network its
    record describes; FileNotFoundError when the weights file is missing.
    """
    record = agent_record(game)
    path = TRAINED_DIR / record["file"]
    if not path.is_file():
        raise FileNotFoundError(f"the trained {record['game']} agent's file {path} is missing; restore it "
                                f"(git checkout -- helpers/trained/{path.name} in a clone of the course, or "
                                f"pip install --force-reinstall the course's helpers package)")
    digest = sha256_of(path)
    if digest != record["sha256"]:
        raise ValueError(f"the trained {record['game']} agent's file {path} is altered or corrupted: its sha256 is "
                         f"{digest}, its record says {record['sha256']}; restore it (git checkout -- "
                         f"helpers/trained/{path.name} in a clone of the course, or pip install --force-reinstall "
                         f"the course's helpers package)")
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as arrays:
            weights = [arrays[f"w{index:02d}"] for index in range(len(arrays.files))]
    except Exception as error:  # a file numpy cannot read despite a matching record
        raise ValueError(f"could not read the trained {record['game']} agent's weights from {path}: "
                         f"{error}") from error
    model = build_network(record["num_actions"], record.get("network", "nature"),
                          tuple(record.get("hidden_units", (512,))))
    expected = [tuple(weight.shape) for weight in model.get_weights()]
    found = [tuple(weight.shape) for weight in weights]
    if found != expected:
        raise ValueError(f"the weights in {path} do not fit {record['game']}'s network "
                         f"({record.get('network', 'nature')} ConvNet, {record['num_actions']} actions): "
                         f"their shapes are {found}, the network's {expected}")
    model.set_weights(weights)
    return model
