"""The graph stepper and its drawing, headless: panes, replay, browser links, static forms."""
import re

import ipywidgets as W
import numpy as np
import pytest
from ipywidgets.widgets.widget_link import Link

import nbteach as nt
from nbteach.graph_diagram import MAX_NODES, graph_svg, layout, pretty
from nbteach.graph_panes import contributions_html, sweep_by_node
from nbteach.netgraph import graph_of
from nbteach.widgets import GraphStepper


def make_graph(sizes=(2, 2, 1), seed=0):
    net = nt.Network(list(sizes), seed=seed)
    x = np.array([[0.5], [-1.0]])[: sizes[0]]
    y = np.linspace(1.0, 0.0, sizes[-1]).reshape(-1, 1)
    graph = graph_of(net, x, y)
    return net, graph, graph.backward()


@pytest.fixture(scope="module")
def stepper():
    _, graph, sweep = make_graph()
    return GraphStepper(graph, sweep)


def test_one_pane_per_node_that_passes_a_gradient_back(stepper):
    inner = [v for v in stepper.graph.nodes if v.parents]
    assert len(stepper) == len(stepper.stack.children) == len(inner) == 15
    assert [node for node, _ in stepper.groups] == inner      # the sweep's order, C first
    for i, ((node, steps), pane) in enumerate(zip(stepper.groups, stepper.stack.children), 1):
        assert isinstance(pane, W.HTMLMath)
        html = pane.value
        heading = f"Step {i} of 15 · {pretty(node.label)}"
        assert f"<div class='nbteach-step-heading'>{heading}</div>" in html
        assert html.count("<tr>") == 1 + len(node.parents)    # header + one row per parent
        assert f"node {pretty(node.label)} lit" in html        # the drawing lights this node
        assert html.count("+= <b>(") == sum(s.fans_out for s in steps)


def test_the_first_panes_follow_the_cost_back(stepper):
    headings = [stepper.go(i) and stepper.heading for i in range(5)]
    assert headings == ["Step 1 of 15 · C", "Step 2 of 15 · (a³₁ − y₁)²",
                        "Step 3 of 15 · a³₁ − y₁", "Step 4 of 15 · a³₁", "Step 5 of 15 · z³₁"]
    z_pane = stepper.stack.children[4].value
    assert "BP3: δ³₁" in z_pane and "δ³₁ (BP1)" in stepper.stack.children[3].value


def test_fan_out_is_shown_where_the_inputs_collect_two_shares(stepper):
    fanning = [s for s in stepper.sweep if s.fans_out]
    assert {pretty(s.parent.label) for s in fanning} == {"a¹₁", "a¹₂"}
    panes = "".join(p.value for p in stepper.stack.children)
    assert panes.count("+= <b>(1 of 2)</b>") == panes.count("+= <b>(2 of 2)</b>") == 2


def test_replay_walks_every_node(stepper):
    stepper.go(0)
    seen = [stepper.node]
    for i in range(1, len(stepper)):
        assert stepper.next() == stepper.groups[i][1]
        assert stepper.index == i == stepper.stack.selected_index
        seen.append(stepper.node)
    assert seen == [node for node, _ in stepper.groups]
    assert stepper.next() == stepper.groups[-1][1] and stepper.next_button.disabled
    stepper.go(3)
    stepper.previous_button.click()
    assert stepper.index == 2 and all(s.node is stepper.node for s in stepper.current)


def test_slider_play_and_stack_are_linked_in_the_browser(stepper):
    pairs = {(l.source[0].model_id, l.source[1], l.target[0].model_id, l.target[1])
             for l in stepper.links if isinstance(l, Link)}
    assert (stepper.play.model_id, "value", stepper.slider.model_id, "value") in pairs
    assert (stepper.slider.model_id, "value", stepper.stack.model_id, "selected_index") in pairs
    assert stepper.slider.max == stepper.play.max == len(stepper) - 1


def test_static_forms_are_short_deterministic_and_list_every_edge():
    _, g1, s1 = make_graph()
    _, g2, s2 = make_graph()
    a, b = GraphStepper(g1, s1)._repr_mimebundle_(), GraphStepper(g2, s2)._repr_mimebundle_()
    assert a["text/plain"] == b["text/plain"] == (
        "GraphStepper: 15 nodes of the reverse sweep through the graph of a 2-2-1 network "
        "(27 edges)")
    assert not re.search(r"0x[0-9a-f]{6,}", a["text/plain"])
    assert a["text/html"] == b["text/html"]
    assert a["text/html"].count("<tr>") == 1 + len(s1)
    assert "<svg" in a["text/html"] and "BP4: a¹₁ δ²₁" in a["text/html"]


def test_panes_stay_small_and_follow_the_theme(stepper):
    sizes = [len(p.value) for p in stepper.stack.children]
    assert max(sizes) < 8_000                     # a stored notebook keeps every pane
    svg = graph_svg(stepper.graph, current=stepper.graph.cost, done={stepper.graph.zs[2, 1]})
    assert "var(--jp-ui-font-color1," in svg and "var(--jp-brand-color1," in svg
    outside_vars = re.sub(r"var\([^)]*\)", "", svg.split("<title>")[0] + svg.split("</title>")[1])
    assert "#" not in outside_vars and "rgb" not in outside_vars   # every colour from the theme


