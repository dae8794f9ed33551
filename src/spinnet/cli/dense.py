"""``spinnet dam ...`` and ``spinnet modern ...``: dense and modern Hopfield memories."""

from __future__ import annotations

import math
import time
from enum import StrEnum
from pathlib import Path

import typer

from spinnet.cli._common import (
    check_finite,
    check_seed,
    console,
    fail,
    note_kept,
    out_dir,
    parse_floats,
    parse_ints,
    print_table,
    progress_bar,
)

dam_app = typer.Typer(help="Dense associative memories (Krotov-Hopfield polynomial, "
                           "Demircigil exponential energies).", no_args_is_help=True)
modern_app = typer.Typer(help="Continuous modern Hopfield networks (= attention): retrieval "
                              "and exponential-capacity thresholds.", no_args_is_help=True)


class Data(StrEnum):
    mnist = "mnist"
    random = "random"


class Ensemble(StrEnum):
    spherical = "spherical"
    gaussian = "gaussian"


class Bound(StrEnum):
    alpha1 = "alpha1"
    alphac = "alphac"


class Sampler(StrEnum):
    vectors = "vectors"
    overlaps = "overlaps"


# ------------------------------------------------------------------------ dam capacity
@dam_app.command("capacity")
def capacity(
    energy: str = typer.Option("poly:3", "--energy",
                               help="Interaction F: poly:n (x^n), rectified:n (max(x,0)^n) or "
                                    "exp (e^x)."),
    N: str = typer.Option("", "--N", help="System sizes: a comma list or lo:hi:n (default: a "
                                          "range suited to --energy)."),
    trials: int = typer.Option(4, "--trials", help="Pattern sets per (N, p)."),
    probes: int = typer.Option(500, "--probes", help="Patterns checked per set."),
    threshold: float = typer.Option(0.99, "--threshold",
                                    help="Required fraction of stable patterns."),
    noise: float | None = typer.Option(None, "--noise",
                                       help="0: patterns must be fixed points; > 0: one "
                                            "synchronous step must repair this fraction of "
                                            "flipped spins (default 0.1 for exp, 0 else)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-dam-capacity"), "--out", help="Output directory."),
) -> None:
    """Capacity (largest p with >= 99 % of patterns stable) vs N, with theory.

    Polynomial energies: fitted exponent of p_c ∝ N^a (Krotov & Hopfield: n - 1)
    and the finite-N signal-to-noise prediction; exponential energy (one-step
    retrieval from --noise): slope of ln p_c vs N next to Demircigil et al.'s
    bound I(1-2ρ)/2 and the extreme-value estimate I(1-2ρ). Writes
    capacity.csv, capacity.png and manifest.json; every finished system size is
    saved to capacity_partial.json first, and a rerun with the same parameters
    resumes from it.
    """
    from spinnet._io import write_manifest
    from spinnet.experiments.dense import dam_capacity_experiment
    from spinnet.hopfield.dense import parse_interaction

    started = time.time()
    try:
        kind, degree = parse_interaction(energy)
    except (ValueError, TypeError) as exc:
        fail(str(exc), "--energy")
    if N:
        ns = parse_ints(N, "--N", minimum=4)
    else:
        ns = {"exp": [24, 28, 32, 36], 2: [100, 200, 400, 800], 3: [50, 100, 200],
              4: [32, 48, 64]}.get(kind if kind == "exp" else degree, [20, 30, 40])
    if len(ns) < 2 or len(set(ns)) != len(ns):
        fail("--N needs at least two distinct sizes for a scaling fit", "--N")
    if trials < 1:
        fail(f"--trials must be >= 1; got {trials}", "--trials")
    if probes < 1:
        fail(f"--probes must be >= 1; got {probes}", "--probes")
    check_finite(threshold, "--threshold", minimum=0, maximum=1, min_inclusive=False,
                 max_inclusive=False)
    if noise is None:
        noise = 0.1 if kind == "exp" else 0.0
    check_finite(noise, "--noise", minimum=0, maximum=0.5, max_inclusive=False)
    check_seed(seed)
    out = out_dir(out)

    def kept(done: int, total: int) -> None:
        note_kept(f"{done} of {total} system sizes in {out / 'capacity_partial.json'}")

    try:
        with progress_bar() as bar:
            res = dam_capacity_experiment(energy, ns, out, threshold=threshold,
                                          n_trials=trials, n_probes=probes, noise=noise,
                                          seed=seed, progress=bar, on_size=kept)
    except ValueError as exc:
        fail(str(exc).replace("sizes", "--N"), "--N")
    rows, summary = res["rows"], res["summary"]
    if res["resumed"]:
        console.print(f"resuming: N = {res['resumed']} already done")
    files = [*res["files"], "manifest.json"]
    write_manifest(out, "dam capacity", res["parameters"], started, files, summary=summary)
    print_table(f"dense associative memory {energy}: capacity", rows,
                {"p_c": ".1f", "fraction_low": ".4f", "fraction_high": ".4f",
                 "p_theory": ".1f"})
    if kind == "exp":
        console.print(f"ln p_c = {summary['alpha']:.4f} (± {summary['alpha_stderr']:.4f}) N + c;"
                      f" Demircigil bound I(1-2ρ)/2 = {summary['alpha_theory_asymptotic']:.4f},"
                      f" extreme-value estimate I(1-2ρ) = {summary['alpha_extreme_value']:.4f}")
    elif noise > 0:
        console.print(f"p_c ∝ N^{summary['exponent']:.3f} (± {summary['exponent_stderr']:.3f}),"
                      f" one-step retrieval from {noise:.0%} noise")
    else:
        console.print(f"p_c ∝ N^{summary['exponent']:.3f} (± {summary['exponent_stderr']:.3f}),"
                      f" expected {degree - 1} (deviation "
                      f"{summary['relative_deviation']:.1%})")
    console.print(f"outputs in {out}/ ({', '.join(files)})")


