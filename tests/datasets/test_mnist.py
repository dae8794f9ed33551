"""Tests for spinnet.datasets.mnist (IDX reader and MNIST loader)."""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from spinnet.datasets import MNIST_SHAPE, default_mnist_path, load_mnist, read_idx


def _shared_mnist() -> Path | None:
    # CI keeps the shared data beside the clone: <repo>/../shared/data/mnist.
    candidates = []
    if os.environ.get("SPINNET_DATA"):
        candidates.append(Path(os.environ["SPINNET_DATA"]))
    candidates += [
        Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mnist",
        Path("/work/shared/data/mnist"),
    ]
    for c in candidates:
        if (c / "t10k-images-idx3-ubyte.gz").is_file() or (c / "t10k-images-idx3-ubyte").is_file():
            return c
    return None


MNIST_DIR = _shared_mnist()
needs_mnist = pytest.mark.skipif(MNIST_DIR is None, reason="MNIST test files not found")


def _idx_bytes(arr: np.ndarray, code: int) -> bytes:
    header = struct.pack(">BBBB", 0, 0, code, arr.ndim)
    header += struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def _write(path: Path, data: bytes, gz: bool) -> Path:
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def _fake_mnist(directory: Path, n: int, gz: bool, kind: str = "t10k", seed: int = 0):
    gen = np.random.default_rng(seed)
    images = gen.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = gen.integers(0, 10, size=n, dtype=np.uint8)
    _write(directory / f"{kind}-images-idx3-ubyte", _idx_bytes(images, 0x08), gz)
    _write(directory / f"{kind}-labels-idx1-ubyte", _idx_bytes(labels, 0x08), gz)
    return images, labels


# --- read_idx ---------------------------------------------------------------

@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize(
    ("dtype", "code"),
    [(np.uint8, 0x08), (np.int8, 0x09), (np.int16, 0x0B), (np.int32, 0x0C),
     (np.float32, 0x0D), (np.float64, 0x0E)],
)
def test_read_idx_roundtrip(tmp_path, gz, dtype, code):
    arr = (np.arange(2 * 3 * 5) - 7).astype(dtype).reshape(2, 3, 5)
    if dtype == np.uint8:
        arr = np.arange(30, dtype=np.uint8).reshape(2, 3, 5)
    path = _write(tmp_path / "x.idx", _idx_bytes(arr, code), gz)
    out = read_idx(path)
    assert out.dtype == np.dtype(dtype) and out.dtype.isnative
    np.testing.assert_array_equal(out, arr)
    np.testing.assert_array_equal(read_idx(str(path)), arr)


def test_read_idx_bad_magic_names_file(tmp_path):
    data = bytearray(_idx_bytes(np.zeros((2, 2), np.uint8), 0x08))
    data[0] = 0x50
    path = _write(tmp_path / "bad.idx", bytes(data), False)
    with pytest.raises(ValueError, match=r"bad\.idx.*magic"):
        read_idx(path)


def test_read_idx_unknown_type_code(tmp_path):
    data = bytearray(_idx_bytes(np.zeros((2, 2), np.uint8), 0x08))
    data[2] = 0x07
    path = _write(tmp_path / "code.idx", bytes(data), False)
    with pytest.raises(ValueError, match=r"code\.idx.*type code"):
        read_idx(path)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("cut", [2, 6, 20])
def test_read_idx_truncated(tmp_path, gz, cut):
    data = _idx_bytes(np.arange(24, dtype=np.uint8).reshape(2, 3, 4), 0x08)[:cut]
    path = _write(tmp_path / "short.idx", data, gz)
    with pytest.raises(ValueError, match=r"short\.idx.*truncated"):
        read_idx(path)


def test_read_idx_truncated_gzip_stream(tmp_path):
    full = gzip.compress(_idx_bytes(np.arange(500, dtype=np.uint8), 0x08))
    path = tmp_path / "cut.idx.gz"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(ValueError, match=r"cut\.idx\.gz"):
        read_idx(path)


def test_read_idx_trailing_bytes(tmp_path):
    data = _idx_bytes(np.arange(4, dtype=np.uint8), 0x08) + b"\x00"
    path = _write(tmp_path / "long.idx", data, False)
    with pytest.raises(ValueError, match=r"long\.idx.*trailing"):
        read_idx(path)


