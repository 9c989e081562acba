"""Tests of helpers.checkpoints: a complete, atomic save/restore of a training state."""

import random

import numpy as np
import pytest

from helpers import runtime

runtime.quiet_tensorflow()
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from helpers import checkpoints, replay  # noqa: E402


def make_network(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])


def train_a_little(network, optimizer, steps=3):
    inputs = np.random.default_rng(1).normal(size=(16, 4)).astype(np.float32)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(network(inputs)))
        gradients = tape.gradient(loss, network.trainable_variables)
        optimizer.apply_gradients(zip(gradients, network.trainable_variables))


def assert_same_weights(first, second):
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.fixture
def trained(tmp_path):
    q_network, target_network = make_network(0), make_network(1)
    optimizer = keras.optimizers.Adam(1e-2)
    train_a_little(q_network, optimizer)
    return q_network, target_network, optimizer


def test_round_trip_restores_everything(tmp_path, trained):
    q_network, target_network, optimizer = trained
    rng = np.random.default_rng(7)
    rng.random(5)
    random.seed(3)
    np.random.seed(4)
    log = {"episode_return": [10.0, np.float32(12.5)], "episode_end_step": [np.int64(9), 30]}
    path = tmp_path / "run" / "dqn.ckpt.npz"
    saved = checkpoints.save_checkpoint(
        path, step=1234, networks={"q": q_network, "target": target_network}, optimizer=optimizer,
        epsilon=0.25, log=log, rng=rng, config={"gamma": 0.99, "total_steps": 10}, extra={"episodes": 2},
    )
    assert saved == path and checkpoints.checkpoint_exists(path)
    expected_q = q_network.get_weights()
    expected_target = target_network.get_weights()
    expected_optimizer = [variable.numpy() for variable in optimizer.variables]
    expected_draws = (random.random(), np.random.random(), rng.random(), tf.random.get_global_generator().normal([3]).numpy())

    # Different networks, an optimizer that has not been built yet, disturbed RNGs.
    new_q, new_target = make_network(10), make_network(11)
    new_optimizer = keras.optimizers.Adam(1e-2)
    new_rng = np.random.default_rng(99)
    random.seed(123)
    np.random.seed(456)
    tf.random.get_global_generator().normal([7])
    restored = checkpoints.load_checkpoint(
        path, networks={"q": new_q, "target": new_target}, optimizer=new_optimizer, rng=new_rng,
        config={"gamma": 0.99, "total_steps": 99},  # total_steps may differ on resume
    )
    assert restored.step == 1234 and restored.epsilon == 0.25
    assert restored.log == {"episode_return": [10.0, 12.5], "episode_end_step": [9, 30]}
    assert restored.extra == {"episodes": 2} and restored.config["gamma"] == 0.99
    assert restored.replay_buffer is None
    assert_same_weights(new_q.get_weights(), expected_q)
    assert_same_weights(new_target.get_weights(), expected_target)
    assert_same_weights([variable.numpy() for variable in new_optimizer.variables], expected_optimizer)
    draws = (random.random(), np.random.random(), new_rng.random(), tf.random.get_global_generator().normal([3]).numpy())
    assert draws[:3] == expected_draws[:3]
    np.testing.assert_array_equal(draws[3], expected_draws[3])
    # the restored optimizer keeps training from the same state as the original
    train_a_little(q_network, optimizer, steps=1)
    train_a_little(new_q, new_optimizer, steps=1)
    assert_same_weights(new_q.get_weights(), q_network.get_weights())
    assert_same_weights(checkpoints.network_weights(path, "target"), expected_target)


