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

from spinnet.samplers._kernels_rng import ONE53, U11, bounded, chain_kernel, next_u64, uniform

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
                out_e[ch, k] = E / N
                out_m[ch, k] = M / N
                if record:
                    out_s[ch, k, :] = s
                k += 1
        rng_state[ch, 0] = s0
        rng_state[ch, 1] = s1
        rng_state[ch, 2] = s2
        rng_state[ch, 3] = s3
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
                out_e[ch, k] = E / N
                out_m[ch, k] = M / N
                if record:
                    out_s[ch, k, :] = s
                k += 1
        rng_state[ch, 0] = s0
        rng_state[ch, 1] = s1
        rng_state[ch, 2] = s2
        rng_state[ch, 3] = s3
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
                out_e[ch, k] = E / N
                out_m[ch, k] = M / N
                if record:
                    out_s[ch, k, :] = s
                k += 1
        rng_state[ch, 0] = s0
        rng_state[ch, 1] = s1
        rng_state[ch, 2] = s2
        rng_state[ch, 3] = s3
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
                out_e[ch, k] = E / N
                out_m[ch, k] = M / N
                if record:
                    out_s[ch, k, :] = s
                k += 1
        rng_state[ch, 0] = s0
        rng_state[ch, 1] = s1
        rng_state[ch, 2] = s2
        rng_state[ch, 3] = s3
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc


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


@chain_kernel
def sweep_square_bipartite(spins, L, J_h, J_v, h, thresholds, n_sweeps, measure_every,
                           rng_state, energy, magnet, n_accept, out_e, out_m, out_s):
    """Checkerboard sweeps on the even periodic square lattice (no diagonal), fast path.

    Same Markov chain as :func:`sweep_square` with ``K = 2`` in distribution,
    but the two sublattices are stored apart (contiguous rows of ``L/2``
    same-colour spins), every site draws one random word and the update is
    branch-free: a mispredicted accept/reject branch costs more than a random
    number at ``T_c``. Unsigned indices avoid Numba's negative-index
    wraparound code. The lattice is converted to and from this layout once per
    call. Parameters as in :func:`sweep_square`.
    """
    n_chains = spins.shape[0]
    for ch in prange(n_chains):
        E, M, acc = _bipartite_chain(spins[ch], L, J_h, J_v, h, thresholds[ch], n_sweeps,
                                     measure_every, rng_state[ch], energy[ch], magnet[ch],
                                     out_e[ch], out_m[ch], out_s[ch])
        energy[ch] = E
        magnet[ch] = M
        n_accept[ch] += acc
