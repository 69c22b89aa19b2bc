"""The DemonGame widget, headless: it builds, its buttons and Python API play the game, its
views render the game's numbers (and compute none), its static forms stand alone."""
import re

import ipywidgets as W
import numpy as np
import pytest

import nbteach as nt
from nbteach import demon, demon_strategies, widgets
from nbteach.demon import Game
from nbteach.demon_panes import KERNEL_NOTE
from nbteach.widgets import DemonGame


def small_game(**kw):
    net = nt.Network([2, 3, 2], seed=0)
    return Game.start(net, np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]]), **kw)


@pytest.fixture(scope="module")
def digit_game():
    _, test = nt.load_mnist_subset()
    x, y = test[5]
    return Game.start(nt.Network([784, 30, 10], seed=0), x, y,
                      output_names=[f"digit {d}" for d in range(10)])


def cost_shown(w):
    return float(re.search(r"class='nbteach-demon-cost'>([-\d.]+)<", w.view.value).group(1))


def test_exported_and_built_with_one_button_per_neuron_it_can_nudge(digit_game):
    assert widgets.DemonGame is DemonGame and "DemonGame" in widgets.__all__
    w = DemonGame(small_game())
    assert sorted(w.neuron_buttons) == [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2)]
    assert [w.neuron_buttons[(2, j)].description for j in (1, 2, 3)] == ["1", "2", "3"]
    assert "z^2_3" in w.neuron_buttons[(2, 3)].tooltip and "zs[0][2]" in w.neuron_buttons[(2, 3)].tooltip
    d = DemonGame(digit_game)
    assert len(d.neuron_buttons) == 40
    assert d.neuron_buttons[(3, 9)].description == "digit 8"
    assert isinstance(d.view, W.HTML) and d.children[0] is w.children[0]   # one stylesheet
    assert d.rival.moves == demon_strategies.greedy_play(digit_game).moves          # the |δ| demon
    with pytest.raises(TypeError, match="Game.start"):
        DemonGame(nt.Network([2, 3, 2]))


def test_clicks_play_the_game_and_every_view_follows():
    w = DemonGame(small_game(budget=3))
    c0 = w.game.cost
    assert cost_shown(w) == round(c0, 4) and "nudges left: <b class='nbteach-demon-left'>3<" in w.view.value
    w.neuron_buttons[(3, 1)].click()
    assert w.selected == (3, 1) and w.neuron_buttons[(3, 1)].style.font_weight == "bold"
    assert "z<sup>3</sup><sub>1</sub>" in w.view.value
    w.up_button.click()
    assert w.game.moves[-1].dz == 0.25 and (w.game.last.l, w.game.last.j) == (3, 1)
    assert w.game.cost < c0 and cost_shown(w) == round(w.game.cost, 4)
    assert "nudges left: <b class='nbteach-demon-left'>2<" in w.view.value
    assert "▲0.25" in w.view.value                                # the nudge on the board
    w.neuron_buttons[(2, 2)].click()
    w.down_button.click()
    assert [(m.l, m.j, m.dz) for m in w.game.moves] == [(3, 1, 0.25), (2, 2, -0.25)]
    assert w.view.value.count("<tr><td>") == 2                     # the history
    w.undo_button.click()
    assert len(w.game.moves) == 1 and w.view.value.count("<tr><td>") == 1
    w.reset_button.click()
    assert w.game.moves == () and cost_shown(w) == round(c0, 4) and w.undo_button.disabled


def test_refused_moves_change_nothing_and_say_why():
    w = DemonGame(small_game(budget=1))
    before = w.game
    w.up()                                                   # nothing selected yet
    assert w.game is before and "pick a neuron first" in w.message
    assert "pick a neuron first" in w.view.value
    w.select(1, 1)                                           # the input layer
    assert w.selected is None and "input layer" in w.message
    w.select(3, 1)
    w.up()
    assert w.message == "" and len(w.game.moves) == 1
    assert w.up_button.disabled and w.down_button.disabled
    spent = w.game
    w.down()
    assert w.game is spent and "spent" in w.message
    w.undo()
    w.undo()
    assert "nothing to undo" in w.message and w.game.moves == ()


def test_reveal_shows_delta_only_when_asked(digit_game):
    w = DemonGame(digit_game)
    w.select(3, 9)
    hidden = w.view.value
    assert "δ before" not in hidden and "δ -0.1339" not in hidden
    assert all(b.style.button_color is None for b in w.neuron_buttons.values())
    assert "the |δ| demon's moves" not in hidden
    w.reveal = True
    shown = w.view.value
    assert w.reveal_toggle.value and "δ -0.1339" in shown and "δ = -0.1339" in shown
    assert "the |δ| demon's moves" in shown
    colours = {k: b.style.button_color for k, b in w.neuron_buttons.items()}
    assert colours[(3, 10)].startswith("rgba(5, 113, 176")       # δ > 0: blue
    assert colours[(3, 9)].startswith("rgba(202, 0, 32")         # δ < 0: red
    w.up()
    assert "δ before" in w.view.value and "<td>-0.1339</td>" in w.view.value
    w.reveal_toggle.value = False
    assert "δ before" not in w.view.value


