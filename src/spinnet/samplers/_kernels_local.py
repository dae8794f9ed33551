"""Numba kernels for single-spin-flip Monte Carlo (Metropolis, heat bath, zero T).

Plain arrays in, plain arrays out; one ``prange`` iteration per chain, each
chain driven by its own xoshiro256++ state (:mod:`._kernels_rng`), so results
do not depend on threading. A kernel runs ``n_sweeps`` sweeps of ``N``
single-spin attempts and writes ``E/N`` and ``M/N`` (and optionally the spins)
after every ``measure_every``-th sweep.

Update rules (``rule``), each satisfying detailed balance for one spin flip
with ``ΔE = 2 s_i h_i``:

* ``0`` Metropolis et al., J. Chem. Phys. 21, 1087 (1953): flip with
  probability ``min(1, exp(-β ΔE))``;
* ``1`` heat bath / Glauber, J. Math. Phys. 4, 294 (1963): flip with
  probability ``1 / (1 + exp(β ΔE))``, i.e. ``P(s_i = +1) = 1/(1 + exp(-2β h_i))``;
* ``2`` zero temperature: flip only if ``ΔE < 0`` (a zero field keeps the spin).

A flip whose probability is 1 draws no random number.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spinnet.samplers._kernels_rng import (
    ONE53,
    U11,
    bounded,
    chain_kernel,
    next_u64,
    record_measurement,
    store_state,
    uniform,
)

__all__ = [
    "HEATBATH",
    "METROPOLIS",
    "ZERO_T",
    "flip_probability",
    "square_flip_table",
    "sweep_dense",
    "sweep_sparse",
    "sweep_square",
    "sweep_triangles",
]

METROPOLIS = 0
HEATBATH = 1
ZERO_T = 2


@njit(inline="always")
def flip_probability(rule, beta, dE):
    """Probability of accepting a single-spin flip with energy change ``dE``."""
    if rule == 0:
        if dE <= 0.0:
            return 1.0
        return np.exp(-beta * dE)
    if rule == 1:
        return 1.0 / (1.0 + np.exp(beta * dE))
    return 1.0 if dE < 0.0 else 0.0


def square_flip_table(J_h: float, J_v: float, J_d: float, h: float, betas: np.ndarray,
                      rule: int) -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables for the square-lattice kernel (pure NumPy).

    The energy change of flipping ``s`` with neighbour sums ``S_h, S_v, S_d ∈
    {-2, 0, 2}`` is ``ΔE = 2 s (J_h S_h + J_v S_v + J_d S_d + h)``: 54 values,
    indexed by ``27 (s+1)/2 + 9 (S_h+2)/2 + 3 (S_v+2)/2 + (S_d+2)/2``.

    Returns
    -------
    thresholds : ndarray of uint64, shape (n_chains, 54)
        ``floor(p 2**53)``; a flip is accepted if the top 53 bits of a random
        word are below it (``>= 2**53``: always, without drawing).
    dE : ndarray of float64, shape (54,)
    """
    sb, a, b, c = np.unravel_index(np.arange(54), (2, 3, 3, 3))
    s = 2.0 * sb - 1.0
    dE = 2.0 * s * (J_h * (2.0 * a - 2.0) + J_v * (2.0 * b - 2.0) + J_d * (2.0 * c - 2.0) + h)
    betas = np.asarray(betas, dtype=np.float64)[:, None]
    with np.errstate(over="ignore"):
        if rule == METROPOLIS:
            p = np.where(dE <= 0.0, 1.0, np.exp(-betas * np.maximum(dE, 0.0)))
        elif rule == HEATBATH:
            p = 1.0 / (1.0 + np.exp(betas * dE))
        else:
            p = np.broadcast_to(np.where(dE < 0.0, 1.0, 0.0), (betas.shape[0], 54))
    thr = np.where(p >= 1.0, float(2**53), np.floor(p * 2.0**53))
    return np.ascontiguousarray(thr.astype(np.uint64)), dE


