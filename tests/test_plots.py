"""The figures: learning curves, digit grids, confusion matrix, and the live training view."""
import io
import warnings

import numpy as np
import pytest
from matplotlib import colors, style
from matplotlib.figure import Figure

import nbteach as nt
from nbteach import figures, plots
from nbteach.training import History


def make_history(correct=(50, 70, 80), n_test=100):
    h = History(sizes=[784, 30, 10], eta=3.0, mini_batch_size=10, n_train=400, n_test=n_test)
    for e, c in enumerate(correct):
        h.append(cost=0.3 / (e + 1), correct=None if n_test is None else c, seconds=0.1)
    return h


def render(fig):
    """Draw to PNG, failing on any warning (a missing glyph, say)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    return nt.Dataset(rng.random((784, 12)), np.arange(12) % 10)


# ---- learning curves ------------------------------------------------------------------

def test_history_plot_shows_cost_and_accuracy_side_by_side():
    fig = plots.plot_history(make_history())
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert titles(fig) == ["training cost: 0.1000", "test accuracy: 80.00% (best 80.00%, epoch 3)"]
    cost_line, = fig.axes[0].get_lines()
    assert cost_line.get_xdata().tolist() == [1, 2, 3]
    assert render(fig).startswith(b"\x89PNG")


def test_history_without_test_data_has_one_panel():
    fig = plots.plot_history(make_history(n_test=None))
    assert len(fig.axes) == 1 and titles(fig) == ["training cost: 0.1000"]


def test_history_into_given_axes():
    fig = Figure()
    ax = fig.subplots()
    assert plots.plot_history(make_history(), ax=ax) is fig
    assert len(fig.axes) == 2                       # accuracy on a second y-axis
    assert "test accuracy: 80.00%" in ax.get_title() and ax.get_legend() is not None
    fig2 = Figure()
    pair = fig2.subplots(1, 2)
    plots.plot_history(make_history(), ax=tuple(pair))
    assert len(fig2.axes) == 2
    with pytest.raises(TypeError, match="History"):
        plots.plot_history([0.3, 0.2])


def test_figures_stay_light_under_a_dark_style():
    with style.context("dark_background"):
        fig = plots.plot_history(make_history())
    assert colors.to_hex(fig.get_facecolor()) == "#ffffff"
    for ax in fig.axes:
        assert colors.to_hex(ax.get_facecolor()) == "#ffffff"
        assert colors.to_hex(ax.title.get_color()) == "#222222"
        assert colors.to_hex(ax.xaxis.label.get_color()) == "#222222"


# ---- digits ---------------------------------------------------------------------------

def test_digits_grid_marks_wrong_predictions(digits):
    predictions = digits.labels.copy()
    predictions[[1, 4]] = [7, 0]
    fig = plots.plot_digits(digits, predictions=predictions, ncols=6)
    shown = [ax for ax in fig.axes if ax.axison]
    assert len(shown) == 12 and len(fig.axes) == 12
    assert fig.get_suptitle() == "10 of 12 shown are right, 2 wrong"
    assert shown[1].get_title() == "\u2717 7 (is 1)" and shown[0].get_title() == "0"
    assert colors.to_hex(shown[1].spines["top"].get_edgecolor()) == plots.WRONG_COLOR.lower()
    assert colors.to_hex(shown[0].spines["top"].get_edgecolor()) != plots.WRONG_COLOR.lower()
    render(fig)
    wrong = plots.plot_digits(digits, predictions=predictions, only_wrong=True)
    assert [ax.get_title() for ax in wrong.axes] == ["\u2717 7 (is 1)", "\u2717 0 (is 4)"]


def test_digits_from_arrays_in_every_layout(digits):
    images = (digits.images * 255).astype(np.uint8)           # (12, 28, 28)
    for data in (images, images.reshape(12, 784), digits.X, digits.X[:, 0]):
        fig = plots.plot_digits(data, max_digits=5)
        assert sum(ax.axison for ax in fig.axes) == (1 if data.ndim == 1 else 5)
    fig = plots.plot_digits(images[:3], labels=[3, 1, 4])
    assert [ax.get_title() for ax in fig.axes] == ["3", "1", "4"]
    with pytest.raises(ValueError, match="784"):
        plots.plot_digits(np.zeros((10, 100)))
    with pytest.raises(ValueError, match="one entry per image"):
        plots.plot_digits(images, labels=[1, 2])
    with pytest.raises(ValueError, match="integer digits"):
        plots.plot_digits(digits, predictions=np.zeros(12))
    with pytest.raises(ValueError, match="only_wrong"):
        plots.plot_digits(images, only_wrong=True)


def test_digits_predicted_by_a_network(digits):
    net = nt.Network([784, 5, 10], seed=0)
    expected = np.argmax(net.feedforward(digits.X), axis=0)
    fig = plots.plot_digits(digits[:4], predictions=net)
    for ax, p, label in zip(fig.axes, expected, digits.labels):
        assert ax.get_title().startswith(f"\u2717 {p}" if p != label else f"{p}")


# ---- confusion matrix -----------------------------------------------------------------

def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    labels = np.array([0, 0, 1, 2, 2, 2])
    predictions = np.array([0, 1, 1, 2, 2, 0])
    counts = plots.confusion_matrix(labels, predictions)
    assert counts.shape == (10, 10) and counts.sum() == 6
    assert counts[0, 0] == 1 and counts[0, 1] == 1 and counts[2, 0] == 1 and counts[2, 2] == 2
    with pytest.raises(ValueError, match="equal length"):
        plots.confusion_matrix(labels, predictions[:3])
    with pytest.raises(ValueError, match="0..9"):
        plots.confusion_matrix(labels, predictions + 8)


def test_plot_confusion_annotates_counts_and_accuracy(digits):
    predictions = digits.labels.copy()
    predictions[0] = 3
    fig = plots.plot_confusion(digits, predictions)
    ax = fig.axes[0]
    assert ax.get_title() == "confusion matrix: 11 of 12 right (91.67%)"
    texts = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert ((3, 0), "1") in texts and ((1, 1), "2") in texts
    render(fig)
    norm = plots.plot_confusion(digits.labels, predictions, normalize=True)
    assert ((1, 1), "1.00") in {(t.get_position(), t.get_text()) for t in norm.axes[0].texts}
    net = nt.Network([784, 5, 10], seed=0)
    assert "of 12 right" in plots.plot_confusion(digits, net).axes[0].get_title()


# ---- live view ------------------------------------------------------------------------

def test_live_plot_outside_a_notebook_keeps_the_last_figure():
    live = plots.LiveTrainingPlot(epochs=4)
    assert live.png() is None
    h = make_history()
    live(2, h)
    assert live.history is h and live.figure.get_suptitle() == "epoch 3 of 4"
    assert live.figure.axes[0].get_xlim() == (0.5, 4.5)
    assert live._repr_png_().startswith(b"\x89PNG")


def test_live_plot_in_a_notebook_updates_one_output(monkeypatch):
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

    monkeypatch.setattr(figures, "kernel", lambda: Shell)
    monkeypatch.setattr(IPython.display, "display", display)
    live = plots.LiveTrainingPlot(every=2)
    h = make_history(correct=())
    for epoch, c in enumerate((40, 60, 70, 75, 80)):
        h.append(cost=0.1, correct=c, seconds=0.1)
        live(epoch, h)
    assert [s[0] for s in shown] == ["display", "update"]    # epochs 2 and 4 drawn, one output
    assert shown[0][2] is True
    assert shown[1][1].data.startswith(b"\x89PNG")
    # and a returned Figure shows as a PNG even though pyplot was never used
    assert Shell.display_formatter.formatters["image/png"](live.figure).startswith(b"\x89PNG")


def test_live_plot_with_sgd(digits):
    live = plots.LiveTrainingPlot(epochs=2)
    nt.Network([784, 5, 10], seed=0).SGD(digits, 2, 4, 3.0, test_data=digits, callback=live)
    assert live.history.epochs == 2 and live.figure.get_suptitle() == "epoch 2 of 2"


def test_live_plot_skips_redraws_on_fast_epochs_but_always_draws_the_last(monkeypatch):
    drawn = []
    live = plots.LiveTrainingPlot(epochs=6, min_seconds=1e9)
    monkeypatch.setattr(live, "_draw", lambda h: drawn.append(h.epochs) or Figure())
    h = make_history(correct=())
    for epoch in range(6):
        h.append(cost=0.1, correct=50, seconds=0.1)
        live(epoch, h)
    assert drawn == [1, 6]
    drawn.clear()
    unknown_length = plots.LiveTrainingPlot(min_seconds=1e9)
    monkeypatch.setattr(unknown_length, "_draw", lambda h: drawn.append(h.epochs) or Figure())
    for epoch in range(3):
        unknown_length(epoch, h)
    assert len(drawn) == 3                                   # no length given: every epoch


def test_plot_digits_predicts_the_same_digits_from_columns_rows_and_a_dataset():
    train, test = nt.load_mnist_subset()
    net = nt.Network([784, 30, 10], seed=0)
    net.SGD(train[:1000], 1, 10, 3.0)
    part = test[:50]
    want = net.predict(part.X)
    pictures, _ = plots._as_pictures(part)
    for data in (part, part.X, part.X.T, (part.X.T * 255).astype(np.uint8)):
        pics, _ = plots._as_pictures(data)
        got = plots._as_predictions(net, data, pics)
        agree = np.mean(got == want)
        assert agree >= (1.0 if data is part or data is part.X or data is part.X.T else 0.95)
    assert np.array_equal(pictures, plots._as_pictures(part.X)[0])