def test_the_drawing_lights_the_node_and_outlines_its_parents():
    _, graph, _ = make_graph()
    z = graph.zs[2, 1]
    svg = graph_svg(graph, current=z, done={graph.cost})
    assert "node z²₁ lit" in svg
    lit_group = re.search(r"<g style='fill:var\(--jp-brand-color1,#1976d2\);stroke:[^']*'>(.*?)</g>",
                          svg)[1]
    assert lit_group.count("<rect") == 1
    parent_group = re.search(r"stroke-width:2.5'>(.*?)</g>", svg)[1]
    assert parent_group.count("<rect") == len(z.parents) == 3
    lit_edges = re.search(r"<path d='([^']*)' style='fill:none;stroke:var\(--jp-brand-color1", svg)[1]
    assert lit_edges.count("M") == 3                          # z²₁ to each of its parents
    assert svg.count("<rect") == len(graph.nodes)


def test_the_layout_runs_left_to_right_from_the_inputs_to_the_cost():
    _, graph, _ = make_graph((2, 3, 2))
    pos, (width, height) = layout(graph)
    x = {v: p[0] for v, p in pos.items()}
    for v in graph.nodes:
        assert all(x[p] < x[v] for p in v.parents)
    assert x[graph.cost] == max(x.values())
    assert x[graph.activations[1, 1]] == min(x.values())
    assert all(0 < px < width and 0 < py < height for px, py in pos.values())
    assert len({(round(px), round(py)) for px, py in pos.values()}) == len(pos)   # no overlap


def test_big_graphs_are_refused_by_the_drawing():
    net = nt.Network([10, 10, 2], seed=0)
    graph = graph_of(net, np.ones((10, 1)), np.ones((2, 1)))
    assert len(graph.nodes) > MAX_NODES
    with pytest.raises(ValueError, match="tiny"):
        graph_svg(graph)


def test_contributions_add_up_to_the_gradient():
    _, graph, sweep = make_graph((2, 3, 2))
    html = contributions_html(graph, sweep, graph.activations[2, 1])
    shares = [s for s in sweep if s.parent is graph.activations[2, 1]]
    assert len(shares) == 2 and "collects 2 shares" in html
    assert "((w³)ᵀδ³)₁ (BP2)" in html


def test_the_shares_into_the_inputs_are_not_called_bp2():
    # at l = 2, (w^2)ᵀ δ^2 goes into a^1 = x: ∂C/∂x, which backprop never computes
    _, graph, sweep = make_graph((2, 3, 2))
    html = contributions_html(graph, sweep, graph.activations[1, 1])
    assert "((w²)ᵀδ²)₁ (not needed by backprop)" in html and "(BP2)" not in html


def test_sweep_by_node_keeps_the_order_and_every_step():
    _, graph, sweep = make_graph((2, 3, 2))
    groups = sweep_by_node(sweep)
    assert tuple(s for _, steps in groups for s in steps) == sweep
    assert len({id(node) for node, _ in groups}) == len(groups)


def test_pretty_writes_the_books_indices():
    assert pretty("w^2_{11}") == "w²₁₁"
    assert pretty("(a^3_1 - y_1)^2") == "(a³₁ − y₁)²"
    assert pretty(r"\sum_j (a^3_j - y_j)^2") == "Σⱼ (a³ⱼ − yⱼ)²"


def test_a_graph_stepper_needs_a_graph_and_its_own_sweep():
    net, graph, sweep = make_graph()
    with pytest.raises(TypeError, match="graph_of"):
        GraphStepper(net, sweep)
    with pytest.raises(TypeError, match="SweepStep"):
        GraphStepper(graph, [])
    _, other, other_sweep = make_graph()
    with pytest.raises(ValueError, match="another graph"):
        GraphStepper(graph, other_sweep)


def test_a_compound_label_is_parenthesised_after_the_derivative(stepper):
    panes = "".join(p.value for p in stepper.stack.children)
    assert "∂C/∂(a³₁ − y₁) =" in panes and "∂C/∂(w²₁₁ a¹₁) =" in panes
    assert "∂C/∂a³₁ − y₁" not in panes and "∂C/∂w²₁₁ a¹₁" not in panes
    assert "∂C/∂(a³₁ − y₁)² =" in panes            # the square carries its own parentheses
    assert "∂C/∂z²₁ =" in panes                     # a plain label needs none


def test_contributions_write_each_sign_once():
    _, graph, sweep = make_graph((2, 3, 2))
    node = graph.activations[2, 1]
    shares = [s.product for s in sweep if s.parent is node]
    assert all(p < 0 for p in shares)               # both shares negative in this example
    html = contributions_html(graph, sweep, node)
    assert "+ -" not in html and "+ −" not in html
    assert re.search(r"= −0\.\d{4} − 0\.\d{4} = ", html)


def test_two_digit_indices_stay_apart_in_the_book_column():
    net = nt.Network([23, 12, 1], seed=0)
    graph = graph_of(net, np.ones((23, 1)), np.ones((1, 1)))
    sweep = graph.backward()
    html = contributions_html(graph, sweep, graph.activations[1, 23])
    assert "w²₁₂﹐₂₃" in html                        # w^2_{12,23}: j = 12, k = 23
    html = contributions_html(graph, sweep, graph.activations[1, 3])
    assert "w²₁₂﹐₃" in html and "w²₁﹐₂₃" not in html
