"""Download MNIST into the user cache: pinned sha256, resumable, never a corrupt file left.

This is the only module of spinnet that touches the network, and only when a user
asks (``spinnet data fetch mnist``). Each file is fetched with :mod:`pooch`:

- its sha256 is pinned here, and a file whose digest differs is deleted, never kept;
- bytes arrive in ``<dest>/<file>.part`` and an interrupted download continues from
  there with an HTTP ``Range`` request (a server that ignores ``Range`` simply sends the
  whole file again);
- the verified file is renamed into place only once complete, so ``<dest>`` holds
  either nothing or a verified file under each name;
- files already present and verified are not downloaded again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from spinnet._progress import ProgressCallback, report
from spinnet.datasets.mnist import cache_dir

__all__ = ["DEFAULT_MNIST_URL", "MNIST_SHA256", "FetchError", "fetch_mnist", "mnist_files"]

#: Where the gzip IDX files are downloaded from by default (any mirror with the same
#: file names works: ``--base-url``).
DEFAULT_MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"

#: sha256 of the official gzip files (LeCun, Cortes & Burges), pinned.
MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

_SPLITS = {"test": ("t10k",), "train": ("train",), "all": ("train", "t10k")}
_CHUNK = 1 << 16


class FetchError(RuntimeError):
    """A download failed or a file did not match its pinned checksum."""


def mnist_files(split: str = "all") -> list[str]:
    """The gzip file names of a split: ``"test"``, ``"train"`` or ``"all"``.

    Parameters
    ----------
    split : {"test", "train", "all"}, default "all"
        Which MNIST sets.

    Returns
    -------
    list of str
        Image and label IDX file names (``"t10k-images-idx3-ubyte.gz"``, ...).
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {sorted(_SPLITS)}; got {split!r}")
    return [f"{kind}-{what}-idx{d}-ubyte.gz" for kind in _SPLITS[split]
            for what, d in (("images", 3), ("labels", 1))]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _resumable_downloader(part: Path, on_bytes: Callable[[int, int | None], None],
                          timeout: float) -> Callable[[str, str, object], None]:
    """A pooch downloader that appends to ``part`` (HTTP Range) and copies it to pooch's file."""

    def download(url: str, output_file: str, pooch_obj: object) -> None:
        have = part.stat().st_size if part.exists() else 0
        request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have
                                         else {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                status = getattr(resp, "status", 200)
                if status != 206:        # server ignored Range: start over
                    have = 0
                length = resp.headers.get("Content-Length")
                total = have + int(length) if length is not None else None
                with open(part, "ab" if have else "wb") as fh:
                    done = have
                    for block in iter(lambda: resp.read(_CHUNK), b""):
                        fh.write(block)
                        done += len(block)
                        on_bytes(done, total)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:   # already complete
                pass
            else:
                raise FetchError(f"download of {url} failed: HTTP {exc.code} {exc.reason}"
                                 ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"download of {url} failed: {reason}; the partial file "
                             f"{part} is kept and the next fetch continues it") from None
        shutil.copyfile(part, output_file)

    return download


def fetch_mnist(split: str = "all", dest: str | os.PathLike[str] | None = None,
                base_url: str = DEFAULT_MNIST_URL, *, timeout: float = 60.0,
                progress: ProgressCallback | None = None) -> list[Path]:
    """Download the MNIST IDX files of ``split`` into ``dest`` and verify them.

    Parameters
    ----------
    split : {"all", "test", "train"}
        The t10k test set (10 000 images), the 60 000-image training set, or both.
    dest : str or os.PathLike, optional
        Target directory; default the user cache ``<cache>/mnist``, which
        :func:`spinnet.datasets.resolve_mnist_dir` searches.
    base_url : str
        Directory URL holding the gzip files under their official names.
    timeout : float
        Seconds to wait for the server.
    progress : callable, optional
        ``progress(file_name, bytes_done, bytes_total)``.

    Returns
    -------
    list of pathlib.Path
        The verified files.

    Raises
    ------
    FetchError
        On a network failure (a partial ``.part`` file is kept for resuming) or a
        checksum mismatch (the downloaded bytes are deleted; nothing is left behind).
    """
    import pooch

    # pooch announces every download on its logger; progress goes through ``progress``.
    pooch.get_logger().setLevel("WARNING")
    names = mnist_files(split)
    target = Path(dest).expanduser() if dest is not None else cache_dir() / "mnist"
    if target.exists() and not target.is_dir():
        raise ValueError(f"dest must be a directory; {str(target)!r} is a file")
    target.mkdir(parents=True, exist_ok=True)
    base = base_url if base_url.endswith("/") else base_url + "/"
    if not base.startswith(("http://", "https://", "file://")):
        raise ValueError(f"base_url must start with http://, https:// or file://; got "
                         f"{base_url!r}")
    fetched = []
    for name in names:
        final = target / name
        sha = MNIST_SHA256[name]
        if final.is_file() and _sha256(final) == sha:
            report(progress, name, final.stat().st_size, final.stat().st_size)
            fetched.append(final)
            continue
        part = target / f"{name}.part"
        downloader = _resumable_downloader(
            part, lambda done, total, n=name: report(progress, n, done, total), timeout)
        try:
            pooch.retrieve(base + name, known_hash=f"sha256:{sha}", fname=name,
                           path=target, downloader=downloader, progressbar=False)
        except ValueError:
            # pooch has already deleted its temporary copy; the downloaded bytes are
            # corrupt too, so nothing of this file is kept.
            got = _sha256(part) if part.exists() else "unknown"
            part.unlink(missing_ok=True)
            final.unlink(missing_ok=True)
            raise FetchError(f"{name} from {base} failed verification: sha256 {got}, "
                             f"expected {sha}. The download was deleted; nothing of it "
                             f"was kept.") from None
        part.unlink(missing_ok=True)
        # pooch's temporary file is private (0600); give the data ordinary permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(final, 0o666 & ~umask)
        fetched.append(final)
    return fetched
