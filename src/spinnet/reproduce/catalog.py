"""The lectures' quantitative claims, each with the experiment that measures it.

Importing this module registers every claim (:func:`spinnet.reproduce.core.register`).
A measurement takes ``(preset, rng)`` and calls the library's experiments and
building blocks at the size of the preset: ``smoke`` runs in seconds,
``quick`` in minutes, ``full`` at the size quoted in the docs.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from spinnet.reproduce.core import Claim, Measurement, Tolerance, register

__all__: list[str] = []


def _pick(preset: str, smoke: Any, quick: Any, full: Any) -> Any:
    return {"smoke": smoke, "quick": quick, "full": full}[preset]


# ----------------------------------------------------------------------------- Hopfield
#: Hertz, Krogh & Palmer's table of one-step error rates (the lectures' numbers).
ONE_STEP = ((0.105, 0.001, 0.0005), (0.138, 0.0036, 0.00005), (0.185, 0.010, 0.0005),
            (0.37, 0.050, 0.0005), (0.61, 0.100, 0.0005))


def _one_step_measure(alpha: float):
    def measure(preset: str, rng: np.random.Generator) -> Measurement:
        from spinnet.experiments.one_step import one_step_errors
        from spinnet.theory.hopfield import one_step_error

        n, trials = _pick(preset, (1000, 10), (4000, 10), (8000, 10))
        row = one_step_errors(n, [alpha], n_trials=trials, rng=rng)[0]
        # The reference is the N -> infinity rate; at finite (N, p) the exact binomial
        # rate differs by a known amount, counted as a systematic error.
        finite_size = abs(float(row["exact"]) - float(row["theory"]))
        err = math.hypot(float(row["stderr"]), finite_size)
        grid = np.linspace(0.08, 0.65, 60)
        return Measurement(
            float(row["measured"]), err,
            f"N = {n}, p = {row['p']}, {trials} pattern sets, one synchronous update from "
            f"every stored pattern (Hebbian); error = statistical {row['stderr']:.2g} ⊕ "
            f"finite-size {finite_size:.2g} (exact binomial rate at this N, p minus the "
            f"N → ∞ rate)",
            {"figure": "one-step error rate", "x": grid.tolist(),
             "theory": one_step_error(grid).tolist(), "x_points": [alpha],
             "points": [float(row["measured"])], "errors": [err], "xlabel": "α = p/N",
             "ylabel": "one-step error rate", "logy": True})
    return measure


for _alpha, _ref, _err in ONE_STEP:
    register(Claim(
        id=f"hopfield.one-step.{_alpha:g}", topic="hopfield",
        statement=f"One synchronous update from a stored pattern flips a fraction {_ref:g} of "
                  f"the bits at load α = {_alpha:g} (signal-to-noise, ½ erfc(1/√(2α))).",
        reference=_ref, reference_err=_err,
        source="Hertz, Krogh & Palmer, Introduction to the Theory of Neural Computation "
               "(1991), §2.2, eq. 2.13 and its table",
        tolerance=Tolerance("sigma", 4.0), measure=_one_step_measure(_alpha)))


def _single_pattern(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.memories import single_pattern_table

    n_spins = _pick(preset, 100, 100, 1000)
    rows = single_pattern_table(n_spins, rng=rng)
    ok = [r["zero_diag"] == ("ξ" if r["n"] < n_spins / 2 else "−ξ")
          for r in rows if 2 * r["n"] != n_spins]
    return Measurement(float(np.mean(ok)), 0.0,
                       f"N = {n_spins}, every n = 0..N except n = N/2 (a tie), one "
                       f"synchronous step with J = ξξᵀ/N, zero diagonal")


register(Claim(
    id="hopfield.single-pattern", topic="hopfield",
    statement="With one stored pattern and n of N spins flipped, one synchronous step "
              "returns ξ if n < N/2 and −ξ if n > N/2 (fraction of n where this holds).",
    reference=1.0, reference_err=0.0,
    source="the lectures' single-pattern example; Hertz, Krogh & Palmer (1991) §2.2",
    tolerance=Tolerance("absolute", 0.0), measure=_single_pattern))


def _ags_alpha_c(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.theory.hopfield import alpha_c

    return Measurement(float(alpha_c(0.0)), 1e-6,
                       "T = 0 retrieval branch of the AGS saddle point, bisection to 1e-6")


register(Claim(
    id="hopfield.ags-alpha-c", topic="hopfield",
    statement="The retrieval states of the Hebbian Hopfield network disappear at "
              "α_c ≈ 0.138 at T = 0 (replica-symmetric theory).",
    reference=0.138, reference_err=0.0005,
    source="Amit, Gutfreund & Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985); "
           "Ann. Phys. 173, 30 (1987)",
    tolerance=Tolerance("sigma", 2.0), measure=_ags_alpha_c))


# ----------------------------------------------------------------------------- Ising
def _houtappel(couplings: tuple[float, float, float]):
    def measure(preset: str, rng: np.random.Generator) -> Measurement:
        from spinnet.theory.ising import houtappel_tc

        return Measurement(float(houtappel_tc(*couplings)), 0.0,
                           f"root of Houtappel's criterion at (J_h, J_v, J_d) = {couplings}")
    return measure


register(Claim(
    id="ising.tc-square", topic="ising",
    statement="The square-lattice Ising model orders at T_c = 2/ln(1 + √2) = 2.269185 J.",
    reference=2.0 / math.log1p(math.sqrt(2.0)), reference_err=0.0,
    source="Onsager, Phys. Rev. 65, 117 (1944); Kramers & Wannier (1941)",
    tolerance=Tolerance("absolute", 1e-9), measure=_houtappel((1.0, 1.0, 0.0))))

register(Claim(
    id="ising.tc-triangular", topic="ising",
    statement="The isotropic triangular lattice (J_h = J_v = J_d) orders at "
              "T_c = 4/ln 3 = 3.640957 J.",
    reference=4.0 / math.log(3.0), reference_err=0.0,
    source="Houtappel, Physica 16, 425 (1950)",
    tolerance=Tolerance("absolute", 1e-9), measure=_houtappel((1.0, 1.0, 1.0))))


# ----------------------------------------------------------------------------- neurons
def _mcp_and(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.neurons.mcculloch_pitts import ThresholdUnit, truth_table

    x, y = truth_table("AND")
    unit = ThresholdUnit((1.0, 1.0), 1.5)
    return Measurement(float(np.mean(unit(x) == y)), 0.0,
                       "the four input rows of AND through y = Θ(x₁ + x₂ − 3/2)")


register(Claim(
    id="neurons.mcculloch-pitts-and", topic="neurons",
    statement="A McCulloch–Pitts unit with weights w = 1 and threshold θ = 3/2 computes "
              "AND (fraction of the truth table reproduced).",
    reference=1.0, reference_err=0.0,
    source="McCulloch & Pitts, Bull. Math. Biophys. 5, 115 (1943)",
    tolerance=Tolerance("absolute", 0.0), measure=_mcp_and))


def _xor(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.neurons.mcculloch_pitts import grid_search, truth_table
    from spinnet.neurons.perceptron import is_separable

    g = grid_search("XOR", np.linspace(-3.0, 3.0, _pick(preset, 25, 61, 121)))
    x, y = truth_table("XOR")
    # Homogeneous form with a bias input: x -> (x, 1); labels -> ±1.
    xb = np.hstack([2.0 * x - 1.0, np.ones((len(x), 1))])
    separable = is_separable(xb, 2 * y.astype(int) - 1)
    return Measurement(g.best_correct / g.n_rows, 0.0,
                       f"best of {g.n_candidates} threshold units on a grid; linear program: "
                       f"{'separable' if separable else 'not separable'}")


register(Claim(
    id="neurons.xor-single-unit", topic="neurons",
    statement="No single threshold unit computes XOR: the best one gets at most 3 of the "
              "4 rows right.",
    reference=0.75, reference_err=0.0,
    source="Minsky & Papert, Perceptrons (1969)",
    tolerance=Tolerance("at_most", 0.0), measure=_xor))


def _gardner(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.theory.perceptron import gardner_alpha_c

    return Measurement(float(gardner_alpha_c(0.0)), 0.0,
                       "Gardner's volume integral at stability κ = 0")


register(Claim(
    id="neurons.perceptron-capacity", topic="neurons",
    statement="A perceptron stores at most α_c = 2 random dichotomies per input "
              "(Gardner's capacity at κ = 0; Cover's counting).",
    reference=2.0, reference_err=0.0,
    source="Cover, IEEE Trans. Electron. Comput. 14, 326 (1965); "
           "Gardner, J. Phys. A 21, 257 (1988)",
    tolerance=Tolerance("absolute", 1e-6), measure=_gardner))


# ----------------------------------------------------------------------------- modern Hopfield
def _attention(preset: str, rng: np.random.Generator) -> Measurement:
    import torch

    from spinnet.hopfield.modern import modern_update

    d, n, q = _pick(preset, (16, 32, 8), (64, 128, 32), (128, 512, 64))
    keys = torch.as_tensor(rng.standard_normal((n, d)))
    queries = torch.as_tensor(rng.standard_normal((q, d)))
    beta = 1.0 / math.sqrt(d)
    hop = modern_update(queries, keys, beta)
    att = torch.softmax(queries @ keys.T / math.sqrt(d), dim=-1) @ keys
    return Measurement(float((hop - att).abs().max()), 0.0,
                       f"{q} queries, {n} stored patterns of dimension {d}, float64; "
                       f"max |ξ_new − softmax(QKᵀ/√d)V|")


register(Claim(
    id="modern.attention", topic="modern",
    statement="The modern Hopfield update ξ ← Xᵀ softmax(β X ξ) with β = 1/√d is "
              "transformer attention with keys = values = the stored patterns "
              "(largest difference).",
    reference=0.0, reference_err=0.0,
    source="Ramsauer et al., ICLR 2021, eq. 3; Vaswani et al., NeurIPS 2017",
    tolerance=Tolerance("at_most", 1e-12), measure=_attention, requires=("torch",)))


# ----------------------------------------------------------------------------- Boltzmann
def _hopfield_grbm(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.boltzmann.hopfield_map import (
        grbm_visible_log_marginal,
        hopfield_log_weights,
        hopfield_to_grbm,
    )
    from spinnet.spins import random_patterns

    n, p = _pick(preset, (10, 3), (14, 4), (16, 5))
    xi = random_patterns(p, n, rng=rng)
    beta = 1.3
    states = np.array(list(itertools.product((-1, 1), repeat=n)), dtype=np.int8)
    a = grbm_visible_log_marginal(states, hopfield_to_grbm(xi, beta), beta)
    b = hopfield_log_weights(states, xi, beta)
    diff = np.asarray(a) - np.asarray(b)
    return Measurement(float(np.max(np.abs(diff - diff.mean()))), 0.0,
                       f"all 2^{n} states, p = {p} patterns, β = {beta}: spread of "
                       f"log p_RBM(s) − log p_Hopfield(s) (0 = same distribution)")


register(Claim(
    id="boltzmann.hopfield-is-grbm", topic="boltzmann",
    statement="A Hebbian Hopfield network is an RBM with Gaussian hidden units: the "
              "visible marginal equals the Boltzmann weight for every state (largest "
              "deviation of the log-ratio from a constant).",
    reference=0.0, reference_err=0.0,
    source="Barra, Bernacchia, Santucci & Contucci, Neural Netw. 34, 1 (2012), eqs. 5-7",
    tolerance=Tolerance("at_most", 1e-9), measure=_hopfield_grbm))


# ----------------------------------------------------------------------------- more topics
# Each module registers its claims on import (after the ones above, so that the report
# keeps this order).
from spinnet.reproduce import (  # noqa: E402, F401
    catalog_hopfield,
    catalog_ising,
    catalog_learning,
    catalog_memories,
    catalog_neurons,
    catalog_phases,
    catalog_van,
)
