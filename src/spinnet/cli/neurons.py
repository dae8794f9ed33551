"""``spinnet neurons gates``, ``spinnet perceptron capacity|binary|teacher``, ``spinnet mlp train``.

Each command parses its options, calls one function of
:mod:`spinnet.experiments.neurons` and prints the result.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet.cli._common import (
    check_finite,
    check_seed,
    check_sgd_options,
    console,
    fail,
    out_dir,
    parse_floats,
    parse_ints,
    print_table,
    progress_bar,
    run_experiment,
)

neurons_app = typer.Typer(help="Formal neurons: McCulloch–Pitts threshold units and logic "
                               "gates.", no_args_is_help=True)
perceptron_app = typer.Typer(help="Rosenblatt's perceptron and the Cover–Gardner capacity "
                                  "α_c = 2.", no_args_is_help=True)
mlp_app = typer.Typer(help="Multilayer perceptrons: backpropagation from scratch (NumPy) and "
                           "Hinton's forward-forward (PyTorch).", no_args_is_help=True)


def _run(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an experiment; its OptionError/ValueError become exit 2 naming the option."""
    return run_experiment(func, *args, also=(ValueError, TypeError, FloatingPointError),
                          **kwargs)


# ---------------------------------------------------------------------------- gates
@neurons_app.command("gates")
def gates(
    epochs: int = typer.Option(100, "--epochs", help="Upper budget of epochs for the "
                                                     "perceptron rule (it stops at the first "
                                                     "epoch without a mistake; XOR never "
                                                     "does)."),
    grid_max: float = typer.Option(3.0, "--grid-max", help="Weights and threshold searched "
                                                           "on [-grid-max, grid-max]."),
    grid_points: int = typer.Option(25, "--grid-points", help="Grid values per parameter "
                                                              "(odd keeps 0 on the grid)."),
    out: Path = typer.Option(Path("spinnet-neurons-gates"), "--out", help="Output directory."),
) -> None:
    """McCulloch–Pitts units: AND, OR, NAND, NOR, NOT analytically and by the perceptron rule;
    XOR shown impossible for one unit (exhaustive weight grid, perceptron non-convergence)
    and solved by two layers.

    Writes truth_tables.csv (every input row: target, analytic, learned, two-layer output),
    gates.csv (one row per gate), gates.png and manifest.json.
    """
    from spinnet.experiments.neurons import gates_experiment

    if epochs < 1:
        fail(f"--epochs must be >= 1; got {epochs}", "--epochs")
    check_finite(grid_max, "--grid-max", minimum=0, min_inclusive=False)
    if not 2 <= grid_points <= 201:
        fail(f"--grid-points must be in 2..201; got {grid_points}", "--grid-points")
    out = out_dir(out)
    res = _run(gates_experiment, out, epochs=epochs, grid_max=grid_max,
               grid_points=grid_points)
    summary, xor, files = res["summary"], res["xor"], res["files"]
    print_table("Logic gates with McCulloch–Pitts units", [{
        "gate": s["gate"],
        "analytic w; θ": (f"{s['analytic_w']}; {s['analytic_theta']}" if s["analytic_w"]
                          else "none"),
        "analytic ok": str(s["analytic_ok"]), "perceptron ok": str(s["perceptron_ok"]),
        "converged": str(s["perceptron_converged"]), "epochs": s["perceptron_epochs"],
        "grid solutions": f"{s['grid_solutions']}/{s['grid_candidates']}",
        "best rows": s["grid_best_rows"], "two layers ok": str(s["two_layer_ok"])}
        for s in summary])
    console.print(f"XOR: {xor['grid_solutions']} of {xor['grid_candidates']} single units on "
                  f"the grid solve it (best {xor['grid_best_rows']} rows); perceptron "
                  f"converged: {xor['perceptron_converged']} after {epochs} epochs; "
                  f"two layers (AND of OR, NAND) solve it: {xor['two_layer_ok']}. "
                  f"Outputs in {out}/ ({', '.join(files)})")


# ------------------------------------------------------------------------- capacity
class PatternKind(StrEnum):
    gaussian = "gaussian"
    spins = "spins"


