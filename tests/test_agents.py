"""The trained agent the course ships: its record, its loader's errors, and its score.

The evaluation plays whole games of Pong with the shipped network on seeds no recorded
run used (the runs evaluate on seeds SEED + 10,000 to SEED + 30,000 for SEED 0-9).
"""

import json
import pathlib
import shutil

import numpy as np
import pytest

from helpers import agents, envs

ROOT = pathlib.Path(__file__).resolve().parent.parent
EVALUATION_SEED = 424_242  # games 424,242 to 424,244
EVALUATION_GAMES = 3


@pytest.fixture
def trained_copy(tmp_path, monkeypatch):
    """The shipped files copied to a folder the test may damage; the loader reads from there."""
    folder = tmp_path / "trained"
    shutil.copytree(agents.TRAINED_DIR, folder)
    monkeypatch.setattr(agents, "TRAINED_DIR", folder)
    return folder


def test_the_record_names_a_recorded_run():
    record = agents.agent_record("Pong")
    entries = json.loads((ROOT / record["results_file"]).read_text(encoding="utf-8"))
    matching = [entry for entry in entries if entry["notebook"] == record["notebook"] and entry["mode"] == "full"
                and entry["seed"] == record["seed"] and entry["date"] == record["date"]]
    assert len(matching) == 1, "the shipped agent must come from a run recorded in results/full_runs.json"
    entry = matching[0]
    assert entry["results"]["atari_eval_score"] == record["eval_score"] >= 18
    assert entry["commit"] == record["commit"]
    assert (agents.TRAINED_DIR / record["file"]).stat().st_size <= 8_000_000
    assert agents.sha256_of(agents.TRAINED_DIR / record["file"]) == record["sha256"]


def test_the_shipped_agent_wins_pong_on_new_games():
    model = agents.load_agent("pong")
    assert model.input_shape == (None, 4, 84, 84) and model.output_shape == (None, 6)
    env = envs.make_atari_vector_env("Pong", EVALUATION_GAMES)
    observations, _ = env.reset(seed=EVALUATION_SEED)
    rng = np.random.default_rng(EVALUATION_SEED)
    scores, finished = np.zeros(EVALUATION_GAMES), np.zeros(EVALUATION_GAMES, dtype=bool)
    predict = __import__("tensorflow").function(lambda batch: model(batch, training=False))
    while not finished.all():
        greedy = np.argmax(predict(observations).numpy(), axis=1)
        actions = np.where(rng.random(EVALUATION_GAMES) < 0.01, rng.integers(6, size=EVALUATION_GAMES), greedy)
        observations, rewards, terminated, truncated, _ = env.step(actions)
        scores += np.where(finished, 0.0, rewards)
        finished |= terminated | truncated
    env.close()
    assert scores.mean() >= 18, f"the shipped Pong agent scored {scores.tolist()} on games it never saw"


def test_a_game_without_an_agent_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"no trained agent for 'Breakout'.*\['Pong'\]"):
        agents.load_agent("Breakout")
    with pytest.raises(ValueError, match="Did you mean 'Pong'"):
        agents.load_agent("Pongg")


def test_an_altered_file_fails_its_checksum(trained_copy):
    path = trained_copy / "Pong.keras"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="altered or corrupted"):
        agents.load_agent("Pong")


def test_a_missing_file_says_what_to_do(trained_copy):
    (trained_copy / "Pong.keras").unlink()
    with pytest.raises(FileNotFoundError, match="missing; restore it"):
        agents.load_agent("Pong")


def test_a_network_that_does_not_fit_the_game_is_refused(trained_copy):
    import keras

    inputs = keras.Input((4, 84, 84), dtype="uint8")
    wrong = keras.Model(inputs, keras.layers.Dense(4)(keras.layers.Flatten()(inputs)))  # 4 actions, not 6
    wrong.save(trained_copy / "Pong.keras")
    record = json.loads((trained_copy / "Pong.json").read_text())
    record["sha256"] = agents.sha256_of(trained_copy / "Pong.keras")
    (trained_copy / "Pong.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="does not fit Pong"):
        agents.load_agent("Pong")
