"""Checks that notebooks 07-09 rely on but that are about nbteach's plumbing, not backprop.

Notebook 07 tags each line of the book's ``backprop`` listing with its equation, using the
line numbers every ``Step`` records (``step.code_lines``). That those numbers point at the
right lines is a property of the annotation, so it is checked here rather than in the
notebook.
"""
import numpy as np
import pytest

import nbteach as nt
from nbteach.backprop import BOOK_BACKPROP_SOURCE

LINES = BOOK_BACKPROP_SOURCE.splitlines()


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
                17: "BP4", **dict.fromkeys(range(18, 22), "BP2"), 22: "BP3", 23: "BP4"}
    assert tags == expected


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