@chain_kernel
def sweep_sparse(spins, neighbors, couplings, field, betas, order, random_order, rule,
                 n_sweeps, measure_every, rng_state, energy, magnet, n_accept,
                 out_e, out_m, out_s):
    """Single-spin sweeps on a sparse pairwise model (neighbour table).

    Parameters
    ----------
    spins : int8 (C, N), updated in place
    neighbors : int32 (N, z); couplings : float64 (N, z); field : float64 (N,)
    betas : float64 (C,)
    order : int32 (N,) visiting order when ``random_order`` is False
        (sequential or colour-sorted checkerboard order)
    random_order : bool -- draw ``N`` uniformly random sites per sweep instead
    rule : int -- 0 Metropolis, 1 heat bath, 2 zero temperature
    rng_state : uint64 (C, 4), advanced in place
    energy : float64 (C,), magnet : int64 (C,), n_accept : int64 (C,), updated
    out_e, out_m : float64 (C, n_meas); out_s : int8 (C, n_meas or 0, N)
    """
    n_chains, N = spins.shape
    z = neighbors.shape[1]
    record = out_s.shape[1] > 0
    n_meas = out_e.shape[1]
    for ch in prange(n_chains):
        s = spins[ch]
        s0 = rng_state[ch, 0]
        s1 = rng_state[ch, 1]
        s2 = rng_state[ch, 2]
        s3 = rng_state[ch, 3]
        beta = betas[ch]
        E = energy[ch]
        M = magnet[ch]
        acc = 0
        k = 0
        for t in range(n_sweeps):
            for step in range(N):
                if random_order:
                    i, s0, s1, s2, s3 = bounded(N, s0, s1, s2, s3)
                else:
                    i = order[step]
                hloc = field[i]
                for q in range(z):
                    hloc += couplings[i, q] * s[neighbors[i, q]]
                si = s[i]
                dE = 2.0 * si * hloc
                p = flip_probability(rule, beta, dE)
                flip = p >= 1.0
                if not flip and p > 0.0:
                    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    flip = uniform(x) < p
                if flip:
                    s[i] = -si
                    E += dE
                    M -= 2 * si
                    acc += 1
            if (t + 1) % measure_every == 0 and k < n_meas:
                record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record)
                k += 1
        store_state(rng_state, ch, s0, s1, s2, s3)
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc


@chain_kernel
def sweep_square(spins, L, K, has_diag, thresholds, dE_table, n_sweeps, measure_every,
                 rng_state, energy, magnet, n_accept, out_e, out_m, out_s):
    """Checkerboard sweeps on the periodic square lattice with a lookup table.

    Sites are visited colour by colour, colour ``(r + c) mod K`` (``K = 2`` for
    even ``L`` without diagonal, ``K = 3`` for ``L`` a multiple of 3); within a
    colour no two sites interact. Neighbour indices are computed, not looked
    up, so the only memory traffic is the ``int8`` lattice itself.

    Parameters
    ----------
    spins : int8 (C, L*L), row-major; updated in place
    L, K : int; has_diag : bool (read the ``(r±1, c±1)`` neighbours)
    thresholds : uint64 (C, 54) from :func:`square_flip_table`
    dE_table : float64 (54,)
    remaining parameters as in :func:`sweep_sparse`
    """
    n_chains, N = spins.shape
    record = out_s.shape[1] > 0
    n_meas = out_e.shape[1]
    for ch in prange(n_chains):
        s = spins[ch]
        thr = thresholds[ch]
        s0 = rng_state[ch, 0]
        s1 = rng_state[ch, 1]
        s2 = rng_state[ch, 2]
        s3 = rng_state[ch, 3]
        E = energy[ch]
        M = magnet[ch]
        acc = 0
        k = 0
        for t in range(n_sweeps):
            for color in range(K):
                for r in range(L):
                    row = r * L
                    rowp = (r + 1) * L if r < L - 1 else 0
                    rowm = (r - 1) * L if r > 0 else (L - 1) * L
                    start = (color - r) % K
                    for c in range(start, L, K):
                        cp = c + 1 if c < L - 1 else 0
                        cm = c - 1 if c > 0 else L - 1
                        si = np.int64(s[row + c])
                        sh = np.int64(s[row + cp]) + np.int64(s[row + cm])
                        sv = np.int64(s[rowp + c]) + np.int64(s[rowm + c])
                        if has_diag:
                            sd = np.int64(s[rowp + cp]) + np.int64(s[rowm + cm])
                        else:
                            sd = np.int64(0)
                        idx = ((si + 1) * 27 + (sh + 2) * 9 + (sv + 2) * 3 + (sd + 2)) >> 1
                        th = thr[idx]
                        flip = th >= ONE53
                        if not flip and th > 0:
                            x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                            flip = (x >> U11) < th
                        if flip:
                            s[row + c] = -si
                            E += dE_table[idx]
                            M -= 2 * si
                            acc += 1
            if (t + 1) % measure_every == 0 and k < n_meas:
                record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record)
                k += 1
        store_state(rng_state, ch, s0, s1, s2, s3)
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc


