"""Every bad input gets a ValueError or TypeError saying what was expected and what came,
and the network is exactly as it was afterwards."""
import copy

import numpy as np
import pytest

import nbteach as nt

N_IN, N_OUT = 4, 3


def _net():
    return nt.Network([N_IN, 5, N_OUT], seed=0)


def _snapshot(net):
    return ([w.copy() for w in net.weights], [b.copy() for b in net.biases],
            copy.deepcopy(net.rng.bit_generator.state), list(net.sizes))


def _assert_unchanged(net, snap):
    ws, bs, rng_state, sizes = snap
    assert len(net.weights) == len(ws) and len(net.biases) == len(bs)
    for a, b in zip(net.weights + net.biases, ws + bs):
        assert a.dtype == b.dtype and np.array_equal(a, b)
        assert a.tobytes() == b.tobytes()          # bit-identical, signed zeros included
    assert net.rng.bit_generator.state == rng_state
    assert net.sizes == sizes


def _x(m=1):
    return np.random.default_rng(1).standard_normal((N_IN, m))


def _y(m=1):
    return np.random.default_rng(2).random((N_OUT, m))


# ---- sizes -------------------------------------------------------------------------------

@pytest.mark.parametrize("sizes, exc, pattern", [
    ([], ValueError, r"at least two layers.*got \[\]"),
    ([784], ValueError, r"at least two layers.*got \[784\]"),
    ([2, 0, 1], ValueError, r"sizes\[1\] must be a positive integer; got 0"),
    ([2, -3], ValueError, r"sizes\[1\] must be a positive integer; got -3"),
    ([2, 1.5], TypeError, r"sizes\[1\] must be a positive integer; got 1.5 \(float\)"),
    ([2.0, 1], TypeError, r"sizes\[0\] must be a positive integer; got 2.0"),
    ([2, True], TypeError, r"sizes\[1\] must be a positive integer; got True"),
    ([2, "3"], TypeError, r"sizes\[1\] must be a positive integer; got '3'"),
    ([2, None], TypeError, r"sizes\[1\] must be a positive integer; got None"),
    (3, TypeError, r"list of layer sizes.*got 3"),
    ("784,10", TypeError, r"list of layer sizes.*got '784,10'"),
    (None, TypeError, r"list of layer sizes.*got None"),
])
def test_bad_sizes(sizes, exc, pattern):
    with pytest.raises(exc, match=pattern):
        nt.Network(sizes)


def test_numpy_integer_sizes_are_fine():
    net = nt.Network(np.array([3, 2, 1]), seed=0)
    assert net.sizes == [3, 2, 1] and all(type(n) is int for n in net.sizes)


# ---- x and y -----------------------------------------------------------------------------

BAD_COLUMNS = [
    # (value, exception, pattern)  for an input that should be (4, 1)
    (np.zeros((1, N_IN)), ValueError, r"x must have shape \(4, 1\); got \(1, 4\)\. It looks transposed"),
    (np.zeros(N_IN), ValueError, r"x must be a column of shape \(4, 1\); got a 1-D array of shape \(4,\)"),
    (np.zeros((N_IN + 1, 1)), ValueError, r"x must have shape \(4, 1\); got \(5, 1\)"),
    (np.zeros((N_IN, 2)), ValueError, r"x must have shape \(4, 1\); got \(4, 2\)"),
    (np.zeros((N_IN, 1, 1)), ValueError, r"x must have shape \(4, 1\); got \(4, 1, 1\)"),
    (np.float64(1.0), ValueError, r"x must have shape \(4, 1\); got \(\)"),
    (np.full((N_IN, 1), "a"), TypeError, r"x must be a numeric array of shape \(4, 1\); got an array of dtype <U1"),
    (np.array([[1], [2], [None], [4]], dtype=object), TypeError, r"x must be a numeric array.*dtype object"),
    ("1234", TypeError, r"x must be a numeric array of shape \(4, 1\); got '1234'"),
    (None, TypeError, r"x must be a numeric array of shape \(4, 1\); got None"),
    (np.ones((N_IN, 1)) * 1j, TypeError, r"x must be real; got complex"),
    (np.array([[1.0], [np.nan], [0.0], [0.0]]), ValueError, r"x must be finite; got nan at index \(1, 0\)"),
    (np.array([[1.0], [0.0], [0.0], [np.inf]]), ValueError, r"x must be finite; got inf at index \(3, 0\)"),
    (np.array([[1.0], [0.0], [-np.inf], [0.0]]), ValueError, r"x must be finite; got -inf"),
]


@pytest.mark.parametrize("x, exc, pattern", BAD_COLUMNS)
def test_backprop_bad_x(x, exc, pattern):
    net = _net()
    snap = _snapshot(net)
    with pytest.raises(exc, match=pattern):
        net.backprop(x, _y())
    _assert_unchanged(net, snap)


