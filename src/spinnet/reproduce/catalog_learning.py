"""Claims about learning machines: the Boltzmann-machine encoder, dense memories, TSP.

Registered on import (by :mod:`spinnet.reproduce.catalog`):

* ``boltzmann.encoder-424`` -- a Boltzmann machine learns the 4-2-4 encoder
  (Ackley, Hinton & Sejnowski 1985; best of 16 exact-gradient initialisations);
* ``boltzmann.rbm-rule-ranking`` -- SML (persistent CD) gives a higher test
  log-likelihood than CD, PL and RM (Marlin et al. 2010; quick and full only);
* ``modern.lm-thresholds`` -- the simulated Lucibello-Mézard threshold,
  extrapolated to N → ∞, equals α₁(λ = 0.5);
* ``modern.polynomial-capacity`` -- dense associative memories with
  ``F(x) = x³`` store ``∝ N²`` patterns (Krotov & Hopfield 2016);
* ``boltzmann.dbn-beats-pca`` -- a DBN-pretrained deep autoencoder reconstructs
  better than PCA (Hinton & Salakhutdinov 2006; quick and full only);
* ``attractor.tsp-hopfield-tank`` -- the fraction of Hopfield–Tank runs that end
  in a valid 10-city tour, against Wilson & Pawley's replication (15 of 100; the
  16 of 20 reported in 1985 was not reproduced).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from spinnet.reproduce.core import Claim, Measurement, Tolerance, register

__all__: list[str] = []


def _pick(preset: str, smoke: Any, quick: Any, full: Any) -> Any:
    return {"smoke": smoke, "quick": quick, "full": full}[preset]


def _binomial_err(rate: float, n: int) -> float:
    """Standard error of a success fraction; ``1/n`` resolution when it is 0 or 1."""
    return math.sqrt(max(rate * (1.0 - rate), 1.0 / n) / n)


# ----------------------------------------------------------------------------- 4-2-4 encoder
#: Initialisations per run, the best kept by training log-likelihood. Exact gradient ascent
#: (200 epochs) reaches a global optimum from 21 of 60 single initialisations (seeds
#: 10000-10059, measured 2026-12-05); the others stop where two or three patterns share a
#: hidden code (log-likelihood -1.78 ... -2.27 against ln ¼ + 0.03). Best of 8 then fails a
#: run with probability 0.65^8 ≈ 3 % (2 of 20 at quick); best of 16, 0.65^16 ≈ 0.1 %,
#: below the 1.2 % that Ackley et al.'s 250 of 250 allows (95 % binomial bound).
ENCODER_RESTARTS = 16


def _encoder(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.boltzmann import bm_encoder

    n_seeds = _pick(preset, 2, 20, 100)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, n_seeds)]
    with tempfile.TemporaryDirectory(prefix="spinnet-reproduce-") as tmp:
        res = bm_encoder(seeds=seeds, epochs=200, method="exact", restarts=ENCODER_RESTARTS,
                         out=Path(tmp))
    rate = float(res["rate"])
    ll = [r["log_likelihood"] for r in res["rows"]]
    return Measurement(
        rate, _binomial_err(rate, n_seeds),
        f"{n_seeds} runs; exact gradient (hidden units summed out), 200 full-batch epochs, "
        f"lr 0.1, momentum 0.8, best of {ENCODER_RESTARTS} initialisations by training "
        f"log-likelihood (Ackley et al. used one stochastic run with noisy clamping, whose "
        f"noise escapes the local optima where two patterns share a code; a single "
        f"exact-gradient initialisation reaches the global optimum only ~35 % of the time); "
        f"success = every V1 pattern gives the matching V2 as the most probable completion; "
        f"mean log-likelihood {np.mean(ll):.3f} (optimum ln ¼ = {math.log(0.25):.3f}). "
        f"Changed 2026-12-05 after a quick run with best of 8 found 18 of 20")


register(Claim(
    id="boltzmann.encoder-424", topic="boltzmann",
    statement="A Boltzmann machine with two hidden units learns the 4-2-4 encoder: "
              "every input pattern is passed through the 2-unit bottleneck and "
              "reproduced (fraction of training runs that succeed; at least 95 %).",
    reference=1.0, reference_err=0.0,
    source="Ackley, Hinton & Sejnowski, Cognitive Science 9, 147 (1985), §4.1 (the 4-2-4 "
           "encoder: a global minimum in all 250 of 250 tests, median 110 and at most 1810 "
           "learning cycles)",
    tolerance=Tolerance("at_least", 0.05), measure=_encoder))


# ----------------------------------------------------------------------------- DBN autoencoder
def _dbn(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.boltzmann import dbn_train

    # quick: the documented 8×8 digits setting; full: the documented MNIST setting.
    kw = _pick(preset, {}, dict(data="digits", layers=[48, 24, 6], batch_size=50,
                                finetune_lr=3e-3, finetune_epochs=60),
               dict(data="mnist", layers=[256, 64, 30], finetune_epochs=30))
    with tempfile.TemporaryDirectory(prefix="spinnet-reproduce-") as tmp:
        res = dbn_train(**kw, pretrain_epochs=20, seed=int(rng.integers(0, 2**31 - 1)),
                        out=Path(tmp))["result"]
    ratio = res["test_error_finetuned"] / res["test_error_pca"]
    sizes = "-".join(map(str, res["layer_sizes"]))
    return Measurement(
        float(ratio), 0.0,
        f"{kw['data']}: {res['n_train']} train / {res['n_test']} test images; DBN {sizes} "
        f"(Gaussian code layer) pretrained greedily by CD-1 (20 epochs per RBM), unrolled "
        f"and fine-tuned by backprop ({res['finetune_epochs']} epochs); test squared error "
        f"per image {res['test_error_finetuned']:.2f} (pretrained only "
        f"{res['test_error_pretrained']:.2f}) vs PCA with {res['code_size']} components "
        f"{res['test_error_pca']:.2f}",
        {"figure": "deep autoencoder vs PCA", "x_points": [0.0, 1.0, 2.0],
         "points": [res["test_error_pretrained"], res["test_error_finetuned"],
                    res["test_error_pca"]],
         "xlabel": "0: DBN pretrained, 1: fine-tuned autoencoder, 2: PCA",
         "ylabel": "test squared error per image"})


register(Claim(
    id="boltzmann.dbn-beats-pca", topic="boltzmann",
    statement="A deep autoencoder pretrained as a DBN and fine-tuned reconstructs test "
              "images better than PCA with the same code size (ratio of the test squared "
              "errors; below 1).",
    reference=1.0, reference_err=0.0,
    source="Hinton & Salakhutdinov, Science 313, 504 (2006), fig. 2 (MNIST 784-1000-500-"
           "250-30: 3.00 vs 13.87 for PCA)",
    tolerance=Tolerance("at_most", 0.0), measure=_dbn, presets=("quick", "full"),
    requires=("torch",), cost="greedy DBN pretraining and backprop fine-tuning, minutes"))


# ----------------------------------------------------------------------------- RBM rules
#: Marlin et al.'s inductive principles and spinnet's training rules.
RBM_RULES = {"SML": "pcd", "CD": "cd", "PL": "pl", "RM": "rm"}


def _rbm_rules(preset: str, rng: np.random.Generator) -> Measurement:
    import torch

    from spinnet.boltzmann.evaluation import (
        ais_log_z,
        exact_log_z_from_params,
        log_likelihood,
        model_rate_bias,
    )
    from spinnet.boltzmann.rbm import RBM
    from spinnet.boltzmann.training import TrainConfig, train
    from spinnet.experiments.boltzmann import load_rbm_data

    hidden, epochs, lrs, runs, steps = _pick(
        preset, None, (16, 40, (0.03, 0.1, 0.3), 100, 1000),
        (16, 200, (0.01, 0.03, 0.1, 0.3), 500, 10_000))
    d = load_rbm_data("digits")
    n_val = 300  # the last 300 training images choose each rule's learning rate
    x_fit, x_val, x_test = d.x_train[:-n_val], d.x_train[-n_val:], d.x_test
    seed = int(rng.integers(0, 2**31 - 1))

    def params(rbm: Any) -> tuple[Any, Any, Any]:
        return tuple(t.to(torch.float64) for t in (rbm.W, rbm.b, rbm.c))

    results = {}
    for name, rule in RBM_RULES.items():
        best = None
        for lr in lrs:
            rbm = RBM(x_fit.shape[1], hidden, rng=seed)
            train(rbm, x_fit, TrainConfig(method=rule, epochs=epochs, learning_rate=lr,
                                          batch_size=100, momentum=0.5, monitor_samples=10),
                  rng=seed)
            W, b, c = params(rbm)
            val = log_likelihood(W, b, c, x_val, exact_log_z_from_params(W, b, c))
            if best is None or (np.isfinite(val) and not val <= best[0]):
                best = (val, lr, rbm)
        assert best is not None
        val, lr, rbm = best
        W, b, c = params(rbm)
        lz, lz_err, _ = ais_log_z(W, b, c, base_visible_bias=model_rate_bias(W, b, c, rng=seed),
                                  n_betas=steps + 1, n_runs=runs, rng=seed)
        per_image = np.array([log_likelihood(W, b, c, x_test[i:i + 1], lz)
                              for i in range(len(x_test))])
        results[name] = {"lr": lr, "val": val, "test": float(per_image.mean()),
                         "ais_err": float(lz_err), "per_image": per_image,
                         "exact": log_likelihood(W, b, c, x_test,
                                                 exact_log_z_from_params(W, b, c))}
    sml = results["SML"]
    rival = max((k for k in results if k != "SML"), key=lambda k: results[k]["test"])
    other = results[rival]
    diff = sml["test"] - other["test"]
    paired = float(np.std(sml["per_image"] - other["per_image"], ddof=1)
                   / math.sqrt(len(x_test)))
    err = math.sqrt(sml["ais_err"] ** 2 + other["ais_err"] ** 2 + paired**2)
    ranking = sorted(results, key=lambda k: -results[k]["test"])
    names = list(RBM_RULES)
    return Measurement(
        diff, err,
        f"8×8 digits ({len(x_fit)} train, {n_val} validation, {len(x_test)} test images), "
        f"RBM 64-{hidden}, {epochs} epochs, batch 100, momentum 0.5, each rule's learning "
        f"rate chosen from {', '.join(map(str, lrs))} by exact validation log-likelihood; "
        f"test log-likelihood by AIS ({runs} runs, {steps} steps, base fitted to model "
        f"samples): " + "; ".join(
            f"{k} ({RBM_RULES[k]}, lr {results[k]['lr']:g}) {results[k]['test']:.3f} ± "
            f"{results[k]['ais_err']:.2g} (exact log Z: {results[k]['exact']:.3f})"
            for k in names) +
        f"; ranking {' > '.join(ranking)}; measured: SML minus the best other ({rival}), "
        f"error AIS ⊕ paired test-set error {paired:.2g}",
        {"figure": "RBM test log-likelihood by inductive principle",
         "x_points": [0.0, 1.0, 2.0, 3.0], "points": [results[k]["test"] for k in names],
         "errors": [results[k]["ais_err"] for k in names],
         "xlabel": "0: SML (PCD), 1: CD-1, 2: PL, 3: RM",
         "ylabel": "test log-likelihood (nats per image)"})


register(Claim(
    id="boltzmann.rbm-rule-ranking", topic="boltzmann",
    statement="Of the four inductive principles for training an RBM -- stochastic maximum "
              "likelihood (SML = persistent CD), contrastive divergence, pseudo-likelihood "
              "and ratio matching -- SML gives the highest test log-likelihood (AIS): test "
              "log-likelihood of SML minus the best of the others, at least 0.",
    reference=0.0, reference_err=0.0,
    source="Marlin, Swersky, Chen & de Freitas, AISTATS 2010, pp. 509-516 (SML best in "
           "test log-likelihood; as summarised in Goodfellow, Bengio & Courville, Deep "
           "Learning (2016), §18.2)",
    tolerance=Tolerance("at_least", 0.0), measure=_rbm_rules, presets=("quick", "full"),
    requires=("torch",), cost="12 RBM trainings and 4 AIS runs, about 5 minutes"))


# ----------------------------------------------------------------------------- dense memories
def _poly_capacity(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.dense import capacity_scan

    sizes, trials, probes = _pick(preset, ((25, 50, 100), 2, 200), ((50, 100, 200), 4, 500),
                                  ((50, 100, 200, 400), 4, 500))
    rows, s = capacity_scan("poly:3", sizes, n_trials=trials, n_probes=probes, rng=rng)
    ns = np.array([r["N"] for r in rows], float)
    pc = np.array([r["p_c"] for r in rows])
    pt = np.array([r["p_theory"] for r in rows])
    # The fit of the log-corrected data has no error of its own from the library: the
    # error of the raw fit (same points, same scatter) is used.
    return Measurement(
        float(s["log_corrected_exponent"]), float(s["exponent_stderr"]),
        f"F(x) = x³, N = {', '.join(str(int(n)) for n in ns)}; capacity = largest p with "
        f"99 % of the stored patterns stable (p_c = {', '.join(f'{v:.1f}' for v in pc)}; "
        f"signal-to-noise theory {', '.join(f'{v:.1f}' for v in pt)}); raw fitted exponent "
        f"{s['exponent']:.3f} (theory on this range {s['theory_exponent']:.3f}); the "
        f"measurement divides out the slowly varying z(N)² = Φc⁻¹(ε/N)² of the theory "
        f"(p_c ∝ N^(n−1)/z² for N → ∞) before fitting",
        {"figure": "dense memory capacity, F(x) = x³", "x": ns.tolist(), "theory": pt.tolist(),
         "x_points": ns.tolist(), "points": pc.tolist(), "xlabel": "N",
         "ylabel": "p_c (line: signal-to-noise theory)", "logy": True})


register(Claim(
    id="modern.polynomial-capacity", topic="modern",
    statement="A dense associative memory with F(x) = xⁿ stores a number of patterns "
              "growing as N^(n−1): the fitted exponent for n = 3 is 2 (after the "
              "logarithmic factor of the signal-to-noise theory).",
    reference=2.0, reference_err=0.0,
    source="Krotov & Hopfield, NeurIPS 29 (2016), eq. 5 (p ≈ N^(n−1)/(2(2n−3)!! ln N))",
    tolerance=Tolerance("relative", 0.05), measure=_poly_capacity))


# ----------------------------------------------------------------------------- LM thresholds
#: Inverse temperature of the Lucibello-Mézard claim (spherical patterns).
LM_LAM = 0.5


def _lm_alpha1(lam: float) -> float:
    from spinnet.theory.dense import lm_alpha1

    return float(lm_alpha1(lam))


def _lm_thresholds(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.dense import lm_extrapolate, lm_threshold
    from spinnet.theory.dense import lm_alpha1, lm_alpha1_finite

    # (sizes, extrapolation order, load grid half-width, points, probes); full: the
    # docs/modern-hopfield.md acceptance setting.
    sizes, order, half, points, probes = _pick(
        preset, ((30, 40, 50), 1, 0.05, 11, 150), ((20, 30, 40, 50, 60), 2, 0.1, 21, 400),
        ((20, 30, 40, 50, 60), 2, 0.1, 41, 600))
    a1 = lm_alpha1(LM_LAM)
    grid = np.linspace(1 - half, 1 + half, points) * a1
    vals, errs = [], []
    for n in sizes:
        _, s = lm_threshold(n, LM_LAM, grid, n_probes=probes, rng=rng)
        vals.append(float(s["alpha_cross"]))
        errs.append(float(s["alpha_cross_err"]))
    ex = lm_extrapolate(sizes, vals, errs, order=order)
    finite = [lm_alpha1_finite(n, LM_LAM) for n in sizes]
    return Measurement(
        ex["alpha_inf"], ex["alpha_inf_err"],
        f"spherical patterns, λ = {LM_LAM}; overlap sampler (P − 1 overlaps from their exact "
        f"law), {probes} probes, {points} loads in ±{100 * half:g} % of α₁; crossing of the "
        f"median of (ln Z_rest − λ ξ¹·x)/N at N = {', '.join(map(str, sizes))}: "
        f"{', '.join(f'{v:.6f} ± {e:.1g}' for v, e in zip(vals, errs, strict=True))} "
        f"(annealed α₁(N): {', '.join(f'{v:.6f}' for v in finite)}); extrapolated in 1/N "
        f"(order {order}, χ²/dof {ex['chi2_per_dof']:.2f})",
        {"figure": "Lucibello–Mézard threshold, λ = 0.5", "x": [1.0 / n for n in sizes],
         "theory": finite, "x_points": [1.0 / n for n in sizes], "points": vals,
         "errors": errs, "xlabel": "1/N", "ylabel": "α_cross (line: annealed α₁(N))"})


register(Claim(
    id="modern.lm-thresholds", topic="modern",
    statement="A dense associative memory with the log-sum-exp energy retrieves a typical "
              "spherical pattern up to P = e^(αN) patterns with the exact threshold α₁(λ) "
              "of Lucibello & Mézard: the simulated threshold extrapolated to N → ∞ equals "
              "α₁(0.5).",
    reference=_lm_alpha1(LM_LAM), reference_err=0.0,
    source="Lucibello & Mézard, Phys. Rev. Lett. 132, 077301 (2024), the typical-pattern "
           "threshold α₁(λ) (REM criterion; spinnet's eqs. LM4-LM5 in "
           "docs/modern-hopfield.md, spinnet.theory.dense.lm_alpha1)",
    tolerance=Tolerance("sigma", 3.0), measure=_lm_thresholds))


# ----------------------------------------------------------------------------- TSP
def _tsp(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.attractor import tsp_comparison

    n_inst, restarts = _pick(preset, (4, 5), (20, 5), (20, 20))
    rows = tsp_comparison(10, n_inst, methods=("exact", "hopfield-tank"),
                          ht_restarts=restarts, rng=rng)
    ht = [r for r in rows if r["method"] == "hopfield-tank"]
    valid = [r for r in ht if r["valid"]]
    rate = len(valid) / len(ht)
    ratios = np.array([r["ratio"] for r in valid])
    ratio_txt = (f"valid tours are {ratios.mean():.3f} × the Held–Karp optimum on average "
                 f"({int(np.sum(ratios < 1 + 1e-9))} of {len(valid)} optimal)"
                 if len(valid) else "no valid tour")
    return Measurement(
        rate, _binomial_err(rate, len(ht)),
        f"{n_inst} random 10-city instances × {restarts} runs of the published network "
        f"(A = B = D = 500, C = 200, ñ = 15, u₀ = 0.02), a run is valid only if V > ½ is a "
        f"permutation matrix (no repair); {len(valid)} of {len(ht)} valid; {ratio_txt}. "
        f"Random instances (Wilson & Pawley used H&T's one instance); against Hopfield & "
        f"Tank's 16 of 20 this rate would be {_sigmas(rate, len(ht), 0.8, 20):.1f}σ off")


def _sigmas(rate: float, n: int, ref: float, n_ref: int) -> float:
    """Deviation of ``rate`` (``n`` runs) from ``ref`` (``n_ref`` runs) in binomial errors."""
    err = math.hypot(_binomial_err(rate, n), math.sqrt(ref * (1 - ref) / n_ref))
    return (rate - ref) / err


#: Wilson & Pawley (1988): H&T's 10-city network, published parameters, 100 random starts:
#: 15 valid tours, 45 frozen in invalid states, 40 not converged in 1000 iterations.
WP_VALID, WP_RUNS = 15, 100

register(Claim(
    id="attractor.tsp-hopfield-tank", topic="attractor",
    statement="The Hopfield–Tank network with the published parameters (A = B = D = 500, "
              "C = 200, ñ = 15) ends in a valid 10-city tour in about 15 % of runs, as Wilson "
              "& Pawley found when they replicated it; Hopfield & Tank's 16 of 20 was "
              "reproduced neither by them nor by spinnet (fraction of runs).",
    reference=WP_VALID / WP_RUNS,
    reference_err=math.sqrt(WP_VALID / WP_RUNS * (1 - WP_VALID / WP_RUNS) / WP_RUNS),
    source="Wilson & Pawley, Biol. Cybern. 58, 63 (1988) (H&T's 10-city problem, 100 random "
           "starts: 15 valid tours, 45 frozen in invalid states, 40 not converged; error: "
           "binomial); the 16 of 20 of Hopfield & Tank, Biol. Cybern. 52, 141 (1985), §4, "
           "was not reproduced",
    tolerance=Tolerance("sigma", 3.0), measure=_tsp))
