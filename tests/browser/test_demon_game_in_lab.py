"""``15_demon_game.ipynb`` in JupyterLab: run it, then play one round of the digit game as a
learner does, by clicking: pick the right answer's neuron (digit 0), nudge it up, reveal δ,
undo.

nbval checks the stored opening state; this checks that the buttons reach the kernel and that
the readout (cost, nudges left, history, the |δ| demon's score) changes with each click to the
numbers the game computes.
"""
import re

import pytest
from browser_support import (
    NOTEBOOK,
    NOTEBOOKS,
    error_outputs,
    open_notebook,
    run_all_cells,
    wait_for_widgets,
    widget_problems,
)

pytestmark = pytest.mark.browser

NAME = "15_demon_game.ipynb"


def digit_game_numbers():
    """What the notebook's digit game must show: C at the start, after digit 0 up, and the |δ|
    demon's score after one move, each as the readout prints it."""
    import nbteach as nt
    from nbteach.demon import Game
    from nbteach.demon_strategies import greedy_play

    _, test = nt.load_mnist_subset()
    x, y = test[2]
    game = Game.start(nt.Network([784, 30, 10], seed=0), x, y, step=0.25, budget=8)
    rival = greedy_play(game, moves=1)
    return (f"{game.cost:.4f}", f"{game.nudge(3, 1, 'up').cost:.4f}",
            f"{game.start_cost - rival.cost:.4f}")


@pytest.mark.skipif(not (NOTEBOOKS / NAME).exists(), reason=f"notebooks/{NAME} not written yet")
def test_one_round_of_the_digit_game_by_clicking(lab_server, page, screenshots):
    from playwright.sync_api import expect

    start, after, rival_one = digit_game_numbers()
    open_notebook(page, lab_server, NAME)
    try:
        run_all_cells(page)
        wait_for_widgets(page)
        assert not error_outputs(page) and not widget_problems(page)
        games = page.locator(f"{NOTEBOOK} .nbteach-demon-game")
        expect(games).to_have_count(3)                    # small board, scripted round, digit
        game = games.filter(has=page.get_by_role("button", name="digit 0", exact=True))
        expect(game).to_have_count(1)
        game.scroll_into_view_if_needed()
        cost = game.locator(".nbteach-demon-cost")
        left = game.locator(".nbteach-demon-left")
        expect(cost).to_have_text(start)
        expect(left).to_have_text("8")
        expect(game.locator(".nbteach-demon-history")).to_have_count(0)

        game.get_by_role("button", name="digit 0", exact=True).click()
        expect(game.locator(".nbteach-demon-selected")).to_contain_text("(digit 0)")
        game.get_by_role("button", name=re.compile(r"nudge up")).click()
        expect(cost).to_have_text(after)                  # the kernel reran the network
        assert after != start
        expect(left).to_have_text("7")
        expect(game.locator(".nbteach-demon-history tbody tr")).to_have_count(1)
        expect(game.locator(".nbteach-demon-rival")).to_have_text(rival_one)
        expect(game.locator(".nbteach-demon-history")).not_to_contain_text("δ before")
        page.screenshot(path=screenshots / "demon-game-nudged.png")

        game.get_by_role("button", name="reveal δ").click()
        expect(game.locator(".nbteach-demon-history")).to_contain_text("δ before")
        expect(game.locator(".nbteach-demon-selected")).to_contain_text("δ = ")
        page.screenshot(path=screenshots / "demon-game-revealed.png")

        game.get_by_role("button", name="Undo").click()
        expect(cost).to_have_text(start)
        expect(left).to_have_text("8")
        assert not error_outputs(page)
    finally:
        page.screenshot(path=screenshots / "demon-game-lab.png", full_page=True)
        lab_server.shutdown_kernels()
