"""The notebook runner stores pictures small without changing what they show."""
import base64
import io

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from nbteach.tools.execute_notebooks import compact_png


def _png(fig, **kw):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **kw)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _pixels(data):
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA"), float)


def test_a_plot_takes_fewer_bytes_and_looks_the_same():
    fig = Figure(figsize=(6, 3), facecolor="white")
    ax = fig.subplots()
    x = np.linspace(0, 6, 200)
    for k in range(4):
        ax.plot(x, np.sin(x + k), label=f"curve {k}")
    ax.imshow(np.random.default_rng(0).random((28, 28)), cmap="gray_r", extent=(0, 1, 0, 1))
    ax.legend()
    data = _png(fig)
    small = compact_png(data)
    assert len(small) < 0.7 * len(data)
    before, after = _pixels(data), _pixels(small)
    assert before.shape == after.shape
    assert np.mean(np.abs(before - after)) < 2.0          # out of 255: no visible change
    assert np.percentile(np.abs(before - after), 99.9) < 40


def test_transparent_pictures_are_left_alone():
    fig = Figure(figsize=(2, 2))
    fig.subplots().plot([0, 1], [1, 0])
    data = _png(fig, transparent=True)
    assert compact_png(data) == data
