"""Numba kernels for retrieval-dynamics measurements (plain arrays only).

Random-sequential dynamics on Hebbian couplings in low-rank form: the integer
overlaps ``M_μ = Σ_i ξ^μ_i s_i`` are kept, ``N h_i = Σ_μ ξ^μ_i M_μ − p s_i``
(``J_ii = 0``) costs O(p) per update, and a flip updates ``M`` in O(p), in exact
integer arithmetic (a zero field keeps the spin). Unlike the sweeps of
:mod:`spinnet.hopfield._kernels` (a random permutation per sweep), each update
here picks a site uniformly *with replacement*: this is the random-sequential
dynamics whose large-``N`` limit is continuous-time Glauber dynamics with one
update per spin per unit time, the dynamics of the Coolen–Sherrington flow
equations. Each chain seeds its own stream (``np.random.seed``) from the
caller's seed, so its result does not depend on its thread.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["sequential_batch", "sequential_chain", "update_site"]


@njit(cache=True)
def _record(k, M, n, m_out, e_out):
    p = M.shape[0]
    acc = 0.0
    for mu in range(p):
        acc += float(M[mu]) * float(M[mu])
    m_out[k] = M[0] / n
    e_out[k] = -0.5 * (acc - p * n) / (float(n) * n)  # E/N = -½ Σ_μ m_μ² + α/2


@njit(cache=True)
def update_site(xi_t, s, M, i, u, beta, zero_t):
    """Update spin ``i`` given the uniform number ``u``; keep ``M = Ξ s`` current.

    ``N h_i = Σ_μ ξ^μ_i M_μ − p s_i``; at ``T = 0`` (``zero_t``) ``s_i ← sign(h_i)``
    with a zero field keeping the spin, else ``s_i = +1`` iff
    ``u (1 + e^{−2βh_i}) < 1``. Returns 1 if the spin flipped, else 0.
    """
    n, p = xi_t.shape
    nh = -p * s[i]
    for mu in range(p):
        nh += xi_t[i, mu] * M[mu]
    if zero_t:
        new = s[i]
        if nh > 0:
            new = 1
        elif nh < 0:
            new = -1
    else:
        new = 1 if u * (1.0 + np.exp(-2.0 * beta * nh / n)) < 1.0 else -1
    if new != s[i]:
        for mu in range(p):
            M[mu] += 2 * new * xi_t[i, mu]
        s[i] = new
        return 1
    return 0


@njit(cache=True)
def sequential_chain(xi_t, s, beta, n_sweeps, per_sweep, seed, m_out, e_out):
    """One random-sequential chain from ``s`` (int8, (N,), updated in place).

    ``xi_t`` (N, p) int8 holds the patterns, pattern 0 the retrieved one;
    ``beta = inf`` is ``T = 0`` (``s_i ← sign(h_i)``, ties keep the spin), else
    heat bath ``P(+1) = 1/(1 + e^{−2βh})``. ``n_sweeps · N`` updates, each at a
    uniformly drawn site; ``m_out`` and ``e_out`` (length ``n_sweeps · per_sweep
    + 1``) receive the overlap with pattern 0 and the energy per spin at
    ``t = k / per_sweep`` sweeps.
    """
    np.random.seed(seed)  # noqa: NPY002 (Numba's per-thread generator)
    n, p = xi_t.shape
    M = np.zeros(p, dtype=np.int64)
    for i in range(n):
        for mu in range(p):
            M[mu] += xi_t[i, mu] * s[i]
    zero_t = np.isinf(beta)
    _record(0, M, n, m_out, e_out)
    n_rec = n_sweeps * per_sweep
    for k in range(n_rec):
        lo = (k * n) // per_sweep
        hi = ((k + 1) * n) // per_sweep
        for _ in range(hi - lo):
            i = np.random.randint(0, n)  # noqa: NPY002
            u = np.random.random()  # noqa: NPY002
            update_site(xi_t, s, M, i, u, beta, zero_t)
        _record(k + 1, M, n, m_out, e_out)


@njit(cache=True, parallel=True)
def sequential_batch(xi_t, states, beta, n_sweeps, per_sweep, seeds, m_out, e_out):
    """:func:`sequential_chain` for each row of ``states`` (B, N) with ``seeds[b]``."""
    for b in prange(states.shape[0]):
        sequential_chain(xi_t, states[b], beta, n_sweeps, per_sweep, seeds[b], m_out[b],
                         e_out[b])