def test_failed_write_keeps_previous_checkpoint(tmp_path, trained, monkeypatch):
    q_network, _, optimizer = trained
    path = tmp_path / "dqn.ckpt.npz"
    checkpoints.save_checkpoint(path, step=1, networks={"q": q_network}, optimizer=optimizer)
    before = path.read_bytes()

    def broken_savez(file, **arrays):
        file.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(checkpoints.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        checkpoints.save_checkpoint(path, step=2, networks={"q": q_network}, optimizer=optimizer)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dqn.ckpt.npz"]  # no temporary left behind
    monkeypatch.undo()
    assert checkpoints.load_checkpoint(path, networks={"q": make_network(5)}).step == 1


def test_replay_buffer_saved_beside_and_old_copies_removed(tmp_path, trained):
    q_network, _, _ = trained
    buffer = replay.ReplayBuffer(100, (4,), seed=0)
    observation_rng = np.random.default_rng(0)
    for step in range(30):
        observation = observation_rng.normal(size=4).astype(np.float32)
        buffer.add(observation, step % 2, 1.0, observation + 1, step % 10 == 9)
    path = tmp_path / "cartpole.ckpt.npz"
    checkpoints.save_checkpoint(path, step=10, networks={"q": q_network}, replay_buffer=buffer)
    buffer.add(observation, 0, 0.5, observation, False)
    checkpoints.save_checkpoint(path, step=31, networks={"q": q_network}, replay_buffer=buffer)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cartpole.ckpt.npz", "cartpole.ckpt.replay-31.npz"]
    expected = buffer.sample(8)
    restored = checkpoints.load_checkpoint(path, networks={"q": q_network}, replay_buffer_class=replay.ReplayBuffer)
    assert len(restored.replay_buffer) == 31
    for got, want in zip(restored.replay_buffer.sample(8), expected, strict=True):
        np.testing.assert_array_equal(got, want)  # same contents, same sampling state


def test_config_mismatch_is_refused(tmp_path, trained):
    q_network, _, _ = trained
    path = tmp_path / "dqn.ckpt.npz"
    checkpoints.save_checkpoint(path, step=5, networks={"q": q_network}, config={"learning_rate": 1e-3})
    with pytest.raises(ValueError, match="learning_rate"):
        checkpoints.load_checkpoint(path, networks={"q": q_network}, config={"learning_rate": 5e-4})


def test_clear_errors(tmp_path, trained):
    q_network, _, _ = trained
    with pytest.raises(ValueError, match=".npz"):
        checkpoints.save_checkpoint(tmp_path / "dqn.ckpt", step=0, networks={"q": q_network})
    with pytest.raises(TypeError, match="networks"):
        checkpoints.save_checkpoint(tmp_path / "a.npz", step=0, networks=[q_network])
    with pytest.raises(ValueError, match="step"):
        checkpoints.save_checkpoint(tmp_path / "a.npz", step=-1, networks={"q": q_network})
    with pytest.raises(TypeError, match="rng"):
        checkpoints.save_checkpoint(tmp_path / "a.npz", step=0, networks={"q": q_network}, rng=np.random.RandomState(0))
    with pytest.raises(FileNotFoundError):
        checkpoints.load_checkpoint(tmp_path / "missing.npz", networks={"q": q_network})
    checkpoints.save_checkpoint(tmp_path / "a.npz", step=0, networks={"q": q_network})
    with pytest.raises(KeyError, match="target"):
        checkpoints.load_checkpoint(tmp_path / "a.npz", networks={"target": q_network})
    small = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    with pytest.raises(ValueError):
        checkpoints.load_checkpoint(tmp_path / "a.npz", networks={"q": small})
    assert not checkpoints.checkpoint_exists(tmp_path / "missing.npz")


def test_read_metadata_gives_the_config_and_step_without_the_arrays(tmp_path):
    keras = pytest.importorskip("keras")
    network = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = tmp_path / "run.ckpt.npz"
    checkpoints.save_checkpoint(path, step=7, networks={"q": network}, config={"buffer_size": 10}, log={"step": [7]})
    meta = checkpoints.read_metadata(path)
    assert meta["step"] == 7 and meta["config"] == {"buffer_size": 10} and meta["log"] == {"step": [7]}
    with pytest.raises(FileNotFoundError):
        checkpoints.read_metadata(tmp_path / "missing.ckpt.npz")


def test_delete_checkpoint_removes_it_and_its_replay_buffers(tmp_path):
    path = tmp_path / "run.ckpt.npz"
    buffer = replay.ReplayBuffer(10, (2,), seed=0)
    buffer.add(np.zeros(2, np.float32), 0, 1.0, np.ones(2, np.float32), False)
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    checkpoints.save_checkpoint(path, step=5, networks={"q": model}, replay_buffer=buffer)
    assert checkpoints.checkpoint_exists(path) and list(tmp_path.glob("run.ckpt.replay-*.npz"))
    (tmp_path / "other.ckpt.npz").write_bytes(b"not ours")
    assert checkpoints.delete_checkpoint(path) is True
    assert not checkpoints.checkpoint_exists(path) and not list(tmp_path.glob("run.ckpt.replay-*.npz"))
    assert (tmp_path / "other.ckpt.npz").exists()
    assert checkpoints.delete_checkpoint(path) is False
    with pytest.raises(ValueError, match="must end in .npz"):
        checkpoints.delete_checkpoint(tmp_path / "run.ckpt")
