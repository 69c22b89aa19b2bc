"""Network against independent references: a 2-2-1 network worked by hand, and the book's code."""
import math

import numpy as np
import pytest

import nbteach as nt
from nbteach.book import Network as BookNetwork
from nbteach.gradcheck import relative_error


def col(*values):
    return np.array(values, dtype=np.float64).reshape(-1, 1)


# ---- a 2-2-1 sigmoid network worked by hand ----------------------------------------------
#
# ln 3 is chosen so that sigma(ln 3) = 1 / (1 + 1/3) = 3/4 and sigma(-ln 3) = 1/4.
#
#   x = (1, 0)ᵀ,  y = (0)
#   w^2 = [[ ln3, 5],      b^2 = (0, 0)ᵀ
#          [-ln3, 7]]
#   w^3 = [[2, -2]],       b^3 = (-1)
#
# Feedforward
#   z^2 = w^2 x + b^2 = (ln3·1 + 5·0, -ln3·1 + 7·0) = (ln3, -ln3)
#   a^2 = sigma(z^2) = (3/4, 1/4)
#   sigma'(z^2) = a^2 (1 - a^2) = (3/4 · 1/4, 1/4 · 3/4) = (3/16, 3/16)
#   z^3 = w^3 a^2 + b^3 = 2·3/4 - 2·1/4 - 1 = 3/2 - 1/2 - 1 = 0
#   a^3 = sigma(0) = 1/2,  sigma'(z^3) = 1/2 · 1/2 = 1/4
#   C = 1/2 (y - a^3)^2 = 1/2 · 1/4 = 1/8
# Backward
#   nabla_a C = a^3 - y = 1/2
#   BP1: delta^3 = nabla_a C ⊙ sigma'(z^3) = 1/2 · 1/4 = 1/8
#   BP2: (w^3)ᵀ delta^3 = (2 · 1/8, -2 · 1/8) = (1/4, -1/4)
#        delta^2 = (1/4, -1/4) ⊙ (3/16, 3/16) = (3/64, -3/64)
#   BP3: dC/db^3 = delta^3 = 1/8;   dC/db^2 = delta^2 = (3/64, -3/64)
#   BP4: dC/dw^3 = delta^3 (a^2)ᵀ = 1/8 · (3/4, 1/4) = (3/32, 1/32)
#        dC/dw^2 = delta^2 xᵀ = [[3/64 · 1, 3/64 · 0], [-3/64 · 1, -3/64 · 0]]
#                = [[3/64, 0], [-3/64, 0]]
#
# One gradient step with eta = 2 on this single example (m = 1):
#   w^3 -> (2 - 2·3/32, -2 - 2·1/32) = (1.8125, -2.0625);  b^3 -> -1 - 2·1/8 = -1.25
#   w^2 -> [[ln3 - 2·3/64, 5], [-ln3 + 2·3/64, 7]];         b^2 -> (-3/32, 3/32)

LN3 = math.log(3.0)
TOL = 1e-12


def hand_network(activation=nt.sigmoid):
    net = nt.Network([2, 2, 1], activation=activation)
    net.weights = [np.array([[LN3, 5.0], [-LN3, 7.0]]), np.array([[2.0, -2.0]])]
    net.biases = [col(0.0, 0.0), col(-1.0)]
    return net


X_HAND, Y_HAND = col(1.0, 0.0), col(0.0)