@perceptron_app.command("capacity")
def capacity(
    N: str = typer.Option("25,50,100,200", "--N", help="Dimensions N: a comma list or lo:hi:n "
                                                       "(n points)."),
    alpha: str = typer.Option(None, "--alpha", help="Loads α = p/N: a comma list or "
                                                    "lo:hi:n (n points from lo to hi, both "
                                                    "included); default 1:3:21. Not used "
                                                    "with --kappa."),
    samples: int = typer.Option(100, "--samples", help="Random dichotomies per (N, α)."),
    kind: PatternKind = typer.Option(PatternKind.gaussian, "--kind",
                                     help="Pattern entries: gaussian (general position, "
                                          "Cover exact) or spins (±1)."),
    perceptron_epochs: int = typer.Option(200, "--perceptron-epochs",
                                          help="Upper budget of epochs of the perceptron rule "
                                               "run on each sample (0: skip it)."),
    seed: int = typer.Option(0, "--seed", help="Root seed (each grid point has its own "
                                               "stream)."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace grid points kept in --out by a run with "
                                        "other --samples/--kind/--perceptron-epochs/--seed."),
    out: Path = typer.Option(Path("spinnet-perceptron-capacity"), "--out",
                             help="Output directory."),
    kappa: str = typer.Option(None, "--kappa", help="Stabilities κ ≥ 0 (comma list or "
                                                    "lo:hi:n): measure the maximal-stability "
                                                    "capacity ⟨p_c(κ)⟩/N per N against "
                                                    "Gardner's α_c(κ) instead of the α curve "
                                                    "(--samples per N; --alpha and "
                                                    "--perceptron-epochs are not used)."),
) -> None:
    """Fraction of random dichotomies of p = αN patterns a perceptron can learn, vs α.

    With --kappa: for each sample, the critical number of patterns p_c(κ) of a random
    pattern sequence (largest p storable at stability κ; LP at κ = 0, maximal-stability
    AdaTron with a certified bound at κ > 0), ⟨p_c⟩/N per N, its N → ∞ extrapolation in
    1/N, and Gardner's α_c(κ). Writes kappa_capacity.csv, kappa_extrapolation.csv,
    kappa_capacity.png, checkpoint.json, manifest.json.

    Learnability is decided exactly by linear programming (this decides the curve);
    the perceptron rule with an epoch budget is run alongside and its convergence rate
    reported (a lower bound). Cover's (1965) exact probability is the oracle. Resumable:
    finished grid points are kept in checkpoint.json and reused when the command is
    re-run (also on a changed --N/--alpha grid). Writes capacity.csv,
    capacity_summary.csv, capacity.png and manifest.json.
    """
    from spinnet.experiments.neurons import perceptron_capacity

    ns = parse_ints(N, "--N", minimum=1, maximum=2000)
    if kappa is not None:
        if alpha is not None:
            fail("--alpha is not used with --kappa (the capacity is measured as the "
                 "critical number of patterns of each sample); drop one of them", "--alpha")
        _kappa_capacity(ns, kappa, samples, kind, seed, overwrite, out)
        return
    al = parse_floats("1:3:21" if alpha is None else alpha, "--alpha", minimum=0,
                      min_inclusive=False)
    if samples < 1:
        fail(f"--samples must be >= 1; got {samples}", "--samples")
    if perceptron_epochs < 0:
        fail(f"--perceptron-epochs must be >= 0; got {perceptron_epochs}",
             "--perceptron-epochs")
    seed = check_seed(seed)
    out = out_dir(out)
    with progress_bar(kept=lambda stage, done, total:
                      f"{done} of {total} grid points in {out / 'checkpoint.json'}") as progress:
        res = _run(perceptron_capacity, out, ns=ns, alphas=al, samples=samples,
                   kind=kind.value, perceptron_epochs=perceptron_epochs, seed=seed,
                   overwrite=overwrite, progress=progress)
    summary = res["summary"]
    if res["resumed"]:
        console.print(f"reused {res['resumed']} of {res['points']} grid points from "
                      f"{res['checkpoint']}")
    print_table("50% learnability point and 10–90% width: measured vs Cover's formula",
                summary, {k: ".3f" for k in summary[0] if k != "N"})
    if len(al) < 2:
        console.print("nan: the 50% point and the width are interpolated between loads; give "
                      "--alpha at least two values (e.g. --alpha 1:3:21)")
    console.print(f"{res['points']} grid points ({len(ns)} N × {len(al)} α); curve decided "
                  f"by linear programming; the perceptron rule "
                  f"({perceptron_epochs or 'not run'} epochs budget) gives a lower bound. "
                  f"Outputs in {out}/ ({', '.join(res['files'])})")


