"""The training microscope: its readings against hand-worked numbers, the book's per-example
code and finite differences; that watching training does not change it; the pictures."""
import dataclasses
import io
import math
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

import nbteach as nt
from nbteach import backprop as bp
from nbteach import microscope_plot as mplot
from nbteach.gradcheck import numerical_gradient
from nbteach.microscope import SATURATED, Microscope, Recording, blank_inputs, measure, read_layers
from nbteach.training import train_epoch


def hand_network():
    """A 2-2-1 network whose readings are worked out by hand below.

    Input 1 is 0 in both examples (a blank pixel). Hidden neuron 1 has z = 0 (σ = 1/2,
    σ' = 1/4); hidden neuron 2 has z = 50 and 100, where σ rounds to exactly 1 and so
    σ' = σ(1 - σ) to exactly 0 (saturated). The output has z^3 = 2·(1/2) + 1·1 - 2 = 0, so
    a^3 = 1/2 and σ'(z^3) = 1/4 for both examples; the target is 1 for both.
    """
    net = nt.Network([2, 2, 1], seed=0)
    net.weights = [np.array([[3.0, 0.0], [0.0, 50.0]]), np.array([[2.0, 1.0]])]
    net.biases = [np.zeros((2, 1)), np.array([[-2.0]])]
    X = np.array([[0.0, 0.0],
                  [1.0, 2.0]])                     # (2, m = 2): input 1 blank
    Y = np.array([[1.0, 1.0]])
    return net, X, Y


def test_readings_of_a_network_worked_by_hand():
    net, X, Y = hand_network()
    c = measure(net, X, Y, step=7, epoch=1.5)
    hidden, out = c.layer(2), c.layer(3)
    # BP1: δ^3 = (a^3 - y) σ'(z^3) = (1/2 - 1)(1/4) = -1/8 for both examples
    assert out.mean_abs_delta == 1 / 8
    assert out.mean_abs_signal == 1 / 2              # |∇_a C| = |a^3 - y|
    assert out.mean_sigma_prime == 1 / 4 and out.saturated == 0.0
    assert math.isnan(out.delta_saturated) and out.delta_unsaturated == 1 / 8
    # BP3, BP4 averaged over m = 2: ∂C/∂b^3 = -1/8, ∂C/∂w^3 = -1/8 (a^2)^T = -1/8 (1/2, 1)
    assert out.grad_b_norm == 1 / 8
    assert np.isclose(out.grad_w_norm, math.sqrt(5) / 16, rtol=1e-15, atol=0)
    assert out.dead_inputs == 0.0 and out.zero_gradients == 0.0
    assert out.low_inputs == 0.0                     # a^2 = (1/2, 1) in both examples
    # BP2: (w^3)^T δ^3 = (-1/4, -1/8); times σ'(z^2) = (1/4, 0): δ^2 = (-1/16, 0) per example
    assert hidden.mean_abs_signal == (1 / 4 + 1 / 8) / 2
    assert hidden.mean_abs_delta == 1 / 32           # (1/16 + 0 + 1/16 + 0) / 4
    assert hidden.saturated == 1 / 2 and hidden.mean_sigma_prime == 1 / 8
    assert hidden.delta_saturated == 0.0 and hidden.delta_unsaturated == 1 / 16
    # ∂C/∂b^2 = (-1/16, 0); ∂C/∂w^2 = mean of δ^2 x^T = [[0, -3/32], [0, 0]]
    assert hidden.grad_b_norm == 1 / 16 and hidden.grad_w_norm == 3 / 32
    assert hidden.dead_inputs == 1 / 2               # input 1 is 0 in both examples
    assert hidden.low_inputs == 1 / 2                # 2 of the 4 (input, example) pairs
    assert hidden.zero_gradients == 3 / 4            # column 1 (blank) and row 2 (σ' = 0)
    # the checkpoint: cost 1/2 (1/2)^2 per example, one output neuron: always "right"
    assert c.cost == 1 / 8 and c.accuracy == 1.0
    assert c.stuck == 0.0 and math.isnan(c.stuck_delta)
    assert (c.step, c.epoch) == (7, 1.5)


