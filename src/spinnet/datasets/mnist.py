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
name). Nothing is downloaded: point :func:`load_mnist` at a directory holding
the files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from pathlib import Path

import numpy as np

from spinnet._validation import check_int, check_option
from spinnet.spins import binarize as _binarize

__all__ = ["MNIST_SHAPE", "default_mnist_path", "load_mnist", "read_idx"]

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


def _has_mnist(directory: Path) -> bool:
    stem = "t10k-images-idx3-ubyte"
    return (directory / f"{stem}.gz").is_file() or (directory / stem).is_file()


def default_mnist_path() -> Path | None:
    """Locate a directory with the MNIST IDX files, or return ``None``.

    Looks, in order, at the directory in the environment variable
    ``SPINNET_MNIST``, at ``../shared/data/mnist`` relative to the current
    directory and to the source checkout's root, and at
    ``shared/data/mnist`` under the current directory. A directory counts
    when it holds ``t10k-images-idx3-ubyte[.gz]``.

    Returns
    -------
    pathlib.Path or None
        The resolved directory, or ``None`` if none was found.
    """
    candidates: list[Path] = []
    env = os.environ.get("SPINNET_MNIST")
    if env:
        candidates.append(Path(env).expanduser())
    cwd = Path.cwd()
    candidates.append(cwd / ".." / "shared" / "data" / "mnist")
    # src/spinnet/datasets/mnist.py -> parents[3] is the checkout root in a
    # source (editable) install; harmless elsewhere.
    here = Path(__file__).resolve()
    if len(here.parents) > 3:
        candidates.append(here.parents[3] / ".." / "shared" / "data" / "mnist")
    candidates.append(cwd / "shared" / "data" / "mnist")
    for c in candidates:
        if c.is_dir() and _has_mnist(c):
            return c.resolve()
    return None
