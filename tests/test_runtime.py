"""helpers.runtime: flags, seeding and the device line."""

import os

import numpy as np
import pytest

from helpers import runtime


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("YES", True), ("0", False),
                                           ("", False), ("off", False)])
def test_env_flag_values(monkeypatch, raw, expected):
    monkeypatch.setenv("COURSE_FLAG", raw)
    assert runtime.env_flag("COURSE_FLAG") is expected


def test_env_flag_default_and_garbage(monkeypatch):
    monkeypatch.delenv("COURSE_FLAG", raising=False)
    assert runtime.env_flag("COURSE_FLAG", default=True) is True
    monkeypatch.setenv("COURSE_FLAG", "maybe")
    with pytest.raises(ValueError, match="COURSE_FLAG='maybe'"):
        runtime.env_flag("COURSE_FLAG")


def test_set_seed_makes_numpy_and_tensorflow_repeatable():
    import tensorflow as tf

    runtime.set_seed(7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    runtime.set_seed(7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError)])
def test_set_seed_rejects_bad_seeds(bad, error):
    with pytest.raises(error):
        runtime.set_seed(bad)


def test_describe_device_names_a_device():
    line = runtime.describe_device()
    assert line.startswith(("CPU only", "GPU:")) and "TensorFlow" in line


def test_timer_measures():
    import time

    with runtime.Timer() as timer:
        time.sleep(0.05)
    assert 0.04 < timer.seconds < 1.0
    assert timer.cpu_seconds < 0.04  # sleeping takes wall time, not CPU time


def test_timer_measures_cpu_time():
    import time

    with runtime.Timer() as timer:
        start = time.process_time()
        while time.process_time() - start < 0.05:  # busy for 0.05 s of CPU time
            pass
    assert timer.cpu_seconds >= 0.05
    assert timer.seconds >= 0.9 * timer.cpu_seconds  # one busy thread: CPU time cannot run far ahead of wall time


def test_report_results_prints_and_records(monkeypatch, tmp_path, capsys):
    import json

    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    report = runtime.report_results("01_demo", {"accuracy": np.float32(0.5), "table": {"a": np.int64(3)}},
                                    timings={"train_seconds": 1.5}, seed=0, fast=True)
    printed = capsys.readouterr().out
    assert "accuracy" in printed and "0.5000" in printed and "train_seconds" in printed
    written = json.loads((tmp_path / "01_demo.json").read_text(encoding="utf-8"))
    assert written == report
    assert written["results"] == {"accuracy": 0.5, "table": {"a": 3}}
    assert written["run"] == {"seed": 0, "fast": True}


def test_report_results_without_directory_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    runtime.report_results("01_demo", {"accuracy": 0.5})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("notebook, results, error", [("", {"a": 1}, ValueError), ("x/y", {"a": 1}, ValueError),
                                                      ("demo", {}, TypeError), ("demo", [1], TypeError),
                                                      ("demo", {"model": object()}, TypeError)])
def test_report_results_rejects_bad_input(notebook, results, error):
    with pytest.raises(error):
        runtime.report_results(notebook, results)


_NOISE_MARKERS = ("absl::InitializeLog", "cudart_stub", "port.cc", "cpu_feature_guard", "cuda_platform")


def _import_tensorflow_in_subprocess(code):
    import os
    import subprocess
    import sys

    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=300)


def test_quiet_tensorflow_hides_the_cpp_start_up_lines():
    """The lines a student sees in red under the set-up cell on a CPU-only machine."""
    quiet = _import_tensorflow_in_subprocess(
        "from helpers import runtime\n"
        "runtime.quiet_tensorflow()\n"
        "import keras, tensorflow as tf\n"
        "tf.config.list_physical_devices('GPU')\n"
        "print(runtime.describe_device())\n"
    )
    assert quiet.returncode == 0, quiet.stderr
    assert "TensorFlow" in quiet.stdout
    noisy = [line for line in quiet.stderr.splitlines() if any(marker in line for marker in _NOISE_MARKERS)]
    assert noisy == [], noisy
    # The same import without the helper prints them here (so the check above is not vacuous).
    plain = _import_tensorflow_in_subprocess("import tensorflow as tf\ntf.config.list_physical_devices('GPU')\n")
    if not any(marker in plain.stderr for marker in _NOISE_MARKERS):
        pytest.skip("this TensorFlow build prints no start-up lines here; nothing to hide")