@chain_kernel
def sweep_dense(spins, couplings, field, betas, order, random_order, rule, n_sweeps,
                measure_every, rng_state, energy, magnet, n_accept, out_e, out_m, out_s):
    """Single-spin sweeps on a dense pairwise model with incremental local fields.

    The local fields ``h = J s + field`` are computed once per call and updated
    by ``h_j += 2 s_i' J_ij`` after each accepted flip of spin ``i`` (``O(N)``
    per accepted flip, ``O(1)`` per rejected attempt). Parameters as in
    :func:`sweep_sparse`, with ``couplings`` float64 (N, N), symmetric.
    """
    n_chains, N = spins.shape
    record = out_s.shape[1] > 0
    n_meas = out_e.shape[1]
    for ch in prange(n_chains):
        s = spins[ch]
        hloc = field.copy()
        for i in range(N):
            if s[i] > 0:
                for j in range(N):
                    hloc[j] += couplings[i, j]
            else:
                for j in range(N):
                    hloc[j] -= couplings[i, j]
        s0 = rng_state[ch, 0]
        s1 = rng_state[ch, 1]
        s2 = rng_state[ch, 2]
        s3 = rng_state[ch, 3]
        beta = betas[ch]
        E = energy[ch]
        M = magnet[ch]
        acc = 0
        k = 0
        for t in range(n_sweeps):
            for step in range(N):
                if random_order:
                    i, s0, s1, s2, s3 = bounded(N, s0, s1, s2, s3)
                else:
                    i = order[step]
                si = s[i]
                dE = 2.0 * si * hloc[i]
                p = flip_probability(rule, beta, dE)
                flip = p >= 1.0
                if not flip and p > 0.0:
                    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    flip = uniform(x) < p
                if flip:
                    s[i] = -si
                    two_s = -2.0 * si
                    for j in range(N):
                        hloc[j] += two_s * couplings[i, j]
                    E += dE
                    M -= 2 * si
                    acc += 1
            if (t + 1) % measure_every == 0 and k < n_meas:
                record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record)
                k += 1
        store_state(rng_state, ch, s0, s1, s2, s3)
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc


