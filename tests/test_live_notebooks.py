"""Live-coding copies: generated in sync, blanking exactly the tagged cells, and complete
once caught up.

`scripts/make_live_notebooks.py` blanks every code cell tagged `live` (lesson code typed
in class) or `solution` (exercise) to a catch-up line `# %load ../solutions/<stem>/<id>.py`,
the cell's leading comment and its signatures. Catching up every blank (what running the
uncommented `%load` line does in Jupyter) must give a notebook that runs top to bottom and
reports the same named results as the complete one with the same seed.

The complete notebooks' results come from the nbval run of the same pytest session
(tests/conftest.py points their kernels at a session directory and orders these tests
after them); when that run did not happen (`pytest tests`), the test runs the complete
notebook itself.
"""

import importlib.util
import json
import math
import os
import pathlib
import re
import subprocess
import sys

import nbformat

from helpers import colab
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
SCRIPT = ROOT / "scripts" / "make_live_notebooks.py"

_spec = importlib.util.spec_from_file_location("make_live_notebooks", SCRIPT)
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)

LOAD_LINE = re.compile(r"# %load (\S+)")
CELL_TIMEOUT = 900  # seconds, as nbval's --nbval-cell-timeout
# Floats must agree to 1e-6 relative: the caught-up notebook runs the very same code with
# the same seed in a fresh kernel, so on one machine the results are expected bit-identical;
# the tolerance only absorbs last-digit noise (the abs part: values that are exactly zero).
REL_TOL, ABS_TOL = 1e-6, 1e-12


# --------------------------------------------------------------------------- machinery


def caught_up(live_path):
    """The live notebook as a student catches up every blank in Jupyter.

    Each blanked cell runs once with its `%load` line uncommented: the kernel runs the
    stubs and `%load`, which asks Jupyter to replace the cell by `# %load <path>` and the
    solution file. The cell after it (a placeholder here) gets exactly that text from the
    kernel's reply while the notebook runs (see `run_notebook`), and runs it."""
    notebook = nbformat.read(live_path, as_version=4)
    cells, blanks = [], 0
    for cell in notebook.cells:
        first_line = cell.source.split("\n", 1)[0]
        if cell.cell_type != "code" or not LOAD_LINE.fullmatch(first_line):
            cells.append(cell)
            continue
        load_cell = nbformat.v4.new_code_cell(cell.source[len("# "):], metadata={"catch_up": "load"})
        load_cell.id = f"{cell.id}-load"
        pasted = nbformat.v4.new_code_cell(PASTED_NOTHING.format(line=first_line), metadata=dict(cell.metadata))
        pasted.id = cell.id
        cells += [load_cell, pasted]
        blanks += 1
    notebook.cells = cells
    return notebook, blanks


PASTED_NOTHING = "raise RuntimeError('the uncommented {line!r} pasted nothing (is the solution file there?)')"


def run_notebook(notebook, cwd, results_dir):
    """Execute a notebook top to bottom in a fresh kernel, quick mode, recording results;
    a cell after a `%load` cell gets the text `%load` pasted, as in Jupyter."""
    env = dict(os.environ, FAST="1", COURSE_RESULTS_DIR=str(results_dir), TF_CPP_MIN_LOG_LEVEL="3")

    def paste(cell, cell_index, execute_reply):
        if cell.metadata.get("catch_up") == "load":
            payloads = [payload for payload in execute_reply["content"].get("payload", [])
                        if payload.get("source") == "set_next_input"]
            if payloads:
                assert payloads[-1].get("replace") is True
                notebook.cells[cell_index + 1].source = payloads[-1]["text"]

    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}}, on_cell_executed=paste)
    client.execute(env=env)
    return notebook


def recorded_results(results_dir, stem):
    path = pathlib.Path(results_dir) / f"{stem}.json"
    assert path.exists(), (f"{stem} wrote no {path.name}: its last lesson cell must call "
                           f"runtime.report_results({stem!r}, {{...}}, seed=SEED, fast=FAST)")
    return json.loads(path.read_text(encoding="utf-8"))


