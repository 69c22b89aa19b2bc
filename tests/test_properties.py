"""Property-based tests: for any small network, batch and seed, the invariants hold."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nbteach as nt
from nbteach.book import Network as BookNetwork
from nbteach.gradcheck import relative_error

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

sizes_st = st.lists(st.integers(1, 6), min_size=2, max_size=5)
seed_st = st.integers(0, 2**32 - 1)
batch_st = st.integers(1, 8)
activation_st = st.sampled_from([nt.sigmoid, nt.tanh, nt.linear, nt.relu])


def _data(sizes, m, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((sizes[0], m)), rng.random((sizes[-1], m))


@SETTINGS
@given(sizes=sizes_st, m=batch_st, seed=seed_st, activation=activation_st)
def test_batch_equals_summed_single_examples(sizes, m, seed, activation):
    net = nt.Network(sizes, seed=seed, activation=activation)
    X, Y = _data(sizes, m, seed + 1)
    nb, nw = net.backprop_batch(X, Y)
    sums = [np.zeros_like(p) for p in net.biases + net.weights]
    for j in range(m):
        db, dw = net.backprop(X[:, [j]], Y[:, [j]])
        sums = [s + d for s, d in zip(sums, db + dw)]
    for got, want, param in zip(nb + nw, sums, net.biases + net.weights):
        assert got.shape == param.shape
        assert relative_error(got, want) < 1e-12


@SETTINGS
@given(sizes=sizes_st, m=batch_st, seed=seed_st, activation=activation_st,
       eta=st.floats(1e-3, 10.0))
def test_matrix_and_loop_updates_agree(sizes, m, seed, activation, eta):
    X, Y = _data(sizes, m, seed + 2)
    nets = {}
    for method in ("matrix", "loop"):
        net = nt.Network(sizes, seed=seed, activation=activation)
        net.update_mini_batch((X, Y), eta, method=method)
        nets[method] = net
    a, b = nets["matrix"], nets["loop"]
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        assert p.shape == q.shape and p.dtype == np.float64
        assert relative_error(p, q) < 1e-12


@SETTINGS
@given(sizes=sizes_st, seed=seed_st)
def test_backprop_equals_the_books_code(sizes, seed):
    net = nt.Network(sizes, seed=seed)
    x, y = _data(sizes, 1, seed + 3)
    nb, nw = net.backprop(x, y)
    bb, bw = BookNetwork(net.weights, net.biases).backprop(x, y)
    for p, q in zip(nb + nw, bb + bw):
        assert relative_error(p, q) < 1e-12


@SETTINGS
@given(sizes=sizes_st, m=batch_st, seed=seed_st)
def test_trace_holds_backprops_numbers_and_order(sizes, m, seed):
    net = nt.Network(sizes, seed=seed)
    X, Y = _data(sizes, m, seed + 4)
    t = net.trace(X, Y)
    nb, nw = net.backprop_batch(X, Y)
    assert all(np.array_equal(p, q) for p, q in zip(t.nabla_b + t.nabla_w, nb + nw))
    L = len(sizes)
    eqs = [s.equation for s in t.steps]
    assert eqs == (["feedforward"] * (L - 1) + ["BP1"] + ["BP2"] * (L - 2)
                   + ["BP3", "BP4"] * (L - 1))
    for h in t.hadamards:
        assert np.array_equal(h.left * h.right, h.result)


@SETTINGS
@given(sizes=sizes_st, seed=seed_st)
def test_same_seed_same_network(sizes, seed):
    a, b = nt.Network(sizes, seed=seed), nt.Network(sizes, seed=seed)
    for i, (w, bias) in enumerate(zip(a.weights, a.biases)):
        assert w.shape == (sizes[i + 1], sizes[i]) and bias.shape == (sizes[i + 1], 1)
    assert all(p.tobytes() == q.tobytes() for p, q in zip(a.weights + a.biases, b.weights + b.biases))


@settings(max_examples=10, deadline=None, derandomize=True)
@given(sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4), m=st.integers(1, 3),
       seed=seed_st)
def test_gradient_matches_finite_differences(sizes, m, seed):
    from nbteach.gradcheck import check_gradients
    net = nt.Network(sizes, seed=seed, activation=nt.tanh)
    X, Y = _data(sizes, m, seed + 5)
    assert check_gradients(net, X, Y).max_error < 1e-6
