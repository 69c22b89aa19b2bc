"""Save a network to JSON and load it back, exactly and safely.

The file holds ``sizes``, ``weights``, ``biases`` and the activation and cost names. Python
writes each float with the shortest text that reads back as the same float64, so every
weight round-trips bit for bit. The file is written to a temporary file beside the target
and renamed over it, so a crash mid-write leaves the old file whole. No pickle.
"""
from __future__ import annotations

import json
import os

import numpy as np

from .activations import get_activation
from .checks import check_sizes
from .costs import get_cost
from .files import atomic_write

__all__ = ["save", "load", "FORMAT"]

FORMAT = "nbteach.network/1"


def save(net, path):
    """Write ``net`` to ``path`` as JSON, atomically. Returns the path."""
    weights, biases = net._params()
    if not all(np.isfinite(p).all() for p in weights + biases):
        raise ValueError("cannot save a network whose weights or biases hold NaN or inf")
    doc = {
        "format": FORMAT,
        "sizes": list(net.sizes),
        "activation": net.activation.name,
        "cost": net.cost.name,
        "weights": [w.tolist() for w in weights],
        "biases": [b.tolist() for b in biases],
    }
    text = json.dumps(doc, allow_nan=False)
    path = os.fspath(path)
    with atomic_write(path) as f:
        f.write(text)
    return path


def load(path):
    """Read a network saved by ``save``; check that sizes and arrays agree."""
    from .network import Network
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a saved nbteach network: not valid JSON ({exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a saved nbteach network: not a text (JSON) file") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved nbteach network: expected a JSON object with "
                         f'"format": "{FORMAT}"')
    for key in ("sizes", "weights", "biases"):
        if key not in doc:
            raise ValueError(f"{path} is missing the {key!r} entry")
    sizes = check_sizes(doc["sizes"])
    n = len(sizes) - 1
    if not (isinstance(doc["weights"], list) and isinstance(doc["biases"], list)
            and len(doc["weights"]) == n and len(doc["biases"]) == n):
        raise ValueError(f"{path}: sizes {sizes} need {n} weight matrices and {n} bias vectors")
    weights, biases = [], []
    for i in range(n):
        for kind, raw, shape, out in (("weights", doc["weights"][i], (sizes[i + 1], sizes[i]), weights),
                                      ("biases", doc["biases"][i], (sizes[i + 1], 1), biases)):
            try:
                arr = np.array(raw, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"{path}: {kind}[{i}] is not a numeric matrix of shape {shape}") from None
            if arr.shape != shape:
                raise ValueError(f"{path}: {kind}[{i}] has shape {arr.shape}, but sizes {sizes} "
                                 f"need {shape}")
            if not np.isfinite(arr).all():      # Python's json reads NaN and Infinity
                raise ValueError(f"{path}: {kind}[{i}] must be finite; it holds NaN or inf")
            out.append(arr)
    net = Network(sizes, activation=get_activation(doc.get("activation", "sigmoid")),
                  cost=get_cost(doc.get("cost", "quadratic")))
    net.weights, net.biases = weights, biases
    return net