@chain_kernel
def sweep_triangles(spins, site_triangles, coupling, betas, order, random_order, rule,
                    n_sweeps, measure_every, rng_state, energy, magnet, n_accept,
                    out_e, out_m, out_s):
    """Single-spin sweeps on a three-spin model (Baxter-Wu) with a lookup table.

    ``ΔE = 2 J s_i Σ_t s_j s_k`` over the ``q`` triangles ``(i, j, k)`` of spin
    ``i``: ``2q + 1`` possible values of ``s_i Σ_t s_j s_k``, whose flip
    probabilities are tabulated per chain. ``site_triangles`` is int32
    (N, q, 2); other parameters as in :func:`sweep_sparse`.
    """
    n_chains, N = spins.shape
    q = site_triangles.shape[1]
    record = out_s.shape[1] > 0
    n_meas = out_e.shape[1]
    for ch in prange(n_chains):
        s = spins[ch]
        beta = betas[ch]
        ptab = np.empty(2 * q + 1)
        for v in range(-q, q + 1):
            ptab[v + q] = flip_probability(rule, beta, 2.0 * coupling * v)
        s0 = rng_state[ch, 0]
        s1 = rng_state[ch, 1]
        s2 = rng_state[ch, 2]
        s3 = rng_state[ch, 3]
        E = energy[ch]
        M = magnet[ch]
        acc = 0
        k = 0
        for t in range(n_sweeps):
            for step in range(N):
                if random_order:
                    i, s0, s1, s2, s3 = bounded(N, s0, s1, s2, s3)
                else:
                    i = order[step]
                S = 0
                for a in range(q):
                    S += s[site_triangles[i, a, 0]] * s[site_triangles[i, a, 1]]
                si = s[i]
                v = si * S
                p = ptab[v + q]
                flip = p >= 1.0
                if not flip and p > 0.0:
                    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    flip = uniform(x) < p
                if flip:
                    s[i] = -si
                    E += 2.0 * coupling * v
                    M -= 2 * si
                    acc += 1
            if (t + 1) % measure_every == 0 and k < n_meas:
                record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record)
                k += 1
        store_state(rng_state, ch, s0, s1, s2, s3)
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc


# --- even periodic square lattice without diagonal: int8 sublattices (small L) ---------------

@njit(cache=True)
def _to_sublattices(s, L, out):
    """Natural row-major ``s (L*L)`` -> split layout ``out (2*L*H)``, ``H = L/2``.

    Sublattice ``p`` (sites with ``(r + c) mod 2 = p``), row ``r``, slot ``j``
    holds site ``(r, 2j + ((r + p) mod 2))`` at ``p L H + r H + j``.
    """
    H = L // 2
    for p in range(2):
        for r in range(L):
            c0 = (r + p) & 1
            base = p * L * H + r * H
            for j in range(H):
                out[base + j] = s[r * L + 2 * j + c0]


@njit(cache=True)
def _from_sublattices(a, L, s):
    H = L // 2
    for p in range(2):
        for r in range(L):
            c0 = (r + p) & 1
            base = p * L * H + r * H
            for j in range(H):
                s[r * L + 2 * j + c0] = a[base + j]


@njit(cache=True)
def _bipartite_energy(a, L, J_h, J_v, h, M):
    # Every bond joins sublattice 0 to sublattice 1: sum over sublattice 0 only.
    H = L // 2
    LH = L * H
    bh = 0
    bv = 0
    for r in range(L):
        up = LH + (r - 1 if r > 0 else L - 1) * H
        dn = LH + (r + 1 if r < L - 1 else 0) * H
        same = LH + r * H
        off = -1 if (r & 1) == 0 else 1
        for j in range(H):
            jo = j + off
            if jo < 0:
                jo = H - 1
            elif jo >= H:
                jo = 0
            sij = np.int64(a[r * H + j])
            bh += sij * (np.int64(a[same + j]) + np.int64(a[same + jo]))
            bv += sij * (np.int64(a[up + j]) + np.int64(a[dn + j]))
    return -J_h * bh - J_v * bv - h * M


