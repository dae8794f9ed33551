"""Exact results for two-dimensional Ising models (the oracles of the test suite).

Conventions: ``E(s) = -J Σ_<ij> s_i s_j`` over nearest-neighbour bonds,
``β = 1/T``, ``k_B = 1``, coupling ``K = βJ``. All quantities are *per spin*.

Contents
--------
* Infinite square lattice: Onsager's critical temperature, internal energy and
  specific heat (Onsager, Phys. Rev. 65, 117 (1944)), Yang's spontaneous
  magnetization (Yang, Phys. Rev. 85, 808 (1952)).
* Finite ``L x M`` torus: Kaufman's exact partition function (Kaufman,
  Phys. Rev. 76, 1232 (1949), eq. 39), evaluated in logarithms following
  Beale, Phys. Rev. Lett. 76, 78 (1996), with energy and specific heat from
  *analytic* β-derivatives of ``ln Z``.
* Critical temperatures of the anisotropic square / triangular lattice
  (Houtappel, Physica 16, 425 (1950)) and of the Baxter–Wu model (Baxter & Wu,
  Phys. Rev. Lett. 31, 1294 (1973)); critical exponents of both universality
  classes.

The background, with all formulas, is in ``docs/theory/ising.md``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize, special

from spinnet._validation import _check_real, check_array, check_int, check_positive_float

__all__ = [
    "BAXTER_WU_EXPONENTS",
    "ISING_2D_EXPONENTS",
    "ONSAGER_TC",
    "CriticalExponents",
    "axis_correlation",
    "baxter_wu_tc",
    "disorder_temperature",
    "energy_per_spin",
    "houtappel_tc",
    "kaufman_energy_per_spin",
    "kaufman_log_z",
    "kaufman_specific_heat_per_spin",
    "onsager_tc",
    "specific_heat_per_spin",
    "spontaneous_magnetization",
    "strip_correlation",
]

#: Onsager's critical temperature of the square-lattice Ising model for ``J = 1``:
#: ``T_c = 2 / ln(1 + √2) = 2.269185314213022...`` (Kramers & Wannier 1941; Onsager 1944).
ONSAGER_TC: float = 2.0 / math.log1p(math.sqrt(2.0))


@dataclass(frozen=True)
class CriticalExponents:
    """Critical exponents of a universality class (``α = 0`` means a logarithm).

    Attributes
    ----------
    alpha, beta, gamma, delta, nu, eta : float
        ``C ~ |t|^-α``, ``m ~ (-t)^β``, ``χ ~ |t|^-γ``, ``m ~ h^(1/δ)`` at
        ``T_c``, ``ξ ~ |t|^-ν``, ``G(r) ~ r^-(d-2+η)`` at ``T_c``.
    name : str
        Universality class.
    """

    alpha: float
    beta: float
    gamma: float
    delta: float
    nu: float
    eta: float
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the exponents as a plain ``dict``."""
        return asdict(self)


#: 2D Ising class (Onsager 1944; Yang 1952): ``α = 0`` (log), ``β = 1/8``, ``γ = 7/4``,
#: ``δ = 15``, ``ν = 1``, ``η = 1/4``.
ISING_2D_EXPONENTS = CriticalExponents(alpha=0.0, beta=1 / 8, gamma=7 / 4, delta=15.0,
                                       nu=1.0, eta=1 / 4, name="2D Ising")

#: Baxter–Wu model = 4-state Potts class (Baxter & Wu 1973; den Nijs 1979):
#: ``α = 2/3``, ``β = 1/12``, ``γ = 7/6``, ``δ = 15``, ``ν = 2/3``, ``η = 1/4``.
BAXTER_WU_EXPONENTS = CriticalExponents(alpha=2 / 3, beta=1 / 12, gamma=7 / 6, delta=15.0,
                                        nu=2 / 3, eta=1 / 4, name="Baxter-Wu (4-state Potts)")


# Largest K = J/T used in evaluations; see _clamped_coupling and _kaufman.
_K_CLAMP = 100.0


# --------------------------------------------------------------------------- validation

def _temperatures(T: Any) -> tuple[np.ndarray, bool]:
    """Return ``T`` as a float64 array (all finite and > 0) and whether it was a scalar."""
    if isinstance(T, bool):
        raise TypeError(f"T must be a real number or an array of them; got {T!r}")
    arr = check_array(T, "T", dtype=np.float64)
    if np.any(arr <= 0.0):
        bad = arr[arr <= 0.0].ravel()[:3]
        raise ValueError(f"T must be > 0 (temperature, k_B = 1); got e.g. {bad.tolist()}")
    return arr, arr.ndim == 0


def _out(values: np.ndarray, scalar: bool) -> float | np.ndarray:
    return float(values) if scalar else values


def _coupling(J: Any) -> float:
    J = _check_real(J, "J")
    if J <= 0.0:
        raise ValueError(
            f"J must be > 0 (ferromagnetic coupling); got {J}. On the square lattice the "
            "antiferromagnet maps onto the ferromagnet by flipping one sublattice, "
            "so pass |J| and reinterpret the magnetization as the staggered one."
        )
    return J


# --------------------------------------------------------------------------- infinite lattice

def onsager_tc(J: float = 1.0) -> float:
    """Critical temperature ``T_c = 2J / ln(1 + √2)`` of the square-lattice Ising model.

    From the self-duality ``sinh(2J/T_c) = 1`` (Kramers & Wannier, Phys. Rev. 60,
    252 (1941); Onsager, Phys. Rev. 65, 117 (1944)).

    Parameters
    ----------
    J : float > 0
        Nearest-neighbour coupling.

    Returns
    -------
    float
        ``T_c`` in units of ``J`` (``k_B = 1``); ``2.269185...`` for ``J = 1``.
    """
    return _coupling(J) * ONSAGER_TC


