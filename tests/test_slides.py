"""Slides from the notebooks: `jupyter nbconvert --to slides` builds a deck from every
notebook (complete and live copy) whose section headings each start a slide and whose
slides fit a projector screen.

The slide types are set by scripts/make_live_notebooks.py (`set_slide_types`): the title and
every `##` heading start a slide, `###` a sub-slide, and a cell that would take a slide past
SLIDE_MAX_LINES source lines starts a sub-slide. A single cell longer than that is a slide of
its own and scrolls; it may not exceed LONGEST_CELL lines.
"""

import importlib.util
import pathlib
import re

import nbformat
import pytest
from nbconvert import SlidesExporter

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_live_notebooks.py"
_spec = importlib.util.spec_from_file_location("make_live_notebooks", SCRIPT)
generator = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generator)

COMPLETE = sorted((ROOT / "notebooks").glob("*.ipynb"))
LIVE = [ROOT / "notebooks" / "live" / path.name for path in COMPLETE]
LONGEST_CELL = 50  # source lines of one cell shown alone on a slide (it scrolls a little)
# Cells still longer, each with the most lines it may have until it is split (then delete its entry)
KNOWN_LONG_CELLS: dict[tuple[str, str], int] = {}
TOKEN = re.compile(r'<section[^>]*>|</section>|id="cell-id=([^"]+)"')


def slides_of(path):
    """[(slide number, [cell ids])] of the sub-slides of the deck nbconvert builds, in order."""
    html, _ = SlidesExporter().from_filename(str(path))
    depth, slide, subslides = 0, 0, []
    for match in TOKEN.finditer(html):
        token = match.group(0)
        if token.startswith("<section"):
            depth += 1
            if depth == 1:
                slide += 1
            else:
                subslides.append((slide, []))
        elif token == "</section>":
            depth -= 1
        elif subslides and depth == 2:
            subslides[-1][1].append(match.group(1))
    assert depth == 0, f"{path.name}: unbalanced <section> tags"
    return subslides


@pytest.mark.parametrize("path", COMPLETE + LIVE, ids=lambda path: str(path.relative_to(ROOT / "notebooks")))
def test_slides_build_with_a_slide_per_section_and_none_too_long(path):
    notebook = nbformat.read(path, as_version=4)
    if not any("slideshow" in cell.metadata for cell in notebook.cells):
        pytest.skip(f"{path.name} has no slide metadata yet (run scripts/make_live_notebooks.py)")
    cells = {cell.id: cell for cell in notebook.cells}
    subslides = slides_of(path)
    shown = [cell_id for _, ids in subslides for cell_id in ids]
    skipped = [cell.id for cell in notebook.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "skip"]
    assert shown == [cell.id for cell in notebook.cells if cell.id not in skipped], "cells lost or reordered"

    first_of_slide, previous = set(), None
    for number, ids in subslides:
        if number != previous and ids:
            first_of_slide.add(ids[0])
        previous = number
    sections = [cell.id for cell in notebook.cells if generator.heading_level(cell) in (1, 2)]
    assert sections, f"{path.name} has no section headings"
    for cell_id in sections:
        assert cell_id in first_of_slide, f"{path.name}: section {cells[cell_id].source.splitlines()[0]!r} " \
                                          f"does not start a slide"

    too_long = []
    for number, ids in subslides:
        lines = sum(len(cells[cell_id].source.splitlines()) or 1 for cell_id in ids)
        limit = (generator.SLIDE_MAX_LINES if len(ids) > 1
                 else KNOWN_LONG_CELLS.get((path.stem, ids[0]), LONGEST_CELL))
        if lines > limit:
            too_long.append(f"slide {number} ({ids[0]}): {lines} lines > {limit}")
    assert not too_long, f"{path.name}: slides overflow the screen:\n" + "\n".join(too_long)


def test_a_deck_reports_a_heading_that_does_not_start_a_slide(tmp_path):
    """The check above bites: a `##` heading inside a slide is found."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
                                               nbformat.v4.new_markdown_cell("## Section")])
    generator.set_slide_types(notebook)
    path = tmp_path / "deck.ipynb"
    nbformat.write(notebook, path)
    assert [ids for _, ids in slides_of(path)] == [[notebook.cells[0].id], [notebook.cells[1].id]]
    notebook.cells[1].metadata["slideshow"]["slide_type"] = "-"
    nbformat.write(notebook, path)
    assert [ids for _, ids in slides_of(path)] == [[notebook.cells[0].id, notebook.cells[1].id]]


def test_the_slides_config_makes_tall_slides_scroll():
    """slides_config.json (docs/teaching.md: `jupyter nbconvert --config slides_config.json --to
    slides ...`) must be a valid nbconvert config that gives 1280x900 slides that scroll."""
    import json

    from traitlets.config import Config

    settings = json.loads((ROOT / "slides_config.json").read_text(encoding="utf-8"))
    html, _ = SlidesExporter(config=Config(settings)).from_filename(str(COMPLETE[0]))
    assert "var scroll = true" in html
    assert re.search(r"width: 1280,\s*height: 900,", html), "slides_config.json's size is not in the deck"
