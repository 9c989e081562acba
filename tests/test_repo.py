"""Repository conventions: installs agree, notebooks are stored clean and follow the rules."""

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def requirement_lines(path):
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def test_requirements_pin_the_course_stack():
    lines = requirement_lines(ROOT / "requirements.txt")
    names = {re.split(r"[\[<>=~!; ]", line, maxsplit=1)[0].lower() for line in lines}
    for needed in ["tensorflow", "keras", "gymnasium", "ale-py", "opencv-python-headless", "numpy",
                   "matplotlib", "scikit-learn", "jupyterlab", "ipywidgets", "nbval", "pytest"]:
        assert needed in names, f"requirements.txt lacks {needed}"
    assert "-e ." in lines, "requirements.txt must install the helpers package with -e ."
    for line in lines:
        if not line.startswith("-"):
            assert re.search(r"(~=|==|<)", line), f"{line!r} needs an upper or compatible-release bound"
    assert not any(line.startswith("tensorflow") and "==" in line for line in lines), (
        "requirements.txt states a range; exact versions belong in constraints/")


def test_environment_yml_installs_the_same_requirements():
    """environment.yml must not drift from requirements.txt: it installs that very file."""
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pip_section = re.search(r"- pip:\n((?:\s+- .*\n?)+)", text)
    assert pip_section, "environment.yml needs a pip: section"
    pip_entries = [entry.strip()[2:].strip() for entry in pip_section.group(1).splitlines()]
    assert pip_entries == ["-r requirements.txt"], pip_entries
    python = re.search(r"- python\s*=\s*([\d.]+)", text)
    assert python and python.group(1).startswith("3.1"), "environment.yml must pin python 3.1x"
    # nothing else sneaks in through conda packages
    dependencies = text.split("dependencies:", 1)[1]
    conda_packages = re.findall(r"^\s{2}- ([A-Za-z][\w.-]*)", dependencies, flags=re.M)
    assert set(conda_packages) <= {"python", "pip"}, conda_packages


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"
    assert NOTEBOOKS[0].name.startswith("01_")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stored_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {index} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_comes_first_and_reads_fast(path):
    """The parameters cell is the first code cell, or the second after the generated set-up cell
    (id colab_setup: installs helpers on Colab and checks the environment; tests/test_colab.py)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    first = code_cells[1] if code_cells[0].get("id") == "colab_setup" else code_cells[0]
    assert "parameters" in first.get("metadata", {}).get("tags", []), f"{path.name}: parameters cell not where expected"
    source = "".join(first["source"])
    assert re.search(r"^FAST\s*=\s*runtime\.env_flag\([\"']FAST[\"']\)", source, flags=re.M), (
        f"{path.name}: the parameters cell must set FAST = runtime.env_flag(\"FAST\") (the FAST environment variable)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_exercises_with_solutions(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    tagged = [cell for cell in notebook["cells"] if "solution" in cell.get("metadata", {}).get("tags", [])]
    assert tagged, f"{path.name} has no cell tagged solution"
    assert all(cell["cell_type"] == "code" for cell in tagged)


# The live-coding copies (notebooks/live/, notebooks/solutions/) are tested in test_live_notebooks.py.


def test_mnist_is_not_committed():
    tracked = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked in ([], ["data/README.md"]), tracked


def test_binder_and_devcontainer_install_the_same_requirements():
    """Binder (repo2docker reads binder/ first) and Codespaces install exactly requirements.txt, like the README."""
    binder = requirement_lines(ROOT / "binder" / "requirements.txt")
    assert binder == ["-r ../requirements.txt"], binder
    assert not (ROOT / "binder" / "environment.yml").exists(), "repo2docker would prefer it to requirements.txt"
    devcontainer = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    assert devcontainer["postCreateCommand"] == "pip install -r requirements.txt"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "```bash\npip install -r requirements.txt && jupyter lab notebooks/\n```" in readme
    # the same Python minor everywhere a container is built: Binder, the devcontainer image, conda
    runtime_txt = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    binder_python = re.fullmatch(r"python-(3\.\d+)", runtime_txt).group(1)
    image_python = re.search(r"python:(3\.\d+)", devcontainer["image"]).group(1)
    conda_python = re.search(r"- python=(3\.\d+)", (ROOT / "environment.yml").read_text(encoding="utf-8")).group(1)
    assert binder_python == image_python == conda_python


def test_pytest_given_one_notebook_runs_it_in_quick_mode():
    # CONTRIBUTING's `pytest notebooks/<one>.ipynb` loads the repository's conftest.py but not
    # tests/conftest.py; without FAST=1 it would be a full run of minutes to hours.
    environment = {key: value for key, value in os.environ.items() if key != "FAST"}
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "notebooks/01_nonlinear_classification.ipynb"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert "notebooks: quick mode (FAST=1)" in collected.stdout, collected.stdout