# ---------------------------------------------------------------------- modern retrieve
@modern_app.command("retrieve")
def retrieve(
    data: Data = typer.Option(Data.mnist, "--data", help="Stored images: MNIST test set or "
                                                          "random ±1 patterns."),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="Directory with the MNIST IDX files (default: "
                                              "$SPINNET_DATA, then the user cache; see "
                                              "`spinnet data where`)."),
    p: int = typer.Option(10000, "--p", help="Number of stored patterns."),
    queries: int = typer.Option(200, "--queries", help="Half-occluded queries."),
    beta: str = typer.Option("0.001,0.003,0.01,0.03,0.1,0.3,1", "--beta",
                             help="Inverse temperatures β of the modern network: a comma list "
                                  "or lo:hi:n."),
    dense: str = typer.Option("poly:3,exp", "--dense",
                              help="Dense memories to compare (comma-separated, '' for none)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-modern-retrieve"), "--out",
                             help="Output directory (an interrupted run resumes from it)."),
) -> None:
    """Half-occluded queries: classical Hebbian vs dense vs modern Hopfield, same images.

    Writes retrieval.csv (accuracy = fraction of queries whose final state has
    overlap >= 0.99 with the original), retrieval.png (accuracy vs β),
    examples.png and manifest.json. Each finished memory model is kept in
    OUT/checkpoint/ until the outputs are written: rerunning the same command
    after Ctrl-C resumes with identical results.
    """
    from spinnet._io import write_manifest
    from spinnet._optional import require_torch
    from spinnet.datasets import MnistNotFoundError
    from spinnet.experiments.dense import load_retrieval_images, retrieval_experiment
    from spinnet.hopfield.dense import parse_interaction

    started = time.time()
    beta_list = parse_floats(beta, "--beta", minimum=0, min_inclusive=False)
    if len(set(beta_list)) != len(beta_list):
        fail(f"--beta repeats a value; got {beta!r}", "--beta")
    dense_list = [d.strip() for d in dense.split(",") if d.strip()]
    for d in dense_list:
        try:
            parse_interaction(d)
        except (ValueError, TypeError) as exc:
            fail(str(exc), "--dense")
    if p < 1:
        fail(f"--p must be >= 1; got {p}", "--p")
    if not 1 <= queries <= p:
        fail(f"--queries must be in 1..{p} (--p); got {queries}", "--queries")
    check_seed(seed)
    if data_dir is not None and data != Data.mnist:
        fail("--data-dir applies to --data mnist only", "--data-dir")
    require_torch("spinnet modern retrieve")
    try:
        images, shape, info = load_retrieval_images(data.value, p, data_dir=data_dir, rng=seed)
    except MnistNotFoundError as exc:
        fail(str(exc), "--data-dir")
    except ValueError as exc:
        fail(str(exc).replace("n_stored", "--p"), "--p")
    out = out_dir(out)

    def kept(done: int, total: int) -> None:
        note_kept(f"{done} of {total} memory models in {out / 'checkpoint'}")

    with progress_bar() as bar:
        res = retrieval_experiment(images, out, betas=beta_list, n_queries=queries,
                                   shape=shape, dense=dense_list, rng=seed, progress=bar,
                                   on_unit=kept)
    rows = res["rows"]
    files = [*res["files"], "manifest.json"]
    params = dict(data=data.value, n_stored=p, queries=queries, betas=beta_list,
                  dense=dense_list, seed=seed, **info)
    write_manifest(out, "modern retrieve", params, started, files, summary=res["summary"])
    print_table(f"retrieval from {queries} half-occluded queries, {p} stored "
                f"({data.value})", rows,
                {"beta": ".3g", "accuracy": ".3f", "mean_overlap": ".3f",
                 "nearest_is_original": ".3f"})
    console.print(f"outputs in {out}/ ({', '.join(files)})")


