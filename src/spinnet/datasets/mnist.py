"""MNIST from IDX files on disk: a general IDX reader and an MNIST loader.

The IDX format (LeCun, Cortes & Burges, "The MNIST database of handwritten
digits") is a big-endian header followed by raw array data:

==========  ===========================================================
bytes 0-1   zero
byte 2      element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
            0x0D float32, 0x0E float64
byte 3      number of dimensions ``d``
next 4*d    dimension sizes, big-endian uint32
rest        ``prod(dims)`` elements, big-endian, row-major
==========  ===========================================================

Files may be raw or gzip-compressed (detected from their content, not their
name). This module never downloads: point :func:`load_mnist` at a directory
holding the files, or fetch them once with ``spinnet data fetch mnist``
(:mod:`spinnet.datasets.fetch`) into the user cache that
:func:`resolve_mnist_dir` searches.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spinnet._validation import check_int, check_option
from spinnet.spins import binarize as _binarize

__all__ = [
    "MNIST_SHAPE",
    "MnistNotFoundError",
    "MnistSplit",
    "cache_dir",
    "default_mnist_path",
    "load_mnist",
    "load_mnist_split",
    "mnist_kinds",
    "mnist_search_path",
    "read_idx",
    "resolve_mnist_dir",
]

#: Image shape ``(height, width)`` of one MNIST digit; ``N = 784`` spins.
MNIST_SHAPE: tuple[int, int] = (28, 28)

_IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_KINDS = ("t10k", "train")

# md5 of the *decompressed* files, so raw and gzip copies verify alike
# (computed from the official t10k files; their .gz archives have md5
# 9fb629c4189551a2d022fa330f9573f3 and ec29112dd5afa0611ce80d1b7f02629c).
_MD5 = {
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"IDX file {str(path)!r} is a corrupt or truncated gzip "
                             f"archive: {exc}") from exc
    return data


def _as_path(file: str | os.PathLike[str], name: str) -> Path:
    if not isinstance(file, str | os.PathLike):
        raise TypeError(f"{name} must be a path (str or os.PathLike); got {type(file).__name__}")
    return Path(file)


def read_idx(file: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (raw or gzip-compressed) into a NumPy array.

    Parameters
    ----------
    file : str or os.PathLike
        Path to the file. Compression is detected from the content.

    Returns
    -------
    ndarray
        Array of shape given by the header, in native byte order; dtype from
        the header's type code (``uint8`` for MNIST).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        On a bad magic number, an unknown type code, a truncated file or
        trailing bytes; the message names the file.
    """
    path = _as_path(file, "file")
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {str(path)!r} does not exist")
    data = _read_bytes(path)
    where = f"IDX file {str(path)!r}"
    if len(data) < 4:
        raise ValueError(f"{where} is truncated: {len(data)} bytes, shorter than the "
                         "4-byte magic number")
    if data[0] != 0 or data[1] != 0:
        raise ValueError(f"{where} has a bad magic number 0x{data[:4].hex()}: the first "
                         "two bytes must be zero (is this an IDX file?)")
    code, ndim = data[2], data[3]
    if code not in _IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in _IDX_DTYPES)
        raise ValueError(f"{where} has unknown element type code 0x{code:02X} "
                         f"(known: {known})")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{where} is truncated inside its header ({len(data)} bytes, "
                         f"{ndim} dimensions need {header})")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[code]
    expected = header + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(data) < expected:
        raise ValueError(f"{where} is truncated: header declares shape {dims} "
                         f"({expected} bytes) but the file holds {len(data)} bytes")
    if len(data) > expected:
        raise ValueError(f"{where} has {len(data) - expected} unexpected trailing bytes "
                         f"after shape {dims}")
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def _find(directory: Path, stem: str) -> Path:
    candidates = [directory / f"{stem}.gz", directory / stem]
    for c in candidates:
        if c.is_file():
            return c
    tried = ", ".join(c.name for c in candidates)
    raise FileNotFoundError(f"no MNIST file {stem!r} in {str(directory)!r} (tried {tried})")


def _md5_ok(path: Path, stem: str) -> None:
    digest = hashlib.md5(_read_bytes(path), usedforsecurity=False).hexdigest()
    if digest != _MD5[stem]:
        raise ValueError(f"MNIST file {str(path)!r} failed verification: md5 of its "
                         f"content is {digest}, expected {_MD5[stem]}")


