"""The viewers, headless: construction, the replay API, the browser links, static forms."""
import pathlib
import re
import time

import ipywidgets as W
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link

import nbteach as nt
from nbteach import Network
from nbteach.backprop import BOOK_BACKPROP_SOURCE
from nbteach.display import math_label
from nbteach.widgets import BackpropStepper, ForwardStepper, HadamardExplorer, LayerInspector

NETS = [([2, 3, 2], 1), ([4, 5, 3, 2], 1), ([4, 5, 3, 2], 4), ([3, 4, 4, 4, 2], 2)]


def make_trace(sizes, m, seed=1):
    rng = np.random.default_rng(seed)
    net = Network(sizes, seed=seed)
    return net.trace(rng.random((sizes[0], m)), rng.random((sizes[-1], m)))


@pytest.fixture(scope="module")
def stepper():
    return BackpropStepper(make_trace([2, 3, 2], 1))


@pytest.mark.parametrize("sizes, m", NETS)
def test_one_stack_pane_per_step_with_its_heading_and_equation(sizes, m):
    trace = make_trace(sizes, m)
    st = BackpropStepper(trace)
    n = len(trace.steps)
    assert len(st) == n == len(st.stack.children)
    for step, pane in zip(trace.steps, st.stack.children):
        assert isinstance(pane, W.HTMLMath)                  # one widget per pane
        html_ = pane.value
        assert f"<div class='nbteach-step-heading'>{step.heading(n)}</div>" in html_
        assert f"$${step.latex}$$" in html_ and f"${step.latex_components}$" in html_
        assert math_label(step.result_name) in html_
        assert html_.count("class='nbteach-hl'") == len(step.code_lines)
        assert html_.count("nbteach-lineno'>") < 12           # a few lines, not the listing
        assert f"layer {step.layer} highlighted" in html_
    listing = st.children[-1].value                         # the whole listing, once, folded
    lines = len(BOOK_BACKPROP_SOURCE.splitlines())
    assert listing.startswith("<details") and listing.count("nbteach-lineno'>") == lines == 30


def test_presenter_size_is_one_switch(monkeypatch):
    trace = make_trace([2, 3, 2], 1)
    assert "nbteach-present" not in BackpropStepper(trace)._dom_classes
    assert "nbteach-present" in BackpropStepper(trace, presenter=True)._dom_classes
    nt.present()
    try:
        big = BackpropStepper(trace)
        assert "nbteach-present" in big._dom_classes
        assert "<div class='nbteach-present'>" in big._repr_mimebundle_()["text/html"]
        assert "nbteach-present" not in LayerInspector(trace, presenter=False)._dom_classes
    finally:
        nt.present(False)
    assert ".nbteach-present{zoom:1.5}" in nt.display.STYLE


def test_headings_read_as_the_course_writes_them(stepper):
    assert "Step 1 of 8 · feedforward · l = 2</div>" in stepper.stack.children[0].value
    assert "Step 4 of 8 · BP2 · l = 2</div>" in stepper.stack.children[3].value
    assert stepper.heading == "Step 1 of 8 · feedforward · l = 2"


def test_replay_walks_every_step_and_current_follows_the_trace(stepper):
    steps = stepper.trace.steps
    assert stepper.go(0) is steps[0]
    seen = [stepper.current]
    for i in range(1, len(steps)):
        assert stepper.next() is steps[i]
        assert stepper.index == i == stepper.stack.selected_index
        seen.append(stepper.current)
    assert seen == list(steps)
    assert stepper.next() is steps[-1] and stepper.index == len(steps) - 1    # stays put
    assert stepper.next_button.disabled
    for i in range(len(steps) - 2, -1, -1):
        assert stepper.previous() is steps[i]
    assert stepper.previous() is steps[0] and stepper.index == 0              # stays put
    assert stepper.previous_button.disabled


def test_buttons_step_through_the_kernel(stepper):
    stepper.go(2)
    stepper.next_button.click()
    assert stepper.index == 3 and stepper.heading.startswith("Step 4 of 8")
    stepper.previous_button.click()
    stepper.previous_button.click()
    assert stepper.index == 1


def test_slider_play_and_stack_are_linked_in_the_browser(stepper):
    pairs = {(l.source[0].model_id, l.source[1], l.target[0].model_id, l.target[1])
             for l in stepper.links if isinstance(l, Link)}
    assert (stepper.play.model_id, "value", stepper.slider.model_id, "value") in pairs
    assert (stepper.slider.model_id, "value", stepper.stack.model_id, "selected_index") in pairs
    assert stepper.slider.min == stepper.play.min == 0
    assert stepper.slider.max == stepper.play.max == len(stepper) - 1
    assert stepper.slider.continuous_update is False


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (8, ValueError), (1.5, TypeError),
                                        ("2", TypeError), (True, TypeError), (None, TypeError)])
def test_go_refuses_what_is_not_a_step_number(stepper, bad, error):
    with pytest.raises(error, match="step index must be"):
        stepper.go(bad)


def test_a_stepper_needs_a_trace_and_says_how_to_get_one():
    net = Network([2, 3, 2], seed=0)
    with pytest.raises(TypeError, match=r"net\.trace\(x, y\)"):
        BackpropStepper(net)
    with pytest.raises(TypeError, match="BackpropTrace"):
        BackpropStepper([1, 2])


