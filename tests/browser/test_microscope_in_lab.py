"""``14_training_microscope.ipynb`` run in JupyterLab: each live microscope plot is one image
that is replaced in place as the readings come in, never a growing stack of pictures.

nbval cannot see this: it ignores the ``update_display_data`` messages that replace the
picture. Here a MutationObserver records every picture the live cells show while Run All
runs; afterwards each live cell must hold exactly one loaded image, and must have shown more
than one drawing in that one place.
"""
import pytest
from browser_support import NOTEBOOK, NOTEBOOKS, error_outputs, open_notebook, run_all_cells

pytestmark = pytest.mark.browser

NAME = "14_training_microscope.ipynb"
LIVE_MARK = "on_checkpoint=live"           # the source of each cell with a live plot

# Record, for each cell whose source contains the mark, the PNG of every image it shows.
_WATCH = """([notebook, mark]) => {
    const panel = document.querySelector(notebook);
    window.__liveDrawings = {};
    const record = (img) => {
        const cell = img.closest('.jp-CodeCell');
        if (!cell) return;
        const source = cell.querySelector('.cm-content');
        if (!source || !source.textContent.includes(mark)) return;
        const cells = [...panel.querySelectorAll('.jp-CodeCell')];
        const key = String(cells.indexOf(cell));
        (window.__liveDrawings[key] = window.__liveDrawings[key] || []).push(img.src);
    };
    new MutationObserver((mutations) => {
        for (const m of mutations) {
            if (m.type === 'attributes' && m.target.tagName === 'IMG') record(m.target);
            for (const node of m.addedNodes) {
                if (node.nodeType !== 1) continue;
                if (node.tagName === 'IMG') record(node);
                node.querySelectorAll('img').forEach(record);
            }
        }
    }).observe(panel, {subtree: true, childList: true, attributes: true,
                       attributeFilter: ['src']});
}"""

# Per live cell: how many images its output area holds now, and their decoded sizes.
_LIVE_IMAGES = """([notebook, mark]) => {
    const panel = document.querySelector(notebook);
    return [...panel.querySelectorAll('.jp-CodeCell')]
        .filter(cell => (cell.querySelector('.cm-content') || {textContent: ''})
                            .textContent.includes(mark))
        .map(cell => [...cell.querySelectorAll('.jp-OutputArea-output img')]
                        .map(img => [img.complete, img.naturalWidth, img.naturalHeight]));
}"""


@pytest.mark.skipif(not (NOTEBOOKS / NAME).exists(), reason=f"notebooks/{NAME} not written yet")
def test_live_microscope_plots_replace_one_image_in_place(lab_server, page, screenshots):
    try:
        open_notebook(page, lab_server, NAME)
        page.evaluate(_WATCH, [NOTEBOOK, LIVE_MARK])
        run_all_cells(page)
        assert not error_outputs(page)
        page.wait_for_function(
            """([notebook, mark]) => [...document.querySelectorAll(notebook + ' .jp-CodeCell')]
                   .filter(c => (c.querySelector('.cm-content') || {textContent: ''})
                                    .textContent.includes(mark))
                   .every(c => [...c.querySelectorAll('.jp-OutputArea-output img')]
                                   .every(img => img.complete && img.naturalWidth > 0))""",
            arg=[NOTEBOOK, LIVE_MARK], timeout=30_000)
        live_cells = page.evaluate(_LIVE_IMAGES, [NOTEBOOK, LIVE_MARK])
        assert len(live_cells) == 2, f"expected the two live plots of {NAME}; found {live_cells}"
        for images in live_cells:
            assert len(images) == 1, f"a live plot must stay one image; found {images}"
            (complete, width, height), = images
            assert complete and (width, height) == (960, 264)   # 12 × 3.3 inches at 80 dpi
        drawings = page.evaluate("() => window.__liveDrawings")
        assert len(drawings) == 2
        for cell, sources in drawings.items():
            assert len(set(sources)) >= 2, f"cell {cell} showed only one drawing: never replaced"
    finally:
        page.screenshot(path=screenshots / "microscope-live.png", full_page=True)
        lab_server.shutdown_kernels()
