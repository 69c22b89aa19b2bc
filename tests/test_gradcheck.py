"""Backprop against the definition of a derivative: central finite differences and the demon."""
import numpy as np
import pytest

import nbteach as nt
from nbteach import gradcheck

# Cross-entropy needs outputs in (0, 1), so it goes with the sigmoid only.
COMBOS = [(a, nt.QuadraticCost) for a in (nt.sigmoid, nt.tanh, nt.linear, nt.relu)]
COMBOS.append((nt.sigmoid, nt.CrossEntropyCost))
IDS = [f"{a.name}-{c.name}" for a, c in COMBOS]
SIZES = [[2, 3, 1], [3, 4, 2], [4, 3, 3, 2], [2, 2, 2, 2, 2]]


def _data(net, seed, m):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((net.sizes[0], m))
    Y = rng.uniform(0.05, 0.95, (net.sizes[-1], m))
    return X, Y


def _away_from_kink(net, X, Y, margin=1e-2):
    """ReLU has no derivative at 0: check every z^l sits well away from it."""
    t = net.trace(X, Y)
    return min(np.min(np.abs(z)) for z in t.zs) > margin


def _relu_case(sizes, seed, m):
    # Try seeds until no weighted input is near ReLU's kink (deterministic: seeds in order).
    for s in range(seed, seed + 50):
        net = nt.Network(sizes, seed=s, activation=nt.relu)
        X, Y = _data(net, s, m)
        if _away_from_kink(net, X, Y):
            return net, X, Y
    raise AssertionError("no seed kept ReLU away from 0")


@pytest.mark.parametrize("activation, cost", COMBOS, ids=IDS)
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("m", [1, 3])
def test_backprop_matches_finite_differences(activation, cost, sizes, m):
    if activation is nt.relu:
        net, X, Y = _relu_case(sizes, 20, m)
        net = nt.Network(sizes, seed=net.seed, activation=nt.relu, cost=cost)
    else:
        net = nt.Network(sizes, seed=sum(sizes) + m, activation=activation, cost=cost)
        X, Y = _data(net, sum(sizes) + m, m)
    before = [p.copy() for p in net.weights + net.biases]
    check = gradcheck.check_gradients(net, X, Y)
    assert check.layers == tuple(range(2, len(sizes) + 1))
    assert check.max_error < 1e-6, str(check)
    assert check.passed(1e-6)
    # The check nudges copies: the network is untouched.
    assert all(np.array_equal(p, q) for p, q in zip(before, net.weights + net.biases))
    # The finite differences have the shapes of the parameters.
    num_b, num_w = gradcheck.numerical_gradient(net, X, Y)
    assert [g.shape for g in num_w] == [w.shape for w in net.weights]
    assert [g.shape for g in num_b] == [b.shape for b in net.biases]


def test_finite_differences_catch_a_wrong_gradient():
    # The check is real: a gradient that is off by a little in one entry is caught.
    net = nt.Network([3, 4, 2], seed=0)
    X, Y = _data(net, 0, 1)
    num_b, num_w = gradcheck.numerical_gradient(net, X, Y)
    nb, nw = net.backprop(X, Y)
    assert gradcheck.relative_error(nw[0], num_w[0]) < 1e-7
    wrong = nw[0].copy()
    wrong[1, 2] += 1e-3 * np.max(np.abs(wrong))
    assert gradcheck.relative_error(wrong, num_w[0]) > 1e-4


@pytest.mark.parametrize("activation, cost", COMBOS, ids=IDS)
@pytest.mark.parametrize("sizes", SIZES[:3], ids=lambda s: "-".join(map(str, s)))
def test_demon_check(activation, cost, sizes):
    if activation is nt.relu:
        net, X, Y = _relu_case(sizes, 60, 1)
        net = nt.Network(sizes, seed=net.seed, activation=nt.relu, cost=cost)
    else:
        net = nt.Network(sizes, seed=7 * len(sizes), activation=activation, cost=cost)
        X, Y = _data(net, 5, 1)
    demon = gradcheck.demon_check(net, X, Y)
    assert demon.layers == tuple(range(2, len(sizes) + 1))
    t = net.trace(X, Y)
    for d_bp, d_demon, d_trace in zip(demon.backprop, demon.demon, t.deltas):
        assert d_bp.shape == d_demon.shape == d_trace.shape
        assert np.array_equal(d_bp, d_trace)
    assert demon.max_error < 1e-6, str(demon)
    assert "l = 2" in str(demon)


def test_gradcheck_report_text():
    net = nt.Network([2, 3, 1], seed=1)
    X, Y = _data(net, 1, 2)
    text = str(gradcheck.check_gradients(net, X, Y))
    assert "l = 2" in text and "l = 3" in text and "largest relative error" in text


def test_relative_error():
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 2.2)
    assert gradcheck.relative_error([0.0], [0.0]) == 0.0
