"""Claims of the Ising lectures: exact critical points, Binder crossings, annealing, SK.

Registered on import (by :mod:`spinnet.reproduce.catalog`):

* ``ising.houtappel-anisotropic`` / ``ising.houtappel-diagonal`` -- spinnet's
  Houtappel ``T_c`` against independent closed forms of the Onsager /
  Houtappel conditions (exact identities);
* ``ising.binder-square`` / ``-anisotropic`` / ``-diagonal`` -- ``T_c`` from
  the crossings of the Binder cumulants of Wolff simulations, against the
  exact values;
* ``ising.log-schedule-ground-state`` -- annealing with ``T(t) = T₀/(1 + ln t)``
  finds the exact ground states of small SK instances;
* ``ising.sk-ground-state`` -- annealed SK ground-state energies extrapolated
  in ``N`` against Parisi's ``e₀ = −0.7632``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from spinnet.reproduce.core import Claim, Measurement, Tolerance, register

__all__: list[str] = []


def _pick(preset: str, smoke: Any, quick: Any, full: Any) -> Any:
    return {"smoke": smoke, "quick": quick, "full": full}[preset]


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


# ----------------------------------------------------------------------------- exact T_c
def _tc_anisotropic_closed_form() -> float:
    """``T_c`` of ``(J_h, J_v) = (1, 1/2)`` from Onsager's ``sinh 2K sinh K = 1``.

    With ``u = sinh² K``: ``sinh 2K = 2 sinh K cosh K`` turns the condition into
    ``4u²(1 + u) = 1``, a cubic with one positive root.
    """
    roots = np.roots([4.0, 4.0, 0.0, -1.0])
    u = float(max(r.real for r in roots if abs(r.imag) < 1e-12 and r.real > 0))
    return 1.0 / math.asinh(math.sqrt(u))


def _tc_diagonal_closed_form() -> float:
    """``T_c`` of ``(J_h, J_v, J_d) = (1, 1, 1/2)`` from Houtappel's condition.

    ``sinh² 2K + 2 sinh 2K sinh K = 1`` with ``c = cosh K`` becomes
    ``4c⁴ + 4c³ − 4c² − 4c − 1 = 0``; the root with ``c > 1`` gives ``K``.
    """
    roots = np.roots([4.0, 4.0, -4.0, -4.0, -1.0])
    c = float(max(r.real for r in roots if abs(r.imag) < 1e-12 and r.real > 1))
    return 1.0 / math.acosh(c)


TC_ANISOTROPIC = _tc_anisotropic_closed_form()
TC_DIAGONAL = _tc_diagonal_closed_form()


def _houtappel(couplings: tuple[float, float, float]):
    def measure(preset: str, rng: np.random.Generator) -> Measurement:
        from spinnet.theory.ising import houtappel_tc

        return Measurement(float(houtappel_tc(*couplings)), 0.0,
                           f"spinnet.theory.ising.houtappel_tc{couplings} (Brent's method on "
                           f"the three-coupling condition) against the closed-form root")
    return measure


register(Claim(
    id="ising.houtappel-anisotropic", topic="ising",
    statement="The anisotropic square lattice with J_h = 1, J_v = 1/2 orders where "
              "sinh(2J_h/T) sinh(2J_v/T) = 1: T_c = 1.641018 (closed form: a cubic in "
              "sinh² K).",
    reference=TC_ANISOTROPIC, reference_err=0.0,
    source="Onsager, Phys. Rev. 65, 117 (1944), eq. 109c; Houtappel, Physica 16, 425 (1950)",
    tolerance=Tolerance("relative", 1e-12), measure=_houtappel((1.0, 0.5, 0.0))))

register(Claim(
    id="ising.houtappel-diagonal", topic="ising",
    statement="The square lattice with J_h = J_v = 1 and one diagonal J_d = 1/2 (an "
              "anisotropic triangular lattice) orders where Σ sinh 2K_a sinh 2K_b = 1: "
              "T_c = 3.001777 (closed form: a quartic in cosh K).",
    reference=TC_DIAGONAL, reference_err=0.0,
    source="Houtappel, Physica 16, 425 (1950); Stephenson, J. Math. Phys. 5, 1009 (1964)",
    tolerance=Tolerance("relative", 1e-12), measure=_houtappel((1.0, 1.0, 0.5))))


# ----------------------------------------------------------------------------- Binder crossings
def _binder(couplings: tuple[float, float, float]):
    def measure(preset: str, rng: np.random.Generator) -> Measurement:
        from spinnet.experiments.ising_acceptance import binder_crossings

        sizes, sweeps, chains, n_t = _pick(preset, ((8, 16), 2_000, 2, 7),
                                           ((8, 16, 32), 6_000, 4, 7),
                                           ((8, 16, 32), 20_000, 4, 9))
        res = binder_crossings(*couplings, sizes=sizes, n_T=n_t, n_sweeps=sweeps,
                               n_thermalize=min(1_000, sweeps // 4), n_chains=chains,
                               n_bootstrap=200, seed=_seed(rng))
        pairs = res["pairs"]
        last = pairs[-1]
        text = "; ".join(f"({p['L1']}, {p['L2']}): {p['T_cross']:.4f} ± {p['T_cross_err']:.4f}"
                         for p in pairs)
        return Measurement(
            float(last["T_cross"]), float(last["T_cross_err"]),
            f"Wolff, L = {', '.join(map(str, sizes))}, {chains} chains × {sweeps} sweeps at "
            f"{n_t} temperatures within ±3 % of the exact T_c; crossings of U₄ for "
            f"consecutive sizes (linear interpolation, parametric bootstrap): {text}; the "
            f"largest pair is the measurement. Corrections to scaling shift small-L "
            f"crossings (the (8, 16) crossing of the isotropic lattice lies 0.4 % low), "
            f"hence a 1 % band",
            {"figure": "Binder crossings against the exact T_c",
             "x": [1.5, 3.1], "theory": [1.5, 3.1], "x_points": [float(res["T_c"])],
             "points": [float(last["T_cross"])], "errors": [float(last["T_cross_err"])],
             "xlabel": "exact T_c (Onsager, Houtappel)",
             "ylabel": "Binder crossing of the largest pair (line: equality)"})
    return measure


_BINDER = (("square", (1.0, 1.0, 0.0), 2.0 / math.log1p(math.sqrt(2.0)),
            "the square lattice (J_h = J_v = 1) orders at Onsager's T_c = 2.269185",
            "Onsager, Phys. Rev. 65, 117 (1944); Binder, Z. Phys. B 43, 119 (1981)"),
           ("anisotropic", (1.0, 0.5, 0.0), TC_ANISOTROPIC,
            "the anisotropic lattice J_h = 1, J_v = 1/2 orders at T_c = 1.641018",
            "Onsager (1944) / Houtappel, Physica 16, 425 (1950); Binder (1981)"),
           ("diagonal", (1.0, 1.0, 0.5), TC_DIAGONAL,
            "the lattice with J_h = J_v = 1, J_d = 1/2 orders at Houtappel's T_c = 3.001777",
            "Houtappel, Physica 16, 425 (1950); Binder (1981)"))

for _name, _J, _tc, _what, _src in _BINDER:
    register(Claim(
        id=f"ising.binder-{_name}", topic="ising",
        statement=f"Monte Carlo: the Binder cumulants of different sizes cross where {_what}.",
        reference=_tc, reference_err=0.0, source=_src,
        tolerance=Tolerance("relative", 0.01), measure=_binder(_J)))


# ----------------------------------------------------------------------------- annealing
def _log_schedule(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.ising_acceptance import sk_ground_state_check

    n_inst, sweeps = _pick(preset, (20, 2_000), (100, 2_000), (200, 5_000))
    # n_steps = n_sweeps: one sweep per level, i.e. exactly T(t) = T0/(1 + ln t).
    r = sk_ground_state_check(20, n_inst, schedule="logarithmic", n_sweeps=sweeps,
                              n_steps=sweeps, n_restarts=16, T0=3.0, seed=_seed(rng))
    rate = r["success_rate"]
    err = math.sqrt(max(rate * (1 - rate), 1.0 / n_inst) / n_inst)
    return Measurement(
        rate, err,
        f"SK, N = 20, {n_inst} instances; T(t) = 3/(1 + ln t) for t = 1..{sweeps} Metropolis "
        f"sweeps (T_final = {3 / (1 + math.log(sweeps)):.3f}), then a zero-T quench; 16 "
        f"restarts, success = best restart at the enumerated ground-state energy; a single "
        f"restart succeeds with probability {r['restart_success_rate']:.3f}")


register(Claim(
    id="ising.log-schedule-ground-state", topic="ising",
    statement="Annealing with the logarithmic schedule T(t) = T0/(1 + ln t) finds the "
              "ground state (fraction of small SK instances whose exact ground state is "
              "reached by the best of 16 restarts; at least 95 %).",
    reference=1.0, reference_err=0.0,
    source="Geman & Geman, IEEE PAMI 6, 721 (1984) (convergence of T0/ln t schedules); "
           "Kirkpatrick, Gelatt & Vecchi, Science 220, 671 (1983)",
    tolerance=Tolerance("at_least", 0.05), measure=_log_schedule))


PARISI_E0 = -0.7631667


def _sk_e0(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.models import SherringtonKirkpatrick
    from spinnet.samplers import anneal

    sizes, n_inst, sweeps = _pick(preset, ((32, 64, 128, 256), 8, 2_000),
                                  ((64, 128, 256, 512), 32, 4_000),
                                  ((64, 128, 256, 512, 1024), 64, 8_000))
    means, errs = [], []
    for n in sizes:
        e = []
        for _ in range(n_inst):
            model = SherringtonKirkpatrick(n, rng=rng)
            res = anneal(model, "geometric", sweeps, 4, rng, T0=3.0, T_final=0.05)
            e.append(res.energy / n)
        means.append(float(np.mean(e)))
        errs.append(float(np.std(e, ddof=1) / math.sqrt(n_inst)))
    x = np.asarray(sizes, float) ** (-2.0 / 3.0)
    y, w = np.asarray(means), 1.0 / np.asarray(errs) ** 2
    A = np.stack([np.ones_like(x), x], axis=1)
    cov = np.linalg.inv(A.T @ (A * w[:, None]))
    coef = cov @ (A.T @ (w * y))
    chi2 = float(np.sum(w * (y - A @ coef) ** 2))
    dof = max(len(y) - 2, 1)
    err = float(math.sqrt(cov[0, 0] * max(1.0, chi2 / dof)))
    xs = np.linspace(0.0, x.max() * 1.05, 20)
    return Measurement(
        float(coef[0]), err,
        f"SK, N = {', '.join(map(str, sizes))}, {n_inst} instances each; geometric annealing "
        f"3 → 0.05 in {sweeps} sweeps, 4 restarts, zero-T quench; ⟨e_N⟩ = "
        f"{', '.join(f'{m:.4f}' for m in means)}; weighted fit ⟨e_N⟩ = e₀ + a N^(−2/3) "
        f"(a = {coef[1]:.3f}, χ²/dof = {chi2 / dof:.2f}, error inflated when > 1). Annealing "
        f"gives upper bounds on the ground states, which biases e₀ upwards",
        {"figure": "SK ground-state energy vs N^(−2/3)", "x": xs.tolist(),
         "theory": (coef[0] + coef[1] * xs).tolist(), "x_points": [0.0, *x.tolist()],
         "points": [float(coef[0]), *means], "errors": [err, *errs],
         "xlabel": "N^(−2/3)", "ylabel": "ground-state energy per spin (line: fit)"})


register(Claim(
    id="ising.sk-ground-state", topic="ising",
    statement="The ground-state energy per spin of the SK model is e₀ = −0.7632 for "
              "N → ∞ (annealed ground states extrapolated in N^(−2/3)).",
    reference=PARISI_E0, reference_err=5e-8,
    source="Parisi, J. Phys. A 13, L115 (1980); Crisanti & Rizzo, Phys. Rev. E 65, 046137 "
           "(2002): e₀ = −0.7631667(2)",
    tolerance=Tolerance("sigma", 3.0), measure=_sk_e0))
