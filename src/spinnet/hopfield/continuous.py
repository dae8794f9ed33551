"""Hopfield's continuous (graded-response) network and its Lyapunov energy.

Neurons have a continuous internal state ``u_i`` (membrane potential) and a
graded output ``V_i = g(u_i)``, a sigmoid of gain ``λ``. The circuit equations
(Hopfield 1984, eq. 5) are

    C_i du_i/dt = Σ_j T_ij V_j - u_i / R_i + I_i,

and for symmetric ``T`` the function (eq. 7)

    E(V) = -½ Σ_ij T_ij V_i V_j - Σ_i I_i V_i + Σ_i (1/R_i) ∫_{V_rest}^{V_i} g⁻¹(x) dx

is a Lyapunov function: ``∂E/∂V_i = -C_i du_i/dt``, hence
``dE/dt = -Σ_i C_i g'(u_i) (du_i/dt)² ≤ 0``. The sum runs over all ``i, j``:
a diagonal ``T_ii`` is allowed (the Hopfield-Tank TSP network has one) since
the proof only uses ``T = Tᵀ``. In the high-gain limit the minima of ``E`` move
to the corners of the hypercube and ``E`` tends to the energy of the binary
network (Hopfield 1984, Fig. 2).

Two activations are offered:

* ``"tanh"``: ``V = tanh(λu) ∈ (-1, 1)``, spins-like outputs (``V_rest = 0``);
* ``"logistic"``: ``V = ½(1 + tanh(λu)) ∈ (0, 1)``, Hopfield's and
  Hopfield & Tank's choice (``V_rest = ½``; with ``λ = 1/u₀`` this is the
  Hopfield-Tank 1985 gain function).

Integration. :meth:`ContinuousHopfield.integrate` takes explicit Euler steps in
``u`` along ``du/dt`` and, with ``monotone=True`` (the default), accepts a step
only if the computed energy does not increase, halving the step otherwise.
Because the Euler direction maps to ``ΔV_i ≈ g'(u_i) Δt du_i/dt``, whose
directional derivative of ``E`` is ``-Δt Σ C_i g'(u_i)(du_i/dt)² ≤ 0``, a small
enough step always decreases ``E`` (away from fixed points), so the
backtracking ends. The energy change of a step is evaluated directly,
``ΔE = -(TV + I)·ΔV - ½ ΔVᵀTΔV + Σ_i [G(V_i') - G(V_i)]/R_i`` (exact for the
quadratic part), not as a difference of two large energies, so its sign stays
reliable for tiny steps; the recorded energies ``E₀ + Σ ΔE`` are therefore
non-increasing by construction.
``monotone=False`` gives plain fixed-step Euler, as used by Hopfield & Tank.

References
----------
- J. J. Hopfield, "Neurons with graded response have collective computational
  properties like those of two-state neurons", PNAS 81, 3088 (1984).
- J. J. Hopfield & D. W. Tank, "'Neural' computation of decisions in
  optimization problems", Biol. Cybern. 52, 141 (1985).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from spinnet._validation import (
    check_array,
    check_couplings,
    check_int,
    check_option,
    check_positive_float,
)

__all__ = ["ACTIVATIONS", "ContinuousHopfield", "ContinuousTrajectory"]

ACTIVATIONS = ("tanh", "logistic")
_LN2 = float(np.log(2.0))


def _softplus(x: np.ndarray) -> np.ndarray:
    """``ln(1 + e^x)`` without overflow."""
    return np.logaddexp(0.0, x)


@dataclass(frozen=True)
class ContinuousTrajectory:
    """Result of :meth:`ContinuousHopfield.integrate`.

    Attributes
    ----------
    u : ndarray, shape (N,)
        Final internal states.
    V : ndarray, shape (N,)
        Final outputs ``g(u)``.
    times : ndarray, shape (K + 1,)
        Times of the accepted steps (``times[0] = 0``).
    energies : ndarray, shape (K + 1,)
        Lyapunov energy after each accepted step (``E₀`` plus the accumulated
        directly computed changes; equal to :meth:`ContinuousHopfield.energy`
        of the current outputs up to round-off).
    n_steps : int
        Accepted steps ``K``.
    n_rejected : int
        Rejected (halved) step attempts (``monotone=True`` only).
    converged : bool
        ``max_i |dV_i/dt| < tol`` was reached, or no step could lower the
        energy any more within round-off (a fixed point within precision).
    """

    u: np.ndarray
    V: np.ndarray
    times: np.ndarray
    energies: np.ndarray
    n_steps: int
    n_rejected: int
    converged: bool


def _vector(value: Any, name: str, n: int) -> np.ndarray:
    """A positive scalar or an (N,) array of positive values, as (N,) float64."""
    if np.ndim(value) == 0:
        return np.full(n, check_positive_float(value, name))
    arr = check_array(value, name, ndim=1, dtype=np.float64)
    if arr.shape[0] != n:
        raise ValueError(f"{name} must be a scalar or have length N = {n}; got {arr.shape[0]}")
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 everywhere")
    return arr


class ContinuousHopfield:
    """Graded-response Hopfield network (Hopfield 1984).

    Parameters
    ----------
    couplings : array_like, shape (N, N)
        Symmetric ``T`` (the diagonal is used as given).
    bias : array_like, shape (N,), optional
        Input currents ``I``; zero by default.
    gain : float
        Sigmoid gain ``λ > 0`` (``λ → ∞``: two-state neurons).
    activation : {"tanh", "logistic"}
        Output range ``(-1, 1)`` or ``(0, 1)`` (see the module docstring).
    resistance, capacitance : float or array_like of shape (N,)
        ``R_i > 0`` and ``C_i > 0``; the time constant is ``τ_i = R_i C_i``.
    matvec : callable, optional
        A fast ``V ↦ T V`` for structured couplings (e.g. the Hopfield-Tank
        network), used by :meth:`integrate`; checked once against
        ``couplings`` on a random vector.

    Raises
    ------
    ValueError, TypeError
        On asymmetric or non-finite couplings, shape mismatches, non-positive
        gain, resistance or capacitance, or an unknown activation.
    """

    def __init__(self, couplings: Any, bias: Any = None, *, gain: float = 1.0,
                 activation: str = "tanh", resistance: Any = 1.0,
                 capacitance: Any = 1.0, matvec: Any = None) -> None:
        T = check_couplings(couplings, "couplings")
        n = T.shape[0]
        if bias is None:
            I_ = np.zeros(n)
        else:
            I_ = check_array(bias, "bias", ndim=1, dtype=np.float64)
            if I_.shape[0] != n:
                raise ValueError(f"bias must have length N = {n}; got {I_.shape[0]}")
        self.couplings = np.array(T, dtype=np.float64)
        # Exact symmetry so that ∂E/∂V = -(T V + I - u/R) holds to round-off.
        self.couplings = 0.5 * (self.couplings + self.couplings.T)
        self.bias = np.array(I_, dtype=np.float64)
        self.gain = check_positive_float(gain, "gain")
        self.activation = check_option(activation, "activation", ACTIVATIONS)
        self.resistance = _vector(resistance, "resistance", n)
        self.capacitance = _vector(capacitance, "capacitance", n)
        if matvec is None:
            self._matvec = lambda V: V @ self.couplings
        else:
            if not callable(matvec):
                raise TypeError(f"matvec must be callable; got {type(matvec).__name__}")
            probe = np.random.default_rng(0).random(n)
            ref = self.couplings @ probe
            got = np.asarray(matvec(probe), dtype=np.float64)
            if got.shape != (n,) or not np.allclose(got, ref, rtol=1e-10,
                                                    atol=1e-10 * np.abs(ref).max()):
                raise ValueError("matvec does not reproduce couplings @ V")
            self._matvec = matvec

    @property
    def n_neurons(self) -> int:
        """Number of neurons ``N``."""
        return self.couplings.shape[0]

    # ----------------------------------------------------------------- gain function
    def output(self, u: Any) -> np.ndarray:
        """Outputs ``V = g(u)`` for internal states ``u`` of shape (..., N)."""
        u = self._check_u(u, "u")
        x = self.gain * u
        return np.tanh(x) if self.activation == "tanh" else 0.5 * (1.0 + np.tanh(x))

    def inverse(self, V: Any) -> np.ndarray:
        """Internal states ``u = g⁻¹(V)``; ``V`` must lie strictly inside the output range."""
        V = self._check_V(V, closed=False)
        if self.activation == "tanh":
            return np.arctanh(V) / self.gain
        return np.log(V / (1.0 - V)) / (2.0 * self.gain)

    def _slope(self, u: np.ndarray) -> np.ndarray:
        """``g'(u)``."""
        t = np.tanh(self.gain * u)
        d = self.gain * (1.0 - t * t)
        return d if self.activation == "tanh" else 0.5 * d

    # ---------------------------------------------------------------------- energy
    def _leak(self, u: np.ndarray, V: np.ndarray) -> np.ndarray:
        """``G(V_i) = ∫_{V_rest}^{V_i} g⁻¹``, per neuron, from ``u`` (stable at saturation)."""
        lam = self.gain
        x = lam * u
        if self.activation == "tanh":
            # G = [V artanh V + ½ ln(1 - V²)] / λ = [V x - ln cosh x] / λ.
            logcosh = np.abs(x) + np.log1p(np.exp(-2.0 * np.abs(x))) - _LN2
            G = (V * x - logcosh) / lam
        else:
            # G = [V ln V + (1-V) ln(1-V) + ln 2] / (2λ), ln V = -softplus(-2x).
            G = (-V * _softplus(-2.0 * x) - (1.0 - V) * _softplus(2.0 * x) + _LN2) / (2.0 * lam)
        return G

    def energy(self, V: Any) -> np.ndarray | float:
        """Lyapunov energy ``E(V)`` (Hopfield 1984, eq. 7) of outputs of shape (..., N).

        ``V`` may touch the ends of the output range (the integral stays finite).
        """
        V = self._check_V(V, closed=True)
        if self.activation == "tanh":
            # G(V) = [V artanh V + ½ ln(1 - V²)] / λ = [(1+V)ln(1+V) + (1-V)ln(1-V)] / (2λ)
            from scipy.special import xlogy

            G = (xlogy(1.0 + V, 1.0 + V) + xlogy(1.0 - V, 1.0 - V)) / (2.0 * self.gain)
        else:
            from scipy.special import xlogy

            G = (xlogy(V, V) + xlogy(1.0 - V, 1.0 - V) + _LN2) / (2.0 * self.gain)
        e = self._quadratic(V) + (G / self.resistance).sum(axis=-1)
        return float(e) if np.ndim(e) == 0 else e

    def _quadratic(self, V: np.ndarray) -> np.ndarray:
        return -0.5 * np.einsum("...i,...i->...", V @ self.couplings, V) - V @ self.bias

    def energy_of_state(self, u: Any) -> np.ndarray | float:
        """``E(g(u))`` computed from internal states (no round-off loss at saturation)."""
        u = self._check_u(u, "u")
        V = self.output(u)
        e = self._quadratic(V) + (self._leak(u, V) / self.resistance).sum(axis=-1)
        return float(e) if np.ndim(e) == 0 else e

    def velocity(self, u: Any) -> np.ndarray:
        """``du/dt = (T V + I - u/R) / C`` (Hopfield 1984, eq. 5)."""
        u = self._check_u(u, "u")
        return self._velocity(u, self.output(u))

    def _velocity(self, u: np.ndarray, V: np.ndarray) -> np.ndarray:
        return (V @ self.couplings + self.bias - u / self.resistance) / self.capacitance

    # ------------------------------------------------------------------ integration
    def integrate(self, u0: Any, *, t_max: float = 10.0, dt: float = 0.01,
                  max_steps: int = 100_000, tol: float = 1e-6, monotone: bool = True,
                  max_halvings: int = 60) -> ContinuousTrajectory:
        """Integrate the circuit equations from ``u0`` (explicit Euler in ``u``).

        Parameters
        ----------
        u0 : array_like, shape (N,)
            Initial internal states.
        t_max : float
            Stop at this time.
        dt : float
            (Maximum) time step. With ``monotone=True`` a rejected step is
            halved, and after an accepted step the step doubles back towards
            ``dt``.
        max_steps : int
            Bound on accepted steps.
        tol : float
            Convergence: stop when ``max_i |dV_i/dt| < tol``.
        monotone : bool
            Accept a step only if the energy does not increase (see the module
            docstring); ``False`` gives plain fixed-step Euler.
        max_halvings : int
            When this many consecutive halvings do not produce a step that
            lowers the energy, the state is a fixed point to within round-off
            and the integration stops (``converged=True``).

        Returns
        -------
        ContinuousTrajectory
        """
        u = self._check_u(u0, "u0").copy()
        if u.ndim != 1:
            raise ValueError(f"u0 must have shape (N,) = ({self.n_neurons},); got {u.shape}")
        t_max = check_positive_float(t_max, "t_max")
        dt_max = check_positive_float(dt, "dt")
        max_steps = check_int(max_steps, "max_steps", minimum=1)
        tol = check_positive_float(tol, "tol")
        max_halvings = check_int(max_halvings, "max_halvings", minimum=1)
        V = self.output(u)
        e = self.energy_of_state(u)
        G = self._leak(u, V)
        times, energies = [0.0], [e]
        t, step, rejected, converged = 0.0, dt_max, 0, False
        while len(times) <= max_steps and t < t_max:
            field = self._matvec(V) + self.bias
            du = (field - u / self.resistance) / self.capacitance
            if np.max(np.abs(self._slope(u) * du)) < tol:
                converged = True
                break
            h = min(step, t_max - t)
            accepted = False
            for _ in range(max_halvings + 1):
                u_new = u + h * du
                V_new = self.output(u_new)
                G_new = self._leak(u_new, V_new)
                # The energy change computed directly (not as a difference of two large
                # energies), so that its sign is reliable down to tiny steps.
                dV = V_new - V
                de = float(-(field @ dV) - 0.5 * (dV @ self._matvec(dV))
                           + ((G_new - G) / self.resistance).sum())
                if not monotone or de <= 0.0:
                    accepted = True
                    break
                rejected += 1
                h *= 0.5
            if not accepted:
                converged = True  # no descent step above round-off: a fixed point
                break
            u, V, G, t = u_new, V_new, G_new, t + h
            # Adding de <= 0 can only lower (or keep) the recorded energy.
            e = e + de
            times.append(t)
            energies.append(e)
            step = min(2.0 * h, dt_max) if monotone else dt_max
        return ContinuousTrajectory(u=u, V=V, times=np.asarray(times),
                                    energies=np.asarray(energies), n_steps=len(times) - 1,
                                    n_rejected=rejected, converged=converged)

    # ------------------------------------------------------------------- validation
    def _check_u(self, u: Any, name: str) -> np.ndarray:
        arr = check_array(u, name, ndim=(1, 2), dtype=np.float64)
        if arr.shape[-1] != self.n_neurons:
            raise ValueError(f"{name} must have N = {self.n_neurons} entries on its last axis; "
                             f"got shape {arr.shape}")
        return arr

    def _check_V(self, V: Any, *, closed: bool) -> np.ndarray:
        arr = self._check_u(V, "V")
        lo = -1.0 if self.activation == "tanh" else 0.0
        ok = (arr >= lo) & (arr <= 1.0) if closed else (arr > lo) & (arr < 1.0)
        if not np.all(ok):
            rng = f"[{lo:g}, 1]" if closed else f"({lo:g}, 1)"
            raise ValueError(f"V must lie in {rng} for the {self.activation!r} activation; "
                             f"got values in [{arr.min():g}, {arr.max():g}]")
        return arr

    def __repr__(self) -> str:
        return (f"ContinuousHopfield(N={self.n_neurons}, gain={self.gain:g}, "
                f"activation={self.activation!r})")
