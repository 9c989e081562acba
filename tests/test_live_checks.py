"""Each blank of the live copies is followed by a check that fails right there.

For two blanks per notebook, the live copy runs in a fresh kernel (quick mode) up to the
blank; then, in the blank's cell,

1. the stub as the live copy gives it: the next cell (its check) fails, naming the blank and
   telling the student to type the code or run its %load line;
2. a typical wrong answer (the solution with one mistake): the next cell fails, naming the
   blank and what was expected;
3. the solution (what %load pastes): the check passes and the notebook goes on.

Blanks in between are caught up with their solution.
"""

import importlib.util
import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIVE_DIR = ROOT / "notebooks" / "live"
_spec = importlib.util.spec_from_file_location("make_live_notebooks", ROOT / "scripts" / "make_live_notebooks.py")
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)

CATCH_UP_HINT = "type the code above or run its %load line"

# notebook -> {blank id: (text in the solution, the mistake that replaces it, what the check says)}
WRONG_ANSWERS = {
    "01_nonlinear_classification": {
        "two_layer_network": ("hidden = tf.nn.relu(points @ W1 + b1)", "hidden = points @ W1 + b1",
                              "forward(moons_x[:5])"),
        "gradient_tape_training_loop": ("        parameter.assign_sub(learning_rate * gradient)",
                                        "        parameter.assign_sub(gradient)",  # no learning rate
                                        "W1 after one step"),
    },
    "02_autoencoders": {
        "binary_autoencoder_builder": ('num_inputs, activation="softmax"', 'num_inputs, activation="sigmoid"',
                                       "the sum of each output row (softmax)"),
        "tied_dense_layer": ("if self.use_bias:\n            self.bias = self.add_weight(",
                             "if True:\n            self.bias = self.add_weight(",  # a bias always
                             "the weights of TiedDense(use_bias=False)"),
    },
    "03_mnist_convnets": {
        "convolution_by_hand": ("np.sum(patch * kernel)", "np.sum(patch * kernel[::-1, ::-1])",
                                "convolve2d(4x5 image, 2x3 kernel)"),
        "final_conv_block": ('keras.layers.Conv2D(filters, 3, use_bias=False, name=f"{name}_conv")',
                             'keras.layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")',
                             "conv_block(13x13x32 input, 64, pool=False).shape"),
    },
    "04_atari_dqn": {
        "epsilon_greedy": ("explore = rng.random(len(observations)) < epsilon",
                           "explore = rng.random(len(observations)) > epsilon",  # explores when greedy
                           "the actions with epsilon 0"),
        "dqn_train_step": ("targets = rewards + discounts * (1.0 - terminated) * next_values",
                           "targets = rewards + discounts * next_values",  # bootstraps after the end
                           "the loss of make_train_step"),
    },
}


def solution(stem, cell_id):
    return generator.solution_path(ROOT / "notebooks", stem, cell_id).read_text(encoding="utf-8")


def test_the_wrong_answers_change_the_solutions():
    for stem, blanks in WRONG_ANSWERS.items():
        for cell_id, (right, wrong, _) in blanks.items():
            assert solution(stem, cell_id).count(right) == 1, f"{stem}/{cell_id}: {right!r} not in its solution"


@pytest.mark.slow
@pytest.mark.parametrize("stem", WRONG_ANSWERS)
def test_a_stub_or_a_wrong_answer_fails_at_the_next_cell(stem):
    notebook = nbformat.read(LIVE_DIR / f"{stem}.ipynb", as_version=4)
    targets = WRONG_ANSWERS[stem]
    ids = [cell.id for cell in notebook.cells]
    last = max(ids.index(cell_id) for cell_id in targets) + 1  # the last target's check
    for cell_id in targets:  # the cell after the blank is its check (any id)
        following = notebook.cells[ids.index(cell_id) + 1]
        assert following.cell_type == "code" and cell_id in following.source, f"{stem}: no check after {cell_id}"
    env = dict(os.environ, FAST="1", TF_CPP_MIN_LOG_LEVEL="3")
    client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(LIVE_DIR)}})
    failures = {}

    def run(index, source):
        cell = notebook.cells[index]
        cell.source = source
        client.execute_cell(cell, index)

    def fails(index, source, check_index):
        run(index, source)
        with pytest.raises(CellExecutionError) as caught:
            run(check_index, notebook.cells[check_index].source)
        return caught.value

    with client.setup_kernel(env=env):
        for index, cell in enumerate(notebook.cells[:last + 1]):
            if cell.cell_type != "code":
                continue
            if cell.id in targets:
                right, wrong, expected = targets[cell.id]
                stub_error = fails(index, cell.source, index + 1)
                wrong_error = fails(index, solution(stem, cell.id).replace(right, wrong), index + 1)
                failures[cell.id] = (stub_error, wrong_error, expected)
                run(index, solution(stem, cell.id))
            elif generator.is_blanked(cell) or cell.source.startswith("# %load"):
                run(index, solution(stem, cell.id))
            else:  # as given; a target's check runs here again, after the right answer, and passes
                run(index, cell.source)
    for cell_id, (stub_error, wrong_error, expected) in failures.items():
        for error in (stub_error, wrong_error):
            assert error.ename == "AssertionError", (cell_id, error.ename, error.evalue)
            assert error.evalue.startswith((f"blank `{cell_id}`: ", f"blank {cell_id}: ")), (cell_id, error.evalue)
        assert CATCH_UP_HINT in stub_error.evalue, (cell_id, stub_error.evalue)
        assert expected in wrong_error.evalue and CATCH_UP_HINT not in wrong_error.evalue, (cell_id, wrong_error.evalue)
        print(f"{stem}/{cell_id}\n  stub:  {stub_error.evalue}\n  wrong: {wrong_error.evalue}")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda path: path.stem)
def test_every_lesson_blank_is_followed_by_its_check(path):
    """The cell right after each `live` cell is a code cell that checks it and names it."""
    cells = nbformat.read(path, as_version=4).cells
    missing = []
    for index, cell in enumerate(cells):
        if "live" not in cell.metadata.get("tags", []):
            continue
        following = cells[index + 1] if index + 1 < len(cells) else None
        names = (f'checks.blank("{cell.id}")', f"blank {cell.id}:", f"blank `{cell.id}`")
        if following is None or following.cell_type != "code" or not any(n in following.source for n in names):
            missing.append(cell.id)
    assert not missing, f"{path.name}: no check cell naming the blank right after {missing}"