def _kappa_capacity(ns: list[int], kappa: str, samples: int, kind: PatternKind, seed: int,
                    overwrite: bool, out: Path) -> None:
    """``perceptron capacity --kappa``: maximal-stability capacity vs Gardner."""
    from spinnet.experiments.perceptron_theory import kappa_capacity

    ks = list(dict.fromkeys(parse_floats(kappa, "--kappa", minimum=0, maximum=10)))
    if min(ns) < 2:
        fail(f"--N must be >= 2 with --kappa; got {min(ns)}", "--N")
    if samples < 2:
        fail(f"--samples must be >= 2 with --kappa (error bars); got {samples}", "--samples")
    seed = check_seed(seed)
    out = out_dir(out)
    with progress_bar(kept=lambda stage, done, total:
                      f"{done} of {total} samples in {out / 'checkpoint.json'}") as progress:
        res = _run(kappa_capacity, out, ns=ns, kappas=ks, samples=samples, kind=kind.value,
                   seed=seed, overwrite=overwrite, progress=progress)
    if res["resumed"]:
        console.print(f"reused {res['resumed']} samples from {out / 'checkpoint.json'}")
    print_table("Capacity ⟨p_c(κ)⟩/N of the maximal-stability perceptron",
                [{"N": r["N"], "κ": r["kappa"], "α_c(N)": r["alpha_c"],
                  "± err": r["alpha_c_err"], "Gardner": r["gardner"]} for r in res["rows"]],
                {"κ": "g", "α_c(N)": ".4f", "± err": ".4f", "Gardner": ".4f"})
    if len(ns) >= 2:
        print_table("N → ∞: weighted fit α_c(N) = α_∞ + b/N (and in 1/√N for comparison)",
                    [{"κ": e["kappa"], "Gardner": e["gardner"], "α_∞ (1/N)": e["fit_1/N"],
                      "± err": e["fit_1/N_err"], "χ²/dof": e["chi2_dof_1/N"],
                      "deviation": f"{100 * e['rel_dev_1/N']:+.2f}%",
                      "α_∞ (1/√N)": e["fit_1/sqrtN"], "χ²/dof (1/√N)": e["chi2_dof_1/sqrtN"]}
                     for e in res["extrapolation"]],
                    {k: ".4f" for k in ("Gardner", "α_∞ (1/N)", "± err", "α_∞ (1/√N)")}
                    | {"κ": "g", "χ²/dof": ".2f", "χ²/dof (1/√N)": ".2f"})
    else:
        console.print("one N: no N → ∞ extrapolation (give --N at least two sizes)")
    if res["undecided"]:
        console.print(f"{res['undecided']} maximal-stability decisions hit the sweep budget "
                      "and were taken from the bracket midpoint")
    console.print(f"Outputs in {out}/ ({', '.join(res['files'])})")


