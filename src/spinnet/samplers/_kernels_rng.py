"""Per-chain random numbers inside Numba kernels: xoshiro256++ on uint64 state.

Every chain owns four ``uint64`` words of generator state (a row of a
``(n_chains, 4)`` array). Kernels load the row into registers, draw, and store
it back, so a chain's stream does not depend on which thread ran it or on how
many chains run beside it: results are bit-for-bit reproducible under
``prange``, and running ``n`` sweeps then ``m`` sweeps equals running ``n + m``.

xoshiro256++: Blackman & Vigna, "Scrambled linear pseudorandom number
generators", ACM Trans. Math. Softw. 47, 36 (2021). The initial states come
from :class:`numpy.random.SeedSequence` children (one per chain), never all
zero.
"""

from __future__ import annotations

import types

import numpy as np
from numba import njit

__all__ = ["ONE53", "TWO_M53", "U11", "chain_kernel", "next_u64", "pick", "record_measurement",
           "seed_states", "store_state", "uniform"]

U11 = np.uint64(11)
U17 = np.uint64(17)
U23 = np.uint64(23)
U41 = np.uint64(41)
U45 = np.uint64(45)
U19 = np.uint64(19)
U32 = np.uint64(32)
MASK32 = np.uint64(0xFFFFFFFF)
TWO_M53 = 1.0 / 9007199254740992.0
#: ``2**53``: a flip threshold at or above this accepts without drawing.
ONE53 = np.uint64(1 << 53)


def seed_states(generators: list[np.random.Generator]) -> np.ndarray:
    """Initial xoshiro256++ states, one row per (already spawned) generator.

    Parameters
    ----------
    generators : list of numpy Generator
        One independent generator per chain (from ``SeedSequence.spawn``).

    Returns
    -------
    ndarray of uint64, shape (len(generators), 4)
    """
    out = np.empty((len(generators), 4), dtype=np.uint64)
    for k, g in enumerate(generators):  # one draw per chain, not per spin
        row = g.integers(0, 2**64, size=4, dtype=np.uint64, endpoint=False)
        if not row.any():  # the all-zero state is the one fixed point
            row[0] = 1
        out[k] = row
    return out


@njit(inline="always")
def next_u64(s0, s1, s2, s3):
    """One xoshiro256++ step: returns ``(x, s0, s1, s2, s3)``."""
    t0 = s0 + s3
    result = ((t0 << U23) | (t0 >> U41)) + s0
    t = s1 << U17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << U45) | (s3 >> U19)
    return result, s0, s1, s2, s3


@njit(inline="always")
def uniform(x):
    """Map a uint64 to a double in ``[0, 1)`` with 53 random bits."""
    return float(x >> U11) * TWO_M53


@njit(inline="always")
def bounded(n, s0, s1, s2, s3):
    """Exactly uniform integer in ``[0, n)`` for ``n < 2**32`` (Lemire 2019, with rejection).

    Lemire, "Fast random integer generation in an interval", ACM TOMACS 29, 3 (2019).
    """
    nn = np.uint64(n)
    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    m = (x >> U32) * nn
    low = m & MASK32
    if low < nn:
        thresh = (np.uint64(1 << 32) - nn) % nn
        while low < thresh:
            x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            m = (x >> U32) * nn
            low = m & MASK32
    return np.int64(m >> U32), s0, s1, s2, s3


@njit(inline="always")
def store_state(rng_state, ch, s0, s1, s2, s3):
    """Write a chain's generator words back to its row of ``rng_state``."""
    rng_state[ch, 0] = s0
    rng_state[ch, 1] = s1
    rng_state[ch, 2] = s2
    rng_state[ch, 3] = s3


@njit(inline="always")
def record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record):
    """Store measurement ``k`` of chain ``ch``: energy and magnetisation per spin, spins."""
    out_e[ch, k] = E / N
    out_m[ch, k] = M / N
    if record:
        out_s[ch, k, :] = s


@njit(cache=True)
def draw_u64(state: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` raw words from one chain's state (advances it); for tests."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    out = np.empty(n, dtype=np.uint64)
    for k in range(n):
        x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        out[k] = x
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return out


def chain_kernel(fn):
    """Compile ``fn`` twice: parallel over chains (``prange``) and serial.

    The parallel dispatcher is returned; the serial one is its ``.serial``
    attribute. With a single chain the serial version is used, so that idle
    worker threads never compete with the one doing the work (on a loaded
    two-core machine that halves throughput). ``prange`` in the serial
    version is an ordinary ``range``.
    """
    parallel = njit(cache=True, parallel=True)(fn)
    ser = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial",
                             fn.__defaults__, fn.__closure__)
    ser.__qualname__ = fn.__qualname__ + "_serial"
    ser.__doc__ = fn.__doc__
    parallel.serial = njit(cache=True)(ser)
    return parallel


def pick(kernel, n_chains: int):
    """The serial variant of a :func:`chain_kernel` for one chain, else the parallel one."""
    return kernel.serial if n_chains == 1 else kernel
