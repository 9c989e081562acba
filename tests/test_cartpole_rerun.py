"""Re-running notebook 4's CartPole training cell after fixing the code trains anew.

A teacher runs the cell with a broken train step (it learns nothing), fixes the step and
runs the cell again: the second run must train from scratch with the fixed code, not
restore the first run's checkpoint and print its old numbers.
"""

import json
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "04_atari_dqn.ipynb"
CARTPOLE_CONFIG_CELL, CARTPOLE_TRAINING_CELL = "46c342cb", "7c0d8054"

BREAK_TRAIN_STEP = """
_fixed_make_train_step = make_train_step
def make_train_step(q_network, target_network, optimizer, gamma, double_dqn=False):  # learns nothing
    step = _fixed_make_train_step(q_network, target_network, keras.optimizers.SGD(0.0), gamma, double_dqn)
    return step
"""
REPORT = """
import json
print(json.dumps({"sessions": cartpole_log["sessions"], "steps": cartpole_log["step"][-1],
                  "weights_sum": float(sum(abs(w).sum() for w in cartpole_network.get_weights()))}))
"""


@pytest.mark.slow
def test_the_cartpole_cell_trains_anew_after_a_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("FAST", "1")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cells = {cell.get("id"): (index, cell) for index, cell in enumerate(notebook.cells)}
    # the code cells after the set-up cell (it installs the course on hosted runtimes only)
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.id != "colab_setup"]
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})

    def run_source(source):
        cell = nbformat.v4.new_code_cell(source)
        client.execute_cell(cell, 0)
        return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")

    def run(cell_id):
        index, cell = cells[cell_id]
        client.execute_cell(cell, index)
        return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")

    with client.setup_kernel():
        run_source(code[0].source + f"\nCHECKPOINT_DIR = {str(tmp_path)!r}")
        run_source(code[1].source)
        for cell in code[2:]:
            if "dqn" in cell.metadata.get("tags", []):
                run_source(cell.source)
        run(CARTPOLE_CONFIG_CELL)
        run_source("cartpole_config = dataclasses.replace(cartpole_config, total_steps=1_000, "
                   "checkpoint_interval=500, learning_starts=200)")
        run_source(BREAK_TRAIN_STEP)
        first_output = run(CARTPOLE_TRAINING_CELL)
        broken = json.loads(run_source(REPORT).strip().splitlines()[-1])
        run_source("make_train_step = _fixed_make_train_step")  # the fix
        second_output = run(CARTPOLE_TRAINING_CELL)
        fixed = json.loads(run_source(REPORT).strip().splitlines()[-1])
    assert "trains anew" not in first_output and "Training starts fresh" in first_output
    assert "Removed the checkpoint of this cell's previous run: CartPole trains anew" in second_output
    assert "Restored the finished run" not in second_output and "Training starts fresh" in second_output
    assert fixed["sessions"][0] == [0, 500], fixed["sessions"]  # trained from step 0, not resumed
    assert fixed["weights_sum"] != broken["weights_sum"]  # the fixed step changed the network
