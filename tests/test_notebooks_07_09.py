"""Notebooks 07-09 as a learner meets them, and the promises of their prose that are about the
package rather than about backprop (so they are checked here, not in the notebooks).

* (their shape, as every notebook's, is checked in ``test_notebook_anatomy.py``; here only
  that each prediction has its question in bold;)
* the exercises and the problem they ask stay unsolved in the stored notebooks (the attempt
  cell is the stub, its checker says "not attempted yet"), and 08 derives the problem only
  after the attempt;
* notebook 07 tags each line of the book's ``backprop`` listing with its equation, using the
  line numbers every ``Step`` records (``step.code_lines``); that those numbers point at the
  lines 07 names is a property of the annotation. The trace's BP3 and BP4 steps read only
  their own layer's delta^l and a^{l-1}, which is why the book's code may interleave them
  with BP2 (07 shows that numerically; here it is checked on the records).
"""
import re

import numpy as np
import pytest
from notebook_support import markdown, output_text, read_cells

import nbteach as nt
from nbteach.backprop import BOOK_BACKPROP_SOURCE

NAMES = ["07_algorithm_and_code", "08_matrix_minibatch", "09_why_fast"]
LINES = BOOK_BACKPROP_SOURCE.splitlines()

# notebook, the learner's function, the checker that runs it
ATTEMPTS = [
    ("07_algorithm_and_code", "backprop_modified", "check_modified_neuron"),
    ("07_algorithm_and_code", "backprop_linear", "check_linear_neurons"),
    ("08_matrix_minibatch", "backprop_matrix", "check_matrix_backprop"),
]


# ---- the shape of each notebook -----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_prediction_is_asked_before_the_cell_that_answers_it(name):
    cells = read_cells(name)
    asked = [i for i, c in enumerate(cells)
             if c.cell_type == "markdown" and c.source.startswith("### Predict")]
    assert asked, f"{name} asks for no prediction"
    for i in asked:
        assert "**" in cells[i].source, f"{name} cell {i}: the question is not in bold"
        assert cells[i + 1].cell_type == "code", f"{name} cell {i}: no cell reveals the answer"


# ---- exercises asked before they are solved -------------------------------------------------

@pytest.mark.parametrize("name, fn, checker", ATTEMPTS)
def test_attempt_cell_is_the_stub_and_its_checker_says_not_attempted(name, fn, checker):
    cells = read_cells(name)
    stubs = [i for i, c in enumerate(cells) if c.cell_type == "code" and f"def {fn}(" in c.source]
    assert len(stubs) == 1, f"{name}: expected one definition of {fn}"
    assert 'raise NotImplementedError("replace this line with your code")' in cells[stubs[0]].source
    check = cells[stubs[0] + 1]
    assert check.cell_type == "code" and f"{checker}({fn})" in check.source
    assert "NBVAL_IGNORE_OUTPUT" not in check.source
    assert "not attempted yet" in output_text(check)


def test_exercise_prompts_in_07_do_not_state_the_answers():
    cells = read_cells("07_algorithm_and_code")
    last_check = max(i for i, c in enumerate(cells) if "check_linear_neurons(" in c.source
                     and c.cell_type == "code")
    for cell in cells[:last_check]:
        visible = re.sub(r"<details>.*?</details>", "", cell.source, flags=re.S)
        assert "f'(z" not in visible and "f’(z" not in visible
        assert "(w^{l+1})^T \\cdots" not in visible and "\\delta^L = a^L - y" not in visible


def test_the_checkers_docstrings_do_not_state_the_answers():
    from nbteach.exercises import check_linear_neurons, check_modified_neuron
    for doc in (check_linear_neurons.__doc__, check_modified_neuron.__doc__):
        assert "a^L - y" not in doc and "(w^{l+1})^T δ^{l+1}" not in doc
        assert "f'(z" not in doc and "f_prime(z^" not in doc


def test_08_derives_the_problem_only_after_the_attempt():
    cells = read_cells("08_matrix_minibatch")
    attempt = next(i for i, c in enumerate(cells) if "def backprop_matrix(" in c.source)
    solved = [i for i, c in enumerate(cells) if "(A^{l-1})^T" in c.source]
    assert solved and min(solved) > attempt + 1
    heading = next(c.source for c in cells[attempt + 2:] if c.cell_type == "markdown")
    assert heading.startswith("## After your attempt")


# ---- the listing notebook 07 annotates --------------------------------------------------------

def _tags(sizes):
    """line number -> set of equations whose steps point at it, over a whole trace."""
    net = nt.Network(sizes, seed=0)
    x = np.full((sizes[0], 1), 0.5)
    y = np.zeros((sizes[-1], 1))
    tags = {}
    for step in net.trace(x, y).steps:
        for number in step.code_lines:
            tags.setdefault(number, set()).add(step.equation)
    return tags


@pytest.mark.parametrize("sizes", [[2, 3, 2], [2, 3, 3, 2], [3, 4, 5, 4, 2]])
def test_each_tagged_line_belongs_to_one_equation(sizes):
    assert all(len(equations) == 1 for equations in _tags(sizes).values())


def test_the_tagged_lines_are_the_ones_notebook_07_names():
    tags = {n: eqs.pop() for n, eqs in _tags([2, 3, 3, 2]).items()}
    expected = {**dict.fromkeys(range(8, 13), "feedforward"), 14: "BP1", 15: "BP1", 16: "BP3",
                17: "BP4", **dict.fromkeys(range(24, 28), "BP2"), 28: "BP3", 29: "BP4"}
    assert tags == expected
    text = markdown("07_algorithm_and_code")
    for lines in ("Lines 8–12", "Lines 14–15", "Lines 16–17", "Lines 24–29", "lines 18–23"):
        assert lines in text
    assert all(LINES[n - 1].strip().startswith("#") for n in range(18, 24))   # the comment


def test_each_equations_lines_compute_that_equation():
    tags = {n: eqs.pop() for n, eqs in _tags([2, 3, 3, 2]).items()}

    def source(equation):
        return " ".join(LINES[n - 1] for n, eq in tags.items() if eq == equation)

    assert "np.dot(w, activation)+b" in source("feedforward")
    assert "sigmoid(z)" in source("feedforward")
    assert "cost_derivative" in source("BP1") and "sigmoid_prime(zs[-1])" in source("BP1")
    assert ".transpose(), delta) * sp" in source("BP2")     # (w^{l+1})^T δ^{l+1} ⊙ σ'(z^l)
    assert all(LINES[n - 1].strip().startswith("nabla_b[") for n, eq in tags.items()
               if eq == "BP3")
    assert all("np.dot(delta, activations[" in LINES[n - 1] for n, eq in tags.items()
               if eq == "BP4")


@pytest.mark.parametrize("sizes", [[2, 3, 3, 2], [3, 4, 5, 4, 2]])
def test_bp3_and_bp4_steps_read_only_their_own_layer(sizes):
    net = nt.Network(sizes, seed=0)
    trace = net.trace(np.full((sizes[0], 1), 0.5), np.zeros((sizes[-1], 1)))
    for step in trace.steps:
        if step.equation not in ("BP3", "BP4"):
            continue
        l = step.layer
        assert set(step.operands) <= {f"δ^{l}", f"a^{l - 1}"}
        assert np.array_equal(step.operands[f"δ^{l}"], trace.deltas[l - 2])
        if step.equation == "BP4":
            assert np.array_equal(step.operands[f"a^{l - 1}"], trace.activations[l - 2])