def test_static_forms_are_short_deterministic_and_name_the_equations():
    a = BackpropStepper(make_trace([2, 3, 2], 1))._repr_mimebundle_()
    b = BackpropStepper(make_trace([2, 3, 2], 1))._repr_mimebundle_()
    assert a["text/plain"] == b["text/plain"] == "BackpropStepper: 8 steps of a 2-3-2 network (1 example)"
    assert "application/vnd.jupyter.widget-view+json" in a
    for eq in ("feedforward", "BP1", "BP2", "BP3", "BP4"):
        assert eq in a["text/html"]
    assert r"\delta^{3} = \nabla_a C \odot \sigma'(z^{3})" in a["text/html"]
    assert "(3, 2)" in a["text/html"]                           # the shape of w^3
    batch = BackpropStepper(make_trace([4, 5, 3, 2], 4))
    assert repr(batch) == "BackpropStepper: 12 steps of a 4-5-3-2 network (4 examples)"


def test_text_reprs_carry_no_model_ids_or_addresses():
    trace = make_trace([2, 3, 2], 1)
    for viewer in (BackpropStepper(trace), ForwardStepper(Network([2, 3, 2], seed=1),
                   np.ones((2, 1))), LayerInspector(trace), HadamardExplorer()):
        text = viewer._repr_mimebundle_()["text/plain"]
        assert viewer.model_id not in text and not re.search(r"0x[0-9a-f]{6,}", text)
        assert len(text) < 110 and "\n" not in text


def test_784_30_10_builds_in_seconds():
    t0 = time.perf_counter()
    trace = make_trace([784, 30, 10], 1)
    st = BackpropStepper(trace)
    seconds = time.perf_counter() - t0
    print(f"784-30-10 stepper: {seconds:.2f} s")
    assert len(st.stack.children) == len(trace.steps) == 8
    html = sum(len(pane.value) for pane in st.stack.children)
    assert html < 1_000_000                                 # summarised, not 23520 cells
    assert seconds < 20


def test_forward_stepper_shows_z_then_a_for_each_layer():
    net = Network([2, 3, 2], seed=1)
    fs = ForwardStepper(net, np.array([[0.5], [-1.0]]))
    assert len(fs) == len(fs.stack.children) == 4
    assert [fs.go(i) and (fs.current.layer, fs.part) for i in range(4)] == [
        (2, "z"), (2, "a"), (3, "z"), (3, "a")]
    assert fs.heading == "Step 4 of 4 · a = σ(z) · l = 3"
    first = fs.stack.children[0].value
    assert "z^{2} = w^{2} a^{1} + b^{2}" in first
    assert math_label("w^2") in first and math_label("a^1") in first
    assert repr(fs) == "ForwardStepper: 4 steps through a 2-3-2 network (1 example)"
    assert "a^{3} = \\sigma(z^{3})" in fs._repr_mimebundle_()["text/html"]
    with pytest.raises(TypeError, match="Network"):
        ForwardStepper("net", np.ones((2, 1)))
    with pytest.raises(ValueError):
        ForwardStepper(net, np.ones((3, 1)))


def test_layer_inspector_shows_one_layer_and_switches_in_the_browser():
    trace = make_trace([4, 5, 3, 2], 1)
    li = LayerInspector(trace, 3)
    assert li.layer == 3 and li.stack.selected_index == 1
    shown = li.stack.children[1].value
    for name in ("z^3", "a^3", "δ^3", "∂C/∂b^3", "∂C/∂w^3"):
        assert math_label(name) in shown
    assert "(3, 5)" in shown
    li.show(2)
    assert li.stack.selected_index == 0 and repr(li).startswith("LayerInspector: layer l = 2")
    link, = li.links
    assert (link.source[1], link.target[1]) == ("index", "selected_index")
    assert LayerInspector(trace).layer == 4
    for bad in (1, 5):
        with pytest.raises(ValueError, match="from 2 to L = 4"):
            LayerInspector(trace, bad)


def test_hadamard_explorer_recomputes_and_explains_bad_input():
    he = HadamardExplorer()
    assert repr(he) == ("HadamardExplorer: s = (1.0000, 2.0000, 3.0000), "
                        "t = (4.0000, 5.0000, 6.0000)")
    assert "18.0000" in he.output.value and "32.0000" in he.output.value   # 3·6, sᵀt
    assert he.set(s="2, 0, -1") is None
    assert he.s.ravel().tolist() == [2.0, 0.0, -1.0] and "-6.0000" in he.output.value
    error = he.set(t="4, five, 6")
    assert "'five' is not a number" in error and "five" in he.message.value
    assert he.t.ravel().tolist() == [4.0, 5.0, 6.0]                      # last good t kept
    he.set(t=[1, 2])
    assert he.error is None and "same length" in he.output.value
    with pytest.raises(TypeError, match="list of numbers"):
        he.set(s=7)
    with pytest.raises(ValueError, match="not a number"):
        HadamardExplorer(s="a, b")


def test_only_the_widgets_package_imports_ipywidgets():
    package = pathlib.Path(__file__).resolve().parents[1] / "nbteach"
    importers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                       if re.search(r"^\s*(import|from)\s+ipywidgets", p.read_text(), re.M))
    assert importers and all(name.startswith("widgets/") for name in importers), importers
