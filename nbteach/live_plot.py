"""Pictures that redraw while training runs: ``LiveFigure``, and ``LiveTrainingPlot``.

``LiveFigure`` is one PNG output replaced in place (``IPython.display`` with a
``display_id``; no widget), so the saved notebook keeps the last picture as an ordinary
image, redrawn no more often than drawing allows. ``LiveTrainingPlot`` draws a ``History``
with ``figures.draw_history``, the same as the static curves; the training microscope's live
plot is another ``LiveFigure``. Non-goal: interactive figures.
"""
from __future__ import annotations

import io
import time

from matplotlib import rc_context

from . import figures
from .figures import STYLE, draw_history, new_figure

__all__ = ["LiveFigure", "LiveTrainingPlot"]


class LiveFigure:
    """One picture in a notebook, replaced in place each time ``show`` gets a new figure.

    Outside a notebook nothing is shown; ``.figure`` holds the last drawing.
    ``due(done, total)`` says whether to redraw now: always at the end of the run
    (``done >= total``) or without a known end, else at most every ``min_seconds``.
    """

    def __init__(self, *, min_seconds=0.5, dpi=80):
        self.min_seconds = float(min_seconds)
        self.dpi = dpi
        self.figure = None
        self._handle = None
        self._last_draw = None

    def due(self, done, total=None):
        if total is None or done >= total or self._last_draw is None:
            return True
        return time.perf_counter() - self._last_draw >= self.min_seconds

    def show(self, figure):
        """Make ``figure`` the picture: the one output in the notebook is replaced."""
        self.figure = figure
        self._last_draw = time.perf_counter()
        if figures.kernel() is None:                                  # a script or a terminal
            return
        from IPython.display import Image, display
        image = Image(data=self.png(), format="png")
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)

    def png(self):
        """The current drawing as PNG bytes (None before the first one)."""
        if self.figure is None:
            return None
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

    def _repr_png_(self):
        return self.png()


class LiveTrainingPlot(LiveFigure):
    """Learning curves that redraw as training runs: pass it as ``SGD``'s callback.

    ::

        live = nt.plots.LiveTrainingPlot(epochs=30)
        net.SGD(train, 30, 10, 3.0, test_data=test, callback=live)

    In JupyterLab the picture is one PNG output that is replaced as the epochs go by
    (through ``IPython.display`` with a ``display_id``; no widget), so the saved notebook
    keeps the final curves as an ordinary image. Outside a notebook nothing is shown;
    ``live.figure`` holds the drawing.

    Parameters
    ----------
    epochs : int, optional; the length of the run. It fixes the x-axis so the curves grow
        into it, and lets fast epochs skip redraws (drawing a PNG takes a few tenths of a
        second); the last epoch is always drawn. Without it, every epoch is drawn.
    every : int, optional; redraw exactly every ``every`` epochs (and after the last one).
    min_seconds : with ``epochs`` and no ``every``, redraw when at least this long has
        passed since the last redraw.
    dpi : resolution of the PNG.
    """

    def __init__(self, epochs=None, *, every=None, min_seconds=0.5, dpi=80):
        super().__init__(min_seconds=min_seconds, dpi=dpi)
        self.epochs = None if epochs is None else int(epochs)
        self.every = None if every is None else max(1, int(every))
        self.history = None

    def __call__(self, epoch, history):
        self.history = history
        done = epoch + 1
        if self.every is not None and (self.epochs is None or done < self.epochs):
            due = done % self.every == 0
        else:
            due = self.due(done, self.epochs)
        if due:
            self.show(self._draw(history))

    def _draw(self, history):
        has_accuracy = len(history.accuracy) > 0
        # fixed margins: constrained layout would double the time of every redraw
        fig = new_figure((9.0, 3.4) if has_accuracy else (4.8, 3.4), layout=None)
        fig.subplots_adjust(left=0.09 if has_accuracy else 0.16, right=0.98, bottom=0.15,
                            top=0.8, wspace=0.28)
        with rc_context(STYLE):
            axes = fig.subplots(1, 2 if has_accuracy else 1, squeeze=False)[0]
            draw_history(history, axes[0], axes[1] if has_accuracy else None,
                          total_epochs=self.epochs)
            if self.epochs is not None:
                fig.suptitle(f"epoch {history.epochs} of {self.epochs}")
        return fig