@pytest.mark.parametrize("cost", [nt.QuadraticCost, nt.CrossEntropyCost])
def test_stuck_output_pairs_worked_by_hand(cost):
    # One neuron, z = 10 (a ≈ 1, target 0: saturated and wrong) and z = -10 (a ≈ 0, target
    # 0: saturated and right). Only the first pair is stuck.
    net = nt.Network([1, 1], seed=0, cost=cost)
    net.weights, net.biases = [np.array([[10.0]])], [np.zeros((1, 1))]
    X, Y = np.array([[1.0, -1.0]]), np.array([[0.0, 0.0]])
    c = measure(net, X, Y)
    a = nt.sigmoid(10.0)
    assert c.layer(2).saturated == 1.0 and c.stuck == 1 / 2
    if cost is nt.QuadraticCost:                     # δ^L = (a - y) σ'(z): tiny
        assert np.isclose(c.stuck_delta, a * nt.sigmoid_prime(10.0), rtol=1e-12)
        assert c.stuck_delta < SATURATED
    else:                                            # δ^L = a - y: as wrong as the neuron
        assert np.isclose(c.stuck_delta, a, rtol=1e-9)


def test_a_stricter_threshold_counts_fewer_pairs_saturated():
    net, X, Y = hand_network()
    z = 50.0                                         # hidden neuron 2 in example 1
    assert measure(net, X, Y, threshold=0.3).layer(2).saturated == 1.0     # σ' ≤ 1/4 < 0.3
    assert measure(net, X, Y, threshold=0.25).layer(2).saturated == 1 / 2  # σ'(0) = 1/4 not <
    assert measure(net, X, Y, threshold=1e-300).layer(2).saturated == 1 / 2
    assert nt.sigmoid_prime(z) == 0.0


def test_blank_inputs_are_the_rows_that_are_zero_in_every_column():
    X = np.array([[0.0, 0.0, 0.0],
                  [0.0, 0.3, 0.0],
                  [-1.0, 0.0, 0.0],
                  [0.0, 0.0, 0.0]])
    assert blank_inputs(X).tolist() == [True, False, False, True]
    assert blank_inputs(np.ones((3, 2))).tolist() == [False] * 3


def test_blank_pixels_give_exactly_zero_columns_of_the_weight_gradient():
    train, _ = nt.load_mnist_subset()
    probe = train[:200]
    net = nt.Network([784, 12, 10], seed=3)
    reading = measure(net, probe.X, probe.Y).layer(2)
    blank = blank_inputs(probe.X)
    assert reading.dead_inputs == blank.mean() > 0.1
    nabla_b, nabla_w = net.backprop_batch(probe.X, probe.Y)
    zero_columns = np.all(nabla_w[0] == 0, axis=0)
    assert np.array_equal(zero_columns, blank)
    assert reading.zero_gradients == pytest.approx(blank.mean(), abs=1e-12)


def test_readings_equal_the_books_per_example_code_and_finite_differences():
    rng = np.random.default_rng(4)
    net = nt.Network([4, 5, 3, 2], seed=2)
    X, Y = rng.random((4, 6)), rng.random((2, 6))
    c = measure(net, X, Y)
    m = X.shape[1]
    per_example = [net.backprop(X[:, j:j + 1], Y[:, j:j + 1]) for j in range(m)]
    for i, reading in enumerate(c.layers):
        nb = sum(g[0][i] for g in per_example) / m              # the book's loop, averaged
        nw = sum(g[1][i] for g in per_example) / m
        assert reading.grad_b_norm == pytest.approx(np.linalg.norm(nb), rel=1e-12)
        assert reading.grad_w_norm == pytest.approx(np.linalg.norm(nw), rel=1e-12)
        deltas = np.hstack([net.trace(X[:, j:j + 1], Y[:, j:j + 1]).deltas[i] for j in range(m)])
        assert reading.mean_abs_delta == pytest.approx(np.abs(deltas).mean(), rel=1e-12)
    num_b, num_w = numerical_gradient(net, X, Y)                 # C summed over the columns
    for i, reading in enumerate(c.layers):
        assert reading.grad_b_norm == pytest.approx(np.linalg.norm(num_b[i]) / m, rel=1e-6)
        assert reading.grad_w_norm == pytest.approx(np.linalg.norm(num_w[i]) / m, rel=1e-6)


def test_read_layers_takes_any_stages():
    net, X, Y = hand_network()
    stages = bp.backprop_stages(net.weights, net.biases, X, Y)
    assert read_layers(stages) == measure(net, X, Y).layers


@pytest.fixture(scope="module")
def digits():
    train, _ = nt.load_mnist_subset()
    return train[:300], train[300:400]