@njit(cache=True)
def _bipartite_chain(s_nat, L, J_h, J_v, h, thr, n_sweeps, measure_every, rng, E, M,
                     out_e, out_m, out_s):
    # One chain. The energy is recomputed at measurements (O(N), sublattice
    # sums) rather than accumulated: a floating-point add per site would be a
    # loop-carried dependency in the hot loop.
    N = L * L
    H = L // 2
    LH = L * H
    record = out_s.shape[0] > 0
    n_meas = out_e.shape[0]
    one = np.uint64(1)
    a = np.empty(N, dtype=np.int8)
    _to_sublattices(s_nat, L, a)
    s0 = rng[0]
    s1 = rng[1]
    s2 = rng[2]
    s3 = rng[3]
    acc = 0
    k = 0
    for t in range(n_sweeps):
        for p in range(2):
            me0 = p * LH
            ot0 = (1 - p) * LH
            for r in range(L):
                cur = np.uint64(me0 + r * H)
                same = np.uint64(ot0 + r * H)
                up = np.uint64(ot0 + (r - 1 if r > 0 else L - 1) * H)
                dn = np.uint64(ot0 + (r + 1 if r < L - 1 else 0) * H)
                # horizontal partner in the other sublattice: slot j-1 or j+1
                left = ((r + p) & 1) == 0
                for jj in range(H):
                    j = np.uint64(jj)
                    if left:
                        jo = j - one if jj > 0 else np.uint64(H - 1)
                    else:
                        jo = j + one if jj < H - 1 else np.uint64(0)
                    si = np.int64(a[cur + j])
                    sh = np.int64(a[same + j]) + np.int64(a[same + jo])
                    sv = np.int64(a[up + j]) + np.int64(a[dn + j])
                    idx = np.uint64(((si + 1) * 27 + (sh + 2) * 9 + (sv + 2) * 3 + 2) >> 1)
                    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    f = np.int64((x >> U11) < thr[idx])
                    a[cur + j] = si - 2 * si * f
                    M -= 2 * si * f
                    acc += f
        if (t + 1) % measure_every == 0 and k < n_meas:
            out_e[k] = _bipartite_energy(a, L, J_h, J_v, h, M) / N
            out_m[k] = M / N
            if record:
                _from_sublattices(a, L, out_s[k])
            k += 1
    if n_sweeps > 0:
        E = _bipartite_energy(a, L, J_h, J_v, h, M)
    _from_sublattices(a, L, s_nat)
    rng[0] = s0
    rng[1] = s1
    rng[2] = s2
    rng[3] = s3
    return E, M, acc


# --- even periodic square lattice without diagonal: bit-packed sublattices -----------------

U1 = np.uint64(1)
U63 = np.uint64(63)
ZERO = np.uint64(0)
ALL_BITS = np.uint64(0xFFFFFFFFFFFFFFFF)
#: Binary digits of the fixed-point thresholds of :func:`square_flip_table`.
N_DIGITS = 53
#: Smallest ``L`` for the bit-packed path of :func:`sweep_square_bipartite`:
#: below it a word would hold fewer than 10 sites and the per-site path is faster.
PACKED_MIN_L = 20


@njit(inline="always")
def popcount(x):
    """Number of set bits of a ``uint64`` (SWAR; LLVM turns it into ``popcnt``)."""
    x = x - ((x >> U1) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True)
def _pack_split(s, L, bits):
    """Natural row-major ``s (L*L)`` -> bit-packed sublattices ``bits (2, L, n_w)``.

    Row ``r`` of sublattice ``p`` (sites with ``(r + c) mod 2 = p``) holds the
    ``H = L/2`` sites ``(r, 2j + ((r + p) mod 2))``, ``j = 0..H-1``, as bit
    ``j mod 64`` of word ``j // 64`` (1 = spin +1); ``n_w = ceil(H/64)`` and
    the unused high bits of the last word are 0.
    """
    H = L // 2
    bits[:] = 0
    for p in range(2):
        for r in range(L):
            c0 = (r + p) & 1
            for j in range(H):
                if s[r * L + 2 * j + c0] > 0:
                    bits[p, r, j >> 6] |= U1 << np.uint64(j & 63)


@njit(cache=True)
def _unpack_split(bits, L, s):
    """Inverse of :func:`_pack_split` (writes ``±1`` into ``s (L*L)``)."""
    H = L // 2
    for p in range(2):
        for r in range(L):
            c0 = (r + p) & 1
            for j in range(H):
                b = np.int8((bits[p, r, j >> 6] >> np.uint64(j & 63)) & U1)
                s[r * L + 2 * j + c0] = 2 * b - 1


