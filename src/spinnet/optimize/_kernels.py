"""Numba kernels for tour improvement: 2-opt descent and Metropolis 2-opt moves.

Tours are int64 permutation arrays, modified in place; ``d`` is the float64
distance matrix. Segment reversal ``t[i+1 .. j]`` replaces the edges
``(t_i, t_{i+1})`` and ``(t_j, t_{j+1})`` by ``(t_i, t_j)`` and ``(t_{i+1}, t_{j+1})``,
so the length change is ``d(a, c) + d(b, e) - d(a, b) - d(c, e)`` (Croes 1958).
"""

import math

import numba
import numpy as np

__all__ = ["anneal_kernel", "two_opt_kernel"]


@numba.njit(cache=True)
def _reverse(tour, i, j):
    while i < j:
        tour[i], tour[j] = tour[j], tour[i]
        i += 1
        j -= 1


@numba.njit(cache=True)
def two_opt_kernel(d, tour):
    """First-improvement 2-opt to a local minimum; returns the number of moves."""
    n = tour.shape[0]
    moves = 0
    improved = True
    while improved:
        improved = False
        for i in range(n - 1):
            a, b = tour[i], tour[i + 1]
            for j in range(i + 2, n if i > 0 else n - 1):
                c, e = tour[j], tour[(j + 1) % n]
                delta = d[a, c] + d[b, e] - d[a, b] - d[c, e]
                if delta < -1e-12:
                    _reverse(tour, i + 1, j)
                    a, b = tour[i], tour[i + 1]
                    moves += 1
                    improved = True
    return moves


@numba.njit(cache=True)
def anneal_kernel(d, tour, temps, n_moves, seed):
    """Metropolis 2-opt moves at each temperature; returns accepted moves."""
    np.random.seed(seed)
    n = tour.shape[0]
    accepted = 0
    for t in range(temps.shape[0]):
        beta = 1.0 / temps[t]
        for _ in range(n_moves):
            i = np.random.randint(0, n)
            j = np.random.randint(0, n)
            if i > j:
                i, j = j, i
            if j - i < 2 or (i == 0 and j == n - 1):
                continue  # reversing such a segment does not change the tour
            a, b = tour[i], tour[i + 1]
            c, e = tour[j], tour[(j + 1) % n]
            delta = d[a, c] + d[b, e] - d[a, b] - d[c, e]
            if delta <= 0.0 or np.random.random() < math.exp(-beta * delta):
                _reverse(tour, i + 1, j)
                accepted += 1
    return accepted
