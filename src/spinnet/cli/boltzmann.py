"""``spinnet bm ...``, ``spinnet inverse-ising``, ``spinnet rbm ...`` and ``spinnet dbn ...``.

Each command parses its options, calls one function of
:mod:`spinnet.experiments.boltzmann` and prints. PyTorch, Numba and
:mod:`spinnet.boltzmann` are imported only inside the commands.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet._optional import require_torch
from spinnet.cli._common import (
    check_finite,
    check_sgd_options,
    console,
    fail,
    note_kept,
    out_dir,
    parse_ints,
    print_table,
    progress_bar,
    run_experiment,
)

bm_app = typer.Typer(help="Boltzmann machines with hidden units (Ackley, Hinton & Sejnowski "
                          "1985).", no_args_is_help=True)
rbm_app = typer.Typer(help="Restricted Boltzmann machines: train, evaluate (AIS), sample.",
                      no_args_is_help=True)
dbn_app = typer.Typer(help="Deep belief nets and the deep autoencoders unrolled from them "
                           "(Hinton & Salakhutdinov 2006).", no_args_is_help=True)


class EncoderMethod(StrEnum):
    exact = "exact"
    gibbs = "gibbs"


class InverseModel(StrEnum):
    sk = "sk"


class RBMMethod(StrEnum):
    cd = "cd"
    pcd = "pcd"
    pt = "pt"
    pl = "pl"
    rm = "rm"


class TopHidden(StrEnum):
    gaussian = "gaussian"
    bernoulli = "bernoulli"


class AISBase(StrEnum):
    model = "model"
    data = "data"
    uniform = "uniform"


_DATA_HELP = ("digits (scikit-learn 8x8, first 1500 train), mnist (the 60k training set when "
              "present, else t10k: first 8000 train, last 2000 test), or a .npy file of 0/1 "
              "rows.")
_DATA_DIR_HELP = ("Directory with the MNIST IDX files (default: $SPINNET_DATA, the cache of "
                  "`spinnet data fetch mnist`, then the repository's data).")


def _run(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a pipeline; turn its :class:`OptionError` into exit 2 naming the option."""
    return run_experiment(fn, **kwargs)


def _seeds(text: str) -> list[int]:
    return parse_ints(text, "--seed", minimum=0)


def _check_source(source: Path) -> None:
    if not source.is_dir():
        fail(f"model directory {str(source)!r} does not exist", "--from")


def _one_seed(text: str) -> int:
    values = _seeds(text)
    if len(values) != 1:
        fail(f"--seed takes one seed for this command; got {text!r}", "--seed")
    return values[0]


# ------------------------------------------------------------------------------ bm encoder
@bm_app.command("encoder")
def encoder(
    seed: str = typer.Option("0:9:10", "--seed", help="Seeds: one, a comma list or lo:hi:n "
                                                      "(default: 0..9)."),
    epochs: int = typer.Option(200, "--epochs", help="Full-batch updates per restart."),
    method: EncoderMethod = typer.Option(EncoderMethod.exact, "--method",
                                         help="Gradient: exact enumeration or Gibbs "
                                              "sampling."),
    lr: float = typer.Option(0.1, "--lr", help="Learning rate (<= 0.2 is stable)."),
    momentum: float = typer.Option(0.8, "--momentum", help="Momentum in [0, 1)."),
    restarts: int = typer.Option(8, "--restarts", help="Initialisations per seed; the one with "
                                                       "the best training likelihood is kept."),
    n_io: int = typer.Option(4, "--n-io", help="Units per visible group (4 for 4-2-4)."),
    hidden: int = typer.Option(2, "--hidden", help="Hidden units (2 for 4-2-4)."),
    out: Path = typer.Option(Path("spinnet-bm-encoder"), "--out", help="Output directory."),
) -> None:
    """The 4-2-4 encoder of Ackley, Hinton & Sejnowski (1985): success rate over seeds.

    V1 and V2 (4 units each) communicate only through 2 hidden units; success
    means that for every one-hot V1 pattern the most probable V2 pattern
    (hidden units summed out exactly) is the matching one. Writes encoder.csv,
    encoder.png (weights and P(V2 | V1) of the best seed) and manifest.json.
    """
    require_torch("spinnet bm encoder")  # before any output is written
    from spinnet.experiments.boltzmann import bm_encoder

    seeds = _seeds(seed)
    if epochs < 1:
        fail(f"--epochs must be >= 1; got {epochs}", "--epochs")
    check_finite(lr, "--lr", minimum=0, min_inclusive=False)
    check_finite(momentum, "--momentum", minimum=0, maximum=1, max_inclusive=False)
    if restarts < 1:
        fail(f"--restarts must be >= 1; got {restarts}", "--restarts")
    if n_io < 2:
        fail(f"--n-io must be >= 2; got {n_io}", "--n-io")
    if hidden < 1:
        fail(f"--hidden must be >= 1; got {hidden}", "--hidden")
    if 2 * n_io + hidden > 16:
        fail(f"2 n_io + hidden = {2 * n_io + hidden} units is too many for exact "
             "enumeration here (max 16)", "--n-io")
    out = out_dir(out)
    with progress_bar(transient=True) as progress:
        r = _run(bm_encoder, seeds=seeds, epochs=epochs, method=method.value, lr=lr,
                 momentum=momentum, restarts=restarts, n_io=n_io, hidden=hidden, out=out,
                 progress=progress)
    print_table(f"{r['name']} encoder ({method.value} gradient, {epochs} epochs, "
                f"{restarts} restarts)", r["rows"],
                {"log_likelihood": ".4f", "min_p_correct": ".3f", "seconds": ".2f"})
    n_ok = sum(row["success"] for row in r["rows"])
    console.print(f"success rate {r['rate']:.0%} ({n_ok}/{len(r['rows'])}); optimum "
                  f"log-likelihood ln(1/{n_io}) = {r['optimum']:.4f}; outputs in {out}/ "
                  f"({', '.join(r['files'])})")


