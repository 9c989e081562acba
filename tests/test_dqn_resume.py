"""Kill a DQN training run mid-way, resume it, and check that nothing was lost.

The training code under test is the notebook's own: the cells of
notebooks/04_atari_dqn.ipynb tagged `dqn` (hyperparameters, Q-network, epsilon-greedy,
act/train steps, the loop with its checkpoints), preceded by the notebook's parameters
and set-up cells. They run in a subprocess on CartPole with a tiny network, which is
killed with SIGKILL once a checkpoint is on disk, then started again.
"""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import numpy as np
import pytest

from helpers import checkpoints

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "04_atari_dqn.ipynb"
TOTAL_STEPS_FIRST_RUN = 20_000  # far more than it gets to do before it is killed
CHECKPOINT_INTERVAL = 150

DRIVER = """
import json
import sys

checkpoint_path, total_steps, report_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
config = DQNConfig(
    total_steps=total_steps, learning_rate=1e-3, adam_epsilon=1e-7, batch_size=32, buffer_size=50_000,
    learning_starts=100, train_frequency=1, target_update_interval=100, epsilon_end=0.05,
    epsilon_decay_steps=500, hidden_units=(32,), log_interval=50, checkpoint_interval=CHECKPOINT_INTERVAL,
    save_replay_buffer=True, seed=0,
)
runtime.set_seed(0)
env = make_cartpole_env()
q_network = build_q_network(env.observation_space.shape, env.action_space.n, config.hidden_units)
target_network = build_q_network(env.observation_space.shape, env.action_space.n, config.hidden_units)
optimizer = keras.optimizers.Adam(config.learning_rate, epsilon=config.adam_epsilon)
buffer = replay.ReplayBuffer(config.buffer_size, env.observation_space.shape, seed=0)
report = {"restored": None}

# Spy on the restore: record the state of the networks the moment the loop has restored them.
original_load_checkpoint = checkpoints.load_checkpoint
def load_and_record(*args, **kwargs):
    restored = original_load_checkpoint(*args, **kwargs)
    np.savez(report_path + ".restored.npz", *q_network.get_weights(), *target_network.get_weights(),
             *[variable.numpy() for variable in optimizer.variables])
    report["restored"] = {"step": restored.step, "buffer": len(restored.replay_buffer)}
    return restored
checkpoints.load_checkpoint = load_and_record

log, buffer = train_dqn(env, q_network, target_network, optimizer, buffer, config,
                        checkpoint_path=checkpoint_path, progress=False)
report.update(final_step=log["step"][-1], buffer=len(buffer), log=log)
np.savez(report_path + ".final.npz", *q_network.get_weights())
with open(report_path, "w", encoding="utf-8") as file:
    json.dump(report, file)
"""