def test_the_score_beside_the_greedy_strategy_after_as_many_moves(digit_game):
    w = DemonGame(digit_game)
    rival = w.rival
    for k, (l, j, d) in enumerate([(3, 7, -1), (3, 7, -1), (3, 9, 1)], start=1):
        w.select(l, j)
        w.nudge(d)
        saved = rival.start_cost - rival.costs[k]
        assert f"after {k} move{'s' * (k != 1)}: saved <b class='nbteach-demon-rival'>{saved:.4f}<" \
            in w.view.value
        assert f"you saved <b class='nbteach-demon-saved'>{w.game.saved:.4f}<" in w.view.value
        assert w.game.saved < saved                         # pushing digit 6 pays less
    assert w.summary() == (
        f"DemonGame: 784-30-10, 3 of 8 nudges of ±0.25, C = {w.game.cost:.4f}\nsaved "
        f"{w.game.saved:.4f} (|δ| demon: {rival.start_cost - rival.costs[3]:.4f})")


def test_the_rivals_total_waits_for_the_last_nudge_or_reveal(digit_game):
    # the total over the whole budget would answer "how much of C will you remove?"
    w = DemonGame(digit_game)
    total = f"after all 8: {w.rival.saved:.4f}"
    assert total not in w.view.value and "after 8" not in w.summary()
    w.select(3, 9)
    for _ in range(7):
        w.down()
        assert total not in w.view.value and "after 8" not in w.summary()
    w.down()                                                 # the budget is spent
    assert total in w.view.value and w.summary().endswith(f"; {w.rival.saved:.4f} after 8)")
    w.undo()
    assert total not in w.view.value
    w.reveal = True                                          # or δ is revealed
    assert total in w.view.value and "after 8" in w.summary()
    assert total in w.static_html()


def test_views_compute_nothing(monkeypatch):
    w = DemonGame(small_game())
    w.select(2, 2)
    w.up()
    calls = []
    real = demon.backprop_stages
    monkeypatch.setattr(demon, "backprop_stages", lambda *a, **k: calls.append(1) or real(*a, **k))
    w.reveal = True
    w._render()
    w.static_html()
    w.summary()
    assert calls == []
    w.down()                                                 # a move does compute: once
    assert calls == [1]


def test_static_forms_stand_alone_and_say_a_kernel_is_needed(digit_game):
    a, b = DemonGame(digit_game), DemonGame(digit_game)
    ma, mb = a._repr_mimebundle_(), b._repr_mimebundle_()
    assert ma["text/plain"] == mb["text/plain"] == a.summary()
    assert a.model_id not in ma["text/plain"]
    assert ma["text/plain"].startswith("DemonGame: 784-30-10, 0 of 8 nudges of ±0.25, C = 1.8976\n")
    assert all(len(line) <= 100 for line in ma["text/plain"].splitlines())
    html = ma["text/html"]
    assert html.startswith("<style>") and KERNEL_NOTE in html
    assert "<svg" in html and "784 inputs" in html and "digit 8" in html
    assert f"{digit_game.cost:.4f}" in html and "no moves yet" in html
    assert "δ before" not in html                             # δ stays hidden
    assert "application/vnd.jupyter.widget-view+json" in ma


def test_presenter_size_follows_the_course_setting():
    w = DemonGame(small_game(), presenter=True)
    assert "nbteach-present" in w._dom_classes
    assert "<div class='nbteach-present'>" in w.static_html()
    assert "nbteach-present" not in DemonGame(small_game(), presenter=False)._dom_classes


def test_small_numbers_keep_their_size_in_the_readout():
    net = nt.Network([2, 3, 2], seed=0)
    net.biases = [net.biases[0], net.biases[1] + np.array([[0.0], [10.0]])]   # output 2 stuck
    w = DemonGame(Game.start(net, np.array([[0.8], [0.3]]), np.array([[1.0], [0.0]])),
                  reveal=True)
    w.select(3, 2)
    w.down()
    m = w.game.last
    assert f"<td>{m.delta:+.2e}</td>" in w.view.value                 # +3.47e-04, not 0.0003
    assert f"<td>{m.measured:+.2e}</td>" in w.view.value and abs(m.measured) < 1e-3
    assert "▼0.25" in w.view.value
