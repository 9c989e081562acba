"""Clean the course notebooks and regenerate their live-coding copies.

    python scripts/make_live_notebooks.py          # clean + write notebooks/live/
    python scripts/make_live_notebooks.py --check  # exit 1 if anything is out of date

For each complete notebook in notebooks/ this removes outputs, execution counts and
volatile metadata (the notebooks are stored clean), and writes notebooks/live/<same
name> where every code cell tagged `solution` is replaced by a placeholder, so a
teacher can live-code the solutions in class.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LIVE = NOTEBOOKS / "live"
PLACEHOLDER = "# Your solution here (the complete notebook in notebooks/ has one).\n"
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def clean(notebook) -> None:
    """Strip outputs, execution counts and per-run metadata, in place."""
    notebook.metadata.pop("widgets", None)
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        for key in VOLATILE_CELL_METADATA + ("papermill",):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None


def live_copy(notebook):
    """A copy of a clean notebook with the solution cells blanked."""
    copy = nbformat.reads(nbformat.writes(notebook), as_version=4)
    for cell in copy.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            cell.source = PLACEHOLDER
    return copy


def render(notebook) -> str:
    return nbformat.writes(notebook) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report files that would change; write nothing")
    args = parser.parse_args(argv)
    stale = []
    expected_live = set()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        clean(notebook)
        targets = {path: render(notebook), LIVE / path.name: render(live_copy(notebook))}
        expected_live.add(LIVE / path.name)
        for target, text in targets.items():
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current != text:
                stale.append(target)
                if not args.check:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
    orphans = sorted(set(LIVE.glob("*.ipynb")) - expected_live)
    for orphan in orphans:
        stale.append(orphan)
        if not args.check:
            orphan.unlink()
    for target in stale:
        print(("out of date: " if args.check else "updated: ") + str(target.relative_to(ROOT)))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
