"""Save a network to JSON and load it back, exactly and safely.

The file holds ``sizes``, ``weights``, ``biases`` and the activation and cost names. Python
writes each float with the shortest text that reads back as the same float64, so every
weight round-trips bit for bit. The file is written to a temporary file beside the target
and renamed over it, so a crash mid-write leaves the old file whole (``files.atomic_write``;
through a symbolic link, the file it points to is replaced). No pickle.

``load`` trusts nothing in the file: every weight must be a JSON number (not a string, not
true/false) that fits a float64, every matrix must have the shape ``sizes`` asks for, and
``sizes`` must describe a network nbteach would build; anything else is a ``ValueError``
naming the file and the entry, raised before a network is made.
"""
from __future__ import annotations

import json
import math
import os

import numpy as np

from . import checks
from .activations import get_activation
from .checks import check_sizes, short_repr
from .costs import get_cost
from .files import atomic_write

__all__ = ["save", "load", "FORMAT"]

FORMAT = "nbteach.network/1"


def save(net, path):
    """Write ``net`` to ``path`` as JSON, atomically. Returns the path.

    The network comes first, as in ``nt.save(net, "net.json")``.
    """
    from .network import Network
    if not isinstance(net, Network):
        swapped = isinstance(path, Network) and isinstance(net, (str, os.PathLike))
        raise TypeError("save(net, path) takes the network first, then the file: "
                        + (f"nt.save(net, {os.fspath(net)!r})" if swapped else
                           f"got {type(net).__name__} where the Network should be"))
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name such as 'net.json'; got {type(path).__name__}")
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


# No number in a saved network needs more than 25 characters of JSON ("-1.2345678901234567e-300"
# and a separator), so a file larger than this cannot hold a network nbteach would build.
MAX_BYTES_PER_PARAMETER = 32


def load(path):
    """Read a network saved by ``save``; check that sizes and arrays agree."""
    from .network import Network
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name such as 'net.json'; got {type(path).__name__}")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder; load needs the file save wrote, e.g. net.json")
    if os.path.exists(path) and not os.path.isfile(path):
        raise ValueError(f"{path} is not a saved nbteach network: not a regular file")
    limit = MAX_BYTES_PER_PARAMETER * checks.MAX_PARAMETERS + 4096
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(limit + 1)                  # never more than a network can need
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a saved nbteach network: not a text (JSON) file") from None
    if len(text) > limit:
        raise ValueError(f"{path} is not a saved nbteach network: it is larger than the "
                         "largest network nbteach builds needs")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a saved nbteach network: not valid JSON ({exc})") from None
    except RecursionError:
        raise ValueError(f"{path} is not a saved nbteach network: its arrays are nested far "
                         "deeper than a matrix") from None
    except ValueError as exc:                    # e.g. an integer of more than 4300 digits
        raise ValueError(f"{path} is not a saved nbteach network: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved nbteach network: expected a JSON object with "
                         f'"format": "{FORMAT}"')
    for key in ("sizes", "weights", "biases"):
        if key not in doc:
            raise ValueError(f"{path} is missing the {key!r} entry")
    try:
        sizes = check_sizes(doc["sizes"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    try:
        activation = get_activation(doc.get("activation", "sigmoid"))
        cost = get_cost(doc.get("cost", "quadratic"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    n = len(sizes) - 1
    if not (isinstance(doc["weights"], list) and isinstance(doc["biases"], list)
            and len(doc["weights"]) == n and len(doc["biases"]) == n):
        raise ValueError(f"{path}: sizes {sizes} need {n} weight matrices and {n} bias vectors")
    weights = [_matrix(doc["weights"][i], (sizes[i + 1], sizes[i]), f"{path}: weights[{i}]", sizes)
               for i in range(n)]
    biases = [_matrix(doc["biases"][i], (sizes[i + 1], 1), f"{path}: biases[{i}]", sizes)
              for i in range(n)]
    net = Network(sizes, activation=activation, cost=cost)
    net.weights, net.biases = weights, biases
    return net


def _matrix(raw, shape, name, sizes):
    """A JSON list of rows as a float64 array of ``shape``; every entry a finite number.

    Walked row by row rather than handed to ``np.array``, which would read "0.5" and true as
    numbers and fail on 10**400 with an OverflowError.
    """
    found = _shape_of(raw)
    if found is None:
        raise ValueError(f"{name} is not a numeric matrix of shape {shape}: it must be a list "
                         f"of {shape[0]} rows of {shape[1]} numbers")
    if found != shape:
        raise ValueError(f"{name} has shape {found}, but sizes {sizes} need {shape}")
    out = np.empty(shape)                                   # (n_l, n_{l-1}) or (n_l, 1)
    for j, r in enumerate(raw):
        try:
            if all(type(v) is float or type(v) is int for v in r):   # not bool, not str
                out[j] = r
                if np.isfinite(out[j]).all():                       # json reads NaN, Infinity
                    continue
        except OverflowError:
            pass
        for k, v in enumerate(r):                           # say which entry, and why
            where = f"{name} is not a numeric matrix: entry [{j}][{k}]"
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                kind = "true/false" if isinstance(v, bool) else type(v).__name__
                raise ValueError(f"{where} is {short_repr(v)} ({kind}), not a number")
            try:
                v = float(v)
            except OverflowError:
                raise ValueError(f"{where} is {short_repr(v)}, too large for a float64") from None
            if not math.isfinite(v):
                raise ValueError(f"{where} is {v}; every weight and bias must be finite")
        raise ValueError(f"{name}[{j}] must be a row of {shape[1]} finite numbers")
    return out


def _shape_of(raw):
    """The shape of a JSON list (of lists) of scalars, or None if it is ragged or deeper."""
    if not isinstance(raw, list):
        return ()
    if not any(isinstance(r, list) for r in raw):
        return (len(raw),)
    if all(isinstance(r, list) and not any(isinstance(v, list) for v in r) for r in raw):
        lengths = {len(r) for r in raw}
        if len(lengths) == 1:
            return (len(raw), lengths.pop())
    return None
