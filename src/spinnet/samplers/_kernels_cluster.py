"""Numba kernels for cluster Monte Carlo on sparse pairwise models at zero field.

Bond ``(i, j)`` with coupling ``J_ij`` is *satisfied* when ``J_ij s_i s_j > 0``;
a satisfied bond is activated with probability ``p_ij = 1 - exp(-2β|J_ij|)``
(Fortuin-Kasteleyn). With ferromagnetic couplings this is the familiar
``p = 1 - exp(-2βJ)`` per bond type (``J_h``, ``J_v``, ``J_d``); with couplings of
both signs (spin glasses) the algorithms remain exact, only slow.

* Wolff, Phys. Rev. Lett. 62, 361 (1989): grow one cluster from a random seed
  over activated bonds and flip it.
* Swendsen & Wang, Phys. Rev. Lett. 58, 86 (1987): activate every bond, find
  all clusters (union-find) and flip each with probability 1/2.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from spinnet.samplers._kernels_rng import (
    bounded,
    chain_kernel,
    next_u64,
    record_measurement,
    store_state,
    uniform,
)

__all__ = ["sw_sweeps", "wolff_sweeps"]


@chain_kernel
def wolff_sweeps(spins, neighbors, couplings, betas, n_sweeps, clusters_per_sweep,
                 measure_every, rng_state, energy, magnet, n_flipped, out_e, out_m, out_s):
    """``n_sweeps x clusters_per_sweep`` Wolff cluster flips per chain.

    Parameters
    ----------
    spins : int8 (C, N), in place; neighbors : int32 (N, z); couplings : float64 (N, z)
    betas : float64 (C,); rng_state : uint64 (C, 4)
    energy : float64 (C,), magnet : int64 (C,), n_flipped : int64 (C,) -- updated
    out_e, out_m : float64 (C, n_meas); out_s : int8 (C, n_meas or 0, N)
    """
    n_chains, N = spins.shape
    z = neighbors.shape[1]
    record = out_s.shape[1] > 0
    n_meas = out_e.shape[1]
    for ch in prange(n_chains):
        s = spins[ch]
        beta = betas[ch]
        padd = np.empty((N, z))
        for i in range(N):
            for q in range(z):
                padd[i, q] = 1.0 - np.exp(-2.0 * beta * abs(couplings[i, q]))
        stack = np.empty(N, dtype=np.int32)
        members = np.empty(N, dtype=np.int32)
        mark = np.zeros(N, dtype=np.int64)
        stamp = 0
        s0 = rng_state[ch, 0]
        s1 = rng_state[ch, 1]
        s2 = rng_state[ch, 2]
        s3 = rng_state[ch, 3]
        E = energy[ch]
        M = magnet[ch]
        flipped = 0
        k = 0
        for t in range(n_sweeps):
            for _ in range(clusters_per_sweep):
                stamp += 1
                seed, s0, s1, s2, s3 = bounded(N, s0, s1, s2, s3)
                mark[seed] = stamp
                s[seed] = -s[seed]  # flip on entry: spins in the cluster hold -s_orig
                stack[0] = seed
                members[0] = seed
                top = 1
                n_mem = 1
                while top > 0:
                    top -= 1
                    i = stack[top]
                    si_orig = -s[i]
                    for q in range(z):
                        j = neighbors[i, q]
                        if mark[j] != stamp and couplings[i, q] * si_orig * s[j] > 0.0:
                            x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                            if uniform(x) < padd[i, q]:
                                mark[j] = stamp
                                s[j] = -s[j]
                                stack[top] = j
                                top += 1
                                members[n_mem] = j
                                n_mem += 1
                # Energy change from the cluster boundary: -2 J s_i' s_j per bond.
                dE = 0.0
                for m in range(n_mem):
                    i = members[m]
                    M += 2 * s[i]
                    for q in range(z):
                        j = neighbors[i, q]
                        if mark[j] != stamp:
                            dE -= 2.0 * couplings[i, q] * s[i] * s[j]
                E += dE
                flipped += n_mem
            if (t + 1) % measure_every == 0 and k < n_meas:
                record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record)
                k += 1
        store_state(rng_state, ch, s0, s1, s2, s3)
        energy[ch] = E
        magnet[ch] = M
        n_flipped[ch] += flipped


@njit(inline="always")
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving
        i = parent[i]
    return i


@chain_kernel
def sw_sweeps(spins, bonds, bond_couplings, betas, n_sweeps, measure_every, rng_state,
              energy, magnet, n_clusters, out_e, out_m, out_s):
    """``n_sweeps`` Swendsen-Wang updates per chain (union-find cluster labelling).

    Parameters
    ----------
    bonds : int32 (B, 2); bond_couplings : float64 (B,)
    n_clusters : int64 (C,) -- total number of clusters built, updated
    other parameters as in :func:`wolff_sweeps`
    """
    n_chains, N = spins.shape
    B = bonds.shape[0]
    record = out_s.shape[1] > 0
    n_meas = out_e.shape[1]
    for ch in prange(n_chains):
        s = spins[ch]
        beta = betas[ch]
        pb = np.empty(B)
        for b in range(B):
            pb[b] = 1.0 - np.exp(-2.0 * beta * abs(bond_couplings[b]))
        parent = np.empty(N, dtype=np.int64)
        flipc = np.zeros(N, dtype=np.bool_)
        s0 = rng_state[ch, 0]
        s1 = rng_state[ch, 1]
        s2 = rng_state[ch, 2]
        s3 = rng_state[ch, 3]
        ncl = 0
        k = 0
        for t in range(n_sweeps):
            for i in range(N):
                parent[i] = i
            for b in range(B):
                i = bonds[b, 0]
                j = bonds[b, 1]
                if bond_couplings[b] * s[i] * s[j] > 0.0:
                    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    if uniform(x) < pb[b]:
                        ri = _find(parent, i)
                        rj = _find(parent, j)
                        if ri < rj:
                            parent[rj] = ri
                        elif rj < ri:
                            parent[ri] = rj
            # Roots are the smallest index of their cluster, so they come first.
            for i in range(N):
                r = _find(parent, i)
                if r == i:
                    x, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    flipc[i] = (x >> np.uint64(63)) == np.uint64(1)
                    ncl += 1
                if flipc[r]:
                    s[i] = -s[i]
            if (t + 1) % measure_every == 0 and k < n_meas:
                E = 0.0
                for b in range(B):
                    E -= bond_couplings[b] * s[bonds[b, 0]] * s[bonds[b, 1]]
                M = 0
                for i in range(N):
                    M += s[i]
                record_measurement(out_e, out_m, out_s, ch, k, E, M, N, s, record)
                k += 1
        E = 0.0
        for b in range(B):
            E -= bond_couplings[b] * s[bonds[b, 0]] * s[bonds[b, 1]]
        M = 0
        for i in range(N):
            M += s[i]
        store_state(rng_state, ch, s0, s1, s2, s3)
        energy[ch] = E
        magnet[ch] = M
        n_clusters[ch] += ncl