def differences(expected, actual, where="results"):
    """Every place where two result trees differ (exact for ints, bools, strings)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{where}: missing {sorted(set(expected) - set(actual))}, extra {sorted(set(actual) - set(expected))}"
                 ] if set(expected) != set(actual) else []
        for key in sorted(set(expected) & set(actual)):
            found += differences(expected[key], actual[key], f"{where}[{key!r}]")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items in the complete notebook, {len(actual)} in the live one"]
        return [item for index, (one, other) in enumerate(zip(expected, actual))
                for item in differences(one, other, f"{where}[{index}]")]
    if isinstance(expected, float) and isinstance(actual, float):
        if math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (
                math.isnan(expected) and math.isnan(actual)):
            return []
        return [f"{where}: complete {expected!r}, live {actual!r}"]
    if type(expected) is not type(actual) or expected != actual:
        return [f"{where}: complete {expected!r}, live {actual!r}"]
    return []


def complete_results(path, session_dir, scratch_dir):
    """The complete notebook's quick-mode results: from this session's nbval run when it
    recorded them, else from running the complete notebook here."""
    recorded = pathlib.Path(session_dir) / f"{path.stem}.json" if session_dir else None
    if recorded is not None and recorded.exists():
        report = json.loads(recorded.read_text(encoding="utf-8"))
        if report.get("run", {}).get("fast") is True:
            return report, "recorded by this session's nbval run"
    notebook = nbformat.read(path, as_version=4)
    run_notebook(notebook, path.parent, scratch_dir)
    return recorded_results(scratch_dir, path.stem), "run here"


def float_pairs(expected, actual):
    """The (complete, live) pairs of float results, for the report of how close they are."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [pair for key in expected if key in actual for pair in float_pairs(expected[key], actual[key])]
    if isinstance(expected, list) and isinstance(actual, list):
        return [pair for one, other in zip(expected, actual) for pair in float_pairs(one, other)]
    return [(expected, actual)] if isinstance(expected, float) and isinstance(actual, float) else []


def assert_same_results(complete_report, live_report):
    assert live_report["run"].get("seed") == complete_report["run"].get("seed"), (complete_report["run"],
                                                                                  live_report["run"])
    found = differences(complete_report["results"], live_report["results"])
    assert not found, "the caught-up live notebook reports other results:\n" + "\n".join(found)
    pairs = float_pairs(complete_report["results"], live_report["results"])
    identical = sum(one == other or (math.isnan(one) and math.isnan(other)) for one, other in pairs)
    largest = max((abs(one - other) / max(abs(one), abs(other)) for one, other in pairs
                   if one != other and not math.isnan(one)), default=0.0)
    print(f"{complete_report['notebook']}: {len(pairs)} float results, {identical} bit-identical, "
          f"largest relative difference {largest:.1e}")


# --------------------------------------------------------------------------- the course's notebooks


def test_generated_files_are_in_sync():
    """Live copies, solution files and docs/teaching.md's table match the complete notebooks."""
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, ("run python scripts/make_live_notebooks.py:\n" + result.stdout
                                    + result.stderr)


def as_in_complete(source: str, stem: str) -> str:
    """A live cell's source with its "Open in Colab" link (which names the live copy) as the complete notebook's."""
    return source.replace(colab.colab_url(f"notebooks/live/{stem}.ipynb"), colab.colab_url(f"notebooks/{stem}.ipynb"))


