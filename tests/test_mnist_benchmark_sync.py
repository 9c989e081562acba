"""benchmarks/mnist_convnet.py must train the same final model as notebook 3."""

import ast
import importlib.util
import json
import pathlib
import re

import numpy as np
import pytest

keras = pytest.importorskip("keras")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_mnist_convnets.ipynb"
BENCHMARK = ROOT / "benchmarks" / "mnist_convnet.py"


def notebook_code_cells():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def load_benchmark():
    spec = importlib.util.spec_from_file_location("mnist_convnet_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def full_run_value(parameters_source, name):
    """The value a parameter takes in a full run: `NAME = <fast> if FAST else <full>` or `NAME = <value>`."""
    for node in ast.parse(parameters_source).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            value = node.value.orelse if isinstance(node.value, ast.IfExp) else node.value
            return ast.literal_eval(value)
    raise AssertionError(f"{name} is not set in the notebook's parameters cell")


def layer_signature(model):
    signature = []
    for layer in model.layers:
        config = {key: value for key, value in layer.get_config().items() if key not in ("name", "seed")}
        if isinstance(layer, keras.Sequential):
            config = [type(inner).__name__ + repr(sorted((k, v) for k, v in inner.get_config().items()
                                                        if k not in ("name", "seed"))) for inner in layer.layers]
        signature.append((type(layer).__name__, repr(config)))
    return signature


def test_benchmark_uses_the_notebooks_schedule_settings():
    parameters = notebook_code_cells()[0]
    benchmark = load_benchmark()
    assert benchmark.FINAL_EPOCHS == full_run_value(parameters, "FINAL_EPOCHS")
    assert benchmark.FINAL_BATCH_SIZE == full_run_value(parameters, "FINAL_BATCH_SIZE")
    assert benchmark.PEAK_LEARNING_RATE == full_run_value(parameters, "PEAK_LEARNING_RATE")
    assert benchmark.NUM_TRAIN == full_run_value(parameters, "NUM_TRAIN")
    assert benchmark.LABEL_SMOOTHING == full_run_value(parameters, "LABEL_SMOOTHING")


def notebook_final_model_code():
    """Run the notebook's augmentation layers and its final-model cell up to `final_model = ...`: the
    definitions of conv_block, build_final_model and smoothed_crossentropy, in a fresh namespace."""
    cells = notebook_code_cells()
    augmentation_cell = next(cell for cell in cells if cell.startswith("augmentation = keras.Sequential("))
    model_cell = next(cell for cell in cells if "def build_final_model():" in cell)
    namespace = {"keras": keras, "LABEL_SMOOTHING": full_run_value(cells[0], "LABEL_SMOOTHING")}
    exec(augmentation_cell.split("\n\n")[0], namespace)             # the augmentation layers only
    exec(re.split(r"\nfinal_model = ", model_cell)[0], namespace)    # the definitions, no training
    return namespace


def test_benchmark_builds_the_notebooks_final_model():
    notebook_model = notebook_final_model_code()["build_final_model"]()
    benchmark_model = load_benchmark().build_final_model()
    assert layer_signature(benchmark_model) == layer_signature(notebook_model)
    assert benchmark_model.count_params() == notebook_model.count_params()


def test_benchmark_uses_the_notebooks_loss():
    namespace = notebook_final_model_code()
    labels = np.array([3, 0, 9, 3])
    probabilities = np.random.default_rng(0).dirichlet(np.ones(10), size=4).astype("float32")
    notebook_loss = np.asarray(namespace["smoothed_crossentropy"](labels, probabilities))
    benchmark_loss = np.asarray(load_benchmark().smoothed_crossentropy(labels, probabilities))
    np.testing.assert_allclose(benchmark_loss, notebook_loss, rtol=1e-6)
    # and it is the smoothed cross-entropy: targets 0.91 for the true class, 0.01 for the others
    targets = np.full((4, 10), 0.01)
    targets[np.arange(4), labels] = 0.91
    np.testing.assert_allclose(notebook_loss, -(targets * np.log(probabilities)).sum(axis=1), rtol=1e-5)
