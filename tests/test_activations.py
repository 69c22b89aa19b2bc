"""Activations and costs: right values over extreme z, no warnings, derivatives that agree
with finite differences."""
import math
import warnings

import numpy as np
import pytest

import nbteach as nt
from nbteach.activations import ACTIVATIONS, get_activation
from nbteach.costs import COSTS, get_cost

EXTREME = np.array([-1e308, -800.0, -710.0, -30.0, -1.0, 0.0, 1.0, 30.0, 710.0, 800.0, 1e308])


def _exact_sigmoid(z):
    # math.exp of a value <= 0 never overflows; the same two branches, in plain Python.
    e = math.exp(-abs(z))
    return 1 / (1 + e) if z >= 0 else e / (1 + e)


def _strict():
    """Turn every warning into an error and every floating-point event into an exception."""
    class Strict:
        def __enter__(self):
            self._w = warnings.catch_warnings()
            self._w.__enter__()
            warnings.simplefilter("error")
            self._e = np.errstate(all="raise")
            self._e.__enter__()

        def __exit__(self, *exc):
            self._e.__exit__(*exc)
            self._w.__exit__(*exc)
    return Strict()


def test_sigmoid_extreme_values_without_warnings():
    with _strict():
        s = nt.sigmoid(EXTREME.reshape(-1, 1))
        s_scalar = [float(nt.sigmoid(z)) for z in EXTREME]
    assert s.shape == (EXTREME.size, 1)
    assert s[0, 0] == 0.0 and s[-1, 0] == 1.0          # ±1e308
    assert s[1, 0] == 0.0 and s[-2, 0] == 1.0          # ±800: e^-800 underflows to 0
    assert s[2, 0] == pytest.approx(math.exp(-710), rel=1e-12)   # a subnormal-free tiny value
    assert s[2, 0] > 0.0 and s[-3, 0] == 1.0
    assert s[5, 0] == 0.5
    assert np.all((s >= 0) & (s <= 1))
    for z, v, v_scalar in zip(EXTREME, s[:, 0], s_scalar):
        assert v == v_scalar
        assert v == pytest.approx(_exact_sigmoid(z), rel=1e-15, abs=0)
    # symmetric: sigma(-z) = 1 - sigma(z) where both are representable
    for z in (0.5, 3.0, 20.0):
        assert nt.sigmoid(-z) == pytest.approx(1 - nt.sigmoid(z), rel=1e-12)


def test_sigmoid_prime_extreme_values_without_warnings():
    with _strict():
        sp = nt.sigmoid_prime(EXTREME)
    assert np.all(np.isfinite(sp)) and np.all(sp >= 0) and np.all(sp <= 0.25)
    assert sp[5] == 0.25
    assert sp[0] == sp[-1] == 0.0 and sp[1] == sp[-2] == 0.0
    # The book's definition, sigma'(z) = sigma(z) (1 - sigma(z)), exactly ...
    s = nt.sigmoid(EXTREME)
    assert np.array_equal(sp, s * (1 - s))
    # ... which is within rounding of the exact e^{-|z|} / (1 + e^{-|z|})^2: to full relative
    # precision for z <= 0, and to 1e-16 absolute for z > 0 (where 1 - sigma(z) cancels).
    for z in (0.5, 1.0, 10.0, 30.0, 100.0, 700.0):
        e = math.exp(-z)
        expected = e / (1 + e) ** 2
        assert float(nt.sigmoid_prime(-z)) == pytest.approx(expected, rel=1e-14)
        if z <= 1:
            assert float(nt.sigmoid_prime(z)) == pytest.approx(expected, rel=1e-14)
        else:
            assert abs(float(nt.sigmoid_prime(z)) - expected) < 1e-16
    assert nt.sigmoid.prime is not None
    assert np.array_equal(nt.sigmoid.prime(EXTREME), sp)