def test_hand_worked_sigmoid_network_every_stage():
    net = hand_network()
    t = net.trace(X_HAND, Y_HAND)
    np.testing.assert_allclose(t.zs[0], col(LN3, -LN3), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.activations[0], X_HAND, rtol=0, atol=0)
    np.testing.assert_allclose(t.activations[1], col(0.75, 0.25), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.hadamards[0].right, col(3 / 16, 3 / 16), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.zs[1], col(0.0), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.activations[2], col(0.5), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.hadamards[1].right, col(0.25), rtol=0, atol=TOL)
    assert t.cost == pytest.approx(1 / 8, abs=TOL)
    # BP1
    np.testing.assert_allclose(t.hadamards[1].left, col(0.5), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.deltas[1], col(1 / 8), rtol=0, atol=TOL)
    # BP2
    np.testing.assert_allclose(t.hadamards[0].left, col(0.25, -0.25), rtol=0, atol=TOL)
    np.testing.assert_allclose(t.deltas[0], col(3 / 64, -3 / 64), rtol=0, atol=TOL)
    # BP3, BP4
    nabla_b, nabla_w = net.backprop(X_HAND, Y_HAND)
    np.testing.assert_allclose(nabla_b[1], col(1 / 8), rtol=0, atol=TOL)
    np.testing.assert_allclose(nabla_b[0], col(3 / 64, -3 / 64), rtol=0, atol=TOL)
    np.testing.assert_allclose(nabla_w[1], [[3 / 32, 1 / 32]], rtol=0, atol=TOL)
    np.testing.assert_allclose(nabla_w[0], [[3 / 64, 0.0], [-3 / 64, 0.0]], rtol=0, atol=TOL)


def test_hand_worked_gradient_step():
    net = hand_network()
    net.update_mini_batch([(X_HAND, Y_HAND)], eta=2.0)
    np.testing.assert_allclose(net.weights[1], [[1.8125, -2.0625]], rtol=0, atol=TOL)
    np.testing.assert_allclose(net.biases[1], col(-1.25), rtol=0, atol=TOL)
    np.testing.assert_allclose(net.weights[0], [[LN3 - 3 / 32, 5.0], [-LN3 + 3 / 32, 7.0]],
                               rtol=0, atol=TOL)
    np.testing.assert_allclose(net.biases[0], col(-3 / 32, 3 / 32), rtol=0, atol=TOL)


# ---- a 2-2-1 linear network worked by hand (sigma(z) = z, sigma'(z) = 1) -------------------
#
#   x = (1, 2)ᵀ, y = (1.75)
#   w^2 = [[1, 2], [3, -1]], b^2 = (0.5, -1)ᵀ;  w^3 = [[0.5, -2]], b^3 = (1)
#   z^2 = (1 + 4 + 0.5, 3 - 2 - 1) = (5.5, 0) = a^2
#   z^3 = 0.5·5.5 - 2·0 + 1 = 3.75 = a^3;   C = 1/2 (3.75 - 1.75)^2 = 2
#   BP1: delta^3 = (3.75 - 1.75) · 1 = 2
#   BP2: delta^2 = (0.5·2, -2·2) ⊙ (1, 1) = (1, -4)
#   BP3: dC/db^3 = 2, dC/db^2 = (1, -4)
#   BP4: dC/dw^3 = 2 · (5.5, 0) = (11, 0);  dC/dw^2 = (1, -4)ᵀ (1, 2) = [[1, 2], [-4, -8]]

def test_hand_worked_linear_network():
    net = nt.Network([2, 2, 1], activation=nt.linear)
    net.weights = [np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([[0.5, -2.0]])]
    net.biases = [col(0.5, -1.0), col(1.0)]
    x, y = col(1.0, 2.0), col(1.75)
    t = net.trace(x, y)
    assert np.array_equal(t.zs[0], col(5.5, 0.0))
    assert np.array_equal(t.activations[1], col(5.5, 0.0))
    assert np.array_equal(t.zs[1], col(3.75))
    assert t.cost == 2.0
    assert np.array_equal(t.deltas[1], col(2.0))
    assert np.array_equal(t.deltas[0], col(1.0, -4.0))
    nabla_b, nabla_w = net.backprop(x, y)
    assert np.array_equal(nabla_b[1], col(2.0))
    assert np.array_equal(nabla_b[0], col(1.0, -4.0))
    assert np.array_equal(nabla_w[1], [[11.0, 0.0]])
    assert np.array_equal(nabla_w[0], [[1.0, 2.0], [-4.0, -8.0]])
    assert np.array_equal(net.feedforward(x), col(3.75))


