"""The multiplication counts of nbteach.work, checked against the products the code really runs.

Every matrix product in nbteach's backprop and in the book's code is an ``np.dot``; the
finite-difference cost uses the ``@`` operator. ``counting()`` counts both: it replaces
``numpy.dot`` by a counting wrapper, and the weights are handed over as ``Counted`` arrays,
whose ``@`` reports itself. An (n, k) by (k, m) product counts n k m multiplications (and
n (k - 1) m additions, which ``work`` does not count: an outer product, k = 1, has none).
"""
from contextlib import contextmanager
from unittest import mock

import numpy as np
import pytest

import nbteach as nt
from nbteach import backprop as bp
from nbteach import book, work
from nbteach.gradcheck import forward_difference_gradient

SIZES = [[3, 2], [4, 5, 3], [5, 7, 3, 4, 2], [784, 30, 10]]
IDS = ["-".join(map(str, s)) for s in SIZES]


class _Tally:
    def __init__(self):
        self.multiplications = 0
        self.products = 0

    def add(self, a, b, result):
        self.products += 1
        self.multiplications += int(np.size(result)) * int(np.shape(a)[-1])


_ACTIVE = []


class Counted(np.ndarray):
    """An array whose ``@`` (the ufunc np.matmul) reports to the active tally."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(a) if isinstance(a, Counted) else a for a in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(o) if isinstance(o, Counted) else o
                                  for o in kwargs["out"])
        result = getattr(ufunc, method)(*plain, **kwargs)
        if ufunc is np.matmul and method == "__call__" and _ACTIVE:
            _ACTIVE[-1].add(plain[0], plain[1], result)
        return result


@contextmanager
def counting():
    """Count every ``np.dot`` call, and every ``@`` on a ``Counted`` array, inside the block."""
    tally = _Tally()
    original = np.dot

    def dot(a, b, out=None):
        result = original(np.asarray(a), np.asarray(b), out=out)
        tally.add(a, b, result)
        return result

    _ACTIVE.append(tally)
    try:
        with mock.patch("numpy.dot", dot):
            yield tally
    finally:
        _ACTIVE.pop()


def _case(sizes, m=1, seed=0):
    net = nt.Network(sizes, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.random((sizes[0], m))                     # (n_1, m)
    Y = rng.random((sizes[-1], m))                    # (n_L, m)
    return net, X, Y


def test_the_counter_counts_a_known_product():
    a, b = np.ones((3, 4)), np.ones((4, 5))
    with counting() as tally:
        np.dot(a, b)
        a.view(Counted) @ b
    assert tally.products == 2 and tally.multiplications == 2 * 3 * 4 * 5


@pytest.mark.parametrize("sizes", SIZES, ids=IDS)
@pytest.mark.parametrize("m", [1, 6])
def test_forward_count_is_what_the_forward_pass_runs(sizes, m):
    net, X, _ = _case(sizes, m)
    with counting() as tally:
        bp.feedforward_stages(net.weights, net.biases, X)
    assert tally.multiplications == work.forward_multiplications(sizes, m) == work.n_weights(sizes) * m
    assert tally.products == len(sizes) - 1


@pytest.mark.parametrize("sizes", SIZES, ids=IDS)
@pytest.mark.parametrize("m", [1, 6])
def test_backprop_count_is_what_backprop_runs(sizes, m):
    net, X, Y = _case(sizes, m)
    want = work.backprop_multiplications(sizes, m)
    with counting() as tally:
        bp.backprop_batch(net.weights, net.biases, X, Y)
    assert tally.multiplications == want.total
    # one product per layer forward and for BP4, one per hidden layer for BP2
    assert tally.products == 3 * (len(sizes) - 1) - 1


@pytest.mark.parametrize("sizes", SIZES, ids=IDS)
def test_the_books_code_does_the_same_work(sizes):
    net, x, y = _case(sizes)
    with counting() as tally:
        book.Network(net.weights, net.biases).backprop(x, y)
    assert tally.multiplications == work.backprop_multiplications(sizes).total


@pytest.mark.parametrize("sizes", SIZES[:3], ids=IDS[:3])
def test_finite_difference_count_is_what_forward_differences_run(sizes):
    net, x, y = _case(sizes)
    net.weights = [w.view(Counted) for w in net.weights]
    with counting() as tally:
        *_, passes = forward_difference_gradient(net, x, y)
    assert passes == work.n_params(sizes) + 1
    assert tally.multiplications == work.finite_difference_multiplications(sizes)
    assert tally.products == passes * (len(sizes) - 1)


def test_counting_changes_no_number():
    net, x, y = _case([4, 5, 3])
    plain = bp.backprop(net.weights, net.biases, x, y)
    with counting():
        counted = bp.backprop(net.weights, net.biases, x, y)
    for a, b in zip(plain[0] + plain[1], counted[0] + counted[1]):
        assert np.array_equal(a, b)


def test_the_books_network_in_numbers():
    sizes = [784, 30, 10]
    assert work.n_weights(sizes) == 784 * 30 + 30 * 10 == 23_820
    assert work.n_params(sizes) == 23_860
    w = work.backprop_multiplications(sizes)
    assert (w.forward, w.bp2, w.bp4, w.total) == (23_820, 300, 23_820, 47_940)
    assert work.finite_difference_multiplications(sizes) == 23_861 * 23_820


@pytest.mark.parametrize("sizes", SIZES + [[10] * 8, [2, 1000, 2]], ids=str)
def test_backprop_costs_between_two_and_three_forward_passes(sizes):
    w = work.backprop_multiplications(sizes)
    assert 2 <= w.passes < 3
    assert w.total == 3 * work.n_weights(sizes) - sizes[0] * sizes[1]


def test_work_grows_with_m_in_proportion():
    sizes = [784, 30, 10]
    assert work.backprop_multiplications(sizes, 100).total == 100 * work.backprop_multiplications(sizes).total
    assert work.finite_difference_multiplications(sizes, 7) == 7 * work.finite_difference_multiplications(sizes)


def test_no_hidden_layer_means_no_bp2():
    assert work.backprop_multiplications([3, 2]).bp2 == 0


@pytest.mark.parametrize("bad", [[784], "784, 10", [3, 0, 2], [3.5, 2]])
def test_bad_sizes_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        work.backprop_multiplications(bad)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_bad_m_is_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        work.forward_multiplications([3, 2], bad)


def test_an_outer_product_has_multiplications_and_no_additions():
    # BP4 for one example: delta (n_l, 1) times a^T (1, n_{l-1}); every entry is one product
    delta, a = np.array([[2.0], [3.0]]), np.array([[5.0], [7.0], [11.0]])
    with counting() as tally:
        outer = np.dot(delta, a.T)
    assert tally.multiplications == outer.size == 6
    assert np.array_equal(outer, delta * a.T)            # no sum anywhere: entry = δ_j a_k


def test_the_earlier_names_give_the_same_counts():
    assert work.forward_madds is work.forward_multiplications
    assert work.backprop_madds is work.backprop_multiplications
    assert work.finite_difference_madds is work.finite_difference_multiplications