def live_cells_after_how_to(live, stem):
    """The live copy's cells after its first cell, which says how to use it."""
    assert live.cells[0].id == generator.HOW_TO_CELL_ID and live.cells[0].cell_type == "markdown"
    assert live.cells[0].source == generator.how_to_text(stem)
    return live.cells[1:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_live_copy_blanks_exactly_the_tagged_cells(path):
    complete = nbformat.read(path, as_version=4)
    live = nbformat.read(generator.live_path(NOTEBOOKS_DIR, path.stem), as_version=4)
    live.cells = live_cells_after_how_to(live, path.stem)
    assert live.metadata[generator.LIVE_COPY_KEY]["from"] == path.name
    assert [cell.id for cell in live.cells] == [cell.id for cell in complete.cells]
    blanks = 0
    for full_cell, live_cell in zip(complete.cells, live.cells):
        assert live_cell.cell_type == full_cell.cell_type and live_cell.metadata == full_cell.metadata
        if not generator.is_blanked(full_cell):
            assert as_in_complete(live_cell.source, path.stem) == full_cell.source, (
                f"{path.name}: cell {full_cell.id} differs in the live copy")
            continue
        blanks += 1
        line = generator.catch_up_line(path.stem, full_cell.id)
        assert live_cell.source.split("\n")[0] == line
        assert live_cell.source.split("\n")[1:3] == generator.banner(full_cell.id, generator.kind(full_cell))
        assert live_cell.source != full_cell.source
        assert live_cell.source == generator.blank_source(full_cell.source, path.stem, full_cell.id,
                                                          generator.kind(full_cell))
        solution = generator.solution_path(NOTEBOOKS_DIR, path.stem, full_cell.id)
        assert solution.read_text(encoding="utf-8") == full_cell.source.rstrip("\n") + "\n"
    assert blanks, f"{path.name} has no live or solution cell"
    solution_files = sorted((NOTEBOOKS_DIR / "solutions" / path.stem).glob("*.py"))
    assert len(solution_files) == blanks, "solution files without a cell (run the generator)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_before_the_first_blank_are_unchanged(path):
    """Everything before the first blank is the complete notebook's own cells, verbatim."""
    complete = nbformat.read(path, as_version=4).cells
    live = nbformat.read(generator.live_path(NOTEBOOKS_DIR, path.stem), as_version=4)
    live = live_cells_after_how_to(live, path.stem)
    first_blank = next(index for index, cell in enumerate(complete) if generator.is_blanked(cell))
    assert first_blank > 0
    for full_cell, live_cell in zip(complete[:first_blank], live[:first_blank]):
        live_cell.source = as_in_complete(live_cell.source, path.stem)  # the Colab badge names the live copy
        assert live_cell == full_cell
    assert live[first_blank].source != complete[first_blank].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_blanks_lesson_code(path):
    """The lecture's code is typed in class: each notebook tags cells `live`, not only exercises."""
    tagged = [cell for cell in nbformat.read(path, as_version=4).cells if "live" in cell.metadata.get("tags", [])]
    assert tagged, f"{path.name} has no cell tagged live (the code the lecture builds)"


def test_teachers_guide_lists_the_live_cells():
    text = (ROOT / generator.CELLS_TABLE_FILE).read_text(encoding="utf-8")
    assert generator.README_BEGIN in text and generator.README_END in text
    block = text.split(generator.README_BEGIN, 1)[1].split(generator.README_END, 1)[0]
    assert block == "\n" + generator.cells_table(generator.live_cells(NOTEBOOKS_DIR))


@pytest.mark.slow
@pytest.mark.after_notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_caught_up_live_notebook_gives_the_complete_results(path, notebook_results_dir, tmp_path):
    """Quick mode, same seed: the live copy with every blank caught up runs top to bottom
    (cells before the first blank run as they are) and reports the complete notebook's results."""
    notebook, blanks = caught_up(generator.live_path(NOTEBOOKS_DIR, path.stem))
    assert blanks == sum(generator.is_blanked(cell) for cell in nbformat.read(path, as_version=4).cells)
    expected, source = complete_results(path, notebook_results_dir, tmp_path / "complete")
    print(f"{path.stem}: complete results {source}")
    run_notebook(notebook, NOTEBOOKS_DIR / "live", tmp_path / "live")
    assert_same_results(expected, recorded_results(tmp_path / "live", path.stem))


# --------------------------------------------------------------------------- the machinery, on a small notebook

DEMO = "01_demo"
PARAMETERS = "from helpers import runtime\nFAST = runtime.env_flag(\"FAST\")\nSEED = 0"
DATA = "import numpy as np\nrng = np.random.default_rng(SEED)\ndata = rng.normal(size=100)"
SCALE = '''# Scale the data: scale(values, factor) -> array; later cells use scale() and `scaled`.
@np.vectorize
def scale(values,
          factor=2.0):  # the factor the lecture uses
    """values times factor."""
    return values * factor


scaled = scale(data)'''
SCALE_BLANK = '''# %load ../solutions/01_demo/scale_data.py
# ████████████  TYPE HERE: scale_data  ████████████
# To catch up: delete the "# " before %load, run the cell, then run it again.
# Scale the data: scale(values, factor) -> array; later cells use scale() and `scaled`.

@np.vectorize
def scale(values,
          factor=2.0):  # the factor the lecture uses
    """values times factor."""
    ...'''
TOTAL = "total = float(scale(scaled, 0.5).sum())\ncount = len(scaled)"
REPORT = ("runtime.report_results(\"01_demo\", {\"total\": total, \"count\": count, \"label\": \"demo\"},\n"
          "                       timings={\"seconds\": 0.1}, seed=SEED, fast=FAST)")
EXERCISE = "# Exercise: the squares of the scaled data.\nsquares = scaled ** 2\nassert squares.min() >= 0"


def code(source, tags=(), cell_id=None):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})
    if cell_id:
        cell.id = cell_id
    return cell


