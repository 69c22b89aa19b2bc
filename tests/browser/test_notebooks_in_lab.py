"""Every notebook, opened in JupyterLab and run there: no cell shows an error, every widget renders.

nbval runs the cells without a front end, so it cannot see a widget that fails to display;
this test runs them the way a learner does. The notebooks are found when the tests are
collected, so a new notebook is tested without editing this file.
"""
import pytest
from browser_support import (
    NOTEBOOKS,
    error_outputs,
    open_notebook,
    run_all_cells,
    wait_for_widgets,
    widget_problems,
)

pytestmark = pytest.mark.browser

NOTEBOOK_NAMES = sorted(p.relative_to(NOTEBOOKS).as_posix() for p in NOTEBOOKS.rglob("*.ipynb")
                        if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_runs_in_jupyterlab(name, lab_server, page, screenshots):
    try:
        open_notebook(page, lab_server, name)
        run_all_cells(page)
        wait_for_widgets(page, timeout=60_000)
        errors = error_outputs(page)
        assert not errors, f"{name}: cells show errors:\n" + "\n---\n".join(errors)
        problems = widget_problems(page)
        assert not problems, f"{name}: widgets did not render: {problems}"
        assert not page.outside_requests, f"{name}: requests left the machine: {page.outside_requests}"
    finally:
        page.screenshot(path=screenshots / f"lab-{name.removesuffix('.ipynb').replace('/', '--')}.png", full_page=True)
        lab_server.shutdown_kernels()
