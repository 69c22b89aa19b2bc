"""Notebooks 04-06: the exercises they ask stay unsolved, and no proof comes before its exercise.

nbval checks that each stored output still comes out the same; these check what the stored
notebooks must keep for a learner: the attempt cell is the stub (the checker says "not attempted
yet"), and the proof of BP3 and BP4 in 06 is collapsed and comes after the exercise asks for it.
"""
import re

import pytest
from notebook_support import markdown, output_text, read_cells

# notebook, the learner's function, the checker that runs it
ATTEMPTS = [
    ("04_four_equations.ipynb", "deltas_with_sigma_prime", "check_sigma_prime_form"),
    ("06_proofs.ipynb", "gradients_from_delta", "check_bp3_bp4"),
]


@pytest.mark.parametrize("name, fn, checker", ATTEMPTS)
def test_attempt_cell_is_the_stub_and_its_checker_says_not_attempted(name, fn, checker):
    cells = read_cells(name)
    stubs = [i for i, c in enumerate(cells)
             if c.cell_type == "code" and f"def {fn}(" in c.source]
    assert len(stubs) == 1, f"{name}: expected one definition of {fn}"
    stub = cells[stubs[0]]
    assert 'raise NotImplementedError("replace this line with your code")' in stub.source
    check = cells[stubs[0] + 1]
    assert check.cell_type == "code" and f"{checker}({fn})" in check.source
    assert "not attempted yet" in output_text(check)


def test_bp3_bp4_proof_is_collapsed_and_after_the_exercise():
    cells = read_cells("06_proofs.ipynb")
    sources = [c.source for c in cells]
    asked = next(i for i, s in enumerate(sources) if s.startswith("## Exercise: prove Equations"))
    attempt = next(i for i, s in enumerate(sources) if "def gradients_from_delta(" in s)
    # the proof's key step, ∂z^l_j/∂b^l_j, written out
    proof = [i for i, s in enumerate(sources) if r"\partial z^l_j}{\partial b^l_j}" in s]
    assert proof and all(i > attempt > asked for i in proof)
    for i in proof:
        s = sources[i]
        start = s.index(r"\partial z^l_j}{\partial b^l_j}")
        assert s.rfind("<details>", 0, start) > s.rfind("</details>", 0, start), \
            "the proof of BP3 must sit inside a collapsed <details> block"


@pytest.mark.parametrize("name", ["04_four_equations.ipynb", "05_step_by_step.ipynb"])
def test_bp3_bp4_are_not_proved_before_06_asks(name):
    rates = (r"\partial z^l_j}{\partial b^l_j}", r"\partial z^l_j / \partial b^l_j",
             r"\partial z^l_j/\partial b^l_j", r"\partial z^l_j}{\partial w^l_{jk}}")
    for cell in read_cells(name):
        assert not any(r in cell.source for r in rates), cell.source[:200]


NAMES = ["04_four_equations.ipynb", "05_step_by_step.ipynb", "06_proofs.ipynb"]
SOLUTIONS = "solutions/exercises_solutions.ipynb"


@pytest.mark.parametrize("name", NAMES)
def test_takeaways_come_last_and_every_try_this_item_has_an_answer(name):
    sources = [c.source for c in read_cells(name)]
    takeaways = next(i for i, s in enumerate(sources) if s.startswith("## Takeaways"))
    try_this = next(i for i, s in enumerate(sources) if s.startswith("## Try this"))
    assert takeaways < try_this and not any(s.startswith("## ") for s in sources[try_this + 1:])
    assert 3 <= len(re.findall(r"^\* ", sources[takeaways], flags=re.M)) <= 5
    items = re.findall(r"^\d+\. ", sources[try_this], flags=re.M)
    answers = re.findall(r"<details><summary>Answer</summary>", sources[try_this])
    assert items and len(answers) == len(items), f"{name}: {len(items)} items, {len(answers)} answers"


@pytest.mark.parametrize("name", NAMES)
def test_every_prediction_is_asked_right_before_the_cell_that_answers_it(name):
    cells = read_cells(name)
    asked = [i for i, c in enumerate(cells)
             if c.cell_type == "markdown" and "**Predict.**" in c.source]
    assert asked, f"{name} asks for no prediction"
    for i in asked:
        assert cells[i + 1].cell_type == "code", f"{name} cell {i}: no cell reveals the answer"


@pytest.mark.parametrize("name, section", [
    ("04_four_equations.ipynb",
     "Problem: Alternate presentation of the equations of backpropagation"),
    ("06_proofs.ipynb", "Exercise: Prove Equations (BP3) and (BP4)"),
])
def test_the_link_to_the_worked_answer_names_its_section_exactly(name, section):
    # The link names the solutions' section and points at its anchor (JupyterLab's heading id).
    headings = [c.source.splitlines()[0] for c in read_cells(SOLUTIONS) if c.cell_type == "markdown"]
    assert f"## {section}" in headings
    anchor = section.replace(" ", "-")
    assert f"[{section}]({SOLUTIONS}#{anchor})" in markdown(name)