def demo_cells():
    return [nbformat.v4.new_markdown_cell("# A demo"), code(PARAMETERS, ["parameters"], "parameters"),
            code(DATA, cell_id="make_data"), code(SCALE, ["live"], "scale_data"), code(TOTAL, cell_id="total"),
            code(REPORT, cell_id="report"), nbformat.v4.new_markdown_cell("## Exercise"),
            code(EXERCISE, ["solution"], "exercise_squares")]


def write_notebook(notebooks_dir, cells, stem=DEMO):
    notebooks_dir.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = notebooks_dir / f"{stem}.ipynb"
    nbformat.write(notebook, path)
    return path


def generate(notebooks_dir, *args):
    return generator.main(["--notebooks-dir", str(notebooks_dir), *args])


@pytest.fixture
def demo(tmp_path):
    notebooks_dir = tmp_path / "notebooks"
    path = write_notebook(notebooks_dir, demo_cells())
    assert generate(notebooks_dir) == 0
    return path


def test_generator_writes_live_copy_and_solution_files(demo):
    notebooks_dir = demo.parent
    live = nbformat.read(notebooks_dir / "live" / "01_demo.ipynb", as_version=4)
    sources = {cell.id: cell.source for cell in live.cells}
    assert sources["scale_data"] == SCALE_BLANK
    assert sources["exercise_squares"] == ("# %load ../solutions/01_demo/exercise_squares.py\n"
                                           "# ████████████  EXERCISE: exercise_squares  ████████████\n"
                                           "# To catch up: delete the \"# \" before %load, run the cell, "
                                           "then run it again.\n"
                                           "# Exercise: the squares of the scaled data.")
    assert live.cells[0].id == generator.HOW_TO_CELL_ID and "%load" in live.cells[0].source
    assert sources["make_data"] == DATA and sources["report"] == REPORT
    solutions = notebooks_dir / "solutions" / "01_demo"
    assert sorted(path.name for path in solutions.iterdir()) == ["exercise_squares.py", "scale_data.py"]
    assert (solutions / "scale_data.py").read_text(encoding="utf-8") == SCALE + "\n"
    assert (solutions / "exercise_squares.py").read_text(encoding="utf-8") == EXERCISE + "\n"
    assert generate(notebooks_dir, "--check") == 0


