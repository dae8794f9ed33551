"""Numba kernels for Hopfield dynamics on dense couplings (plain arrays only).

The local fields ``h_i = Σ_j J_ij s_j + θ_i`` are computed once per chain
(O(N²)) and then updated incrementally after each flip, ``h += 2 s_i' J[:, i]``
(O(N) per flip), so a sweep without flips costs O(N), not O(N²).
``J`` must be symmetric with zero diagonal (the wrappers guarantee it).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["async_relax"]


@njit(cache=True)
def _fields(J, s, theta, h):
    n = s.shape[0]
    for i in range(n):
        acc = theta[i]
        for j in range(n):
            acc += J[i, j] * s[j]
        h[i] = acc


@njit(cache=True)
def _record(b, t, s, h, theta, patterns, energies, overlaps):
    n = s.shape[0]
    e = 0.0
    for i in range(n):
        # E = -1/2 s.(Js) - theta.s = -1/2 s.(h + theta)
        e -= 0.5 * s[i] * (h[i] + theta[i])
    energies[b, t] = e
    for mu in range(patterns.shape[0]):
        acc = 0
        for i in range(n):
            acc += patterns[mu, i] * s[i]
        overlaps[b, t, mu] = acc / n


@njit(cache=True, parallel=True)
def async_relax(J, theta, states, fields, beta, max_sweeps, seeds, tol, patterns, record,
                energies, overlaps, n_sweeps, converged):
    """Random-sequential single-spin dynamics, in place on ``states`` (B, N).

    ``fields`` (B, N) must hold ``J s + θ`` for the initial states; it is
    updated in place and holds the final fields on return.

    Each sweep visits all N sites in a fresh random order (Fisher–Yates). For
    every visit one uniform number ``u`` is drawn whatever the temperature, so a
    zero-temperature chain and a low-temperature Glauber chain with the same
    seed see identical random streams.

    - ``beta = inf``: ``s_i ← sign(h_i)``; a field with ``|h_i| <= tol`` keeps
      the spin. Stops at the first sweep without flips once an exact
      recomputation of the fields confirms the fixed point.
    - finite ``beta``: heat bath / Glauber, ``P(s_i = +1) = 1 / (1 + e^{-2βh_i})``
      (Glauber 1963), for exactly ``max_sweeps`` sweeps.
    """
    n_chains, n = states.shape
    zero_t = np.isinf(beta)
    for b in prange(n_chains):
        np.random.seed(seeds[b])
        s = states[b]
        h = fields[b]  # precomputed J s + theta (one BLAS product for the batch)
        order = np.arange(n)
        if record:
            _record(b, 0, s, h, theta, patterns, energies, overlaps)
        done = 0
        conv = False
        for sweep in range(max_sweeps):
            for k in range(n - 1, 0, -1):
                r = np.random.randint(0, k + 1)
                tmp = order[k]
                order[k] = order[r]
                order[r] = tmp
            flips = 0
            for k in range(n):
                i = order[k]
                hi = h[i]
                u = np.random.random()
                if zero_t:
                    if hi > tol:
                        new = 1
                    elif hi < -tol:
                        new = -1
                    else:
                        new = s[i]
                else:
                    new = 1 if u * (1.0 + np.exp(-2.0 * beta * hi)) < 1.0 else -1
                if new != s[i]:
                    delta = 2.0 * new
                    for j in range(n):
                        h[j] += delta * J[i, j]
                    s[i] = new
                    flips += 1
            done = sweep + 1
            if record:
                _record(b, done, s, h, theta, patterns, energies, overlaps)
            if zero_t and flips == 0:
                # Guard against drift of the incremental fields: confirm exactly.
                _fields(J, s, theta, h)
                stable = True
                for i in range(n):
                    if s[i] * h[i] < -tol:
                        stable = False
                        break
                if stable:
                    conv = True
                    break
        n_sweeps[b] = done
        converged[b] = conv
