"""Continuous modern Hopfield network (Ramsauer et al. 2021): energy, retrieval, theorems.

Reference: H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021
(arXiv:2008.02217). Stored patterns are the rows ``x_μ`` of ``X`` (shape
``(M, d)``, the library's ``(p, N)`` convention); a state is ``ξ ∈ R^d``.

* energy (Eq. 2)  ``E(ξ) = -β⁻¹ log Σ_μ exp(β x_μ·ξ) + ½ ξ·ξ + β⁻¹ log M + ½ K²``
  with ``K = max_μ ‖x_μ‖`` (so ``0 <= E <= 2K²``, Lemma A1);
* update (Eq. 3) ``ξ ← Xᵀ softmax(β X ξ)``: the concave-convex procedure,
  so ``E`` never increases and the iteration converges (Theorems 1, 2);
* fixed points: a global average over all patterns (small ``β``), a metastable
  average over a subset of similar patterns, or a fixed point near a single
  pattern (large ``β``, well separated patterns), Sec. 2 and Appendix A.1.5;
* separation of pattern ``i`` (Def. 1) ``Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j``;
  Theorem 3: if ``Δ_i ≥ 2/(βM) + β⁻¹ log(2(M−1)MβK²)`` the sphere of radius
  ``1/(βMK)`` around ``x_i`` holds a fixed point and retrieval converges
  there; Theorem 4 bounds the one-step error by ``2εK`` with
  ``ε = (M−1) exp(−β(Δ_i − 2K max(‖ξ−x_i‖, ‖ξ*_i−x_i‖)))``.

All functions take NumPy arrays or torch tensors and compute in torch
(device-agnostic; float64 unless a floating torch tensor is given). This module
needs PyTorch (``pip install 'spinnet[torch]'``); ``import spinnet.hopfield``
does not import it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._optional import require_torch
from spinnet._validation import check_fraction, check_int, check_positive_float

torch = require_torch("spinnet.hopfield.modern")

from spinnet.nn.functional import hopfield_energy, hopfield_update  # noqa: E402

__all__ = [
    "FixedPoint",
    "ModernHopfieldNetwork",
    "RetrievalTrace",
    "classify_fixed_point",
    "modern_energy",
    "modern_iterate",
    "modern_update",
    "one_step_error_bound",
    "retrieval_beta",
    "separation",
    "separation_threshold",
]


def _as_tensor(a: Any, name: str, *, ndim: tuple[int, ...], dtype: Any = None,
               device: Any = None) -> torch.Tensor:
    if a is None:
        raise TypeError(f"{name} must be an array or tensor; got None")
    if isinstance(a, torch.Tensor):
        t = a
        if not t.is_floating_point():
            t = t.to(torch.float64 if dtype is None else dtype)
        elif dtype is not None:
            t = t.to(dtype)
        if device is not None:
            t = t.to(device)
    else:
        try:
            arr = np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be array-like of numbers; got "
                            f"{type(a).__name__}") from exc
        t = torch.as_tensor(arr, dtype=dtype or torch.float64, device=device)
    if t.ndim not in ndim:
        want = " or ".join(str(d) for d in ndim)
        raise ValueError(f"{name} must have {want} dimension(s); got shape {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{name} must not be empty (empty memory or no state); got shape "
                         f"{tuple(t.shape)}")
    if not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return t


def _patterns(patterns: Any, device: Any = None, dtype: Any = None) -> torch.Tensor:
    return _as_tensor(patterns, "patterns", ndim=(2,), dtype=dtype, device=device)


def _states(state: Any, xi: torch.Tensor) -> tuple[torch.Tensor, bool]:
    s = _as_tensor(state, "state", ndim=(1, 2), dtype=xi.dtype, device=xi.device)
    if s.shape[-1] != xi.shape[1]:
        raise ValueError(f"state must have the pattern dimension d = {xi.shape[1]} on its last "
                         f"axis; got shape {tuple(s.shape)}")
    return (s.unsqueeze(0), True) if s.ndim == 1 else (s, False)


def modern_energy(state: Any, patterns: Any, beta: float) -> torch.Tensor:
    """Energy (Ramsauer et al. 2021, Eq. 2) of a state (d,) or batch (B, d).

    ``E(ξ) = -β⁻¹ logsumexp(β X ξ) + ½ ξ·ξ + β⁻¹ log M + ½ K²``, stable at any
    ``β`` (log-sum-exp). Returns a 0-d tensor or shape (B,).

    Parameters
    ----------
    state : array_like or Tensor of float, shape (d,) or (B, d)
        State pattern(s) ``ξ`` (queries).
    patterns : array_like or Tensor of float, shape (M, d)
        Stored patterns ``X`` (rows ``x_i``).
    beta : float > 0
        Inverse temperature ``β``.

    Returns
    -------
    Tensor, shape () or (B,)
        The energy, in the dtype and on the device of ``patterns``.
    """
    beta = check_positive_float(beta, "beta")
    xi = _patterns(patterns)
    s, single = _states(state, xi)
    e = hopfield_energy(s, xi, beta)
    return e[0] if single else e


def modern_update(state: Any, patterns: Any, beta: float) -> torch.Tensor:
    """One update ``ξ ← Xᵀ softmax(β X ξ)`` (Ramsauer et al. 2021, Eq. 3).

    This is ``scaled_dot_product_attention(query=ξ, key=X, value=X, scale=β)``.

    Parameters
    ----------
    state : array_like or Tensor of float, shape (d,) or (B, d)
        State pattern(s) ``ξ`` (queries).
    patterns : array_like or Tensor of float, shape (M, d)
        Stored patterns ``X`` (rows ``x_i``).
    beta : float > 0
        Inverse temperature ``β``.

    Returns
    -------
    Tensor, shape (d,) or (B, d)
        The updated state(s), same shape as ``state``.
    """
    beta = check_positive_float(beta, "beta")
    xi = _patterns(patterns)
    s, single = _states(state, xi)
    out = hopfield_update(s, xi, beta)
    return out[0] if single else out


@dataclass
class RetrievalTrace:
    """Result of :func:`modern_iterate`.

    Attributes
    ----------
    state : Tensor, shape (d,) or (B, d)
        Final states.
    n_steps : int
        Updates performed (for the slowest state).
    converged : Tensor of bool, shape () or (B,)
        ``‖ξ_{t+1} − ξ_t‖_∞ <= tol`` reached within ``max_steps``.
    energies : Tensor, shape (n_steps + 1,) or (n_steps + 1, B)
        Energy of every visited state, starting with the initial one.
    states : Tensor, shape (n_steps + 1, [B,] d) or None
        All visited states if requested.
    """

    state: torch.Tensor
    n_steps: int
    converged: torch.Tensor
    energies: torch.Tensor
    states: torch.Tensor | None = None


def modern_iterate(state: Any, patterns: Any, beta: float, *, tol: float = 1e-8,
                   max_steps: int = 100, return_states: bool = False) -> RetrievalTrace:
    """Iterate the update to a fixed point (Ramsauer et al. 2021, Theorem 2).

    Parameters
    ----------
    state : array_like or Tensor, shape (d,) or (B, d)
        Initial states (queries).
    patterns : array_like or Tensor, shape (M, d)
        Stored patterns, one per row.
    beta : float > 0
    tol : float > 0
        Stop when no coordinate of any state moves by more than ``tol``.
    max_steps : int >= 1
    return_states : bool
        Keep the whole trajectory.

    Returns
    -------
    RetrievalTrace
    """
    beta = check_positive_float(beta, "beta")
    tol = check_positive_float(tol, "tol")
    max_steps = check_int(max_steps, "max_steps", minimum=1)
    xi = _patterns(patterns)
    s, single = _states(state, xi)
    energies = [hopfield_energy(s, xi, beta)]
    states = [s] if return_states else None
    done = torch.zeros(s.shape[0], dtype=torch.bool, device=s.device)
    steps = 0
    for steps in range(1, max_steps + 1):  # noqa: B007 - steps is used after the loop
        new = hopfield_update(s, xi, beta)
        done = (new - s).abs().amax(-1) <= tol
        s = new
        energies.append(hopfield_energy(s, xi, beta))
        if states is not None:
            states.append(s)
        if bool(done.all()):
            break
    e = torch.stack(energies)
    traj = torch.stack(states) if states is not None else None
    if single:
        return RetrievalTrace(s[0], steps, done[0], e[:, 0],
                              traj[:, 0] if traj is not None else None)
    return RetrievalTrace(s, steps, done, e, traj)


@dataclass
class FixedPoint:
    """Classification of a (fixed-point) state by its attention weights.

    Attributes
    ----------
    kind : str or list of str
        ``"single"`` (one pattern carries at least ``1 − ε`` of the softmax
        weight), ``"metastable"`` (a subset of ``2 .. M/2`` patterns does) or
        ``"global"`` (more than half of all patterns are needed).
    subset_size : int or ndarray of int, shape (B,)
        Smallest number of patterns whose weights sum to ``>= 1 − ε``.
    pattern : int or ndarray of int, shape (B,)
        Index of the most attended pattern.
    weights : Tensor, shape (M,) or (B, M)
        ``softmax(β X ξ)``.
    """

    kind: str | list[str]
    subset_size: int | np.ndarray
    pattern: int | np.ndarray
    weights: torch.Tensor


def classify_fixed_point(state: Any, patterns: Any, beta: float, *,
                         epsilon: float = 0.01) -> FixedPoint:
    """Say which kind of fixed point a state is (Ramsauer et al. 2021, Sec. 2, A.1.5).

    The fixed points of the update are averages ``Xᵀp`` with ``p =
    softmax(β X ξ)``; how many patterns share the weight tells them apart:
    one (retrieval of a single pattern), a few (a metastable state averaging
    similar patterns) or essentially all (the global fixed point at small
    ``β``). ``subset_size`` is the smallest number of patterns holding
    ``1 − epsilon`` of the weight; ``"global"`` means more than half of the
    ``M`` patterns are needed.

    Parameters
    ----------
    state : array_like or Tensor of float, shape (d,) or (B, d)
        State pattern(s) ``ξ`` (queries).
    patterns : array_like or Tensor of float, shape (M, d)
        Stored patterns ``X`` (rows ``x_i``).
    beta : float > 0
        Inverse temperature ``β``.
    epsilon : float in [0, 1), default 0.01
        Weight ``ε`` the subset may leave to the other patterns.

    Returns
    -------
    FixedPoint
        ``kind``, ``subset_size`` and ``pattern`` per state (scalars for a
        single state of shape ``(d,)``) and the attention weights.
    """
    beta = check_positive_float(beta, "beta")
    epsilon = check_fraction(epsilon, "epsilon", inclusive_high=False)
    xi = _patterns(patterns)
    s, single = _states(state, xi)
    w = torch.softmax(beta * (s @ xi.T), dim=-1)
    sorted_w, order = torch.sort(w, dim=-1, descending=True)
    cum = torch.cumsum(sorted_w, dim=-1)
    k = ((cum < 1.0 - epsilon).sum(-1) + 1).clamp(max=xi.shape[0]).cpu().numpy()
    m = xi.shape[0]
    kinds = ["single" if kk == 1 else ("global" if kk > m / 2 else "metastable") for kk in k]
    top = order[:, 0].cpu().numpy()
    if single:
        return FixedPoint(kinds[0], int(k[0]), int(top[0]), w[0])
    return FixedPoint(kinds, k, top, w)


def separation(patterns: Any) -> np.ndarray:
    """Separation ``Δ_i = x_iᵀx_i − max_{j≠i} x_iᵀx_j`` of every pattern (Def. 1).

    Returns an array of shape (M,); needs ``M >= 2``.

    Parameters
    ----------
    patterns : array_like or Tensor of float, shape (M, d), M >= 2
        Stored patterns ``X`` (rows ``x_i``).

    Returns
    -------
    ndarray of float, shape (M,)
        ``Δ_i`` for every pattern.
    """
    xi = _patterns(patterns)
    if xi.shape[0] < 2:
        raise ValueError(f"patterns must hold at least 2 patterns for a separation; got "
                         f"shape {tuple(xi.shape)}")
    g = xi @ xi.T
    diag = torch.diagonal(g).clone()
    g.fill_diagonal_(-math.inf)
    return (diag - g.amax(-1)).cpu().numpy()


def separation_threshold(beta: float, n_patterns: int, max_norm: float) -> float:
    """Separation sufficient for retrieval, Ramsauer et al. (2021) Theorem 3.

    ``2/(βM) + β⁻¹ log(2(M−1)MβK²)`` with ``M = n_patterns`` and ``K =
    max_norm``. A pattern with ``Δ_i`` at least this large has a fixed point
    within ``1/(βMK)`` of it to which the sphere converges.

    Parameters
    ----------
    beta : float > 0
        Inverse temperature ``β``.
    n_patterns : int >= 2
        Number of stored patterns ``M``.
    max_norm : float > 0
        Largest pattern norm ``K = max_i ‖x_i‖``.

    Returns
    -------
    float
        The sufficient separation (may be negative for small ``β``).
    """
    beta = check_positive_float(beta, "beta")
    m = check_int(n_patterns, "n_patterns", minimum=2)
    k = check_positive_float(max_norm, "max_norm")
    return 2.0 / (beta * m) + math.log(2.0 * (m - 1) * m * beta * k * k) / beta


def retrieval_beta(patterns: Any, index: int | None = None) -> float | np.ndarray:
    """Smallest ``β`` at which Theorem 3 guarantees retrieval of pattern(s).

    Solves ``Δ_i = 2/(βM) + β⁻¹ log(2(M−1)MβK²)`` for ``β``. The right-hand side
    rises from ``−∞`` to a maximum at ``β_0 = e^{1−2/M} / (2(M−1)MK²)`` and then
    falls to 0; the theorem is meant on the falling branch (the logarithm
    positive), so the root with ``β >= β_0`` is returned; ``inf`` where
    ``Δ_i <= 0`` (no ``β`` separates a pattern that is not separated).

    Parameters
    ----------
    patterns : array_like or Tensor of float, shape (M, d), M >= 2
        Stored patterns ``X``.
    index : int, optional
        One pattern; all patterns (array of shape (M,)) if omitted.

    Returns
    -------
    float or ndarray of float, shape (M,)
        The smallest ``β`` (``inf`` for a pattern with ``Δ_i <= 0``); a float
        when ``index`` is given.
    """
    from scipy.optimize import brentq

    delta = separation(patterns)
    xi = _patterns(patterns)
    m = xi.shape[0]
    k = float(xi.norm(dim=1).max())
    c = 2.0 * (m - 1) * m * k * k
    beta0 = math.exp(1.0 - 2.0 / m) / c

    def solve(d: float) -> float:
        if d <= 0:
            return math.inf
        f = lambda b: separation_threshold(b, m, k) - d  # noqa: E731
        if f(beta0) <= 0:
            return beta0
        hi = 2.0 * beta0
        while f(hi) > 0:
            hi *= 2.0
        return float(brentq(f, beta0, hi, xtol=1e-12 * hi, rtol=1e-12))

    if index is not None:
        index = check_int(index, "index", minimum=0, maximum=m - 1)
        return solve(float(delta[index]))
    return np.array([solve(float(d)) for d in delta])


def one_step_error_bound(state: Any, patterns: Any, beta: float, index: int) -> float:
    """Theorem 4 bound on ``‖f(ξ) − x_i‖`` after one update from ``ξ`` near ``x_i``.

    ``2 K ε`` with ``ε = (M−1) exp(−β(Δ_i − 2K‖ξ − x_i‖))`` (the theorem's
    ``max`` with the fixed point's own distance is dominated by ``‖ξ − x_i‖``
    for ``ξ`` in the sphere ``S_i``, radius ``1/(βMK)``). Meaningful when
    ``Δ_i`` satisfies :func:`separation_threshold` and ``ξ ∈ S_i``.

    Parameters
    ----------
    state : array_like or Tensor of float, shape (d,)
        A single state ``ξ``.
    patterns : array_like or Tensor of float, shape (M, d), M >= 2
        Stored patterns ``X``.
    beta : float > 0
        Inverse temperature ``β``.
    index : int in [0, M)
        The pattern ``x_i`` near which ``ξ`` lies.

    Returns
    -------
    float
        The bound ``2 K ε`` on ``‖f(ξ) − x_i‖`` (``K`` the largest pattern norm).
    """
    beta = check_positive_float(beta, "beta")
    xi = _patterns(patterns)
    m = xi.shape[0]
    index = check_int(index, "index", minimum=0, maximum=m - 1)
    s, single = _states(state, xi)
    if not single:
        raise ValueError(f"state must be a single state of shape (d,); got {tuple(s.shape)}")
    k = float(xi.norm(dim=1).max())
    delta = float(separation(xi)[index])
    dist = float((s[0] - xi[index]).norm())
    eps = (m - 1) * math.exp(-beta * (delta - 2.0 * k * dist))
    return 2.0 * k * eps


class ModernHopfieldNetwork:
    """Continuous modern Hopfield network with the estimator API of ``HopfieldNetwork``.

    Parameters
    ----------
    beta : float > 0
        Inverse temperature.
    max_steps : int
        Update budget of :meth:`recall`.
    tol : float
        Fixed-point tolerance of :meth:`recall`.
    device, dtype : optional
        Torch device and precision (CPU, float64 by default).

    Examples
    --------
    >>> from spinnet.spins import random_patterns, flip
    >>> xi = random_patterns(50, 64, rng=0)
    >>> net = ModernHopfieldNetwork(beta=0.5).fit(xi)
    >>> out = net.recall(flip(xi[:5], 0.1, rng=1))
    >>> bool((net.overlaps(out).diagonal() > 0.99).all())
    True
    """

    def __init__(self, beta: float = 1.0, *, max_steps: int = 100, tol: float = 1e-8,
                 device: Any = None, dtype: Any = torch.float64) -> None:
        self.beta = check_positive_float(beta, "beta")
        self.max_steps = check_int(max_steps, "max_steps", minimum=1)
        self.tol = check_positive_float(tol, "tol")
        self.device = device
        self.dtype = dtype

    def fit(self, patterns: Any) -> ModernHopfieldNetwork:
        """Store ``patterns`` (M, d) (real or ±1), replacing earlier ones."""
        xi = _patterns(patterns, device=self.device, dtype=self.dtype)
        self.patterns_ = xi
        self.n_features_ = xi.shape[1]
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "patterns_"):
            raise RuntimeError("this ModernHopfieldNetwork is not fitted yet; call "
                               "fit(patterns) first")

    def recall(self, probes: Any, *, n_steps: int | None = None,
               return_trace: bool = False) -> np.ndarray | tuple[np.ndarray, RetrievalTrace]:
        """Iterate the update from ``probes`` (d,) or (B, d); return final states (NumPy).

        ``n_steps`` fixes the number of updates (e.g. 1 for one-step retrieval);
        by default iterate to the fixed point (``tol``, ``max_steps``).
        """
        self._check_fitted()
        if n_steps is not None:
            n_steps = check_int(n_steps, "n_steps", minimum=1)
            trace = modern_iterate(probes, self.patterns_, self.beta, tol=1e-300,
                                   max_steps=n_steps)
        else:
            trace = modern_iterate(probes, self.patterns_, self.beta, tol=self.tol,
                                   max_steps=self.max_steps)
        out = trace.state.detach().cpu().numpy()
        return (out, trace) if return_trace else out

    def energy(self, states: Any) -> np.ndarray:
        """Energy of states (d,) or (B, d)."""
        self._check_fitted()
        return modern_energy(states, self.patterns_, self.beta).detach().cpu().numpy()

    def overlaps(self, states: Any) -> np.ndarray:
        """Normalised overlaps ``x_μ·ξ / (‖x_μ‖ ‖ξ‖)``: shape (M,) or (B, M).

        For ±1 patterns and states this is the usual ``m^μ = ξ^μ·s/N``.
        """
        self._check_fitted()
        s, single = _states(states, self.patterns_)
        num = s @ self.patterns_.T
        den = s.norm(dim=1, keepdim=True) * self.patterns_.norm(dim=1)
        out = (num / den.clamp_min(torch.finfo(s.dtype).tiny)).cpu().numpy()
        return out[0] if single else out

    def classify(self, states: Any, epsilon: float = 0.01) -> FixedPoint:
        """:func:`classify_fixed_point` with the stored patterns and ``beta``."""
        self._check_fitted()
        return classify_fixed_point(states, self.patterns_, self.beta, epsilon=epsilon)

    def __repr__(self) -> str:
        fitted = (f", d={self.n_features_}, M={self.patterns_.shape[0]}"
                  if hasattr(self, "patterns_") else "")
        return f"ModernHopfieldNetwork(beta={self.beta}{fitted})"
