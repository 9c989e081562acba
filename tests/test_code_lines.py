"""Code lines fit the cell: no line of a notebook's code cells is longer than MAX_LINE.

100 characters fit JupyterLab's code cell without sideways scrolling in a 1,400-px-wide
window at the default font size (and on a projector at that resolution). The Colab set-up
cell is written by helpers.colab, whose own test (tests/test_colab.py) bounds its lines.
"""

import pathlib

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAX_LINE = 100
GENERATED_ELSEWHERE = {"colab_setup"}
NOT_YET: set[str] = set()  # notebooks whose lines are not wrapped yet
PATHS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "notebooks" / "live").glob("[0-9][0-9]_*.ipynb"))


def long_lines(path):
    return [f"cell {cell.get('id')}: {len(line)} characters: {line.strip()[:60]}..."
            for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code" and cell.get("id") not in GENERATED_ELSEWHERE
            for line in cell.source.splitlines() if len(line) > MAX_LINE]


@pytest.mark.parametrize("path", PATHS, ids=lambda path: str(path.relative_to(ROOT / "notebooks")))
def test_code_lines_fit_the_cell(path):
    if path.stem in NOT_YET:
        pytest.skip(f"{path.name}: {len(long_lines(path))} lines longer than {MAX_LINE} characters, not yet wrapped")
    found = long_lines(path)
    assert not found, f"{path.name}: lines longer than {MAX_LINE} characters:\n" + "\n".join(found)


def test_the_line_check_finds_a_long_line(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\n" + "y = " + "1 + " * 30 + "1")])
    path = tmp_path / "long.ipynb"
    nbformat.write(notebook, path)
    assert len(long_lines(path)) == 1
