"""The static site of ``make site``, browsed from ``file://`` with nothing installed.

The site is built from the notebooks as ``make site`` builds it (into a temporary folder).
Its index opens; a click on the index's link to a notebook with a ``BackpropStepper``
leads to that notebook's page, where the slider (keys on its handle) and Play step the
pane with no kernel and MathJax typesets the page. Every page of the site then opens too
(until its scripts stop loading files; typesetting every page would take minutes). Any
request for a URL other than a local file is aborted and fails the test, and so does a
local file that is missing or a script error.
"""
import pytest
from browser_support import (
    HEADING,
    NOTEBOOKS,
    ROOT,
    StepperView,
    book_order,
    headings_for,
    parse_heading,
)
from static_support import Offline, pages_with_a_stepper, web_assets

from nbteach.tools import assets, publish, site

pytestmark = pytest.mark.browser

MATHJAX_DONE = """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue
    && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site") / "site"
    site.build_site(NOTEBOOKS, folder, readme=ROOT / "README.md",
                    assets_dir=web_assets(assets.PAGE_ASSETS), log=lambda _: None)
    return folder


def test_index_links_to_a_page_whose_stepper_steps(built_site, browser, screenshots):
    found = pages_with_a_stepper(built_site, "*.html", prefer="05_step_by_step.html")
    if not found:
        pytest.skip("no page holds the widget state of a BackpropStepper")
    target = found[0].relative_to(built_site).as_posix()
    offline = Offline(browser)
    page = offline.new_page()
    try:
        page.goto((built_site / "index.html").as_uri(), wait_until="load")
        table = page.locator("table").filter(has=page.locator(f"a[href='{target}']")).first
        table.wait_for()
        page.wait_for_function(MATHJAX_DONE, timeout=30_000)
        page.screenshot(path=screenshots / "site-index.png")

        with page.expect_navigation(wait_until="load"):
            table.locator(f"a[href='{target}']").first.click()
        assert page.url == (built_site / target).as_uri()
        page.locator(f"{HEADING} >> visible=true").first.wait_for(timeout=60_000)
        output = page.locator(".jp-OutputArea-output",
                              has=page.locator(f"{HEADING} >> visible=true")).first
        stepper = StepperView(page, output)
        first = stepper.heading_text()
        i, n, _, _ = parse_heading(first)
        expected = headings_for(book_order(n // 4 + 1))
        assert first == expected[i - 1]
        output.scroll_into_view_if_needed()
        page.screenshot(path=screenshots / "site-stepper.png")

        stepper.slide_from_start(expected)
        stepper.slider_handle.press("End")
        stepper.expect_heading(expected[-1])
        stepper.slider_handle.press("Home")
        stepper.expect_heading(expected[0])
        stepper.play_button.click()
        stepper.expect_heading_index_above(1)
        page.wait_for_function(MATHJAX_DONE, timeout=30_000)
        assert page.locator(".MathJax_CHTML").count() > 0, "MathJax typeset nothing"
        page.screenshot(path=screenshots / "site-stepper-play.png")
        assert not offline.problems(), offline.problems()
    finally:
        offline.close()


def test_every_page_opens_from_local_files_only(built_site, browser):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) == len(publish.find_notebooks(NOTEBOOKS)) + 1      # and the index
    offline = Offline(browser)
    try:
        for path in pages:
            page = offline.new_page()
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            page.close()
        assert not offline.problems(), offline.problems()
    finally:
        offline.close()


def test_links_that_lead_nowhere_are_links_to_notebooks_not_written_yet(built_site):
    for page, url in publish.dangling_links(built_site):
        notebook = (NOTEBOOKS / page).parent / url.split("#")[0].replace(".html", ".ipynb")
        assert url.split("#")[0].endswith(".html") and not notebook.exists(), (page, url)
