"""Interrupt notebook 4's Atari training, resume it with another length, and run what follows.

This runs the notebook's own cells in a real Jupyter kernel (nbclient), in quick mode,
the way a user does it:

1. run the notebook up to the Atari training cell (CartPole shrunk to a few hundred
   steps, whose check cell is skipped: CartPole is not what this test is about) and
   start training a short run; the training environment raises KeyboardInterrupt
   part-way, after a checkpoint, as pressing "interrupt" in Jupyter does;
2. change ATARI_TOTAL_STEPS (a longer run) and run the configuration and training
   cells again: the run must resume the checkpoint, reach the new total, and the old
   replay buffer must not stay in memory beside the new one;
3. run every cell after training (time split, plots, evaluation, animation, checks,
   summary);
4. run configuration, training and the cells after it once more: the finished run is
   restored (nothing trained, an empty replay buffer) and everything still works.

Set DQN_NOTEBOOK=<path> to run it against another version of the notebook (for example
the one before a change, to see which of these steps it fails).
"""

import json
import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = pathlib.Path(os.environ.get("DQN_NOTEBOOK", ROOT / "notebooks" / "04_atari_dqn.ipynb"))

# Cells by id (stable ids in the notebook).
ATARI_STEPS_CELL = "ce6d2c95"  # sets ATARI_TOTAL_STEPS and shows the frames
ATARI_CONFIG_CELL = "14e1457d"
ATARI_TRAINING_CELL = "eb23a6ac"
CARTPOLE_CONFIG_CELL = "46c342cb"
CARTPOLE_CHECK_CELL = "0d7a1802"
SUMMARY_CELL = "671a22d1"

FIRST_TOTAL, INTERRUPT_AT, CHECKPOINT_INTERVAL, SECOND_TOTAL = 800, 45, 160, 1200  # agent steps; 8 games per step

INTERRUPT = f"""
_make_atari_vector_env = envs.make_atari_vector_env
def _interrupted_atari_env(game, num_envs, **kwargs):  # the training env stops as if the user pressed interrupt
    env = _make_atari_vector_env(game, num_envs, **kwargs)
    if num_envs == atari_config.num_envs:  # the training games, not the evaluation games
        step, count = env.step, [0]
        def interrupting_step(actions):
            count[0] += 1
            if count[0] > {INTERRUPT_AT}:
                raise KeyboardInterrupt("interrupted by the test")
            return step(actions)
        env.step = interrupting_step
    return env
envs.make_atari_vector_env = _interrupted_atari_env
"""

REPORT = """
import gc, json
_buffers = [obj for obj in gc.get_objects() if type(obj) is replay.AtariVectorReplayBuffer]
_meta = checkpoints.read_checkpoint(atari_checkpoint_path if "atari_checkpoint_path" in globals()
                                    else CHECKPOINT_DIR / f"atari-{ATARI_GAME}.ckpt.npz")[0]
print(json.dumps({
    "live_buffer_bytes": sum(buffer.nbytes for buffer in _buffers),
    "buffer_bytes": replay.AtariVectorReplayBuffer.bytes_needed(atari_config.buffer_size),
    "buffer_size": atari_config.buffer_size,
    "total_steps": atari_config.total_steps,
    "checkpoint_step": _meta["step"],
    "log_steps": atari_log["step"],
    "stored": len(atari_buffer),
}))
"""


class Kernel:
    """Runs cells of one notebook in one kernel, by id or as extra code."""

    def __init__(self, notebook, client):
        self.notebook, self.client = notebook, client
        self.index = {cell.id: number for number, cell in enumerate(notebook.cells)}

    def run(self, cell_id):
        number = self.index[cell_id]
        return self.client.execute_cell(self.notebook.cells[number], number)

    def code(self, source):
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, 0)
        return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")

    def report(self):
        return json.loads(self.code(REPORT).strip().splitlines()[-1])


