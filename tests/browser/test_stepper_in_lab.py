"""The first BackpropStepper of ``05_step_by_step.ipynb``, driven in JupyterLab as a learner would.

Next walks every step; each heading must follow the book's order (feedforward l = 2..L,
BP1 at L, BP2 downwards, then BP3 and BP4 from L down to 2), which is also the order of
``Network.trace``. Previous goes back one; the slider (keyboard on its handle) and Play move
the pane in the browser.
"""
import numpy as np
import pytest
from browser_support import (
    HEADING,
    NOTEBOOK,
    NOTEBOOKS,
    StepperView,
    book_order,
    error_outputs,
    headings_for,
    open_notebook,
    parse_heading,
    run_all_cells,
    wait_for_widgets,
)

pytestmark = pytest.mark.browser

NAME = "05_step_by_step.ipynb"


def test_book_order_is_the_order_of_the_trace():
    from nbteach import Network

    for sizes in ([2, 3, 2], [4, 5, 3, 2], [3, 4, 4, 4, 2]):
        net = Network(sizes, seed=0)
        x, y = np.ones((sizes[0], 1)), np.zeros((sizes[-1], 1))
        steps = net.trace(x, y).steps
        assert [(s.equation, s.layer) for s in steps] == book_order(len(sizes))
        assert [s.heading(len(steps)) for s in steps] == headings_for(book_order(len(sizes)))


@pytest.mark.skipif(not (NOTEBOOKS / NAME).exists(), reason=f"notebooks/{NAME} not written yet")
def test_stepper_steps_in_the_books_order(lab_server, page, screenshots):
    def shot(label):
        page.screenshot(path=screenshots / f"stepper-{label}.png")

    open_notebook(page, lab_server, NAME)
    run_all_cells(page)
    wait_for_widgets(page)
    assert not error_outputs(page)

    output = page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has=page.locator(HEADING)).first
    output.scroll_into_view_if_needed()
    stepper = StepperView(page, output)
    try:
        first = stepper.heading_text()
        i, n, _, _ = parse_heading(first)
        assert n % 4 == 0, f"a trace of L layers has 4(L-1) steps; the heading says {n}"
        expected = headings_for(book_order(n // 4 + 1))
        assert first == expected[i - 1]
        while i > 1:  # start from the first step whatever the notebook left selected
            stepper.previous_button.click()
            i -= 1
            stepper.expect_heading(expected[i - 1])
        shot("01-first")

        for k in range(2, n + 1):
            stepper.next_button.click()
            stepper.expect_heading(expected[k - 1])
            shot(f"{k:02d}-next")
        # At the last step Next is disabled (or, if clicked, stays put).
        if stepper.next_button.is_enabled():
            stepper.next_button.click()
        stepper.expect_heading(expected[-1])

        stepper.previous_button.click()
        stepper.expect_heading(expected[-2])
        shot("previous")

        stepper.slide_from_start(expected)
        shot("slider")

        stepper.slider_handle.press("Home")
        stepper.expect_heading(expected[0])
        stepper.play_button.click()
        stepper.expect_heading_index_above(1)
        shot("play")
        stepper.stop_button.click()
    finally:
        shot("last")
        lab_server.shutdown_kernels()
