"""No hangs, bounded work: nbteach refuses, before it starts, what would not finish.

* a network too large to hold is refused from its sizes, before any memory is taken;
* finite differences on a network too large to wait for are refused;
* a download that stalls, trickles or never finishes its headers is given up on, naming
  the file and the mirror; the cache keeps nothing of it;
* a learner's function that never returns is stopped with a verdict, by a time limit that
  also works outside the main thread, and leaves Ctrl-C working;
* ``load`` never reads more than a saved network can need.

The servers here run on 127.0.0.1 and give up by themselves after a few seconds, so that a
package without these bounds fails these tests instead of hanging.
"""
import gzip
import hashlib
import os
import signal
import socketserver
import threading
import time

import numpy as np
import pytest
from hostile import SETTINGS, assert_clear
from hypothesis import given
from hypothesis import strategies as st

import nbteach as nt
from nbteach import checks, exercises, mnist

# ---- a network too large to hold ------------------------------------------------------------


class _NoAllocation:
    """Stands in for numpy's random generator: building any weight fails the test."""

    def __init__(self, *args, **kwargs):
        pass

    def standard_normal(self, shape):
        raise AssertionError(f"allocated {shape} before refusing the network")


huge_sizes = st.lists(st.integers(1, 10**12), min_size=2, max_size=5).filter(
    lambda sizes: checks.parameter_count(sizes) > checks.MAX_PARAMETERS)


@SETTINGS
@given(sizes=huge_sizes)
def test_a_network_too_large_is_refused_from_its_sizes_before_any_allocation(sizes, monkeypatch):
    monkeypatch.setattr(np.random, "default_rng", _NoAllocation)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"weights and biases: .* as float64") as info:
        nt.Network(sizes)
    assert time.perf_counter() - start < 1.0
    assert f"{checks.parameter_count(sizes):,}" in str(info.value)
    assert_clear(info.value)


def test_the_issue_case_names_the_size_it_would_need(monkeypatch):
    monkeypatch.setattr(np.random, "default_rng", _NoAllocation)
    with pytest.raises(ValueError, match=r"1,000,000,001,000,000,000 weights and biases: "
                                         r"8\.0 EB as float64"):
        nt.Network([10**9, 10**9])


@pytest.mark.parametrize("extra, refused", [(0, False), (1, True)])
def test_the_limit_is_exact_and_can_be_raised_on_purpose(monkeypatch, extra, refused):
    sizes = [30, 20, 10]
    monkeypatch.setattr(checks, "MAX_PARAMETERS", checks.parameter_count(sizes) - extra)
    if refused:
        with pytest.raises(ValueError, match="raise nbteach.checks.MAX_PARAMETERS"):
            nt.Network(sizes)
    else:
        assert nt.Network(sizes, seed=0).sizes == sizes


