"""Checks of notebooks 10, 11 and the solutions that are not claims about backprop.

The notebooks assert what they teach; what they rely on (tools agreeing with each other, the
solutions notebook's layout) is checked here instead.
"""
import json
import re
from pathlib import Path

import numpy as np
import pytest

import nbteach as nt
from nbteach.plots import confusion_matrix

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MINE = ["10_big_picture.ipynb", "11_mnist.ipynb", "solutions/exercises_solutions.ipynb"]
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}

# The book's two problems and three exercises, in its order: (heading, with the book's exact name
# for the item; notebook that asks it; checker the solution must pass).
SOLUTIONS = [
    ("## Problem: Alternate presentation of the equations of backpropagation",
     "04_four_equations.ipynb", "check_sigma_prime_form"),
    ("## Exercise: Prove Equations (BP3) and (BP4)", "06_proofs.ipynb", "check_bp3_bp4"),
    ("## Exercise: Backpropagation with a single modified neuron", "07_algorithm_and_code.ipynb",
     "check_modified_neuron"),
    ("## Exercise: Backpropagation with linear neurons", "07_algorithm_and_code.ipynb",
     "check_linear_neurons"),
    ("## Problem: Fully matrix-based approach to backpropagation over a mini-batch",
     "08_matrix_minibatch.ipynb", "check_matrix_backprop"),
]

# A markdown link to a notebook, with an optional fragment that may hold balanced parentheses,
# as "#Exercise:-Prove-Equations-(BP3)-and-(BP4)" does.
LINK = re.compile(r"\]\(([^()\s#]*\.ipynb)?(?:#((?:[^()\s]|\([^()\s]*\))*))?\)")


def _cells(name):
    return json.loads((NOTEBOOKS / name).read_text())["cells"]


def _heading_anchors(path):
    """The fragments JupyterLab gives a notebook's headings: the text, spaces replaced by "-"."""
    anchors = set()
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                found = re.match(r"#{1,6} (.*)", line)
                if found and "$" not in found.group(1):        # math renders as other text
                    text = re.sub(r"[`*]", "", found.group(1)).strip()
                    anchors.add(text.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("name", MINE)
def test_every_cell_has_a_slide_type_and_sections_start_slides(name):
    for i, cell in enumerate(_cells(name)):
        kind = cell["metadata"].get("slideshow", {}).get("slide_type")
        assert kind in SLIDE_TYPES, f"{name} cell {i} has slide type {kind!r}"
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and re.match(r"#{1,2} ", source):
            assert kind == "slide", f"{name} cell {i} opens a section but is {kind!r}"


@pytest.mark.parametrize("name", MINE)
def test_code_fits_a_projected_screen(name):
    for i, cell in enumerate(_cells(name)):
        if cell["cell_type"] == "code":
            for line in "".join(cell["source"]).splitlines():
                assert len(line) <= 100, f"{name} cell {i}: {len(line)} characters: {line[:60]}"


def test_solutions_follow_the_book_name_its_items_and_link_back():
    cells = _cells("solutions/exercises_solutions.ipynb")
    sources = ["".join(c["source"]) for c in cells]
    starts = []
    for heading, _, _ in SOLUTIONS:
        found = [i for i, s in enumerate(sources) if s.startswith(heading)]
        assert len(found) == 1, f"no single section headed {heading!r}"
        starts.append(found[0])
    assert starts == sorted(starts), "the sections are not in the book's order"
    ends = starts[1:] + [len(cells)]
    for (heading, asked_in, checker), start, end in zip(SOLUTIONS, starts, ends):
        section = sources[start:end]
        targets = [target for target, _ in LINK.findall(section[0])]
        assert f"../{asked_in}" in targets, f"{heading!r} does not link to {asked_in}"
        code = "\n".join(s for s, c in zip(section, cells[start:end]) if c["cell_type"] == "code")
        assert f"= {checker}(" in code, f"{heading!r} does not run {checker}"
        assert re.search(r"assert r\d\.passed", code), f"{heading!r} does not assert it passes"


def test_links_into_and_out_of_these_notebooks_land_on_a_heading():
    # A link such as exercises_solutions.ipynb#Exercise:-Backpropagation-with-linear-neurons
    # opens the notebook at that heading only if the fragment is the heading's text exactly.
    mine = {(NOTEBOOKS / name).resolve() for name in MINE}
    checked = 0
    for source in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in source.parts:
            continue
        text = "\n".join("".join(c["source"]) for c in json.loads(source.read_text())["cells"]
                          if c["cell_type"] == "markdown")
        for target, fragment in LINK.findall(text):
            if not fragment:
                continue
            path = (source.parent / target).resolve() if target else source.resolve()
            if path in mine or source.resolve() in mine:
                assert fragment in _heading_anchors(path), (
                    f"{source.name} links to {target or 'itself'}#{fragment}, a heading it lacks")
                checked += 1
    assert checked >= 15        # 04, 06, 07, 08 into the solutions, and the solutions' own links


def test_the_confusion_matrix_counts_what_evaluate_counts():
    # Notebook 11 reads the network's mistakes off the confusion matrix of net.predict.
    _, test = nt.load_mnist_subset(test_size=1000, seed=0)
    net = nt.Network([784, 30, 10], seed=0)
    counts = confusion_matrix(test.labels, net.predict(test.X))
    assert counts.sum() == len(test)
    assert np.trace(counts) == net.evaluate(test)
