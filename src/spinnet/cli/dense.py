"""``spinnet dam ...`` and ``spinnet modern ...``: dense and modern Hopfield memories."""

from __future__ import annotations

import json
import math
import time
from enum import StrEnum
from pathlib import Path

import typer

from spinnet.cli._common import console, fail, out_dir, print_table

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


def _float_list(text: str, option: str, positive: bool = True) -> list[float]:
    try:
        vals = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"{option} must be a comma-separated list of numbers; got {text!r}", option)
    if not vals:
        fail(f"{option} must not be empty", option)
    if positive and not all(math.isfinite(v) and v > 0 for v in vals):
        fail(f"{option} values must be finite and > 0; got {text!r}", option)
    return vals


def _int_list(text: str, option: str, minimum: int = 1) -> list[int]:
    try:
        vals = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"{option} must be a comma-separated list of integers; got {text!r}", option)
    if not vals or any(v < minimum for v in vals):
        fail(f"{option} must be a non-empty list of integers >= {minimum}; got {text!r}", option)
    return vals


# ------------------------------------------------------------------------ dam capacity
@dam_app.command("capacity")
def capacity(
    energy: str = typer.Option("poly:3", "--energy",
                               help="Interaction F: poly:n (x^n), rectified:n (max(x,0)^n) or "
                                    "exp (e^x)."),
    sizes: str = typer.Option("", "--sizes", help="Comma-separated N values (default: a range "
                                                  "suited to --energy)."),
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
    from spinnet._io import write_csv, write_json, write_manifest
    from spinnet.experiments.dense import capacity_scan
    from spinnet.hopfield.dense import parse_interaction
    from spinnet.plotting.dense import capacity_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    try:
        kind, degree = parse_interaction(energy)
    except (ValueError, TypeError) as exc:
        fail(str(exc), "--energy")
    if sizes:
        ns = _int_list(sizes, "--sizes", minimum=4)
    else:
        ns = {"exp": [24, 28, 32, 36], 2: [100, 200, 400, 800], 3: [50, 100, 200],
              4: [32, 48, 64]}.get(kind if kind == "exp" else degree, [20, 30, 40])
    if len(ns) < 2:
        fail("--sizes needs at least two values for a scaling fit", "--sizes")
    if trials < 1:
        fail(f"--trials must be >= 1; got {trials}", "--trials")
    if probes < 1:
        fail(f"--probes must be >= 1; got {probes}", "--probes")
    if not 0 < threshold < 1:
        fail(f"--threshold must be in (0, 1); got {threshold}", "--threshold")
    if noise is None:
        noise = 0.1 if kind == "exp" else 0.0
    if not 0 <= noise < 0.5:
        fail(f"--noise must be in [0, 0.5); got {noise}", "--noise")
    out = out_dir(out)
    params = dict(energy=energy, sizes=ns, trials=trials, probes=probes, threshold=threshold,
                  noise=noise, seed=seed)
    # Resume: sizes finished by an earlier run with the same parameters are kept.
    partial = out / "capacity_partial.json"
    done: dict[int, dict] = {}
    if partial.exists():
        saved = json.loads(partial.read_text())
        if saved.get("parameters") == params:
            done = {int(k): v for k, v in saved["rows"].items()}
            console.print(f"resuming: N = {sorted(done)} already done")

    from rich.progress import Progress

    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("system sizes", total=len(ns), completed=len(done))

        def save(row: dict) -> None:
            done[int(row["N"])] = row
            write_json(partial, {"parameters": params,
                                 "rows": {str(k): v for k, v in done.items()}})
            bar.advance(task)

        try:
            rows, summary = capacity_scan(energy, ns, threshold=threshold, n_trials=trials,
                                          n_probes=probes, noise=noise, rng=seed,
                                          done=done, on_result=save)
        except (ValueError, TypeError) as exc:
            fail(str(exc))
    write_csv(out / "capacity.csv", rows)
    save_figure(capacity_figure(rows, summary), out / "capacity.png")
    files = ["capacity.csv", "capacity.png", "capacity_partial.json", "manifest.json"]
    write_manifest(out, "dam capacity", params, started, files, summary=summary)
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
    mnist_path: Path | None = typer.Option(None, "--mnist-path",
                                           help="Directory with the MNIST IDX files."),
    n_stored: int = typer.Option(10000, "--n-stored", help="Number of stored patterns."),
    queries: int = typer.Option(200, "--queries", help="Half-occluded queries."),
    betas: str = typer.Option("0.001,0.003,0.01,0.03,0.1,0.3,1", "--betas",
                              help="Inverse temperatures of the modern network."),
    dense: str = typer.Option("poly:3,exp", "--dense",
                              help="Dense memories to compare (comma-separated, '' for none)."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-modern-retrieve"), "--out",
                             help="Output directory."),
) -> None:
    """Half-occluded queries: classical Hebbian vs dense vs modern Hopfield, same images.

    Writes retrieval.csv (accuracy = fraction of queries whose final state has
    overlap >= 0.99 with the original), retrieval.png (accuracy vs β),
    examples.png and manifest.json.
    """
    import numpy as np

    from spinnet import datasets
    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.dense import mnist_retrieval
    from spinnet.hopfield.dense import parse_interaction
    from spinnet.plotting.dense import retrieval_figure
    from spinnet.plotting.hopfield import recall_grid, save_figure
    from spinnet.spins import random_patterns

    started = time.time()
    beta_list = _float_list(betas, "--betas")
    dense_list = [d.strip() for d in dense.split(",") if d.strip()]
    for d in dense_list:
        try:
            parse_interaction(d)
        except (ValueError, TypeError) as exc:
            fail(str(exc), "--dense")
    if n_stored < 1:
        fail(f"--n-stored must be >= 1; got {n_stored}", "--n-stored")
    if not 1 <= queries <= n_stored:
        fail(f"--queries must be in 1..{n_stored}; got {queries}", "--queries")
    if data == Data.mnist:
        path = mnist_path or datasets.default_mnist_path()
        if path is None:
            fail("no MNIST directory found; pass --mnist-path DIR with the IDX files",
                 "--mnist-path")
        try:
            images, _ = datasets.load_mnist(path, limit=n_stored)
        except (ValueError, FileNotFoundError) as exc:
            fail(str(exc), "--mnist-path")
        shape = datasets.MNIST_SHAPE
        if images.shape[0] < n_stored:
            fail(f"--n-stored={n_stored} but only {images.shape[0]} images found",
                 "--n-stored")
    else:
        shape = (28, 28)
        images = random_patterns(n_stored, shape[0] * shape[1], rng=seed)
    out = out_dir(out)
    try:
        rows, examples = mnist_retrieval(images, beta_list, n_queries=queries, shape=shape,
                                         dense=dense_list, rng=seed)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    write_csv(out / "retrieval.csv", rows)
    save_figure(retrieval_figure(rows), out / "retrieval.png")
    best = max((r for r in rows if r["model"] == "modern"), key=lambda r: r["accuracy"])
    key = f"modern beta={best['beta']:g}"
    orig = examples["originals"]
    fig = recall_grid(orig, examples["queries"], np.sign(examples[key]) + (examples[key] == 0),
                      shape, title=f"modern Hopfield, β = {best['beta']:g}")
    save_figure(fig, out / "examples.png")
    files = ["retrieval.csv", "retrieval.png", "examples.png", "manifest.json"]
    params = dict(data=data.value, n_stored=n_stored, queries=queries, betas=beta_list,
                  dense=dense_list, seed=seed)
    write_manifest(out, "modern retrieve", params, started, files,
                   summary={"best_modern_beta": best["beta"],
                            "best_modern_accuracy": best["accuracy"],
                            "accuracy": {f"{r['model']}"
                                         + ("" if r["model"] != "modern"
                                            else f" beta={r['beta']:g}"): r["accuracy"]
                                         for r in rows}})
    print_table(f"retrieval from {queries} half-occluded queries, {n_stored} stored "
                f"({data.value})", rows,
                {"beta": ".3g", "accuracy": ".3f", "mean_overlap": ".3f",
                 "nearest_is_original": ".3f"})
    console.print(f"outputs in {out}/ ({', '.join(files)})")


