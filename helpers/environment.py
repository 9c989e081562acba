"""What a notebook runs on, checked in one short output, with the fix for each problem.

`diagnose()` is called from every notebook's first cell (through `helpers.colab.setup`).
It looks at Python, TensorFlow, Keras and its backend, the device, and, where the
notebook needs them, MNIST and the Atari ROMs, and prints a few lines such as

    environment: Python 3.11.7 (Linux x86_64) · TensorFlow 2.21.0 · Keras 3.15.1 (backend tensorflow)
    device:      CPU only (2 logical cores), TensorFlow 2.21.0
    data:        MNIST found: data/mnist.npz

followed, for each problem found, by one line starting with "problem:" and one with
"fix:". It never installs anything. The supported versions here are requirements.txt's
range; tests/test_versions.py checks that the two agree.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import platform
import re
import shutil
import sys

# Supported range: the oldest versions (constraints/oldest.txt, what Colab ships) and the
# newest tested (requirements.txt's upper bounds are the next, untested releases).
SUPPORTED_PYTHON = ((3, 10), (3, 13))
OLDEST = {"tensorflow": "2.19.0", "keras": "3.10.0", "gymnasium": "1.2.3", "ale-py": "0.11.2"}
BELOW = {"tensorflow": "2.22", "keras": "3.16", "gymnasium": "1.5", "ale-py": "0.13"}
INSTALL = "pip install -r requirements.txt"
RECORDED = "pip install -r requirements.txt -c constraints/recorded.txt"


@dataclasses.dataclass
class Finding:
    """One line of the diagnosis: what was looked at, what was found, and the fix if it is a problem."""

    topic: str
    found: str
    problem: str | None = None
    fix: str | None = None


def _version_tuple(text: str) -> tuple[int, ...]:
    """(2, 21, 0) for "2.21.0", "2.21.0rc1" or "2.21.0.dev2025": the leading release numbers."""
    match = re.match(r"\d+(?:\.\d+)*", text)
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def _distribution_version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _range_problem(name: str, version: str, hosted: bool) -> tuple[str, str] | None:
    if _version_tuple(version) < _version_tuple(OLDEST[name]):
        fix = (f"pip install '{name}>={OLDEST[name]},<{BELOW[name]}' (on Colab: restart the runtime afterwards)"
               if hosted else INSTALL)
        return f"{name} {version} is older than the course supports ({OLDEST[name]} or newer)", fix
    if _version_tuple(version) >= _version_tuple(BELOW[name]):
        fix = ("it may work; if something fails, tell the course's maintainers" if hosted
               else f"{RECORDED}  (the versions the results were recorded with)")
        return f"{name} {version} is newer than the course was tested with (below {BELOW[name]})", fix
    return None


def check_python() -> Finding:
    version = platform.python_version()
    found = f"Python {version} ({platform.system()} {platform.machine()})"
    lowest, highest = SUPPORTED_PYTHON
    if not lowest <= sys.version_info[:2] <= highest:
        return Finding("python", found, f"Python {version} is outside the supported 3.{lowest[1]}-3.{highest[1]}",
                       f"create the environment with Python 3.{lowest[1]} to 3.{highest[1]}: "
                       f"python3.{highest[1] - 1} -m venv .venv && {INSTALL}")
    return Finding("python", found)


def check_tensorflow(hosted: bool = False) -> Finding:
    version = _distribution_version("tensorflow") or _distribution_version("tensorflow-cpu") or \
        _distribution_version("tensorflow-macos")
    if version is None or importlib.util.find_spec("tensorflow") is None:
        return Finding("tensorflow", "TensorFlow missing", "TensorFlow is not installed", INSTALL)
    problem = _range_problem("tensorflow", version, hosted)
    return Finding("tensorflow", f"TensorFlow {version}", *(problem or (None, None)))


def check_keras(hosted: bool = False) -> Finding:
    version = _distribution_version("keras")
    if version is None or importlib.util.find_spec("keras") is None:
        return Finding("keras", "Keras missing", "Keras is not installed", INSTALL)
    if os.environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in {"1", "true", "yes"}:
        return Finding("keras", f"Keras {version}, but TF_USE_LEGACY_KERAS is set",
                       "TF_USE_LEGACY_KERAS makes tf.keras the old Keras 2; the course is written for Keras 3",
                       "unset TF_USE_LEGACY_KERAS (os.environ.pop('TF_USE_LEGACY_KERAS')) and restart the kernel")
    backend = os.environ.get("KERAS_BACKEND")
    if backend is None:
        try:
            import keras

            backend = keras.config.backend()
        except Exception as error:  # a broken install
            return Finding("keras", f"Keras {version} (cannot be imported: {type(error).__name__})",
                           f"import keras fails: {error}", INSTALL)
    found = f"Keras {version} (backend {backend})"
    if _version_tuple(version) < (3,):
        return Finding("keras", found, "the course needs Keras 3", f"pip install 'keras>={OLDEST['keras']}'")
    if backend != "tensorflow":
        return Finding("keras", found, f"Keras runs on {backend}; the notebooks use TensorFlow (tf.GradientTape, "
                       "tf.function)", "set KERAS_BACKEND=tensorflow (or remove it) and restart the kernel")
    problem = _range_problem("keras", version, hosted)
    return Finding("keras", found, *(problem or (None, None)))


def check_device() -> Finding:
    if importlib.util.find_spec("tensorflow") is None:
        return Finding("device", "unknown (no TensorFlow)")
    from helpers import runtime

    try:
        line = runtime.describe_device()
    except Exception as error:  # a TensorFlow that cannot start
        return Finding("device", "unknown", f"TensorFlow cannot start: {type(error).__name__}: {error}", INSTALL)
    if line.startswith("CPU") and platform.system() == "Linux" and shutil.which("nvidia-smi"):
        return Finding("device", line, "an NVIDIA GPU is present but TensorFlow does not see it",
                       "pip install 'tensorflow[and-cuda]>=2.19,<2.22' (README, \"Using a GPU\") and restart the kernel")
    return Finding("device", line)


def check_mnist() -> Finding:
    from helpers import data

    for candidate in data.mnist_candidate_paths():
        if candidate.is_file():
            return Finding("mnist", f"MNIST found: {candidate}")
    return Finding("mnist", "MNIST not found locally",
                   "MNIST is not on this machine; the notebook downloads it on first use (needs the internet)",
                   f"offline: copy mnist.npz to {data.PROJECT_DATA_DIR / data.MNIST_FILENAME} "
                   "or set MNIST_PATH (data/README.md)")


def check_atari(hosted: bool = False) -> Finding:
    missing = [name for name in ("gymnasium", "ale_py", "cv2") if importlib.util.find_spec(name) is None]
    if missing:
        return Finding("atari", "Atari packages missing: " + ", ".join(missing),
                       "notebook 4 needs gymnasium, ale-py and OpenCV",
                       INSTALL if not hosted else "re-run this cell (it installs them on a hosted runtime)")
    for name in ("gymnasium", "ale-py"):
        version = _distribution_version(name)
        problem = version and _range_problem(name, version, hosted)
        if problem:
            return Finding("atari", f"{name} {version}", *problem)
    try:
        import ale_py.roms

        rom = ale_py.roms.get_rom_path("pong")
    except Exception as error:  # an old ale-py without bundled ROMs, a broken install
        rom, detail = None, f"{type(error).__name__}: {error}"
    else:
        detail = "no Pong ROM inside ale-py"
    if not rom or not os.path.isfile(rom):
        return Finding("atari", "Atari ROMs missing", f"the ROMs ship inside ale-py 0.9 and newer ({detail})",
                       f"pip install --upgrade 'ale-py>={OLDEST['ale-py']},<{BELOW['ale-py']}'")
    return Finding("atari", f"Atari ROMs in ale-py {_distribution_version('ale-py')}, "
                            f"gymnasium {_distribution_version('gymnasium')}")


def diagnose(needs: tuple[str, ...] = (), hosted: bool | None = None, print_report: bool = True) -> list[Finding]:
    """Check the environment and print one short report; return the findings.

    `needs` adds the checks of what a notebook uses: "mnist" (notebooks 2 and 3) and
    "atari" (notebook 4). `hosted` (default: detected) changes the fixes suggested on
    Colab or Kaggle, where the runtime's TensorFlow is not to be replaced. Every problem
    comes with its fix; nothing is installed or downloaded.
    """
    from helpers import colab

    needs = colab._check_needs(needs)
    if hosted is None:
        hosted = colab.hosted_runtime() is not None
    findings = [check_python(), check_tensorflow(hosted), check_keras(hosted), check_device()]
    if "mnist" in needs:
        findings.append(check_mnist())
    if "atari" in needs:
        findings.append(check_atari(hosted))
    if print_report:
        print(report(findings))
    return findings


def report(findings: list[Finding]) -> str:
    """The diagnosis as text: the versions on one line, the device, the data, then each problem and its fix."""
    by_topic = {finding.topic: finding for finding in findings}
    lines = ["environment: " + " · ".join(by_topic[topic].found for topic in ("python", "tensorflow", "keras")
                                          if topic in by_topic)]
    if "device" in by_topic:
        lines.append("device:      " + by_topic["device"].found)
    data = [by_topic[topic].found for topic in ("mnist", "atari") if topic in by_topic]
    if data:
        lines.append("data:        " + " · ".join(data))
    problems = [finding for finding in findings if finding.problem]
    for finding in problems:
        lines.append(f"problem:     {finding.problem}")
        lines.append(f"  fix:       {finding.fix}")
    if not problems:
        lines.append("all checks passed")
    return "\n".join(lines)
