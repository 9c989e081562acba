"""The trained agents the course ships: their records, the loader's errors, and their scores.

The loader is tested on a small stand-in agent written to a temporary folder, so that its
errors are checked whatever the course ships. Every shipped agent (helpers/trained/) must
name a recorded full run and win its game on seeds no recorded run used (the runs evaluate
on seeds SEED + 10,000 to SEED + 40,000 for SEED 0-9).
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
    """A folder holding an untrained agent for Pong (6 actions) with its record; the loader reads it."""
    folder = tmp_path / "trained"
    folder.mkdir()
    agents.save_weights(agents.build_network(6, "2013", (32,)), folder / "Pong.weights.npz")
    record = {"game": "Pong", "file": "Pong.weights.npz", "sha256": agents.sha256_of(folder / "Pong.weights.npz"),
              "num_actions": 6, "network": "2013", "hidden_units": [32]}
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
    path = stand_in / "Pong.weights.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="altered or corrupted"):
        agents.load_agent("Pong")


def test_a_missing_file_says_what_to_do(stand_in):
    (stand_in / "Pong.weights.npz").unlink()
    with pytest.raises(FileNotFoundError, match="missing; restore it"):
        agents.load_agent("Pong")


def rewrite_weights(folder, network):
    """Replace the stand-in's weights and update its checksum, as a careless export would."""
    agents.save_weights(network, folder / "Pong.weights.npz")
    record = json.loads((folder / "Pong.json").read_text(encoding="utf-8"))
    record["sha256"] = agents.sha256_of(folder / "Pong.weights.npz")
    (folder / "Pong.json").write_text(json.dumps(record), encoding="utf-8")


def test_weights_that_do_not_fit_the_network_are_refused(stand_in):
    rewrite_weights(stand_in, agents.build_network(4, "2013", (32,)))  # 4 actions, not 6
    with pytest.raises(ValueError, match="do not fit Pong's network"):
        agents.load_agent("Pong")
    rewrite_weights(stand_in, agents.build_network(6, "nature", (32,)))  # another ConvNet
    with pytest.raises(ValueError, match="do not fit Pong's network"):
        agents.load_agent("Pong")


def test_the_loaders_network_is_the_notebooks(tmp_path):
    """build_network computes what the notebook's build_q_network computes, for both ConvNets."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from dqn_loop import load_notebook_dqn

    build_q_network = load_notebook_dqn(str(tmp_path))["build_q_network"]
    observations = np.random.default_rng(0).integers(0, 256, size=(4, 4, 84, 84), dtype=np.uint8)
    for conv, hidden_units in (("nature", (512,)), ("2013", (256,))):
        notebooks = build_q_network((4, 84, 84), 6, hidden_units, conv=conv)
        ours = agents.build_network(6, conv, hidden_units)
        assert [w.shape for w in ours.get_weights()] == [w.shape for w in notebooks.get_weights()]
        ours.set_weights(notebooks.get_weights())
        np.testing.assert_allclose(ours(observations), notebooks(observations), atol=1e-5)


@pytest.mark.parametrize("game", agents.available_agents())
def test_a_shipped_agent_names_its_recorded_run(game):
    record = agents.agent_record(game)
    entries = json.loads((ROOT / record["results_file"]).read_text(encoding="utf-8"))
    matching = [entry for entry in entries if entry["notebook"] == record["notebook"] and entry["mode"] == "full"
                and entry["seed"] == record["seed"] and entry["date"] == record["date"]]
    assert len(matching) == 1, "a shipped agent must come from a run recorded in results/full_runs.json"
    assert matching[0]["commit"] == record["commit"]
    run = matching[0]  # what the notebook prints about the agent is what the run recorded
    assert record["agent_steps"] == run["results"]["atari_eval_curve"]["step"][-1]
    assert record["eval_score"] == run["results"]["atari_eval_score"]
    assert record["training_minutes"] == round(run["timings"]["atari_training_seconds"] / 60, 1)
    if "resumed_from" in run:
        assert record["resumed_from"]["commit"] == run["resumed_from"]["commit"]
        assert record["resumed_from"]["eval_score"] == run["resumed_from"]["results"]["atari_eval_score"]
    shipped_file = f"helpers/trained/{record['file']}"
    assert matching[0]["shipped_agent"] == {"file": shipped_file, "sha256": record["sha256"]}
    claiming = [entry for entry in entries if entry.get("shipped_agent", {}).get("file") == shipped_file]
    assert claiming == [matching[0]], "one recorded run, the one the record names, ships each agent file"
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
