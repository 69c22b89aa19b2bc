"""A notebook exported to HTML with its widget state still steps through backprop: no kernel.

The export loads require.js, MathJax and the ipywidgets HTML manager from local files
(``nbteach.tools.export_html``); the page is opened as a ``file://`` URL with every other
request aborted, so it passes only if nothing is fetched from the network. Moving the
slider (keyboard on its handle) and pressing Play must change the visible pane: the links
between slider, Play and the panes live in the page, not in a kernel.
"""
import re
import shutil

import nbformat
import pytest
from browser_support import (
    HEADING,
    NOTEBOOKS,
    StepperView,
    book_order,
    headings_for,
    parse_heading,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from static_support import web_assets

from nbteach.tools import export_html as export

pytestmark = pytest.mark.browser

REAL = "05_step_by_step.ipynb"

STEPPER_CELL = """\
import numpy as np
from nbteach import Network
from nbteach.widgets import BackpropStepper

net = Network([2, 3, 2], seed=0)
x, y = np.array([[0.5], [-1.0]]), np.array([[1.0], [0.0]])
BackpropStepper(net.trace(x, y))"""


@pytest.fixture(scope="module")
def assets():
    """The local web assets; fetched once with npm when missing (or the test is skipped)."""
    return web_assets(export.PAGE_ASSETS)


def _stepper_notebook(folder):
    try:
        from nbteach.widgets import BackpropStepper  # noqa: F401
    except ImportError as error:
        pytest.skip(f"nbteach.widgets.BackpropStepper is not available yet: {error}")
    nb = new_notebook(cells=[
        new_markdown_cell(r"A stepper for a 2-3-2 network; the cost is $C = \frac{1}{2}\|y - a^L\|^2$."),
        new_code_cell(STEPPER_CELL),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})
    path = folder / "stepper.ipynb"
    nbformat.write(nb, path)
    return path


def _real_notebook(folder):
    if not (NOTEBOOKS / REAL).exists():
        pytest.skip(f"notebooks/{REAL} not written yet")
    # Run a copy next to the others, so relative paths in the notebook still resolve.
    shutil.copytree(NOTEBOOKS, folder / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.html"))
    return folder / "notebooks" / REAL


def _wait_for_typeset_maths(stepper):
    """The visible pane's HTMLMath (if any) gets typeset by the local MathJax."""
    stepper.page.wait_for_function(
        """(root) => [...root.querySelectorAll('.widget-htmlmath-content')]
               .filter(e => e.offsetParent !== null)
               .every(e => !e.textContent.includes('$$') && e.querySelector('.MathJax_CHTML'))""",
        arg=stepper.root.element_handle(), timeout=30_000)


@pytest.mark.parametrize("source", ["stepper", "05_step_by_step"])
def test_exported_stepper_moves_without_kernel(source, assets, browser, tmp_path, screenshots,
                                               monkeypatch):
    monkeypatch.setenv("NBTEACH_QUICK", "1")
    notebook = _stepper_notebook(tmp_path) if source == "stepper" else _real_notebook(tmp_path)
    html = export.export_html(notebook, tmp_path / "export" / f"{source}.html",
                              assets_dir=assets, execute=True)
    text = html.read_text()
    assert "application/vnd.jupyter.widget-state+json" in text, "no widget state was stored"
    scripts = (re.findall(r'<script[^>]*\ssrc="([^"]+)"', text)
               + re.findall(r"widgetRendererSrc = '([^']+)'", text))
    assert len(scripts) >= 3 and all(s.startswith("file:") for s in scripts), scripts

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked = []

    def only_files(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    errors, failed = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    try:
        page.goto(html.as_uri(), wait_until="load")
        page.locator(f"{HEADING} >> visible=true").first.wait_for(timeout=60_000)
        output = page.locator(".jp-OutputArea-output", has=page.locator(HEADING)).first
        stepper = StepperView(page, output)
        first = stepper.heading_text()
        i, n, _, _ = parse_heading(first)
        expected = headings_for(book_order(n // 4 + 1))
        assert first == expected[i - 1]
        page.screenshot(path=screenshots / f"export-{source}-first.png")

        stepper.slide_from_start(expected)
        stepper.slider_handle.press("End")
        stepper.expect_heading(expected[-1])
        _wait_for_typeset_maths(stepper)
        page.screenshot(path=screenshots / f"export-{source}-slider.png")

        stepper.slider_handle.press("Home")
        stepper.expect_heading(expected[0])
        stepper.play_button.click()
        stepper.expect_heading_index_above(1)
        page.screenshot(path=screenshots / f"export-{source}-play.png")

        assert page.evaluate("() => Boolean(window.MathJax && window.MathJax.Hub)"), \
            "MathJax did not load from the local files"
        assert not blocked, f"the page tried to reach the network: {blocked}"
        assert not failed, f"files the page could not load: {failed}"
        assert not errors, f"errors in the page: {errors}"
    finally:
        page.screenshot(path=screenshots / f"export-{source}-last.png")
        context.close()
