"""Spins, bits, overlaps, corruption and pattern makers.

Conventions (see ``docs/conventions.md``): spins are ``int8`` arrays of ±1;
Bernoulli units ``v ∈ {0, 1}`` appear only where a model is defined on them
and are converted explicitly with :func:`bits_to_spins` / :func:`spins_to_bits`.
The overlap of a state ``s`` with pattern ``ξ^μ`` is
``m^μ = (1/N) Σ_i ξ^μ_i s_i`` (Amit, Gutfreund & Sompolinsky, Phys. Rev. A 32,
1007 (1985), eq. 2.5).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    check_array,
    check_fraction,
    check_int,
    check_option,
    check_spins,
)

__all__ = [
    "binarize",
    "bits_to_spins",
    "flip",
    "occlude",
    "overlaps",
    "random_patterns",
    "spins_to_bits",
]


def bits_to_spins(bits: Any) -> np.ndarray:
    """Map Bernoulli units ``v ∈ {0, 1}`` to spins ``s = 2v - 1`` (``int8``).

    Parameters
    ----------
    bits : array_like of {0, 1}, any shape
        Bernoulli units (any numeric or bool dtype; may be empty).

    Returns
    -------
    ndarray of int8, same shape as ``bits``
        Spins ``±1``.

    Raises
    ------
    ValueError
        If any value is not exactly 0 or 1.
    """
    arr = check_array(bits, "bits", nonempty=False)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError("bits must contain only 0 and 1 (use binarize for real-valued data)")
    return (2 * arr.astype(np.int8) - 1).astype(np.int8)


def spins_to_bits(spins: Any) -> np.ndarray:
    """Map spins ``s ∈ {-1, +1}`` to Bernoulli units ``v = (s + 1) / 2`` (``uint8``).

    Parameters
    ----------
    spins : array_like of ±1, any shape
        Spins (non-±1 values raise ``ValueError``).

    Returns
    -------
    ndarray of uint8, same shape as ``spins``
        Bits ``0`` (for ``-1``) and ``1`` (for ``+1``).
    """
    s = check_spins(spins, "spins")
    return ((s + 1) // 2).astype(np.uint8)


def binarize(x: Any, threshold: float | None = None) -> np.ndarray:
    """Turn real-valued data into ±1 spins: ``+1`` where ``x > threshold``.

    Parameters
    ----------
    x : array_like
        Real data of any shape (e.g. grey-level images).
    threshold : float, optional
        Cut. Defaults to the midpoint of the data range,
        ``(min(x) + max(x)) / 2``, which maps {0, 1} data and 8-bit images
        sensibly.

    Returns
    -------
    ndarray of int8
        Spins of the same shape as ``x``.
    """
    arr = check_array(x, "x", dtype=np.float64)
    if threshold is None:
        threshold = 0.5 * (float(arr.min()) + float(arr.max()))
    elif not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite; got {threshold}")
    return np.where(arr > threshold, 1, -1).astype(np.int8)


def overlaps(patterns: Any, states: Any) -> np.ndarray:
    """Overlaps ``m^μ = ξ^μ · s / N`` of states with stored patterns.

    Parameters
    ----------
    patterns : array_like, shape (p, N)
        Stored patterns ``ξ^μ`` (±1).
    states : array_like, shape (N,) or (..., N)
        One state or a batch of states (±1).

    Returns
    -------
    ndarray, shape (p,) or (..., p)
        Overlaps in ``[-1, 1]``; ``m = 1`` means perfect retrieval.
    """
    xi = check_spins(patterns, "patterns", ndim=2)
    s = check_spins(states, "states", n=xi.shape[1])
    # float32 GEMM is exact here: partial sums are integers below 2^24.
    return (s.astype(np.float32) @ xi.T.astype(np.float32)).astype(np.float64) / xi.shape[1]


def flip(states: Any, fraction: float, rng: SeedLike = None) -> np.ndarray:
    """Corrupt states by flipping exactly ``round(fraction * N)`` random spins each.

    Flipping an exact number (not Bernoulli(fraction) per spin) puts every
    probe at the same initial overlap ``m0 = 1 - 2 * fraction`` with its source.

    Parameters
    ----------
    states : array_like, shape (N,) or (B, N)
        Spins to corrupt (not modified).
    fraction : float in [0, 1]
        Fraction of spins flipped in each state.
    rng : SeedLike
        Randomness (int seed, Generator or None).

    Returns
    -------
    ndarray of int8, same shape as ``states``
    """
    s = check_spins(states, "states", ndim=(1, 2))
    fraction = check_fraction(fraction, "fraction")
    gen = as_generator(rng)
    out = np.array(s, dtype=np.int8, copy=True)
    batch = out.reshape(-1, out.shape[-1])
    n = batch.shape[1]
    k = round(fraction * n)
    if k:
        # argpartition of uniform keys = k distinct sites per row, vectorised.
        keys = gen.random(batch.shape)
        idx = np.argpartition(keys, k - 1, axis=1)[:, :k]
        rows = np.arange(batch.shape[0])[:, None]
        batch[rows, idx] *= -1
    return out


_HALVES = ("top", "bottom", "left", "right")


def occlude(states: Any, shape: tuple[int, int], *, box: tuple[int, int, int, int] | None = None,
            half: str | None = None, fill: int | str = -1, rng: SeedLike = None) -> np.ndarray:
    """Occlude a rectangular region of image-shaped states.

    Parameters
    ----------
    states : array_like, shape (N,) or (B, N)
        Flattened images of spins with ``N = shape[0] * shape[1]``.
    shape : (int, int)
        Image height and width.
    box : (row0, row1, col0, col1), optional
        Region ``[row0:row1, col0:col1]`` to overwrite.
    half : {"top", "bottom", "left", "right"}, optional
        Shortcut for occluding one half of the image. Give ``box`` or ``half``.
    fill : -1, +1 or "random"
        Value written into the region; ``"random"`` draws ±1 uniformly.
    rng : SeedLike
        Used only when ``fill="random"``.

    Returns
    -------
    ndarray of int8, same shape as ``states``
    """
    if not (isinstance(shape, tuple | list) and len(shape) == 2):
        raise TypeError(f"shape must be a (height, width) pair; got {shape!r}")
    h = check_int(shape[0], "shape[0]", minimum=1)
    w = check_int(shape[1], "shape[1]", minimum=1)
    s = check_spins(states, "states", ndim=(1, 2), n=h * w)
    if (box is None) == (half is None):
        raise ValueError("give exactly one of box=(row0, row1, col0, col1) or half=...")
    if half is not None:
        half = check_option(half, "half", _HALVES)
        box = {"top": (0, h // 2, 0, w), "bottom": (h - h // 2, h, 0, w),
               "left": (0, h, 0, w // 2), "right": (0, h, w - w // 2, w)}[half]
    if len(box) != 4:
        raise ValueError(f"box must be (row0, row1, col0, col1); got {box!r}")
    r0, r1, c0, c1 = (check_int(v, "box", minimum=0) for v in box)
    if not (r0 <= r1 <= h and c0 <= c1 <= w):
        raise ValueError(f"box {box!r} does not fit in an image of shape {(h, w)}")
    out = np.array(s, dtype=np.int8, copy=True)
    img = out.reshape(-1, h, w)
    if isinstance(fill, str):
        check_option(fill, "fill", ("random",))
        region = img[:, r0:r1, c0:c1]
        img[:, r0:r1, c0:c1] = as_generator(rng).choice(
            np.array([-1, 1], dtype=np.int8), size=region.shape)
    else:
        if fill not in (-1, 1):
            raise ValueError(f"fill must be -1, +1 or 'random'; got {fill!r}")
        img[:, r0:r1, c0:c1] = fill
    return out


def random_patterns(p: int, n: int, bias: float = 0.0, rng: SeedLike = None) -> np.ndarray:
    """Draw ``p`` random patterns of ``n`` spins with mean activity ``⟨ξ⟩ = bias``.

    Each spin is independently ``+1`` with probability ``(1 + bias) / 2``
    (Amit, Gutfreund & Sompolinsky, Phys. Rev. A 35, 2293 (1987) for biased
    patterns).

    Parameters
    ----------
    p : int >= 1
        Number of patterns.
    n : int >= 1
        Number of spins ``N``.
    bias : float in (-1, 1)
        Mean ``a = ⟨ξ⟩``; 0 gives unbiased patterns.
    rng : SeedLike

    Returns
    -------
    ndarray of int8, shape (p, n)
    """
    p = check_int(p, "p", minimum=1)
    n = check_int(n, "n", minimum=1)
    if isinstance(bias, bool) or not isinstance(bias, int | float | np.floating | np.integer):
        raise TypeError(f"bias must be a real number; got {bias!r}")
    if not (np.isfinite(bias) and -1.0 < bias < 1.0):
        raise ValueError(f"bias must lie in (-1, 1); got {bias}")
    gen = as_generator(rng)
    return np.where(gen.random((p, n)) < 0.5 * (1.0 + bias), 1, -1).astype(np.int8)