# ------------------------------------------------------------------------- inverse-ising
def inverse_ising(
    model: InverseModel = typer.Option(InverseModel.sk, "--model",
                                       help="Model the samples are drawn from."),
    N: int = typer.Option(16, "--N", help="Number of spins (2 .. 20, exact sampling)."),
    T: float = typer.Option(1.5, "--T", help="Temperature of the sampled model."),
    samples: str = typer.Option("1000,10000,100000", "--samples",
                                help="Sample sizes: a comma list or lo:hi:n (nested prefixes "
                                     "of one draw)."),
    method: str = typer.Option("nmf,tap,pl", "--method",
                               help="One or a comma list: nmf (naive mean field), tap, pl "
                                    "(pseudo-likelihood), bl (Boltzmann learning)."),
    seed: int = typer.Option(0, "--seed", help="Seed: couplings and samples."),
    out: Path = typer.Option(Path("spinnet-inverse-ising"), "--out",
                             help="Output directory."),
) -> None:
    """Inverse Ising: infer the couplings of an SK model from exact samples.

    Relative error ‖J_est − J_true‖/‖J_true‖ (J_true = J/T) of each method versus
    the number of samples; writes inverse_ising.csv, inverse_ising.png (log-log)
    and manifest.json.
    """
    require_torch("spinnet inverse-ising")  # before any output is written
    from spinnet.experiments.boltzmann import inverse_ising as run_inverse_ising

    if not 2 <= N <= 20:
        fail(f"--N must be in 2..20 (exact enumeration of 2^N states); got {N}", "--N")
    check_finite(T, "--T", minimum=0, min_inclusive=False)
    sizes = parse_ints(samples, "--samples", minimum=2)
    names = [m.strip() for m in method.split(",") if m.strip()]
    if not names:
        fail("--method must not be empty", "--method")
    out = out_dir(out)
    r = _run(run_inverse_ising, model=model.value, N=N, T=T, samples=sizes, methods=names,
             seed=seed, out=out)
    print_table(f"Inverse Ising: {model.value.upper()} N = {N}, T = {T:g}", r["rows"],
                {"error": ".4f", "seconds": ".3f"})
    console.print(f"error = ‖J_est − J_true‖_F / ‖J_true‖_F off the diagonal; outputs in "
                  f"{out}/ ({', '.join(r['files'])})")