# ---- the book's own code on identical parameters -----------------------------------------

def _example(net, rng, m=1):
    return rng.standard_normal((net.sizes[0], m)), rng.random((net.sizes[-1], m))


@pytest.mark.parametrize("sizes", [[2, 3, 1], [4, 5, 3, 2], [6, 2, 7, 3, 4], [3, 2]])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backprop_matches_the_books_code(sizes, seed):
    net = nt.Network(sizes, seed=seed)
    book = BookNetwork(net.weights, net.biases)
    rng = np.random.default_rng(100 + seed)
    for _ in range(3):
        x, y = _example(net, rng)
        nb, nw = net.backprop(x, y)
        bb, bw = book.backprop(x, y)
        assert len(nb) == len(bb) == len(nw) == len(bw) == len(sizes) - 1
        for a, b in zip(nb + nw, bb + bw):
            assert a.shape == b.shape
            assert relative_error(a, b) < 1e-12
        np.testing.assert_allclose(net.feedforward(x), book.feedforward(x), rtol=1e-13, atol=0)


def test_update_mini_batch_matches_the_books_code():
    net = nt.Network([5, 4, 3], seed=7)
    book = BookNetwork(net.weights, net.biases)
    rng = np.random.default_rng(8)
    batch = [_example(net, rng) for _ in range(6)]
    for method in ("matrix", "loop"):
        other = nt.Network([5, 4, 3], seed=7)
        other.update_mini_batch(batch, 3.0, method=method)
        if method == "matrix":
            net = other
        else:
            loop_net = other
    book.update_mini_batch(batch, 3.0)
    for a, b, c in zip(net.weights + net.biases, loop_net.weights + loop_net.biases,
                       book.weights + book.biases):
        assert relative_error(a, c) < 1e-12
        assert relative_error(b, c) < 1e-12


# ---- matrix vs loop ----------------------------------------------------------------------

# Cross-entropy needs outputs in (0, 1), so it goes with the sigmoid only.
COMBOS = [(a, nt.QuadraticCost) for a in (nt.sigmoid, nt.tanh, nt.linear, nt.relu)]
COMBOS.append((nt.sigmoid, nt.CrossEntropyCost))


@pytest.mark.parametrize("activation, cost", COMBOS, ids=lambda v: getattr(v, "name", None))
def test_backprop_batch_equals_summed_backprop(activation, cost):
    net = nt.Network([4, 6, 5, 3], seed=3, activation=activation, cost=cost)
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((4, 9)), rng.random((3, 9))
    nb, nw = net.backprop_batch(X, Y)
    sb = [np.zeros_like(b) for b in net.biases]
    sw = [np.zeros_like(w) for w in net.weights]
    for j in range(X.shape[1]):
        db, dw = net.backprop(X[:, [j]], Y[:, [j]])
        sb = [s + d for s, d in zip(sb, db)]
        sw = [s + d for s, d in zip(sw, dw)]
    for a, b in zip(nb + nw, sb + sw):
        assert a.shape == b.shape
        assert relative_error(a, b) < 1e-12


def test_update_mini_batch_matrix_equals_loop_and_pair_equals_tuples():
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((3, 10)), rng.random((2, 10))
    tuples = [(X[:, [j]], Y[:, [j]]) for j in range(10)]
    results = {}
    for method in ("matrix", "loop"):
        for form, batch in (("tuples", tuples), ("pair", (X, Y))):
            net = nt.Network([3, 4, 2], seed=11)
            net.update_mini_batch(batch, 0.5, method=method)
            results[method, form] = net
    ref = results["loop", "tuples"]
    for key, net in results.items():
        for a, b in zip(net.weights + net.biases, ref.weights + ref.biases):
            assert relative_error(a, b) < 1e-12, key
    # The same data given two ways goes through the same code: identical bits.
    for method in ("matrix", "loop"):
        a, b = results[method, "tuples"], results[method, "pair"]
        assert all(np.array_equal(p, q) for p, q in zip(a.weights + a.biases, b.weights + b.biases))


