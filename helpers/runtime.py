"""Small runtime helpers every notebook uses: quiet logs, one seed, the device found.

Call `quiet_tensorflow()` *before* `import tensorflow` so that TensorFlow's C++ start-up
messages are silenced (it imports TensorFlow itself, with those messages filtered out).
"""

from __future__ import annotations

import logging
import os
import random
import re
import sys
import tempfile
import time
import warnings

import numpy as np


def env_flag(name: str, default: bool = False) -> bool:
    """Read a boolean switch such as `FAST` from the environment.

    "1", "true", "yes", "on" (any case) mean True; "0", "false", "no", "off" and ""
    mean False. Anything else raises a ValueError rather than guessing.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"env_flag expects a non-empty variable name, got {name!r}")
    raw = os.environ.get(name)
    if raw is None:
        return bool(default)
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"environment variable {name}={raw!r}: expected 1/0, true/false, yes/no or on/off")


# What TensorFlow's C++ libraries print to the process's stderr while they load. The
# messages come from abseil logging *before* it is initialised, so TF_CPP_MIN_LOG_LEVEL
# cannot hide them (abseil ignores every threshold until absl::InitializeLog() runs);
# only INFO and WARNING lines of that format, the two known notices and TensorFlow 2.19's
# "Unable to register cuDNN/cuBLAS/cuFFT factory" lines are dropped; other errors (E..., F...)
# and anything else are passed on.
_STARTUP_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] .*"
    # TensorFlow 2.19 (Colab's, the oldest supported) logs these harmless lines as errors at every
    # start: its CUDA plugins register twice. Only these exact messages are dropped; other errors stay.
    r"|E\d{4} [\d:.]+ +\d+ cuda_(?:dnn|blas|fft)\.cc:\d+\] Unable to register cu(?:DNN|BLAS|FFT) factory: "
    r"Attempting to register factory for plugin cu(?:DNN|BLAS|FFT) when one has already been registered"
    r"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.)$"
)


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with file descriptor 2 (the C++ stderr) captured; re-print what is not noise."""
    if "tensorflow" in sys.modules:
        return
    try:
        import importlib.util

        if importlib.util.find_spec("tensorflow") is None:  # pragma: no cover - TensorFlow is a requirement
            return
    except (ImportError, ValueError):  # pragma: no cover
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # pragma: no cover - a closed or odd stream
            pass
    try:
        saved_fd = os.dup(2)
    except OSError:  # pragma: no cover - no stderr descriptor (unusual embedding)
        import tensorflow  # noqa: F401

        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            import tensorflow  # noqa: F401
        finally:
            try:
                sys.stderr.flush()
            except Exception:  # pragma: no cover
                pass
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            capture.seek(0)
            captured = capture.read().decode("utf-8", errors="replace")
            kept = [line for line in captured.splitlines() if line.strip() and not _STARTUP_NOISE.match(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr)


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ log noise and Python warnings, and import TensorFlow.

    Call it before importing TensorFlow or Keras. It sets TF_CPP_MIN_LOG_LEVEL=3 (errors
    only, for messages logged after start-up) and then imports TensorFlow itself with
    the process's stderr captured, because the libraries print their start-up lines
    (the abseil "All log messages before absl::InitializeLog()" warning, the oneDNN and
    "Could not find cuda drivers" notices) before any log level applies. Those known
    lines are dropped; anything else written during the import (errors included) is
    printed again.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # TensorFlow's Python-side warnings (for example about tf.function retracing when
    # many small models are built in a loop, as the experiments do) go to this logger.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    # Keras' fit() defaults to shuffle=True and then warns, on every fit of a tf.data
    # dataset, that it ignores it (the course's datasets shuffle themselves or are
    # full batches): noise for a student, so hide that one message.
    warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")
    _import_tensorflow_quietly()
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl comes with TensorFlow
        pass


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow/Keras in one call (`keras.utils.set_random_seed`)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0 or seed >= 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    import keras

    keras.utils.set_random_seed(seed)


def describe_device() -> str:
    """One line saying which device TensorFlow will use, e.g. 'GPU: NVIDIA H100 (1 GPU)'."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for gpu in gpus:
            try:
                details = tf.config.experimental.get_device_details(gpu)
                names.append(details.get("device_name", gpu.name))
            except Exception:  # details are best effort
                names.append(gpu.name)
        return f"GPU: {names[0]} ({len(gpus)} GPU{'s' if len(gpus) > 1 else ''}), TensorFlow {tf.__version__}"
    threads = os.cpu_count() or 1
    return f"CPU only ({threads} logical cores), TensorFlow {tf.__version__}"


BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")  # /proc/cpuinfo flags of bfloat16 arithmetic


def cpu_has_bfloat16(cpuinfo_path="/proc/cpuinfo") -> bool:
    """Whether this CPU computes in bfloat16 natively (Linux: AVX512_BF16 or AMX; elsewhere False)."""
    try:
        with open(cpuinfo_path, encoding="utf-8", errors="replace") as file:
            text = file.read()
    except OSError:  # not Linux (macOS, Windows): no cheap way to tell, so assume not
        return False
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return any(flag in flags for flag in BFLOAT16_CPU_FLAGS)


def fast_precision(cpuinfo_path="/proc/cpuinfo") -> str:
    """The Keras dtype policy that trains a ConvNet fastest here, as far as the course measured.

    "mixed_bfloat16" (compute in bfloat16, weights in float32) on a machine without a GPU
    whose CPU has bfloat16 instructions: `benchmarks/train_step_precision.py` measured the
    DQN gradient step 1.4 times as fast there. "float32" everywhere else: CPUs without
    those instructions emulate bfloat16 slowly, and on a GPU the course keeps float32.
    """
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        return "float32"
    return "mixed_bfloat16" if cpu_has_bfloat16(cpuinfo_path) else "float32"


class dtype_policy:
    """Context manager: Keras layers built inside it use `policy` ("float32", "mixed_bfloat16",
    ...); the global policy before it is restored after it, also after an error."""

    def __init__(self, policy: str):
        self.policy = policy

    def __enter__(self) -> str:
        import keras

        self._before = keras.mixed_precision.global_policy()
        keras.mixed_precision.set_global_policy(self.policy)  # raises ValueError on a bad name
        return self.policy

    def __exit__(self, *exc) -> None:
        import keras

        keras.mixed_precision.set_global_policy(self._before)


class Timer:
    """Context manager that measures wall time and this process's CPU time (all threads):
    `with Timer() as t: ...; t.seconds, t.cpu_seconds`."""

    def __enter__(self) -> "Timer":
        self._start = time.perf_counter()
        self._cpu_start = time.process_time()
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu_start


RESULTS_DIR_VARIABLE = "COURSE_RESULTS_DIR"


def _plain(value, where: str):
    """`value` as plain JSON types (NumPy and TensorFlow scalars become floats/ints)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str) or value is None:
        return value
    if hasattr(value, "numpy") and callable(value.numpy):  # a TensorFlow scalar
        return _plain(value.numpy(), where)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _plain(value.item(), where)
    if isinstance(value, dict):
        return {str(key): _plain(item, f"{where}[{key!r}]") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    raise TypeError(f"{where}: results must be numbers, strings, booleans, lists or dicts of them, "
                    f"got {type(value).__name__}")


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}" if abs(value) < 1000 else f"{value:,.1f}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_format(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format(item) for item in value) + "]"
    return str(value)