def notebook_training_script(checkpoint_dir: pathlib.Path) -> str:
    """The notebook's parameters, set-up and `dqn` cells, then the driver above."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # the code cells after the set-up cell (it installs the course on hosted runtimes only)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.id != "colab_setup"]
    dqn_cells = [cell.source for cell in code_cells if "dqn" in cell.metadata.get("tags", [])]
    assert len(dqn_cells) >= 5, "the notebook should tag its DQN algorithm cells with 'dqn'"
    assert "parameters" in code_cells[0].metadata.get("tags", [])
    parts = [
        code_cells[0].source,
        f"CHECKPOINT_DIR = {str(checkpoint_dir)!r}",
        code_cells[1].source,
        *dqn_cells,
        f"CHECKPOINT_INTERVAL = {CHECKPOINT_INTERVAL}",
        DRIVER,
    ]
    return "\n\n".join(parts) + "\n"


def start(script, checkpoint_path, total_steps, report_path):
    environment = dict(os.environ, FAST="1", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.Popen(
        [sys.executable, str(script), str(checkpoint_path), str(total_steps), str(report_path)],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def finish(process, timeout=180):
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output[-3000:]
    return output


def arrays(path):
    with np.load(path) as data:
        return [data[f"arr_{index}"] for index in range(len(data.files))]


@pytest.mark.slow
def test_killed_training_resumes_from_its_checkpoint(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(notebook_training_script(tmp_path), encoding="utf-8")
    checkpoint_path = tmp_path / "run" / "cartpole.ckpt.npz"

    # 1. Train, and kill the process (no clean-up possible) once its second checkpoint is on disk.
    process = start(script, checkpoint_path, TOTAL_STEPS_FIRST_RUN, tmp_path / "first.json")
    deadline = time.monotonic() + 150
    try:
        while True:
            assert process.poll() is None, "training ended before it was killed:\n" + process.stdout.read()[-3000:]
            assert time.monotonic() < deadline, "no second checkpoint within the time limit"
            if checkpoints.checkpoint_exists(checkpoint_path):
                meta, _ = checkpoints.read_checkpoint(checkpoint_path)
                if meta["step"] >= 2 * CHECKPOINT_INTERVAL:
                    break
            time.sleep(0.02)
    finally:
        process.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up either way
        process.communicate()
    assert process.returncode == (-signal.SIGKILL if hasattr(signal, "SIGKILL") else 1)

    # 2. What the checkpoint holds (a later one may have been written just before the kill).
    meta, saved = checkpoints.read_checkpoint(checkpoint_path)
    checkpoint_step = meta["step"]
    assert checkpoint_step % CHECKPOINT_INTERVAL == 0 and checkpoint_step < TOTAL_STEPS_FIRST_RUN
    saved_log = meta["log"]
    assert len(saved_log["episode_return"]) > 0 and saved_log["step"][-1] == checkpoint_step
    expected_networks = [saved[f"network/{name}/{index}"] for name in ("q_network", "target_network")
                         for index in range(meta["network_sizes"][name])]
    expected_optimizer = [saved[f"optimizer/{index}"] for index in range(meta["optimizer_size"])]
    assert int(expected_optimizer[0]) > 0  # Adam has taken steps: its state matters
    leftovers = sorted(path.name for path in checkpoint_path.parent.iterdir())
    assert leftovers == ["cartpole.ckpt.npz", f"cartpole.ckpt.replay-{checkpoint_step}.npz"], leftovers
    copy_dir = tmp_path / "copy"
    shutil.copytree(checkpoint_path.parent, copy_dir)

    # 3. Resume: the same script, with a total a little beyond the checkpoint.
    total_steps = checkpoint_step + 200
    finish(start(script, checkpoint_path, total_steps, tmp_path / "resumed.json"))
    report = json.loads((tmp_path / "resumed.json").read_text(encoding="utf-8"))
    assert report["restored"] == {"step": checkpoint_step, "buffer": checkpoint_step}
    for got, want in zip(arrays(str(tmp_path / "resumed.json") + ".restored.npz"),
                         expected_networks + expected_optimizer, strict=True):
        np.testing.assert_array_equal(got, want)  # both networks and Adam exactly as checkpointed
    log = report["log"]
    assert report["final_step"] == total_steps
    assert report["buffer"] == total_steps  # the saved transitions plus exactly the new steps
    for key in ("episode_return", "episode_length", "episode_end_step", "step", "loss", "epsilon"):
        assert log[key][: len(saved_log[key])] == saved_log[key], f"log[{key!r}] lost entries on resume"
    assert log["step"][len(saved_log["step"]):] == list(range(checkpoint_step + 50, total_steps + 1, 50))
    assert all(end > checkpoint_step for end in log["episode_end_step"][len(saved_log["episode_end_step"]):])
    final_meta, _ = checkpoints.read_checkpoint(checkpoint_path)
    assert final_meta["step"] == total_steps

    # 4. Resuming is reproducible: the same checkpoint resumed again gives the same result.
    finish(start(script, copy_dir / "cartpole.ckpt.npz", total_steps, tmp_path / "again.json"))
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["log"]["episode_return"] == log["episode_return"]
    for got, want in zip(arrays(str(tmp_path / "again.json") + ".final.npz"),
                         arrays(str(tmp_path / "resumed.json") + ".final.npz"), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
