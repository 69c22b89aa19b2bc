"""Presenter size in JupyterLab's light and dark themes: larger, and readable in both.

A notebook written for the test (into the server's temporary copy of the notebooks) shows
the same ``BackpropStepper`` twice, at the normal size and with ``presenter=True``. For each
of JupyterLab's two themes, chosen through the server's settings API as the Settings menu
does, the notebook is run and both panes are measured: the presenter pane's heading and
arrays are drawn half as large again as the normal ones, its text colour stands out from
the background it is drawn on (WCAG contrast of at least 4.5) and its Play button steps
the pane. Screenshots of both panes in each theme go to ``screenshots/``.
"""
import json
import urllib.request

import nbformat
import pytest
from browser_support import (
    HEADING,
    NOTEBOOK,
    StepperView,
    error_outputs,
    open_notebook,
    run_all_cells,
    wait_for_widgets,
    widget_problems,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.browser

NAME = "presenter_size_check.ipynb"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
THEME_SETTINGS = "@jupyterlab/apputils-extension:themes"

SETUP = """\
import numpy as np
from nbteach import Network
from nbteach.widgets import BackpropStepper

net = Network([2, 3, 2], seed=0)
trace = net.trace(np.array([[0.5], [-1.0]]), np.array([[1.0], [0.0]]))"""

# For an element: its rendered font size (CSS zoom included), its text colour, and the
# colour it is drawn on (the first ancestor with an opaque background).
MEASURE = """(el) => {
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    let back = null;
    for (let e = el; e && !back; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) back = c.slice(0, 3);
    }
    const range = document.createRange();
    range.selectNodeContents(el);
    return {height: range.getBoundingClientRect().height,
            color: rgb(getComputedStyle(el).color).slice(0, 3),
            background: back || [255, 255, 255],
            themeLight: document.body.dataset.jpThemeLight};
}"""


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    """WCAG contrast ratio of two RGB colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_of_known_colours():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21)
    assert contrast([119, 119, 119], [255, 255, 255]) == pytest.approx(4.48, abs=0.01)


def _set_theme(server, theme):
    """Choose JupyterLab's theme as the Settings menu does: a user setting on the server."""
    body = json.dumps({"raw": json.dumps({"theme": theme})}).encode()
    request = urllib.request.Request(server.url(f"/lab/api/settings/{THEME_SETTINGS}"),
                                     data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 204)


def _write_notebook(folder):
    nb = new_notebook(cells=[
        new_markdown_cell("The same stepper at the normal size, then at presenter size."),
        new_code_cell(SETUP),
        new_code_cell("BackpropStepper(trace)"),
        new_code_cell("BackpropStepper(trace, presenter=True)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})
    nbformat.write(nb, folder / NAME)


@pytest.fixture
def check_notebook(lab_server):
    """The test's notebook in the server's folder; afterwards the server is as it was (it is
    shared): light theme, no session or file left for the notebook."""
    _write_notebook(lab_server.root_dir)
    try:
        yield NAME
    finally:
        _set_theme(lab_server, THEMES["light"])
        for session in lab_server.api("sessions"):
            if session.get("path") == NAME:
                lab_server.api(f"sessions/{session['id']}", method="DELETE")
        (lab_server.root_dir / NAME).unlink(missing_ok=True)


@pytest.mark.parametrize("theme", list(THEMES))
def test_presenter_size_reads_larger_in_both_themes(theme, lab_server, check_notebook, page,
                                                    screenshots):
    _set_theme(lab_server, THEMES[theme])
    open_notebook(page, lab_server, check_notebook)
    run_all_cells(page)
    wait_for_widgets(page)
    assert not error_outputs(page), error_outputs(page)
    assert not widget_problems(page), widget_problems(page)

    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output", has=page.locator(HEADING))
    assert outputs.count() == 2
    normal, presenter = outputs.nth(0), outputs.nth(1)
    assert presenter.locator(".nbteach-present").count() >= 1
    assert normal.locator(".nbteach-present").count() == 0

    measured = {}
    for label, output in (("normal", normal), ("presenter", presenter)):
        output.scroll_into_view_if_needed()
        heading = output.locator(f"{HEADING} >> visible=true").first
        cell = output.locator(".nbteach-array td >> visible=true").first
        measured[label] = {"heading": heading.evaluate(MEASURE), "cell": cell.evaluate(MEASURE)}
        output.screenshot(path=screenshots / f"presenter-{theme}-{label}.png")

    for part in ("heading", "cell"):
        big, small = measured["presenter"][part], measured["normal"][part]
        assert big["height"] >= 1.4 * small["height"], (part, big, small)
        assert contrast(big["color"], big["background"]) >= 4.5, (part, big)
    want_light = "true" if theme == "light" else "false"
    assert measured["presenter"]["heading"]["themeLight"] == want_light

    stepper = StepperView(page, presenter)
    first = stepper.heading_text()
    assert first.startswith("Step 1 of 8 · ")
    stepper.play_button.click()
    stepper.expect_heading_index_above(1)
    page.screenshot(path=screenshots / f"presenter-{theme}-notebook.png")
    assert not page.outside_requests, page.outside_requests
