"""Numba kernels for multi-spin-coded Metropolis on the square Ising lattice.

64 independent replicas are packed bit-wise into one ``uint64`` word per
site (bit ``b`` of word ``i`` is spin ``i`` of replica ``b``; bit 1 = spin +1),
as in Jacobs & Rebbi, J. Comput. Phys. 41, 203 (1981) and Bhanot, Duke &
Salvador, J. Stat. Phys. 44, 985 (1986). A checkerboard half-sweep updates
all 64 replicas of a site with a handful of bitwise operations:

* the four "antiparallel" words ``a_k = s XOR n_k`` count, per bit, the
  unsatisfied bonds ``c ∈ {0..4}``; ``ΔE = 4J (2 - c)``;
* bit-sliced adders classify every lane as ``c >= 2`` (``ΔE <= 0``, always
  accepted), ``c = 1`` (``ΔE = 4J``) or ``c = 0`` (``ΔE = 8J``);
* the acceptances ``exp(-4βJ)`` and ``exp(-8βJ)`` are drawn *independently for
  every lane* by comparing a bit-sliced uniform ``u = 0.w_1 w_2 w_3 ...``
  (one random word per binary digit) with the binary expansion of the lane's
  threshold, most significant digit first, until every lane is decided
  (about ``log2(64) + 2`` words per site). This is an exact Bernoulli draw
  for the 64-bit fixed-point thresholds -- no replica shares a random number
  with another, so the replicas are statistically independent.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spinnet.samplers._kernels_rng import chain_kernel, next_u64

__all__ = ["multispin_measure", "multispin_sweeps", "threshold_masks"]

ONE = np.uint64(1)
ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


def threshold_masks(p: np.ndarray) -> np.ndarray:
    """Bit-plane masks of probabilities ``p`` in 64-bit fixed point.

    Parameters
    ----------
    p : ndarray of float64, shape (G,), values in ``[0, 1)``

    Returns
    -------
    ndarray of uint64, shape (G, 64)
        ``masks[g, j]`` is all ones if binary digit ``j + 1`` of ``p[g]`` is 1.
    """
    p = np.asarray(p, dtype=np.float64)
    out = np.zeros((p.shape[0], 64), dtype=np.uint64)
    for g, pg in enumerate(p):  # 64 digits per group, not per spin
        fixed = min(int(np.ldexp(float(pg), 64)), 2**64 - 1)
        digits = [(fixed >> (63 - j)) & 1 for j in range(64)]
        out[g] = np.where(np.array(digits, dtype=bool), ALL, np.uint64(0))
    return out


@njit(inline="always")
def _vertical_add(cnt, w):
    """Add the 64 bits of ``w`` to 64 bit-sliced counters ``cnt[k]`` (ripple carry)."""
    carry = w
    k = 0
    while carry != 0:
        t = cnt[k] & carry
        cnt[k] ^= carry
        carry = t
        k += 1


@njit(cache=True)
def _measure_one(lat, L, cnt_up, cnt_anti, out_u, out_a):
    cnt_up[:] = 0
    cnt_anti[:] = 0
    for r in range(L):
        row = r * L
        rowp = (r + 1) * L if r < L - 1 else 0
        for c in range(L):
            cp = c + 1 if c < L - 1 else 0
            w = lat[row + c]
            _vertical_add(cnt_up, w)
            _vertical_add(cnt_anti, w ^ lat[row + cp])
            _vertical_add(cnt_anti, w ^ lat[rowp + c])
    for b in range(64):
        u = 0
        a = 0
        bb = np.uint64(b)
        for k in range(cnt_up.shape[0]):
            u += np.int64((cnt_up[k] >> bb) & ONE) << k
            a += np.int64((cnt_anti[k] >> bb) & ONE) << k
        out_u[b] = u
        out_a[b] = a


@chain_kernel
def multispin_measure(words, L, J, energy, magnet):
    """Per-replica total energy and magnetisation of packed lattices.

    Parameters
    ----------
    words : uint64 (G, L*L)
    energy : float64 (G, 64), magnet : int64 (G, 64) -- written
    """
    G, N = words.shape
    nbits = 2
    while (1 << nbits) <= 2 * N:
        nbits += 1
    for g in prange(G):
        cnt_up = np.zeros(nbits, dtype=np.uint64)
        cnt_anti = np.zeros(nbits, dtype=np.uint64)
        u = np.empty(64, dtype=np.int64)
        a = np.empty(64, dtype=np.int64)
        _measure_one(words[g], L, cnt_up, cnt_anti, u, a)
        for b in range(64):
            magnet[g, b] = 2 * u[b] - N
            energy[g, b] = -J * (2 * N - 2 * a[b])


@chain_kernel
def multispin_sweeps(words, L, m4, m8, J, n_sweeps, measure_every, rng_state,
                     out_e, out_m, out_w):
    """Checkerboard Metropolis sweeps of 64 bit-packed replicas per word.

    Parameters
    ----------
    words : uint64 (G, L*L), ``L`` even; updated in place
    m4, m8 : uint64 (G, 64) -- :func:`threshold_masks` of ``exp(-4βJ)``, ``exp(-8βJ)``
    J : float -- coupling (for the measured energies only)
    rng_state : uint64 (G, 4)
    out_e, out_m : float64 (G, 64, n_meas) -- ``E/N`` and ``M/N`` per replica
    out_w : uint64 (G, n_meas or 0, L*L) -- recorded lattices
    """
    G, N = words.shape
    record = out_w.shape[1] > 0
    n_meas = out_e.shape[2]
    nbits = 2
    while (1 << nbits) <= 2 * N:
        nbits += 1
    for g in prange(G):
        lat = words[g]
        p4 = m4[g]
        p8 = m8[g]
        s0 = rng_state[g, 0]
        s1 = rng_state[g, 1]
        s2 = rng_state[g, 2]
        s3 = rng_state[g, 3]
        cnt_up = np.zeros(nbits, dtype=np.uint64)
        cnt_anti = np.zeros(nbits, dtype=np.uint64)
        u = np.empty(64, dtype=np.int64)
        a = np.empty(64, dtype=np.int64)
        k = 0
        for t in range(n_sweeps):
            for color in range(2):
                for r in range(L):
                    row = r * L
                    rowp = (r + 1) * L if r < L - 1 else 0
                    rowm = (r - 1) * L if r > 0 else (L - 1) * L
                    for c in range((color + r) & 1, L, 2):
                        cp = c + 1 if c < L - 1 else 0
                        cm = c - 1 if c > 0 else L - 1
                        w = lat[row + c]
                        a1 = w ^ lat[row + cp]
                        a2 = w ^ lat[row + cm]
                        a3 = w ^ lat[rowp + c]
                        a4 = w ^ lat[rowm + c]
                        x1 = a1 ^ a2
                        c1 = a1 & a2
                        x2 = a3 ^ a4
                        c2 = a3 & a4
                        anyc = x1 | c1 | x2 | c2
                        eq0 = ~anyc
                        eq1 = (x1 ^ x2) & ~(c1 | c2)
                        flip = anyc & ~eq1  # c >= 2: ΔE <= 0
                        und = eq0 | eq1
                        j = 0
                        while und != 0 and j < 64:
                            x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                            th = (eq1 & p4[j]) | (eq0 & p8[j])
                            flip |= und & th & ~x  # first differing digit: u < p
                            und &= ~(th ^ x)
                            j += 1
                        lat[row + c] = w ^ flip
            if (t + 1) % measure_every == 0 and k < n_meas:
                _measure_one(lat, L, cnt_up, cnt_anti, u, a)
                for b in range(64):
                    out_m[g, b, k] = (2 * u[b] - N) / N
                    out_e[g, b, k] = -J * (2 * N - 2 * a[b]) / N
                if record:
                    out_w[g, k, :] = lat
                k += 1
        rng_state[g, 0] = s0
        rng_state[g, 1] = s1
        rng_state[g, 2] = s2
        rng_state[g, 3] = s3