@njit(inline="always")
def _partner_word(o, w, nw, hb, left):
    """Word ``w`` of the horizontal partners in the other sublattice's row ``o``.

    Bit ``j`` is slot ``j - 1`` (``left``) or ``j + 1`` of ``o``, cyclically over
    the ``H`` valid slots; ``hb = (H - 1) mod 64`` is the last slot's bit.
    """
    if left:
        if w > 0:
            return (o[w] << U1) | (o[w - 1] >> U63)
        return (o[0] << U1) | ((o[nw - 1] >> hb) & U1)
    if w < nw - 1:
        return (o[w] >> U1) | (o[w + 1] << U63)
    return (o[w] >> U1) | ((o[0] & U1) << hb)


@njit(cache=True)
def _packed_energy(bits, L, J_h, J_v, h, M):
    # Every bond joins sublattice 0 to sublattice 1: count the antiparallel
    # bonds of sublattice-0 sites only; sum s_i s_j = (#bonds) - 2 (#antiparallel).
    H = L // 2
    nw = bits.shape[2]
    hb = np.uint64((H - 1) & 63)
    rem = H - 64 * (nw - 1)
    last = ALL_BITS if rem == 64 else (U1 << np.uint64(rem)) - U1
    ah = 0
    av = 0
    for r in range(L):
        me = bits[0, r]
        o = bits[1, r]
        up = bits[1, r - 1 if r > 0 else L - 1]
        dn = bits[1, r + 1 if r < L - 1 else 0]
        left = (r & 1) == 0
        for w in range(nw):
            valid = last if w == nw - 1 else ALL_BITS
            s = me[w]
            ah += popcount((s ^ o[w]) & valid) + popcount((s ^ _partner_word(o, w, nw, hb, left))
                                                          & valid)
            av += popcount((s ^ up[w]) & valid) + popcount((s ^ dn[w]) & valid)
    N = L * L
    return -J_h * (N - 2 * ah) - J_v * (N - 2 * av) - h * M


@njit(cache=True)
def _class_program(thr, eh, ev, es, ec, gthr, digits):
    """Compile the 54-entry threshold table into bit-mask operations for one chain.

    A site of spin ``s`` with ``n_h`` antiparallel horizontal and ``n_v``
    antiparallel vertical bonds has ``ΔE = 2 (J_h (2 - 2 n_h) + J_v (2 - 2 n_v) + h s)``:
    18 classes. Classes whose threshold is ``>= 2**53`` (always flip) need no
    entry; the others become entries ``(eh, ev, es, ec)``: the site mask is
    ``mk[eh] & mk[ev] & mk[es]`` (``mk`` = n_h masks 0-2, n_v masks 3-5, then
    all / spin up / spin down) and ``ec`` is ``-2`` (never flips) or the index
    of its group of equal thresholds ``gthr``. ``digits[d, g]`` is all ones if
    binary digit ``d + 1`` of ``gthr[g] / 2**53`` is 1 (``digits`` must come in
    zeroed: columns ``g >= n_groups`` stay 0).

    Returns ``(n_entries, n_groups)``.
    """
    ne = 0
    m = 0
    for nh in range(3):
        for nv in range(3):
            code_dn = 0
            code_up = 0
            for sb in range(2):
                si = 2 * sb - 1
                sh = si * (2 - 2 * nh)
                sv = si * (2 - 2 * nv)
                t = thr[((si + 1) * 27 + (sh + 2) * 9 + (sv + 2) * 3 + 2) >> 1]
                if t >= ONE53:
                    code = -1
                elif t == 0:
                    code = -2
                else:
                    code = -3
                    for g in range(m):
                        if gthr[g] == t:
                            code = g
                    if code == -3:
                        gthr[m] = t
                        code = m
                        m += 1
                if sb == 0:
                    code_dn = code
                else:
                    code_up = code
            if code_dn == code_up:
                if code_up != -1:
                    eh[ne] = nh
                    ev[ne] = 3 + nv
                    es[ne] = 6
                    ec[ne] = code_up
                    ne += 1
            else:
                for sb in range(2):
                    code = code_up if sb == 1 else code_dn
                    if code != -1:
                        eh[ne] = nh
                        ev[ne] = 3 + nv
                        es[ne] = 7 if sb == 1 else 8
                        ec[ne] = code
                        ne += 1
    for g in range(m):
        for d in range(N_DIGITS):
            digits[d, g] = ALL_BITS if (gthr[g] >> np.uint64(N_DIGITS - 1 - d)) & U1 else ZERO
    return ne, m


