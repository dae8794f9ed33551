"""The classical Hopfield network as a scikit-learn-style estimator."""

from __future__ import annotations

from typing import Any

import numpy as np

from spinnet._rng import SeedLike
from spinnet._validation import check_int, check_nonneg_float, check_option, check_spins
from spinnet.hopfield import dynamics as _dyn
from spinnet.hopfield import rules as _rules
from spinnet.spins import overlaps as _overlaps

__all__ = ["HopfieldNetwork"]

_DYNAMICS = ("async", "sync", "glauber", "little")


class HopfieldNetwork:
    """Hopfield (1982) associative memory of ±1 patterns.

    Parameters
    ----------
    rule : {"hebbian", "pseudo_inverse", "storkey"}
        Learning rule mapping patterns (p, N) to couplings (N, N); see
        :mod:`spinnet.hopfield.rules`.
    normalize : {"N", "p", "none"}
        Hebb rule only: prefactor ``1/N`` (default), ``1/p`` or ``1`` (see
        :func:`~spinnet.hopfield.rules.hebbian`).
    diagonal : {"zero", "keep"}
        Hebb rule only: ``"keep"`` stores the self-coupling ``J_ii`` and the
        zero-temperature and Little dynamics use it (``self_coupling=True``);
        Glauber dynamics ignores it (a constant in the energy).

    Attributes
    ----------
    couplings_ : ndarray, shape (N, N)
        Symmetric couplings (zero diagonal unless ``diagonal="keep"``).
    patterns_ : ndarray of int8, shape (p, N)
        Stored patterns.
    n_spins_ : int
        Number of neurons ``N``.
    load_ : float
        ``α = p / N``.

    Examples
    --------
    >>> from spinnet.spins import random_patterns, flip
    >>> xi = random_patterns(10, 200, rng=0)
    >>> net = HopfieldNetwork(rule="hebbian").fit(xi)
    >>> recalled = net.recall(flip(xi, 0.2, rng=1), rng=2)
    >>> bool((net.overlaps(recalled).diagonal() > 0.99).all())
    True
    """

    def __init__(self, rule: str = "hebbian", *, normalize: str = "N",
                 diagonal: str = "zero") -> None:
        self.rule = check_option(rule, "rule", tuple(_rules.RULES))
        self.normalize = check_option(normalize, "normalize", _rules.HEBB_NORMALIZATIONS)
        self.diagonal = check_option(diagonal, "diagonal", _rules.HEBB_DIAGONALS)
        if rule != "hebbian" and (normalize != "N" or diagonal != "zero"):
            raise ValueError(f"normalize and diagonal apply to rule='hebbian' only; got "
                             f"rule={rule!r}, normalize={normalize!r}, diagonal={diagonal!r}")

    def _hebb_default(self) -> bool:
        return self.normalize == "N" and self.diagonal == "zero"

    # -- learning ---------------------------------------------------------------
    def fit(self, patterns: Any) -> HopfieldNetwork:
        """Store ``patterns`` (p, N), replacing anything stored before.

        Validation happens before any attribute is touched, so a failed call
        leaves the network as it was.
        """
        xi = check_spins(patterns, "patterns", ndim=2).copy()
        if self.rule == "pseudo_inverse":
            J, P = _rules.pseudo_inverse(xi, return_projector=True)
            self._projector = P
        elif self.rule == "hebbian":
            J = _rules.hebbian(xi, normalize=self.normalize, diagonal=self.diagonal)
        else:
            J = _rules.RULES[self.rule](xi)
        self._set_couplings(J)
        self.patterns_ = xi
        self.n_spins_ = xi.shape[1]
        return self

    def _set_couplings(self, J: np.ndarray) -> None:
        # J comes from our learning rules (symmetric, finite): no (N, N) re-check;
        # recall reuses the prepared couplings.
        keep = self.diagonal == "keep"
        self._prepared = _dyn.prepare_couplings(J, validate=False, self_coupling=keep)
        # Glauber's heat bath ignores the (constant-energy) self-coupling.
        self._prepared_glauber = (_dyn.prepare_couplings(J, validate=False) if keep
                                  else self._prepared)
        self.couplings_ = self._prepared[0]

    def partial_fit(self, patterns: Any) -> HopfieldNetwork:
        """Add patterns (p_new, N) or (N,) incrementally, without a rebuild.

        Hebbian: ``J += ξξᵀ/N``; Storkey: its sequential update; pseudo-inverse:
        Greville's rank-one extension of the projector. The result equals
        ``fit`` on all patterns (up to rounding). On an unfitted network this is
        ``fit``.
        """
        if not hasattr(self, "couplings_"):
            xi = check_spins(patterns, "patterns", ndim=(1, 2))
            return self.fit(xi.reshape(-1, xi.shape[-1]))
        xi = check_spins(patterns, "patterns", ndim=(1, 2), n=self.n_spins_)
        xi = xi.reshape(-1, self.n_spins_)
        if self.rule == "hebbian" and not self._hebb_default():
            # 1/p normalisation rescales every coupling: rebuild (O(p N²)).
            return self.fit(np.concatenate([self.patterns_, xi]))
        if self.rule == "hebbian":
            J = _rules.hebbian_update(self.couplings_, xi)
        elif self.rule == "storkey":
            J = _rules.storkey_update(self.couplings_, xi)
        else:
            P = _rules.projector_update(self._projector, xi)
            J = P.copy()
            np.fill_diagonal(J, 0.0)
            self._projector = P
        self._set_couplings(J)
        self.patterns_ = np.concatenate([self.patterns_, xi])
        return self

    @property
    def load_(self) -> float:
        self._check_fitted()
        return self.patterns_.shape[0] / self.n_spins_

    # -- dynamics ---------------------------------------------------------------
    def recall(self, probes: Any, *, dynamics: str = "async", temperature: float = 0.0,
               max_sweeps: int = 100, rng: SeedLike = None, return_trajectory: bool = False):
        """Let probes relax under the network dynamics and return the final states.

        Parameters
        ----------
        probes : array_like, shape (N,) or (B, N)
            Initial ±1 states.
        dynamics : {"async", "sync", "glauber", "little"}
            ``"async"``: zero-temperature random-sequential updates to a fixed
            point; ``"sync"``: parallel updates ``s ← sign(Js)`` to a fixed point
            or 2-cycle; ``"glauber"``: heat bath at ``temperature`` for exactly
            ``max_sweeps`` sweeps (``temperature = 0`` is ``"async"``);
            ``"little"``: parallel heat bath at ``temperature`` for exactly
            ``max_sweeps`` steps (:func:`~spinnet.hopfield.dynamics.run_little`).
            A zero local field keeps the current spin.
        temperature : float >= 0
            Only for ``"glauber"`` and ``"little"`` (the other dynamics are at
            ``T = 0``).
        max_sweeps : int
            Sweep (or parallel-step) budget.
        rng : SeedLike
            Randomness of the update order / heat bath (unused by ``"sync"``).
        return_trajectory : bool
            Also return a :class:`~spinnet.hopfield.dynamics.Trajectory` with
            energy and overlaps with every stored pattern after each sweep.

        Returns
        -------
        states : ndarray of int8, same shape as ``probes``
        trajectory : Trajectory, only if ``return_trajectory``
        """
        self._check_fitted()
        dynamics = check_option(dynamics, "dynamics", _DYNAMICS)
        temperature = check_nonneg_float(temperature, "temperature")
        if dynamics in ("async", "sync") and temperature != 0.0:
            raise ValueError(
                f"temperature={temperature} needs dynamics='glauber' or 'little'; "
                f"dynamics={dynamics!r} is a zero-temperature rule")
        max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
        J, theta, tol = self._prepared
        if dynamics == "little":
            return _dyn.run_little(J, probes, temperature, max_sweeps, rng=rng,
                                   patterns=self.patterns_, record=return_trajectory,
                                   self_coupling=self.diagonal == "keep")
        s, single = _dyn._prepare_states(probes, self.n_spins_)
        if dynamics == "sync":
            return _dyn._sync(J, theta, tol, s, single, max_sweeps, self.patterns_,
                              return_trajectory)
        if dynamics == "glauber" and temperature > 0.0:
            J, theta, tol = self._prepared_glauber
        beta = np.inf if temperature == 0.0 else 1.0 / temperature
        return _dyn._relax(J, s, theta, tol, beta, max_sweeps, rng, self.patterns_,
                           return_trajectory, single, lowrank=self._lowrank())

    def _lowrank(self) -> np.ndarray | None:
        """Ξᵀ (N, p) when Hebbian couplings are cheaper to apply through the patterns.

        A visit costs O(p) instead of O(1) but a flip O(p) instead of O(N), and
        no (N, N) pass is needed at all; exact integer arithmetic. Worth it for
        ``p < N/2`` (same chains as the dense path for the same seed).
        """
        if (self.rule != "hebbian" or not self._hebb_default()
                or 2 * self.patterns_.shape[0] >= self.n_spins_):
            return None
        if getattr(self, "_xi_t", None) is None or self._xi_t.shape[1] != self.patterns_.shape[0]:
            self._xi_t = np.ascontiguousarray(self.patterns_.T)
        return self._xi_t

    def energy(self, states: Any):
        """Energy ``E(s) = -½ Σ_{i≠j} J_ij s_i s_j`` of a state (N,) or batch (B, N).

        A kept diagonal is not included (it adds the constant ``-½ Σ_i J_ii``).
        """
        self._check_fitted()
        return _dyn.energy(self.couplings_, states)

    def overlaps(self, states: Any) -> np.ndarray:
        """Overlaps ``m^μ = ξ^μ·s/N`` with every stored pattern: (p,) or (B, p)."""
        self._check_fitted()
        return _overlaps(self.patterns_, states)

    def _check_fitted(self) -> None:
        if not hasattr(self, "couplings_"):
            raise RuntimeError("this HopfieldNetwork is not fitted yet; call fit(patterns) first")

    def __repr__(self) -> str:
        fitted = (f", N={self.n_spins_}, p={self.patterns_.shape[0]}"
                  if hasattr(self, "couplings_") else "")
        opts = "" if self._hebb_default() else (f", normalize={self.normalize!r}, "
                                                 f"diagonal={self.diagonal!r}")
        return f"HopfieldNetwork(rule={self.rule!r}{opts}{fitted})"