@pytest.mark.parametrize("y, exc, pattern", [
    (np.zeros((1, N_OUT)), ValueError, r"y must have shape \(3, 1\); got \(1, 3\)\. It looks transposed"),
    (np.zeros(N_OUT), ValueError, r"y must be a column of shape \(3, 1\); got a 1-D array"),
    (np.zeros((N_OUT + 1, 1)), ValueError, r"y must have shape \(3, 1\); got \(4, 1\)"),
    (np.array([[0.0], [np.nan], [1.0]]), ValueError, r"y must be finite; got nan"),
    ([["a"], ["b"], ["c"]], TypeError, r"y must be a numeric array"),
    (3, ValueError, r"y must have shape \(3, 1\); got \(\)"),
])
def test_backprop_bad_y(y, exc, pattern):
    net = _net()
    snap = _snapshot(net)
    with pytest.raises(exc, match=pattern):
        net.backprop(_x(), y)
    _assert_unchanged(net, snap)


def test_mnist_sized_transposed_input():
    net = nt.Network([784, 30, 10], seed=0)
    with pytest.raises(ValueError, match=r"\(784, 1\); got \(1, 784\)\. It looks transposed: use x\.T"):
        net.backprop(np.zeros((1, 784)), np.zeros((10, 1)))
    with pytest.raises(ValueError, match=r"a must have shape \(784, m\); got \(1, 784\)"):
        net.feedforward(np.zeros((1, 784)))
    with pytest.raises(ValueError, match=r"1-D array of shape \(784,\).*reshape\(-1, 1\)"):
        net.feedforward(np.zeros(784))


def test_plain_nested_lists_are_accepted_as_columns():
    net = _net()
    x, y = _x(), _y()
    nb, nw = net.backprop(x.tolist(), y.tolist())
    nb2, nw2 = net.backprop(x, y)
    assert all(np.array_equal(a, b) for a, b in zip(nb + nw, nb2 + nw2))


@pytest.mark.parametrize("call", ["feedforward", "trace", "backprop_batch", "cost_value"])
def test_other_entry_points_check_their_input(call):
    net = _net()
    snap = _snapshot(net)
    if call == "feedforward":
        with pytest.raises(ValueError, match=r"must have shape \(4, m\); got \(5, 2\)"):
            net.feedforward(np.zeros((5, 2)))
        with pytest.raises(ValueError, match=r"must be finite"):
            net.feedforward(np.full((4, 2), np.nan))
        with pytest.raises(ValueError, match=r"at least one column.*\(4, 0\)"):
            net.feedforward(np.zeros((4, 0)))
    else:
        f = getattr(net, call)
        with pytest.raises(ValueError, match=r"same number of columns.*\(4, 3\).*\(3, 2\)"):
            f(_x(3), _y(2))
        with pytest.raises(ValueError, match=r"shape \(3, m\); got \(2, 3\)"):
            f(_x(3), np.zeros((2, 3)))
        with pytest.raises(ValueError, match=r"1-D array"):
            f(np.zeros(4), _y())
        with pytest.raises(ValueError, match=r"finite; got inf"):
            f(_x(2), np.full((3, 2), np.inf))
    _assert_unchanged(net, snap)


def test_backprop_refuses_a_batch():
    net = _net()
    with pytest.raises(ValueError, match=r"x must have shape \(4, 1\); got \(4, 5\)"):
        net.backprop(_x(5), _y(5))


# ---- update_mini_batch -------------------------------------------------------------------

def _good_batch(m=3):
    X, Y = _x(m), _y(m)
    return [(X[:, [j]], Y[:, [j]]) for j in range(m)]


@pytest.mark.parametrize("batch, exc, pattern", [
    ([], ValueError, r"mini_batch is empty: it needs at least one \(x, y\) example"),
    (_good_batch(2) + [(_x(),)], ValueError, r"mini_batch\[2\] must be an \(x, y\) tuple; got tuple of length 1"),
    (_good_batch(1) + [(_x(), _y(), _y())], ValueError, r"mini_batch\[1\] must be an \(x, y\) tuple; got tuple of length 3"),
    ([_x()], ValueError, r"mini_batch\[0\] must be an \(x, y\) tuple; got ndarray"),
    ([(_x(), _y()), None], ValueError, r"mini_batch\[1\] must be an \(x, y\) tuple; got NoneType"),
    (_good_batch(2) + [(_x().T, _y())], ValueError, r"mini_batch\[2\] x must have shape \(4, 1\); got \(1, 4\)"),
    ([(_x(), _y()), (_x(), np.zeros(3))], ValueError, r"mini_batch\[1\] y must be a column"),
    ([(_x(), _y()), (np.full((4, 1), np.nan), _y())], ValueError, r"mini_batch\[1\] x must be finite"),
    ([(_x(), _y()), (_x(2), _y(2))], ValueError, r"mini_batch\[1\] x must have shape \(4, 1\); got \(4, 2\)"),
    ((_x(3), _y(2)), ValueError, r"X and Y must have the same number of columns.*\(4, 3\).*\(3, 2\)"),
    ((_x(3).T, _y(3)), ValueError, r"X must have shape \(4, m\); got \(3, 4\)"),
    ((np.zeros((4, 0)), np.zeros((3, 0))), ValueError, r"X must hold at least one column"),
    (42, TypeError, r"mini_batch must be a list of \(x, y\) tuples or an \(X, Y\) pair.*got int"),
    (None, TypeError, r"mini_batch must be a list of \(x, y\) tuples.*got NoneType"),
])
def test_update_mini_batch_bad_batch(batch, exc, pattern):
    net = _net()
    snap = _snapshot(net)
    with pytest.raises(exc, match=pattern):
        net.update_mini_batch(batch, 1.0)
    _assert_unchanged(net, snap)