# --------------------------------------------------------------------- modern threshold
@modern_app.command("threshold")
def threshold_cmd(
    lam: str = typer.Option("0.25", "--lam", help="Inverse temperature λ (= β): a value, a "
                                                 "comma list or lo:hi:n."),
    N: str = typer.Option("20,30,40", "--N", help="System sizes: a comma list or lo:hi:n."),
    ensemble: Ensemble = typer.Option(Ensemble.spherical, "--ensemble", help="Pattern law."),
    bound: Bound = typer.Option(Bound.alpha1, "--bound",
                                help="alpha1: typical-pattern threshold α₁ (fraction of probe "
                                     "patterns retrieved); alphac: all patterns at once "
                                     "(fraction of pattern sets, lower bound α_c)."),
    sampler: Sampler = typer.Option(Sampler.vectors, "--sampler",
                                    help="vectors: generate the P pattern vectors; overlaps: "
                                         "draw the other patterns' overlaps from their exact "
                                         "law (any P; --bound alpha1 only)."),
    probes: int = typer.Option(400, "--probes", help="Probe patterns per N (--bound alphac: "
                                                     "pattern sets per N)."),
    points: int = typer.Option(17, "--points", help="Loads between 0.6 and 1.4 α₁ (alphac: "
                                                    "0.5 and 1.5 α_c)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-modern-threshold"), "--out",
                             help="Output directory."),
) -> None:
    """Exponential-capacity thresholds α₁(λ), α_c(λ) with P = e^{αN} patterns vs theory.

    Measures, for each λ and N, the fraction of probe patterns whose own
    softmax weight exceeds 1/2 (--bound alpha1) or the fraction of pattern
    sets in which every pattern passes (--bound alphac), and the load where
    it crosses 1/2 (Lucibello & Mézard 2024 REM criterion). Writes
    threshold.csv, threshold_summary.csv, threshold.png, phase.png (theory
    lines α₁(λ), α_c(λ) over the measured points) and manifest.json.
    """
    from spinnet._io import write_manifest
    from spinnet.experiments.dense import phase_experiment, threshold_experiment
    from spinnet.theory.dense import lm_alpha1, lm_alphac

    started = time.time()
    lams = parse_floats(lam, "--lam", minimum=0, min_inclusive=False)
    ns = parse_ints(N, "--N", minimum=3)
    if probes < 1:
        fail(f"--probes must be >= 1; got {probes}", "--probes")
    if points < 3:
        fail(f"--points must be >= 3; got {points}", "--points")
    check_seed(seed)
    if len(set(lams)) != len(lams):
        fail(f"--lam values must be distinct; got {lam}", "--lam")
    if bound == Bound.alphac and sampler == Sampler.overlaps:
        fail("--sampler overlaps samples one probe's overlaps; the all-pattern check "
             "(--bound alphac) needs the pattern vectors (--sampler vectors)", "--sampler")
    try:
        a1 = max(lm_alpha1(g, ensemble.value) for g in lams)
        ac = max(lm_alphac(g, ensemble.value) for g in lams)
    except ValueError as exc:
        fail(str(exc), "--lam")
    if bound == Bound.alphac:
        if max(ns) * 1.5 * ac > math.log(30000):
            fail(f"e^(1.5 α_c N) > 30000 patterns at N={max(ns)} (all-pattern check is "
                 f"O(P² N)); use smaller --N", "--N")
    elif sampler == Sampler.vectors:
        if max(ns) * 1.4 * a1 > math.log(2e8):
            fail(f"e^(1.4 α₁ N) patterns is too many at N={max(ns)}; use smaller --N or "
                 "--sampler overlaps", "--N")
    elif max(ns) * max(lams) > 400:
        fail(f"λ N must be <= 400 for the overlap sampler's bins; got "
             f"{max(ns) * max(lams):g}", "--N")
    out = out_dir(out)
    default = len(lams) == 1 and bound == Bound.alpha1 and sampler == Sampler.vectors
    with progress_bar() as bar:
        if default:
            res = threshold_experiment(lams[0], ns, out, ensemble=ensemble.value,
                                       n_probes=probes, n_points=points, seed=seed,
                                       progress=bar)
        else:
            res = phase_experiment(lams, ns, out, ensemble=ensemble.value, bound=bound.value,
                                   sampler=sampler.value, n_probes=probes, n_points=points,
                                   seed=seed, progress=bar)
    summaries = res["summaries"]
    files = [*res["files"], "manifest.json"]
    params = dict(lam=lams[0] if len(lams) == 1 else lams, N=ns, ensemble=ensemble.value,
                  bound=bound.value, sampler=sampler.value, probes=probes, points=points,
                  seed=seed)
    write_manifest(out, "modern threshold", params, started, files, summary=summaries)
    label = "α₁" if bound == Bound.alpha1 else "α_c"
    lam_text = ", ".join(f"{g:g}" for g in lams)
    cols = (("lam", "N", "alpha_cross", "alpha_cross_err", "alpha1_theory", "alpha1_finite_N")
            if bound == Bound.alpha1 else ("lam", "N", "alpha_cross", "alphac_theory",
                                           "alpha1_theory"))
    cols = tuple(k for k in cols if any(k in s for s in summaries))
    table = [{k: s.get(k, math.nan) for k in cols} for s in summaries]
    print_table(f"{label}(λ={lam_text}) for {ensemble.value} patterns", table,
                {"alpha_cross": ".5f", "alpha_cross_err": ".2g", "alpha1_theory": ".5f",
                 "alphac_theory": ".5f", "alpha1_finite_N": ".5f", "lam": ".3g"})
    console.print(f"outputs in {out}/ ({', '.join(files)})")
