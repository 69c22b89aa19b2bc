"""Helpers for the browser tests of pages opened from ``file://``: the site and the slides.

``web_assets()`` makes sure the pinned web assets are there (fetched once with npm, or the
test is skipped; a failure when ``NBTEACH_REQUIRE_BROWSER=1``). ``Offline`` is a browser
context that lets ``file:``, ``data:`` and ``blob:`` URLs through and aborts and records
every other request, and records the requests that failed and the errors of its pages.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_support import ROOT

from nbteach.tools import assets

ASSETS = ROOT / assets.DEFAULT_ASSETS_DIR

# The first heading of a BackpropStepper, as it sits in a page's widget state (JSON may
# write the middle dot as \u00b7).
STEPPER_STATE = re.compile(r"Step 1 of \d+ (?:·|\\u00b7) feedforward (?:·|\\u00b7) l = 2")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def web_assets(names):
    """The assets folder with ``names`` ready, fetching them when missing."""
    problem = None
    if assets.missing_assets(ASSETS, names):
        try:
            assets.fetch_assets(ASSETS)
        except RuntimeError as error:
            problem = f"web assets are missing and could not be fetched: {error}"
    if problem:
        if os.environ.get("NBTEACH_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    return ASSETS


def pages_with_a_stepper(folder, pattern, prefer):
    """The pages under ``folder`` matching ``pattern`` whose stored widget state holds a
    BackpropStepper; ``prefer`` (a file name) first when it is one of them."""
    found = [p for p in sorted(Path(folder).rglob(pattern))
             if WIDGET_STATE in (text := p.read_text(encoding="utf-8"))
             and STEPPER_STATE.search(text)]
    return sorted(found, key=lambda p: p.name != prefer)


class Offline:
    """A browser context for ``file://`` pages in which no request leaves the machine."""

    def __init__(self, browser, viewport=(1400, 1000)):
        width, height = viewport
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.blocked, self.failed, self.errors = [], [], []
        self.context.route("**/*", self._route)

    def _route(self, route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.on("requestfailed", lambda r: self.failed.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        return page

    def problems(self):
        """What went wrong so far: requests that tried to leave, files that failed, errors."""
        return {k: v for k, v in [("left the machine", self.blocked),
                                  ("failed", self.failed), ("page errors", self.errors)] if v}

    def close(self):
        self.context.close()