def test_read_idx_missing_and_bad_type(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        read_idx(tmp_path / "nope.idx")
    with pytest.raises(TypeError, match="file"):
        read_idx(123)


# --- load_mnist on synthetic files -------------------------------------------

@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_synthetic_roundtrip(tmp_path, gz):
    images, labels = _fake_mnist(tmp_path, 7, gz)
    raw, lab = load_mnist(tmp_path, binarize=False)
    assert raw.shape == (7, 784) and raw.dtype == np.uint8
    assert lab.dtype == np.int64
    np.testing.assert_array_equal(raw, images.reshape(7, -1))
    np.testing.assert_array_equal(lab, labels)
    spins, lab2 = load_mnist(str(tmp_path), threshold=100)
    assert spins.dtype == np.int8
    np.testing.assert_array_equal(spins == 1, images.reshape(7, -1) > 100)
    np.testing.assert_array_equal(lab2, labels)


def test_load_mnist_train_kind_and_limit(tmp_path):
    images, labels = _fake_mnist(tmp_path, 5, True, kind="train")
    x, y = load_mnist(tmp_path, kind="train", limit=3, binarize=False)
    np.testing.assert_array_equal(x, images[:3].reshape(3, -1))
    np.testing.assert_array_equal(y, labels[:3])
    with pytest.raises(FileNotFoundError, match="t10k-images"):
        load_mnist(tmp_path)
    with pytest.raises(ValueError, match="verify"):
        load_mnist(tmp_path, kind="train", verify=True)


def test_load_mnist_verify_fails_on_fake(tmp_path):
    _fake_mnist(tmp_path, 3, False)
    with pytest.raises(ValueError, match="md5"):
        load_mnist(tmp_path, verify=True)


def test_load_mnist_count_mismatch(tmp_path):
    _fake_mnist(tmp_path, 4, False)
    _write(tmp_path / "t10k-labels-idx1-ubyte", _idx_bytes(np.zeros(3, np.uint8), 0x08), False)
    with pytest.raises(ValueError, match="4 images"):
        load_mnist(tmp_path)


def test_load_mnist_bad_arguments(tmp_path):
    _fake_mnist(tmp_path, 2, False)
    with pytest.raises(FileNotFoundError, match="path"):
        load_mnist(tmp_path / "missing")
    with pytest.raises(ValueError, match="kind"):
        load_mnist(tmp_path, kind="test")
    with pytest.raises(ValueError, match="limit"):
        load_mnist(tmp_path, limit=0)
    with pytest.raises(TypeError, match="limit"):
        load_mnist(tmp_path, limit=2.0)
    with pytest.raises(TypeError, match="binarize"):
        load_mnist(tmp_path, binarize="yes")
    with pytest.raises(TypeError, match="threshold"):
        load_mnist(tmp_path, threshold=None)


def test_default_mnist_path_env(tmp_path, monkeypatch):
    _fake_mnist(tmp_path, 2, True)
    monkeypatch.setenv("SPINNET_DATA", str(tmp_path))
    assert default_mnist_path() == tmp_path.resolve()


def test_default_mnist_path_none(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINNET_DATA", str(tmp_path / "nothing"))
    monkeypatch.chdir(tmp_path)
    found = default_mnist_path()
    # Only the checkout-relative location may still be found (it exists in CI).
    assert found is None or (found / "t10k-images-idx3-ubyte.gz").is_file() \
        or (found / "t10k-images-idx3-ubyte").is_file()


# --- the real MNIST test set --------------------------------------------------

@needs_mnist
def test_real_mnist_t10k():
    x, y = load_mnist(MNIST_DIR, verify=True)
    assert x.shape == (10000, 784) and x.dtype == np.int8
    assert set(np.unique(x).tolist()) == {-1, 1}
    assert y.shape == (10000,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=10)
    assert counts.sum() == 10000 and len(counts) == 10
    assert counts.tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y[:5].tolist() == [7, 2, 1, 0, 4]
    assert 0.05 < (x == 1).mean() < 0.25
    assert MNIST_SHAPE == (28, 28)


@needs_mnist
def test_real_mnist_raw_limit():
    x, y = load_mnist(MNIST_DIR, binarize=False, limit=10)
    assert x.shape == (10, 784) and x.dtype == np.uint8 and x.max() == 255
    assert len(y) == 10


# --- resolution order and the train/test split --------------------------------

def test_search_order_and_not_found_message(tmp_path, monkeypatch):
    from spinnet.datasets import MnistNotFoundError, mnist_search_path, resolve_mnist_dir

    monkeypatch.setenv("SPINNET_DATA", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    labels = [label for label, _ in mnist_search_path()]
    assert labels[:3] == ["$SPINNET_DATA", "$SPINNET_DATA", "user cache"]
    # An explicit directory is the only place searched, and the message lists it,
    # the files needed and the fetch command.
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(MnistNotFoundError) as info:
        resolve_mnist_dir(empty)
    msg = str(info.value)
    assert str(empty) in msg and "no MNIST test files" in msg
    assert "t10k-images-idx3-ubyte" in msg and "spinnet data fetch mnist" in msg
    with pytest.raises(MnistNotFoundError, match="missing"):
        resolve_mnist_dir(tmp_path / "nowhere")


def test_env_then_cache_precedence(tmp_path, monkeypatch):
    from spinnet.datasets import resolve_mnist_dir

    env, cache = tmp_path / "env", tmp_path / "cache"
    (cache / "spinnet" / "mnist").mkdir(parents=True)
    (env / "mnist").mkdir(parents=True)
    _fake_mnist(cache / "spinnet" / "mnist", 3, True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("SPINNET_DATA", str(env))
    assert resolve_mnist_dir() == (cache / "spinnet" / "mnist").resolve()
    _fake_mnist(env / "mnist", 3, False)          # $SPINNET_DATA/mnist wins over the cache
    assert resolve_mnist_dir() == (env / "mnist").resolve()


def test_split_uses_train_set_when_present(tmp_path):
    from spinnet.datasets import load_mnist_split

    test_x, _ = _fake_mnist(tmp_path, 10_000, True, kind="t10k", seed=1)
    s = load_mnist_split(tmp_path)
    assert s.split == "t10k 8000/2000" and s.directory == tmp_path.resolve()
    assert s.x_train.shape == (8000, 784) and s.x_test.shape == (2000, 784)
    np.testing.assert_array_equal(s.x_test, test_x[8000:].reshape(2000, -1))
    _, train_y = _fake_mnist(tmp_path, 50, True, kind="train", seed=2)
    s = load_mnist_split(tmp_path)
    assert s.split == "train60k/t10k" and len(s.x_train) == 50 and len(s.x_test) == 10_000
    np.testing.assert_array_equal(s.y_train, train_y)
    assert s.describe()["split"] == "train60k/t10k"
