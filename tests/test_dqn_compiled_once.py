"""Notebook 4's compiled functions are built once per network, not on every call.

Tracing a tf.function takes a moment (seconds for the Atari ConvNet); the CartPole cell
calls `train_dqn` once per stretch and `evaluate` after each, so both must reuse the
compiled Q-function and train step of their networks. Runs the notebook's `dqn` cells.
"""

import os
import pathlib
import sys

from helpers import training

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from dqn_loop import load_notebook_dqn  # noqa: E402  (the notebook's parameters, set-up and dqn cells, run)


def test_train_and_evaluate_reuse_the_compiled_functions(tmp_path, monkeypatch):
    monkeypatch.setenv("FAST", "1")
    dqn = load_notebook_dqn(str(tmp_path), name="notebook_dqn_compiled")
    config = dqn["DQNConfig"](total_steps=300, learning_rate=1e-3, batch_size=16, buffer_size=1_000,
                              learning_starts=100, train_frequency=1, target_update_interval=50,
                              epsilon_decay_steps=200, hidden_units=(16,), log_interval=100,
                              checkpoint_interval=150, save_replay_buffer=True, seed=0)
    env = dqn["make_cartpole_env"]()
    q_network = dqn["build_q_network"](env.observation_space.shape, env.action_space.n, config.hidden_units)
    target_network = dqn["build_q_network"](env.observation_space.shape, env.action_space.n, config.hidden_units)
    optimizer = dqn["keras"].optimizers.Adam(config.learning_rate)
    buffer = dqn["replay"].ReplayBuffer(config.buffer_size, env.observation_space.shape, seed=0)
    checkpoint = tmp_path / "cartpole.ckpt.npz"
    tracing_counts = []
    for total_steps in (150, 300):  # two stretches, the second resumes the first's checkpoint
        stretch = dqn["dataclasses"].replace(config, total_steps=total_steps)
        log, buffer = dqn["train_dqn"](env, q_network, target_network, optimizer, buffer, stretch,
                                       checkpoint_path=checkpoint, progress=False, verbose=False)
        dqn["evaluate"](dqn["make_cartpole_env"](), q_network, num_episodes=2)
        tracing_counts.append({key: function.experimental_get_tracing_count()
                               for key, (_, function) in training._compiled.items()})
    assert log["step"][-1] == 300 and log["sessions"] == [[0, 150], [150, 300]]
    compiled = {key: value for key, value in training._compiled.items()
                if any(value[0][0] is network for network in (q_network,))}
    assert len(compiled) == 2, list(compiled)  # one Q-function, one train step
    # the second stretch and evaluation traced nothing new (the first call of a train step may
    # trace twice: once more after Adam has created its variables)
    assert tracing_counts[1] == tracing_counts[0]
    # another network gets its own functions
    other = dqn["build_q_network"](env.observation_space.shape, env.action_space.n, config.hidden_units)
    assert training.q_function(other) is not training.q_function(q_network)
    assert training.q_function(q_network) is training.q_function(q_network)
    assert os.environ["FAST"] == "1"
