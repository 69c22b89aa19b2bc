"""Live slides in JupyterLab with RISE (``jupyterlab-rise``), started as the README says.

``jupyter labextension list`` names the extension, enabled and compatible, and JupyterLab's
page loads it and still typesets the notebook's maths. In a notebook in command mode, Alt+R opens the slides beside the notebook
(RISE's "Render as Reveal Slideshow"), starting at the selected cell; → in the slides goes
to the next slide. RISE's theme is set to ``white`` through the server's settings API, as
the README tells presenters to do: its default theme (``simple``) loads web fonts from the
internet, and with ``white`` no request leaves the machine.
"""
import json
import re
import subprocess
import sys
import urllib.request

import pytest
from browser_support import NOTEBOOK, NOTEBOOKS, open_notebook

pytestmark = pytest.mark.browser

RISE_SETTINGS = "jupyterlab-rise:plugin"
SLIDES = "iframe[src*='/rise/']"


def _first_notebook_with_slides():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        if any(c["metadata"].get("slideshow", {}).get("slide_type") == "slide" for c in cells):
            return path.name
    pytest.skip("no notebook with slide metadata")


def _put_setting(server, plugin, values):
    body = json.dumps({"raw": json.dumps(values)}).encode()
    request = urllib.request.Request(server.url(f"/lab/api/settings/{plugin}"), data=body,
                                     method="PUT", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 204)


def test_rise_extension_is_installed_and_enabled():
    listed = subprocess.run([sys.executable, "-m", "jupyterlab.labextensions", "list"],
                            capture_output=True, text=True, timeout=120)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)
    assert listed.returncode == 0, text
    assert re.search(r"^\s*jupyterlab-rise v0\.4\d\.\d+\s+enabled\s+OK\b", text, flags=re.M), text


@pytest.fixture
def rise_theme_white(lab_server):
    _put_setting(lab_server, RISE_SETTINGS, {"theme": "white"})
    try:
        yield
    finally:
        _put_setting(lab_server, RISE_SETTINGS, {})


def test_alt_r_opens_live_slides_that_advance_with_the_keyboard(lab_server, page, screenshots,
                                                               rise_theme_white):
    name = _first_notebook_with_slides()
    open_notebook(page, lab_server, name)
    config = json.loads(page.locator("#jupyter-config-data").text_content())
    assert "jupyterlab-rise" in [e["name"] for e in config["federated_extensions"]]
    assert "jupyterlab-rise" not in str(config.get("disabledExtensions", ""))
    # RISE brings jupyterlab-mathjax3, an extension built for JupyterLab 3 that this
    # JupyterLab lists as incompatible: the notebook's maths is still typeset.
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0",
                           timeout=30_000)

    # Command mode on the first cell, then the shortcut the README gives.
    page.locator(f"{NOTEBOOK} .jp-Cell").first.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+r")
    page.locator(SLIDES).wait_for(timeout=60_000)
    slides = page.frame_locator(SLIDES)
    present = slides.locator(".reveal .slides section.present:not(.stack)").first
    present.wait_for(timeout=60_000)
    frame = next(f for f in page.frames if "/rise/" in f.url)
    frame.wait_for_function("() => location.hash.startsWith('#/slide-0')", timeout=30_000)
    first = present.inner_text()
    page.wait_for_timeout(1000)     # the slide transition
    page.screenshot(path=screenshots / "rise-live-first.png")

    slides.locator("body").press("ArrowRight")
    frame.wait_for_function("() => /^#\\/slide-1/.test(location.hash)", timeout=30_000)
    second = slides.locator(".reveal .slides section.present:not(.stack)").first.inner_text()
    assert second != first
    page.wait_for_timeout(1000)
    page.screenshot(path=screenshots / "rise-live-next.png")
    assert not page.outside_requests, page.outside_requests
