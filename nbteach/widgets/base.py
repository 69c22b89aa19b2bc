"""What every viewer shares: the static forms, the stepping controls, one stylesheet.

``Viewer`` gives each viewer a short deterministic ``text/plain`` (what nbval compares) and
a ``text/html`` static form (what GitHub and other places without a widget front end show).
``Stepper`` puts pre-rendered panes in a ``Stack`` under Previous / Play / slider / Next,
linked in the browser (``jslink``), so stepping by slider or Play needs no kernel and keeps
working in a notebook exported to HTML with its widget state. ``picker`` does the same with
a dropdown.

Stored size matters, since a notebook keeps every widget's state: every viewer of a kernel
shares one stylesheet widget and one pane layout, and each pane is a single ``HTMLMath``.
"""
from __future__ import annotations

import numbers

import ipywidgets as W
from ipywidgets.widgets.widget_string import HTMLMathStyle

from ..display import esc
from ..network import Network
from ..style import STYLE, presenting, styled
from ..trace import BackpropTrace

__all__ = ["PLAY_INTERVAL_MS", "PANE_LAYOUT", "Viewer", "Stepper", "picker", "pane",
           "stylesheet", "shared_layout", "check_trace", "examples", "sizes_text"]

PLAY_INTERVAL_MS = 1500
PANE_LAYOUT = dict(width="100%", overflow="auto")

_shared = {}        # one stylesheet widget and one Layout per kind, per kernel


def _alive(widget):
    return widget is not None and getattr(widget, "comm", None) is not None


def stylesheet():
    """The one ``<style>`` widget of this kernel: a child of every viewer, stored once."""
    style = _shared.get("style")
    if not _alive(style):
        style = _shared["style"] = W.HTML(value=STYLE, layout=shared_layout(display="none"))
    return style


def shared_layout(**settings):
    """One ``Layout`` per distinct settings, shared by every widget that uses them."""
    key = ("layout",) + tuple(sorted(settings.items()))
    layout = _shared.get(key)
    if not _alive(layout):
        layout = _shared[key] = W.Layout(**settings)
    return layout


def pane(html):
    """One pane: a single widget that renders HTML with ``$$...$$`` typeset by MathJax."""
    style = _shared.get("pane style")
    if not _alive(style):
        style = _shared["pane style"] = HTMLMathStyle()
    return W.HTMLMath(value=html, layout=shared_layout(**PANE_LAYOUT), style=style)


def heading_html(text):
    """A pane's plain-text heading, findable by its CSS class."""
    return f"<div class='nbteach-step-heading'>{esc(text)}</div>"


def examples(m):
    return f"{m} example{'s' * (m != 1)}"


def sizes_text(sizes):
    return "-".join(map(str, sizes))


def check_trace(trace, viewer):
    if not isinstance(trace, BackpropTrace):
        hint = " (call net.trace(x, y) first)" if isinstance(trace, Network) else ""
        raise TypeError(f"{viewer} needs a BackpropTrace{hint}; got {type(trace).__name__}")
    return trace


def picker(viewer, panes, options, value, description, width):
    """A Dropdown above a Stack of pre-rendered panes, linked in the browser (``jslink``).

    Sets ``viewer.stack``, ``viewer.dropdown``, ``viewer.links`` and the children. Choosing
    from the menu needs no kernel; ``dropdown.value = ...`` from code moves the Stack too.
    """
    viewer.stack = W.Stack(children=panes, layout=shared_layout(**PANE_LAYOUT))
    viewer.dropdown = W.Dropdown(options=options, value=value, description=description,
                                 layout=W.Layout(width=width))
    viewer.stack.selected_index = viewer.dropdown.index
    viewer.links = (W.jslink((viewer.dropdown, "index"), (viewer.stack, "selected_index")),)
    viewer.dropdown.observe(lambda _: setattr(viewer.stack, "selected_index",
                                              viewer.dropdown.index), names="index")
    viewer.children = [stylesheet(), viewer.dropdown, viewer.stack]
    viewer.add_class("nbteach-viewer")