def test_check_reports_stale_files_and_writes_nothing(demo, capsys):
    notebooks_dir = demo.parent
    solution = notebooks_dir / "solutions" / "01_demo" / "scale_data.py"
    solution.write_text(SCALE.replace("factor=2.0", "factor=3.0") + "\n", encoding="utf-8")
    orphan = notebooks_dir / "solutions" / "01_demo" / "old_cell.py"
    orphan.write_text("x = 1\n", encoding="utf-8")
    orphan_live = notebooks_dir / "live" / "99_gone.ipynb"
    orphan_live.write_text(json.dumps({"metadata": {generator.LIVE_COPY_KEY: {"from": "99_gone.ipynb"}}}),
                           encoding="utf-8")  # a live copy the generator wrote for a notebook now gone
    capsys.readouterr()
    assert generate(notebooks_dir, "--check") == 1
    out = capsys.readouterr().out
    for name in ["scale_data.py", "old_cell.py", "99_gone.ipynb"]:
        assert name in out
    assert "factor=3.0" in solution.read_text(encoding="utf-8") and orphan.exists() and orphan_live.exists()
    assert generate(notebooks_dir) == 0
    assert solution.read_text(encoding="utf-8") == SCALE + "\n" and not orphan.exists() and not orphan_live.exists()
    assert generate(notebooks_dir, "--check") == 0


def test_generator_strips_outputs_and_follows_renamed_cells(demo):
    notebooks_dir = demo.parent
    notebook = nbformat.read(demo, as_version=4)
    notebook.cells[2].outputs = [nbformat.v4.new_output("stream", text="hello")]
    notebook.cells[2].execution_count = 3
    notebook.cells[3].id = "scale_values"
    nbformat.write(notebook, demo)
    assert generate(notebooks_dir, "--check") == 1
    assert generate(notebooks_dir) == 0
    stored = nbformat.read(demo, as_version=4)
    assert stored.cells[2].outputs == [] and stored.cells[2].execution_count is None
    solutions = notebooks_dir / "solutions" / "01_demo"
    assert sorted(path.name for path in solutions.iterdir()) == ["exercise_squares.py", "scale_values.py"]


def test_list_prints_the_blanked_cells_with_line_counts(demo, capsys):
    capsys.readouterr()
    assert generate(demo.parent, "--list") == 0
    out = capsys.readouterr().out
    # scale_data: 6 lines after the comment, of which the stub shows 4 (decorator, signature, docstring)
    assert "| 01_demo | `scale_data` | in the lecture | 2 | 1 |" in out
    assert "| 01_demo | `exercise_squares` | exercise | 2 | 1 |" in out
    assert "01_demo: 1 cells typed in the lecture, 2 lines" in out


def test_teaching_table_and_readme_links_are_refreshed(tmp_path):
    notebooks_dir = tmp_path / "notebooks"
    write_notebook(notebooks_dir, demo_cells())
    guide = tmp_path / generator.CELLS_TABLE_FILE
    guide.parent.mkdir()
    guide.write_text(f"# Guide\n\n{generator.README_BEGIN}\nold table\n{generator.README_END}\n\nmore\n",
                     encoding="utf-8")
    readme = tmp_path / "README.md"
    old_link = "https://colab.research.google.com/github/someone/fork/blob/dev/notebooks/01_demo.ipynb"
    readme.write_text(f"# Course\n\n[open]({old_link})\n", encoding="utf-8")
    assert generate(notebooks_dir) == 0
    text = guide.read_text(encoding="utf-8")
    assert "old table" not in text and "`scale_data`" in text and text.endswith("\n\nmore\n")
    assert readme.read_text(encoding="utf-8") == f"# Course\n\n[open]({colab.colab_url('notebooks/01_demo.ipynb')})\n"
    assert generate(notebooks_dir, "--check") == 0