@pytest.mark.parametrize("eta, exc, pattern", [
    (float("nan"), ValueError, r"eta \(the learning rate\) must be a positive, finite number; got nan"),
    (float("inf"), ValueError, r"positive, finite number; got inf"),
    (-float("inf"), ValueError, r"positive, finite number; got -inf"),
    (0.0, ValueError, r"positive, finite number; got 0.0"),
    (-0.5, ValueError, r"positive, finite number; got -0.5"),
    ("0.1", TypeError, r"eta \(the learning rate\) must be a real number; got '0.1'"),
    (None, TypeError, r"must be a real number; got None"),
    (True, TypeError, r"must be a real number; got True"),
    (np.array([0.1]), TypeError, r"must be a real number"),
])
def test_update_mini_batch_bad_eta(eta, exc, pattern):
    net = _net()
    snap = _snapshot(net)
    with pytest.raises(exc, match=pattern):
        net.update_mini_batch(_good_batch(), eta)
    _assert_unchanged(net, snap)


def test_update_mini_batch_bad_method():
    net = _net()
    snap = _snapshot(net)
    with pytest.raises(ValueError, match=r'method must be "matrix" or "loop"; got \'fast\''):
        net.update_mini_batch(_good_batch(), 1.0, method="fast")
    _assert_unchanged(net, snap)


def test_numpy_scalar_eta_is_fine():
    a, b = _net(), _net()
    a.update_mini_batch(_good_batch(), np.float32(0.5))
    b.update_mini_batch(_good_batch(), 0.5)
    assert all(np.array_equal(p, q) for p, q in zip(a.weights, b.weights))


@pytest.mark.parametrize("method", ["matrix", "loop"])
def test_diverging_step_leaves_the_network_unchanged(method):
    net = nt.Network([2, 2, 1], seed=0, activation=nt.linear)
    snap = _snapshot(net)
    x, y = np.full((2, 1), 1e3), np.zeros((1, 1))
    with pytest.raises(nt.TrainingDiverged, match=r"infinite or NaN.*eta = 1e\+308.*unchanged"):
        net.update_mini_batch([(x, y)], 1e308, method=method)
    _assert_unchanged(net, snap)
    assert issubclass(nt.TrainingDiverged, ArithmeticError)


def test_weights_of_the_wrong_shape_are_reported():
    net = _net()
    net.biases = net.biases[:1]
    with pytest.raises(ValueError, match=r"needs 2 weight matrices and bias vectors; got 2 and 1"):
        net.backprop(_x(), _y())
    net = _net()
    net.weights = "weights"
    with pytest.raises(TypeError, match="lists of numpy arrays"):
        net.feedforward(_x())


# ---- SGD's own arguments (checked before any training) ------------------------------------

@pytest.mark.parametrize("kwargs, exc, pattern", [
    (dict(mini_batch_size=0), ValueError, r"mini_batch_size must be a positive integer; got 0"),
    (dict(mini_batch_size=-2), ValueError, r"mini_batch_size must be a positive integer; got -2"),
    (dict(mini_batch_size=2.5), TypeError, r"mini_batch_size must be a positive integer; got 2.5"),
    (dict(epochs=0), ValueError, r"epochs must be a positive integer; got 0"),
    (dict(eta=float("nan")), ValueError, r"eta .* must be a positive, finite number; got nan"),
    (dict(training_data=[]), ValueError, r"training_data is empty"),
    (dict(training_data=(_x(4), _y(3))), ValueError, r"X and Y must have the same number of columns"),
])
def test_sgd_bad_arguments(kwargs, exc, pattern):
    net = _net()
    snap = _snapshot(net)
    args = dict(training_data=_good_batch(4), epochs=1, mini_batch_size=2, eta=1.0)
    args.update(kwargs)
    with pytest.raises(exc, match=pattern):
        net.SGD(**args)
    _assert_unchanged(net, snap)


# ---- evaluate ----------------------------------------------------------------------------

def test_evaluate_bad_data():
    net = _net()
    with pytest.raises(ValueError, match="test_data is empty"):
        net.evaluate([])
    with pytest.raises(ValueError, match=r"test_data\[0\] x must have shape \(4, 1\); got \(1, 4\)"):
        net.evaluate([(_x().T, 1)])