def test_update_mini_batch_moves_against_the_gradient():
    net = nt.Network([3, 4, 2], seed=12)
    rng = np.random.default_rng(13)
    X, Y = rng.standard_normal((3, 8)), rng.random((2, 8))
    before = net.cost_value(X, Y)
    nb, nw = net.backprop_batch(X, Y)
    w0 = [w.copy() for w in net.weights]
    b0 = [b.copy() for b in net.biases]
    net.update_mini_batch((X, Y), 0.1)
    for w, w_old, g in zip(net.weights, w0, nw):
        np.testing.assert_allclose(w, w_old - 0.1 / 8 * g, rtol=1e-14, atol=1e-15)
    for b, b_old, g in zip(net.biases, b0, nb):
        np.testing.assert_allclose(b, b_old - 0.1 / 8 * g, rtol=1e-14, atol=1e-15)
    assert net.cost_value(X, Y) < before


# ---- construction and the public contract ------------------------------------------------

def test_public_names_and_shapes():
    net = nt.Network([784, 30, 10], seed=0)
    assert net.sizes == [784, 30, 10] and net.num_layers == 3
    assert type(net.weights) is list and type(net.biases) is list
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        assert w.dtype == np.float64 and b.dtype == np.float64
        assert w.shape == (net.sizes[i + 1], net.sizes[i])
        assert b.shape == (net.sizes[i + 1], 1)
    for name in ("Network", "sigmoid", "save", "load"):
        assert hasattr(nt, name)
    assert "784" in repr(net) and "sigmoid" in repr(net)


def test_same_seed_same_bits_other_seed_other_bits():
    a, b, c = (nt.Network([5, 7, 3], seed=s) for s in (42, 42, 43))
    assert all(np.array_equal(p, q) for p, q in zip(a.weights + a.biases, b.weights + b.biases))
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_initialisation_is_standard_normal():
    net = nt.Network([400, 300, 1], seed=0)
    w = net.weights[0]
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1.0) < 0.01


def test_user_may_assign_new_weight_lists():
    net = nt.Network([2, 3, 1], seed=0)
    net.weights = [np.ones((3, 2)), np.full((1, 3), 0.5)]
    net.biases = [np.zeros((3, 1)), np.zeros((1, 1))]
    z2 = 3.0                                        # 1 + 2 with x = (1, 2)
    a2 = 1 / (1 + math.exp(-z2))
    z3 = 3 * 0.5 * a2
    expected = 1 / (1 + math.exp(-z3))
    assert net.feedforward(col(1.0, 2.0))[0, 0] == pytest.approx(expected, rel=1e-15)
    # A list of the wrong shapes is refused when used, naming what it needed.
    net.weights = [np.ones((2, 3)), np.ones((1, 3))]
    with pytest.raises(ValueError, match=r"weights\[0\].*\(3, 2\).*\(2, 3\)"):
        net.feedforward(col(1.0, 2.0))


def test_feedforward_takes_a_column_or_a_batch():
    net = nt.Network([3, 4, 2], seed=1)
    X = np.random.default_rng(2).standard_normal((3, 5))
    A = net.feedforward(X)
    assert A.shape == (2, 5)
    for j in range(5):
        a = net.feedforward(X[:, [j]])
        assert a.shape == (2, 1)
        np.testing.assert_allclose(a, A[:, [j]], rtol=1e-14, atol=0)


def test_evaluate_counts_correct_answers():
    net = nt.Network([2, 2], activation=nt.linear)
    net.weights = [np.eye(2)]
    net.biases = [np.zeros((2, 1))]
    data = [(col(1.0, 0.0), 0), (col(0.0, 1.0), 1), (col(1.0, 0.0), 1)]
    assert net.evaluate(data) == 2
