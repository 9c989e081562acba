"""Repository conventions: installs agree, notebooks are stored clean and follow the rules."""

import json
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def requirement_lines(path):
    lines = []
    for raw in path.read_text().splitlines():
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


def test_environment_yml_installs_the_same_requirements():
    """environment.yml must not drift from requirements.txt: it installs that very file."""
    text = (ROOT / "environment.yml").read_text()
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
    notebook = json.loads(path.read_text())
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {index} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_parameters_and_reads_fast(path):
    notebook = json.loads(path.read_text())
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    first = code_cells[0]
    assert "parameters" in first.get("metadata", {}).get("tags", []), f"{path.name}: first code cell not tagged"
    source = "".join(first["source"])
    assert re.search(r"^FAST\s*=\s*runtime\.env_flag\([\"']FAST[\"']\)", source, flags=re.M), (
        f"{path.name}: the parameters cell must set FAST = runtime.env_flag(\"FAST\") (the FAST environment variable)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_exercises_with_solutions(path):
    notebook = json.loads(path.read_text())
    tagged = [cell for cell in notebook["cells"] if "solution" in cell.get("metadata", {}).get("tags", [])]
    assert tagged, f"{path.name} has no cell tagged solution"
    assert all(cell["cell_type"] == "code" for cell in tagged)


# The live-coding copies (notebooks/live/, notebooks/solutions/) are tested in test_live_notebooks.py.


def test_mnist_is_not_committed():
    tracked = subprocess.run(["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert tracked in ([], ["data/README.md"]), tracked
