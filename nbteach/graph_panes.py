"""What the ``GraphStepper`` shows, composed from ``display`` blocks: one function per pane.

A node of the reverse sweep (what it computed, its complete gradient, and for each parent the
local derivative × upstream gradient = the share passed back, with ``+=`` where the parent
fans out and the book's equation that share belongs to), the contributions a node collects,
and the whole sweep as one table (the stepper's static form). Labels are the book's, 1-based,
in plain Unicode (``w²₁₁``), so they read the same with or without MathJax.

Non-goal: computing. Every number was recorded from ``Value.backward`` (``SweepStep``); the
roles and book coordinates come from ``netgraph.Graph``.
"""
from __future__ import annotations

from .display import esc, fmt
from .graph_diagram import pretty
from .netgraph import subscript

__all__ = ["sweep_by_node", "node_heading", "node_pane_html", "contributions_html",
           "sweep_table_html"]


def sweep_by_node(sweep):
    """The sweep cut into runs of steps that share a node: ``[(node, (steps...)), ...]``."""
    groups = []
    for s in sweep:
        if groups and groups[-1][0] is s.node:
            groups[-1][1].append(s)
        else:
            groups.append((s.node, [s]))
    return [(node, tuple(steps)) for node, steps in groups]


def node_heading(i, n, node):
    """``Step i of n · z²₁``: the plain-text heading of the pane of one node."""
    return f"Step {i} of {n} · {pretty(node.label)}"


def _p(v):
    return esc(pretty(v.label))


def _grouped(label):
    """``label`` in parentheses if it has a space or an operator outside any parentheses,
    so that ∂C/∂(w²₁₁ a¹₁) and ∂C/∂(a³₁ − y₁) do not read as a product or a difference."""
    depth, bare = 0, False
    for c in label:
        depth += (c == "(") - (c == ")")
        bare = bare or (depth == 0 and c in " +−-*·")
    return f"({label})" if bare else label


def _d(v):
    """∂C/∂(node), HTML-escaped, parenthesised where the label needs it."""
    return "∂C/∂" + esc(_grouped(pretty(v.label)))


def _sup(l):
    return pretty(f"^{l}")


def _sub(*idx):
    return pretty("_" + subscript(*idx))        # w²₁₂ for (1, 2), w²₁₂﹐₃ for (12, 3)


def _what(graph, node):
    """One sentence: what the node computed and what its sweep step means in the book."""
    role = graph.roles[node]
    kind, L = role[0], len(graph.sizes)
    names = " + ".join(pretty(p.label) for p in node.parents)
    if kind == "C":
        return (f"C = ½ · {pretty(node.parents[0].label)}, the quadratic cost. The sweep starts "
                "here with ∂C/∂C = 1.")
    if kind == "sum":
        return f"{pretty(node.label)} = {names}: a sum passes its gradient to each term unchanged."
    if kind == "square":
        return (f"{pretty(node.label)}: a square, so its local derivative is twice what it "
                "squares.")
    if kind == "error":
        return (f"{pretty(node.label)}, with y{_sub(role[1])} a constant: local derivative 1. "
                f"What reaches a{_sup(L)}{_sub(role[1])} is ∂C/∂a = a − y, the book's ∇ₐC.")
    if kind == "a":
        l, j = role[1:]
        eq = "BP1" if l == L else "BP2's ⊙ σ′(z)"
        return (f"{pretty(node.label)} = σ({pretty(node.parents[0].label)}): local derivative "
                f"σ′(z) = a(1 − a). What reaches z{_sup(l)}{_sub(j)} is δ{_sup(l)}{_sub(j)} = "
                f"∂C/∂a{_sup(l)}{_sub(j)} × σ′(z{_sup(l)}{_sub(j)}): {eq}.")
    if kind == "z":
        l, j = role[1:]
        return (f"{pretty(node.label)} = {names}: a sum, so each term receives "
                f"δ{_sup(l)}{_sub(j)} unchanged; for the bias that is BP3.")
    if kind == "wa":
        l, j, k = role[1:]
        to_a = ("one term of BP2's sum" if l > 2 else
                "a gradient backprop never needs (x is not a parameter)")
        return (f"{pretty(node.label)}: a product, so the local derivative for each factor is "
                f"the other factor. The weight receives a{_sup(l - 1)}{_sub(k)} "
                f"δ{_sup(l)}{_sub(j)} (BP4); a{_sup(l - 1)}{_sub(k)} receives "
                f"w{_sup(l)}{_sub(j, k)} δ{_sup(l)}{_sub(j)}, {to_a}.")
    return pretty(node.label)


