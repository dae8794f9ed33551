"""Claims about learning machines: the Boltzmann-machine encoder, dense memories, TSP.

Registered on import (by :mod:`spinnet.reproduce.catalog`):

* ``boltzmann.encoder-424`` -- a Boltzmann machine learns the 4-2-4 encoder
  (Ackley, Hinton & Sejnowski 1985);
* ``modern.polynomial-capacity`` -- dense associative memories with
  ``F(x) = x³`` store ``∝ N²`` patterns (Krotov & Hopfield 2016);
* ``boltzmann.dbn-beats-pca`` -- a DBN-pretrained deep autoencoder reconstructs
  better than PCA (Hinton & Salakhutdinov 2006; quick and full only);
* ``attractor.tsp-hopfield-tank`` -- the fraction of Hopfield–Tank runs that end
  in a valid 10-city tour, against the 16 of 20 reported in 1985.
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
def _encoder(preset: str, rng: np.random.Generator) -> Measurement:
    from spinnet.experiments.boltzmann import bm_encoder

    n_seeds = _pick(preset, 2, 20, 100)
    seeds = [int(s) for s in rng.integers(0, 2**31 - 1, n_seeds)]
    with tempfile.TemporaryDirectory(prefix="spinnet-reproduce-") as tmp:
        res = bm_encoder(seeds=seeds, epochs=200, method="exact", out=Path(tmp))
    rate = float(res["rate"])
    ll = [r["log_likelihood"] for r in res["rows"]]
    return Measurement(
        rate, _binomial_err(rate, n_seeds),
        f"{n_seeds} seeds; exact gradient (hidden units summed out), 200 full-batch epochs, "
        f"lr 0.1, momentum 0.8, best of 8 initialisations by training log-likelihood; "
        f"success = every V1 pattern gives the matching V2 as the most probable "
        f"completion; mean log-likelihood {np.mean(ll):.3f} (optimum ln ¼ = "
        f"{math.log(0.25):.3f})")


register(Claim(
    id="boltzmann.encoder-424", topic="boltzmann",
    statement="A Boltzmann machine with two hidden units learns the 4-2-4 encoder: "
              "every input pattern is passed through the 2-unit bottleneck and "
              "reproduced (fraction of training runs that succeed; at least 95 %).",
    reference=1.0, reference_err=0.0,
    source="Ackley, Hinton & Sejnowski, Cognitive Science 9, 147 (1985), §5 "
           "(the 4-2-4 encoder: a global minimum was found in all 250 runs)",
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
    requires=("torch",)))


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
        f"Wilson & Pawley (1988) could not reproduce the 1985 result either")


register(Claim(
    id="attractor.tsp-hopfield-tank", topic="attractor",
    statement="The Hopfield–Tank network with the published parameters converges to a "
              "valid 10-city tour in 16 of 20 runs (fraction of runs).",
    reference=0.8, reference_err=math.sqrt(0.8 * 0.2 / 20),
    source="Hopfield & Tank, Biol. Cybern. 52, 141 (1985), §4 (16 of 20 runs; error: "
           "binomial); contradicted by Wilson & Pawley, Biol. Cybern. 58, 63 (1988)",
    tolerance=Tolerance("sigma", 3.0), measure=_tsp))