@njit(cache=True)
def _packed_chain(s_nat, L, J_h, J_v, h, thr, n_sweeps, measure_every, rng, E, M,
                  out_e, out_m, out_s):
    # One chain. The energy is recomputed at measurements (O(N) popcounts)
    # rather than accumulated per flip.
    N = L * L
    H = L // 2
    nw = (H + 63) // 64
    hb = np.uint64((H - 1) & 63)
    rem = H - 64 * (nw - 1)
    last = ALL_BITS if rem == 64 else (U1 << np.uint64(rem)) - U1
    record = out_s.shape[0] > 0
    n_meas = out_e.shape[0]
    eh = np.empty(18, dtype=np.int64)
    ev = np.empty(18, dtype=np.int64)
    es = np.empty(18, dtype=np.int64)
    ec = np.empty(18, dtype=np.int64)
    gthr = np.empty(18, dtype=np.uint64)
    digits = np.zeros((N_DIGITS, 18), dtype=np.uint64)
    ne, m = _class_program(thr, eh, ev, es, ec, gthr, digits)
    mk = np.empty(9, dtype=np.uint64)
    grp = np.zeros(18, dtype=np.uint64)
    m2 = max(m, 2)
    bits = np.empty((2, L, nw), dtype=np.uint64)
    _pack_split(s_nat, L, bits)
    s0 = rng[0]
    s1 = rng[1]
    s2 = rng[2]
    s3 = rng[3]
    acc = 0
    k = 0
    for t in range(n_sweeps):
        for p in range(2):
            for r in range(L):
                me = bits[p, r]
                o = bits[1 - p, r]
                up = bits[1 - p, r - 1 if r > 0 else L - 1]
                dn = bits[1 - p, r + 1 if r < L - 1 else 0]
                left = ((r + p) & 1) == 0
                for w in range(nw):
                    valid = last if w == nw - 1 else ALL_BITS
                    s = me[w]
                    a1 = s ^ o[w]
                    a2 = s ^ _partner_word(o, w, nw, hb, left)
                    b1 = s ^ up[w]
                    b2 = s ^ dn[w]
                    mk[0] = ~(a1 | a2)
                    mk[1] = a1 ^ a2
                    mk[2] = a1 & a2
                    mk[3] = ~(b1 | b2)
                    mk[4] = b1 ^ b2
                    mk[5] = b1 & b2
                    mk[6] = ALL_BITS
                    mk[7] = s
                    mk[8] = ~s
                    for g in range(m2):
                        grp[g] = ZERO
                    und = ZERO
                    never = ZERO
                    for e in range(ne):
                        cm = mk[eh[e]] & mk[ev[e]] & mk[es[e]]
                        c = ec[e]
                        if c >= 0:
                            grp[c] |= cm
                            und |= cm
                        else:
                            never |= cm
                    und &= valid
                    flip = valid & ~und & ~never
                    # Bit-sliced uniforms: digit d of site j's u is bit j of the
                    # d-th word drawn; u < thr is decided at the first digit
                    # where u and thr differ.
                    d = 0
                    g0 = grp[0]
                    g1 = grp[1]
                    while und != ZERO and d < N_DIGITS:
                        x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                        if m <= 2:  # the usual case (e.g. zero field, J_h = J_v)
                            th = (g0 & digits[d, 0]) | (g1 & digits[d, 1])
                        else:
                            th = ZERO
                            for g in range(m):
                                th |= grp[g] & digits[d, g]
                        flip |= und & th & ~x
                        und &= ~(th ^ x)
                        d += 1
                    me[w] = s ^ flip
                    nf = popcount(flip)
                    acc += nf
                    M += 2 * nf - 4 * popcount(flip & s)
        if (t + 1) % measure_every == 0 and k < n_meas:
            out_e[k] = _packed_energy(bits, L, J_h, J_v, h, M) / N
            out_m[k] = M / N
            if record:
                _unpack_split(bits, L, out_s[k])
            k += 1
    if n_sweeps > 0:
        E = _packed_energy(bits, L, J_h, J_v, h, M)
    _unpack_split(bits, L, s_nat)
    rng[0] = s0
    rng[1] = s1
    rng[2] = s2
    rng[3] = s3
    return E, M, acc


