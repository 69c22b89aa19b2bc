"""Notebooks 00-03 as a learner meets them: the promises of their prose that
are about the package rather than about backprop (so they are checked here, not in the
notebooks)."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

from nbteach import Network, QuadraticCost, load_mnist_subset, sigmoid
from nbteach.widgets import PLAY_INTERVAL_MS, BackpropStepper

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _cells(name):
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())["cells"]


def _source(cell):
    return "".join(cell["source"])


def _markdown(name):
    return "\n".join(_source(c) for c in _cells(name) if c["cell_type"] == "markdown")


def test_start_here_states_the_play_interval_the_steppers_use():
    assert "one every 1.5 seconds" in _markdown("00_start_here")
    stepper = BackpropStepper(Network([2, 3, 2], seed=0).trace(np.ones((2, 1)), np.ones((2, 1))))
    assert PLAY_INTERVAL_MS == 1500 and stepper.play.interval == 1500


def test_the_map_in_start_here_lists_every_notebook_of_the_collection():
    linked = set(re.findall(r"\]\(([^)#\s]+\.ipynb)\)", _markdown("00_start_here")))
    for nb in sorted(NOTEBOOKS.rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in nb.parts:
            assert str(nb.relative_to(NOTEBOOKS)) in linked, f"the map misses {nb.name}"


# Checks moved out of the notebooks: they are about how the package records a run, not about
# backprop, so they live here.

@pytest.mark.parametrize("sizes", [[2, 2], [2, 3, 2], [2, 3, 3, 2], [2, 4, 4, 3, 2],
                                   [2, 3, 3, 3, 3, 2]])
def test_a_trace_has_4L_minus_4_steps_in_the_order_the_steppers_show(sizes):
    # was in 00: forward through l = 2..L, BP1 at L, BP2 from L-1 down to 2, then BP3 and BP4
    # for each layer from the output down
    x, y = np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]])
    L = len(sizes)
    steps = Network(sizes, seed=0).trace(x, y).steps
    order = ([("feedforward", l) for l in range(2, L + 1)] + [("BP1", L)]
             + [("BP2", l) for l in range(L - 1, 1, -1)]
             + [(eq, l) for l in range(L, 1, -1) for eq in ("BP3", "BP4")])
    assert len(steps) == 4 * L - 4
    assert [(s.equation, s.layer) for s in steps] == order


def test_forward_trace_keeps_each_weighted_input_and_activation():
    # was in 01: trace.zs[l - 2] is z^l = w^l a^{l-1} + b^l, trace.activations[l - 1] is σ(z^l)
    net = Network([3, 4, 2], seed=0)
    x = np.random.default_rng(0).random((3, 1))
    trace = net.forward_trace(x)
    a = x
    for l, (w, b) in enumerate(zip(net.weights, net.biases), start=2):
        z = w @ a + b
        a = sigmoid(z)
        assert np.array_equal(z, trace.zs[l - 2]) and np.array_equal(a, trace.activations[l - 1])


def test_the_walkthrough_digit_is_an_8_with_a_one_hot_label():
    # was in 01: notebooks 01-03 and 05 follow test[5], an 8
    _, test = load_mnist_subset()
    x, y = test[5]
    assert int(test.labels[5]) == 8 and x.shape == (784, 1)
    assert y.shape == (10, 1) and y[8, 0] == 1.0 and y.sum() == 1.0


def test_the_quadratic_cost_derivative_is_the_books_cost_derivative():
    # was in 02: ∇_a C = a^L - y for C = ½ ||y - a^L||²
    aL = np.random.default_rng(0).random((10, 1))
    y = np.zeros((10, 1))
    y[8] = 1.0
    assert np.array_equal(QuadraticCost.derivative(aL, y), aL - y)