# ---------------------------------------------------------------------------------- rbm
@rbm_app.command("train")
def rbm_train(
    data: str = typer.Option("digits", "--data", help=_DATA_HELP),
    hidden: int = typer.Option(500, "--hidden", help="Number of hidden units."),
    method: RBMMethod = typer.Option(RBMMethod.cd, "--method", help="Training rule."),
    k: int = typer.Option(1, "--k", help="Gibbs sweeps per update (cd, pcd, pt)."),
    epochs: int = typer.Option(10, "--epochs", help="Total epochs; re-running with more "
                                                    "resumes from the checkpoint."),
    lr: float = typer.Option(0.01, "--lr", help="Learning rate."),
    batch_size: int = typer.Option(100, "--batch-size", help="Minibatch size."),
    momentum: float = typer.Option(0.5, "--momentum", help="Momentum in [0, 1)."),
    weight_decay: float = typer.Option(0.0, "--weight-decay", help="L2 penalty on W."),
    centering: bool = typer.Option(False, "--centering/--no-centering",
                                   help="Centered gradient (Montavon & Müller 2012)."),
    seed: str = typer.Option("0", "--seed", help="Initial weights and all sampling."),
    monitor: int = typer.Option(None, "--monitor", help="Training vectors used for the "
                                                        "per-epoch metrics (default: all, "
                                                        "capped at ~2.7e8 softplus terms for "
                                                        "the pseudo-likelihood)."),
    matmul_dtype: str = typer.Option(None, "--matmul-dtype", help="bfloat16: mixed-precision "
                                     "matrix products for cd/pcd/pt (fast on CPUs with "
                                     "AVX512-BF16 or AMX)."),
    data_dir: Path = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
    out: Path = typer.Option(Path("spinnet-rbm-train"), "--out",
                             help="Model directory: checkpoint, model, figures."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a checkpoint in --out "
                                                              "made with other settings."),
) -> None:
    """Train a Bernoulli RBM; resumable (per-epoch checkpoint in --out/checkpoint).

    Writes model/ (load it with spinnet.boltzmann.rbm.RBM.load), history.csv,
    history.png (free energy, reconstruction error, pseudo-likelihood vs epoch),
    samples.png, filters.png and manifest.json. Re-running the same command
    resumes; a larger --epochs continues from the checkpoint.
    """
    require_torch("spinnet rbm train")  # before any output is written
    from spinnet.experiments.boltzmann import rbm_train as run_rbm_train

    if hidden < 1:
        fail(f"--hidden must be >= 1; got {hidden}", "--hidden")
    if k < 1:
        fail(f"--k must be >= 1; got {k}", "--k")
    check_sgd_options(epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
                      weight_decay=weight_decay)
    if monitor is not None and monitor < 1:
        fail(f"--monitor must be >= 1; got {monitor}", "--monitor")
    if matmul_dtype is not None and matmul_dtype not in ("float32", "float64", "bfloat16"):
        fail(f"--matmul-dtype must be float32, float64 or bfloat16; got {matmul_dtype!r}",
             "--matmul-dtype")
    s = _one_seed(seed)
    out = out_dir(out)
    with progress_bar() as progress:
        r = _run(run_rbm_train, data=data, data_dir=data_dir, hidden=hidden,
                 method=method.value, k=k, epochs=epochs, lr=lr, batch_size=batch_size,
                 momentum=momentum, weight_decay=weight_decay, centering=centering, seed=s,
                 monitor=monitor, matmul_dtype=matmul_dtype, out=out, overwrite=overwrite,
                 progress=progress, kept=note_kept)
    keys = ("epoch", "free_energy", "reconstruction_error", "pseudo_log_likelihood",
            "log_likelihood", "wall_time")
    print_table(f"RBM {r['n_visible']}-{hidden} on {data} ({r['n_train']} training vectors), "
                f"{method.value}", [{key: row[key] for key in keys} for row in r["rows"][-5:]],
                {"free_energy": ".3f", "reconstruction_error": ".4f",
                 "pseudo_log_likelihood": ".3f", "log_likelihood": ".3f", "wall_time": ".2f"})
    console.print(f"{'resumed; ' if r['resumed'] else ''}{len(r['rows'])} epochs; outputs in "
                  f"{out}/ ({', '.join(r['files'])})")


