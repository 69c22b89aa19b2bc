"""Training on real digits: it learns, it is reproducible, and it stops cleanly when it diverges."""
import numpy as np
import pytest

import nbteach as nt


@pytest.fixture(scope="module")
def mnist():
    return nt.load_mnist_subset()


def test_a_short_run_beats_chance_by_a_wide_margin(mnist):
    train, test = mnist
    net = nt.Network([784, 30, 10], seed=0)
    history = net.SGD(train, 3, 10, 3.0, test_data=test)
    assert history.epochs == 3 and len(history.seconds) == 3
    assert history.n_train == 4000 and history.n_test == 1000
    assert history.correct[-1] == net.evaluate(test)
    assert history.accuracy[-1] > 0.6                  # chance is 0.1
    assert history.cost[-1] < history.cost[0]
    # by default the cost of each mini-batch during the epoch, a little above the cost after it
    assert history.cost[-1] > net.cost_value(train.X, train.Y)


def test_monitored_training_cost_is_the_cost_after_each_epoch(mnist):
    train, _ = mnist
    net = nt.Network([784, 30, 10], seed=0)
    history = net.SGD(train[:1000], 2, 10, 3.0, monitor_training_cost=True)
    assert np.isclose(history.cost[-1], net.cost_value(train[:1000].X, train[:1000].Y),
                      rtol=1e-12, atol=0)
    assert "after each epoch" in repr(history)


def test_the_same_seed_gives_bit_identical_weights_and_history(mnist):
    train, test = mnist
    runs = []
    for seed in (7, 7, 8):
        net = nt.Network([784, 12, 10], seed=seed)
        history = net.SGD(train[:600], 2, 10, 3.0, test_data=test[:200])
        runs.append((net, history))
    (a, ha), (b, hb), (c, hc) = runs
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        assert np.array_equal(wa, wb)
    assert ha.cost == hb.cost and ha.correct == hb.correct
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert ha.cost != hc.cost


def test_callback_sees_every_epoch(mnist):
    train, test = mnist
    seen = []
    nt.Network([784, 8, 10], seed=0).SGD(
        train[:300], 3, 10, 3.0, test_data=test[:100],
        callback=lambda epoch, history: seen.append((epoch, history.epochs, history.correct[-1])))
    assert [s[:2] for s in seen] == [(0, 1), (1, 2), (2, 3)]
    assert all(0 <= s[2] <= 100 for s in seen)


def test_progress_bar_runs_in_a_terminal(mnist, capsys):
    train, _ = mnist
    nt.Network([784, 8, 10], seed=0).SGD(train[:100], 2, 10, 3.0, progress=True)
    assert "2/2" in capsys.readouterr().err


def test_divergence_stops_cleanly_and_restores_the_network(mnist):
    train, test = mnist
    net = nt.Network([784, 30, 10], seed=0, activation="linear")
    snapshots = [[p.copy() for p in net.weights + net.biases]]
    with pytest.raises(nt.TrainingDiverged) as info:
        net.SGD(train[:300], 5, 10, 1000.0, test_data=test,
                callback=lambda e, h: snapshots.append([p.copy() for p in net.weights + net.biases]))
    message = str(info.value)
    assert "training stopped in epoch" in message and "1000" in message
    assert "nan" not in message.lower().replace("infinite or nan", "")
    after = net.weights + net.biases
    assert all(np.isfinite(p).all() for p in after)
    assert all(np.array_equal(p, q) for p, q in zip(after, snapshots[-1]))
    assert 0 <= net.evaluate(test) <= len(test)        # still usable, no NaN warnings


def test_history_prints_at_fixed_precision_and_plots(mnist):
    train, test = mnist
    history = nt.Network([784, 8, 10], seed=0).SGD(train[:200], 2, 10, 3.0, test_data=test[:100])
    lines = str(history).splitlines()
    assert len(lines) == 2 and lines[0].startswith("Epoch 0: cost 0.")
    assert lines[0].endswith(" / 100 correct")
    assert "2 epochs of [784, 8, 10]" in repr(history) and "%" in repr(history)
    fig = history.plot()
    assert len(fig.axes) == 2


def test_divergence_keeps_the_finished_epochs_in_the_error():
    import nbteach as nt
    X = np.random.default_rng(0).random((4, 40))
    Y = np.eye(2)[:, np.arange(40) % 2]
    net = nt.Network([4, 3, 2], seed=0, activation="linear")
    calls = []

    def blow_up_later(epoch, history):
        calls.append(epoch)
        if epoch == 1:                     # after two good epochs, make the next one diverge
            net.weights = [w * 1e200 for w in net.weights]

    with pytest.raises(nt.TrainingDiverged) as info:
        net.SGD((X, Y), 5, 10, 0.01, callback=blow_up_later)
    assert "epoch 3" in str(info.value) and "after epoch 2" in str(info.value)
    assert info.value.history.epochs == 2 and calls == [0, 1]
    assert all(np.isfinite(w).all() for w in net.weights)
