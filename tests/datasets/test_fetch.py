"""`spinnet data fetch`: download from a local HTTP server, verify, resume, reject corruption.

The server is Python's http.server on 127.0.0.1 serving a copy of the MNIST test set
(the only network these tests touch).
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinnet.cli import app
from spinnet.datasets import load_mnist_split
from spinnet.datasets.fetch import MNIST_SHA256, FetchError, fetch_mnist, mnist_files

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mnist"
TEST_FILES = mnist_files("test")
pytestmark = pytest.mark.skipif(not all((SHARED / f).is_file() for f in TEST_FILES),
                                reason="shared MNIST test files not found")
runner = CliRunner()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """Serve a copy of the MNIST test set on 127.0.0.1; yield (directory, base URL)."""
    root = tmp_path / "served"
    root.mkdir()
    for f in TEST_FILES:
        shutil.copy(SHARED / f, root / f)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_test_split_verifies(served, tmp_path):
    _, url = served
    dest = tmp_path / "dest"
    res = runner.invoke(app, ["data", "fetch", "mnist", "--split", "test", "--base-url", url,
                              "--dest", str(dest)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in dest.iterdir()) == sorted(TEST_FILES)
    for f in TEST_FILES:
        assert _sha(dest / f) == MNIST_SHA256[f]
    # The fetched directory is usable at once, and `where` reports it.
    split = load_mnist_split(dest)
    assert split.split == "t10k 8000/2000" and split.x_test.shape == (2000, 784)
    res = runner.invoke(app, ["data", "where", "--data-dir", str(dest)])
    assert res.exit_code == 0 and "found: test" in res.output


def test_corrupt_file_fails_and_leaves_nothing(served, tmp_path):
    root, url = served
    bad = bytearray((root / TEST_FILES[1]).read_bytes())
    bad[100] ^= 0xFF
    (root / TEST_FILES[1]).write_bytes(bytes(bad))
    dest = tmp_path / "dest"
    res = runner.invoke(app, ["data", "fetch", "mnist", "--split", "test", "--base-url", url,
                              "--dest", str(dest)])
    assert res.exit_code == 1, res.output
    assert "failed verification" in res.output and "Traceback" not in res.output
    assert MNIST_SHA256[TEST_FILES[1]] in res.output.replace("\n", "")
    # The verified images file stays; of the corrupt labels file nothing is left.
    assert sorted(p.name for p in dest.iterdir()) == [TEST_FILES[0]]


def test_resume_from_partial_file(served, tmp_path):
    _, url = served
    dest = tmp_path / "dest"
    dest.mkdir()
    name = TEST_FILES[0]
    blob = (SHARED / name).read_bytes()
    # An interrupted earlier download: the first third of the bytes.
    (dest / f"{name}.part").write_bytes(blob[: len(blob) // 3])
    seen = []
    files = fetch_mnist("test", dest, url, progress=lambda s, d, t: seen.append((s, d, t)))
    assert [f.name for f in files] == TEST_FILES
    assert _sha(dest / name) == MNIST_SHA256[name]
    assert not list(dest.glob("*.part"))
    assert any(s == name and d == t == len(blob) for s, d, t in seen)
    # Already verified files are not fetched again (the server is not even needed).
    again = fetch_mnist("test", dest, "http://127.0.0.1:9/")
    assert again == files


def test_network_failure_is_a_clear_error(tmp_path):
    with pytest.raises(FetchError, match=r"download of http://127\.0\.0\.1:9/"):
        fetch_mnist("test", tmp_path / "d", "http://127.0.0.1:9/", timeout=5)


@pytest.mark.parametrize("args,option", [
    (["data", "fetch", "mnist", "--split", "bogus"], "--split"),
    (["data", "fetch", "cifar"], "DATASET"),
    (["data", "fetch", "mnist", "--base-url", "ftp://x/"], "--base-url"),
])
def test_fetch_bad_input(args, option, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
    from _bad_input import assert_bad_input

    assert_bad_input(args, option, tmp_path)


def test_fetch_dest_is_a_file(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
    from _bad_input import assert_bad_input

    f = tmp_path / "file"
    f.write_text("x")
    assert_bad_input(["data", "fetch", "mnist", "--dest", str(f)], "--dest", tmp_path)