# --------------------------------------------------------------------------- binary
@perceptron_app.command("binary")
def binary(
    N: str = typer.Option("9,11,13,15,17", "--N", help="Odd sizes N ≤ 27 (comma list or "
                                                       "lo:hi:n); every one of the 2^N "
                                                       "binary weight vectors is enumerated."),
    samples: int = typer.Option(200, "--samples", help="Random pattern sequences per N."),
    seed: int = typer.Option(0, "--seed", help="Root seed (each N has its own stream)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace sizes kept in --out "
                                                              "by a run with other "
                                                              "--samples/--seed."),
    out: Path = typer.Option(Path("spinnet-perceptron-binary"), "--out",
                             help="Output directory."),
) -> None:
    """Binary (Ising) perceptron: exact-enumeration capacity vs Krauth–Mézard α_c ≈ 0.833.

    For each sample the critical number of patterns p_c (largest p such that some
    w ∈ {−1,+1}^N stores the first p random patterns) is found by enumerating all 2^N
    weights (bit-parallel Numba); ⟨p_c⟩/N is extrapolated in 1/N and compared with the
    zero of the replica-symmetric entropy. Writes binary_capacity.csv,
    binary_entropy.csv, binary_capacity.png, checkpoint.json, manifest.json.
    """
    from spinnet.experiments.perceptron_theory import binary_capacity

    ns = list(dict.fromkeys(parse_ints(N, "--N", minimum=3, maximum=27)))
    even = [n for n in ns if n % 2 == 0]
    if even:
        fail(f"--N must be odd (no zero fields); got {even[0]}", "--N")
    if samples < 2:
        fail(f"--samples must be >= 2 (error bars); got {samples}", "--samples")
    seed = check_seed(seed)
    out = out_dir(out)
    with progress_bar(kept=lambda stage, done, total:
                      f"{done} of {total} sizes in {out / 'checkpoint.json'}") as progress:
        res = _run(binary_capacity, out, ns=ns, samples=samples, seed=seed,
                   overwrite=overwrite, progress=progress)
    if res["resumed"]:
        console.print(f"reused {res['resumed']} sizes from {out / 'checkpoint.json'}")
    print_table("Binary perceptron: ⟨p_c⟩/N by exact enumeration",
                [{"N": r["N"], "samples": r["samples"], "α_c(N)": r["alpha_c"],
                  "± err": r["alpha_c_err"]} for r in res["rows"]],
                {"α_c(N)": ".4f", "± err": ".4f"})
    e = res["extrapolation"]
    if math.isfinite(e["value"]):
        console.print(f"N → ∞ (fit in 1/N): α_c = {e['value']:.4f} ± {e['error']:.4f} "
                      f"(χ²/dof {e['chi2_dof']:.2f}); fit in 1/√N: {e['fit_sqrt_value']:.4f}; "
                      f"Krauth–Mézard (RS entropy = 0): {e['theory']:.5f}; deviation "
                      f"{e['deviation']:+.4f}")
    else:
        console.print(f"Krauth–Mézard: {e['theory']:.5f} (give --N at least two sizes for "
                      "the extrapolation)")
    console.print(f"Outputs in {out}/ ({', '.join(res['files'])})")


# -------------------------------------------------------------------------- teacher
class Teacher(StrEnum):
    spherical = "spherical"
    binary = "binary"


@perceptron_app.command("teacher")
def teacher(
    learning: str = typer.Option("hebb,gibbs,amp,bayes", "--learning",
                                 help="Comma list of hebb (simulated), gibbs (RS theory), "
                                      "amp (GAMP simulated + state evolution), bayes "
                                      "(Bayes-optimal theory)."),
    alpha: str = typer.Option("0.5,1,2,3,5", "--alpha", help="Examples per weight α = p/N "
                                                             "(comma list or lo:hi:n)."),
    teacher: Teacher = typer.Option(Teacher.spherical, "--teacher",
                                    help="Teacher weights: spherical (Gaussian) or binary "
                                         "(±1; first-order transition to perfect "
                                         "generalisation)."),
    N: int = typer.Option(2000, "--N", help="Weights of the simulated perceptrons."),
    samples: int = typer.Option(20, "--samples", help="Teachers (data sets) per α."),
    iterations: int = typer.Option(30, "--iterations", help="AMP iterations (also the "
                                                            "state-evolution steps compared)."),
    seed: int = typer.Option(0, "--seed", help="Root seed (each α and sample has its own "
                                               "stream)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace samples kept in --out "
                                                              "by a run with other settings."),
    out: Path = typer.Option(Path("spinnet-perceptron-teacher"), "--out",
                             help="Output directory."),
) -> None:
    """Generalisation error ε(α) of a student perceptron learning a teacher.

    Theory lines for Hebb (closed form), Gibbs (replica symmetric), the Bayes-optimal
    estimator and the AMP state evolution; simulation points for Hebb and AMP (ε =
    arccos(R)/π of the learned weights). Writes teacher.csv, teacher.png,
    checkpoint.json and manifest.json.
    """
    from spinnet.experiments.perceptron_theory import LEARNINGS, teacher_student

    names = [t.strip() for t in learning.split(",")]
    bad = [t for t in names if t not in LEARNINGS]
    if not learning.strip() or bad:
        fail(f"--learning must be a comma list of {', '.join(LEARNINGS)}; got "
             f"{learning!r}", "--learning")
    al = parse_floats(alpha, "--alpha", minimum=0, min_inclusive=False, maximum=1000)
    if not 1 <= N <= 100_000:
        fail(f"--N must be in 1..100000; got {N}", "--N")
    if samples < 2:
        fail(f"--samples must be >= 2 (error bars); got {samples}", "--samples")
    if not 1 <= iterations <= 10_000:
        fail(f"--iterations must be in 1..10000; got {iterations}", "--iterations")
    if max(al) * N > 5e7:
        fail(f"--alpha × --N = {max(al) * N:.3g} examples: too large (at most 5e7)", "--alpha")
    seed = check_seed(seed)
    out = out_dir(out)
    with progress_bar(kept=lambda stage, done, total:
                      f"{done} of {total} samples in {out / 'checkpoint.json'}") as progress:
        res = _run(teacher_student, out, alphas=al, learnings=names, prior=teacher.value,
                   n=N, samples=samples, n_iter=iterations, seed=seed, overwrite=overwrite,
                   progress=progress)
    if res["resumed"]:
        console.print(f"reused {res['resumed']} samples from {out / 'checkpoint.json'}")
    print_table(f"Generalisation error, {teacher.value} teacher",
                [{"learning": r["learning"], "α": r["alpha"], "theory": r["theory"],
                  **({"simulated": f"{r['simulated']:.4f}", "± err": f"{r['simulated_err']:.4f}",
                      "z": f"{r['z']:+.2f}"} if math.isfinite(r["simulated"]) else
                     {"simulated": "theory only", "± err": "", "z": ""})}
                 for r in res["rows"]],
                {"α": "g", "theory": ".4f"})
    if res["thresholds"]:
        t = res["thresholds"]
        console.print(f"binary teacher: perfect generalisation (Gibbs, Bayes) above α_IT = "
                      f"{t['alpha_it']:.4f}; AMP's poor branch ends at α_alg = "
                      f"{t['alpha_alg']:.4f}")
    console.print("amp theory = state evolution after --iterations steps; gibbs and bayes "
                  f"are theory only. Outputs in {out}/ ({', '.join(res['files'])})")


