"""Numba kernels of the Boltzmann machine (plain arrays in, nothing else).

Checked against the NumPy/Python reference in ``tests/boltzmann/test_machine.py``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["heat_bath_sweep"]


@njit(cache=True)
def heat_bath_sweep(s: np.ndarray, weights: np.ndarray, biases: np.ndarray,
                    order: np.ndarray, uniforms: np.ndarray, beta: float) -> None:
    """One heat-bath sweep over ``order`` of every chain in ``s`` (in place).

    Unit ``k = order[i]`` of chain ``c`` becomes ``+1`` with probability
    ``1 / (1 + exp(-2 β h_k))``, ``h_k = Σ_j W_jk s_j + b_k``, if
    ``uniforms[i, c]`` is below it, else ``-1`` (heat bath / Glauber; Ackley,
    Hinton & Sejnowski 1985). Units are updated one at a time, so each sees the
    current values of the others (detailed balance holds for every single-unit step).

    Parameters
    ----------
    s : float64 array, shape (n_chains, n_units)
        ±1 states, updated in place.
    weights : float64 array, shape (n_units, n_units)
    biases : float64 array, shape (n_units,)
    order : int64 array, shape (n_update,)
        Units to update, in this order.
    uniforms : float64 array, shape (n_update, n_chains)
        Uniform draws in [0, 1).
    beta : float
        Inverse temperature.
    """
    n_chains, n_units = s.shape
    for i in range(order.shape[0]):
        k = order[i]
        for c in range(n_chains):
            field = biases[k]
            for j in range(n_units):
                field += s[c, j] * weights[j, k]
            p_up = 1.0 / (1.0 + math.exp(-2.0 * beta * field))
            s[c, k] = 1.0 if uniforms[i, c] < p_up else -1.0
