"""The demon game as a widget: pick a neuron, nudge its weighted input, watch the cost.

``DemonGame(game)`` lays out a ``demon.Game``: the board (``demon_panes.board_svg``) beside
the readout (cost, nudges left, the score of the |δ| strategy after as many moves and, once
the budget is spent or δ revealed, its total; the history), one button per neuron of layers
2..L, nudge down / up, Undo, Reset and a "reveal δ" toggle. Every number shown comes from
the game: a click asks ``demon`` for the next game and renders it; the |δ| strategy's play
is computed once, when the widget is made.

Unlike the steppers, this widget needs a running kernel to play (each nudge reruns the
network); its static forms say so and show the game as it stands. Python API for scripts
and tests: ``select(l, j)``, ``down()``, ``up()``, ``nudge(direction)``, ``undo()``,
``reset()``, ``reveal``; ``game``, ``rival``, ``selected``, ``message``.
"""
from __future__ import annotations

import ipywidgets as W

from ..demon import Game
from ..demon_panes import KERNEL_NOTE, delta_scale, game_html, summary_text
from ..demon_strategies import greedy_play
from ..display import cell_colour
from .base import PANE_LAYOUT, Viewer, shared_layout, stylesheet

__all__ = ["DemonGame"]


class DemonGame(Viewer):
    """Play the book's demon on one network and one example, against the |δ| strategy.

    Parameters
    ----------
    game : demon.Game, e.g. ``Game.start(net, x, y, step=0.25, budget=8)``; its moves so
        far stay on the board, and Reset goes back to its start
    reveal : bool, show δ from the start (default: hidden, so the learner plays first)
    presenter : bool, presenter size (default: as ``nbteach.display.present()`` set it)
    """

    def __init__(self, game, *, reveal=False, presenter=None, **kwargs):
        if not isinstance(game, Game):
            raise TypeError("DemonGame needs a nbteach.demon.Game (Game.start(net, x, y)); "
                            f"got {type(game).__name__}")
        super().__init__(presenter=presenter, **kwargs)
        self.game = game
        self.rival = greedy_play(game.reset())         # the |δ| strategy, the whole budget
        self.selected = None
        self.message = ""
        b = game.board
        self.view = W.HTML(layout=shared_layout(**PANE_LAYOUT))
        self.neuron_buttons = {}
        rows = []
        for l in range(b.num_layers, 1, -1):                  # the output layer on top
            buttons = []
            for j in range(1, b.sizes[l - 1] + 1):
                named = b.output_names is not None and l == b.num_layers
                button = W.Button(description=b.output_names[j - 1] if named else str(j),
                                  tooltip=f"{b.neuron_name(l, j)}  (Python zs[{l - 2}][{j - 1}])",
                                  layout=shared_layout(width="74px" if named else "42px",
                                                       padding="0"))
                button.add_class("nbteach-demon-neuron")
                button.on_click(lambda _, l=l, j=j: self.select(l, j))
                self.neuron_buttons[(l, j)] = button
                buttons.append(button)
            label = W.HTML(f"<b>l&nbsp;=&nbsp;{l}</b>", layout=shared_layout(flex="0 0 52px"))
            rows.append(W.HBox([label, W.HBox(buttons, layout=shared_layout(
                flex_flow="row wrap"))], layout=shared_layout(align_items="center")))
        wide = shared_layout(width="175px")
        self.down_button = W.Button(description=f"nudge down −{b.step:g}", icon="arrow-down",
                                    tooltip="add −step to the selected neuron's z", layout=wide)
        self.up_button = W.Button(description=f"nudge up +{b.step:g}", icon="arrow-up",
                                  tooltip="add +step to the selected neuron's z", layout=wide)
        small = shared_layout(width="90px")
        self.undo_button = W.Button(description="Undo", icon="undo", layout=small)
        self.reset_button = W.Button(description="Reset", icon="refresh", layout=small)
        self.reveal_toggle = W.ToggleButton(value=bool(reveal), description="reveal δ",
                                            tooltip="colour each neuron by its δ", layout=small)
        self.down_button.on_click(lambda _: self.down())
        self.up_button.on_click(lambda _: self.up())
        self.undo_button.on_click(lambda _: self.undo())
        self.reset_button.on_click(lambda _: self.reset())
        self.reveal_toggle.observe(lambda _: self._render(), names="value")
        controls = W.HBox([self.down_button, self.up_button, self.undo_button,
                           self.reset_button, self.reveal_toggle],
                          layout=shared_layout(flex_flow="row wrap", align_items="center"))
        self.children = [stylesheet(), self.view, W.VBox(rows), controls]
        self.add_class("nbteach-viewer")
        self.add_class("nbteach-demon-game")
        self._render()

    # ---- the player's moves ------------------------------------------------------------

    def select(self, l, j):
        """Pick neuron j of book layer l (from 1) for the next nudges."""
        try:
            self.selected = self.game.board.check_neuron(l, j)
            self.message = ""
        except (TypeError, ValueError) as e:
            self.message = str(e)
        self._render()

    def nudge(self, direction):
        """Nudge the selected neuron: direction +1/"up" or -1/"down". A refused move (no
        neuron selected, budget spent) changes nothing and sets ``message``."""
        if self.selected is None:
            self.message = "pick a neuron first: click one of the numbered buttons"
        else:
            try:
                self.game = self.game.nudge(*self.selected, direction)
                self.message = ""
            except (TypeError, ValueError) as e:
                self.message = str(e)
        self._render()
        return self.game

    def down(self):
        return self.nudge(-1)

    def up(self):
        return self.nudge(+1)

    def undo(self):
        """Take back the last nudge (its budget comes back)."""
        try:
            self.game, self.message = self.game.undo(), ""
        except ValueError as e:
            self.message = str(e)
        self._render()
        return self.game

    def reset(self):
        """Back to the start, with the whole budget."""
        self.game, self.message = self.game.reset(), ""
        self._render()
        return self.game

    @property
    def reveal(self):
        return self.reveal_toggle.value

    @reveal.setter
    def reveal(self, value):
        self.reveal_toggle.value = bool(value)

    # ---- views -------------------------------------------------------------------------

    def _render(self):
        game, reveal = self.game, self.reveal
        self.view.value = game_html(game, self.rival, selected=self.selected, reveal=reveal,
                                    message=self.message)
        scale = delta_scale(game)
        for (l, j), button in self.neuron_buttons.items():
            button.style.button_color = (cell_colour(game.delta(l, j), scale) if reveal
                                         else None)
            button.style.font_weight = "bold" if self.selected == (l, j) else ""
            button.style.text_decoration = "underline" if self.selected == (l, j) else ""
        self.down_button.disabled = self.up_button.disabled = game.moves_left == 0
        self.undo_button.disabled = not game.moves

    def summary(self):
        return summary_text(self.game, self.rival, reveal=self.reveal)

    def static_html(self):
        return self.styled(game_html(self.game, self.rival, selected=self.selected,
                                     reveal=self.reveal, note=KERNEL_NOTE))