def test_a_microscope_on_sgd_does_not_change_training(digits):
    train, probe = digits
    plain, watched = nt.Network([784, 10, 10], seed=1), nt.Network([784, 10, 10], seed=1)
    h_plain = plain.SGD(train, 3, 10, 3.0)
    scope = Microscope(watched, probe)
    h_watched = watched.SGD(train, 3, 10, 3.0, callback=scope)
    for p, q in zip(plain.weights + plain.biases, watched.weights + watched.biases):
        assert np.array_equal(p, q)                                  # bit for bit
    assert h_plain.cost == h_watched.cost
    rec = scope.recording
    assert rec.series("epoch").tolist() == [0, 1, 2, 3]
    assert rec.series("step").tolist() == [0, 30, 60, 90]
    assert rec.last == measure(watched, probe.X, probe.Y, step=90, epoch=3)


def test_microscope_train_takes_the_steps_of_train_epoch(digits):
    train, probe = digits
    readable, watched, fast = (nt.Network([784, 10, 10], seed=2) for _ in range(3))
    for _ in range(2):
        train_epoch(readable, train.X, train.Y, 7, 3.0)
    rec = Microscope(watched, probe).train(train, 2, 7, 3.0, every=20)
    for p, q in zip(readable.weights + readable.biases, watched.weights + watched.biases):
        assert np.array_equal(p, q)                                  # bit for bit
    fast.SGD(train, 2, 7, 3.0)
    for p, q in zip(fast.weights + fast.biases, watched.weights + watched.biases):
        np.testing.assert_allclose(p, q, rtol=1e-9, atol=1e-12)      # SGD: to rounding
    # 300 examples in mini-batches of 7: 43 steps an epoch; readings every 20 and at the end
    assert rec.series("step").tolist() == [0, 20, 40, 60, 80, 86]
    np.testing.assert_allclose(rec.epochs, [0, 20 / 43, 40 / 43, 60 / 43, 80 / 43, 2])
    assert rec.last.epoch == 2.0


def test_the_microscope_does_not_draw_from_the_networks_generator(digits):
    train, probe = digits
    a, b = nt.Network([784, 5, 10], seed=9), nt.Network([784, 5, 10], seed=9)
    Microscope(a, probe)
    assert a.rng.permutation(10).tolist() == b.rng.permutation(10).tolist()