@chain_kernel
def sweep_square_bipartite(spins, L, J_h, J_v, h, thresholds, packed, n_sweeps, measure_every,
                           rng_state, energy, magnet, n_accept, out_e, out_m, out_s):
    """Checkerboard sweeps on the even periodic square lattice (no diagonal), fast paths.

    Same Markov chain law as :func:`sweep_square` with ``K = 2`` (sublattice
    0, then sublattice 1; each site flips with probability ``thr / 2**53``,
    ``thr`` from :func:`square_flip_table`, a flip with ``thr >= 2**53``
    draws nothing), with one of two uses of the random numbers. The lattice
    is converted to and from the kernel's layout once per call, so running
    ``n`` then ``m`` sweeps equals running ``n + m``.

    ``packed`` True (``L >= PACKED_MIN_L``): multi-spin coding of the single
    lattice. Each sublattice row is stored as bits, 64 same-colour sites per
    ``uint64`` word (:func:`_pack_split`), and a word's sites are updated
    together with bitwise operations:

    * the antiparallel-bond masks ``s XOR neighbour`` classify every site by
      ``(n_h, n_v, s)`` (:func:`_class_program`); sites that always flip
      (Metropolis: ``ΔE <= 0``) or never flip are settled without drawing;
    * every other site ``j`` compares its own uniform ``u_j = 0.b_1 b_2 ... b_53``
      with ``thr / 2**53``, most significant digit first, where ``b_d`` is
      bit ``j mod 64`` of the ``d``-th xoshiro256++ word drawn for this word
      of sites. Words are drawn only until every site of the word is
      decided (about ``log2(#undecided) + 2``, at most 53; a site whose 53
      digits all equal ``thr`` does not flip), and the next word of sites
      starts with fresh words. Sites of one word use disjoint bits, so their
      draws are independent, and ``P(u_j < thr / 2**53) = thr / 2**53``
      exactly, as in :func:`sweep_square`.

    Random-number order (replayed by ``tests/samplers/test_kernels.py``): the
    chain's own stream (``rng_state``), sweep by sweep, sublattice ``p = 0, 1``,
    row ``r = 0..L-1``, word ``w = 0..ceil(L/128)-1`` of the row.

    ``packed`` False (small ``L``, where a word would hold few sites): the
    two sublattices are stored as ``int8`` rows (:func:`_to_sublattices`),
    every site draws one random word (its top 53 bits against ``thr``) in the
    order sweep, sublattice, row, slot, and the update is branch-free (a
    mispredicted accept/reject branch costs more than a random number at
    ``T_c``; unsigned indices avoid Numba's negative-index wraparound code).

    Other parameters as in :func:`sweep_square`.
    """
    n_chains = spins.shape[0]
    for ch in prange(n_chains):
        if packed:
            E, M, acc = _packed_chain(spins[ch], L, J_h, J_v, h, thresholds[ch], n_sweeps,
                                      measure_every, rng_state[ch], energy[ch], magnet[ch],
                                      out_e[ch], out_m[ch], out_s[ch])
        else:
            E, M, acc = _bipartite_chain(spins[ch], L, J_h, J_v, h, thresholds[ch], n_sweeps,
                                         measure_every, rng_state[ch], energy[ch], magnet[ch],
                                         out_e[ch], out_m[ch], out_s[ch])
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc
