"""The slides of ``make slides``, opened from ``file://`` with no kernel and no network.

The decks are built from the notebooks as ``make slides`` builds them (into a temporary
folder). Every deck opens with reveal.js from the copied assets and nothing else: any
request for another URL is aborted and fails the test. In the deck of a notebook with a
``BackpropStepper``: → and ← move between slides, Space walks slides and fragments up to
the stepper's slide; there the stepper's slider (keys on its handle, which move the
stepper and not the deck) and its Play button step the pane in the page. The pane reads
at least at presenter size on a 1920 × 1080 screen, and a slide taller than the screen
scrolls.
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

from nbteach.tools import assets, publish, slides

pytestmark = pytest.mark.browser

PROJECTOR = (1920, 1080)
# Presenter size in JupyterLab: a step heading's 1.25 em of JupyterLab's 13 px type,
# zoomed 1.5 times (nbteach.display's stylesheet).
PRESENTER_HEADING_PX = 1.5 * 1.25 * 13

READY = "() => window.Reveal && Reveal.isReady && Reveal.isReady()"
# A stepper's heading on the slide shown (reveal.js lays the next slides out beside it,
# and a fragment not yet shown is hidden).
PRESENT = ".reveal .slides section.present:not(.stack)"
VISIBLE_STEPPER = f"{PRESENT} {HEADING} >> visible=true"


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slides") / "slides"
    slides.build_slides(NOTEBOOKS, folder, readme=ROOT / "README.md",
                        assets_dir=web_assets(assets.SLIDE_ASSETS), log=lambda _: None)
    return folder


def _open(offline, deck):
    page = offline.new_page()
    page.goto(deck.as_uri(), wait_until="load")
    page.wait_for_function(READY, timeout=60_000)
    return page


def _indices(page):
    return page.evaluate("() => Reveal.getIndices()")


def test_every_deck_opens_from_local_files_only(decks, browser):
    offline = Offline(browser)
    try:
        names = sorted(decks.rglob("*.slides.html"))
        assert len(names) == len(publish.find_notebooks(NOTEBOOKS))
        for deck in names:
            page = _open(offline, deck)
            assert page.evaluate("() => Reveal.getTotalSlides()") >= 1, deck.name
            page.wait_for_load_state("networkidle")
            page.close()
        assert not offline.problems(), offline.problems()
    finally:
        offline.close()


def test_deck_advances_with_the_keyboard_and_its_stepper_steps(decks, browser, screenshots):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    found = pages_with_a_stepper(decks, "*.slides.html", prefer="05_step_by_step.slides.html")
    if not found:
        pytest.skip("no deck holds the widget state of a BackpropStepper")
    offline = Offline(browser, viewport=PROJECTOR)
    page = _open(offline, found[0])
    try:
        page.screenshot(path=screenshots / "slides-title.png")
        assert _indices(page)["h"] == 0
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => Reveal.getIndices().h === 1")
        page.keyboard.press("ArrowLeft")
        page.wait_for_function("() => Reveal.getIndices().h === 0")

        # Space goes through every slide and fragment; stop on the stepper's slide.
        total = page.evaluate("() => Reveal.getTotalSlides()")
        for _ in range(20 * total):
            if page.locator(VISIBLE_STEPPER).count():
                break
            before = page.evaluate("() => JSON.stringify(Reveal.getIndices())")
            page.keyboard.press("Space")
            try:
                page.wait_for_function("(b) => JSON.stringify(Reveal.getIndices()) !== b",
                                       arg=before, timeout=5_000)
            except PlaywrightTimeout:
                break                                  # the end of the deck
        assert page.locator(VISIBLE_STEPPER).count(), "Space never reached the stepper"
        where = _indices(page)
        assert where["h"] > 0

        output = page.locator(f"{PRESENT} .jp-OutputArea-output",
                              has=page.locator(f"{HEADING} >> visible=true")).first
        stepper = StepperView(page, output)
        first = stepper.heading_text()
        i, n, _, _ = parse_heading(first)
        expected = headings_for(book_order(n // 4 + 1))
        assert first == expected[i - 1]
        page.wait_for_timeout(1000)     # the slide transition
        page.screenshot(path=screenshots / "slides-stepper.png")

        stepper.slide_from_start(expected)           # Home, →, → on the slider's handle
        stepper.slider_handle.press("End")
        stepper.expect_heading(expected[-1])
        assert _indices(page) == where, "keys on the slider moved the deck"
        page.screenshot(path=screenshots / "slides-stepper-last.png")
        stepper.slider_handle.press("Home")
        stepper.expect_heading(expected[0])
        stepper.play_button.click()
        stepper.expect_heading_index_above(1)
        page.screenshot(path=screenshots / "slides-stepper-play.png")

        rendered = stepper.heading.first.evaluate("""(h) => {
            let size = parseFloat(getComputedStyle(h).fontSize);
            for (let e = h; e; e = e.parentElement) size *= parseFloat(getComputedStyle(e).zoom) || 1;
            const t = getComputedStyle(document.querySelector('.reveal .slides')).transform;
            const m = /^matrix\\(([^,]+)/.exec(t);
            return size * (m ? parseFloat(m[1]) : 1);
        }""")
        assert rendered >= PRESENTER_HEADING_PX, (rendered, PRESENTER_HEADING_PX)

        section = page.locator(PRESENT).first
        tall = section.evaluate("(s) => s.scrollHeight > s.clientHeight + 1")
        if tall:
            section.hover()
            page.mouse.wheel(0, 400)
            page.wait_for_function("(s) => s.scrollTop > 0", arg=section.element_handle())
        assert not offline.problems(), offline.problems()
    finally:
        page.screenshot(path=screenshots / "slides-last.png")
        offline.close()
