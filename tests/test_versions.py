"""The supported range: requirements.txt, the constraints files, the diagnosis and the hosted installs agree."""

import json
import pathlib
import re

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from helpers import colab, environment

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORE = ["tensorflow", "keras", "numpy", "gymnasium", "ale-py"]


def requirement_lines(path):
    return [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#", 1)[0].strip()]


def requirements():
    """{name: Requirement} of requirements.txt's package lines."""
    found = {}
    for line in requirement_lines(ROOT / "requirements.txt"):
        if not line.startswith("-"):
            requirement = Requirement(line)
            found[requirement.name.lower()] = requirement
    return found


def pins(path):
    """{name: version} of a constraints file's `name==version` lines."""
    found = {}
    for line in requirement_lines(path):
        name, version = line.split("==")
        found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def bound(specifier: SpecifierSet, operator: str) -> str:
    (value,) = [item.version for item in specifier if item.operator == operator]
    return value


def test_every_core_library_has_a_range_with_both_ends():
    stated = requirements()
    for name in CORE:
        specifier = stated[name].specifier
        assert bound(specifier, ">=") and bound(specifier, "<"), f"{name}: needs >=oldest,<next-untested"


def test_oldest_set_is_the_lower_end_of_the_range():
    stated, oldest = requirements(), pins(ROOT / "constraints" / "oldest.txt")
    assert set(CORE) <= set(oldest)
    for name, version in oldest.items():
        specifier = stated[name].specifier
        assert Version(version) in specifier, f"{name}=={version} is outside requirements.txt's {specifier}"
        lower = bound(specifier, ">=")
        # the lower bound is the oldest pin, possibly shortened (numpy>=2.0 for 2.0.2)
        assert version == lower or version.startswith(lower + "."), f"{name}: lower bound {lower}, oldest {version}"


def test_oldest_set_is_what_colab_ships():
    """TensorFlow 2.19 or older, as the issue asks; Colab's published list had 2.19.0 and Keras 3.10.0."""
    oldest = pins(ROOT / "constraints" / "oldest.txt")
    assert Version(oldest["tensorflow"]) <= Version("2.19.99")
    assert oldest["tensorflow"] == "2.19.0" and oldest["keras"] == "3.10.0"


def test_recorded_set_is_what_the_results_were_recorded_with():
    recorded = pins(ROOT / "constraints" / "recorded.txt")
    entries = json.loads((ROOT / "results" / "full_runs.json").read_text(encoding="utf-8"))
    assert entries, "no recorded full runs"
    latest = max(entries, key=lambda entry: entry["date"])
    for name in CORE:
        assert recorded[name] == latest["versions"][name], (
            f"constraints/recorded.txt pins {name}=={recorded[name]} but the latest full run used "
            f"{latest['versions'][name]}: refresh it from `pip freeze` of that environment")
    header = (ROOT / "constraints" / "recorded.txt").read_text(encoding="utf-8").split("\n\n")[0]
    assert f"Python {latest['versions']['python']}" in header
    stated = requirements()
    for name in CORE:
        assert Version(recorded[name]) in stated[name].specifier, f"recorded {name} outside requirements.txt"


def test_diagnosis_knows_the_same_range():
    stated, oldest = requirements(), pins(ROOT / "constraints" / "oldest.txt")
    for name in environment.OLDEST:
        assert environment.OLDEST[name] == oldest[name]
        assert environment.BELOW[name] == bound(stated[name].specifier, "<")


def test_hosted_installs_use_the_requirements_bounds():
    stated = requirements()
    hosted = {**colab.HOSTED_PACKAGES, **colab.ATARI_PACKAGES}
    for module, line in hosted.items():
        requirement = Requirement(line)
        assert requirement.name.lower() in stated, line
        assert requirement.specifier == stated[requirement.name.lower()].specifier, (line, stated[requirement.name])
        assert requirement.name.lower() not in {"tensorflow", "keras"}, "a hosted runtime's TensorFlow is never replaced"


def test_python_range_agrees_with_pyproject():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    minors = sorted(int(minor) for minor in re.findall(r"Programming Language :: Python :: 3\.(\d+)\"", text))
    assert (minors[0], minors[-1]) == (environment.SUPPORTED_PYTHON[0][1], environment.SUPPORTED_PYTHON[1][1])


@pytest.mark.parametrize("version, expected", [("2.21.0", (2, 21, 0)), ("2.21.0rc1", (2, 21, 0)),
                                               ("3.10.0.dev20250101", (3, 10, 0)), ("1.2", (1, 2))])
def test_version_tuples(version, expected):
    assert environment._version_tuple(version) == expected