@pytest.mark.parametrize("line, noise", [
    ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR", True),
    ("I0000 00:00:1795773282.266036   10536 port.cc:153] oneDNN custom operations are on.", True),
    ("I0000 00:00:1795773282.267139   10536 cudart_stub.cc:31] Could not find cuda drivers on your machine, "
     "GPU will not be used.", True),
    ("W0000 00:00:1795773282.267139   10536 gpu_device.cc:2342] Cannot dlopen some GPU libraries.", True),
    ("E0000 00:00:1795773239.725854   10432 cuda_platform.cc:52] failed call to cuInit: INTERNAL", False),
    ("E0000 00:00:1796485569.835094   12677 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to "
     "register factory for plugin cuDNN when one has already been registered", True),  # TensorFlow 2.19
    ("E0000 00:00:1796485569.850372   12677 cuda_blas.cc:1407] Unable to register cuBLAS factory: Attempting to "
     "register factory for plugin cuBLAS when one has already been registered", True),
    ("E0000 00:00:1796485569.850372   12677 cuda_blas.cc:1407] Unable to register cuBLAS factory: out of memory",
     False),
    ("Traceback (most recent call last):", False),
    ("UserWarning: something a student should see", False),
])
def test_start_up_noise_filter_keeps_errors(line, noise):
    assert bool(runtime._STARTUP_NOISE.match(line)) is noise


def test_report_results_is_not_echoed_by_jupyter(monkeypatch):
    """A notebook's last cell ends with the call: its value must not be shown again under the printed lines."""
    import nbclient
    import nbformat

    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from helpers import runtime\nruntime.report_results('01_demo', {'accuracy': 0.5}, seed=0)")]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    outputs = notebook.cells[0].outputs
    assert [output["output_type"] for output in outputs] == ["stream"], outputs
    assert "accuracy" in outputs[0]["text"] and "'results'" not in outputs[0]["text"]


def test_quiet_tensorflow_hides_the_default_shuffle_warning_of_fit_on_a_dataset():
    import warnings

    runtime.quiet_tensorflow()
    import keras
    import tensorflow as tf

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    dataset = tf.data.Dataset.from_tensors((np.zeros((4, 2), "float32"), np.zeros((4, 1), "float32"))).repeat()
    with warnings.catch_warnings(record=True) as caught:
        runtime.quiet_tensorflow()  # catch_warnings reset the filters: install them again
        model.fit(dataset, epochs=1, steps_per_epoch=1, verbose=0)
    assert not [w for w in caught if "shuffle" in str(w.message)], [str(w.message) for w in caught]


def test_recorded_full_runs_reads_the_results_file_and_tolerates_its_absence(tmp_path, capsys):
    import json

    path = tmp_path / "full_runs.json"
    path.write_text(json.dumps([{"notebook": "04_demo", "mode": "full", "seed": 1},
                                {"notebook": "04_demo", "mode": "fast", "seed": 1},
                                {"notebook": "01_other", "mode": "full", "seed": 0}]), encoding="utf-8")
    assert [entry["seed"] for entry in runtime.recorded_full_runs("04_demo", path)] == [1]
    assert runtime.recorded_full_runs("04_demo", tmp_path / "missing.json") == []
    assert "no recorded full runs" in capsys.readouterr().out
    assert runtime.RECORDED_RUNS_FILE.endswith(f"results{os.sep}full_runs.json")


CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
flags\t\t: fpu vme sse2 avx2 avx512f {extra}
bugs\t\t: sysret_ss_attrs
"""


@pytest.mark.parametrize("extra, expected", [("avx512_bf16", True), ("amx_bf16 amx_tile", True),
                                             ("avx512_vnni", False), ("", False)])
def test_cpu_has_bfloat16_reads_the_cpu_flags(tmp_path, extra, expected):
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO.format(extra=extra))
    assert runtime.cpu_has_bfloat16(path) is expected


def test_cpu_has_bfloat16_is_false_without_a_cpuinfo_file(tmp_path):
    assert runtime.cpu_has_bfloat16(tmp_path / "no such file") is False


def test_fast_precision_follows_the_cpu_on_a_machine_without_gpu(tmp_path, monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: [])
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO.format(extra="avx512_bf16"))
    assert runtime.fast_precision(path) == "mixed_bfloat16"
    path.write_text(CPUINFO.format(extra=""))
    assert runtime.fast_precision(path) == "float32"
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: ["a GPU"])
    path.write_text(CPUINFO.format(extra="avx512_bf16"))
    assert runtime.fast_precision(path) == "float32"


def test_dtype_policy_applies_inside_and_restores_after_an_error():
    import keras

    before = keras.mixed_precision.global_policy().name
    with pytest.raises(RuntimeError, match="inside"):
        with runtime.dtype_policy("mixed_bfloat16"):
            layer = keras.layers.Dense(3)
            raise RuntimeError("inside")
    assert layer.compute_dtype == "bfloat16" and layer.variable_dtype == "float32"
    assert keras.mixed_precision.global_policy().name == before
    assert keras.layers.Dense(3).compute_dtype == before
    with pytest.raises(ValueError):
        with runtime.dtype_policy("float13"):
            pass
    assert keras.mixed_precision.global_policy().name == before


def test_a_mixed_bfloat16_q_network_gives_float32_q_values():
    import keras
    import numpy as np

    from helpers import agents

    with runtime.dtype_policy("mixed_bfloat16"):
        network = agents.build_network(6)
    q_values = network(np.zeros((2, 4, 84, 84), np.uint8))
    assert keras.backend.standardize_dtype(q_values.dtype) == "float32" and tuple(q_values.shape) == (2, 6)
    assert all(weight.dtype == np.float32 for weight in network.get_weights())