class Viewer(W.VBox):
    """Static forms shared by every viewer: ``summary()`` and ``static_html()``.

    ``presenter=True`` shows the viewer at presenter size (type, arrays and diagram half as
    large again); the default follows ``nbteach.present()``.
    """

    def __init__(self, *, presenter=None, **kwargs):
        super().__init__(**kwargs)
        self.presenter = presenting() if presenter is None else bool(presenter)
        if self.presenter:
            self.add_class("nbteach-present")

    def styled(self, body):
        """A static form at this viewer's size, with the stylesheet."""
        return styled(body, presenter=self.presenter, standalone=True)

    def summary(self):
        raise NotImplementedError

    def static_html(self):
        raise NotImplementedError

    def __repr__(self):
        return self.summary()

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.summary()      # no model id: nbval compares this
        data["text/html"] = self.static_html()
        return data


class Stepper(Viewer):
    """Panes in a Stack, with Previous / Play / slider / Next above them."""

    def _build(self, headings, panes, footer=None):
        """The controls above the Stack of ``panes``; ``footer``: a widget under it."""
        n = len(panes)
        self._headings = tuple(headings)
        self.stack = W.Stack(children=panes, selected_index=0,
                             layout=shared_layout(**PANE_LAYOUT))
        self.slider = W.IntSlider(value=0, min=0, max=n - 1, step=1, readout=False,
                                  continuous_update=False, description="step",
                                  layout=W.Layout(width="260px"))
        self.play = W.Play(value=0, min=0, max=n - 1, step=1, interval=PLAY_INTERVAL_MS,
                           repeat=False)
        button = shared_layout(width="110px")
        self.previous_button = W.Button(description="Previous", icon="arrow-left",
                                        tooltip="previous step", layout=button)
        self.next_button = W.Button(description="Next", icon="arrow-right",
                                    tooltip="next step", layout=button)
        # In the browser: Play drives the slider, the slider drives the Stack.
        self.links = (W.jslink((self.play, "value"), (self.slider, "value")),
                      W.jslink((self.slider, "value"), (self.stack, "selected_index")))
        self.previous_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.slider.observe(self._sync, names="value")
        controls = W.HBox([self.previous_button, self.play, self.slider, self.next_button],
                          layout=W.Layout(align_items="center", flex_flow="row wrap"))
        self.children = [stylesheet(), controls, self.stack] + ([footer] if footer else [])
        self.add_class("nbteach-viewer")
        self._sync()

    def _sync(self, change=None):
        """Keep the kernel's copy of the Stack and the buttons in step with the slider."""
        i = self.slider.value
        self.stack.selected_index = i
        self.previous_button.disabled = i == 0
        self.next_button.disabled = i == len(self) - 1

    def __len__(self):
        return len(self._headings)

    @property
    def index(self):
        """The 0-based number of the pane shown."""
        return self.slider.value

    @property
    def heading(self):
        """The heading of the pane shown, e.g. ``Step 5 of 12 · BP2 · l = 2``."""
        return self._headings[self.index]

    def go(self, i):
        """Show pane ``i`` (0-based) and return ``current``."""
        n = len(self)
        if isinstance(i, bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"step index must be an integer from 0 to {n - 1}; "
                            f"got {type(i).__name__} {i!r}")
        if not 0 <= i < n:
            raise ValueError(f"step index must be from 0 to {n - 1} ({n} steps); got {i}")
        self.slider.value = int(i)
        self.play.value = int(i)
        return self.current

    def next(self):
        """Show the next pane (stays at the last one) and return ``current``."""
        return self.go(min(self.index + 1, len(self) - 1))

    def previous(self):
        """Show the previous pane (stays at the first one) and return ``current``."""
        return self.go(max(self.index - 1, 0))
