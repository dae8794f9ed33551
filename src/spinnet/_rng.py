"""Explicit randomness: one ``rng=`` argument everywhere, resolved once.

Every public function that draws random numbers accepts ``rng: SeedLike``
(an ``int``, a :class:`numpy.random.Generator`, a
:class:`numpy.random.SeedSequence` or ``None``) and resolves it with
:func:`as_generator` exactly once. Independent chains get independent streams
from :func:`spawn`, so results never depend on scheduling. There is no global
seed anywhere in the library.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["SeedLike", "as_generator", "kernel_seed", "spawn", "torch_generator"]

SeedLike = int | np.integer | np.random.Generator | np.random.SeedSequence | None


def as_generator(rng: SeedLike = None) -> np.random.Generator:
    """Resolve ``rng`` to a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : int, Generator, SeedSequence or None
        ``None`` draws fresh OS entropy; an ``int`` or ``SeedSequence`` seeds a
        new PCG64 generator; a ``Generator`` is returned as is (shared state).

    Raises
    ------
    TypeError
        If ``rng`` is none of the above (floats and bools are rejected so that a
        typo such as ``rng=0.5`` does not silently become a seed).
    ValueError
        If an integer seed is negative.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            "rng must be an int seed, a numpy Generator, a SeedSequence or None; "
            f"got {type(rng).__name__}"
        )
    if rng < 0:
        raise ValueError(f"rng seed must be non-negative; got {rng}")
    return np.random.default_rng(int(rng))


def spawn(rng: SeedLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` statistically independent generators derived from ``rng``.

    Uses :meth:`numpy.random.Generator.spawn` (i.e. ``SeedSequence.spawn``), so
    the streams are independent and reproducible for a given seed.
    """
    return as_generator(rng).spawn(int(n))


def kernel_seed(rng: SeedLike) -> int:
    """Draw a 63-bit seed for a Numba kernel's internal generator from ``rng``.

    Numba kernels cannot take a NumPy ``Generator``; they seed their own
    ``np.random`` state from this integer, which is itself drawn from the
    caller's generator, so the result is a deterministic function of ``rng``.
    """
    return int(as_generator(rng).integers(0, 2**63 - 1))


def torch_generator(rng: SeedLike, device: str | None = "cpu"):
    """Return a ``torch.Generator`` seeded deterministically from ``rng``."""
    import torch

    gen = torch.Generator(device=device or "cpu")
    gen.manual_seed(kernel_seed(rng))
    return gen