# --------------------------------------------------------------------- modern threshold
@modern_app.command("threshold")
def threshold_cmd(
    lam: float = typer.Option(0.25, "--lam", help="Inverse temperature λ (= β)."),
    sizes: str = typer.Option("20,30,40", "--sizes", help="Comma-separated N values."),
    ensemble: Ensemble = typer.Option(Ensemble.spherical, "--ensemble", help="Pattern law."),
    probes: int = typer.Option(400, "--probes", help="Probe patterns per N."),
    points: int = typer.Option(17, "--points", help="Loads between 0.6 and 1.4 α₁."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-modern-threshold"), "--out",
                             help="Output directory."),
) -> None:
    """Typical-pattern retrieval threshold α₁(λ) with P = e^{αN} patterns vs theory.

    Measures, for each N, the fraction of probe patterns whose own softmax
    weight exceeds 1/2 and the load where it crosses 1/2 (Lucibello & Mézard
    2024 REM criterion). Writes threshold.csv, threshold_summary.csv,
    threshold.png and manifest.json.
    """
    import numpy as np

    from spinnet._io import write_csv, write_manifest
    from spinnet.experiments.dense import lm_simulation
    from spinnet.plotting.dense import lm_figure
    from spinnet.plotting.hopfield import save_figure
    from spinnet.theory.dense import lm_alpha1

    started = time.time()
    ns = _int_list(sizes, "--sizes", minimum=3)
    if not (math.isfinite(lam) and lam > 0):
        fail(f"--lam must be a finite number > 0; got {lam}", "--lam")
    if probes < 1:
        fail(f"--probes must be >= 1; got {probes}", "--probes")
    if points < 3:
        fail(f"--points must be >= 3; got {points}", "--points")
    a1 = lm_alpha1(lam, ensemble.value)
    alphas = np.linspace(0.6, 1.4, points) * a1
    if max(ns) * alphas[-1] > math.log(2e8):
        fail(f"e^(1.4 α₁ N) patterns is too many at N={max(ns)}; use smaller --sizes",
             "--sizes")
    out = out_dir(out)
    rows, summaries = [], []
    try:
        for k, n in enumerate(ns):
            r, s = lm_simulation(n, lam, alphas, ensemble=ensemble.value, n_probes=probes,
                                 rng=seed + k)
            rows += r
            summaries.append(s)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    write_csv(out / "threshold.csv", rows)
    write_csv(out / "threshold_summary.csv", summaries)
    save_figure(lm_figure(rows, summaries), out / "threshold.png")
    files = ["threshold.csv", "threshold_summary.csv", "threshold.png", "manifest.json"]
    params = dict(lam=lam, sizes=ns, ensemble=ensemble.value, probes=probes, points=points,
                  seed=seed)
    write_manifest(out, "modern threshold", params, started, files, summary=summaries)
    print_table(f"α₁(λ={lam:g}) for {ensemble.value} patterns", summaries,
                {"alpha_cross": ".4f", "alpha1_theory": ".4f", "alpha1_finite_N": ".4f",
                 "lam": ".3g"})
    console.print(f"outputs in {out}/ ({', '.join(files)})")
