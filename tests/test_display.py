"""display.py, panes.py and diagram.py: HTML blocks, what each viewer shows, the SVG diagram."""
import base64
import re
import struct

import numpy as np
import pytest

from nbteach import Network, display, panes, style
from nbteach.checks import parse_vector
from nbteach.diagram import network_svg, step_svg
from nbteach.products import products


@pytest.fixture(scope="module")
def trace():
    rng = np.random.default_rng(0)
    return Network([2, 3, 2], seed=1).trace(rng.random((2, 1)), rng.random((2, 1)))


@pytest.fixture(scope="module")
def mnist_trace():
    rng = np.random.default_rng(0)
    return Network([784, 30, 10], seed=1).trace(rng.random((784, 2)), rng.random((10, 2)))


def test_numbers_have_a_fixed_precision():
    assert display.fmt(0.5) == "0.5000"
    assert display.fmt(-1.23456) == "-1.2346"
    assert display.fmt(3) == "3.0000"
    assert [display.fmt(v) for v in (np.nan, np.inf, -np.inf)] == ["nan", "inf", "-inf"]
    assert display.fmt(0.0) == "0.0000" and display.fmt(-1e-9 * 0) == "0.0000"


def test_a_number_just_short_of_one_is_not_shown_as_one():
    # A saturated output σ(z) = 1 − 7.5e-07 would read as a perfect 1.0000.
    assert display.fmt(1 - 7.5e-7) == "1 − 7.50e-07"
    assert display.fmt(-(1 - 2e-5)) == "-1 + 2.00e-05" and display.fmt(1 + 3e-6) == "1 + 3.00e-06"
    assert display.fmt(-1 - 4e-6) == "-1 − 4.00e-06"
    assert display.fmt(1.0) == "1.0000" and display.fmt(0.99994) == "0.9999"


def test_the_output_layer_of_a_digit_network_is_shown_whole():
    out = display.array_html(np.arange(10.0).reshape(10, 1), "a^3")
    assert "9.0000" in out and "showing" not in out


def test_magnitudes_the_fixed_form_would_hide_are_shown_in_scientific_notation():
    # A saturated neuron's σ'(z) is tiny but not zero: 0.0000 would be a wrong number.
    assert display.fmt(3.2e-5) == "3.20e-05" and display.fmt(-4e-7) == "-4.00e-07"
    assert display.fmt(4.9e-5) == "4.90e-05" and display.fmt(5e-4) == "5.00e-04"
    assert display.fmt(1e-3) == "0.0010" and display.fmt(-0.0123) == "-0.0123"
    assert display.fmt(2.5e6) == "2.50e+06"
    for v in (1e-5, 3.3e-12, -7.7e-300, 123456789.0):
        assert float(display.fmt(v)) == pytest.approx(v, rel=0.01)


def test_array_html_labels_name_shape_and_colours_around_zero():
    out = display.array_html(np.array([[1.0], [-2.0], [0.0]]), "δ^3")
    assert "δ<sup>3</sup>" in out and "(3, 1)" in out                  # typeset as the book
    assert "1.0000" in out and "-2.0000" in out
    assert "<td class=nbteach-p4>1.0000" in out                        # 1 on a scale of 2
    assert "<td class=nbteach-n8>-2.0000" in out                       # -2: full strength
    assert "<td>0.0000" in out                                         # 0: no colour
    blue, red = display.POSITIVE, display.NEGATIVE
    assert f".nbteach-p4{{background:rgba({blue[0]},{blue[1]},{blue[2]},0.275)}}" in display.STYLE
    assert f".nbteach-n8{{background:rgba({red[0]},{red[1]},{red[2]},0.55)}}" in display.STYLE