def code_ids_between(notebook, first, last):
    """Ids of the code cells strictly after `first` up to and including `last`, without exercise solutions."""
    ids = [cell.id for cell in notebook.cells]
    return [
        cell.id
        for cell in notebook.cells[ids.index(first) + 1 : ids.index(last) + 1]
        if cell.cell_type == "code" and "solution" not in cell.metadata.get("tags", [])
    ]


@pytest.mark.slow
def test_atari_training_interrupted_resumed_longer_and_rerun(tmp_path, monkeypatch):
    monkeypatch.setenv("FAST", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # the code cells after the set-up cell (it installs the course on hosted runtimes only)
    code_ids = [cell.id for cell in notebook.cells if cell.cell_type == "code" and cell.id != "colab_setup"]
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    with client.setup_kernel():
        kernel = Kernel(notebook, client)
        override_config = (f"atari_config = dataclasses.replace(atari_config, "
                           f"checkpoint_interval={CHECKPOINT_INTERVAL})  # checkpoints before the interrupt")

        # 1. Up to the Atari training, which is interrupted after a checkpoint.
        kernel.run(code_ids[0])
        kernel.code(f"CHECKPOINT_DIR = {str(tmp_path)!r}\nATARI_TOTAL_STEPS = {FIRST_TOTAL}")
        for cell_id in code_ids[1 : code_ids.index(ATARI_TRAINING_CELL)]:
            if cell_id == CARTPOLE_CHECK_CELL:
                continue
            kernel.run(cell_id)
            if cell_id == CARTPOLE_CONFIG_CELL:
                kernel.code("cartpole_config = dataclasses.replace(cartpole_config, total_steps=400, "
                            "checkpoint_interval=400, learning_starts=200)")
            if cell_id == ATARI_CONFIG_CELL:
                kernel.code(override_config)
        kernel.code(INTERRUPT)
        with pytest.raises(CellExecutionError, match="KeyboardInterrupt"):
            kernel.run(ATARI_TRAINING_CELL)
        checkpoint_step = json.loads(kernel.code(
            "import json\n"
            f"print(json.dumps(checkpoints.read_checkpoint(CHECKPOINT_DIR / f'atari-{{ATARI_GAME}}.ckpt.npz')[0]['step']))"
        ))
        assert checkpoint_step == 2 * CHECKPOINT_INTERVAL  # the last checkpoint before the interrupt

        # 2. A longer run: the configuration and training cells again, as a user re-runs them.
        kernel.code(f"envs.make_atari_vector_env = _make_atari_vector_env\nATARI_TOTAL_STEPS = {SECOND_TOTAL}")
        kernel.run(ATARI_CONFIG_CELL)  # old notebooks: the checkpoint is refused here or in training
        kernel.code(override_config)
        kernel.run(ATARI_TRAINING_CELL)
        report = kernel.report()
        assert report["total_steps"] == SECOND_TOTAL and report["checkpoint_step"] == SECOND_TOTAL
        # the log goes on from the checkpoint: rows before it are kept, rows after it are new
        assert report["log_steps"][-1] == SECOND_TOTAL
        assert [step for step in report["log_steps"] if step <= checkpoint_step][-1] == checkpoint_step
        # only this session's transitions are in the buffer; the interrupted run's buffer was let go
        assert 0 < report["stored"] <= min(SECOND_TOTAL - checkpoint_step, report["buffer_size"])
        assert report["live_buffer_bytes"] <= report["buffer_bytes"], report

        # 3. Everything after training.
        after_training = code_ids_between(notebook, ATARI_TRAINING_CELL, SUMMARY_CELL)
        for cell_id in after_training:
            kernel.run(cell_id)

        # 4. Re-run of the finished run: restored, nothing trained, empty buffer; the cells after still work.
        kernel.run(ATARI_CONFIG_CELL)
        kernel.code(override_config)
        kernel.run(ATARI_TRAINING_CELL)
        report = kernel.report()
        assert report["stored"] == 0 and report["checkpoint_step"] == SECOND_TOTAL
        assert report["live_buffer_bytes"] <= report["buffer_bytes"], report
        for cell_id in after_training:
            kernel.run(cell_id)
