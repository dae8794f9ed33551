"""Attractor networks that learn while they recall: synaptic and neuronal dynamics in one loop.

The network has ``N`` binary neurons ``s_i = ±1`` and plastic symmetric
couplings ``J_ij`` (``J_ii = 0``). Two dynamics are interleaved, as in Amit's
programme of learning attractor networks (Amit 1989, ch. 9; Amit & Brunel
1995):

* **neuronal** -- ``s_i ← F(Σ_j J_ij s_j + H_i - h_i)``: ``F = sign`` at zero
  temperature (asynchronous, a zero field keeps the spin; see
  :func:`spinnet.hopfield.run_async`) or heat bath at temperature ``T``
  (:func:`spinnet.hopfield.run_glauber`); ``H`` is the external stimulus and
  ``h`` a threshold;
* **synaptic** -- ``dJ_ij/dt = -a J_ij + f(s_i s_j)`` with the stated family

      f(s_i s_j) = (ε/N) s_i s_j,    |J_ij| <= J_max (clipping),

  integrated by an explicit step ``Δt`` (:func:`synaptic_update`):
  ``J ← clip((1 - aΔt) J + Δt (ε/N) s sᵀ, -J_max, J_max)``. The synapse sees
  the network's *own state* ``s`` -- never the stimulus directly.

Limits of the family: ``a = 0, J_max = ∞`` is the plain Hebb rule (catastrophic
forgetting past ``α ≈ 0.14``); ``a > 0`` gives the palimpsest of Mézard, Nadal
& Toulouse (1986) (exponential fading, finite capacity of recent memories);
``a = 0`` with finite ``J_max`` the bounded-synapse palimpsest of Parisi
(1986).

Protocol (:meth:`OnlineAttractorNetwork.present`): an exemplar ``η`` (a noisy
copy of a class prototype) sets the initial state (stimulus onset) and stays
on as the field ``H = H₀ η``; the neurons relax under ``J + H`` -- so once an
attractor exists the state is pulled towards the prototype rather than the
exemplar -- and the synapses then take one step with that state. Nothing else
is stored: prototypes are never seen. ``H₀`` is measured against the
attractor fields: a class just shown ``P`` times has accumulated the weight
``(ε/a)(1 - (1 - aΔt)^P)`` (times ``(1 - 2q)²`` while its exemplars are learnt
uncorrected), about 0.3-0.8 for ``ε = 0.05, a = 0.02, P = 20``; ``H₀ = 0.2``
lets a new class in while an existing attractor still corrects its exemplars.

References
----------
- D. J. Amit, *Modeling Brain Function* (Cambridge, 1989), ch. 9.
- D. J. Amit & N. Brunel, "Learning internal representations in an attractor
  neural network with analogue neurons", Network 6, 359 (1995).
- M. Mézard, J.-P. Nadal & G. Toulouse, J. Physique 47, 1457 (1986).
- G. Parisi, "A memory which forgets", J. Phys. A 19, L617 (1986).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._rng import SeedLike, as_generator
from spinnet._validation import (
    _check_real,
    check_array,
    check_fraction,
    check_int,
    check_nonneg_float,
    check_positive_float,
    check_spins,
)
from spinnet.hopfield.dynamics import run_async, run_glauber

__all__ = [
    "OnlineAttractorNetwork",
    "SynapticDynamics",
    "noisy_exemplars",
    "synaptic_update",
]


@dataclass(frozen=True)
class SynapticDynamics:
    """Parameters of ``dJ/dt = -a J + (ε/N) s sᵀ`` with clipping ``|J_ij| <= J_max``.

    Attributes
    ----------
    decay : float
        ``a >= 0`` (per unit time); memory lifetime ``1/a``.
    learning_rate : float
        ``ε > 0``; the Hebbian drive ``f(s_i s_j) = ε s_i s_j / N``.
    bound : float or None
        ``J_max`` in units of ``1/N`` (``|J_ij| <= J_max / N``); ``None``: no
        clipping.
    dt : float
        Time step of one synaptic update (one presentation), ``> 0``; the
        explicit step is stable for ``a Δt <= 1``.
    """

    decay: float = 0.02
    learning_rate: float = 0.05
    bound: float | None = None
    dt: float = 1.0

    def __post_init__(self) -> None:
        a = check_nonneg_float(self.decay, "decay")
        check_positive_float(self.learning_rate, "learning_rate")
        dt = check_positive_float(self.dt, "dt")
        if self.bound is not None:
            check_positive_float(self.bound, "bound")
        if a * dt > 1.0:
            raise ValueError(f"decay * dt must be <= 1 for the explicit step; got {a * dt:g}")


def synaptic_update(couplings: Any, state: Any, rule: SynapticDynamics, *,
                    center: Any = None) -> np.ndarray:
    """One explicit step of the synaptic dynamics (pure function).

    ``J' = clip((1 - aΔt) J + Δt (ε/N) (s - c)(s - c)ᵀ, ±J_max/N)`` with
    ``J'_ii = 0``; ``c = 0`` (the default) is the plain rule ``(ε/N) s sᵀ``.

    Parameters
    ----------
    couplings : array_like, shape (N, N)
    state : array_like of ±1, shape (N,)
        The network's state during the step.
    rule : SynapticDynamics
    center : array_like, shape (N,), optional
        Mean activity ``c_i = <s_i>`` subtracted before the Hebbian product:
        the covariance rule for biased (correlated) patterns (Amit, Gutfreund
        & Sompolinsky 1987, Phys. Rev. A 35, 2293, eq. 2.3; Tsodyks &
        Feigel'man 1988). Default ``None``: ``c = 0``.

    Returns
    -------
    ndarray, shape (N, N)
        New couplings (the input is not modified).
    """
    if not isinstance(rule, SynapticDynamics):
        raise TypeError(f"rule must be a SynapticDynamics; got {type(rule).__name__}")
    J = check_array(couplings, "couplings", ndim=2, dtype=np.float64)
    n = J.shape[0]
    if J.shape != (n, n):
        raise ValueError(f"couplings must be a square (N, N) matrix; got shape {J.shape}")
    s = check_spins(state, "state", ndim=1, n=n).astype(np.float64)
    if center is not None:
        s = s - _check_center(center, n)
    out = (1.0 - rule.decay * rule.dt) * J + (rule.dt * rule.learning_rate / n) * np.outer(s, s)
    if rule.bound is not None:
        np.clip(out, -rule.bound / n, rule.bound / n, out=out)
    np.fill_diagonal(out, 0.0)
    return out


def _check_center(center: Any, n: int) -> np.ndarray:
    c = check_array(center, "center", ndim=1, dtype=np.float64)
    if c.shape[0] != n:
        raise ValueError(f"center must have length N = {n}; got {c.shape[0]}")
    if not np.all(np.isfinite(c)) or np.any(np.abs(c) > 1.0):
        raise ValueError("center must hold finite mean activities in [-1, 1]; got values "
                         f"in [{np.nanmin(c):g}, {np.nanmax(c):g}]")
    return c


def noisy_exemplars(prototype: Any, n_exemplars: int, noise: float,
                    rng: SeedLike = None) -> np.ndarray:
    """Exemplars of a class: each spin of the prototype flipped with probability ``noise``.

    Independent Bernoulli flips (not a fixed number, unlike
    :func:`spinnet.spins.flip`), so exemplars differ from each other and the
    expected overlap with the prototype is ``1 - 2·noise``.

    Parameters
    ----------
    prototype : array_like of ±1, shape (N,)
        The class prototype ``ξ`` (one pattern of ``N`` spins).
    n_exemplars : int
        Number of exemplars to draw (``>= 1``).
    noise : float
        Flip probability of each spin, in ``[0, 1]``.
    rng : SeedLike
        Seed or generator for the flips (``None``: fresh entropy).

    Returns
    -------
    ndarray of int8, shape (n_exemplars, N)
        Row ``k`` is the prototype with each spin independently flipped with
        probability ``noise``.
    """
    xi = check_spins(prototype, "prototype", ndim=1)
    n_exemplars = check_int(n_exemplars, "n_exemplars", minimum=1)
    noise = check_fraction(noise, "noise")
    gen = as_generator(rng)
    flips = gen.random((n_exemplars, xi.shape[0])) < noise
    return np.where(flips, -xi, xi).astype(np.int8)


class OnlineAttractorNetwork:
    """Binary attractor network with online synaptic dynamics.

    Parameters
    ----------
    n_neurons : int
        ``N``.
    rule : SynapticDynamics, optional
        Synaptic dynamics (default ``SynapticDynamics()``).
    stimulus : float
        ``H₀ >= 0``: a presented exemplar ``η`` acts as the field ``H = H₀ η``
        (see the module docstring for its scale).
    threshold : float or array_like of shape (N,)
        ``h_i`` subtracted from the field (0 by default).
    temperature : float
        ``T >= 0`` of the neuronal dynamics (0: deterministic ``sign``).
    n_sweeps : int
        Neuronal sweeps per presentation (at ``T = 0``: maximum, the
        dynamics stops at a fixed point).
    reset : bool
        Start each presentation from the exemplar itself (the stimulus onset
        drives the network into it; the sustained field ``H₀η`` then competes
        with the couplings). ``False`` continues from the previous state, so
        an existing attractor can capture every later stimulus weaker than
        its field.
    center : array_like, shape (N,), optional
        Mean activity ``c`` of the patterns (e.g. the mean glyph over a data
        set). With it the synapses learn the covariance rule
        ``(ε/N)(s - c)(s - c)ᵀ`` (:func:`synaptic_update`) and the neurons
        feel ``Σ_j J_ij (s_j - c_j)``, i.e. the threshold ``h + J c``: the
        biased-pattern network of Amit, Gutfreund & Sompolinsky (1987), in
        which correlated patterns sharing the mean ``c`` (letters sharing
        their background) are stored as if their deviations ``ξ - c`` were
        the patterns. Default ``None``: ``c = 0``, the plain rule (unchanged).
    rng : SeedLike
        Initial state (random).

    Attributes
    ----------
    couplings : ndarray, shape (N, N)
        Current ``J`` (starts at zero: a blank network).
    state : ndarray of int8, shape (N,)
        Current neuronal state.
    time : float
        Synaptic time elapsed (``Δt`` per presentation).
    """

    def __init__(self, n_neurons: int, rule: SynapticDynamics | None = None, *,
                 stimulus: float = 0.2, threshold: Any = 0.0, temperature: float = 0.0,
                 n_sweeps: int = 20, reset: bool = True, center: Any = None,
                 rng: SeedLike = None) -> None:
        n = check_int(n_neurons, "n_neurons", minimum=2)
        rule = SynapticDynamics() if rule is None else rule
        if not isinstance(rule, SynapticDynamics):
            raise TypeError(f"rule must be a SynapticDynamics; got {type(rule).__name__}")
        self.rule = rule
        self.stimulus = check_nonneg_float(stimulus, "stimulus")
        if np.ndim(threshold) == 0:
            self.threshold = np.full(n, _check_real(threshold, "threshold"))
        else:
            th = check_array(threshold, "threshold", ndim=1, dtype=np.float64)
            if th.shape[0] != n:
                raise ValueError(f"threshold must have length N = {n}; got {th.shape[0]}")
            self.threshold = th.copy()
        self.temperature = check_nonneg_float(temperature, "temperature")
        self.n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
        if not isinstance(reset, bool):
            raise TypeError(f"reset must be a bool; got {type(reset).__name__}")
        self.reset = reset
        self.center = None if center is None else _check_center(center, n).copy()
        self.couplings = np.zeros((n, n))
        gen = as_generator(rng)
        self.state = np.where(gen.random(n) < 0.5, 1, -1).astype(np.int8)
        self.time = 0.0

    @property
    def n_neurons(self) -> int:
        """``N``."""
        return self.couplings.shape[0]

    def _centering_field(self) -> np.ndarray | float:
        """``-J c``: the field that makes the neurons feel ``J (s - c)`` (0 without center)."""
        if self.center is None:
            return 0.0
        return -(self.couplings @ self.center)

    def _relax(self, states: np.ndarray, field: np.ndarray, rng: SeedLike) -> np.ndarray:
        if self.temperature == 0.0:
            return run_async(self.couplings, states, max_sweeps=self.n_sweeps, rng=rng,
                             field=field)
        return run_glauber(self.couplings, states, self.temperature, n_sweeps=self.n_sweeps,
                           rng=rng, field=field)

    def _clamp_mask(self, clamp: Any) -> np.ndarray | None:
        if clamp is None:
            return None
        mask = np.asarray(clamp)
        if mask.dtype != np.bool_:
            raise TypeError(f"clamp must be a boolean mask of shape (N,) = ({self.n_neurons},); "
                            f"got dtype {mask.dtype}")
        if mask.shape != (self.n_neurons,):
            raise ValueError(f"clamp must have shape (N,) = ({self.n_neurons},); "
                             f"got {mask.shape}")
        if mask.all():
            raise ValueError("clamp must leave at least one neuron free; got all clamped")
        return mask

    def _relax_clamped(self, states: np.ndarray, field: np.ndarray, mask: np.ndarray,
                       rng: SeedLike, *, zero_t: bool = False, max_sweeps: int | None = None
                       ) -> np.ndarray:
        """Relax the free neurons of each row of ``states``; clamped ones keep their values.

        A clamped neuron acts on the free ones through ``J_{free,clamped} s_clamped``,
        an extra field (so the sub-network has couplings ``J_{free,free}``).
        """
        gen = as_generator(rng)
        free = ~mask
        J_ff = self.couplings[np.ix_(free, free)]
        J_fc = self.couplings[np.ix_(free, mask)]
        out = states.copy()
        for b in range(states.shape[0]):
            h = field[free] + J_fc @ states[b, mask].astype(np.float64)
            if zero_t or self.temperature == 0.0:
                out[b, free] = run_async(J_ff, states[b, free],
                                         max_sweeps=max_sweeps or self.n_sweeps, rng=gen,
                                         field=h)
            else:
                out[b, free] = run_glauber(J_ff, states[b, free], self.temperature,
                                           n_sweeps=self.n_sweeps, rng=gen, field=h)
        return out

    def present(self, exemplar: Any, rng: SeedLike = None, *, learn: bool = True,
                clamp: Any = None) -> np.ndarray:
        """Show one exemplar: neuronal relaxation under ``J + H₀η - h``, then one synaptic step.

        The relaxation starts from ``η`` when :attr:`reset` is set, from the
        current state otherwise.

        **Supervised learning** (Amit 1989, ch. 9: a label is a part of the
        pattern that the teacher imposes): with a ``clamp`` mask, the clamped
        neurons are held at the exemplar's values ``η_i`` during the relaxation
        (the teacher's label), the free ones relax in ``J + H₀η - h`` plus the
        field of the clamped ones, and the synapses learn from the whole state.
        Store ``[picture | label code]`` with the label part clamped, then
        :meth:`recall` with the label part free (a blank, e.g. random ±1) to
        read the label the network completes.

        Parameters
        ----------
        exemplar : array_like of ±1, shape (N,)
        rng : SeedLike
            Update order (and heat-bath noise at ``T > 0``).
        learn : bool
            ``False`` runs the neuronal dynamics only.
        clamp : array_like of bool, shape (N,), optional
            Neurons held at the exemplar's values (default: none, the
            unsupervised protocol, unchanged).

        Returns
        -------
        ndarray of int8, shape (N,)
            The state the synapses saw (also kept as :attr:`state`).
        """
        eta = check_spins(exemplar, "exemplar", ndim=1, n=self.n_neurons)
        mask = self._clamp_mask(clamp)
        field = (self.stimulus * eta.astype(np.float64) - self.threshold
                 + self._centering_field())
        start = eta if self.reset else self.state
        if mask is None:
            self.state = self._relax(start, field, rng)
        else:
            start = np.where(mask, eta, start).astype(np.int8)
            self.state = self._relax_clamped(start[None, :], field, mask, rng)[0]
        if learn:
            self.couplings = synaptic_update(self.couplings, self.state, self.rule,
                                             center=self.center)
            self.time += self.rule.dt
        return self.state.copy()

    def recall(self, probes: Any, rng: SeedLike = None, *, max_sweeps: int = 100,
               clamp: Any = None) -> np.ndarray:
        """Free relaxation (no stimulus, no learning) of probes (N,) or (B, N) at ``T = 0``.

        Returns the fixed points reached (asynchronous dynamics, at most
        ``max_sweeps`` sweeps): the attractors of the current couplings. With
        a ``clamp`` mask (shape (N,), bool) the clamped neurons keep the
        probe's values (e.g. a picture held while its label part completes).
        """
        s = check_spins(probes, "probes", ndim=(1, 2), n=self.n_neurons)
        max_sweeps = check_int(max_sweeps, "max_sweeps", minimum=1)
        mask = self._clamp_mask(clamp)
        field = -self.threshold + self._centering_field()
        if mask is None:
            return run_async(self.couplings, s, max_sweeps=max_sweeps, rng=rng, field=field)
        out = self._relax_clamped(s.reshape(-1, self.n_neurons), field, mask, rng,
                                  zero_t=True, max_sweeps=max_sweeps)
        return out[0] if s.ndim == 1 else out

    def is_fixed_point(self, states: Any) -> np.ndarray:
        """Whether each state (N,) or (B, N) is a zero-temperature fixed point without stimulus.

        A state is fixed when no spin has a field of the opposite sign
        (``s_i h_i >= 0``; a zero field keeps the spin); with a :attr:`center`
        ``c`` the field is ``Σ_j J_ij (s_j - c_j) - h_i``.
        """
        s = check_spins(states, "states", ndim=(1, 2), n=self.n_neurons)
        x = s.astype(np.float64)
        h = x @ self.couplings - self.threshold + self._centering_field()
        tol = 1e-10 * max(float(np.abs(self.couplings).sum(axis=1).max()), 1e-300)
        return np.all(x * h >= -tol, axis=-1)

    def __repr__(self) -> str:
        return (f"OnlineAttractorNetwork(N={self.n_neurons}, decay={self.rule.decay:g}, "
                f"learning_rate={self.rule.learning_rate:g}, bound={self.rule.bound}, "
                f"stimulus={self.stimulus:g}, T={self.temperature:g})")
