"""Landau expansion of the Hopfield free energy near the spin-glass temperature.

Feigel'man & Ioffe (1986) described the Hopfield model at small load in the
window ``|T − 1| = O(√α)`` around the spin-glass temperature by a Landau
(free-energy) expansion, and drew from it the phase lines of the paramagnet,
of the phase without useful memory, and of well-functioning memory. The paper
itself was not available to this project; this module re-derives the
expansion from the replica-symmetric free energy of Amit, Gutfreund &
Sompolinsky and should be read as "the Feigel'man–Ioffe programme", not as a
transcription of their equations.

Scaling variables (``ε = √α``): ``β = 1/T = 1 + ε b``, ``q = ε Q``,
``m² = ε M``, ``αr = ε P``; a line ``b = const`` is drawn as ``T = 1 − b√α``
(``β − 1 = 1 − T`` to this order; this choice makes ``T_g = 1 + √α`` exact).
To leading order the RS free energy per spin is
``f = const + α φ(M, Q, P; b) + O(α^{3/2})`` with the Landau function::

    φ = −b M/2 − Q P/2 + M²/12 + M P/2 + P²/4 + ½ ln(Q − b) − Q / (2(Q − b))

(expanding ``ln 2cosh x = ln 2 + x²/2 − x⁴/12`` at ``x = O(ε^{1/2})`` and
``ln(1 − β(1 − q))`` at ``1 − β(1 − q) = ε(Q − b)``). Its stationary points are
the scaling limit of the AGS equations::

    ∂φ/∂P = 0:  Q = M + P          (q = ⟨tanh²⟩)
    ∂φ/∂Q = 0:  P = Q/(Q − b)²      (r = q/(1 − β(1 − q))²)
    ∂φ/∂M = 0:  M = 3(b − P)        (m = ⟨tanh⟩ to third order)

* paramagnet ``M = Q = P = 0``, ``φ = ½ ln(−b)``, for ``b < −1``;
* spin glass ``M = 0``, ``Q = P = b + 1``, ``φ = −Q²/4 − Q/2``: appears at
  ``b_g = −1``, i.e. ``T_g = 1 + √α`` (as in AGS);
* retrieval: with ``u = b − P``, ``M = 3u``, ``Q = b + 2u`` and
  ``b = (4u³ + 2u)/(4u² − 1)`` (``u > ½``; the stable branch is
  ``u > u*``). It exists for ``b > b_M = min_u b(u) = 1.95408``:
  ``T_M ≈ 1 − 1.954 √α`` (AGS 1987 quote ``1 − 1.95√α``); it is the global
  minimum for ``b > b_c = 2.59588`` (:data:`B_C`, from ``φ_ret = φ_SG``).
  Its replicon ``(Q − b)² − 1 = 4u² − 1`` is positive on the stable branch:
  replica symmetry of the retrieval states holds to this order (the
  spin-glass state is marginal, ``(Q − b)² = 1``, as the SK model near
  ``T_c``).

Phases in the ``(α, T)`` plane (:func:`fi_phase`): paramagnet above ``T_g``;
between ``T_M`` and ``T_g`` the network is a spin glass ("chaotic"): no
retrieval state; between ``T_c`` and ``T_M`` retrieval states exist but are
metastable (the system can be caught in them, but spin-glass states are
lower); below ``T_c`` memory works (retrieval states are the global minima).

References
----------
- M. V. Feigel'man & L. B. Ioffe, Europhys. Lett. 1, 197 (1986).
- D. J. Amit, H. Gutfreund & H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985);
  Ann. Phys. 173, 30 (1987), sec. 4 (RS free energy, eq. 4.10; the small-α
  expansion ``T_M ≈ 1 − 1.95√α``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from scipy.optimize import brentq

from spinnet._validation import check_array, check_nonneg_float, check_positive_float

__all__ = [
    "B_C",
    "B_G",
    "B_M",
    "fi_landau",
    "fi_lines",
    "fi_phase",
    "fi_solution",
    "fi_t_c",
    "fi_t_g",
    "fi_t_m",
]

B_G = -1.0


def _b_of_u(u: float) -> float:
    return (4.0 * u**3 + 2.0 * u) / (4.0 * u * u - 1.0)


@functools.lru_cache(maxsize=1)
def _u_star() -> tuple[float, float]:
    # db/du = 0  <=>  16u⁴ − 20u² − 2 = 0
    u2 = (20.0 + np.sqrt(400.0 + 128.0)) / 32.0
    u = float(np.sqrt(u2))
    return u, _b_of_u(u)


B_M = _u_star()[1]


def fi_landau(M: float, Q: float, P: float, b: float) -> float:
    """The Landau function ``φ(M, Q, P; b)`` (module docstring), ``f = const + α φ``.

    Parameters
    ----------
    M, Q, P : float
        Scaled ``m²/√α``, ``q/√α`` and ``r√α`` (``M, Q, P >= 0``, ``Q > b``).
    b : float
        Scaled inverse temperature ``(β − 1)/√α``.

    Returns
    -------
    float
    """
    if Q - b <= 0:
        raise ValueError(f"the Landau function needs Q > b (1 - β(1 - q) > 0); got Q={Q}, b={b}")
    return (-b * M / 2 - Q * P / 2 + M * M / 12 + M * P / 2 + P * P / 4
            + 0.5 * np.log(Q - b) - Q / (2.0 * (Q - b)))


def _u_retrieval(b: float) -> float | None:
    us, bm = _u_star()
    if b < bm:
        return None
    if b == bm:
        return us
    hi = us
    while _b_of_u(hi) < b:
        hi *= 2.0
    return float(brentq(lambda u: _b_of_u(u) - b, us, hi, xtol=1e-14))


def fi_solution(b: float, branch: str = "retrieval") -> dict[str, float]:
    """Stationary point of the Landau function at scaled inverse temperature ``b``.

    Parameters
    ----------
    b : float
        ``(β − 1)/√α``.
    branch : {"retrieval", "spin-glass", "paramagnet"}
        Which solution; the retrieval branch is the stable (large-``u``) one.

    Returns
    -------
    dict
        ``M, Q, P, phi`` and ``replicon = (Q − b)² − 1`` (RS stable where > 0);
        NaN everywhere when the branch does not exist at ``b``.
    """
    b = float(b)
    nan = {"M": np.nan, "Q": np.nan, "P": np.nan, "phi": np.nan, "replicon": np.nan}
    if branch == "paramagnet":
        if b >= 0:
            return nan
        M = Q = P = 0.0
    elif branch == "spin-glass":
        if b <= B_G:
            return nan
        M, Q, P = 0.0, b + 1.0, b + 1.0
    elif branch == "retrieval":
        u = _u_retrieval(b)
        if u is None:
            return nan
        M, Q, P = 3.0 * u, b + 2.0 * u, b - u
    else:
        raise ValueError(f"branch must be one of ['retrieval', 'spin-glass', 'paramagnet']; "
                         f"got {branch!r}")
    return {"M": M, "Q": Q, "P": P, "phi": fi_landau(M, Q, P, b),
            "replicon": (Q - b) ** 2 - 1.0}


@functools.lru_cache(maxsize=1)
def _b_c() -> float:
    def diff(b: float) -> float:
        return fi_solution(b)["phi"] - fi_solution(b, "spin-glass")["phi"]

    return float(brentq(diff, B_M + 1e-9, 50.0, xtol=1e-13))


B_C = _b_c()


def _t_of_b(alpha: Any, b: float) -> np.ndarray | float:
    a = check_array(alpha, "alpha", dtype=np.float64)
    if np.any(a <= 0):
        raise ValueError("alpha must be > 0")
    out = np.maximum(1.0 - b * np.sqrt(a), 0.0)
    return float(out) if out.ndim == 0 else out


def fi_t_g(alpha: Any) -> np.ndarray | float:
    """Spin-glass temperature of the Landau theory, ``T_g = 1 + √α`` (AGS: the same, exactly).

    Parameters
    ----------
    alpha : float or array_like of float, any shape
        Load(s) ``p/N`` (> 0).

    Returns
    -------
    float or ndarray
        Temperature(s), clipped at 0, of the shape of ``alpha``.
    """
    return _t_of_b(alpha, B_G)


def fi_t_m(alpha: Any) -> np.ndarray | float:
    """Retrieval states appear below ``T_M = 1 − b_M √α``, ``b_M = 1.95408``.

    Parameters
    ----------
    alpha : float or array_like of float, any shape
        Load(s) ``p/N`` (> 0).

    Returns
    -------
    float or ndarray
        Temperature(s), clipped at 0, of the shape of ``alpha``.
    """
    return _t_of_b(alpha, B_M)


def fi_t_c(alpha: Any) -> np.ndarray | float:
    """Retrieval states become the global minimum below ``T_c = 1 − b_c √α``, ``b_c = 2.59588``.

    Parameters
    ----------
    alpha : float or array_like of float, any shape
        Load(s) ``p/N`` (> 0).

    Returns
    -------
    float or ndarray
        Temperature(s), clipped at 0, of the shape of ``alpha``.
    """
    return _t_of_b(alpha, B_C)


def fi_phase(alpha: float, T: float) -> str:
    """Phase of the Landau theory at ``(α, T)``.

    Parameters
    ----------
    alpha : float > 0
        Load ``p/N``.
    T : float >= 0
        Temperature.

    Returns
    -------
    str
        ``"paramagnet"`` (``T > T_g``), ``"spin glass (chaotic, no retrieval)"``
        (``T_M < T < T_g``), ``"metastable memory"`` (``T_c < T < T_M``) or
        ``"well-functioning memory"`` (``T < T_c``). Only meaningful where
        ``|T − 1| = O(√α)`` and ``α ≪ 1``.
    """
    alpha = check_positive_float(alpha, "alpha")
    T = check_nonneg_float(T, "T")
    if T >= fi_t_g(alpha):
        return "paramagnet"
    if T >= fi_t_m(alpha):
        return "spin glass (chaotic, no retrieval)"
    if T >= fi_t_c(alpha):
        return "metastable memory"
    return "well-functioning memory"


def fi_lines(alpha: Any) -> dict[str, np.ndarray]:
    """``T_g``, ``T_M``, ``T_c`` of the Landau theory at the loads ``alpha`` (array).

    Parameters
    ----------
    alpha : array_like of float, any shape
        Loads ``p/N`` (> 0).

    Returns
    -------
    dict
        ``alpha, T_g, T_M, T_c``: arrays of the shape of ``alpha``.
    """
    a = np.atleast_1d(check_array(alpha, "alpha", dtype=np.float64))
    return {"alpha": a, "T_g": np.atleast_1d(fi_t_g(a)), "T_M": np.atleast_1d(fi_t_m(a)),
            "T_c": np.atleast_1d(fi_t_c(a))}
