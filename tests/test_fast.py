"""The fast path gives the readable path's numbers: gradients, steps, whole SGD epochs."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nbteach as nt
from nbteach import backprop as bp
from nbteach import fast
from nbteach.activations import Activation
from nbteach.training import train_epoch

TOL = 1e-12


@pytest.fixture(autouse=True, params=["fused", "numpy"])
def step_kind(request, monkeypatch):
    """Every test runs twice: with BP4 fused with the update through scipy's BLAS (as for
    the chapter's small mini-batches) and with numpy's products (as for large ones)."""
    monkeypatch.setattr(fast.trainer, "FUSED_BELOW", 2 ** 62 if request.param == "fused" else 0)
    return request.param


def rel(a, b):
    """max |a - b| / max |a| over one array (0 when both are all zeros)."""
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def assert_params_close(net_a, net_b, tol=TOL):
    for a, b in zip(net_a.weights + net_a.biases, net_b.weights + net_b.biases):
        assert a.shape == b.shape
        assert rel(a, b) <= tol


def data(n, sizes, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((sizes[0], n))
    Y = np.zeros((sizes[-1], n))
    Y[rng.integers(0, sizes[-1], n), np.arange(n)] = 1.0
    return X, Y


# A custom activation the fast path does not know: it must take the generic path.
softsign = Activation("softsign", lambda z: z / (1 + np.abs(z)),
                      lambda z: 1 / (1 + np.abs(z)) ** 2, r"z / (1 + |z|)", r"1 / (1 + |z|)^2")
ACTIVATIONS = [nt.sigmoid, nt.tanh, nt.relu, nt.linear, softsign]
COSTS = [nt.QuadraticCost, nt.CrossEntropyCost]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("sizes", [[784, 30, 10], [5, 4, 3, 2], [3, 2]])
def test_fast_gradient_equals_backprop_batch(activation, sizes):
    net = nt.Network(sizes, seed=1, activation=activation)
    X, Y = data(13, sizes)
    want_b, want_w = bp.backprop_batch(net.weights, net.biases, X, Y, activation, net.cost)
    got_b, got_w = fast.backprop_batch(net.weights, net.biases, X, Y, activation, net.cost)
    for want, got in zip(want_b + want_w, got_b + got_w):
        assert got.shape == want.shape
        assert rel(got, want) <= TOL


def test_fast_gradient_with_cross_entropy_equals_backprop_batch():
    net = nt.Network([6, 5, 3], seed=2, cost=nt.CrossEntropyCost)
    X, Y = data(9, net.sizes)
    want_b, want_w = net.backprop_batch(X, Y)
    got_b, got_w = fast.backprop_batch(net.weights, net.biases, X, Y, net.activation, net.cost)
    for want, got in zip(want_b + want_w, got_b + got_w):
        assert rel(got, want) <= TOL


def test_fast_gradient_of_one_example_equals_the_books_backprop():
    net = nt.Network([4, 3, 2], seed=3)
    X, Y = data(1, net.sizes)
    want_b, want_w = net.backprop(X, Y)
    got_b, got_w = fast.backprop_batch(net.weights, net.biases, X, Y)
    for want, got in zip(want_b + want_w, got_b + got_w):
        assert rel(got, want) <= TOL


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4),
       m=st.integers(1, 9), seed=st.integers(0, 10_000),
       activation=st.sampled_from(ACTIVATIONS), cost=st.sampled_from(COSTS))
def test_fast_step_equals_update_mini_batch(sizes, m, seed, activation, cost):
    if cost is nt.CrossEntropyCost and activation is not nt.sigmoid:
        cost = nt.QuadraticCost                 # cross-entropy needs outputs in (0, 1)
    net = nt.Network(sizes, seed=seed, activation=activation, cost=cost)
    X, Y = data(m, sizes, seed)
    ws, bs = fast.update_mini_batch(net.weights, net.biases, X, Y, 0.5, activation, cost)
    before = [p.copy() for p in net.weights + net.biases]
    net.update_mini_batch((X, Y), 0.5)
    for got, want, old in zip(ws + bs, net.weights + net.biases, before):
        assert got.shape == want.shape
        assert np.max(np.abs(got - want)) <= TOL * max(np.max(np.abs(want)), np.max(np.abs(old)), 1.0)


def readable_sgd(net, X, Y, epochs, mini_batch_size, eta):
    """The book's SGD as it reads: the same shuffle, one readable step per mini-batch.

    Returns each epoch's mean of the mini-batch costs, each computed the readable way
    (``net.cost_value``) just before its step: what ``History.cost`` holds by default.
    """
    n = X.shape[1]
    costs = []
    for _ in range(epochs):
        order = net.rng.permutation(n)
        total = 0.0
        for start in range(0, n, mini_batch_size):
            cols = order[start:start + mini_batch_size]
            total += net.cost_value(X[:, cols], Y[:, cols]) * len(cols)
            net.update_mini_batch((X[:, cols], Y[:, cols]), eta)
        costs.append(total / n)
    return costs


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda a: a.name)
def test_sgd_epochs_equal_readable_steps_with_the_same_shuffle(activation):
    sizes = [20, 8, 4]
    X, Y = data(53, sizes)                       # 53 = 7 * 7 + 4: a smaller last mini-batch
    # A learning rate that trains, not one that amplifies rounding chaotically or diverges.
    eta = {"sigmoid": 3.0, "linear": 0.002}.get(activation.name, 0.5)
    fast_net = nt.Network(sizes, seed=5, activation=activation)
    slow_net = nt.Network(sizes, seed=5, activation=activation)
    history = fast_net.SGD((X, Y), 3, 7, eta)
    costs = readable_sgd(slow_net, X, Y, 3, 7, eta)
    assert_params_close(fast_net, slow_net)
    assert not history.monitor_training_cost
    for got, want in zip(history.cost, costs, strict=True):   # the mini-batch costs' mean
        assert abs(got - want) <= TOL * abs(want)


@pytest.mark.parametrize("cost", COSTS, ids=lambda c: c.name)
def test_monitored_cost_is_the_exact_cost_after_each_epoch(cost):
    sizes = [20, 8, 4]
    X, Y = data(53, sizes)
    fast_net = nt.Network(sizes, seed=6, cost=cost)
    slow_net = nt.Network(sizes, seed=6, cost=cost)
    history = fast_net.SGD((X, Y), 3, 7, 0.5, monitor_training_cost=True)
    assert history.monitor_training_cost and "after each epoch" in history.cost_measured
    for e in range(3):
        running = readable_sgd(slow_net, X, Y, 1, 7, 0.5)[0]
        exact = slow_net.cost_value(X, Y)          # after the epoch, over all the data
        assert abs(history.cost[e] - exact) <= TOL * exact
        assert abs(history.cost[e] - running) > 1e-6 * exact   # a different number
    assert_params_close(fast_net, slow_net)


def test_running_cost_with_cross_entropy_equals_the_readable_mini_batch_costs():
    sizes = [20, 8, 4]
    X, Y = data(53, sizes)
    fast_net = nt.Network(sizes, seed=7, cost=nt.CrossEntropyCost)
    slow_net = nt.Network(sizes, seed=7, cost=nt.CrossEntropyCost)
    history = fast_net.SGD((X, Y), 2, 7, 0.5)
    costs = readable_sgd(slow_net, X, Y, 2, 7, 0.5)
    assert_params_close(fast_net, slow_net)
    for got, want in zip(history.cost, costs, strict=True):
        assert abs(got - want) <= TOL * abs(want)


def test_sgd_makes_no_pass_over_the_data_for_the_cost_unless_asked(monkeypatch):
    def second_pass(*args, **kwargs):
        raise AssertionError("a forward pass over all the training data")
    net = nt.Network([6, 5, 3], seed=8)
    X, Y = data(30, net.sizes)
    monkeypatch.setattr(fast, "cost_value", second_pass)
    history = net.SGD((X, Y), 2, 5, 1.0)                  # the default: no second pass
    assert history.epochs == 2 and all(np.isfinite(history.cost))
    with pytest.raises(AssertionError, match="forward pass"):
        net.SGD((X, Y), 1, 5, 1.0, monitor_training_cost=True)


def test_sgd_on_mnist_shapes_equals_readable_steps():
    sizes = [784, 30, 10]
    X, Y = data(120, sizes, seed=7)
    fast_net = nt.Network(sizes, seed=8)
    slow_net = nt.Network(sizes, seed=8)
    fast_net.SGD((X, Y), 1, 10, 3.0)
    readable_sgd(slow_net, X, Y, 1, 10, 3.0)
    assert_params_close(fast_net, slow_net)


@pytest.mark.parametrize("method", ["matrix", "loop"])
def test_train_epoch_methods_agree(method):
    sizes = [6, 5, 3]
    X, Y = data(23, sizes)
    a, b = nt.Network(sizes, seed=9), nt.Network(sizes, seed=9)
    epoch = fast.sgd_epoch(a, fast.Rows.from_columns(X, Y), 4, 2.0)
    a.weights, a.biases = epoch.weights, epoch.biases
    train_epoch(b, X, Y, 4, 2.0, method=method)
    assert_params_close(a, b)
    assert a.rng.random() == b.rng.random()       # the same draws from the generator


def test_train_epoch_refuses_an_unknown_method():
    net = nt.Network([2, 2], seed=0)
    with pytest.raises(ValueError, match='"matrix" or "loop"'):
        train_epoch(net, np.zeros((2, 3)), np.zeros((2, 3)), 2, 1.0, method="quick")


def test_same_seed_gives_bit_identical_weights_and_history():
    sizes = [12, 7, 3]
    X, Y = data(40, sizes)
    Xt, Yt = data(15, sizes, seed=1)
    test = [(Xt[:, j:j + 1], int(np.argmax(Yt[:, j]))) for j in range(15)]
    runs = []
    for _ in range(2):
        net = nt.Network(sizes, seed=11)
        history = net.SGD((X, Y), 3, 6, 3.0, test_data=test)
        runs.append((net, history))
    (a, ha), (b, hb) = runs
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(p, q)
    assert ha.cost == hb.cost and ha.correct == hb.correct


def test_history_records_readable_cost_and_accuracy():
    sizes = [12, 7, 3]
    X, Y = data(40, sizes)
    Xt, Yt = data(15, sizes, seed=1)
    test = [(Xt[:, j:j + 1], int(np.argmax(Yt[:, j]))) for j in range(15)]
    net = nt.Network(sizes, seed=12, cost=nt.CrossEntropyCost)
    history = net.SGD((X, Y), 2, 6, 0.5, test_data=test, monitor_training_cost=True)
    assert abs(history.cost[-1] - net.cost_value(X, Y)) <= TOL * history.cost[-1]
    assert history.correct[-1] == net.evaluate(test)


def test_cost_value_and_count_correct_match_the_network():
    net = nt.Network([5, 4, 3], seed=13)
    X, Y = data(30, net.sizes)
    rows = fast.Rows.from_columns(X, Y)
    assert abs(fast.cost_value(net.weights, net.biases, rows) - net.cost_value(X, Y)) \
        <= TOL * net.cost_value(X, Y)
    labels = np.argmax(Y, axis=0)
    test = [(X[:, j:j + 1], int(labels[j])) for j in range(30)]
    assert fast.count_correct(net.weights, net.biases, rows.X, labels) == net.evaluate(test)


def test_fast_sgd_leaves_the_network_as_it_was_when_training_diverges():
    net = nt.Network([3, 4, 2], seed=14, activation=nt.linear)
    X, Y = data(20, net.sizes)
    net.SGD((X, Y), 1, 5, 0.01)                   # one good epoch first
    after_one = [p.copy() for p in net.weights + net.biases]
    with pytest.raises(nt.TrainingDiverged, match="epoch 1"):
        net.SGD((X, Y), 5, 5, 1e6)
    for p, q in zip(net.weights + net.biases, after_one):
        assert np.array_equal(p, q)


def test_fast_epoch_does_not_touch_the_networks_arrays_until_it_succeeds():
    net = nt.Network([3, 4, 2], seed=15)
    X, Y = data(10, net.sizes)
    old_w, old_b = net.weights, net.biases
    copies = [p.copy() for p in old_w + old_b]
    new_w, new_b, cost = fast.sgd_epoch(net, fast.Rows.from_columns(X, Y), 3, 1.0)
    for p, q in zip(old_w + old_b, copies):
        assert np.array_equal(p, q)               # the old arrays were not changed in place
    assert net.weights is old_w                   # sgd_epoch returns new arrays, assigns nothing
    assert not any(np.array_equal(p, q) for p, q in zip(new_w, old_w))
    assert np.isfinite(cost) and cost > 0


def test_callback_changes_between_epochs_are_kept():
    sizes = [6, 5, 3]
    X, Y = data(18, sizes)

    def shrink(epoch, history, net):
        net.weights = [0.5 * w for w in net.weights]

    a, b = nt.Network(sizes, seed=16), nt.Network(sizes, seed=16)
    a.SGD((X, Y), 2, 4, 1.0, callback=lambda e, h: shrink(e, h, a))
    for _ in range(2):
        readable_sgd(b, X, Y, 1, 4, 1.0)
        shrink(0, None, b)
    assert_params_close(a, b)


def test_trainer_copies_its_inputs_and_keeps_the_books_shapes():
    net = nt.Network([4, 3, 2], seed=17)
    ws = [w.copy() for w in net.weights]
    trainer = fast.Trainer(net.weights, net.biases)
    X, Y = data(5, net.sizes)
    cost = trainer.step(X, Y, 1.0)                # the summed cost before the step
    assert abs(cost - net.cost_value(X, Y) * 5) <= TOL * cost
    assert all(np.array_equal(w, v) for w, v in zip(net.weights, ws))
    assert [w.shape for w in trainer.weights] == [(3, 4), (2, 3)]
    assert [b.shape for b in trainer.biases] == [(3, 1), (2, 1)]
    assert trainer.is_finite()


def test_rows_transpose_the_book_layout():
    X, Y = data(7, [4, 2])
    rows = fast.Rows.from_columns(X, Y)
    assert rows.X.shape == (7, 4) and rows.Y.shape == (7, 2) and len(rows) == 7
    assert rows.X.flags.c_contiguous and np.array_equal(rows.X, X.T)
    F = np.asfortranarray(X)
    assert np.shares_memory(fast.Rows.from_columns(F, Y).X, F)   # no copy when it can be avoided


def test_fast_sigmoid_saturates_without_warnings():
    # z far below -709 makes exp(-z) overflow; the fast path must give 0, not a warning.
    net = nt.Network([1, 1], seed=0)
    net.weights = [np.array([[1000.0]])]
    net.biases = [np.array([[0.0]])]
    X = np.array([[-1.0, 1.0]])
    Y = np.array([[0.0, 1.0]])
    rows = fast.Rows.from_columns(X, Y)
    out = fast.feedforward(net.weights, net.biases, rows.X)
    assert out.shape == (1, 2) and out[0, 0] == 0.0 and out[0, 1] == 1.0
    history = net.SGD((X, Y), 1, 2, 1.0)
    assert np.isfinite(history.cost[0])


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=lambda a: a.name)
@pytest.mark.parametrize("slice_size", [1, 3, 7, 50])
def test_feedforward_in_slices_gives_the_readable_outputs(activation, slice_size):
    net = nt.Network([5, 4, 3], seed=18, activation=activation)
    X, Y = data(7, net.sizes)
    rows = fast.Rows.from_columns(X, Y)
    out = fast.feedforward(net.weights, net.biases, rows.X, activation, slice_size=slice_size)
    assert out.shape == (3, 7)
    assert rel(out, net.feedforward(X)) <= TOL


@pytest.mark.parametrize("cost", COSTS, ids=lambda c: c.name)
def test_cost_value_over_several_slices_matches_the_network(cost):
    net = nt.Network([3, 4, 2], seed=19, cost=cost)
    n = 2 * fast.SLICE + 5                         # two full slices and a short one
    X, Y = data(n, net.sizes)
    rows = fast.Rows.from_columns(X, Y)
    got = fast.cost_value(net.weights, net.biases, rows, net.activation, net.cost)
    assert abs(got - net.cost_value(X, Y)) <= TOL * net.cost_value(X, Y)
    assert np.array_equal(rows.X, X.T) and np.array_equal(rows.Y, Y.T)   # inputs untouched


def _dataset(n, n_pixels, seed=0):
    X, Y = data(n, [n_pixels, 10], seed)
    return nt.Dataset(X, np.argmax(Y, axis=0))


def test_sgd_on_a_dataset_equals_sgd_on_its_arrays_bit_for_bit():
    train, test = _dataset(45, 6), _dataset(12, 6, seed=1)
    assert train.X.flags.f_contiguous                       # one image per contiguous column
    a, b = nt.Network([6, 5, 10], seed=20), nt.Network([6, 5, 10], seed=20)
    ha = a.SGD(train, 2, 4, 1.0, test_data=test)
    hb = b.SGD((train.X.copy(), train.Y.copy()), 2, 4, 1.0, test_data=list(
        zip((test.X[:, [j]] for j in range(12)), test.labels.tolist())))
    for p, q in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(p, q)
    assert ha.cost == hb.cost and ha.correct == hb.correct
    assert ha.correct[-1] == a.evaluate(test)


def test_sgd_checks_a_dataset_whose_arrays_were_made_writable_again():
    train = _dataset(10, 4)
    train.X.flags.writeable = True
    train.X[2, 3] = np.nan
    with pytest.raises(ValueError, match="finite"):
        nt.Network([4, 3, 10], seed=21).SGD(train, 1, 5, 1.0)


def test_sgd_refuses_a_dataset_that_does_not_fit_the_network():
    with pytest.raises(ValueError, match=r"\(5, m\)"):
        nt.Network([5, 3, 10], seed=22).SGD(_dataset(10, 4), 1, 5, 1.0)
    with pytest.raises(ValueError, match=r"\(2, m\)"):
        nt.Network([4, 3, 2], seed=22).SGD(_dataset(10, 4), 1, 5, 1.0)


def test_small_mini_batches_fuse_bp4_with_the_update_and_large_ones_use_numpy(monkeypatch):
    monkeypatch.setattr(fast.trainer, "FUSED_BELOW", 2 ** 18)
    trainer = fast.Trainer(*nt.Network([784, 30, 10], seed=0)._params())
    assert trainer.fuses(10) and not trainer.fuses(100)
    X, Y = data(10, [784, 30, 10])
    small = {f for f, _ in trainer.calls(X, Y, 3.0)}
    X, Y = data(100, [784, 30, 10])
    large = {f for f, _ in trainer.calls(X, Y, 3.0)}
    assert fast.tape.dgemm in small and np.dot not in small
    assert fast.tape.dgemm not in large and np.dot in large


def test_a_blas_entry_writes_into_its_output_or_refuses_it():
    rng = np.random.default_rng(0)
    A, B, C = rng.random((4, 3)), rng.random((3, 5)), rng.random((4, 5))
    want = C - 0.5 * A @ B
    f, args = fast.tape.gemm(-0.5, A, B, 1.0, C)
    f(*args)
    assert rel(C, want) <= TOL
    f, args = fast.tape.gemm(1.0, np.ascontiguousarray(A.T).T, B, 0.0, C)   # A as a transpose
    f(*args)
    assert rel(C, A @ B) <= TOL
    with pytest.raises(ValueError, match="Fortran"):
        fast.tape.gemm(1.0, A, B, 0.0, np.zeros((4, 10))[:, ::2])             # strided: a copy


def test_a_step_takes_inputs_in_any_memory_layout():
    net = nt.Network([6, 5, 3], seed=4)
    X, Y = data(16, net.sizes)
    want = fast.update_mini_batch(net.weights, net.biases, X[:, ::2], Y[:, ::2], 0.5)
    for X2 in (np.ascontiguousarray(X[:, ::2]), np.asfortranarray(X[:, ::2])):
        got = fast.update_mini_batch(net.weights, net.biases, X2, Y[:, ::2], 0.5)
        for a, b in zip(want[0] + want[1], got[0] + got[1]):
            assert rel(a, b) <= TOL
