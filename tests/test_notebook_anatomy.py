"""Every notebook of the collection has the anatomy DESIGN.md promises a learner and an
instructor: slides for presenting, a prediction before its reveal, takeaways and an answer to
every Try-this item, the book's numbering, and nothing wider than a projected screen.

These are checks of the notebooks' shape, so they live here rather than in the notebooks;
the notebooks themselves assert only claims about backprop. Checks particular to one
notebook (its exercises stay unsolved, its links name their sections) are in the
``test_notebooks_*.py`` files.
"""
import re

import pytest
from notebook_support import NOTEBOOKS, markdown, read_cells

ALL = sorted(p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*.ipynb")
             if ".ipynb_checkpoints" not in p.parts)
LESSONS = [name for name in ALL if not name.startswith("solutions/")]
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "-", "notes"}
WIDTH = 100                  # characters: a line of code or print that a projector still shows


def test_the_collection_is_all_here():
    assert len(LESSONS) == 16 and LESSONS[0] == "00_start_here.ipynb"
    assert "solutions/exercises_solutions.ipynb" in ALL


@pytest.mark.parametrize("name", ALL)
def test_every_cell_has_a_slide_type_and_the_title_and_sections_start_slides(name):
    cells = read_cells(name)
    for i, cell in enumerate(cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"{name} cell {i} has slide type {slide_type!r}"
        if cell.cell_type == "markdown" and re.match(r"#{1,2} ", cell.source):
            assert slide_type == "slide", f"{name} cell {i} opens a section but is {slide_type}"
    assert cells[0].source.startswith("# ") and cells[0].metadata["slideshow"]["slide_type"] == "slide"


@pytest.mark.parametrize("name", ALL)
def test_the_goal_and_what_you_will_learn_come_first(name):
    opening = read_cells(name)[0].source
    assert "What you will learn" in opening or "what you will learn" in opening.lower(), name


@pytest.mark.parametrize("name", LESSONS)
def test_takeaways_and_an_answer_to_every_try_this_item(name):
    text = markdown(name)
    assert "## Takeaways" in text and "## Try this" in text, name
    takeaways = text.split("## Takeaways", 1)[1].split("\n## ", 1)[0]
    assert 3 <= len(re.findall(r"^(?:\*|-|\d+\.) ", takeaways, flags=re.M)) <= 5, name
    try_this = text.split("## Try this", 1)[1].split("\n## ", 1)[0]
    items = re.findall(r"^\d+\. ", try_this, flags=re.M)
    answers = re.findall(r"<details>\s*<summary>", try_this)
    assert items and len(answers) >= len(items), f"{name}: {len(items)} items, {len(answers)} answers"


@pytest.mark.parametrize("name", LESSONS)
def test_a_prediction_is_asked_before_the_cell_that_reveals_it(name):
    cells = read_cells(name)
    asked = [i for i, c in enumerate(cells) if c.cell_type == "markdown"
             and re.search(r"(\*\*Predict\b|^#+ Predict\b)", c.source, flags=re.M)]
    assert asked, f"{name} asks for no prediction"
    for i in asked:
        later = cells[i + 1:i + 3]
        assert any(c.cell_type == "code" for c in later), f"{name} cell {i}: nothing reveals it"


@pytest.mark.parametrize("name", ALL)
def test_the_books_symbols_are_never_declared_zero_based(name):
    text = "\n".join(c.source for c in read_cells(name)).lower()
    for phrase in ("counted from 0", "count from 0 in", "counts from 0 in everything"):
        assert phrase not in text, f"{name}: {phrase!r}"


@pytest.mark.parametrize("name", ALL)
def test_no_line_of_code_or_print_is_wider_than_a_projected_screen(name):
    for i, cell in enumerate(read_cells(name)):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                lines += out["text"].splitlines()
            elif "text/plain" in out.get("data", {}):
                lines += out["data"]["text/plain"].splitlines()
        wide = [line for line in lines if len(line) > WIDTH]
        assert not wide, f"{name} cell {i}: {len(wide[0])} characters: {wide[0][:60]}..."


@pytest.mark.parametrize("name", ALL)
def test_asserts_never_hide_in_cells_whose_output_is_not_compared(name):
    # nbval still runs an ignored cell, but a reader should see every claim checked where
    # its output is compared: timings and progress bars only.
    for i, cell in enumerate(read_cells(name)):
        if cell.cell_type == "code" and "NBVAL_IGNORE_OUTPUT" in cell.source:
            body = "\n".join(line for line in cell.source.splitlines()
                             if not line.lstrip().startswith("#"))
            if "assert" in body:
                assert "time" in body.lower() or "torch" in body.lower(), \
                    f"{name} cell {i}: an assert in a cell whose output nbval ignores"
