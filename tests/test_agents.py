"""The trained agents the course ships: their records, the loader's errors, and their scores.

The loader is tested on a small stand-in agent written to a temporary folder, so that its
errors are checked whatever the course ships. Every shipped agent (helpers/trained/) must
name a recorded full run and win its game on seeds no recorded run used (the runs evaluate
on seeds SEED + 10,000 to SEED + 30,000 for SEED 0-9).
"""

import json
import pathlib

import numpy as np
import pytest

from helpers import agents, envs

ROOT = pathlib.Path(__file__).resolve().parent.parent
EVALUATION_SEED = 424_242  # the vector environment of EVALUATION_GAMES games is reset with this seed
EVALUATION_GAMES = 10  # about 15 s on two CPU cores


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    """A folder holding one small agent for Pong (6 actions) with its record; the loader reads it."""
    import keras

    inputs = keras.Input((4, 84, 84), dtype="uint8")
    model = keras.Model(inputs, keras.layers.Dense(6)(keras.layers.Flatten()(keras.layers.Rescaling(1 / 255)(inputs))))
    folder = tmp_path / "trained"
    folder.mkdir()
    model.save(folder / "Pong.keras")
    record = {"game": "Pong", "file": "Pong.keras", "sha256": agents.sha256_of(folder / "Pong.keras"),
              "num_actions": 6}
    (folder / "Pong.json").write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setattr(agents, "TRAINED_DIR", folder)
    return folder


def test_the_loader_returns_the_network(stand_in):
    model = agents.load_agent("pong")
    assert model.input_shape == (None, 4, 84, 84) and model.output_shape == (None, 6)
    assert agents.available_agents() == ["Pong"]


def test_a_game_without_an_agent_gets_a_clear_error(stand_in):
    with pytest.raises(ValueError, match=r"no trained agent for 'Breakout'.*\['Pong'\]"):
        agents.load_agent("Breakout")
    with pytest.raises(ValueError, match="Did you mean 'Pong'"):
        agents.load_agent("Pongg")


def test_an_altered_file_fails_its_checksum(stand_in):
    path = stand_in / "Pong.keras"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="altered or corrupted"):
        agents.load_agent("Pong")


def test_a_missing_file_says_what_to_do(stand_in):
    (stand_in / "Pong.keras").unlink()
    with pytest.raises(FileNotFoundError, match="missing; restore it"):
        agents.load_agent("Pong")


def test_a_network_that_does_not_fit_the_game_is_refused(stand_in):
    import keras

    inputs = keras.Input((4, 84, 84), dtype="uint8")
    wrong = keras.Model(inputs, keras.layers.Dense(4)(keras.layers.Flatten()(inputs)))  # 4 actions, not 6
    wrong.save(stand_in / "Pong.keras")
    record = json.loads((stand_in / "Pong.json").read_text(encoding="utf-8"))
    record["sha256"] = agents.sha256_of(stand_in / "Pong.keras")
    (stand_in / "Pong.json").write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ValueError, match="does not fit Pong"):
        agents.load_agent("Pong")


@pytest.mark.parametrize("game", agents.available_agents())
def test_a_shipped_agent_names_its_recorded_run(game):
    record = agents.agent_record(game)
    entries = json.loads((ROOT / record["results_file"]).read_text(encoding="utf-8"))
    matching = [entry for entry in entries if entry["notebook"] == record["notebook"] and entry["mode"] == "full"
                and entry["seed"] == record["seed"] and entry["date"] == record["date"]]
    assert len(matching) == 1, "a shipped agent must come from a run recorded in results/full_runs.json"
    assert matching[0]["commit"] == record["commit"]
    assert matching[0]["shipped_agent"] == {"file": f"helpers/trained/{record['file']}", "sha256": record["sha256"]}
    assert matching[0]["results"]["atari_game"] == game
    assert (agents.TRAINED_DIR / record["file"]).stat().st_size <= 8_000_000
    assert agents.sha256_of(agents.TRAINED_DIR / record["file"]) == record["sha256"]


@pytest.mark.parametrize("game", agents.available_agents())
def test_a_shipped_agent_wins_new_games(game):
    import tensorflow as tf

    model = agents.load_agent(game)
    env = envs.make_atari_vector_env(game, EVALUATION_GAMES)
    observations, _ = env.reset(seed=EVALUATION_SEED)
    rng = np.random.default_rng(EVALUATION_SEED)
    num_actions = int(env.single_action_space.n)
    scores, finished = np.zeros(EVALUATION_GAMES), np.zeros(EVALUATION_GAMES, dtype=bool)
    predict = tf.function(lambda batch: model(batch, training=False))
    while not finished.all():  # epsilon 0.01, as the notebook evaluates
        greedy = np.argmax(predict(observations).numpy(), axis=1)
        random_actions = rng.integers(num_actions, size=EVALUATION_GAMES)
        actions = np.where(rng.random(EVALUATION_GAMES) < 0.01, random_actions, greedy)
        observations, rewards, terminated, truncated, _ = env.step(actions)
        scores += np.where(finished, 0.0, rewards)
        finished |= terminated | truncated
    env.close()
    assert scores.mean() >= 18, f"the shipped {game} agent scored {scores.tolist()} on games it never saw"