def test_recording_is_frozen_and_answers_queries(digits):
    train, probe = digits
    net = nt.Network([784, 6, 6, 10], seed=0)
    seen = []
    scope = Microscope(net, probe, on_checkpoint=seen.append)
    net.SGD(train, 2, 10, 3.0, callback=scope)
    rec = scope.recording
    assert isinstance(rec, Recording) and len(rec) == 3 and len(seen) == 3
    assert [len(r) for r in seen] == [1, 2, 3]
    assert rec.layers == (2, 3, 4) and rec.sizes == (784, 6, 6, 10) and rec.n_probe == 100
    assert rec.series("mean_abs_delta", 3).shape == (3,)
    assert rec.series("accuracy").tolist() == [c.accuracy for c in rec]
    assert rec.first is rec[0] and rec.last is rec[-1]
    with pytest.raises(ValueError, match="pass l"):
        rec.series("saturated")
    with pytest.raises(ValueError, match="drop l"):
        rec.series("cost", 2)
    with pytest.raises(ValueError, match="unknown quantity"):
        rec.series("speed", 2)
    with pytest.raises(KeyError, match="l = 5"):
        rec.first.layer(5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.first.cost = 0.0
    assert "3 checkpoints of [784, 6, 6, 10], quadratic cost, 100 probe examples" in repr(rec)
    table = rec.first.table().splitlines()
    assert table[0].startswith("epoch 0 (step 0): cost ") and len(table) == 2 + 3
    assert "l=2: mean|δ|=" in repr(rec.first.layer(2))


def test_the_probe_is_checked(digits):
    _, probe = digits
    with pytest.raises(ValueError, match="probe X"):
        Microscope(nt.Network([784, 5, 10], seed=0), (probe.X[:100], probe.Y))
    with pytest.raises(ValueError, match="every"):
        Microscope(nt.Network([784, 5, 10], seed=0), probe).train(probe, 1, 10, 3.0, every=0)


# ---- the pictures ---------------------------------------------------------------------

def render(fig):
    """Draw to PNG, failing on any warning (a missing glyph, say)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def recordings(digits):
    train, probe = digits
    out = {}
    for label, cost, eta in (("quadratic", nt.QuadraticCost, 3.0),
                             ("cross-entropy", nt.CrossEntropyCost, 0.5)):
        out[label] = Microscope(nt.Network([784, 8, 10], seed=0, cost=cost), probe).train(
            train, 1, 10, eta, every=10)
    return out


def test_plot_recording_draws_one_line_per_layer(recordings):
    rec = recordings["quadratic"]
    fig = rec.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    delta_ax, speed_ax, saturated_ax, stuck_ax = fig.axes
    assert len(delta_ax.get_lines()) == 2 and delta_ax.get_yscale() == "log"
    assert saturated_ax.get_title() == r"saturated: $\sigma'(z^l_j) < 0.01$"
    line = delta_ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), rec.epochs)
    np.testing.assert_array_equal(line.get_ydata(), rec.series("mean_abs_delta", 2))
    assert stuck_ax.get_lines()[0].get_ydata().tolist() == rec.series("stuck").tolist()
    assert "quadratic cost, 100 probe digits" in fig.get_suptitle()
    assert render(fig).startswith(b"\x89PNG")
    fig = mplot.plot_recording(rec, ["grad_w_norm", "dead_inputs", "low_inputs"])
    assert len(fig.axes) == 3 and render(fig).startswith(b"\x89PNG")


def test_plot_comparison_draws_one_line_per_recording(recordings):
    fig = mplot.plot_comparison(recordings, ["stuck", ("mean_abs_delta", 3)], title="t")
    assert len(fig.axes) == 2 and fig.get_suptitle() == "t"
    assert [ln.get_label() for ln in fig.axes[0].get_lines()] == ["quadratic", "cross-entropy"]
    assert fig.axes[1].get_title().endswith(", l = 3")
    assert render(fig).startswith(b"\x89PNG")


def test_plot_pixel_maps(recordings):
    fig = mplot.plot_pixel_maps({"blank": np.zeros(784, dtype=bool), "ramp": np.arange(784.0)})
    assert [ax.get_title() for ax in fig.axes] == ["blank", "ramp"]
    assert render(fig).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="784"):
        mplot.plot_pixel_maps({"short": np.zeros(10)})


def test_a_log_pixel_map_gives_exact_zeros_a_colour_of_their_own():
    from matplotlib.colors import to_rgba
    moved = np.geomspace(1e-6, 1.0, 784)
    moved[:28] = 0.0                                   # the top row did not move at all
    fig = mplot.plot_pixel_maps({"moved": moved}, log={"moved"}, zero_color="#E69F00")
    image = fig.axes[0].get_images()[0]
    rgba = image.to_rgba(image.get_array())            # (28, 28, 4) as drawn
    assert np.allclose(rgba[0], to_rgba("#E69F00"))   # every 0: the zero colour
    assert not np.any(np.all(np.isclose(rgba[1:], to_rgba("#E69F00")), axis=-1))
    assert image.norm.vmin == pytest.approx(moved[28]) and len(fig.axes) == 2   # + colour bar
    assert render(fig).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="log scale"):
        mplot.plot_pixel_maps({"none": np.zeros(784)}, log={"none"})


def test_live_plot_redraws_as_readings_come_in(digits):
    train, probe = digits
    live = mplot.LiveMicroscopePlot(epochs=2)
    assert live.png() is None
    net = nt.Network([784, 5, 10], seed=0)
    net.SGD(train, 2, 10, 3.0, callback=Microscope(net, probe, on_checkpoint=live))
    assert len(live.recording) == 3
    assert live.figure.axes[0].get_xlim() == pytest.approx((-0.1, 2.1))
    assert live._repr_png_().startswith(b"\x89PNG")


def test_live_plot_in_a_notebook_updates_one_output(monkeypatch, recordings):
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=None):
        shown.append(("display", obj, display_id))
        return Handle()

    import IPython.display
    from IPython.core.formatters import PNGFormatter

    class Shell:                                   # just enough of a Jupyter kernel's shell
        class display_formatter:
            formatters = {"image/png": PNGFormatter()}

    monkeypatch.setattr(nt.figures, "kernel", lambda: Shell)
    monkeypatch.setattr(IPython.display, "display", display)
    rec = recordings["quadratic"]
    live = mplot.LiveMicroscopePlot(epochs=1, min_seconds=1e9)
    for n in range(1, len(rec) + 1):
        live(Recording(rec.sizes, rec.cost_name, rec.threshold, rec.n_probe, rec.checkpoints[:n]))
    # the first reading and the last (epoch 1) are drawn; the rest come too fast
    assert [s[0] for s in shown] == ["display", "update"]
    assert shown[0][2] is True and shown[1][1].data.startswith(b"\x89PNG")