def test_names_are_typeset_as_the_equations_write_them():
    label = display.math_label
    assert label("w^2") == "<span class='nbteach-math'>w<sup>2</sup></span>"
    assert "(a<sup>1</sup>)ᵀ" in label("(a^1)ᵀ")
    assert "∇<sub>a</sub> C" in label("∇_a C")
    assert "σ′(z<sup>3</sup>)" in label("σ'(z^3)")
    assert "w<sup>3</sup><sub>13</sub>" in label("w^3_13")
    assert "&lt;" in label("<script>")                                 # still escaped


def test_big_arrays_are_summarised_not_printed_in_full():
    w = np.arange(30 * 784, dtype=float).reshape(30, 784)
    out = display.array_html(w, "w^2")
    assert out.count("<td") - out.count("nbteach-more") == 10 * 8
    assert "showing 10 of 30 rows, 8 of 784 columns" in out
    assert "(30, 784)" in out
    assert "data:image/png;base64," in out                              # heatmap of it all
    assert len(out) < 20_000


def test_the_784_pixel_input_is_also_drawn_as_28_by_28_images():
    out = display.array_html(np.random.default_rng(0).random((784, 3)), "a^1")
    assert out.count("<img") == 3 and "28×28" in out and "<table" not in out
    assert "784 of 784 pixels of the first are not 0" in out
    uri = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", out).group(1)
    png = base64.b64decode(uri)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (28, 28)


def test_wide_batches_show_at_most_eight_columns_and_say_so():
    out = display.array_html(np.ones((3, 20)), "a^2")
    assert out.count("<td") - out.count("nbteach-more") == 3 * 8
    assert "showing 8 of 20 columns" in out and "rows" not in out


def test_code_listing_highlights_exactly_the_steps_lines(trace):
    step = trace.steps[0]
    out = display.code_html(highlight=step.code_lines)
    assert out.count("class='nbteach-hl'") == len(step.code_lines)
    assert "np.dot(w, activation)+b" in out


def test_step_html_shows_heading_equation_and_every_array(trace):
    n = len(trace.steps)
    for step in trace.steps:
        out = step.__class__._repr_html_(step)
        assert step.latex in out
        assert f"Step {step.index + 1}" in out and step.equation in out
        full = panes.step_html(step, n)
        assert step.heading(n) in full
        assert step.latex_components in full and step.latex_components in out
        for name in step.operands:
            shown = display.math_label(name), display.math_label(f"({name})ᵀ")
            assert any(label in full for label in shown), name
        assert display.math_label(step.result_name) in full


def test_hadamard_steps_show_both_factors_and_product_side_by_side(trace):
    for h in trace.hadamards:
        out = h._repr_html_()
        assert "⊙" in out and "=" in out
        for name in (h.left_name, h.right_name, h.result_name):
            assert display.math_label(name) in out
        assert display.fmt(h.result[0, 0]) in out


def test_trace_html_is_a_table_of_all_steps_with_equations_and_shapes(trace):
    out = trace._repr_html_()
    for step in trace.steps:
        assert step.latex in out
        assert step.heading(len(trace.steps)) in out
    for eq in ("feedforward", "BP1", "BP2", "BP3", "BP4"):
        assert eq in out
    text = panes.trace_text(trace)
    assert text.count("\n") == len(trace.steps)


def test_theme_colours_are_css_variables_or_translucent_overlays():
    for value in re.findall(r"(?<![\w-])(?:color|background|border|border-left):\s*([^;}]+)", display.STYLE):
        assert value.strip().startswith(("var(", "rgba(", "1px solid var(", "3px solid var(",
                                         "none", "transparent")), value


def test_parse_vector_reads_commas_and_spaces_and_explains_mistakes():
    assert parse_vector("1, 2, 3").tolist() == [[1.0], [2.0], [3.0]]
    assert parse_vector("[1 -2.5e0 .5]").ravel().tolist() == [1.0, -2.5, 0.5]
    with pytest.raises(ValueError, match="empty"):
        parse_vector("  ")
    with pytest.raises(ValueError, match="'x' is not a number"):
        parse_vector("1, x")
    with pytest.raises(ValueError, match="at most 12"):
        parse_vector(", ".join(["1"] * 13))
    with pytest.raises(TypeError, match="text"):
        parse_vector([1, 2])


