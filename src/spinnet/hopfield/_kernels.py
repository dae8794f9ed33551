"""Numba kernels for Hopfield dynamics (plain arrays only).

Two representations of the couplings, one update rule:

- dense ``J`` (N, N): local fields ``h_i = Σ_j J_ij s_j + θ_i`` are computed once
  per chain and updated after each flip, ``h += 2 s_i' J[i, :]`` (O(N) per flip;
  J symmetric), so a sweep without flips costs O(N), not O(N²);
- low rank, for Hebbian couplings ``J = ΞᵀΞ/N - (p/N) 1``: the integer overlaps
  ``M_μ = Σ_i ξ^μ_i s_i`` are kept instead, ``N h_i = Σ_μ ξ^μ_i M_μ - p s_i``
  costs O(p) per visit and a flip updates ``M`` in O(p). The arithmetic is
  exact in integers, so ties ``h_i = 0`` are exact and no drift check is needed.

Both visit sites in the same random order and draw one uniform number per
visit, so with the same seed they produce identical chains, and a
zero-temperature chain and a low-temperature Glauber chain see identical
random streams. Chains are seeded individually (``np.random.seed`` inside the
chain), so results do not depend on the thread a chain runs on.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["chain_dense", "chain_lowrank", "delayed_sequence_chain", "relax_dense",
           "relax_lowrank"]


@njit(cache=True)
def _shuffle(order):
    for k in range(order.shape[0] - 1, 0, -1):
        r = np.random.randint(0, k + 1)
        tmp = order[k]
        order[k] = order[r]
        order[r] = tmp


@njit(cache=True)
def _new_spin(zero_t, beta, s_i, h_i, tol, u):
    """Zero T: sign(h) with ties kept; else heat bath P(+1) = 1/(1 + e^{-2βh})."""
    if zero_t:
        if h_i > tol:
            return 1
        if h_i < -tol:
            return -1
        return s_i
    return 1 if u * (1.0 + np.exp(-2.0 * beta * h_i)) < 1.0 else -1


@njit(cache=True)
def _exact_fields(J, s, theta, h):
    # Row accumulation (J symmetric) vectorises; a dot product per row would not.
    n = s.shape[0]
    h[:] = theta
    for j in range(n):
        sj = s[j]
        for i in range(n):
            h[i] += sj * J[j, i]


@njit(cache=True)
def _record_dense(t, s, h, theta, patterns, energies, overlaps):
    n = s.shape[0]
    e = 0.0
    for i in range(n):
        e -= 0.5 * s[i] * (h[i] + theta[i])  # E = -1/2 s.(Js) - θ.s
    energies[t] = e
    for mu in range(patterns.shape[0]):
        acc = 0
        for i in range(n):
            acc += patterns[mu, i] * s[i]
        overlaps[t, mu] = acc / n


@njit(cache=True)
def chain_dense(J, theta, s, h, beta, max_sweeps, seed, tol, patterns, record, energies,
                overlaps):
    """One chain on dense couplings, in place on ``s`` and ``h`` (``h = Js + θ`` on entry).

    Returns ``(sweeps done, converged)``. At ``beta = inf`` the chain stops at
    the first sweep without flips once an exact recomputation of the fields
    confirms the fixed point; at finite ``beta`` it runs ``max_sweeps`` sweeps.
    """
    np.random.seed(seed)
    n = s.shape[0]
    zero_t = np.isinf(beta)
    order = np.arange(n)
    if record:
        _record_dense(0, s, h, theta, patterns, energies, overlaps)
    done = 0
    for sweep in range(max_sweeps):
        _shuffle(order)
        flips = 0
        for k in range(n):
            i = order[k]
            u = np.random.random()
            new = _new_spin(zero_t, beta, s[i], h[i], tol, u)
            if new != s[i]:
                delta = 2.0 * new
                for j in range(n):
                    h[j] += delta * J[i, j]
                s[i] = new
                flips += 1
        done = sweep + 1
        if record:
            _record_dense(done, s, h, theta, patterns, energies, overlaps)
        if zero_t and flips == 0:
            _exact_fields(J, s, theta, h)  # guard against drift of the incremental fields
            stable = True
            for i in range(n):
                if s[i] * h[i] < -tol:
                    stable = False
                    break
            if stable:
                return done, True
    return done, False


@njit(cache=True)
def _record_lowrank(t, M, n, energies, overlaps):
    p = M.shape[0]
    acc = 0.0
    for mu in range(p):
        acc += M[mu] * M[mu]
        overlaps[t, mu] = M[mu] / n
    energies[t] = -0.5 * (acc - p * n) / n  # -1/2 Σ_{i≠j} J_ij s_i s_j, J = ΞᵀΞ/N, J_ii = 0


@njit(cache=True)
def chain_lowrank(xi_t, s, M, beta, max_sweeps, seed, record, energies, overlaps):
    """One chain on Hebbian couplings given by patterns ``xi_t`` (N, p), in place.

    ``M`` (p,) int64 must hold ``Ξ s`` on entry. Same update order, random
    stream and stopping rule as :func:`chain_dense`. Returns
    ``(sweeps done, converged)``.
    """
    np.random.seed(seed)
    n, p = xi_t.shape
    zero_t = np.isinf(beta)
    order = np.arange(n)
    if record:
        _record_lowrank(0, M, n, energies, overlaps)
    done = 0
    for sweep in range(max_sweeps):
        _shuffle(order)
        flips = 0
        for k in range(n):
            i = order[k]
            u = np.random.random()
            nh = -p * s[i]
            for mu in range(p):
                nh += xi_t[i, mu] * M[mu]
            new = _new_spin(zero_t, beta, s[i], nh / n, 0.0, u)
            if new != s[i]:
                for mu in range(p):
                    M[mu] += 2 * new * xi_t[i, mu]
                s[i] = new
                flips += 1
        done = sweep + 1
        if record:
            _record_lowrank(done, M, n, energies, overlaps)
        if zero_t and flips == 0:
            return done, True
    return done, False


@njit(cache=True, parallel=True)
def relax_dense(J, theta, states, fields, beta, max_sweeps, seeds, tol, patterns, record,
                energies, overlaps, n_sweeps, converged):
    """:func:`chain_dense` for a batch (B, N), chains in parallel threads."""
    for b in prange(states.shape[0]):
        done, conv = chain_dense(J, theta, states[b], fields[b], beta, max_sweeps, seeds[b],
                                 tol, patterns, record, energies[b], overlaps[b])
        n_sweeps[b] = done
        converged[b] = conv


@njit(cache=True, parallel=True)
def relax_lowrank(xi_t, states, M, beta, max_sweeps, seeds, record, energies, overlaps,
                  n_sweeps, converged):
    """:func:`chain_lowrank` for a batch (B, N), chains in parallel threads."""
    for b in prange(states.shape[0]):
        done, conv = chain_lowrank(xi_t, states[b], M[b], beta, max_sweeps, seeds[b], record,
                                   energies[b], overlaps[b])
        n_sweeps[b] = done
        converged[b] = conv


@njit(cache=True)
def delayed_sequence_chain(J_sym, J_delay, s, tau, beta, orders, uniforms, patterns,
                           overlaps):
    """Asynchronous dynamics with a delayed input, in place on ``s`` (N,) int8.

    ``h_i = Σ_j J_sym[i, j] s_j(now) + Σ_j J_delay[i, j] s_j(t + 1 − tau)`` during
    sweep ``t → t + 1`` (both diagonals zero); the delayed state is 0 before
    ``t = 0``. ``orders`` (T, N) are the visiting orders, ``uniforms`` (T, N)
    the heat-bath numbers (unused at ``beta = inf``, where a zero field keeps
    the spin). ``overlaps`` (T + 1, p) receives ``ξ^μ·s/N`` after each sweep.
    """
    n = s.shape[0]
    n_sweeps = orders.shape[0]
    zero_t = np.isinf(beta)
    history = np.zeros((n_sweeps + 1, n))  # s after each sweep
    for i in range(n):
        history[0, i] = s[i]
    h = np.zeros(n)
    g = np.zeros(n)
    tol = 1e-10 * (np.abs(J_sym).sum(axis=1).max() + np.abs(J_delay).sum(axis=1).max() + 1e-300)
    p = patterns.shape[0]
    for mu in range(p):
        acc = 0
        for i in range(n):
            acc += patterns[mu, i] * s[i]
        overlaps[0, mu] = acc / n
    for t in range(n_sweeps):
        # fields of the current state (exact each sweep: no drift) and the delayed input
        for i in range(n):
            h[i] = 0.0
            g[i] = 0.0
        for j in range(n):
            sj = s[j]
            for i in range(n):
                h[i] += J_sym[j, i] * sj  # J_sym symmetric: row access
        k = t + 1 - tau
        if k >= 0:
            for i in range(n):
                acc = 0.0
                for j in range(n):
                    acc += J_delay[i, j] * history[k, j]
                g[i] = acc
        for kk in range(n):
            i = orders[t, kk]
            f = h[i] + g[i]
            if zero_t:
                new = s[i]
                if f > tol:
                    new = 1
                elif f < -tol:
                    new = -1
            else:
                new = 1 if uniforms[t, kk] * (1.0 + np.exp(-2.0 * beta * f)) < 1.0 else -1
            if new != s[i]:
                delta = 2.0 * new
                for j in range(n):
                    h[j] += delta * J_sym[i, j]
                s[i] = new
        for i in range(n):
            history[t + 1, i] = s[i]
        for mu in range(p):
            acc = 0
            for i in range(n):
                acc += patterns[mu, i] * s[i]
            overlaps[t + 1, mu] = acc / n
