"""benchmarks/mnist_convnet.py must train the same final model, with the same loss and schedule, as notebook 3."""

import ast
import importlib.util
import json
import pathlib

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from helpers import augmentation  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_mnist_convnets.ipynb"
BENCHMARK = ROOT / "benchmarks" / "mnist_convnet.py"
SCHEDULE_SETTINGS = ["FINAL_EPOCHS", "FINAL_BATCH_SIZE", "PEAK_LEARNING_RATE", "WARMUP_FRACTION",
                     "FINAL_LEARNING_RATE_FRACTION", "NUM_TRAIN", "LABEL_SMOOTHING",
                     "BATCH_NORM_MOMENTUM"]
FINAL_MODEL_FUNCTIONS = ["build_augmentation", "conv_block", "build_final_model", "smoothed_crossentropy",
                         "make_learning_rate_schedule"]


def notebook_code_cells():
    """The notebook's code cells, the parameters cell first (the set-up cell before it is left out)."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code" and cell.get("id") != "colab_setup"]
    assert "parameters" in code[0]["metadata"].get("tags", []), "notebook 3's parameters cell is not first"
    return ["".join(cell["source"]) for cell in code]


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


def notebook_final_model_code():
    """The notebook's top-level definitions of the final model, its loss and its schedule (only the `def`s,
    nothing that trains), run in a fresh namespace with the full-run parameters."""
    cells = notebook_code_cells()
    namespace = {"keras": keras, "np": np, "augmentation": augmentation}
    namespace.update({name: full_run_value(cells[0], name) for name in SCHEDULE_SETTINGS})
    found = set()
    for cell in cells:
        try:
            tree = ast.parse(cell)
        except SyntaxError:  # IPython magics; none of the definitions we need
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in FINAL_MODEL_FUNCTIONS:
                exec(compile(ast.Module(body=[node], type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
                found.add(node.name)
    missing = set(FINAL_MODEL_FUNCTIONS) - found
    assert not missing, f"the notebook no longer defines {sorted(missing)}"
    return namespace


def layer_signature(model):
    signature = []
    for layer in model.layers:
        config = {key: value for key, value in layer.get_config().items() if key not in ("name", "seed")}
        if isinstance(layer, keras.Sequential):
            config = [type(inner).__name__ + repr(sorted((k, v) for k, v in inner.get_config().items()
                                                        if k not in ("name", "seed"))) for inner in layer.layers]
        signature.append((type(layer).__name__, repr(config)))
    return signature


def test_benchmark_uses_the_notebooks_settings():
    parameters = notebook_code_cells()[0]
    benchmark = load_benchmark()
    for name in SCHEDULE_SETTINGS:
        assert getattr(benchmark, name) == full_run_value(parameters, name), name


def test_benchmark_builds_the_notebooks_final_model():
    notebook_model = notebook_final_model_code()["build_final_model"]()
    benchmark_model = load_benchmark().build_final_model()
    assert layer_signature(benchmark_model) == layer_signature(notebook_model)
    assert benchmark_model.count_params() == notebook_model.count_params()
    assert any(layer.name == "augmentation" for layer in notebook_model.layers)


def test_each_final_model_gets_its_own_augmentation_layers():
    builder = notebook_final_model_code()["build_final_model"]
    first, second = builder(), builder()
    assert first.get_layer("augmentation") is not second.get_layer("augmentation")


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


@pytest.mark.parametrize("total_steps", [13 * 422, 2 * 47, 10])
def test_benchmark_uses_the_notebooks_schedule(total_steps):
    namespace = notebook_final_model_code()
    notebook_schedule = namespace["make_learning_rate_schedule"](total_steps)
    benchmark_schedule = load_benchmark().make_learning_rate_schedule(total_steps)
    steps = np.unique(np.linspace(0, total_steps, 50).astype(int))
    notebook_rates = np.array([float(notebook_schedule(step)) for step in steps])
    benchmark_rates = np.array([float(benchmark_schedule(step)) for step in steps])
    np.testing.assert_allclose(benchmark_rates, notebook_rates, rtol=1e-6)
    # warm-up from a tenth of the peak to the peak over WARMUP_FRACTION of the steps, then down to the final fraction
    peak, warmup_steps = namespace["PEAK_LEARNING_RATE"], int(total_steps * namespace["WARMUP_FRACTION"])
    assert float(notebook_schedule(0)) == pytest.approx(peak / 10, rel=1e-5)
    assert float(notebook_schedule(warmup_steps)) == pytest.approx(peak, rel=1e-5)
    assert float(notebook_schedule(max(warmup_steps - 1, 0))) < peak or warmup_steps == 0
    assert float(notebook_schedule(total_steps)) == pytest.approx(peak * namespace["FINAL_LEARNING_RATE_FRACTION"],
                                                                  rel=1e-4)


def test_benchmark_alternates_the_models_over_three_seeds():
    runs = load_benchmark().parse_order(load_benchmark().DEFAULT_ORDER)
    for model in ("reference", "final"):
        assert sorted(seed for name, seed in runs if name == model) == [0, 1, 2]
    pairs = {(first[0], second[0]) for first, second in zip(runs, runs[1:])}
    assert {("reference", "final"), ("final", "reference")} <= pairs  # each model runs both before and after the other
    with pytest.raises(ValueError):
        load_benchmark().parse_order("R0,X1")


def load_sweep():
    spec = importlib.util.spec_from_file_location("mnist_final_sweep", ROOT / "benchmarks" / "mnist_final_sweep.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sweep_reads_its_settings_and_refuses_others():
    sweep = load_sweep()
    assert sweep.parse_config("E16-B128-M0.99") == (16, 128, 0.99, False)
    assert sweep.parse_config("E13-B256-M0.9-Akeras") == (13, 256, 0.9, True)
    for text in ["E16-B128", "16-128-0.99", "E16-B128-Mfast", "B128-E16-M0.99", "E16-B128-M0.99-Akera",
                 "E16-B128-M0.99-Akeras-X"]:
        with pytest.raises(ValueError, match="looks like E17-B256-M0.99"):
            sweep.parse_config(text)


def test_sweep_builds_the_augmentation_asked_for():
    sweep = load_sweep()
    notebook_augmentation = sweep.build_model(0.99).get_layer("augmentation")
    keras_augmentation = sweep.build_model(0.99, keras_layers=True).get_layer("augmentation")
    assert [type(layer).__name__ for layer in notebook_augmentation.layers] == ["RandomAffine"]
    assert [type(layer).__name__ for layer in keras_augmentation.layers] == ["RandomRotation", "RandomTranslation",
                                                                              "RandomZoom"]
    # the swap is undone: the benchmark builds the notebook's model again
    assert type(sweep.benchmark.build_final_model().get_layer("augmentation").layers[0]).__name__ == \
        "RandomAffine"


def test_sweep_trains_the_benchmarks_model_with_the_momentum_asked_for():
    sweep = load_sweep()
    images = np.random.default_rng(0).normal(size=(8, 28, 28, 1)).astype("float32")
    for momentum in (1.0, 0.5):
        model = sweep.build_model(momentum=momentum)
        norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
        assert len(norms) == 4 and all(layer.momentum == momentum for layer in norms)
        model(images, training=True)  # one training step of the running averages
        moved = [not np.allclose(layer.moving_mean.numpy(), 0.0) for layer in norms]
        # momentum 1 keeps the running means at their start, 0; the model's own 0.99 would have moved them
        assert moved == [momentum < 1.0] * 4, (momentum, moved)
