"""The four equations as functions, and the algorithms built on them."""
import inspect

import numpy as np
import pytest

import nbteach as nt
from nbteach import backprop as bp
from nbteach.book import Network as BookNetwork


def test_each_equation_function_opens_with_its_formula():
    openings = {
        bp.weighted_input: ("z^l = w^l a^{l-1} + b^l",),
        bp.output_error: ("delta^L = nabla_a C ⊙ sigma'(z^L)", "(BP1)"),
        bp.backpropagate_error: ("delta^l = ((w^{l+1})^T delta^{l+1}) ⊙ sigma'(z^l)", "(BP2)"),
        bp.bias_gradient: ("dC/db^l_j = delta^l_j", "(BP3)"),
        bp.weight_gradient: ("dC/dw^l_jk = a^{l-1}_k delta^l_j", "(BP4)"),
    }
    for fn, parts in openings.items():
        first = inspect.getdoc(fn).splitlines()[0]
        for part in parts:
            assert part in first, (fn.__name__, first)


def test_equations_on_small_numbers():
    # BP1: (1, -2) ⊙ (0.5, 0.25) = (0.5, -0.5)
    assert np.array_equal(bp.output_error(np.array([[1.0], [-2.0]]), np.array([[0.5], [0.25]])),
                          [[0.5], [-0.5]])
    # BP2: w^{l+1} = [[1, 2], [3, 4], [5, 6]] (3x2), delta^{l+1} = (1, 0, -1)
    #      (w^{l+1})ᵀ delta^{l+1} = (1 - 5, 2 - 6) = (-4, -4); ⊙ (0.5, 2) = (-2, -8)
    w = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert np.array_equal(bp.backpropagate_error(w, np.array([[1.0], [0.0], [-1.0]]),
                                                 np.array([[0.5], [2.0]])), [[-2.0], [-8.0]])
    # BP3 on a batch of two columns: row sums
    d = np.array([[1.0, 2.0], [3.0, -4.0]])
    assert np.array_equal(bp.bias_gradient(d), [[3.0], [-1.0]])
    # BP4: delta (a^{l-1})ᵀ, summed over the columns by the matrix product
    a_prev = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]])      # (3, 2)
    # column 1: (1, 3)ᵀ (1, 0, 2) = [[1, 0, 2], [3, 0, 6]]
    # column 2: (2, -4)ᵀ (0, 1, 2) = [[0, 2, 4], [0, -4, -8]]
    assert np.array_equal(bp.weight_gradient(d, a_prev), [[1.0, 2.0, 6.0], [3.0, -4.0, -2.0]])
    # weighted input broadcasts b across the columns
    z = bp.weighted_input(np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[10.0], [20.0]]))
    assert np.array_equal(z, [[11.0, 12.0], [23.0, 24.0]])


def test_stages_shapes_and_layer_indexing():
    sizes, m = [3, 5, 4, 2], 6
    net = nt.Network(sizes, seed=0)
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((3, m)), rng.random((2, m))
    st = bp.backprop_stages(net.weights, net.biases, X, Y, net.activation, net.cost)
    assert [z.shape for z in st.zs] == [(n, m) for n in sizes[1:]]
    assert [a.shape for a in st.activations] == [(n, m) for n in sizes]
    assert st.activations[0] is X
    assert [d.shape for d in st.deltas] == [(n, m) for n in sizes[1:]]
    assert [b.shape for b in st.nabla_b] == [b.shape for b in net.biases]
    assert [w.shape for w in st.nabla_w] == [w.shape for w in net.weights]
    assert np.array_equal(st.nabla_a, st.activations[-1] - Y)
    for z, sp in zip(st.zs, st.sigma_primes):
        assert np.array_equal(sp, nt.sigmoid_prime(z))


def test_module_functions_equal_the_methods():
    net = nt.Network([3, 4, 2], seed=2, activation=nt.tanh)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((3, 1)), rng.random((2, 1))
    a = bp.backprop(net.weights, net.biases, x, y, nt.tanh, nt.QuadraticCost)
    b = net.backprop(x, y)
    c = bp.backprop_batch(net.weights, net.biases, x, y, nt.tanh, nt.QuadraticCost)
    for p, q, r in zip(a[0] + a[1], b[0] + b[1], c[0] + c[1]):
        assert np.array_equal(p, q) and np.array_equal(p, r)


def test_backprop_does_not_touch_its_inputs():
    net = nt.Network([3, 4, 2], seed=4)
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((3, 3)), rng.random((2, 3))
    copies = [a.copy() for a in net.weights + net.biases + [X, Y]]
    net.backprop_batch(X, Y)
    net.backprop(X[:, :1], Y[:, :1])
    net.trace(X, Y)
    net.update_mini_batch((X, Y), 1.0, method="loop")    # replaces the lists, never edits arrays
    assert all(np.array_equal(a, b) for a, b in zip([X, Y], copies[-2:]))


def test_book_source_is_the_books_backprop():
    src = bp.BOOK_BACKPROP_SOURCE
    assert src.startswith("def backprop(self, x, y):")
    for line in ("z = np.dot(w, activation)+b",
                 "delta = self.cost_derivative(activations[-1], y) * \\",
                 "for l in range(2, self.num_layers):",
                 "delta = np.dot(self.weights[-l+1].transpose(), delta) * sp",
                 "nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())",
                 "return (nabla_b, nabla_w)"):
        assert line in src
    # It is real code: run it on a network and compare with the reference port.
    namespace = {"np": np, "sigmoid": nt.sigmoid, "sigmoid_prime": nt.sigmoid_prime}
    exec(src, namespace)
    net = nt.Network([3, 4, 2], seed=6)
    book = BookNetwork(net.weights, net.biases)
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((3, 1)), rng.random((2, 1))
    got = namespace["backprop"](book, x, y)
    want = book.backprop(x, y)
    for p, q in zip(got[0] + got[1], want[0] + want[1]):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("sizes", [[1, 1], [5, 1], [1, 5, 1]])
def test_tiny_networks(sizes):
    net = nt.Network(sizes, seed=0)
    x, y = np.ones((sizes[0], 1)), np.zeros((sizes[-1], 1))
    nb, nw = net.backprop(x, y)
    book = BookNetwork(net.weights, net.biases)
    bb, bw = book.backprop(x, y)
    for p, q in zip(nb + nw, bb + bw):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