def test_products_html_puts_hadamard_beside_the_matrix_products():
    s, t = np.array([[1.0], [2.0]]), np.array([[3.0], [4.0]])
    out = panes.products_html(products(s, t))
    assert "s ⊙ t" in out and "s tᵀ" in out and "sᵀ t" in out
    assert "8.0000" in out and "6.0000" in out          # 2·4 in s ⊙ t, 2·3 in s tᵀ
    assert "11.0000" in out                              # sᵀ t = 1·3 + 2·4
    mixed = panes.products_html(products(s, np.ones((3, 1))))
    assert "same length" in mixed and "s tᵀ" in mixed and "sᵀ t" not in mixed


def test_diagram_draws_small_layers_as_neurons_and_big_ones_as_strips():
    small = network_svg([2, 3, 2], layer=2, direction="backward", edges=3)
    assert small.count("<circle") == 7 and "<rect" not in small
    assert "backward" in small and "layer 2 highlighted" in small
    big = network_svg([784, 30, 10])
    assert big.count("<circle") == 0 and big.count("<rect") == 3
    assert ">784<" in big
    assert "#fff" not in big and "white" not in big and "black" not in big
    assert len(big) < 2_000                            # one path per pair of layers


def test_step_diagram_lights_the_steps_layer_and_weights(trace):
    for step in trace.steps:
        svg = step_svg(step, trace.sizes)
        assert f"layer {step.layer} highlighted" in svg
        assert step.direction in svg
    bp2 = next(s for s in trace.steps if s.equation == "BP2")
    lit = re.search(r"<path class='eh' d='([^']*)'", step_svg(bp2, trace.sizes))
    assert lit.group(1).count("M") == 3 * 2            # w^3: layer 2 (3) to layer 3 (2)


def test_a_784_30_10_step_stays_small(mnist_trace):
    for step in mnist_trace.steps:
        assert len(panes.step_html(step, len(mnist_trace.steps))) < 120_000


def test_one_weight_can_be_drawn_lit():
    svg = network_svg([2, 3, 2], 2, weight=(3, 1, 2))     # weights[1][1, 2]: w^3_23
    lit = re.search(r"<path class='w' d='M(\d+) (\d+)L(\d+) (\d+)'", svg)
    x1, y1, x2, y2 = map(int, lit.groups())
    assert x1 < x2                                       # from layer 2 into layer 3
    circles = re.findall(r"<circle cx='(\d+)' cy='(\d+)'", svg)
    layer2 = [int(y) for x, y in circles if int(x) == x1 - 7]
    layer3 = [int(y) for x, y in circles if int(x) == x2 + 7]
    assert y1 == layer2[2] and y2 == layer3[1]           # column 2 of layer 2, row 1 of layer 3


def test_in_a_notebook_the_stylesheet_is_written_once_and_again_when_its_cell_reruns(monkeypatch):
    class Shell:
        kernel = object()
        parent_header = {"metadata": {"cellId": "a"}}

    shell = Shell()
    monkeypatch.setattr(style, "_kernel_cell",
                        lambda: (shell, shell.parent_header["metadata"]["cellId"]))
    monkeypatch.setattr(style, "_stylesheet_cell", {})
    assert display.styled("<p>1</p>").startswith("<style>")            # the first output
    shell.parent_header = {"metadata": {"cellId": "b"}}
    assert display.styled("<p>2</p>") == "<p>2</p>"                    # later cells: no copy
    assert display.styled("<p>3</p>", standalone=True).startswith("<style>")
    shell.parent_header = {"metadata": {"cellId": "a"}}
    assert display.styled("<p>4</p>").startswith("<style>")            # cell a runs again


def test_outside_a_notebook_every_output_carries_the_stylesheet():
    assert display.styled("<p>1</p>").startswith("<style>")
    assert display.styled("<p>2</p>").startswith("<style>")