@rbm_app.command("eval")
def rbm_eval(
    source: Path = typer.Option(..., "--from", help="Directory written by `rbm train` (or a "
                                                    "saved RBM)."),
    ais: bool = typer.Option(True, "--ais/--no-ais", help="Estimate log Z by annealed "
                                                          "importance sampling."),
    runs: int = typer.Option(100, "--runs", help="AIS runs (importance weights)."),
    classify: bool = typer.Option(False, "--classify/--no-classify", help="Also score a "
                                  "logistic regression on the hidden features P(h|v) against "
                                  "raw pixels (mnist and digits, which have labels)."),
    ais_steps: int = typer.Option(None, "--ais-steps", help="AIS annealing steps: the "
                                  "schedule has this many + 1 inverse temperatures from 0 to "
                                  "1 (default 14500, Salakhutdinov & Murray 2008)."),
    seed: str = typer.Option("0", "--seed", help="AIS seed."),
    base: AISBase = typer.Option(AISBase.model, "--base", help="AIS base model: 'model' "
                                 "(visible marginals of the RBM from Gibbs chains; robust), "
                                 "'data' (training-data base rates, Salakhutdinov & Murray) "
                                 "or 'uniform'."),
    data_dir: Path = typer.Option(None, "--data-dir", help="MNIST directory (overrides the "
                                                           "one the model recorded)."),
    out: Path = typer.Option(Path("spinnet-rbm-eval"), "--out", help="Directory for eval.json "
                                                                     "and manifest.json."),
) -> None:
    """Log partition function and log-likelihood (nats) of a trained RBM.

    AIS with its standard error, and the exact log Z by enumeration when the
    smaller layer has at most 20 units, side by side. The data are those the
    model was trained on (source, MNIST split and directory are recorded in it).
    """
    require_torch("spinnet rbm eval")  # before any output is written
    from spinnet.experiments.boltzmann import rbm_eval as run_rbm_eval

    if runs < 2:
        fail(f"--runs must be >= 2; got {runs}", "--runs")
    if ais_steps is not None and ais_steps < 3:
        fail(f"--ais-steps must be >= 3; got {ais_steps}", "--ais-steps")
    s = _one_seed(seed)
    _check_source(source)
    out = out_dir(out)
    with progress_bar(transient=True) as progress:
        r = _run(run_rbm_eval, source=source, ais=ais, runs=runs, ais_steps=ais_steps, seed=s,
                 base=base.value, classify=classify, data_dir=data_dir, out=out,
                 progress=progress)
    m, result = r["rbm"], r["result"]
    if r["rows"]:
        print_table(f"RBM {m['n_visible']}-{m['n_hidden']} ({m['data']}, {m['method']}, "
                    f"{m['epochs']} epochs): log-likelihood in nats per vector", r["rows"],
                    {"log_Z": ".4f", "log_Z_err": ".4f", "train_LL": ".4f", "test_LL": ".4f",
                     "seconds": ".2f"})
    else:
        console.print(f"log-likelihood skipped: --no-ais, and exact log Z needs the smaller "
                      f"layer to have at most 20 units (this RBM: {m['n_visible']}-"
                      f"{m['n_hidden']})")
    if "ais_minus_exact" in result:
        diff = result["ais_minus_exact"]
        z = diff / max(result["ais"]["log_Z_err"], 1e-300)
        console.print(f"AIS − exact = {diff:+.4f} nats ({z:+.1f} standard errors)")
    if r["warn_ais"]:
        console.print("[yellow]warning:[/] the AIS importance weights are dominated by a few "
                      "runs (standard error ~1 nat or more): the estimate is unreliable; "
                      "raise --ais-steps and --runs")
    if "classification" in result:
        acc = result["classification"]
        print_table("logistic regression, test accuracy", [
            {"features": f"hidden P(h|v) ({m['n_hidden']})",
             "accuracy": f"{acc['hidden']:.2%}"},
            {"features": f"raw pixels ({m['n_visible']})",
             "accuracy": f"{acc['visible']:.2%}"}])
    console.print(f"outputs in {out}/ (eval.json, manifest.json)")


@rbm_app.command("sample")
def rbm_sample(
    source: Path = typer.Option(..., "--from", help="Directory written by `rbm train` (or a "
                                                    "saved RBM)."),
    samples: int = typer.Option(16, "--samples", help="Number of samples (independent "
                                                      "chains)."),
    sweeps: int = typer.Option(1000, "--sweeps", help="Block-Gibbs sweeps per chain."),
    seed: str = typer.Option("0", "--seed", help="Sampling seed."),
    out: Path = typer.Option(Path("spinnet-rbm-sample"), "--out", help="Output directory."),
) -> None:
    """Draw samples by block Gibbs sampling from random starts; samples.npy and samples.png."""
    require_torch("spinnet rbm sample")  # before any output is written
    from spinnet.experiments.boltzmann import rbm_sample as run_rbm_sample

    if samples < 1:
        fail(f"--samples must be >= 1; got {samples}", "--samples")
    if sweeps < 1:
        fail(f"--sweeps must be >= 1; got {sweeps}", "--sweeps")
    s = _one_seed(seed)
    _check_source(source)
    out = out_dir(out)
    r = _run(run_rbm_sample, source=source, samples=samples, sweeps=sweeps, seed=s, out=out)
    console.print(f"{samples} samples after {sweeps} Gibbs sweeps (mean activity "
                  f"{r['mean_activity']:.3f}); outputs in {out}/ ({', '.join(r['files'])})")


