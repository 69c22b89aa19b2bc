"""The GraphStepper of ``13_autodiff.ipynb``, driven in JupyterLab as a learner would.

Next walks the reverse sweep node by node, from C back to the first layer; each heading must
name the node the sweep visits (the order ``graph_of(...).backward()`` records for a 2-2-1
network) and the drawing must light that node. Previous goes back one; the slider (keyboard
on its handle) and Play move the pane in the browser, and the slider keeps doing so after the
kernel is shut down.
"""
import re

import numpy as np
import pytest
from browser_support import (
    HEADING,
    NOTEBOOK,
    NOTEBOOKS,
    StepperView,
    error_outputs,
    open_notebook,
    run_all_cells,
    wait_for_widgets,
)

pytestmark = pytest.mark.browser

NAME = "13_autodiff.ipynb"
GRAPH_HEADING_RE = re.compile(r"^Step (\d+) of (\d+) · (.+)$")


def sweep_headings(sizes):
    """The headings of a GraphStepper over a network of these sizes: they depend on the
    graph's shape only, not on its numbers."""
    from nbteach import Network
    from nbteach.graph_panes import node_heading, sweep_by_node
    from nbteach.netgraph import graph_of

    graph = graph_of(Network(sizes, seed=0), np.ones((sizes[0], 1)), np.zeros((sizes[-1], 1)))
    groups = sweep_by_node(graph.backward())
    return [node_heading(i, len(groups), node) for i, (node, _) in enumerate(groups, start=1)]


def test_sweep_headings_start_at_the_cost_and_name_every_inner_node_once():
    expected = sweep_headings([2, 2, 1])
    labels = [GRAPH_HEADING_RE.match(h)[3] for h in expected]
    assert len(expected) == 15 and labels[0] == "C" and len(set(labels)) == 15
    assert labels[:5] == ["C", "(a³₁ − y₁)²", "a³₁ − y₁", "a³₁", "z³₁"]


@pytest.mark.skipif(not (NOTEBOOKS / NAME).exists(), reason=f"notebooks/{NAME} not written yet")
def test_graph_stepper_walks_the_reverse_sweep(lab_server, page, screenshots):
    def shot(label):
        page.screenshot(path=screenshots / f"graph-stepper-{label}.png")

    open_notebook(page, lab_server, NAME)
    run_all_cells(page)
    wait_for_widgets(page)
    assert not error_outputs(page)

    output = page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has=page.locator(HEADING)).first
    output.scroll_into_view_if_needed()
    stepper = StepperView(page, output)
    drawing = stepper.root.locator("svg.nbteach-graph >> visible=true")

    def expect_lit(heading):
        label = GRAPH_HEADING_RE.match(heading)[3]
        assert f"node {label} lit" in drawing.first.get_attribute("aria-label")

    try:
        first = stepper.heading_text()
        i, n, _ = GRAPH_HEADING_RE.match(first).groups()
        expected = sweep_headings([2, 2, 1])
        assert int(n) == len(expected), f"the notebook's stepper is not over a 2-2-1 graph: {first}"
        i = int(i)
        assert first == expected[i - 1]
        while i > 1:                      # start from the first node whatever the notebook left
            stepper.previous_button.click()
            i -= 1
            stepper.expect_heading(expected[i - 1])
        expect_lit(expected[0])
        shot("01-first")

        for k in range(2, len(expected) + 1):
            stepper.next_button.click()
            stepper.expect_heading(expected[k - 1])
            expect_lit(expected[k - 1])
            if k in (4, 6, 12):
                shot(f"{k:02d}-next")
        # at the last node Next is disabled (or, if clicked, stays put)
        if stepper.next_button.is_enabled():
            stepper.next_button.click()
        stepper.expect_heading(expected[-1])
        assert "+= " in stepper.root.locator(".widget-htmlmath >> visible=true").first.inner_text()

        stepper.previous_button.click()
        stepper.expect_heading(expected[-2])

        stepper.slide_from_start(expected, steps=3)
        shot("slider")

        stepper.slider_handle.press("Home")
        stepper.expect_heading(expected[0])
        stepper.play_button.click()
        stepper.expect_heading_index_above(1)
        shot("play")
        stepper.stop_button.click()

        # the slider is linked to the panes in the browser: no kernel needed
        lab_server.shutdown_kernels()
        stepper.slider_handle.focus()
        stepper.slider_handle.press("End")
        stepper.expect_heading(expected[-1])
        stepper.slider_handle.press("ArrowLeft")
        stepper.expect_heading(expected[-2])
        expect_lit(expected[-2])
        shot("without-kernel")
    finally:
        shot("last")
        lab_server.shutdown_kernels()
