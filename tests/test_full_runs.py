"""scripts/full_runs.py: runs notebooks headless, records their results, writes the README table."""

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "full_runs.py"


def load_script():
    spec = importlib.util.spec_from_file_location("full_runs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


full_runs = load_script()

README_STUB = f"""# A course

Some text.

{full_runs.START_MARKER}
(old table)
{full_runs.END_MARKER}

More text.
"""


def write_synthetic_notebook(path, check="assert score > 0.4, 'learned nothing'", report=True):
    """A tiny notebook shaped like the course's: a parameters cell, a CPU-busy cell, a check, the report."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('from helpers import runtime\nFAST = runtime.env_flag("FAST")\nSEED = 0')
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        parameters,
        nbformat.v4.new_code_cell("import time\nstart = time.process_time()\n"
                                  "while time.process_time() - start < 1.0:  # one second of CPU work\n"
                                  "    pass\nprint('CPU only (synthetic)')"),
        nbformat.v4.new_code_cell(f"score = 0.5 + SEED / 10\n{check}"),
    ]
    if report:
        cells.append(nbformat.v4.new_code_cell(
            f"runtime.report_results({path.stem!r}, {{'score': score, 'per_seed': {{'seed_squared': SEED ** 2}}}}, "
            "timings={'busy_seconds': 1.0}, seed=SEED, fast=FAST);"))
    notebook.cells = cells
    nbformat.write(notebook, path)
    return path


def test_synthetic_notebook_end_to_end(tmp_path, capsys):
    notebook = write_synthetic_notebook(tmp_path / "98_synthetic.ipynb")
    readme = tmp_path / "README.md"
    readme.write_text(README_STUB, encoding="utf-8")
    results = tmp_path / "results.json"
    status = full_runs.main([str(notebook), "--fast", "--seeds", "0", "1", "--results", str(results),
                             "--readme", str(readme), "--runs-dir", str(tmp_path / "runs"), "--quiet"])
    assert status == 0, capsys.readouterr()
    entries = json.loads(results.read_text(encoding="utf-8"))
    assert [(entry["notebook"], entry["seed"], entry["mode"]) for entry in entries] == [
        ("98_synthetic", 0, "fast"), ("98_synthetic", 1, "fast")]
    first, second = entries
    assert first["results"] == {"score": 0.5, "per_seed": {"seed_squared": 0}}
    assert second["results"] == {"score": 0.6, "per_seed": {"seed_squared": 1}}
    assert first["timings"] == {"busy_seconds": 1.0}
    if full_runs.children_cpu_seconds() is None:  # no `resource` module (Windows): not measured
        assert first["cpu_seconds"] is None
    else:
        # the kernel burnt one second of CPU; the wall time covers at least that much spread over the cores
        assert first["cpu_seconds"] >= 0.95
        assert first["wall_seconds"] >= first["cpu_seconds"] / (os.cpu_count() or 1)
    assert first["device"] == "CPU only (synthetic)"
    assert first["machine"]["logical_cores"] == os.cpu_count() and first["machine"]["ram_gib"] > 0
    assert set(first["versions"]) == {"python", "tensorflow", "keras", "numpy", "gymnasium", "ale-py"}
    assert first["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))
    assert first["date"].endswith("Z") and first["parameters"] == {"SEED": 0}
    executed = nbformat.read(tmp_path / "runs" / "98_synthetic-seed1-fast.ipynb", as_version=4)
    injected = [cell for cell in executed.cells if "injected-parameters" in cell.metadata.get("tags", [])]
    assert injected and "SEED = 1" in injected[0].source
    # the README table is regenerated from the file, between the markers only
    text = readme.read_text(encoding="utf-8")
    assert "(old table)" not in text and text.startswith("# A course") and text.endswith("More text.\n")
    assert full_runs.table_in_readme(text) == full_runs.render_table(entries)
    assert "`score` 0.550 ± 0.071" in text and "`per_seed.seed_squared` 0.50 ± 0.71" in text
    assert "quick run (FAST=1)" in text and "| 0, 1 |" in text


@pytest.mark.parametrize("check, report, message", [
    ("assert score > 0.9, 'learned nothing'", True, "AssertionError: learned nothing"),
    ("pass", False, "wrote no 97_failing.json"),
])
def test_failing_notebook_records_nothing(tmp_path, capsys, check, report, message):
    notebook = write_synthetic_notebook(tmp_path / "97_failing.ipynb", check=check, report=report)
    readme = tmp_path / "README.md"
    readme.write_text(README_STUB, encoding="utf-8")
    results = tmp_path / "results.json"
    results.write_text("[]\n", encoding="utf-8")
    status = full_runs.main([str(notebook), "--fast", "--results", str(results), "--readme", str(readme),
                             "--runs-dir", str(tmp_path / "runs"), "--quiet"])
    assert status == 1
    assert message in capsys.readouterr().err
    assert results.read_text(encoding="utf-8") == "[]\n" and readme.read_text(encoding="utf-8") == README_STUB


def test_quick_runs_stay_out_of_the_committed_results(tmp_path, monkeypatch, capsys):
    committed = tmp_path / "full_runs.json"
    committed.write_text("[]\n", encoding="utf-8")
    monkeypatch.setattr(full_runs, "DEFAULT_RESULTS", committed)
    monkeypatch.setattr(full_runs, "DEFAULT_README", tmp_path / "README.md")  # absent: writing it would fail
    notebook = write_synthetic_notebook(tmp_path / "96_quick.ipynb")
    status = full_runs.main([str(notebook), "--fast", "--runs-dir", str(tmp_path / "runs"), "--quiet"])
    assert status == 0
    assert "not recorded" in capsys.readouterr().out
    assert committed.read_text(encoding="utf-8") == "[]\n"


def test_unknown_notebook_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "05_transformers", "--fast",
                             "--results", str(tmp_path / "r.json")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "unknown notebook '05_transformers'" in result.stderr
    assert "01_nonlinear_classification" in result.stderr
    assert not (tmp_path / "r.json").exists()


def test_notebook_names_resolve():
    assert full_runs.resolve_notebook("03").name == "03_mnist_convnets.ipynb"
    assert full_runs.resolve_notebook("3").name == "03_mnist_convnets.ipynb"
    assert full_runs.resolve_notebook("01_nonlinear_classification").name == "01_nonlinear_classification.ipynb"
    assert full_runs.resolve_notebook("notebooks/02_autoencoders.ipynb").name == "02_autoencoders.ipynb"
    with pytest.raises(ValueError, match="unknown notebook"):
        full_runs.resolve_notebook("9")


def entry(notebook, seed, mode="full", **results):
    return {"notebook": notebook, "seed": seed, "mode": mode, "parameters": {"SEED": seed},
            "results": results, "timings": {}, "wall_seconds": 60.0, "cpu_seconds": 100.0,
            "date": "2026-01-02T03:04:05Z", "machine": {"logical_cores": 2, "cpu_model": "CPU", "ram_gib": 8.0,
                                                        "gpus": []}, "versions": {"python": "3.11.7"}}


def test_rerun_replaces_the_same_notebook_seed_and_mode():
    old = [entry("01_a", 0, accuracy=0.9), entry("01_a", 1, accuracy=0.8), entry("01_a", 0, "fast", accuracy=0.7)]
    merged = full_runs.merge_entries(old, [entry("01_a", 0, accuracy=0.95)])
    assert [(item["seed"], item["mode"], item["results"]["accuracy"]) for item in merged] == [
        (0, "fast", 0.7), (0, "full", 0.95), (1, "full", 0.8)]


def test_table_summarises_seeds_and_separates_machines():
    gpu = entry("02_b", 0, loss=0.25)
    gpu["machine"] = dict(gpu["machine"], gpus=["NVIDIA H100"])
    table = full_runs.render_table([entry("02_b", 0, loss=0.2), entry("02_b", 1, loss=0.3), gpu])
    rows = [line for line in table.splitlines() if line.startswith("| 02_b")]
    assert len(rows) == 2
    assert any("`loss` 0.250 ± 0.071" in row and "| 0, 1 |" in row and "no GPU" in row for row in rows)
    assert any("`loss` 0.25 |" in row and "GPU NVIDIA H100" in row for row in rows)
    assert full_runs.render_table([]).startswith("No full run is recorded yet")


def test_runs_that_differ_in_a_text_result_get_their_own_rows():
    runs = [entry("04_c", 2, precision="float32", score=13.0), entry("04_c", 4, precision="bfloat16", score=18.0),
            entry("04_c", 5, precision="bfloat16", score=16.0)]
    rows = [line for line in full_runs.render_table(runs).splitlines() if line.startswith("| 04_c")]
    assert len(rows) == 2, rows
    assert any("`precision` bfloat16" in row and "`score` 17.0 ± 1.4" in row and "| 4, 5 |" in row for row in rows)
    assert any("`precision` float32" in row and "`score` 13 " in row and "| 2 |" in row for row in rows)


def test_readme_table_agrees_with_the_results_file():
    entries = full_runs.load_entries(full_runs.DEFAULT_RESULTS)
    assert all(item["mode"] == "full" for item in entries), "quick runs do not belong in results/full_runs.json"
    readme_table = full_runs.table_in_readme((ROOT / "README.md").read_text(encoding="utf-8"))
    assert readme_table == full_runs.render_table(entries), (
        "README.md's results table differs from results/full_runs.json: run python scripts/full_runs.py --readme-only")


def quickest_reporting_notebook():
    """The course notebook with the shortest quick run that already reports its results."""
    for stem in ("01_nonlinear_classification", "03_mnist_convnets", "02_autoencoders", "04_atari_dqn"):
        path = ROOT / "notebooks" / f"{stem}.ipynb"
        if path.is_file() and "report_results(" in path.read_text(encoding="utf-8"):
            return path
    return None


@pytest.mark.slow
@pytest.mark.skipif(quickest_reporting_notebook() is None, reason="no course notebook calls report_results yet")
def test_course_notebook_quick_run(tmp_path, capsys):
    notebook = quickest_reporting_notebook()
    readme = tmp_path / "README.md"
    readme.write_text(README_STUB, encoding="utf-8")
    results = tmp_path / "results.json"
    status = full_runs.main([notebook.stem, "--fast", "--results", str(results), "--readme", str(readme),
                             "--runs-dir", str(tmp_path / "runs"), "--quiet"])
    assert status == 0, capsys.readouterr().err
    (recorded,) = json.loads(results.read_text(encoding="utf-8"))
    assert recorded["notebook"] == notebook.stem and recorded["mode"] == "fast" and recorded["seed"] == 0
    assert recorded["results"], "the notebook reported no results"
    assert recorded["device"] and recorded["device"].startswith(("CPU only", "GPU:"))
    assert recorded["wall_seconds"] > 1
    assert recorded["cpu_seconds"] is None if full_runs.children_cpu_seconds() is None else recorded["cpu_seconds"] > 1
    assert full_runs.table_in_readme(readme.read_text(encoding="utf-8")) == full_runs.render_table([recorded])


def test_recorded_runs_are_rendered_as_html(tmp_path, capsys):
    notebook = write_synthetic_notebook(tmp_path / "98_synthetic.ipynb")
    readme = tmp_path / "README.md"
    readme.write_text(README_STUB, encoding="utf-8")
    outputs, runs = tmp_path / "outputs", tmp_path / "runs"
    common = ["--results", str(tmp_path / "results.json"), "--readme", str(readme), "--runs-dir", str(runs),
              "--outputs", str(outputs), "--quiet"]
    assert full_runs.main([str(notebook), "--fast", "--seeds", "1", *common]) == 0, capsys.readouterr()
    page = (outputs / "98_synthetic-seed1-fast.html").read_text(encoding="utf-8")
    assert "<html" in page and "seed_squared" in page  # the printed results are on the page
    (outputs / "98_synthetic-seed1-fast.html").unlink()
    # --html-only renders full-mode runs already executed; a missing one is an error
    (runs / "98_synthetic-seed1-fast.ipynb").rename(runs / "98_synthetic-seed1-full.ipynb")
    assert full_runs.main([str(notebook), "--html-only", "--seeds", "1", "2", *common]) == 1
    assert (outputs / "98_synthetic-seed1-full.html").is_file()
    assert "no executed notebook" in capsys.readouterr().err


def write_resumable_notebook(path):
    """A notebook with a checkpoint folder: each run adds one to a counter kept there."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('from helpers import runtime\nFAST = runtime.env_flag("FAST")\nSEED = 0\n'
                                           'ATARI_MAX_MINUTES = 70\nCHECKPOINT_DIR = None')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(
        "import pathlib\n"
        "counter = pathlib.Path(CHECKPOINT_DIR) / 'runs.ckpt.npz'\n"
        "counter.parent.mkdir(parents=True, exist_ok=True)\n"
        "sessions = int(counter.read_text()) + 1 if counter.exists() else 1\n"
        "counter.write_text(str(sessions))\n"
        f"runtime.report_results({path.stem!r}, {{'sessions': sessions, 'minutes': ATARI_MAX_MINUTES}}, "
        "seed=SEED, fast=FAST);")]
    nbformat.write(notebook, path)
    return path


