"""What each viewer shows, composed from the blocks of ``display``: one function per pane.

A step of backprop laid out as its equation reads, a Hadamard product with both factors, a
whole trace as a table, one layer at a glance, half a feedforward step, the three products
of two vectors, every path from a weight to the cost. Each function returns HTML without the
stylesheet: a widget shares one per notebook, and ``display.styled`` adds it to a plain
output. Non-goal: computing; every number shown was computed by ``trace``, ``paths`` or
``backprop`` before it gets here.
"""
from __future__ import annotations

from .display import (
    array_html,
    cell_colour,
    code_html,
    esc,
    fmt,
    fmt_faithful,
    math_label,
    op,
    row,
    shape_str,
    typeset,
)

__all__ = ["step_arrays_html", "hadamard_row_html", "step_html", "backprop_pane_html",
           "listing_html", "hadamard_html", "trace_text", "trace_html", "stepper_html", "layer_html",
           "forward_pane_html", "forward_stepper_html", "products_html", "paths_html"]


def step_arrays_html(step):
    """The live arrays of one step, laid out as the equation reads (operands, then result)."""
    ops = list(step.operands.items())
    inter = list(step.intermediates.items())
    A = array_html
    if step.equation == "feedforward" and len(ops) == 3 and len(inter) == 1:
        (w, wv), (a, av), (b, bv) = ops
        (z, zv), = inter
        return (row(A(wv, w), op("·"), A(av, a), op("+"), A(bv, b), op("="), A(zv, z))
                + row(op("σ("), A(zv, z), op(") ="), A(step.result, step.result_name)))
    if step.hadamard is not None:
        h = step.hadamard
        first = ""
        if step.equation == "BP2" and len(ops) >= 2:
            (w, wv), (d, dv) = ops[:2]
            first = row(A(wv, w, transpose=True), op("·"), A(dv, d), op("="),
                         A(h.left, h.left_name))
        elif inter:
            first = ("<div class='nbteach-note'>from</div>"
                     + row(*(A(v, k) for k, v in inter)))
        return first + hadamard_row_html(h)
    if step.equation == "BP3" and len(ops) == 1:
        (d, dv), = ops
        verb = op("summed over the columns →") if dv.shape[1] > 1 else op("=")
        return row(A(dv, d), verb, A(step.result, step.result_name))
    if step.equation == "BP4" and len(ops) == 2:
        (d, dv), (a, av) = ops
        return row(A(dv, d), op("·"), A(av, a, transpose=True), op("="),
                    A(step.result, step.result_name))
    parts = [A(v, k) for k, v in ops + inter]
    return row(*parts, op("→"), A(step.result, step.result_name))


def hadamard_row_html(h):
    """Both factors and the product side by side: s ⊙ t = result."""
    return row(array_html(h.left, h.left_name), op("⊙"), array_html(h.right, h.right_name),
                op("="), array_html(h.result, h.result_name))


def _equations(step):
    """The step's equation in matrix form (large) and in components (below it)."""
    parts = f"<div class='nbteach-equation'>$${step.latex}$$</div>"
    if step.latex_components:
        parts += (f"<div class='nbteach-components'>component by component: "
                  f"${step.latex_components}$</div>")
    return parts


def backprop_pane_html(step, *, diagram=""):
    """One step as a pane: the equation, the live arrays at the centre, then the network
    diagram beside the few lines of the book's code that do this step, then one sentence.
    (The heading is the stepper's; the whole listing is shown once, under the stepper.)"""
    return (f"<div class='nbteach-block'>{_equations(step)}{step_arrays_html(step)}"
            f"<div class='nbteach-row'>{diagram}"
            f"{code_html(highlight=step.code_lines, context=1)}</div>"
            f"<div class='nbteach-note'>{typeset(step.description)}</div></div>")


def step_html(step, total=None, *, diagram=""):
    """A whole step with its heading, as a plain output: what a stepper pane shows."""
    heading = step.heading(total) if total else (
        f"Step {step.index + 1} · {step.equation} · l = {step.layer}")
    return (f"<div class='nbteach-step'><div class='nbteach-block nbteach-step-heading'>"
            f"{esc(heading)}</div>{backprop_pane_html(step, diagram=diagram)}</div>")


