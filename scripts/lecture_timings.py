"""Measure a lecture: run a live notebook with every blank caught up and time it per section.

    python scripts/lecture_timings.py notebooks/live/01_nonlinear_classification.ipynb          # quick mode
    python scripts/lecture_timings.py --full notebooks/live/03_mnist_convnets.ipynb            # full mode

Each blanked cell is replaced by its solution file (what its `%load` line pastes), the
notebook runs top to bottom in a fresh kernel from notebooks/live/ (FAST=1 unless --full;
results go to a temporary directory), and nbclient's timestamps give each cell's run time.
For every `##` section (the part before the first one is "set-up") it prints a markdown table:
the seconds its cells ran, the lines typed in class (the new lines of its `live` cells, as in
docs/teaching.md's table, at LINES_PER_MINUTE) and the words of its markdown. Exercise cells
(`solution`) are counted apart.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import pathlib
import platform
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_live_notebooks", ROOT / "scripts" / "make_live_notebooks.py")
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)
LOAD_LINE = re.compile(r"# %load \.\./solutions/([^/]+)/(\w+)\.py")


def caught_up(live_path: pathlib.Path):
    """The live notebook with every blank replaced by its solution, and {cell id: kind} of the blanks."""
    notebooks_dir = live_path.resolve().parent.parent  # notebooks/live/<name> -> notebooks/
    notebook = nbformat.read(live_path, as_version=4)
    complete = {cell.id: cell for cell in nbformat.read(notebooks_dir / live_path.name, as_version=4).cells}
    blanks = {}
    for cell in notebook.cells:
        match = LOAD_LINE.match(cell.source) if cell.cell_type == "code" else None
        if match:
            stem, cell_id = match.groups()
            cell.source = generator.solution_path(notebooks_dir, stem, cell_id).read_text(encoding="utf-8")
            blanks[cell.id] = (generator.kind(complete[cell.id]), generator.code_lines(complete[cell.id].source))
    return notebook, blanks


def seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda text: datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def sections(notebook, blanks):
    rows, current = [], None
    for cell in notebook.cells:
        if generator.heading_level(cell) == 2 or current is None:
            title = (cell.source.splitlines()[0].lstrip("# ").strip() if generator.heading_level(cell) == 2
                     else "title (and the live copy's how-to)")
            current = {"section": title, "cells": 0, "seconds": 0.0, "typed": 0, "exercise_lines": 0, "words": 0}
            rows.append(current)
        if cell.cell_type == "markdown":
            current["words"] += len(re.findall(r"[A-Za-z][A-Za-z'-]*", re.sub(r"\$[^$]*\$", " ", cell.source)))
        elif cell.cell_type == "code":
            current["cells"] += 1
            current["seconds"] += seconds(cell)
            kind, lines = blanks.get(cell.id, (None, 0))
            current["typed" if kind == "live" else "exercise_lines"] += lines
    return rows


def table(rows) -> str:
    out = ["| section | code cells | run (s) | lines typed | typing (min) | markdown words |",
           "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        typing = row["typed"] / generator.LINES_PER_MINUTE
        out.append(f"| {row['section']} | {row['cells']} | {row['seconds']:.0f} | {row['typed']} | "
                   f"{typing:.1f} | {row['words']} |")
    total = {key: sum(row[key] for row in rows) for key in ("cells", "seconds", "typed", "words", "exercise_lines")}
    out.append(f"| **total** | {total['cells']} | {total['seconds']:.0f} | {total['typed']} | "
               f"{total['typed'] / generator.LINES_PER_MINUTE:.1f} | {total['words']} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", type=pathlib.Path, help="a live notebook, notebooks/live/NN_*.ipynb")
    parser.add_argument("--full", action="store_true", help="full mode (FAST unset); default quick mode")
    args = parser.parse_args(argv)
    live_path = args.notebook.resolve()
    notebook, blanks = caught_up(live_path)
    with tempfile.TemporaryDirectory() as results:
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", COURSE_RESULTS_DIR=results)
        env.pop("FAST", None)
        if not args.full:
            env["FAST"] = "1"
        start = time.perf_counter()
        NotebookClient(notebook, timeout=3600, kernel_name="python3",
                       resources={"metadata": {"path": str(live_path.parent)}}).execute(env=env)
        wall = time.perf_counter() - start
    rows = sections(notebook, blanks)
    exercises = sum(row["exercise_lines"] for row in rows)
    print(f"{live_path.name}, {'full' if args.full else 'quick (FAST=1)'} mode, caught up; "
          f"{datetime.date.today()}, {platform.node()}, {os.cpu_count()} CPUs; "
          f"{wall:.0f} s with kernel start; exercise solutions: {exercises} lines\n")
    print(table(rows), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
