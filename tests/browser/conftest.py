"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and JupyterLab.

The browser is found from ``NBTEACH_CHROMIUM``, then ``/usr/bin/chromium``, then
``chromium`` on PATH; Playwright never downloads one. Without a browser every test here is
skipped, unless ``NBTEACH_REQUIRE_BROWSER=1`` makes that a failure (CI sets it).

The JupyterLab server runs on a free 127.0.0.1 port with a random token, over a temporary
copy of ``notebooks/`` (running cells never touches the repository's notebooks), with its
settings, workspaces and runtime files in that temporary directory and every outside
request (news, update checks) switched off. It is stopped at the end whatever happens.
Screenshots go to ``screenshots/`` at the top of the repository (ignored by git), or to
``NBTEACH_SCREENSHOTS``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from browser_support import (
    NOTEBOOKS,
    OFFLINE_OPTIONS,
    ROOT,
    free_port,
    lab_environment,
    launch_chromium,
    stop_process_group,
    wait_for_http,
)


def find_chromium():
    """The Chromium executable to drive, or None."""
    env = os.environ.get("NBTEACH_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _browser_required():
    return os.environ.get("NBTEACH_REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    problem = None
    if path is None:
        problem = ("no Chromium found (looked at NBTEACH_CHROMIUM, /usr/bin/chromium and "
                   "`chromium` on PATH); install it with `apt-get install chromium`")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright for Python is not installed (pip install -e '.[test]')"
    if problem:
        if _browser_required():
            pytest.fail(f"NBTEACH_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    return path


@pytest.fixture(autouse=True)
def _needs_browser(chromium_path):
    """Every test in this folder skips (or fails, when required) without a browser."""


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, chromium_path)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def screenshots():
    """The folder for screenshots; printed once so a person can find them."""
    folder = Path(os.environ.get("NBTEACH_SCREENSHOTS", ROOT / "screenshots")).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {folder}", file=sys.stderr)
    return folder


class LabServer:
    """A running JupyterLab: its URL, token and the folder it serves."""

    def __init__(self, base_url, token, root_dir, process, log):
        self.base_url = base_url
        self.token = token
        self.root_dir = root_dir
        self.process = process
        self.log = log
        self._workspaces = 0

    def url(self, path, **query):
        query = {**query, "token": self.token}
        q = "&".join(f"{k}={v}" if v is not None else k for k, v in query.items())
        return f"{self.base_url}{path}?{q}"

    def notebook_url(self, name):
        """A fresh workspace per call, so no earlier notebook is reopened with it."""
        self._workspaces += 1
        return self.url(f"/lab/workspaces/t{self._workspaces}/tree/{name}")

    def api(self, path, method="GET"):
        request = urllib.request.Request(self.url(f"/api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium_path):
    base = tmp_path_factory.mktemp("lab")
    root_dir = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = lab_environment(base)
    port, token = free_port(), secrets.token_hex(24)
    log = base / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}", "--allow-root", *OFFLINE_OPTIONS,
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=root_dir, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}", token, root_dir, process, log)
    # A SIGTERM to pytest (a CI timeout) must still reach the teardown below.
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        wait_for_http(server.url("/api/status"), process, timeout=90, log=log)
        yield server
    finally:
        try:
            if process.poll() is None:
                server.shutdown_kernels()
        except Exception:  # the server may already be gone; the group kill below stops it
            pass
        stop_process_group(process)
        if previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def lab_context(browser):
    """One browser context for every JupyterLab page, so its scripts load from the cache."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(lab_context):
    """A fresh page; requests that would leave the machine are listed on it."""
    page = lab_context.new_page()
    page.outside_requests = []
    page.on("request", lambda r: _outside(r.url) and page.outside_requests.append(r.url))
    try:
        yield page
    finally:
        page.close()


def _outside(url):
    return not re.match(r"^(https?://(127\.0\.0\.1|localhost)[:/]|file:|data:|blob:|about:)", url)