class ResultsReport(dict):
    """The dict `report_results` returns. Jupyter does not echo it as the cell's value
    (the results were just printed, one per line); it is a plain dict otherwise."""

    def _ipython_display_(self) -> None:
        pass


def report_results(notebook: str, results: dict, timings: dict | None = None, **run_info) -> dict:
    """Print a notebook's named results, one per line, and record them for the tools.

    `results` are the numbers the notebook promises (accuracies, returns, rates): the
    same seed gives the same values. `timings` are seconds and speeds, which vary from
    run to run. `run_info` says how the run was made (for example `seed=SEED, fast=FAST`).
    When the environment variable COURSE_RESULTS_DIR is set (the tests and
    scripts/full_runs.py set it), the report is also written to
    `$COURSE_RESULTS_DIR/<notebook>.json`. Returns the report as a dict, which Jupyter
    does not display again when the call ends a cell.
    """
    if not isinstance(notebook, str) or not notebook or "/" in notebook:
        raise ValueError(f"notebook must be the notebook's name without a folder, e.g. '01_nonlinear_classification', "
                         f"got {notebook!r}")
    if not isinstance(results, dict) or not results:
        raise TypeError(f"results must be a non-empty dict of named results, got {type(results).__name__}")
    if timings is not None and not isinstance(timings, dict):
        raise TypeError(f"timings must be a dict (name -> seconds or steps/s) or None, got {type(timings).__name__}")
    report = ResultsReport({
        "notebook": notebook,
        "run": _plain(run_info, "run_info"),
        "results": _plain(results, "results"),
        "timings": _plain(timings or {}, "timings"),
    })
    lines = [*report["run"].items(), *report["results"].items(), *report["timings"].items()]
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"{name:<{width}}  {_format(value)}")
    directory = os.environ.get(RESULTS_DIR_VARIABLE)
    if directory:
        import json
        import pathlib

        path = pathlib.Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{notebook}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


RECORDED_RUNS_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                  "results", "full_runs.json")


def recorded_full_runs(notebook: str, path=None) -> list[dict]:
    """The recorded full runs of `notebook` (entries of results/full_runs.json, which
    scripts/full_runs.py writes), or [] with a note when the file is not there (an installed
    package without the course repository beside it, e.g. on Colab)."""
    import json

    path = RECORDED_RUNS_FILE if path is None else os.fspath(path)
    if not os.path.isfile(path):
        print(f"no recorded full runs here ({path} is part of the course repository)")
        return []
    with open(path, encoding="utf-8") as file:
        entries = json.load(file)
    return [entry for entry in entries if entry.get("notebook") == notebook and entry.get("mode") == "full"]