def load_mnist(path: str | os.PathLike[str], *, kind: str = "t10k", binarize: bool = True,
               threshold: float = 127.5, limit: int | None = None,
               verify: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST images and labels from IDX files in a directory.

    Looks for ``{kind}-images-idx3-ubyte[.gz]`` and
    ``{kind}-labels-idx1-ubyte[.gz]`` in ``path`` (the gzip file is preferred
    when both exist).

    Parameters
    ----------
    path : str or os.PathLike
        Directory holding the files, anywhere on disk
        (see :func:`default_mnist_path`).
    kind : {"t10k", "train"}
        Test set (10 000 images) or training set (60 000 images).
    binarize : bool
        Return ±1 spins (``+1`` where the grey level exceeds ``threshold``)
        if true, raw grey levels (``uint8``, 0..255) otherwise.
    threshold : float
        Cut used when ``binarize`` is true.
    limit : int, optional
        Keep only the first ``limit`` images.
    verify : bool
        Check the md5 of the decompressed files against the official t10k
        files. Only the t10k checksums are recorded, so ``verify=True`` with
        ``kind="train"`` raises ``ValueError``.

    Returns
    -------
    images : ndarray, shape (n, 784)
        ``int8`` spins if ``binarize`` else ``uint8`` grey levels; reshape a
        row with ``.reshape(MNIST_SHAPE)``.
    labels : ndarray of int64, shape (n,)
        Digit classes 0..9.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a directory or a file is missing.
    ValueError
        On malformed files (see :func:`read_idx`), mismatched image/label
        counts, a failed verification or bad arguments.

    Examples
    --------
    >>> from spinnet.datasets import default_mnist_path, load_mnist
    >>> images, labels = load_mnist(default_mnist_path(), limit=100)  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((100, 784), dtype('int8'))
    """
    directory = _as_path(path, "path")
    if not directory.is_dir():
        raise FileNotFoundError(f"path must be a directory holding MNIST IDX files; "
                                f"got {str(directory)!r}")
    kind = check_option(kind, "kind", _KINDS)
    if not isinstance(binarize, bool | np.bool_):
        raise TypeError(f"binarize must be a bool; got {binarize!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise TypeError(f"threshold must be a real number; got {threshold!r}")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite; got {threshold}")
    if limit is not None:
        limit = check_int(limit, "limit", minimum=1)
    img_stem, lbl_stem = f"{kind}-images-idx3-ubyte", f"{kind}-labels-idx1-ubyte"
    img_path, lbl_path = _find(directory, img_stem), _find(directory, lbl_stem)
    if verify:
        if img_stem not in _MD5:
            raise ValueError(f"verify=True needs recorded checksums; none are known for "
                             f"kind={kind!r} (only 't10k')")
        _md5_ok(img_path, img_stem)
        _md5_ok(lbl_path, lbl_stem)

    images = read_idx(img_path)
    labels = read_idx(lbl_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"MNIST file {str(img_path)!r} must hold uint8 images of shape "
                         f"(n, rows, cols); got {images.dtype} {images.shape}")
    if labels.ndim != 1:
        raise ValueError(f"MNIST file {str(lbl_path)!r} must hold a 1-d label array; "
                         f"got shape {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images in {str(img_path)!r} but {len(labels)} "
                         f"labels in {str(lbl_path)!r}")
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    flat = images.reshape(len(images), -1)
    labels = labels.astype(np.int64)
    if binarize:
        if flat.size == 0:
            return flat.astype(np.int8), labels
        return _binarize(flat, threshold=float(threshold)), labels
    return np.ascontiguousarray(flat), labels


def _has_kind(directory: Path, kind: str) -> bool:
    return all((directory / f"{stem}.gz").is_file() or (directory / stem).is_file()
               for stem in (f"{kind}-images-idx3-ubyte", f"{kind}-labels-idx1-ubyte"))


def _has_mnist(directory: Path) -> bool:
    return _has_kind(directory, "t10k")


#: Files the loaders need (raw or ``.gz``): the test set always, the training set optionally.
MNIST_FILES: dict[str, tuple[str, str]] = {
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
}


def mnist_kinds(directory: str | os.PathLike[str]) -> list[str]:
    """Which MNIST sets ``directory`` holds: a sublist of ``["test", "train"]``.

    Parameters
    ----------
    directory : str or os.PathLike
        Directory to look in (a missing directory holds nothing).

    Returns
    -------
    list of str
        ``"test"`` and/or ``"train"``, in this order.
    """
    d = Path(directory)
    return [split for split, kind in (("test", "t10k"), ("train", "train"))
            if d.is_dir() and _has_kind(d, kind)]


class MnistNotFoundError(FileNotFoundError):
    """No directory holding the MNIST IDX files was found (the message lists where we looked)."""


def cache_dir() -> Path:
    """The user cache directory for spinnet's data (``platformdirs``), e.g. ``~/.cache/spinnet``.

    Returns
    -------
    Path
        The directory (not created here).
    """
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("spinnet"))


def mnist_search_path(data_dir: str | os.PathLike[str] | None = None) -> list[tuple[str, Path]]:
    """The places searched for MNIST, in order, as ``(label, directory)`` pairs.

    An explicit ``data_dir`` is the only place searched. Otherwise: ``$SPINNET_DATA``
    (the directory itself and its ``mnist/`` subdirectory), the user cache
    (``spinnet data fetch mnist`` puts the files there), then the repository-relative
    fallback ``../shared/data/mnist`` (beside a source checkout, and beside the
    current directory) used by the tests.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Explicit directory (the CLI's ``--data-dir``).

    Returns
    -------
    list of tuple of (str, Path)
        ``(label, directory)`` in search order; directories need not exist.
    """
    if data_dir is not None:
        return [("--data-dir", Path(data_dir).expanduser())]
    places: list[tuple[str, Path]] = []
    env = os.environ.get("SPINNET_DATA")
    if env:
        base = Path(env).expanduser()
        places += [("$SPINNET_DATA", base), ("$SPINNET_DATA", base / "mnist")]
    places.append(("user cache", cache_dir() / "mnist"))
    # src/spinnet/datasets/mnist.py -> parents[3] is the checkout root in a source
    # (editable) install; harmless elsewhere.
    here = Path(__file__).resolve()
    if len(here.parents) > 3:
        places.append(("checkout", (here.parents[3] / ".." / "shared" / "data" / "mnist")))
    places.append(("current directory", Path.cwd() / ".." / "shared" / "data" / "mnist"))
    unique: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for label, d in places:
        key = d.resolve() if d.exists() else d.absolute()
        if key not in seen:
            seen.add(key)
            unique.append((label, d))
    return unique


def resolve_mnist_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the first directory of :func:`mnist_search_path` holding the MNIST test set.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Look only here (the CLI's ``--data-dir``).

    Returns
    -------
    Path
        The directory holding the MNIST test-set files.

    Raises
    ------
    MnistNotFoundError
        Listing every place searched, the files needed and the command that fetches them.
    """
    places = mnist_search_path(data_dir)
    for _, directory in places:
        if directory.is_dir() and _has_mnist(directory):
            return directory.resolve()
    lines = ["MNIST not found. Searched, in order:"]
    for label, directory in places:
        state = ("missing" if not directory.exists() else
                 "not a directory" if not directory.is_dir() else "no MNIST test files")
        lines.append(f"  {label:<18} {directory}  ({state})")
    need = ", ".join(f"{stem}[.gz]" for stem in MNIST_FILES["test"])
    lines.append(f"Needed: {need} (optional, for the 60k training set: "
                 f"{', '.join(f'{s}[.gz]' for s in MNIST_FILES['train'])}).")
    lines.append("Get them with: spinnet data fetch mnist   (or pass --data-dir DIR / set "
                 "SPINNET_DATA=DIR to use files you already have)")
    raise MnistNotFoundError("\n".join(lines))


def default_mnist_path() -> Path | None:
    """Locate a directory with the MNIST IDX files, or return ``None``.

    Same search as :func:`resolve_mnist_dir` (``$SPINNET_DATA``, the user cache, the
    repository-relative fallback); a directory counts when it holds the t10k files.

    Returns
    -------
    pathlib.Path or None
        The resolved directory, or ``None`` if none was found.
    """
    try:
        return resolve_mnist_dir()
    except MnistNotFoundError:
        return None


#: The split used when only the test set is present: first 8000 t10k images train,
#: last 2000 test.
T10K_TRAIN, T10K_TEST = 8000, 2000


@dataclass(frozen=True)
class MnistSplit:
    """A train/test split of MNIST as grey levels.

    Attributes
    ----------
    x_train, x_test : ndarray of uint8, shape (n, 784)
        Grey levels 0..255 (binarize or scale as the model needs).
    y_train, y_test : ndarray of int64, shape (n,)
        Digit classes.
    split : str
        ``"train60k/t10k"`` (the 60 000 training images, tested on t10k) when the training
        files are present, else ``"t10k 8000/2000"`` (first 8000 t10k images train, last
        2000 test).
    directory : pathlib.Path
        Where the files were found.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    split: str
    directory: Path

    def describe(self) -> dict[str, object]:
        """What a manifest records about the data."""
        return {"split": self.split, "directory": str(self.directory),
                "n_train": len(self.x_train), "n_test": len(self.x_test)}


def load_mnist_split(data_dir: str | os.PathLike[str] | None = None) -> MnistSplit:
    """Load MNIST for training and evaluation, using the 60k training set when present.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Directory holding the IDX files; by default :func:`resolve_mnist_dir` searches.

    Returns
    -------
    MnistSplit
        Grey-level images with the split used and the resolved directory.

    Raises
    ------
    MnistNotFoundError
        If no directory holds the files (the message lists the places searched).
    """
    directory = resolve_mnist_dir(data_dir)
    x_test, y_test = load_mnist(directory, kind="t10k", binarize=False)
    if _has_kind(directory, "train"):
        x_train, y_train = load_mnist(directory, kind="train", binarize=False)
        return MnistSplit(x_train, y_train, x_test, y_test, "train60k/t10k", directory)
    if len(x_test) < T10K_TRAIN + T10K_TEST:
        raise ValueError(f"MNIST test set in {str(directory)!r} has {len(x_test)} images; "
                         f"the t10k split needs {T10K_TRAIN + T10K_TEST}")
    return MnistSplit(x_test[:T10K_TRAIN], y_test[:T10K_TRAIN],
                      x_test[T10K_TRAIN:T10K_TRAIN + T10K_TEST],
                      y_test[T10K_TRAIN:T10K_TRAIN + T10K_TEST], "t10k 8000/2000", directory)