def test_network_with_saturated_neurons_does_not_warn():
    net = nt.Network([2, 3, 1], seed=0)
    net.weights = [np.full((3, 2), 1e3), np.full((1, 3), -1e3)]
    x, y = np.array([[1.0], [1.0]]), np.array([[1.0]])
    with _strict():
        a = net.feedforward(x)
        nb, nw = net.backprop(x, y)
        net.trace(x, y)
    assert a[0, 0] == 0.0
    assert all(np.isfinite(g).all() for g in nb + nw)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-6, 6, 241).reshape(-1, 1)
    z = z[np.abs(z[:, 0]) > 1e-3]                  # ReLU's kink at 0 has no derivative
    eps = 1e-6
    numeric = (act(z + eps) - act(z - eps)) / (2 * eps)
    np.testing.assert_allclose(act.prime(z), numeric, rtol=1e-7, atol=1e-9)
    assert act(z).shape == z.shape and act.prime(z).shape == z.shape
    assert act(z).dtype == np.float64


def test_activation_values():
    z = np.array([[-2.0], [0.0], [3.0]])
    assert np.array_equal(nt.linear(z), z)
    assert np.array_equal(nt.linear.prime(z), np.ones_like(z))
    assert np.array_equal(nt.relu(z), np.array([[0.0], [0.0], [3.0]]))
    assert np.array_equal(nt.relu.prime(z), np.array([[0.0], [0.0], [1.0]]))
    assert np.array_equal(nt.tanh(z), np.tanh(z))
    # linear returns a new array, not the caller's
    out = nt.linear(z)
    out[0, 0] = 99.0
    assert z[0, 0] == -2.0


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_have_names_latex_and_lookup(name):
    act = ACTIVATIONS[name]
    assert act.name == name
    assert r"\sigma" in act.latex and r"\sigma'" in act.latex_prime
    assert get_activation(name) is act and get_activation(act) is act
    assert name in repr(act)
    assert nt.Network([2, 1], activation=name).activation is act


def test_unknown_activation_and_cost_are_refused():
    with pytest.raises(ValueError, match="sigmoid.*got 'softmax'"):
        get_activation("softmax")
    with pytest.raises(ValueError, match="quadratic.*got 'hinge'"):
        get_cost("hinge")
    with pytest.raises(ValueError, match="activation"):
        nt.Network([2, 1], activation="softmax")
    with pytest.raises(ValueError, match="cost"):
        nt.Network([2, 1], cost=42)


def test_costs_values_and_derivatives():
    a = np.array([[0.2, 0.9], [0.7, 0.4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    # quadratic: 1/2 sum (a - y)^2 = 1/2 (0.04 + 0.01 + 0.09 + 0.16) = 0.15
    assert nt.QuadraticCost.fn(a, y) == pytest.approx(0.15, rel=1e-14)
    assert np.array_equal(nt.QuadraticCost.derivative(a, y), a - y)
    # cross-entropy: -(ln 0.8 + ln 0.9 + ln 0.7 + ln 0.6)
    ce = -(math.log(0.8) + math.log(0.9) + math.log(0.7) + math.log(0.6))
    assert nt.CrossEntropyCost.fn(a, y) == pytest.approx(ce, rel=1e-14)
    for cost in (nt.QuadraticCost, nt.CrossEntropyCost):
        eps = 1e-6
        numeric = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            ap, am = a.copy(), a.copy()
            ap[idx] += eps
            am[idx] -= eps
            numeric[idx] = (cost.fn(ap, y) - cost.fn(am, y)) / (2 * eps)
        np.testing.assert_allclose(cost.derivative(a, y), numeric, rtol=1e-7)
        assert get_cost(cost.name) is cost and get_cost(cost) is cost and get_cost(cost()) is cost
        assert "C" in cost.latex and cost.latex_derivative
    assert sorted(COSTS) == ["cross-entropy", "quadratic"]


def test_cross_entropy_of_a_saturated_output_is_finite_and_quiet():
    with _strict():
        c = nt.CrossEntropyCost.fn(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]))
    assert math.isfinite(c) and c > 100