# ------------------------------------------------------------------------------ dbn train
@dbn_app.command("train")
def dbn_train(
    data: str = typer.Option("digits", "--data", help=_DATA_HELP + " Without a test split, "
                                                                   "the last 20% is held out."),
    layers: str = typer.Option("256,64,30", "--layers", help="Hidden layer sizes, bottom to "
                                                             "top; the last is the code."),
    top: TopHidden = typer.Option(TopHidden.gaussian, "--top", help="Top (code) layer: "
                                  "linear-Gaussian units (Hinton & Salakhutdinov) or "
                                  "Bernoulli."),
    pretrain_epochs: int = typer.Option(20, "--pretrain-epochs", help="CD-1 epochs per RBM."),
    finetune_epochs: int = typer.Option(30, "--finetune-epochs", help="Backprop epochs; "
                                        "re-running with more resumes."),
    lr: float = typer.Option(0.05, "--lr", help="Pretraining learning rate (the Gaussian "
                                                "top layer uses lr/100)."),
    finetune_lr: float = typer.Option(1e-3, "--finetune-lr", help="Adam step size."),
    batch_size: int = typer.Option(100, "--batch-size", help="Minibatch size."),
    seed: str = typer.Option("0", "--seed", help="Initial weights, sampling and batch order."),
    data_dir: Path = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
    out: Path = typer.Option(Path("spinnet-dbn-train"), "--out", help="Output directory."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a pretrained stack or "
                                                              "fine-tuning state in --out made "
                                                              "with other settings."),
) -> None:
    """Pretrain a DBN greedily, unroll it into a deep autoencoder, fine-tune it by
    backprop and compare its test reconstruction error with PCA at the same code size.

    Resumable: greedy pretraining (pretrain/, every layer and epoch), the pretrained
    stack (dbn/) and the fine-tuning state (finetune/, every epoch) are saved in
    --out, and re-running continues bit-identically. Writes
    results.json, finetune.csv, reconstructions.png, samples.png, finetune.png
    and manifest.json.
    """
    require_torch("spinnet dbn train")  # before any output is written
    from spinnet.experiments.boltzmann import dbn_train as run_dbn_train

    hidden = parse_ints(layers, "--layers", minimum=1)
    for name, value in (("--pretrain-epochs", pretrain_epochs),
                        ("--finetune-epochs", finetune_epochs)):
        if value < 0:
            fail(f"{name} must be >= 0; got {value}", name)
    for name, value in (("--lr", lr), ("--finetune-lr", finetune_lr)):
        if not (math.isfinite(value) and value > 0):
            fail(f"{name} must be a positive number; got {value}", name)
    if batch_size < 1:
        fail(f"--batch-size must be >= 1; got {batch_size}", "--batch-size")
    s = _one_seed(seed)
    out = out_dir(out)
    with progress_bar() as progress:
        r = _run(run_dbn_train, data=data, data_dir=data_dir, layers=hidden, top=top.value,
                 pretrain_epochs=pretrain_epochs, finetune_epochs=finetune_epochs, lr=lr,
                 finetune_lr=finetune_lr, batch_size=batch_size, seed=s, out=out,
                 overwrite=overwrite, progress=progress, kept=note_kept)
    result, code = r["result"], r["result"]["code_size"]
    print_table(f"Deep autoencoder {'-'.join(map(str, r['sizes']))} vs PCA({code}) on {data}: "
                "test squared error per image", [{
                    "code": code, "pretrained only": result["test_error_pretrained"],
                    "fine-tuned": result["test_error_finetuned"],
                    "PCA": result["test_error_pca"]}],
                {"pretrained only": ".3f", "fine-tuned": ".3f", "PCA": ".3f"})
    console.print(f"{'resumed; ' if r['resumed'] else ''}outputs in {out}/ "
                  f"({', '.join(r['files'])})")