def test_set_up_cell_and_badges_follow_the_address(tmp_path):
    notebooks_dir = tmp_path / "notebooks"
    header = nbformat.v4.new_markdown_cell(
        "# Demo\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/someone/fork/blob/dev/notebooks/02_other.ipynb)")
    set_up = code(colab.setup_cell_source(("mnist",)).replace(colab.REPOSITORY, "https://github.com/old/address"),
                  cell_id="colab_setup")
    write_notebook(notebooks_dir, [header, set_up] + demo_cells())
    assert generate(notebooks_dir) == 0
    complete = nbformat.read(notebooks_dir / "01_demo.ipynb", as_version=4)
    live = nbformat.read(notebooks_dir / "live" / "01_demo.ipynb", as_version=4)
    assert colab.colab_url("notebooks/01_demo.ipynb") in complete.cells[0].source
    assert live.cells[0].id == generator.HOW_TO_CELL_ID  # then the complete notebook's cells
    assert colab.colab_url("notebooks/live/01_demo.ipynb") in live.cells[1].source
    assert complete.cells[1].source == live.cells[2].source == colab.setup_cell_source(("mnist",))


@pytest.mark.parametrize("change, message", [
    (lambda cells: cells[3].__setitem__("source", SCALE.split("\n", 1)[1]), "must start with a comment block"),
    (lambda cells: setattr(cells[3], "id", "bca7fb13"), "descriptive snake_case"),
    (lambda cells: setattr(cells[3], "id", "cell-56"), "descriptive snake_case"),
    (lambda cells: setattr(cells[3], "id", "ScaleData"), "descriptive snake_case"),
    (lambda cells: setattr(cells[7], "id", "scale-data"), "descriptive snake_case"),
    (lambda cells: cells.__setitem__(0, nbformat.v4.new_markdown_cell("# A demo", metadata={"tags": ["live"]})),
     "only code cells can be tagged"),
    (lambda cells: cells[3].__setitem__("source", "# Broken.\ndef f(:\n    pass"), "cannot be parsed"),
])
def test_generator_rejects_broken_tags(tmp_path, capsys, change, message):
    notebooks_dir = tmp_path / "notebooks"
    cells = demo_cells()
    change(cells)
    write_notebook(notebooks_dir, cells)
    capsys.readouterr()
    assert generate(notebooks_dir) == 2
    assert generate(notebooks_dir, "--check") == 2
    err = capsys.readouterr().err
    assert message in err and "01_demo.ipynb cell" in err
    assert not (notebooks_dir / "live").exists() and not (notebooks_dir / "solutions").exists()


def test_generator_rejects_duplicate_ids(tmp_path, capsys):
    notebooks_dir = tmp_path / "notebooks"
    cells = demo_cells()
    # nbformat itself refuses duplicate ids when writing, so build the JSON by hand
    notebook = nbformat.v4.new_notebook(cells=cells)
    data = json.loads(nbformat.writes(notebook))
    data["cells"][7]["id"] = "scale_data"
    notebooks_dir.mkdir()
    (notebooks_dir / "01_demo.ipynb").write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert generate(notebooks_dir) == 2
    assert "duplicate id 'scale_data'" in capsys.readouterr().err


def test_a_broken_notebook_leaves_the_others_alone(tmp_path, capsys):
    notebooks_dir = tmp_path / "notebooks"
    write_notebook(notebooks_dir, demo_cells())
    broken = demo_cells()
    broken[3].id = "cell_3"
    write_notebook(notebooks_dir, broken, stem="02_broken")
    assert generate(notebooks_dir) == 2
    assert (notebooks_dir / "live" / "01_demo.ipynb").exists()
    assert not (notebooks_dir / "live" / "02_broken.ipynb").exists()


