"""scripts/lecture_timings.py: a caught-up live notebook, timed and counted per section."""

import importlib.util
import pathlib

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


timings = load("lecture_timings", ROOT / "scripts" / "lecture_timings.py")
generator = timings.generator

BUILD = '''# Build double(values) -> array: the values times two. Later cells call double().
def double(values):
    """Twice the values."""
    result = values * 2
    return result'''


def code(source, cell_id, tags=()):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
    cell.id = cell_id
    return cell


def test_sections_are_timed_and_count_only_the_new_lines(tmp_path, capsys):
    notebooks_dir = tmp_path / "notebooks"
    notebooks_dir.mkdir()
    cells = [nbformat.v4.new_markdown_cell("# A lecture\n\nTwo words."),
             code("import time\nimport numpy as np", "imports"),
             nbformat.v4.new_markdown_cell("## First part\n\nThree more words."),
             code(BUILD, "build_double", ["live"]),
             code("time.sleep(1.0)\nassert (double(np.ones(2)) == 2).all()", "use_double"),
             nbformat.v4.new_markdown_cell("## Second part"),
             code("# Exercise: four.\nfour = double(2)", "exercise_four", ["solution"])]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, notebooks_dir / "01_lecture.ipynb")
    assert generator.main(["--notebooks-dir", str(notebooks_dir)]) == 0
    capsys.readouterr()
    assert timings.main([str(notebooks_dir / "live" / "01_lecture.ipynb")]) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
            for line in out.splitlines() if line.startswith("| ") and "---" not in line}
    first = rows["First part"]
    assert first[0] == "2" and 1 <= float(first[1]) < 30, first  # two code cells, the sleep timed
    assert first[2] == "2", "the two new lines of build_double (not its signature and docstring)"
    assert rows["Second part"][2] == "0", "exercise lines are not typed in the lecture"
    assert "exercise solutions: 1 lines" in out and "quick (FAST=1)" in out