def listing_html(title="The book's backprop, in full"):
    """The whole listing of the book's ``backprop``, folded: one click away from every pane."""
    return (f"<details class='nbteach-block'><summary>{esc(title)}</summary>"
            f"{code_html()}</details>")


def hadamard_html(h):
    return (f"<div class='nbteach-block nbteach-hadamard'>"
            f"<div class='nbteach-step-heading'>{esc(h.equation)} · l = {h.layer}</div>"
            f"<div>{math_label(h.left_name)} ⊙ {math_label(h.right_name)} = "
            f"{math_label(h.result_name)}: each entry times the matching entry</div>"
            f"{hadamard_row_html(h)}</div>")


def _sizes(trace):
    return "-".join(map(str, trace.sizes))


def trace_text(trace):
    """A plain-text table of the steps: number, equation, layer, result and its shape."""
    n = len(trace.steps)
    lines = [repr(trace)]
    for s in trace.steps:
        lines.append(f"  {s.heading(n)}: {s.result_name} {shape_str(s.result)}")
    return "\n".join(lines)


def _steps_table(trace):
    n = len(trace.steps)
    rows = []
    for s in trace.steps:
        ops = ", ".join(f"{esc(k)} {shape_str(v)}" for k, v in s.operands.items())
        rows.append(f"<tr><td>{esc(s.heading(n))}</td><td>${s.latex}$</td><td>{ops}</td>"
                    f"<td>{esc(s.result_name)} {shape_str(s.result)}</td>"
                    f"<td>{esc(s.description)}</td></tr>")
    return (f"<table class='nbteach-table'><thead><tr><th>step</th><th>equation</th>"
            f"<th>operands</th><th>result</th><th>what happens</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def trace_html(trace):
    return (f"<div class='nbteach-block nbteach-trace'><p>{esc(repr(trace))}</p>"
            f"{_steps_table(trace)}<p>{len(trace.steps)} steps</p></div>")


def stepper_html(title, trace):
    """The static form of a stepper: every step in a table (no widgets needed)."""
    return (f"<div class='nbteach-block nbteach-static'><p><b>{esc(title)}</b></p>"
            f"<p class='nbteach-note'>Static view: the steps the stepper shows one at a time, "
            f"with their equations and shapes.</p>{_steps_table(trace)}</div>")


def layer_html(trace, l, *, diagram=""):
    """Layer ``l`` of a trace at a glance: z, a, δ, ∂C/∂b, ∂C/∂w."""
    d = trace.layer(l)
    A = array_html
    return (f"<div class='nbteach-block nbteach-layer'>"
            f"<div class='nbteach-step-heading'>Layer l = {l} of a {_sizes(trace)} network"
            f"</div>{diagram}"
            + row(A(d["z"], f"z^{l}"), A(d["a"], f"a^{l}"), A(d["delta"], f"δ^{l}"))
            + row(A(d["nabla_b"], f"∂C/∂b^{l}"), A(d["nabla_w"], f"∂C/∂w^{l}"))
            + "</div>")


def forward_pane_html(step, part, *, diagram=""):
    """One half of a feedforward step: ``part`` "z" (z = w a + b) or "a" (a = σ(z))."""
    (w, wv), (a, av), (b, bv) = list(step.operands.items())
    (z, zv), = list(step.intermediates.items())
    A = array_html
    l = step.layer
    if part == "z":
        latex = rf"z^{{{l}}} = w^{{{l}}} a^{{{l - 1}}} + b^{{{l}}}"
        components = rf"z^{{{l}}}_j = \sum_k w^{{{l}}}_{{jk}} a^{{{l - 1}}}_k + b^{{{l}}}_j"
        arrays = row(A(wv, w), op("·"), A(av, a), op("+"), A(bv, b), op("="), A(zv, z))
        text = (f"Row j of {math_label(w)} times the column {math_label(a)}, plus the bias "
                f"{math_label(f'b^{l}_j')}: a matrix–vector product.")
    else:
        latex = rf"a^{{{l}}} = \sigma(z^{{{l}}})"
        components = rf"a^{{{l}}}_j = \sigma(z^{{{l}}}_j)"
        arrays = row(op("σ("), A(zv, z), op(") ="), A(step.result, step.result_name))
        text = "σ acts on each entry of z separately."
    return (f"<div class='nbteach-block'><div class='nbteach-equation'>$${latex}$$</div>"
            f"<div class='nbteach-components'>component by component: ${components}$</div>"
            f"{arrays}<div class='nbteach-row'>{diagram}</div>"
            f"<div class='nbteach-note'>{text}</div></div>")


def forward_stepper_html(title, headings, trace):
    """The static form of a ``ForwardStepper``: its panes as a table, two rows per layer."""
    rows = []
    for k, heading in enumerate(headings):
        s = trace.steps[k // 2]
        l = s.layer
        latex = (f"$z^{{{l}}} = w^{{{l}}} a^{{{l - 1}}} + b^{{{l}}}$" if k % 2 == 0
                 else f"$a^{{{l}}} = \\sigma(z^{{{l}}})$")
        rows.append(f"<tr><td>{esc(heading)}</td><td>{latex}</td>"
                    f"<td>{shape_str(s.result)}</td></tr>")
    return (f"<div class='nbteach-block'><p><b>{esc(title)}</b></p><table class='nbteach-table'>"
            f"<thead><tr><th>step</th><th>equation</th><th>shape</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def paths_html(pathsum):
    """Every path from one weight to the cost: its neurons, rate factors (named, then their
    values) and product, then the sum beside backprop's value."""
    rows = []
    scale = max(abs(q.rate) for q in pathsum.paths) or 1.0
    for p in pathsum.paths:
        route = " → ".join(f"a^{l}_{n + 1}" for l, n in p.neurons) + " → C"
        names = " × ".join(label for label, _ in p.factors)
        factors = " × ".join(fmt(v) for _, v in p.factors)
        rows.append(f"<tr><td>{typeset(route)}</td><td>{factors}<div class='nbteach-note'>"
                    f"{typeset(names)}</div></td><td style='background:"
                    f"{cell_colour(p.rate, scale)}; text-align:right'>{p.rate:+.4e}</td></tr>")
    name = math_label(pathsum.weight_name)
    return (f"<div class='nbteach-block nbteach-paths'>"
            f"<div class='nbteach-step-heading'>{len(pathsum.paths)} path(s) from {name} to C"
            f"</div><table class='nbteach-table'><thead><tr><th>path</th>"
            f"<th>rate factors</th><th>product</th></tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table><p>sum over the paths: <b>{pathsum.total:+.10e}</b><br>"
            f"backprop's ∂C/∂{name} (Python: <code>{esc(pathsum.python)}</code>): "
            f"<b>{pathsum.backprop:+.10e}</b></p></div>")


def products_html(p):
    """A ``Products`` record: s ⊙ t beside the matrix products s tᵀ and sᵀ t.

    s ⊙ t and sᵀ t need equal lengths; s tᵀ is drawn for any lengths. Every number is
    written so that it reads back as itself (``fmt_faithful``): the learner checks this
    arithmetic by hand.
    """
    def A(a, name, **kw):
        return array_html(a, name, number=fmt_faithful, **kw)
    s, t = p.s, p.t
    parts = []
    if not p.same_length:
        parts.append(f"<div class='nbteach-error'>s ⊙ t needs s and t of the same length; "
                     f"s has {len(s)} entries, t has {len(t)}.</div>")
    else:
        parts.append("<div><b>Hadamard (elementwise) product</b> "
                     "<span class='nbteach-note'>same shape as s and t</span></div>"
                     + row(A(s, "s"), op("⊙"), A(t, "t"), op("="), A(p.hadamard, "s ⊙ t")))
    parts.append("<div><b>Matrix product s tᵀ</b> <span class='nbteach-note'>every entry of "
                 "s times every entry of t: a matrix</span></div>"
                 + row(A(s, "s"), op("·"), A(t, "t", transpose=True), op("="),
                       A(p.outer, "s tᵀ")))
    if p.same_length:
        parts.append("<div><b>Matrix product sᵀ t</b> <span class='nbteach-note'>the dot "
                     "product: the sum of the entries of s ⊙ t</span></div>"
                     + row(A(s, "s", transpose=True), op("·"), A(t, "t"), op("="),
                           A(p.inner, "sᵀ t")))
    return f"<div class='nbteach-block'>{''.join(parts)}</div>"