def test_load_refuses_a_file_whose_sizes_are_too_large_before_reading_arrays(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text('{"format": "nbteach.network/1", "sizes": [100000, 100000, 10], '
                    '"weights": [], "biases": []}')
    with pytest.raises(ValueError, match=r"huge\.json: a network with sizes"):
        nt.load(path)


# ---- finite differences on a network too large to wait for ---------------------------------

@pytest.mark.parametrize("check", ["numerical_gradient", "check_gradients",
                                   "forward_difference_gradient"])
def test_finite_differences_refuse_a_network_too_large_to_wait_for(check, monkeypatch):
    from nbteach import gradcheck

    def ran(*args):
        raise AssertionError("ran the finite differences")
    monkeypatch.setattr(gradcheck, "_cost", ran)
    net = nt.Network([784, 200, 10], seed=0)                 # 159,010 parameters
    with pytest.raises(ValueError, match=r"159,010 weights and biases.*at most 100,000") as info:
        getattr(gradcheck, check)(net, np.zeros((784, 1)), np.zeros((10, 1)))
    assert_clear(info.value)


# ---- downloads: stalled, trickling, endless headers ----------------------------------------

class SlowServer(socketserver.ThreadingTCPServer):
    """An HTTP server on 127.0.0.1 that misbehaves in one way, for ``lasts`` seconds at most.

    mode "trickle": headers at once (Content-Length 100000), then one byte every 0.1 s;
    "headers": an endless header line, one byte every 0.1 s; "stall": reads the request
    and says nothing. Then it closes the connection, so nothing hangs forever.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode, lasts=6.0):
        self.mode, self.lasts, self.stop = mode, lasts, threading.Event()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass                                     # the request, ignored
                end = time.monotonic() + server.lasts
                if server.mode == "trickle":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                elif server.mode == "headers":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while time.monotonic() < end and not server.stop.is_set():
                    if server.mode != "stall":
                        self.wfile.write(b"a")
                        self.wfile.flush()
                    server.stop.wait(0.1)

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.shutdown()
        self.server_close()


@pytest.fixture
def tiny_mnist_registry(monkeypatch):
    """MNIST_FILES with checksums of small files: whatever a slow server sends never matches."""
    content = gzip.compress(b"\x00" * 10, mtime=0)
    monkeypatch.setattr(mnist, "MNIST_FILES", {
        name: hashlib.md5(content).hexdigest() for name in mnist.MNIST_FILES})
    monkeypatch.delenv("NBTEACH_DATA_DIR", raising=False)
    monkeypatch.delenv("NBTEACH_MNIST_URL", raising=False)


@pytest.mark.parametrize("mode, bound, words", [
    ("trickle", "GRACE", "arrived too slowly"),
    ("headers", "DEADLINE", "did not arrive within 2 s"),
    ("stall", "READ_TIMEOUT", "ReadTimeout"),
])
def test_a_slow_mirror_is_given_up_on_naming_the_file_and_the_mirror(
        tiny_mnist_registry, tmp_path, monkeypatch, mode, bound, words):
    monkeypatch.setattr("nbteach.download.GRACE", 1.0)
    monkeypatch.setattr("nbteach.download.MIN_RATE", 1000)
    monkeypatch.setattr("nbteach.download.DEADLINE", 2.0)
    monkeypatch.setattr("nbteach.download.READ_TIMEOUT", 1.0)
    cache = tmp_path / "cache"
    with SlowServer(mode) as server:
        start = time.monotonic()
        with pytest.raises(ConnectionError) as info:
            nt.load_mnist(cache_dir=cache, base_url=server.url, progress=False)
        took = time.monotonic() - start
    message = str(info.value)
    assert took < 4.0, f"{mode}: gave up after {took:.1f} s"
    assert "train-images-idx3-ubyte.gz" in message and server.url in message
    assert words in message
    assert not cache.exists()                        # nothing half-downloaded is kept


def test_download_bounds_have_sensible_defaults():
    from nbteach import download
    assert download.MIN_RATE * (download.DEADLINE - download.GRACE) > 9_912_422  # the largest file
    assert download.GRACE <= 60 and download.DEADLINE <= 900


# ---- a learner's function that never returns -----------------------------------------------

def _busy(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _swallowing(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            _busy(end - time.monotonic())
        except Exception:
            pass


def _swallowing_everything(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            _busy(end - time.monotonic())
        except BaseException:                        # noqa: B036 - a learner might
            pass


ENDLESS = {   # a learner's loop that runs far past the limit (3 s here stands for forever)
    "busy loop": _busy,
    "sleeping": time.sleep,
    "except Exception: in the loop": _swallowing,
    "bare except: in the loop": _swallowing_everything,
}


@pytest.mark.parametrize("kind, checker", [
    *((kind, "check_linear_neurons") for kind in sorted(ENDLESS)),
    *(("busy loop", checker) for checker in ("check_sigma_prime_form", "check_bp3_bp4",
                                             "check_matrix_backprop", "check_modified_neuron")),
])
def test_a_function_that_never_returns_gets_a_verdict_in_time(monkeypatch, kind, checker):
    monkeypatch.setattr("nbteach.diagnose.TIME_LIMIT", 0.3)

    def learner(*args):
        ENDLESS[kind](3.0 if kind != "bare except: in the loop" else 1.0)
    start = time.monotonic()
    result = getattr(exercises, checker)(learner)
    if kind != "bare except: in the loop":           # that one can only end by itself
        assert time.monotonic() - start < 2.0
    assert result.status == "timed out" and not result.passed
    assert "did not return within 0.3 s" in result.message
    assert "did not finish in time" in result.text() and "loop" in result.hint
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_time_limit_works_outside_the_main_thread(monkeypatch):
    monkeypatch.setattr("nbteach.diagnose.TIME_LIMIT", 0.3)
    outcome = {}

    def in_a_thread():
        start = time.monotonic()
        outcome["result"] = exercises.check_linear_neurons(lambda *args: _busy(3.0))
        outcome["took"] = time.monotonic() - start
    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join(10)
    assert outcome["result"].status == "timed out" and outcome["took"] < 2.0


def test_interrupting_a_check_still_works_and_leaves_no_timer(monkeypatch):
    monkeypatch.setattr("nbteach.diagnose.TIME_LIMIT", 30.0)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        exercises.check_linear_neurons(lambda *args: _busy(5.0))
    assert time.monotonic() - start < 2.0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


def test_a_slow_but_right_answer_passes_and_its_timing_is_bounded(monkeypatch):
    monkeypatch.setattr("nbteach.diagnose.TIME_LIMIT", 1.0)

    def slow_right(net, X, Y):
        time.sleep(0.3)
        return net.backprop_batch(X, Y)
    start = time.monotonic()
    result = exercises.check_matrix_backprop(slow_right)
    assert result.passed and time.monotonic() - start < 4.0
    assert "stopped and not timed" in result.timing


def test_time_limits_nest_and_the_outer_one_still_holds():
    from nbteach.timelimit import TimeLimitExceeded, call_with_time_limit
    start = time.monotonic()
    with pytest.raises(TimeLimitExceeded, match="0.5 s"):
        call_with_time_limit(0.5, lambda: (call_with_time_limit(0.2, lambda: 1), _busy(5.0)))
    assert time.monotonic() - start < 2.0
    assert call_with_time_limit(None, lambda x: x + 1, 1) == 2


# ---- load reads no more than a network can need ---------------------------------------------

def test_load_never_reads_more_than_a_network_can_need(tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "MAX_PARAMETERS", 10)
    path = tmp_path / "padded.json"
    nt.save(nt.Network([2, 1], seed=0), path)
    path.write_text(path.read_text() + " " * 10_000)       # valid JSON, far too large
    with pytest.raises(ValueError, match="larger than the largest network"):
        nt.load(path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_load_refuses_a_device_or_a_pipe_at_once(tmp_path):
    from nbteach.timelimit import call_with_time_limit
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path in ("/dev/zero", fifo):
        with pytest.raises(ValueError, match="not a regular file"):
            call_with_time_limit(2.0, nt.load, path)


def test_the_readme_states_the_bounds_the_code_uses():
    from pathlib import Path

    from nbteach import diagnose, download
    text = Path(__file__).resolve().parents[1].joinpath("README.md").read_text()
    section = text.split("## What nbteach promises under bad input")[1].split("\n## ")[0]
    section = " ".join(section.split())                    # line breaks do not matter
    assert f"{checks.MAX_PARAMETERS // 1_000_000} million weights and biases" in section
    assert f"{download.MIN_RATE // 1000:g} kB/s or more (after {download.GRACE:g} s)" in section
    assert f"within {download.DEADLINE / 60:g} minutes" in section
    assert f"after {diagnose.TIME_LIMIT:g} seconds" in section
