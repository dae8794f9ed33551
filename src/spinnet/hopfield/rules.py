"""Learning rules: pure functions from patterns ``(p, N)`` to couplings ``(N, N)``.

Every rule returns a symmetric float64 matrix with zero diagonal (unless
:func:`hebbian` is asked to keep it), so that the
energy ``E(s) = -½ Σ_{i≠j} J_ij s_i s_j`` is a Lyapunov function of zero-
temperature asynchronous dynamics. Each rule also has an incremental form
that adds patterns to existing couplings without a rebuild.

References
----------
- Hebb rule: J. J. Hopfield, PNAS 79, 2554 (1982), eq. 2.
- Projection (pseudo-inverse) rule: L. Personnaz, I. Guyon & G. Dreyfus,
  J. Physique Lett. 46, L359 (1985); I. Kanter & H. Sompolinsky,
  Phys. Rev. A 35, 380 (1987).
- Storkey rule: A. Storkey, ICANN'97, LNCS 1327, 451 (1997), eq. 3.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._validation import check_couplings, check_option, check_spins

__all__ = [
    "HEBB_DIAGONALS",
    "HEBB_NORMALIZATIONS",
    "RULES",
    "hebbian",
    "hebbian_update",
    "projector_update",
    "pseudo_inverse",
    "storkey",
    "storkey_update",
]


def _patterns(patterns: Any, n: int | None = None) -> np.ndarray:
    xi = check_spins(patterns, "patterns", ndim=(1, 2), n=n)
    return xi.reshape(-1, xi.shape[-1])


def _zero_diagonal(J: np.ndarray) -> np.ndarray:
    np.fill_diagonal(J, 0.0)
    return J


HEBB_NORMALIZATIONS = ("N", "p", "none")
HEBB_DIAGONALS = ("zero", "keep")


def hebbian(patterns: Any, *, normalize: str = "N", diagonal: str = "zero") -> np.ndarray:
    """Hebb rule ``J_ij = c Σ_μ ξ^μ_i ξ^μ_j`` (Hopfield 1982, eq. 2), three normalisations.

    The default ``J_ij = (1/N) Σ_μ ξ^μ_i ξ^μ_j`` with ``J_ii = 0`` is Hopfield's
    rule and the convention of the whole library. The lectures also write it
    without normalisation (``J = Σ_μ ξ^μ ξ^μᵀ``, with the diagonal; Hopfield
    1982 eq. 2 before dividing by N), as the correlation matrix
    ``M = XᵀX/N − I`` (that is ``normalize="N", diagonal="zero"``), and as
    ``J = (1/(αN)) Σ_μ ξ^μ ξ^μᵀ = (1/p) Σ_μ ξ^μ ξ^μᵀ``.

    Consequences (derived in ``docs/single-pattern.md`` and tested in
    ``tests/hopfield/test_hebb_variants.py``):

    - the three normalisations differ by a positive factor, so with a zero
      diagonal every zero-temperature dynamics (sign of the field; ties are
      relative to the coupling scale) is identical;
    - at ``T > 0`` only ``J/T`` matters: ``J^(p) = J^(N)/α`` with ``α = p/N``,
      so the 1/p network at temperature ``T'`` is the 1/N network at
      ``T = α T'`` (Glauber trajectories coincide for the same seed);
    - ``diagonal="keep"`` leaves the self-coupling ``J_ii = c p`` (``α`` for
      1/N, ``1`` for 1/p, ``p`` for none). It adds only a constant to the energy
      but enters the local field ``h_i = Σ_j J_ij s_j`` as ``J_ii s_i``, which
      favours the current spin: a spin flips only where the field of the others
      exceeds ``J_ii`` in magnitude, so more states (spurious mixtures
      included) become fixed points. Dynamics honour it only when asked
      (``self_coupling=True`` in :mod:`spinnet.hopfield.dynamics`, or
      ``HopfieldNetwork(diagonal="keep")``); by default they ignore ``J_ii``.

    Parameters
    ----------
    patterns : array_like, shape (p, N)
        Patterns of ±1 spins.
    normalize : {"N", "p", "none"}
        Prefactor ``c``: ``1/N`` (default), ``1/p`` or ``1``.
    diagonal : {"zero", "keep"}
        Set ``J_ii = 0`` (default) or keep ``J_ii = c p``.

    Returns
    -------
    ndarray, shape (N, N), float64
        Symmetric couplings.
    """
    normalize = check_option(normalize, "normalize", HEBB_NORMALIZATIONS)
    diagonal = check_option(diagonal, "diagonal", HEBB_DIAGONALS)
    xi = _patterns(patterns)
    p, n = xi.shape
    # One BLAS product; float32 is exact for integer sums below 2^24 (p < 16.7M).
    x = xi.astype(np.float32)
    J = (x.T @ x).astype(np.float64)
    if normalize == "N":
        J /= n
    elif normalize == "p":
        J /= p
    return _zero_diagonal(J) if diagonal == "zero" else J


def hebbian_update(couplings: Any, patterns: Any) -> np.ndarray:
    """Add patterns to Hebbian couplings: ``J + (1/N) Σ_new ξξᵀ`` (zero diagonal).

    Equal to ``hebbian(vstack(old, new))`` up to rounding, at cost O(p_new N²).

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Current symmetric couplings (not modified).
    patterns : array_like of ±1, shape (p_new, N)
        Patterns to add.

    Returns
    -------
    ndarray of float64, shape (N, N)
        The new couplings.
    """
    J = check_couplings(couplings)
    xi = _patterns(patterns, n=J.shape[0])
    return J + hebbian(xi)


def storkey_update(couplings: Any, patterns: Any) -> np.ndarray:
    """Add patterns one at a time with Storkey's rule (Storkey 1997, eq. 3).

    ``w_ij ← w_ij + (1/N)(ξ_i ξ_j - ξ_i h_ji - h_ij ξ_j)`` with the local field
    ``h_ij = Σ_{k≠i,j} w_ik ξ_k``. Using ``w_ii = 0`` and ``ξ_i² = 1`` this is the
    rank-two update ``ΔW = (1/N)(ξξᵀ - ξhᵀ - hξᵀ + 2W)`` with ``h = Wξ``,
    after which the diagonal is reset to zero.

    Parameters
    ----------
    couplings : array_like of float, shape (N, N)
        Current symmetric couplings (not modified).
    patterns : array_like of ±1, shape (p_new, N)
        Patterns to add, in this order.

    Returns
    -------
    ndarray of float64, shape (N, N)
        The new couplings (zero diagonal).
    """
    J = np.array(check_couplings(couplings), dtype=np.float64, copy=True)
    xi = _patterns(patterns, n=J.shape[0]).astype(np.float64)
    n = J.shape[0]
    for x in xi:
        h = J @ x
        # In place: J <- J (1 + 2/N) + (x x^T - x h^T - h x^T)/N.
        J *= 1.0 + 2.0 / n
        J += (np.outer(x, x) - np.outer(x, h) - np.outer(h, x)) / n
        _zero_diagonal(J)
    return J


def storkey(patterns: Any) -> np.ndarray:
    """Storkey rule couplings for ``patterns`` (p, N), built incrementally from zero.

    Parameters
    ----------
    patterns : array_like of ±1, shape (p, N)
        Patterns to store, in this order (the rule is order dependent).

    Returns
    -------
    ndarray of float64, shape (N, N)
        Couplings (symmetric, zero diagonal).
    """
    xi = _patterns(patterns)
    return storkey_update(np.zeros((xi.shape[1], xi.shape[1])), xi)


def projector_update(projector: Any, patterns: Any) -> np.ndarray:
    """Extend the orthogonal projector onto span{ξ^μ} by new patterns (Greville).

    ``P ← P + r rᵀ / (rᵀ r)`` with ``r = ξ - Pξ``; a pattern already in the span
    (``|r|² < 1e-9 N``) leaves ``P`` unchanged. Returns the full projector
    (with its diagonal); couplings are ``P`` with the diagonal set to zero.

    Parameters
    ----------
    projector : array_like of float, shape (N, N)
        Current projector ``P`` (diagonal kept; zeros for no stored pattern; not modified).
    patterns : array_like of ±1, shape (p_new, N)
        Patterns to add, one at a time.

    Returns
    -------
    ndarray of float64, shape (N, N)
        The new projector.
    """
    P = np.array(check_couplings(projector, "projector"), dtype=np.float64, copy=True)
    xi = _patterns(patterns, n=P.shape[0]).astype(np.float64)
    n = P.shape[0]
    for x in xi:
        r = x - P @ x
        rr = float(r @ r)
        if rr > 1e-9 * n:
            P += np.outer(r, r) / rr
    return P


def pseudo_inverse(patterns: Any, *, return_projector: bool = False):
    """Projection (pseudo-inverse) rule ``J = Ξ⁺ Ξ`` with zero diagonal.

    ``J_ij = (1/N) Σ_{μν} ξ^μ_i (C⁻¹)_{μν} ξ^ν_j`` with the pattern correlation
    matrix ``C_{μν} = ξ^μ·ξ^ν / N`` (Personnaz et al. 1985; Kanter & Sompolinsky
    1987). Every stored pattern is a fixed point for any ``p < N`` of linearly
    independent patterns: ``h_i = (1 - P_ii) ξ_i`` with ``P_ii < 1``.
    Computed by a stable least-squares pseudo-inverse (SVD), so linearly
    dependent patterns are handled.

    Parameters
    ----------
    patterns : array_like of ±1, shape (p, N)
        Patterns to store.
    return_projector : bool, default False
        Also return the full projector ``P`` (diagonal kept), the state needed
        by :func:`projector_update` for incremental storage.

    Returns
    -------
    J : ndarray of float64, shape (N, N)
        Couplings (symmetric, zero diagonal).
    P : ndarray of float64, shape (N, N)
        The projector, only with ``return_projector=True``.
    """
    xi = _patterns(patterns).astype(np.float64)
    P = np.linalg.pinv(xi, rcond=1e-10) @ xi
    P = 0.5 * (P + P.T)
    J = _zero_diagonal(P.copy())
    return (J, P) if return_projector else J


RULES = {"hebbian": hebbian, "pseudo_inverse": pseudo_inverse, "storkey": storkey}
