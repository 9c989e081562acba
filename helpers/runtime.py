"""Small runtime helpers every notebook uses: quiet logs, one seed, the device found.

Call `quiet_tensorflow()` *before* `import tensorflow` so that TensorFlow's C++ start-up
messages are silenced.
"""

from __future__ import annotations

import logging
import os
import random
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


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ log noise and Python warnings; call before importing it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # TensorFlow's Python-side warnings (for example about tf.function retracing when
    # many small models are built in a loop, as the experiments do) go to this logger.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
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
