"""nbteach: backpropagation as chapter 2 of Nielsen's *Neural Networks and Deep Learning*
teaches it, computed stage by stage so a learner can look at every number."""
import os

from .activations import Activation, linear, relu, sigmoid, sigmoid_prime, tanh
from .costs import CrossEntropyCost, QuadraticCost
from .dataset import Dataset
from .mnist import load_mnist, load_mnist_subset
from .network import Network, TrainingDiverged
from .saving import load, save
from .style import present
from .trace import BackpropTrace, Hadamard, Step

__version__ = "0.1.0"


_SUBMODULES = {"plots", "live_plot", "widgets", "display", "panes", "diagram", "gradcheck",
               "paths", "exercises", "diagnose", "bench", "fast", "backprop", "trace",
               "dataset", "mnist", "training", "checks", "work", "timelimit", "download", "style", "inputs",
               "files", "saving", "figures"}


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
    "save", "load", "quick_mode", "present", "Dataset", "load_mnist_subset", "load_mnist",
]
