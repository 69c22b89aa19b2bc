"""nbteach: backpropagation as chapter 2 of Nielsen's *Neural Networks and Deep Learning*
teaches it, computed stage by stage so a learner can look at every number."""
import os

from .activations import sigmoid, sigmoid_prime, linear, tanh, relu, Activation
from .costs import QuadraticCost, CrossEntropyCost
from .network import Network, TrainingDiverged
from .trace import BackpropTrace, Step, Hadamard
from .saving import save, load
from .data import Dataset, load_mnist_subset, load_mnist

__version__ = "0.1.0"


_SUBMODULES = {"plots", "widgets", "display", "diagram", "gradcheck", "paths", "exercises",
               "bench", "fast", "backprop", "trace", "data", "training"}


def __getattr__(name):
    """``nt.plots``, ``nt.widgets`` ...: imported on first use, so ``import nbteach`` stays light
    (no matplotlib or ipywidgets until a notebook asks for them)."""
    if name in _SUBMODULES:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'nbteach' has no attribute {name!r}")


def quick_mode():
    """True when ``NBTEACH_QUICK`` is set (``make test`` sets it): notebooks shrink slow cells."""
    return os.environ.get("NBTEACH_QUICK", "") not in ("", "0")


__all__ = [
    "Network", "TrainingDiverged", "sigmoid", "sigmoid_prime", "linear", "tanh", "relu",
    "Activation", "QuadraticCost", "CrossEntropyCost", "BackpropTrace", "Step", "Hadamard",
    "save", "load", "quick_mode", "Dataset", "load_mnist_subset", "load_mnist",
]