def test_resume_continues_the_recorded_run_and_keeps_its_entry(tmp_path, capsys):
    notebook = write_resumable_notebook(tmp_path / "95_resumable.ipynb")
    results, runs = tmp_path / "results.json", tmp_path / "runs"
    common = [str(notebook), "--fast", "--seeds", "2", "--results", str(results), "--runs-dir", str(runs), "--quiet"]
    # nothing recorded yet: nothing to resume
    assert full_runs.main(common + ["--resume"]) == 1
    assert "--resume needs its recorded entry" in capsys.readouterr().err
    assert full_runs.main(common) == 0
    first = json.loads(results.read_text(encoding="utf-8"))[0]
    assert first["results"] == {"sessions": 1, "minutes": 70} and "resumed_from" not in first
    assert full_runs.main(common + ["--resume", "--atari-minutes", "95"]) == 0
    [resumed] = json.loads(results.read_text(encoding="utf-8"))
    assert resumed["results"] == {"sessions": 2, "minutes": 95}  # the checkpoint folder was kept
    assert resumed["parameters"] == {"SEED": 2, "ATARI_MAX_MINUTES": 95}
    assert resumed["resumed_from"]["results"] == first["results"]
    assert resumed["resumed_from"]["date"] == first["date"]
    assert resumed["resumed_from"]["wall_seconds"] == first["wall_seconds"]
    assert f"resumes seed 2's run of {first['date'][:10]}" in full_runs.render_table([resumed])
    # a resumed run resumed again keeps both earlier sessions
    assert full_runs.main(common + ["--resume", "--atari-minutes", "120"]) == 0
    [again] = json.loads(results.read_text(encoding="utf-8"))
    assert again["results"]["sessions"] == 3
    assert again["resumed_from"]["results"]["sessions"] == 2
    assert again["resumed_from"]["resumed_from"]["results"] == first["results"]
    # without --resume the run starts fresh again
    assert full_runs.main(common) == 0
    assert json.loads(results.read_text(encoding="utf-8"))[0]["results"]["sessions"] == 1
    # a recorded entry whose checkpoints are gone cannot be resumed
    import shutil
    shutil.rmtree(runs / "95_resumable-seed2-fast" / "checkpoints")
    assert full_runs.main(common + ["--resume"]) == 1
    assert "needs the checkpoints of the recorded run" in capsys.readouterr().err


def test_atari_minutes_must_be_positive():
    with pytest.raises(SystemExit):
        full_runs.parse_arguments(["04", "--atari-minutes", "0"])
