"""Pure formatting: arrays, steps, traces -> HTML and text. No widgets, no maths.

Colours come from JupyterLab's theme variables (with fallbacks for plain HTML), so the
output reads in light and dark themes.
"""
from __future__ import annotations

import html

import numpy as np

__all__ = ["shape_str", "trace_html", "trace_text", "step_html", "hadamard_html"]

PRECISION = 4


def shape_str(a):
    return "(" + ", ".join(str(n) for n in np.shape(a)) + ")"


def _esc(s):
    return html.escape(str(s))


def trace_text(trace):
    """A plain-text table of the steps: number, equation, layer, result and its shape."""
    n = len(trace.steps)
    lines = [repr(trace)]
    for s in trace.steps:
        lines.append(f"  {s.heading(n)}: {s.result_name} {shape_str(s.result)}")
    return "\n".join(lines)


def trace_html(trace):
    n = len(trace.steps)
    rows = "".join(
        f"<tr><td>{s.index + 1}</td><td>{_esc(s.equation)}</td><td>{s.layer}</td>"
        f"<td>{_esc(s.result_name)}</td><td>{shape_str(s.result)}</td>"
        f"<td style='text-align:left'>{_esc(s.description)}</td></tr>"
        for s in trace.steps)
    return (f"<div class='nbteach-trace'><p>{_esc(repr(trace))}</p>"
            f"<table><thead><tr><th>step</th><th>equation</th><th>l</th><th>result</th>"
            f"<th>shape</th><th style='text-align:left'>what happens</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><p>{n} steps</p></div>")


def step_html(step):
    ops = "".join(f"<li>{_esc(k)} {shape_str(v)}</li>" for k, v in step.operands.items())
    return (f"<div class='nbteach-step'><b>Step {step.index + 1} · {_esc(step.equation)} · "
            f"l = {step.layer}</b><p>${step.latex}$</p><ul>{ops}</ul>"
            f"<p>{_esc(step.result_name)} {shape_str(step.result)}</p>"
            f"<pre>{_esc(step.code)}</pre></div>")


def hadamard_html(h):
    return (f"<div class='nbteach-hadamard'>{_esc(h.equation)} at l = {h.layer}: "
            f"{_esc(h.left_name)} {shape_str(h.left)} ⊙ {_esc(h.right_name)} "
            f"{shape_str(h.right)} = {_esc(h.result_name)} {shape_str(h.result)}</div>")