def test_named_notebooks_are_processed_alone(tmp_path):
    """`make_live_notebooks.py notebooks/02_x.ipynb` touches only that notebook's files."""
    notebooks_dir = tmp_path / "notebooks"
    write_notebook(notebooks_dir, demo_cells())
    other = write_notebook(notebooks_dir, demo_cells(), stem="02_other")
    assert generate(notebooks_dir, str(other)) == 0
    assert (notebooks_dir / "live" / "02_other.ipynb").exists()
    assert (notebooks_dir / "solutions" / "02_other" / "scale_data.py").exists()
    assert not (notebooks_dir / "live" / "01_demo.ipynb").exists()
    assert generate(notebooks_dir, "--check") == 1  # 01_demo is still missing its files


def test_catch_up_runs_the_stubs_then_exactly_what_percent_load_pastes(demo, tmp_path):
    """The kernel's own `%load`, run from the live folder, pastes `# %load <path>` and the
    solution file; that text is what runs after the stubs."""
    live_dir = demo.parent / "live"
    notebook, blanks = caught_up(live_dir / "01_demo.ipynb")
    assert blanks == 2
    load_cells = [cell for cell in notebook.cells if cell.metadata.get("catch_up") == "load"]
    assert [cell.source.split("\n")[0] for cell in load_cells] == [
        "%load ../solutions/01_demo/scale_data.py", "%load ../solutions/01_demo/exercise_squares.py"]
    run_notebook(notebook, live_dir, tmp_path / "live")
    pasted = {cell.id: cell.source for cell in notebook.cells}
    solutions = demo.parent / "solutions" / "01_demo"
    assert pasted["scale_data"] == "# %load ../solutions/01_demo/scale_data.py\n" + SCALE + "\n"
    assert pasted["exercise_squares"] == ("# %load ../solutions/01_demo/exercise_squares.py\n"
                                          + (solutions / "exercise_squares.py").read_text(encoding="utf-8"))


def test_a_missing_solution_file_fails_the_catch_up(demo, tmp_path):
    (demo.parent / "solutions" / "01_demo" / "scale_data.py").unlink()
    notebook, _ = caught_up(demo.parent / "live" / "01_demo.ipynb")
    with pytest.raises(CellExecutionError, match="scale_data.py' was not found"):
        run_notebook(notebook, demo.parent / "live", tmp_path / "live")


def run_demo_live(demo, tmp_path):
    notebook, _ = caught_up(demo.parent / "live" / "01_demo.ipynb")
    run_notebook(notebook, demo.parent / "live", tmp_path / "live")
    return recorded_results(tmp_path / "live", DEMO)


def test_caught_up_demo_gives_the_complete_results(demo, tmp_path):
    expected, source = complete_results(demo, None, tmp_path / "complete")
    assert source == "run here" and expected["results"]["count"] == 100
    assert_same_results(expected, run_demo_live(demo, tmp_path))


def test_recorded_complete_results_are_reused(demo, tmp_path):
    """With a quick-mode record in the session directory, the complete notebook is not run again."""
    session = tmp_path / "session"
    session.mkdir()
    record = {"notebook": DEMO, "run": {"seed": 0, "fast": True}, "results": {"total": 1.0}, "timings": {}}
    (session / f"{DEMO}.json").write_text(json.dumps(record), encoding="utf-8")
    assert complete_results(demo, session, tmp_path / "scratch") == (record, "recorded by this session's nbval run")
    record["run"]["fast"] = False  # a full-mode record is not a quick run's result
    (session / f"{DEMO}.json").write_text(json.dumps(record), encoding="utf-8")
    assert complete_results(demo, session, tmp_path / "scratch")[1] == "run here"


