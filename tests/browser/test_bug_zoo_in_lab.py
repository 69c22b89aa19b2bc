"""The bug zoo in JupyterLab, as a learner uses it: run the notebook, then write a diagnosis
into a stored "not attempted" cell, run it, read the verdict; wrong first, then right.

nbval checks the stored verdicts; this checks that the learner's edit-and-run loop shows a
rendered verdict box with a hint, and that the box changes to "passed" on the right answer;
and that a report's checkers' hint stays folded until the learner opens it.
"""
import pytest
from browser_support import NOTEBOOK, NOTEBOOKS, error_outputs, open_notebook, run_all_cells

pytestmark = pytest.mark.browser

NAME = "12_bug_zoo.ipynb"
STORED = "diagnose_specimen(2, equation=None, layer=None)"


def _diagnose(page, cell, source):
    """Replace the cell's code with ``source``, run it where it is, return its verdict box."""
    from playwright.sync_api import expect

    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)          # no auto-closed brackets or quotes
    expect(editor).to_have_text(source)
    page.keyboard.press("Control+Enter")       # run the cell and stay on it
    return cell.locator(".jp-OutputArea-output .nbteach-check")


@pytest.mark.skipif(not (NOTEBOOKS / NAME).exists(), reason=f"notebooks/{NAME} not written yet")
def test_a_learner_diagnoses_specimen_2(lab_server, page, screenshots):
    from playwright.sync_api import expect

    open_notebook(page, lab_server, NAME)
    try:
        run_all_cells(page)
        assert not error_outputs(page)
        checks = page.locator(f"{NOTEBOOK} .nbteach-check")
        expect(checks.first).to_contain_text("Specimen 1: passed")          # the worked example
        expect(page.locator(f"{NOTEBOOK} .nbteach-check-not-attempted")).to_have_count(9)

        # the checkers' hint of specimen 2 names its bug: folded until the learner opens it
        hint = page.locator(f"{NOTEBOOK} .jp-OutputArea-output details",
                            has_text="every sign is flipped")
        expect(hint).to_have_count(1)
        expect(hint.get_by_text("every sign is flipped")).to_be_hidden()
        hint.locator("summary").click()
        expect(hint.get_by_text("every sign is flipped")).to_be_visible()

        code_cells = page.locator(f"{NOTEBOOK} .jp-CodeCell")
        sources = [t.strip() for t in code_cells.locator(".cm-content").all_inner_texts()]
        assert sources.count(STORED) == 1
        cell = code_cells.nth(sources.index(STORED))      # stays this cell after the edit
        cell.scroll_into_view_if_needed()

        verdict = _diagnose(page, cell, 'diagnose_specimen(2, equation="BP1", layer=4)')
        expect(verdict).to_have_class("nbteach-check nbteach-check-failed", timeout=30_000)
        expect(verdict).to_contain_text("Specimen 2: not yet right")
        expect(verdict.locator("i")).to_contain_text("Hint:")
        expect(verdict.locator("i")).to_contain_text("trace.hadamards[-1]")
        page.screenshot(path=screenshots / "bug-zoo-wrong.png")

        verdict = _diagnose(page, cell, 'diagnose_specimen(2, equation="cost derivative", layer=4)')
        expect(verdict).to_have_class("nbteach-check nbteach-check-passed", timeout=30_000)
        expect(verdict).to_contain_text("Right: cost derivative at layer l = 4.")
        page.screenshot(path=screenshots / "bug-zoo-right.png")
        assert not error_outputs(page)
    finally:
        page.screenshot(path=screenshots / "bug-zoo-lab.png", full_page=True)
        lab_server.shutdown_kernels()