def _local(graph, step):
    """The local derivative ∂node/∂parent, in symbols, as the node's op defines it."""
    node, parent = step.node, step.parent
    kind = graph.roles[node][0]
    if kind == "C":
        return "½"
    if kind == "square":
        return f"2({pretty(parent.label)})"
    if kind == "a":
        return f"σ′({pretty(parent.label)})"
    if kind == "wa":
        other = node.parents[1] if parent is node.parents[0] else node.parents[0]
        return pretty(other.label)
    return "1"


def _book(graph, step):
    """Which quantity of the book this share is, or ''."""
    node, parent = graph.roles[step.node], graph.roles[step.parent]
    L = len(graph.sizes)
    if parent[0] == "w":
        l, j, k = parent[1:]
        return f"BP4: a{_sup(l - 1)}{_sub(k)} δ{_sup(l)}{_sub(j)}"
    if parent[0] == "b":
        return f"BP3: δ{_sup(parent[1])}{_sub(parent[2])}"
    if parent[0] == "z":
        l, j = parent[1:]
        return f"δ{_sup(l)}{_sub(j)} ({'BP1' if l == L else 'BP2'})"
    if parent[0] == "a" and node[0] == "error":
        return f"∇ₐC: a{_sup(L)}{_sub(parent[2])} − y{_sub(parent[2])}"
    if parent[0] == "a" and node[0] == "wa":
        l, j, k = node[1:]
        where = "BP2" if l > 2 else "not needed by backprop"
        return (f"w{_sup(l)}{_sub(j, k)} δ{_sup(l)}{_sub(j)}, a term of "
                f"((w{_sup(l)})ᵀδ{_sup(l)}){_sub(k)} ({where})")
    return ""


def _rows(graph, steps, *, node_column=False):
    rows = []
    for s in steps:
        local = _local(graph, s)
        into = (f"+= <b>({s.contribution} of {s.contributions})</b>, now {fmt(s.total)}"
                if s.fans_out else f"= {fmt(s.total)}")
        first = f"<td>{_p(s.node)}</td>" if node_column else ""
        rows.append(f"<tr>{first}<td><b>{_p(s.parent)}</b></td>"
                    f"<td>{esc(local) if local in ('1', '½') else f'{esc(local)} = {fmt(s.local)}'}"
                    f"</td>"
                    f"<td>{fmt(s.upstream)}</td><td>{fmt(s.product)}</td>"
                    f"<td>{_d(s.parent)} {into}</td><td>{esc(_book(graph, s))}</td></tr>")
    head = "<th>from node</th>" if node_column else ""
    return (f"<table class='nbteach-table'><thead><tr>{head}<th>parent</th><th>local "
            f"derivative</th><th>× upstream</th><th>= share</th><th>into the parent</th>"
            f"<th>in the book</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def node_pane_html(graph, node, steps, *, diagram=""):
    """The body of one ``GraphStepper`` pane: the node, its gradient and one row per parent."""
    return (f"<div class='nbteach-block'><div class='nbteach-note'>{esc(_what(graph, node))}"
            f"</div><div>{_p(node)} = {fmt(node.data)} in the forward pass; its gradient is "
            f"complete: <b>{_d(node)} = {fmt(steps[0].upstream)}</b> (the upstream gradient)."
            f"</div>{_rows(graph, steps)}<div class='nbteach-note'>Drawing: the node passing "
            "its gradient back is filled, its parents are outlined, nodes already swept are "
            f"tinted.</div>{diagram}</div>")


def contributions_html(graph, sweep, node):
    """Every share ``node`` receives in the sweep, and their sum, its gradient."""
    steps = [s for s in sweep if s.parent is node]
    return (f"<div class='nbteach-block'><div><b>{_d(node)} collects "
            f"{len(steps)} share{'s' * (len(steps) != 1)}</b></div>"
            f"{_rows(graph, steps, node_column=True)}"
            f"<div>{_d(node)} = {_signed_sum(s.product for s in steps)} = "
            f"<b>{fmt(node.grad)}</b></div></div>")


def _signed_sum(values):
    """``0.1 − 0.2 + 0.3``: each term's sign written as the operator before it."""
    text = ""
    for i, v in enumerate(values):
        number = fmt(abs(v))
        text += (("−" if v < 0 else "") + number if i == 0
                 else f" {'−' if v < 0 else '+'} {number}")
    return text


def sweep_table_html(title, graph, sweep):
    """The static form of a ``GraphStepper``: every step of the sweep in one table."""
    return (f"<div class='nbteach-block nbteach-static'><p><b>{esc(title)}</b></p>"
            f"<p class='nbteach-note'>Static view: every edge of the reverse sweep in order; "
            f"the stepper shows them node by node, with a drawing.</p>"
            f"{_rows(graph, sweep, node_column=True)}</div>")