def test_a_solution_file_that_differs_changes_the_results(demo, tmp_path):
    expected, _ = complete_results(demo, None, tmp_path / "complete")
    solution = demo.parent / "solutions" / "01_demo" / "scale_data.py"
    solution.write_text(SCALE.replace("factor=2.0", "factor=2.5") + "\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"results\['total'\]"):
        assert_same_results(expected, run_demo_live(demo, tmp_path))


def test_a_later_cell_needing_a_name_the_solution_lacks_fails(demo, tmp_path):
    """If the solution file lacks a name that later cells use and only the complete cell
    defined (here `scaled`), the caught-up run fails."""
    solution = demo.parent / "solutions" / "01_demo" / "scale_data.py"
    solution.write_text(SCALE.rsplit("\n\n\n", 1)[0] + "\n", encoding="utf-8")
    assert "scaled =" not in solution.read_text(encoding="utf-8") and "def scale" in solution.read_text(encoding="utf-8")
    with pytest.raises(CellExecutionError, match="NameError"):
        run_demo_live(demo, tmp_path)


def test_the_live_copy_without_catch_up_does_not_run(demo, tmp_path):
    """The blanks really are blank: the stubs alone cannot produce the results."""
    notebook = nbformat.read(demo.parent / "live" / "01_demo.ipynb", as_version=4)
    with pytest.raises(CellExecutionError, match="NameError"):
        run_notebook(notebook, demo.parent / "live", tmp_path / "live")


def test_results_comparison_is_exact_for_ints_and_strings_and_tight_for_floats():
    assert differences({"a": 1, "b": "x", "c": [0.5, {"d": 2.0}]}, {"a": 1, "b": "x", "c": [0.5, {"d": 2.0}]}) == []
    assert differences({"a": 1.0}, {"a": 1.0 + 1e-9}) == []
    assert differences({"a": 1.0}, {"a": 1.0 + 1e-5})
    assert differences({"a": 1}, {"a": 2}) and differences({"a": 1}, {"a": 1.0}) and differences({"a": 1.0}, {"a": 1})
    assert differences({"a": "x"}, {"a": "y"}) and differences({"a": True}, {"a": 1})
    assert differences({"a": 1}, {"a": 1, "b": 2}) and differences({"a": [1, 2]}, {"a": [1]})


def test_generator_removes_only_the_live_copies_it_wrote(demo, capsys):
    """A teacher's own notebook in notebooks/live/ survives; an orphaned generated copy goes."""
    live_dir = demo.parent / "live"
    own_notes = live_dir / "01_my_class_notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("my notes")]), own_notes)
    saved_as = live_dir / "01_demo_rehearsal.ipynb"  # "Save As" of the live copy keeps its metadata
    saved_as.write_text((live_dir / "01_demo.ipynb").read_text(encoding="utf-8"), encoding="utf-8")
    demo.rename(demo.with_name("02_renamed.ipynb"))  # the complete notebook is renamed
    capsys.readouterr()
    assert generate(demo.parent) == 0
    out = capsys.readouterr().out
    assert "removed: notebooks/live/01_demo.ipynb" in out and not (live_dir / "01_demo.ipynb").exists()
    assert own_notes.exists() and saved_as.exists() and "01_my_class_notes" not in out
    assert (live_dir / "02_renamed.ipynb").exists()
    assert generate(demo.parent, "--check") == 0


def test_slide_types_follow_the_headings_and_the_line_budget(tmp_path):
    cells = [nbformat.v4.new_markdown_cell("# Title"), code("x = 1", cell_id="first"),
             nbformat.v4.new_markdown_cell("## Section"), code("\n".join(["y = 2"] * 20), cell_id="long"),
             code("\n".join(["z = 3"] * 20), cell_id="longer"), nbformat.v4.new_markdown_cell("### Part"),
             code("w = 4", cell_id="short"), nbformat.v4.new_markdown_cell("Notes", metadata={
                 "slideshow": {"slide_type": "notes"}})]
    notebook = nbformat.v4.new_notebook(cells=cells)
    generator.set_slide_types(notebook)
    assert [cell.metadata["slideshow"]["slide_type"] for cell in notebook.cells] == [
        "slide", "-", "slide", "-", "subslide", "subslide", "-", "notes"]