def _onsager_modulus(K: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(s, c, k'_signed)`` with ``s = sinh 2K``, ``c = cosh 2K`` and
    ``k'_signed = (sinh² 2K - 1) / cosh² 2K = 2 tanh² 2K - 1``.

    ``|k'_signed| = √(1 - k²)`` is the complementary modulus of
    ``k = 2 sinh 2K / cosh² 2K``; computing it this way (instead of ``1 - k²``)
    keeps full precision near ``T_c`` where ``k → 1``.
    """
    s = np.sinh(2.0 * K)
    c = np.cosh(2.0 * K)
    return s, c, (s - 1.0) * (s + 1.0) / (c * c)


def _clamped_coupling(J: float, T: np.ndarray) -> np.ndarray:
    """``K = J/T`` capped at 100: beyond it every thermal correction is ``O(e^{-8K})``,
    invisible in double precision, and ``sinh 2K`` would overflow at ``K ~ 355``."""
    return np.minimum(J / T, _K_CLAMP)


def energy_per_spin(T: Any, J: float = 1.0) -> float | np.ndarray:
    """Exact internal energy per spin ``u(T)`` of the infinite square lattice.

    Onsager (1944), in the form given by Huang, *Statistical Mechanics* (2nd ed.,
    Wiley 1987), ch. 15::

        u = -J coth(2K) [1 + (2/π) (2 tanh²(2K) - 1) K₁(k)],
        k = 2 sinh(2K) / cosh²(2K),   K = J/T,

    with ``K₁(k) = ∫₀^{π/2} dφ / √(1 - k² sin² φ)`` the complete elliptic integral
    of the first kind. SciPy's ``ellipk(m)`` takes the *parameter* ``m = k²``; we
    evaluate ``ellipkm1(p)`` at ``p = 1 - k² = (2 tanh² 2K - 1)²`` computed without
    cancellation. At ``T = T_c`` the logarithmic divergence of ``K₁`` is
    multiplied by a linear zero, so ``u(T_c) = -√2 J`` exactly.

    Parameters
    ----------
    T : float or array_like of float, any shape
        Temperature(s) ``> 0``.
    J : float > 0
        Coupling.

    Returns
    -------
    float or ndarray
        ``u(T)`` (same shape as ``T``), between ``-2J`` and ``0``.
    """
    J = _coupling(J)
    T, scalar = _temperatures(T)
    K = _clamped_coupling(J, T)
    _, _, kp = _onsager_modulus(K)
    p = kp * kp
    with np.errstate(divide="ignore", invalid="ignore"):
        # kp * K1(k) -> 0 as kp -> 0 (log divergence times a linear zero).
        term = np.where(p > 0.0, kp * special.ellipkm1(p), 0.0)
        u = -J / np.tanh(2.0 * K) * (1.0 + (2.0 / np.pi) * term)
    return _out(u, scalar)


def specific_heat_per_spin(T: Any, J: float = 1.0) -> float | np.ndarray:
    """Exact specific heat per spin ``c(T) = du/dT`` of the infinite square lattice.

    Closed form, obtained by differentiating :func:`energy_per_spin` (Onsager 1944;
    e.g. Huang, *Statistical Mechanics*, 2nd ed., ch. 15)::

        c = (4/π) (K coth 2K)² {K₁(k) - E₁(k)
             - (1 - tanh² 2K) [π/2 + (2 tanh² 2K - 1) K₁(k)]},

    with ``K₁``, ``E₁`` complete elliptic integrals of the first and second kind.
    It diverges logarithmically, ``c ≈ -(2/π)(2K_c)² ln|1 - T/T_c|``; ``+inf`` is
    returned where ``sinh 2K = 1`` holds exactly in floating point (the float
    :data:`ONSAGER_TC` is ~1 ulp off ``T_c`` and gives ``c ≈ 18``). The test suite
    checks this closed form against a finite-difference derivative of
    :func:`energy_per_spin`, Kaufman's ``L = 256`` torus and the amplitude of
    the logarithm.

    Parameters
    ----------
    T : float or array_like of float, any shape
        Temperature(s) ``> 0``.
    J : float > 0
        Coupling.

    Returns
    -------
    float or ndarray of float
        ``c(T)`` (same shape as ``T``; a float for scalar ``T``), ``+inf`` at
        ``T_c`` to floating-point precision.
    """
    J = _coupling(J)
    T, scalar = _temperatures(T)
    K = _clamped_coupling(J, T)
    s, c, kp = _onsager_modulus(K)
    p = kp * kp
    t2 = (s / c) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        K1 = special.ellipkm1(p)
        E1 = special.ellipe(1.0 - p)
        kpK1 = np.where(p > 0.0, kp * K1, 0.0)
        bracket = K1 - E1 - (1.0 - t2) * (0.5 * np.pi + kpK1)
        heat = (4.0 / np.pi) * (K * c / s) ** 2 * bracket
        heat = np.where(p > 0.0, heat, np.inf)
    return _out(heat, scalar)


def spontaneous_magnetization(T: Any, J: float = 1.0) -> float | np.ndarray:
    """Yang's spontaneous magnetization per spin of the infinite square lattice.

    ``m₀(T) = [1 - sinh⁻⁴(2J/T)]^{1/8}`` for ``T < T_c`` and ``0`` for ``T ≥ T_c``
    (Yang, Phys. Rev. 85, 808 (1952); announced by Onsager in 1949).
    Near ``T_c``, ``m₀ ∝ (T_c - T)^{1/8}``.

    Parameters
    ----------
    T : float or array_like of float, any shape
        Temperature(s) ``> 0``.
    J : float > 0
        Coupling.

    Returns
    -------
    float or ndarray of float
        ``m₀(T)`` in ``[0, 1)`` (same shape as ``T``; a float for scalar ``T``).
    """
    J = _coupling(J)
    T, scalar = _temperatures(T)
    s = np.sinh(2.0 * _clamped_coupling(J, T))
    with np.errstate(divide="ignore", over="ignore"):     # s -> 0 at high T: x -> -inf
        x = 1.0 - s ** -4.0
    m = np.where(x > 0.0, np.abs(x) ** 0.125, 0.0)
    return _out(m, scalar)


# --------------------------------------------------------------------------- Kaufman

def _log2cosh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


def _log_abs_2sinh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    with np.errstate(divide="ignore"):
        return ax + np.log(-np.expm1(-2.0 * ax))


def _kaufman(L: int, M: int, T: np.ndarray, J: float, order: int) -> tuple[np.ndarray, ...]:
    """Return ``ln Z`` and, for ``order >= 1``, ``d ln Z / dK`` and ``d² ln Z / dK²``.

    Kaufman (1949), eq. 39, in Beale's (1996) notation, for ``n = L`` columns and
    ``m = M`` rows::

        Z = ½ (2 sinh 2K)^{mn/2} (Z₁ + Z₂ + Z₃ + Z₄),
        Z₁ = Π_{r=0}^{n-1} 2 cosh(m γ_{2r+1} / 2),   Z₂ = Π 2 sinh(m γ_{2r+1} / 2),
        Z₃ = Π_{r=0}^{n-1} 2 cosh(m γ_{2r} / 2),     Z₄ = Π 2 sinh(m γ_{2r} / 2),
        cosh γ_k = cosh 2K coth 2K - cos(πk/n)   (k ≥ 1),   γ₀ = 2K + ln tanh K.

    ``γ₀`` carries a sign: positive below ``T_c``, zero at ``T_c``, negative above,
    so ``Z₄`` is negative above ``T_c``. Every factor is handled as a logarithm and
    the four terms are combined by a signed log-sum-exp. Since every factor obeys
    ``|2 sinh x| ≤ 2 cosh x``, ``|Z₄| ≤ Z₃`` and the sum is at least ``Z₁ + Z₂ > 0``,
    which is of the order of the whole sum: no catastrophic cancellation.

    The derivatives are analytic. For a product ``Z_i = Π_k f(x_k)`` with
    ``x_k = m γ_k / 2``, ``(ln Z_i)' = Σ_k (ln f)'(x_k) x_k'`` and
    ``Z_i''/Z_i = Σ_k [(ln f)''(x_k) x_k'² + (ln f)'(x_k) x_k''] + ((ln Z_i)')²``.
    The single factor ``2 sinh(m γ₀/2)``, which vanishes at ``T_c``, is
    differentiated directly (product rule) so that nothing divides by zero there.
    """
    # Beyond K = 100 the excitations above the two ground states change ln Z by
    # O(N e^{-8K}) < N 1e-347, so ln Z = ln Z(100) + 2N(K - 100) holds to double
    # precision; clamping keeps sinh 2K finite (it overflows at K ~ 355).
    K_true = (J / T)[..., None]                 # shape (..., 1)
    K = np.minimum(K_true, _K_CLAMP)
    n, m = L, M
    u = 2.0 * K
    su, cu = np.sinh(u), np.cosh(u)
    coth_u = 1.0 / np.tanh(u)
    k = np.arange(2 * n, dtype=np.float64)      # k = 0 .. 2n-1
    theta = np.pi * k / n
    one_minus_q = 2.0 * np.sin(0.5 * theta) ** 2  # 1 - cos θ_k without cancellation
    # c_k - 1 without cancellation: cosh²u/sinh u - 2 = (sinh u - 1)²/sinh u.
    cm1 = (su - 1.0) * (1.0 - 1.0 / su) + one_minus_q
    root = np.sqrt(cm1) * np.sqrt(cm1 + 2.0)    # sinh γ_k
    gamma = np.log1p(cm1 + root)                # arccosh(c_k) for k >= 1
    gamma[..., 0] = (2.0 * K + np.log(np.tanh(K)))[..., 0]
    x = 0.5 * m * gamma

    odd = x[..., 1::2]                          # k = 2r + 1
    even = x[..., 0::2]                         # k = 2r
    even_rest = even[..., 1:]                   # k = 2r, r >= 1 (never zero)
    x0 = even[..., 0]

    # ln(2 sinh u) = u + ln(1 - e^{-2u}).
    log_pref = np.log(0.5) + 0.5 * m * n * (u + np.log(-np.expm1(-2.0 * u)))[..., 0]
    l1 = _log2cosh(odd).sum(-1)
    l2 = _log_abs_2sinh(odd).sum(-1)
    l3 = _log2cosh(even).sum(-1)
    l_rest = _log_abs_2sinh(even_rest).sum(-1)
    l4 = l_rest + _log_abs_2sinh(x0)
    s4 = np.sign(x0)
    logs = np.stack([l1, l2, l3, l4])
    signs = np.stack([np.ones_like(l1), np.ones_like(l1), np.ones_like(l1), s4])
    # Signed log-sum-exp written out: the sum is always positive (Z₁, Z₂, Z₃ > 0 and
    # |Z₄| <= Z₃), whereas scipy's logsumexp with signed weights returns NaN when the
    # largest term is the negative one and ties with a positive one (Z₃ = -Z₄ at high T).
    top = logs.max(axis=0)
    lse = top + np.log((signs * np.exp(logs - top)).sum(axis=0))
    log_z = log_pref + lse + 2.0 * m * n * (K_true - K)[..., 0]
    if order == 0:
        return (log_z,)

    # dγ_k/dK and d²γ_k/dK² for k >= 1, in closed form in S = sinh 2K and q = cos θ_k.
    # Differentiating arccosh(c_k) naively cancels catastrophically at low T (γ'' ~ 1/S
    # from 4 - 4 + ...); these forms (derived with sympy, checked against enumeration
    # and finite differences in the tests) do not:
    #   cosh²γ_k - 1 = P / S²,  P = (S² + S(1-q) + 1) ((S-1)² + S(1-q)),
    #   dγ/du = cosh u (S² - 1) / (S √P),  d²γ/du² = Q(S, q) / (S² P^{3/2}),  u = 2K,
    #   Q = -q S⁷ + (q²+2) S⁶ - 5q S⁵ + (q²+6) S⁴ - 7q S³ + (2q²+3) S² - 3q S + 1.
    # For S >= 1 they are evaluated in r = 1/S (P/S⁴ and Q/S⁸) so nothing overflows.
    q = np.cos(theta)
    big = su >= 1.0
    S = np.minimum(su, 1.0)
    r = 1.0 / np.maximum(su, 1.0)
    P_small = (S * S + S * one_minus_q + 1.0) * ((S - 1.0) ** 2 + S * one_minus_q)
    Q_small = ((((((-q * S + (q * q + 2.0)) * S - 5.0 * q) * S + (q * q + 6.0)) * S - 7.0 * q)
                * S + (2.0 * q * q + 3.0)) * S - 3.0 * q) * S + 1.0
    P_big = (1.0 + r * one_minus_q + r * r) * ((1.0 - r) ** 2 + r * one_minus_q)
    Q_big = r * (-q + r * ((q * q + 2.0) + r * (-5.0 * q + r * ((q * q + 6.0) + r * (
        -7.0 * q + r * ((2.0 * q * q + 3.0) + r * (-3.0 * q + r)))))))
    with np.errstate(divide="ignore", invalid="ignore"):
        dg = 2.0 * np.where(
            big, coth_u * (1.0 - r) * (1.0 + r) / np.sqrt(P_big),
            cu * (S - 1.0) * (S + 1.0) / (S * np.sqrt(P_small)))
        d2g = 4.0 * np.where(big, Q_big / P_big ** 1.5, Q_small / (S * S * P_small ** 1.5))
    dg[..., 0] = (2.0 + 2.0 / su)[..., 0]       # γ₀ = 2K + ln tanh K
    d2g[..., 0] = (-4.0 * coth_u / su)[..., 0]
    dx, d2x = 0.5 * m * dg, 0.5 * m * d2g

    def cosh_terms(xs, d1, d2):
        # ln(2 cosh x)' = tanh x, '' = sech² x  (sech² written to avoid cosh overflow).
        e = np.exp(-2.0 * np.abs(xs))
        sech2 = 4.0 * e / (1.0 + e) ** 2
        return (np.tanh(xs) * d1).sum(-1), (sech2 * d1 ** 2 + np.tanh(xs) * d2).sum(-1)

    def sinh_terms(xs, d1, d2):
        # ln|2 sinh x|' = coth x, '' = -csch² x.
        e = np.exp(-2.0 * np.abs(xs))
        csch2 = 4.0 * e / np.expm1(-2.0 * np.abs(xs)) ** 2
        coth = 1.0 / np.tanh(xs)
        return (coth * d1).sum(-1), (-csch2 * d1 ** 2 + coth * d2).sum(-1)

    # (ln Z_i)' = A_i and Z_i''/Z_i = B_i + A_i².
    a1, b1 = cosh_terms(odd, dx[..., 1::2], d2x[..., 1::2])
    a2, b2 = sinh_terms(odd, dx[..., 1::2], d2x[..., 1::2])
    a3, b3 = cosh_terms(even, dx[..., 0::2], d2x[..., 0::2])
    # Z₄ = P₄ · 2 sinh(x₀): product rule, each piece scaled by P₄ / Σ Z_i, so there is
    # no 0 · ∞ at T_c where x₀ = 0.
    aP, bP = sinh_terms(even_rest, dx[..., 2::2], d2x[..., 2::2])
    x0d, x0dd = dx[..., 0], d2x[..., 0]
    w_sinh = s4 * np.exp(l4 - lse)              # Z₄ / Σ Z_i
    w_cosh = np.exp(l_rest + _log2cosh(x0) - lse)  # P₄ · 2 cosh(x₀) / Σ Z_i
    # P₄ (2 cosh x₀ - 2 sinh x₀) / Σ Z_i: regrouping the Z₄ terms with it removes an
    # O(N²) cancellation between w_sinh (δ² + x₀'²) and 2 w_cosh δ x₀' at low T.
    w_diff = np.exp(l_rest + np.log(2.0) - x0 - lse)
    w1, w2, w3 = np.exp(np.stack([l1, l2, l3]) - lse)
    first = w1 * a1 + w2 * a2 + w3 * a3 + w_sinh * aP + w_cosh * x0d
    # Second derivative as a *centred* moment (Σ w_i = 1): Σ_i Z_i''/Z - first²
    # = Σ_i w_i [B_i + (A_i - first)²], which avoids subtracting two O(N²) numbers;
    # for Z₄, w_cosh = w_sinh + w_diff and (ln Z₄)' = A_P + coth(x₀) x₀'.
    second = (w1 * (b1 + (a1 - first) ** 2) + w2 * (b2 + (a2 - first) ** 2)
              + w3 * (b3 + (a3 - first) ** 2)
              + w_sinh * (bP + (aP - first + x0d) ** 2) + w_cosh * x0dd
              + w_diff * 2.0 * (aP - first) * x0d)
    dlogz = 0.5 * m * n * (2.0 * coth_u)[..., 0] + first
    d2logz = 0.5 * m * n * (-4.0 * (1.0 / su) ** 2)[..., 0] + second
    return log_z, dlogz, d2logz


#: Above T = _T_MAX_DERIVATIVES * J the analytic derivatives of ln Z lose ~ε (T/J)² relative
#: precision (cancelling O(N/K) terms); beyond 1e6 J that is no longer negligible.
_T_MAX_DERIVATIVES = 1e6


def _check_derivative_range(T: np.ndarray, J: float) -> None:
    if np.any(T > _T_MAX_DERIVATIVES * J):
        raise ValueError(
            f"T must be <= {_T_MAX_DERIVATIVES:g} J for Kaufman energies and specific heats "
            f"(round-off grows like eps (T/J)^2); got max T = {float(T.max())} with J = {J}. "
            "Use the high-temperature expansion E/N = -2 tanh(J/T) + O(T^-3) there."
        )


def _lattice(L: Any, M: Any) -> tuple[int, int]:
    L = check_int(L, "L", minimum=2)
    M = L if M is None else check_int(M, "M", minimum=2)
    return L, M


def kaufman_log_z(L: int, T: Any, J: float = 1.0, M: int | None = None) -> float | np.ndarray:
    """Exact ``ln Z`` of the Ising model on an ``L x M`` torus (Kaufman 1949).

    Kaufman, Phys. Rev. 76, 1232 (1949), eq. 39; numerically stable logarithmic
    evaluation after Beale, Phys. Rev. Lett. 76, 78 (1996) (see the
    private ``_kaufman`` for the formula). Stable for lattices of any size
    (checked up to ``L = 1024``) and any ``T > 0``.

    Accuracy (checked against enumeration, 40-digit evaluations and Onsager's
    limit): ``ln Z`` to ~1e-15 relative; the energy to ~1e-12 relative; the
    specific heat to ~1e-10 relative for ``0.7 J ≲ T ≲ 10 J`` and lattices up to
    ``L = 256`` (at ``T = 0.5 J``, where ``C/N ~ 3e-5``, ~1e-9 relative,
    i.e. < 1e-13 absolute). At high temperature the derivatives lose about
    ``ε (T/J)²`` relative (cancellation of ``O(1/K)`` terms): < 1e-9 for
    ``T ≤ 1000 J``; :func:`kaufman_energy_per_spin` and
    :func:`kaufman_specific_heat_per_spin` refuse ``T > 1e6 J``. ``ln Z`` itself is
    accurate at any temperature.

    The torus has ``2LM`` bonds (right and down neighbour of every site,
    periodic). For ``L = 2`` (or ``M = 2``) the two bonds between a pair of
    neighbours along that direction are both counted, i.e. that pair interacts
    with ``2J`` — which is also what a periodic Monte Carlo code with
    ``(i ± 1) mod L`` neighbours does. The test suite checks this function
    against brute-force enumeration for 2x2, 2x3, 3x3, 3x4 and 4x4 tori.

    Parameters
    ----------
    L : int >= 2
        Number of columns.
    T : float or array_like of float, any shape
        Temperature(s) ``> 0``.
    J : float > 0
        Coupling.
    M : int >= 2, optional
        Number of rows (default ``L``).

    Returns
    -------
    float or ndarray
        ``ln Z`` (same shape as ``T``), not divided by the number of spins.
    """
    L, M = _lattice(L, M)
    J = _coupling(J)
    T, scalar = _temperatures(T)
    return _out(_kaufman(L, M, T, J, 0)[0], scalar)


def kaufman_energy_per_spin(L: int, T: Any, J: float = 1.0,
                            M: int | None = None) -> float | np.ndarray:
    """Exact internal energy per spin ``⟨E⟩/N`` of the ``L x M`` torus.

    ``⟨E⟩ = -∂ ln Z / ∂β = -J ∂ ln Z / ∂K`` with ``ln Z`` from
    :func:`kaufman_log_z` differentiated analytically (no finite differences);
    agrees with enumeration to ~1e-13 for small tori and with Onsager's
    :func:`energy_per_spin` for ``L → ∞``.

    Parameters
    ----------
    L, T, J, M
        As in :func:`kaufman_log_z` (``T`` a float or an array of any shape).

    Returns
    -------
    float or ndarray of float
        ``⟨E⟩/(L M)`` (same shape as ``T``; a float for scalar ``T``).
    """
    L, M = _lattice(L, M)
    J = _coupling(J)
    T, scalar = _temperatures(T)
    _check_derivative_range(T, J)
    _, d1, _ = _kaufman(L, M, T, J, 1)
    return _out(-J * d1 / (L * M), scalar)


def kaufman_specific_heat_per_spin(L: int, T: Any, J: float = 1.0,
                                   M: int | None = None) -> float | np.ndarray:
    """Exact specific heat per spin ``C/N = β² (⟨E²⟩ - ⟨E⟩²)/N`` of the ``L x M`` torus.

    ``C = β² ∂² ln Z / ∂β² = K² ∂² ln Z / ∂K²`` with analytic derivatives of
    Kaufman's ``ln Z`` (see :func:`kaufman_log_z`). The peak approaches
    ``T_c`` as ``T_c(L) - T_c ∝ 1/L`` and grows as ``(8/π) K_c² ln L``
    (Ferdinand & Fisher, Phys. Rev. 185, 832 (1969)).

    Parameters
    ----------
    L, T, J, M
        As in :func:`kaufman_log_z` (``T`` a float or an array of any shape).

    Returns
    -------
    float or ndarray of float
        ``C/(L M)`` (same shape as ``T``; a float for scalar ``T``).
    """
    L, M = _lattice(L, M)
    J = _coupling(J)
    T, scalar = _temperatures(T)
    _check_derivative_range(T, J)
    _, _, d2 = _kaufman(L, M, T, J, 2)
    K = J / T
    return _out(K * K * d2 / (L * M), scalar)


# --------------------------------------------------------------------------- other lattices

def _houtappel_couplings(J_h: Any, J_v: Any, J_d: Any) -> tuple[float, float, float]:
    """Checked couplings of :func:`houtappel_tc` (see there for the region)."""
    J_h, J_v, J_d = (_check_real(v, name) for v, name in
                     ((J_h, "J_h"), (J_v, "J_v"), (J_d, "J_d")))
    if J_d == 0.0:
        J_h, J_v = abs(J_h), abs(J_v)
    if np.count_nonzero([J_h, J_v, J_d]) < 2:
        raise ValueError(
            "at least two of J_h, J_v, J_d must be non-zero: a lattice of decoupled chains "
            f"has no finite-temperature transition; got J_h={J_h}, J_v={J_v}, J_d={J_d}"
        )
    for (a, na), (b, nb) in (((J_v, "J_v"), (J_h, "J_h")), ((J_h, "J_h"), (J_d, "J_d")),
                             ((J_d, "J_d"), (J_v, "J_v"))):
        if not a + b > 0.0:
            raise ValueError(
                f"the couplings must satisfy J_v + J_h > 0, J_h + J_d > 0 and J_d + J_v > 0 "
                f"(a ferromagnetic ground state, the region of Houtappel's criterion); "
                f"got {na} + {nb} = {a + b:g} (J_h={J_h}, J_v={J_v}, J_d={J_d})"
            )
    return J_h, J_v, J_d


def houtappel_tc(J_h: float, J_v: float, J_d: float = 0.0) -> float:
    """Critical temperature of the anisotropic square lattice with a diagonal coupling.

    Each site couples to its horizontal (``J_h``), vertical (``J_v``) and one
    diagonal (``J_d``) neighbour; with ``J_d ≠ 0`` this is the anisotropic
    triangular lattice with couplings ``(J_h, J_v, J_d)`` on its three bond
    directions. The critical point solves (Houtappel, Physica 16, 425 (1950);
    Stephenson, J. Math. Phys. 5, 1009 (1964), and J. Math. Phys. 11, 420 (1970)
    for one antiferromagnetic coupling)::

        sinh 2K_h sinh 2K_v + sinh 2K_v sinh 2K_d + sinh 2K_d sinh 2K_h = 1,
        K_a = J_a / T_c,

    which reduces to Onsager's ``sinh 2K_h sinh 2K_v = 1`` for ``J_d = 0`` and
    gives ``T_c = 4J / ln 3`` for the isotropic triangular lattice. It holds
    wherever the ground state is the ferromagnet, i.e. for

        J_v + J_h > 0,   J_h + J_d > 0,   J_d + J_v > 0,

    so one coupling may be antiferromagnetic (e.g. ``J_d < 0`` with
    ``|J_d| < min(J_h, J_v)``: a frustrated, but ferromagnetically ordered,
    triangular lattice; ``T_c → 0`` as ``J_d → −min(J_h, J_v)``). The
    left-hand side minus one is ``−1`` at ``β = 0`` and crosses zero once; the
    root is bracketed by doubling ``β`` and found with Brent's method to
    machine precision.

    Parameters
    ----------
    J_h, J_v : float
        Horizontal and vertical couplings.
    J_d : float, default 0
        Diagonal coupling (may be negative, see above).

    Returns
    -------
    float
        ``T_c``.

    Raises
    ------
    ValueError
        If a condition ``J_v + J_h > 0``, ``J_h + J_d > 0``, ``J_d + J_v > 0``
        is violated (the message names it), or if fewer than two couplings are
        non-zero (decoupled chains do not order at ``T > 0``). For ``J_d = 0``
        the lattice is bipartite and negative ``J_h``, ``J_v`` are mapped onto
        ferromagnetic ones by flipping sublattices/rows/columns, so
        ``|J_h|, |J_v|`` are used.
    """
    J_h, J_v, J_d = _houtappel_couplings(J_h, J_v, J_d)
    couplings = np.array([J_h, J_v, J_d])

    def excess(beta: float) -> float:
        s = np.sinh(2.0 * beta * couplings)
        return float(s[0] * s[1] + s[1] * s[2] + s[2] * s[0] - 1.0)

    beta_hi = 1.0 / couplings.max()
    while excess(beta_hi) <= 0.0:
        beta_hi *= 2.0
        if not np.isfinite(excess(beta_hi)):
            raise ValueError(f"T_c of J_h={J_h}, J_v={J_v}, J_d={J_d} is below the range "
                             "representable in double precision (too close to the edge of "
                             "the region)")
    beta_c = optimize.brentq(excess, 0.0, beta_hi, xtol=1e-300, rtol=4 * np.finfo(float).eps,
                             maxiter=500)
    return 1.0 / beta_c


def disorder_temperature(J: float, J_d: float) -> float:
    """Disorder temperature ``T_d`` of the square lattice with a negative diagonal coupling.

    For ``J_h = J_v = J > 0`` and an antiferromagnetic diagonal ``−J < J_d < 0``
    the disorder line (Stephenson, J. Math. Phys. 11, 420 (1970); Phys. Rev. B
    1, 4405 (1970)) is::

        cosh(2J / T_d) = exp(−2 J_d / T_d)   ⇔   tanh(J_d / T_d) = −tanh²(J / T_d):

    the direct antiferromagnetic diagonal bond and the two ferromagnetic
    two-step paths cancel. Above ``T_d`` the spin-spin correlation function
    decays with oscillations, below it (down to ``T_c``) monotonically; ``T_d``
    lies above :func:`houtappel_tc` and ``T_d → ∞`` as ``J_d → 0⁻``
    (``T_d ≈ J²/|J_d|``). With ``x = 1/T``, ``g(x) = ln cosh 2Jx + 2 J_d x`` is
    convex with ``g(0) = 0``, ``g'(0) = 2J_d < 0`` and ``g → +∞`` (as
    ``J + J_d > 0``), so the root exists and is unique; it is found with
    Brent's method on ``[|J_d|/(2J²), ln 2 / (2(J + J_d))]``.

    Parameters
    ----------
    J : float > 0
        Horizontal = vertical coupling.
    J_d : float
        Diagonal coupling, ``−J < J_d < 0``.

    Returns
    -------
    float
        ``T_d``.

    Raises
    ------
    ValueError
        If ``J <= 0`` or ``J_d`` is outside ``(−J, 0)``: for ``J_d >= 0`` every
        correlation is positive (Griffiths' inequalities) and there is no
        disorder line; for ``J_d <= −J`` the ground state is not ferromagnetic.
    """
    J = _coupling(J)
    J_d = _check_real(J_d, "J_d")
    if not -J < J_d < 0.0:
        raise ValueError(
            f"the disorder temperature exists for -J < J_d < 0 only (J_d >= 0: all "
            f"correlations are positive, no disorder line; J_d <= -J: no ferromagnetic "
            f"ground state); got J={J}, J_d={J_d}"
        )

    def g(x: float) -> float:
        y = 2.0 * J * x
        return float(y + math.log1p(math.exp(-2.0 * y)) - math.log(2.0) + 2.0 * J_d * x)

    x_lo = 0.5 * abs(J_d) / (J * J)
    x_hi = math.log(2.0) / (2.0 * (J + J_d)) * (1.0 + 1e-12) + 1e-300
    x = optimize.brentq(g, x_lo, max(x_hi, 2 * x_lo), xtol=1e-300,
                        rtol=4 * np.finfo(float).eps, maxiter=500)
    return 1.0 / x


# --------------------------------------------------------------------- transfer-matrix correlations

#: Largest strip width of :func:`strip_correlation` (``2^M`` row states).
MAX_STRIP_WIDTH = 12


def _row_transfer(M: int, T: float, J_h: float, J_v: float, J_d: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Row-to-row transfer matrix of the width-``M`` periodic strip and the row spins.

    ``W[a, b] = exp(K_h H(a)/2 + K_v Σ_c a_c b_c + K_d Σ_c a_c b_{c+1} + K_h H(b)/2)``
    with ``H(a) = Σ_c a_c a_{c+1}``, row ``a`` above row ``b``; shifted by its
    largest exponent (the common factor cancels in every correlation).
    """
    states = np.arange(2 ** M)
    spins = 1 - 2 * ((states[:, None] >> np.arange(M)[None, :]) & 1)  # (2^M, M)
    right = np.roll(spins, -1, axis=1)
    H = np.sum(spins * right, axis=1)
    expo = (0.5 * J_h * (H[:, None] + H[None, :]) + J_v * (spins @ spins.T)
            + J_d * (spins @ right.T)) / T
    return np.exp(expo - expo.max()), spins.astype(np.float64)


def _perron(W: np.ndarray) -> tuple[float, np.ndarray]:
    """Perron eigenvalue and (positive) eigenvector of a positive matrix (ARPACK)."""
    from scipy.sparse.linalg import eigs

    if W.shape[0] <= 16:
        vals, vecs = np.linalg.eig(W)
        k = int(np.argmax(vals.real))
        return float(vals[k].real), np.abs(vecs[:, k].real)
    vals, vecs = eigs(W, k=1, which="LR", v0=np.ones(W.shape[0]), tol=1e-14)
    return float(vals[0].real), np.abs(vecs[:, 0].real)


def strip_correlation(T: float, M: int, r: Any, c: Any = 0, *, J_h: float = 1.0,
                      J_v: float = 1.0, J_d: float = 0.0, N: int | None = None) -> np.ndarray:
    """Exact spin-spin correlation ``G(r, c) = ⟨s_{0,0} s_{r,c}⟩`` on a periodic strip.

    The lattice of :class:`~spinnet.models.SquareIsing` (bonds ``(r,c)-(r,c+1)``
    ``J_h``, ``(r,c)-(r+1,c)`` ``J_v``, ``(r,c)-(r+1,c+1)`` ``J_d``) on a strip
    ``M`` columns wide (periodic across) and ``N`` rows long: periodic (the
    ``N × M`` torus, ``G = Tr(S_0 W^r S_c W^{N−r}) / Tr W^N``) or, for
    ``N=None``, infinitely long (``G = ⟨l| S_0 W^r S_c |ρ⟩ / (λ_0^r ⟨l|ρ⟩)``
    with the left and right Perron vectors of ``W``). ``W`` is the
    row-to-row transfer matrix (Kramers & Wannier, Phys. Rev. 60, 252 (1941);
    Onsager 1944); with ``J_d ≠ 0`` it is not symmetric, and for ``J_d < 0``
    its spectrum in the odd sector can be complex, which makes ``G`` oscillate
    with ``r`` (Stephenson 1970). The strip is finite, so there is no
    spontaneous magnetization and ``G`` is the connected correlation. Exact to
    rounding; cost ``O(4^M (r_max + N))``.

    Parameters
    ----------
    T : float > 0
        Temperature.
    M : int
        Strip width, ``2 <= M <= 12`` (:data:`MAX_STRIP_WIDTH`).
    r : int or array_like of int, any shape
        Row offsets ``>= 0`` (``< N`` on a torus).
    c : int or array_like of int, any shape, default 0
        Column offsets (taken mod ``M``), broadcast against ``r``.
    J_h, J_v, J_d : float
        Couplings (any signs; the strip is exact for all of them).
    N : int, optional
        Number of rows of a periodic torus (``>= 2``); ``None``: infinite strip.

    Returns
    -------
    ndarray
        ``G``, the broadcast shape of ``r`` and ``c`` (a float for scalars).
    """
    T = check_positive_float(T, "T")
    M = check_int(M, "M", minimum=2)
    if M > MAX_STRIP_WIDTH:
        raise ValueError(f"M must be <= {MAX_STRIP_WIDTH} (2^M row states); got {M}")
    J_h, J_v, J_d = (_check_real(v, name) for v, name in
                     ((J_h, "J_h"), (J_v, "J_v"), (J_d, "J_d")))
    r_arr = np.asarray(r)
    c_arr = np.asarray(c)
    for arr, name in ((r_arr, "r"), (c_arr, "c")):
        if arr.dtype.kind not in "iu":
            raise TypeError(f"{name} must be an integer or an array of integers; got "
                            f"dtype {arr.dtype}")
    if np.any(r_arr < 0):
        raise ValueError(f"r must be >= 0; got min {int(r_arr.min())}")
    if N is not None:
        N = check_int(N, "N", minimum=2)
        if np.any(r_arr >= N):
            raise ValueError(f"r must be < N = {N} on the torus; got max {int(r_arr.max())}")
    rb, cb = np.broadcast_arrays(r_arr, c_arr % M)
    W, spins = _row_transfer(M, T, J_h, J_v, J_d)
    s0 = spins[:, 0]
    out = np.empty(rb.shape, dtype=np.float64)
    r_max = int(rb.max()) if rb.size else 0
    if N is None:
        lam, rho = _perron(W)
        _, ell = _perron(W.T)
        norm = float(ell @ rho)
        # u_r = <l| S_0 W^r / lam^r, a row vector; G(r, c) = u_r S_c rho / norm.
        u = ell * s0
        rows = [u]
        for _ in range(r_max):
            u = (u @ W) / lam
            rows.append(u)
        U = np.array(rows)  # (r_max + 1, 2^M)
        G = (U @ (spins * rho[:, None])) / norm  # (r_max + 1, M)
    else:
        # G(r, c) = Tr(S_0 W^r S_c W^{N-r}) / Tr(W^N), with the powers normalised.
        scale = np.linalg.norm(W, 2)
        Wn = W / scale
        powers = [np.eye(2 ** M)]
        for _ in range(N):
            powers.append(powers[-1] @ Wn)
        Z = np.trace(powers[N])
        G = np.empty((r_max + 1, M))
        for rr in range(r_max + 1):
            A = (s0[:, None] * powers[rr])  # S_0 W^r
            B = powers[N - rr]  # W^{N-r}
            # Tr(A S_c B) = sum_{a,b} A[a,b] s_c(b) B[b,a]
            G[rr] = np.einsum("ab,ba,bc->c", A, B, spins) / Z
    out[...] = G[rb, cb]
    return float(out) if out.ndim == 0 else out


#: Directions of :func:`axis_correlation` and the step ``(Δr, Δc)`` of each.
DIRECTIONS = {"horizontal": (0, 1), "vertical": (1, 0), "diagonal": (1, 1)}


def axis_correlation(T: float, r: Any, direction: str = "vertical", *, J_h: float = 1.0,
                     J_v: float = 1.0, J_d: float = 0.0, M: int = 10) -> np.ndarray:
    """``G(r) = ⟨s_0 s_{r e}⟩`` along a bond direction ``e``, from an infinite strip along ``e``.

    The strip of width ``M`` (periodic across) is oriented along the requested
    direction, so that ``G`` is :func:`strip_correlation` at column offset 0
    with no wrap-around of the displacement; it converges to the infinite
    lattice exponentially in ``M / ξ`` (ξ the correlation length). The
    triangular lattice is mapped onto the strip's lattice by relabelling its
    three bond directions:

    * ``"vertical"`` ``(1, 0)``: couplings ``(J_h, J_v, J_d)`` as given;
    * ``"horizontal"`` ``(0, 1)``: transpose, ``(J_v, J_h, J_d)``;
    * ``"diagonal"`` ``(1, 1)`` (the ``J_d`` bonds): basis ``u = (1, 1)``,
      ``h = (0, 1)``, mirrored, gives ``(J_h, J_d, J_v)``.

    Parameters
    ----------
    T : float > 0
        Temperature.
    r : int or array_like of int, any shape
        Distances ``>= 0`` in lattice steps along ``direction``.
    direction : {"horizontal", "vertical", "diagonal"}
        Lattice direction (:data:`DIRECTIONS`).
    J_h, J_v, J_d : float
        Couplings of :class:`~spinnet.models.SquareIsing`.
    M : int, default 10
        Strip width, ``<= 12``.

    Returns
    -------
    ndarray
        ``G(r)``, the shape of ``r``.

    References
    ----------
    Stephenson, J. Math. Phys. 11, 420 (1970) (oscillating correlations of the
    triangular lattice with one antiferromagnetic coupling, above the disorder line).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {list(DIRECTIONS)}; got {direction!r}")
    J_h, J_v, J_d = (_check_real(v, name) for v, name in
                     ((J_h, "J_h"), (J_v, "J_v"), (J_d, "J_d")))
    couplings = {"vertical": (J_h, J_v, J_d), "horizontal": (J_v, J_h, J_d),
                 "diagonal": (J_h, J_d, J_v)}[direction]
    return strip_correlation(T, M, r, 0, J_h=couplings[0], J_v=couplings[1],
                             J_d=couplings[2])


def baxter_wu_tc(J: float = 1.0) -> float:
    """Critical temperature of the Baxter–Wu model, ``T_c = 2J / ln(1 + √2)``.

    The three-spin model ``E = -J Σ_▲▼ s_i s_j s_k`` on the triangular lattice
    (all up and down triangles) is self-dual with the same critical coupling as
    the square-lattice Ising model, ``sinh(2J/T_c) = 1`` (Baxter & Wu, Phys. Rev.
    Lett. 31, 1294 (1973)). Its exponents (4-state Potts class) are in
    :data:`BAXTER_WU_EXPONENTS`.

    Parameters
    ----------
    J : float > 0
        Three-spin coupling.

    Returns
    -------
    float
        ``T_c`` in units of ``J``, equal to :func:`onsager_tc` ``(J)``.
    """
    return check_positive_float(J, "J") * ONSAGER_TC