# -------------------------------------------------------------------------- mlp train
class Method(StrEnum):
    backprop = "backprop"
    forward_forward = "forward-forward"


class Data(StrEnum):
    digits = "digits"
    mnist = "mnist"


class Negatives(StrEnum):
    random = "random"
    hard = "hard"


@mlp_app.command("train")
def mlp_train(
    method: Method = typer.Option(Method.backprop, "--method",
                                  help="backprop (NumPy, SGD + momentum) or forward-forward "
                                       "(PyTorch, Adam)."),
    data: Data = typer.Option(Data.digits, "--data", help="digits (sklearn, 1347/450 "
                                                          "stratified split) or mnist (60k "
                                                          "train / t10k test when the "
                                                          "training files are present, else "
                                                          "t10k split 8000/2000)."),
    data_dir: Path = typer.Option(None, "--data-dir", help="Directory with the MNIST IDX "
                                                           "files (default: $SPINNET_DATA, "
                                                           "then the user cache; see "
                                                           "`spinnet data where`)."),
    hidden: str = typer.Option(None, "--hidden", help="Hidden widths, a comma list "
                                                      "(default: 128 for backprop on digits, "
                                                      "500,500 otherwise)."),
    epochs: int = typer.Option(None, "--epochs", help="Epochs (default: backprop 60 on "
                                                      "digits, 20 on mnist; forward-forward "
                                                      "30)."),
    lr: float = typer.Option(None, "--lr", help="Learning rate (default: SGD 0.05, Adam "
                                                "1e-3)."),
    batch_size: int = typer.Option(None, "--batch-size", help="Minibatch size (default: "
                                                              "backprop 32, forward-forward "
                                                              "100)."),
    momentum: float = typer.Option(0.9, "--momentum", help="SGD momentum (backprop)."),
    weight_decay: float = typer.Option(None, "--weight-decay", help="L2 penalty (default: "
                                                                   "1e-3 for backprop on "
                                                                   "digits, 0 otherwise)."),
    threshold: float = typer.Option(2.0, "--threshold", help="Goodness threshold θ "
                                                             "(forward-forward)."),
    negatives: Negatives = typer.Option(Negatives.random, "--negatives",
                                        help="Wrong labels of negative data "
                                             "(forward-forward)."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline",
                                  help="With forward-forward, also train a backprop MLP of "
                                       "the same size with the same optimiser and epochs."),
    seed: str = typer.Option("0", "--seed", help="Weights and minibatch order: one seed, or "
                                                 "a comma list / lo:hi:n for one run per "
                                                 "seed (in --out/seed-<s>/) and a summary."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Discard checkpoints of an "
                                                              "earlier run in --out instead "
                                                              "of resuming it."),
    out: Path = typer.Option(Path("spinnet-mlp-train"), "--out", help="Output directory."),
) -> None:
    """Train a classifier by backpropagation or forward-forward; accuracy vs epoch.

    Writes history.csv (one row per method and epoch, rewritten after every
    epoch), history.png and manifest.json (final test accuracies, the data
    split and directory). Resumable: the full training state is checkpointed
    in --out after every epoch (mlp_checkpoint/, or ff_checkpoint/ and
    baseline_checkpoint/); re-running the same command resumes where it
    stopped, with a result identical to an uninterrupted run, and a larger
    --epochs continues a finished run. A checkpoint from other settings or data
    is an error naming --overwrite.
    """
    from spinnet.experiments.neurons import mlp_defaults
    from spinnet.experiments.neurons import mlp_train as run_mlp_train

    ff = method is Method.forward_forward
    hid = None
    if hidden is not None:
        hid = tuple(parse_ints(hidden, "--hidden", minimum=1))
    if lr is not None:
        check_finite(lr, "--lr", minimum=0, min_inclusive=False)
    if weight_decay is not None:
        check_finite(weight_decay, "--weight-decay", minimum=0)
    check_finite(momentum, "--momentum", minimum=0, maximum=1, max_inclusive=False)
    d = mlp_defaults(method.value, data.value, hidden=hid, epochs=epochs, lr=lr,
                     batch_size=batch_size, weight_decay=weight_decay)
    check_sgd_options(epochs=d["epochs"], lr=d["lr"], batch_size=d["batch_size"],
                      momentum=momentum, weight_decay=d["weight_decay"])
    check_finite(threshold, "--threshold", minimum=0, min_inclusive=False)
    seeds = list(dict.fromkeys(parse_ints(seed, "--seed", minimum=0)))
    mnist = None
    if data is Data.mnist:
        from spinnet.cli._common import load_mnist_cli

        mnist = load_mnist_cli(data_dir)
    out = out_dir(out)
    with progress_bar(kept=lambda stage, done, total:
                      f"{stage}: {done} of {total} epochs checkpointed in {out}/") as progress:
        res = _run(run_mlp_train, out, method=method.value, data=data.value, mnist=mnist,
                   data_dir=data_dir, hidden=hid, epochs=epochs, lr=lr,
                   batch_size=batch_size, momentum=momentum, weight_decay=weight_decay,
                   threshold=threshold, negatives=negatives.value,
                   baseline=baseline if ff else False,
                   seed=seeds[0] if len(seeds) == 1 else seeds, overwrite=overwrite,
                   progress=progress)
    for name, done in res["resumed"].items():
        console.print(f"{name}: resumed from the checkpoint in {out}/ after epoch {done} of "
                      f"{d['epochs']}")
    split = res["split"]

    def pct(x: float) -> str:
        return f"{100 * x:.2f}%" if math.isfinite(x) else "n/a"

    rows = res["per_seed"] if len(seeds) > 1 else res["final"]
    final = [{**({"seed": r["seed"]} if len(seeds) > 1 else {}),
              "method": r["algorithm"], "epochs": r["epochs"],
              "train accuracy": pct(r["train_accuracy"]),
              "test accuracy": pct(r["test_accuracy"]),
              "seconds": r["seconds"]} for r in rows]
    print_table(f"{res['architecture']} on {data.value} ({split.split}): final accuracies",
                final, {"seconds": ".1f"})
    if len(seeds) > 1:
        for r in res["final"]:
            console.print(f"{r['algorithm']}: test accuracy {pct(r['test_accuracy_mean'])} ± "
                          f"{pct(r['test_accuracy_std'])} (std over {r['seeds']} seeds; range "
                          f"{pct(r['test_accuracy_min'])}–{pct(r['test_accuracy_max'])})")
    where = f" from {split.directory}" if split.directory is not None else ""
    console.print(f"data: {data.value}{where}, {len(split.y_train)} train / "
                  f"{len(split.y_test)} test; outputs in {out}/ ({', '.join(res['files'])})")
