"""Helpers shared by the browser tests: processes, ports, Chromium, and a JupyterLab page.

Plain functions and small classes; the fixtures that use them live in ``conftest.py``.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The notebooks under test; another folder can be named to try these tests on other notebooks.
NOTEBOOKS = Path(os.environ.get("NBTEACH_BROWSER_NOTEBOOKS", ROOT / "notebooks")).resolve()

# Chromium with nothing running in the background and no name resolution outside the
# machine: a request to any other host fails at once instead of waiting on the network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-default-apps", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


# JupyterLab settings for the tests: no news, no update checks, no notification prompt;
# every notebook cell attached to the page (no windowing) so the DOM holds all outputs.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none", "autoStartDefaultKernel": True},
}


def lab_environment(base):
    """Environment for a Jupyter process whose config, data and runtime live under base."""
    env = dict(os.environ)
    for name, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                      ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                      ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
                      ("IPYTHONDIR", "ipython")]:
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(base / sub)
    for rel, value in LAB_SETTINGS.items():
        path = base / "lab-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env["NBTEACH_QUICK"] = "1"
    env.pop("JUPYTER_TOKEN", None)
    return env


# Server options that keep JupyterLab from reaching outside the machine.
OFFLINE_OPTIONS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]


def launch_chromium(playwright, executable):
    return playwright.chromium.launch(executable_path=executable, headless=True,
                                      args=CHROMIUM_ARGS)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process_group(process, grace=10.0):
    """Stop a process started with ``start_new_session=True`` and everything it started."""
    if process.poll() is not None and not _group_alive(process.pid):
        return
    for sig, wait in [(signal.SIGTERM, grace), (signal.SIGKILL, 5.0)]:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + wait
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not _group_alive(process.pid):
            break
    if process.poll() is None:
        process.wait(timeout=5)


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def http_status(url, timeout=5.0):
    """The HTTP status of a GET without following redirects (None if nothing answers)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def wait_for_http(url, process, timeout, log=None):
    """Wait until ``url`` answers 200; fail early, with the log, if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering "
                               f"{_redact(url)}:\n{_tail(log)}")
        if http_status(url, timeout=2.0) == 200:
            return
        time.sleep(0.25)
    raise RuntimeError(f"no answer from {_redact(url)} after {timeout:.0f} s:\n{_tail(log)}")


def _redact(url):
    return re.sub(r"token=[0-9a-f]+", "token=…", url)


def _tail(log, n=40):
    if log is None or not Path(log).exists():
        return "(no log)"
    return "\n".join(Path(log).read_text(errors="replace").splitlines()[-n:])


# ---------------------------------------------------------------------------------------
# JupyterLab, seen from the page
# ---------------------------------------------------------------------------------------

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# The run is over: the kernel is idle, no cell waits or runs, and either every code cell
# with source has its number or a cell failed (Run All stops there).
_RUN_FINISHED = """([notebook, minCells]) => {
    const panel = document.querySelector(notebook);
    if (!panel) return false;
    const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    if (indicator && indicator.getAttribute('data-status') !== 'idle') return false;
    const cells = [...panel.querySelectorAll('.jp-CodeCell')];
    if (cells.length < minCells) return false;
    const prompts = cells.map(cell => {
        const prompt = cell.querySelector('.jp-InputArea-prompt');
        return prompt ? prompt.textContent : '';
    });
    if (prompts.some(text => text.includes('*'))) return false;
    if (panel.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        && [...panel.querySelectorAll('.jp-OutputArea-output')].some(
               o => o.textContent.includes('Traceback'))) return true;
    return cells.every((cell, i) => {
        const source = cell.querySelector('.cm-content');
        const empty = !source || source.textContent.trim() === '';
        return empty || /\\[\\d+\\]/.test(prompts[i]);
    });
}"""


def open_notebook(page, server, name, timeout=120_000):
    """Open ``name`` (relative to the server's root) in a fresh workspace; wait for its kernel."""
    page.goto(server.notebook_url(name), wait_until="domcontentloaded", timeout=timeout)
    wait_for_kernel_idle(page, timeout)


# The notebook is loaded (no spinner), a kernel is attached and it is idle.
_KERNEL_IDLE = """(notebook) => {
    const panel = document.querySelector(notebook);
    if (!panel || panel.querySelector('.jp-Spinner') || !panel.querySelector('.jp-Cell')) return false;
    const name = panel.querySelector('.jp-KernelName');
    if (!name || name.textContent.trim() === '' || name.textContent.includes('No Kernel')) return false;
    const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
    if (!indicator || indicator.getAttribute('data-status') !== 'idle') return false;
    const status = document.querySelector('.jp-StatusBar-Widget, #jp-main-statusbar');
    return !status || !/Initializing|Connecting|Starting|Busy/i.test(status.textContent);
}"""


def wait_for_kernel_idle(page, timeout=120_000):
    page.wait_for_function(_KERNEL_IDLE, arg=NOTEBOOK, timeout=timeout, polling=250)


def run_all_cells(page, timeout=300_000):
    """Clear every output (so nothing left from an earlier run counts), then Run > Run All
    Cells from the menu bar, and wait until the run is over."""
    menu_command(page, "Edit", re.compile(r"^Clear Outputs of All Cells"))
    page.wait_for_function(
        """(notebook) => ![...document.querySelectorAll(notebook + ' .jp-InputArea-prompt')]
               .some(p => /\\d/.test(p.textContent))""", arg=NOTEBOOK, timeout=30_000)
    menu_command(page, "Run", re.compile(r"^Run All Cells"))
    code_cells = page.locator(f"{NOTEBOOK} .jp-CodeCell").count()
    page.wait_for_function(_RUN_FINISHED, arg=[NOTEBOOK, code_cells], timeout=timeout,
                           polling=250)


def menu_command(page, menu, item):
    """Click ``menu`` in JupyterLab's menu bar, then its entry ``item`` (text or regex)."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item).click()


def error_outputs(page):
    """Text of every output that shows a Python error (tracebacks, error outputs)."""
    texts = page.locator(
        f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_inner_texts()
    return [t for t in texts if "Traceback" in t or re.search(r"^\w*Error\b", t, re.M)]


def widget_problems(page):
    """Outputs where a widget did not render (an error, or still loading)."""
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea-output").all_inner_texts()
    return [t[:200] for t in outputs
            if "Error displaying widget" in t or "Loading widget..." in t]


def wait_for_widgets(page, timeout=60_000):
    """Wait until no widget output is still loading (widgets render asynchronously).

    A generous wait; when it runs out, ``widget_problems`` names what is still loading."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            """(notebook) => ![...document.querySelectorAll(notebook + ' .jp-OutputArea-output')]
                   .some(o => o.textContent.includes('Loading widget...'))""",
            arg=NOTEBOOK, timeout=timeout, polling=250)
    except PlaywrightTimeout:
        pass


# ---------------------------------------------------------------------------------------
# The BackpropStepper, seen from the page
# ---------------------------------------------------------------------------------------

HEADING = ".nbteach-step-heading"
HEADING_RE = re.compile(r"^Step (\d+) of (\d+) · (feedforward|BP[1-4]) · l = (\d+)$")


def book_order(num_layers):
    """The order the chapter runs backprop in, for a network of L = num_layers layers:
    feedforward l = 2..L, BP1 at L, BP2 for l = L-1 down to 2, then BP3 and BP4 for each
    l from L down to 2. Pairs (equation, l)."""
    L = num_layers
    order = [("feedforward", l) for l in range(2, L + 1)]
    order.append(("BP1", L))
    order += [("BP2", l) for l in range(L - 1, 1, -1)]
    for l in range(L, 1, -1):
        order += [("BP3", l), ("BP4", l)]
    return order


def headings_for(order):
    n = len(order)
    return [f"Step {i} of {n} · {eq} · l = {l}" for i, (eq, l) in enumerate(order, start=1)]


def parse_heading(text):
    """(i, n, equation, l) from ``Step i of n · EQUATION · l = LAYER``; ValueError otherwise."""
    match = HEADING_RE.match(text.strip())
    if not match:
        raise ValueError(f"expected a heading 'Step i of n · EQUATION · l = LAYER', got {text!r}")
    i, n, equation, layer = match.groups()
    return int(i), int(n), equation, int(layer)


class StepperView:
    """The controls of one BackpropStepper on the page (found from its first heading)."""

    def __init__(self, page, scope):
        self.page = page
        self.root = scope.locator(".jupyter-widgets.widget-vbox, .jupyter-widgets.widget-box",
                                  has=page.locator(HEADING)).filter(
            has=page.locator(".widget-slider")).last
        self.next_button = self.root.get_by_role("button", name=re.compile("next", re.I)).first
        self.previous_button = self.root.get_by_role(
            "button", name=re.compile("prev", re.I)).first
        self.slider_handle = self.root.locator(".widget-slider .noUi-handle").first
        self.play_button = self.root.locator(".widget-play button:has(.fa-play)").first
        self.stop_button = self.root.locator(
            ".widget-play button:has(.fa-stop), .widget-play button:has(.fa-pause)").first
        self.heading = self.root.locator(f"{HEADING} >> visible=true")

    def heading_text(self):
        self.heading.first.wait_for(state="visible")
        texts = [t.strip() for t in self.heading.all_inner_texts()]
        if len(texts) != 1:
            raise AssertionError(f"expected one visible step heading, found {texts}")
        return texts[0]

    def expect_heading(self, text, timeout=15_000):
        """Wait until the one visible heading reads ``text`` (buttons go through the kernel)."""
        from playwright.sync_api import expect

        expect(self.heading).to_have_text([text], timeout=timeout)

    def slide_from_start(self, expected, steps=2):
        """Move the slider with the keyboard: Home, then ArrowRight ``steps`` times, checking
        after each key that the visible heading is ``expected[k]`` (no kernel involved)."""
        self.slider_handle.focus()
        self.slider_handle.press("Home")
        self.expect_heading(expected[0])
        for k in range(1, steps + 1):
            self.slider_handle.press("ArrowRight")
            self.expect_heading(expected[k])

    def expect_heading_index_above(self, index, timeout=15_000):
        """Wait until the visible step number is greater than ``index`` (Play advances it)."""
        self.page.wait_for_function(
            """([root, heading, index]) => {
                const h = [...root.querySelectorAll(heading)].filter(e => e.offsetParent !== null);
                const m = h.length === 1 && /^Step (\\d+) of/.exec(h[0].textContent.trim());
                return m && Number(m[1]) > index;
            }""",
            arg=[self.root.element_handle(), HEADING, index], timeout=timeout)
