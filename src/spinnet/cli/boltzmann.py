"""``spinnet bm ...``, ``spinnet inverse-ising`` and ``spinnet rbm ...``: Boltzmann machines."""

from __future__ import annotations

import math
import time
from enum import StrEnum
from pathlib import Path

import numpy as np
import typer

from spinnet.cli._common import check_sgd_options, console, fail, out_dir, print_table

bm_app = typer.Typer(help="Boltzmann machines with hidden units (Ackley, Hinton & Sejnowski "
                          "1985).", no_args_is_help=True)
rbm_app = typer.Typer(help="Restricted Boltzmann machines: train, evaluate (AIS), sample.",
                      no_args_is_help=True)


class EncoderMethod(StrEnum):
    exact = "exact"
    gibbs = "gibbs"


class InverseModel(StrEnum):
    sk = "sk"


#: Short names accepted by ``--methods`` (the library's full names work too).
_INVERSE_ALIASES = {"nmf": "naive_mean_field", "tap": "tap", "pl": "pseudo_likelihood",
                    "bl": "boltzmann_learning"}


# ------------------------------------------------------------------------------ bm encoder
@bm_app.command("encoder")
def encoder(
    seeds: int = typer.Option(10, "--seeds", help="Number of independent seeds (0 .. n-1, "
                                                  "shifted by --seed)."),
    seed: int = typer.Option(0, "--seed", help="First seed."),
    epochs: int = typer.Option(200, "--epochs", help="Full-batch updates per restart."),
    method: EncoderMethod = typer.Option(EncoderMethod.exact, "--method",
                                         help="Gradient: exact enumeration or Gibbs "
                                              "sampling."),
    lr: float = typer.Option(0.1, "--lr", help="Learning rate (<= 0.2 is stable)."),
    momentum: float = typer.Option(0.8, "--momentum", help="Momentum in [0, 1)."),
    restarts: int = typer.Option(8, "--restarts", help="Initialisations per seed; the one with "
                                                       "the best training likelihood is kept."),
    n_io: int = typer.Option(4, "--n-io", help="Units per visible group (4 for 4-2-4)."),
    n_hidden: int = typer.Option(2, "--n-hidden", help="Hidden units (2 for 4-2-4)."),
    out: Path = typer.Option(Path("spinnet-encoder"), "--out", help="Output directory."),
) -> None:
    """The 4-2-4 encoder of Ackley, Hinton & Sejnowski (1985): success rate over seeds.

    V1 and V2 (4 units each) communicate only through 2 hidden units; success
    means that for every one-hot V1 pattern the most probable V2 pattern
    (hidden units summed out exactly) is the matching one. Writes encoder.csv,
    encoder.png (weights and P(V2 | V1) of the best seed) and manifest.json.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.boltzmann.machine import encoder_424
    from spinnet.plotting.boltzmann import encoder_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    if seeds < 1:
        fail(f"--seeds must be >= 1; got {seeds}", "--seeds")
    if epochs < 1:
        fail(f"--epochs must be >= 1; got {epochs}", "--epochs")
    if not (math.isfinite(lr) and lr > 0):
        fail(f"--lr must be a positive number; got {lr}", "--lr")
    if not 0 <= momentum < 1:
        fail(f"--momentum must be in [0, 1); got {momentum}", "--momentum")
    if restarts < 1:
        fail(f"--restarts must be >= 1; got {restarts}", "--restarts")
    if n_io < 2:
        fail(f"--n-io must be >= 2; got {n_io}", "--n-io")
    if n_hidden < 1:
        fail(f"--n-hidden must be >= 1; got {n_hidden}", "--n-hidden")
    if 2 * n_io + n_hidden > 16:
        fail(f"2 n_io + n_hidden = {2 * n_io + n_hidden} units is too many for exact "
             "enumeration here (max 16)", "--n-io")
    out = out_dir(out)
    rows, results = [], []
    try:
        for s in range(seed, seed + seeds):
            t0 = time.perf_counter()
            r = encoder_424(s, epochs, method.value, learning_rate=lr, momentum=momentum,
                            n_restarts=restarts, n_io=n_io, n_hidden=n_hidden)
            results.append(r)
            rows.append({"seed": s, "success": r.success, "n_correct": r.n_correct,
                         "log_likelihood": r.log_likelihood,
                         "min_p_correct": float(r.p_correct.min()),
                         "seconds": time.perf_counter() - t0})
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    optimum = math.log(1.0 / n_io)
    rate = sum(r["success"] for r in rows) / len(rows)
    best = max(range(len(results)), key=lambda i: results[i].log_likelihood)
    bm = results[best].machine
    eye = np.where(np.eye(n_io, dtype=bool), 1, -1).astype(np.int8)
    cond = np.zeros((n_io, n_io))
    for i in range(n_io):
        states, probs = bm.conditional_distribution(np.arange(n_io), eye[i])
        for j in range(n_io):
            cond[i, j] = probs[np.all(states == eye[j], axis=1)][0]
    name = f"{n_io}-{n_hidden}-{n_io}"
    write_csv(out / "encoder.csv", rows)
    fig = encoder_figure(bm.weights, bm.connectivity, cond, n_io,
                         title=f"{name} encoder, seed {rows[best]['seed']}: "
                               f"log-likelihood {rows[best]['log_likelihood']:.3f} "
                               f"(optimum ln(1/{n_io}) = {optimum:.3f})")
    save_figure(fig, out / "encoder.png")
    files = ["encoder.csv", "encoder.png", "manifest.json"]
    params = dict(seeds=seeds, seed=seed, epochs=epochs, method=method.value, lr=lr,
                  momentum=momentum, restarts=restarts, n_io=n_io, n_hidden=n_hidden)
    write_manifest(out, "bm encoder", params, started, files,
                   summary={"success_rate": rate, "optimum_log_likelihood": optimum,
                            "best_seed": rows[best]["seed"],
                            "mean_log_likelihood": float(np.mean([r["log_likelihood"]
                                                                  for r in rows]))})
    print_table(f"{name} encoder ({method.value} gradient, {epochs} epochs, "
                f"{restarts} restarts)", rows,
                {"log_likelihood": ".4f", "min_p_correct": ".3f", "seconds": ".2f"})
    console.print(f"success rate {rate:.0%} ({sum(r['success'] for r in rows)}/{len(rows)}); "
                  f"optimum log-likelihood ln(1/{n_io}) = {optimum:.4f}; outputs in {out}/ "
                  f"({', '.join(files)})")


# ------------------------------------------------------------------------- inverse-ising
def _int_list(text: str, option: str) -> list[int]:
    try:
        vals = [int(float(v)) for v in text.split(",") if v.strip()]
    except ValueError:
        fail(f"{option} must be a comma-separated list of integers; got {text!r}", option)
    if not vals:
        fail(f"{option} must not be empty", option)
    return vals


def inverse_ising(
    model: InverseModel = typer.Option(InverseModel.sk, "--model",
                                       help="Model the samples are drawn from."),
    N: int = typer.Option(16, "--N", help="Number of spins (2 .. 20, exact sampling)."),
    T: float = typer.Option(1.5, "--T", help="Temperature of the sampled model."),
    samples: str = typer.Option("1000,10000,100000", "--samples",
                                help="Comma-separated sample sizes (nested prefixes of one "
                                     "draw)."),
    methods: str = typer.Option("nmf,tap,pl", "--methods",
                                help="Comma-separated: nmf (naive mean field), tap, pl "
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
    from spinnet._io import write_csv, write_manifest
    from spinnet.boltzmann.inverse_ising import METHODS, reconstruction_vs_samples
    from spinnet.plotting.boltzmann import inverse_ising_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    if not 2 <= N <= 20:
        fail(f"--N must be in 2..20 (exact enumeration of 2^N states); got {N}", "--N")
    if not (math.isfinite(T) and T > 0):
        fail(f"--T must be a positive temperature; got {T}", "--T")
    sizes = _int_list(samples, "--samples")
    if min(sizes) < 2:
        fail(f"--samples must all be >= 2; got {min(sizes)}", "--samples")
    names = []
    for m in (v.strip() for v in methods.split(",") if v.strip()):
        full = _INVERSE_ALIASES.get(m.lower(), m.lower())
        if full not in METHODS:
            fail(f"unknown method {m!r}; choose from {', '.join(_INVERSE_ALIASES)} "
                 f"(or {', '.join(METHODS)})", "--methods")
        names.append(full)
    if not names:
        fail("--methods must not be empty", "--methods")
    out = out_dir(out)
    try:
        rows = reconstruction_vs_samples(N, T, sizes, names, rng=seed)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    write_csv(out / "inverse_ising.csv", rows)
    fig = inverse_ising_figure(rows, title=f"{model.value.upper()}, N = {N}, T = {T:g}: "
                                           "coupling reconstruction")
    save_figure(fig, out / "inverse_ising.png")
    files = ["inverse_ising.csv", "inverse_ising.png", "manifest.json"]
    largest = max(sizes)
    write_manifest(out, "inverse-ising", dict(model=model.value, N=N, T=T, samples=sizes,
                                              methods=names, seed=seed), started, files,
                   summary={m: next(float(r["error"]) for r in rows
                                    if r["method"] == m and r["n_samples"] == largest)
                            for m in names})
    print_table(f"Inverse Ising: {model.value.upper()} N = {N}, T = {T:g}", rows,
                {"error": ".4f", "seconds": ".3f"})
    console.print(f"error = ‖J_est − J_true‖_F / ‖J_true‖_F off the diagonal; outputs in "
                  f"{out}/ ({', '.join(files)})")


# ---------------------------------------------------------------------------------- rbm
class RBMMethod(StrEnum):
    cd = "cd"
    pcd = "pcd"
    pt = "pt"
    pl = "pl"
    rm = "rm"


MODEL_NAME = "model.pt"
#: MNIST split of the issue: the first 8000 t10k images train, the last 2000 test.
MNIST_TRAIN, MNIST_TEST = 8000, 2000
#: scikit-learn digits: the first 1500 images train, the remaining 297 test.
DIGITS_TRAIN = 1500
_MONITOR_WORK = 2**28


def _square_shape(n: int) -> list[int] | None:
    side = math.isqrt(n)
    return [side, side] if side * side == n else None


def _load_rbm_data(spec: str, mnist_path: Path | None, option: str = "--data"
                   ) -> tuple[np.ndarray, np.ndarray | None, list[int] | None]:
    """Return (train, test or None, image shape or None) as {0, 1} float arrays."""
    from spinnet import datasets

    if spec == "digits":
        x, _ = datasets.digits()
        x = (x > 0).astype(np.float64)
        return x[:DIGITS_TRAIN], x[DIGITS_TRAIN:], list(datasets.DIGITS_SHAPE)
    if spec == "mnist":
        path = mnist_path or datasets.default_mnist_path()
        if path is None:
            fail("no MNIST directory found; pass --mnist-path DIR with the IDX files "
                 "(or set SPINNET_MNIST)", "--mnist-path")
        try:
            raw, _ = datasets.load_mnist(path, binarize=False)
        except (OSError, ValueError) as exc:
            fail(str(exc), "--mnist-path")
        if raw.shape[0] < MNIST_TRAIN + MNIST_TEST:
            fail(f"MNIST t10k holds {raw.shape[0]} images; need "
                 f"{MNIST_TRAIN + MNIST_TEST}", "--mnist-path")
        x = (raw.astype(np.float64) / 255.0 > 0.5).astype(np.float64)
        return (x[:MNIST_TRAIN], x[-MNIST_TEST:], list(datasets.MNIST_SHAPE))
    path = Path(spec)
    if not path.is_file():
        fail(f"{spec!r} is neither 'mnist', 'digits' nor an existing .npy file", option)
    try:
        x = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        fail(f"cannot read {spec!r} as a .npy array: {exc}", option)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        fail(f"{spec!r} must hold a 2-d array (samples × units); got shape {x.shape}", option)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        fail(f"{spec!r} must hold numbers; got dtype {x.dtype}", option)
    x = x.astype(np.float64)
    if not np.all((x == 0) | (x == 1)):
        fail(f"{spec!r} must hold only 0 and 1 (binary rows)", option)
    return x, None, _square_shape(x.shape[1])


def _load_labels(spec: str, mnist_path: Path | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Train and test labels matching :func:`_load_rbm_data` (None for .npy data)."""
    from spinnet import datasets

    if spec == "digits":
        _, y = datasets.digits()
        return y[:DIGITS_TRAIN], y[DIGITS_TRAIN:]
    if spec == "mnist":
        _, y = datasets.load_mnist(mnist_path or datasets.default_mnist_path(), binarize=False)
        return y[:MNIST_TRAIN], y[-MNIST_TEST:]
    return None


def _save_model(path: Path, rbm, meta: dict) -> None:
    import torch

    from spinnet._io import atomic_path

    state = {"W": rbm.W.detach().cpu(), "b": rbm.b.detach().cpu(), "c": rbm.c.detach().cpu(),
             **meta}
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def _load_model(model: Path):
    """Return (RBM, metadata) from a directory written by ``spinnet rbm train``."""
    import torch

    from spinnet.boltzmann.rbm import RBM

    if not model.is_dir():
        fail(f"model directory {str(model)!r} does not exist", "--model")
    path = model / MODEL_NAME
    if not path.is_file():
        fail(f"{str(model)!r} holds no {MODEL_NAME}; train one with `spinnet rbm train "
             f"--out {model}`", "--model")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        rbm = RBM(int(state["n_visible"]), int(state["n_hidden"]), str(state["visible"]))
        rbm.W, rbm.b, rbm.c = (state[k].to(torch.float64) for k in ("W", "b", "c"))
    except Exception as exc:  # corrupt or foreign file
        fail(f"cannot read {str(path)!r} as a spinnet RBM: {type(exc).__name__}: {exc}",
             "--model")
    return rbm, state


def _grid(images: np.ndarray, shape: list[int] | None, path: Path, title: str,
          symmetric: bool = False, columns: int | None = None) -> bool:
    from spinnet.plotting.boltzmann import image_grid
    from spinnet.plotting.hopfield import save_figure

    if shape is None:
        return False
    save_figure(image_grid(images, tuple(shape), title=title, symmetric=symmetric,
                           columns=columns), path)
    return True


def _gibbs_samples(rbm, n: int, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` chains from uniform random visibles, ``steps`` block-Gibbs sweeps.

    Returns the final binary samples and the mean ``P(v = 1 | h)`` of the last
    half-step (the customary picture of an RBM sample).
    """
    import torch

    from spinnet._rng import torch_generator

    gen = torch_generator(seed)
    v = torch.bernoulli(torch.full((n, rbm.n_visible), 0.5, dtype=rbm.dtype), generator=gen)
    with torch.no_grad():
        v = rbm.gibbs(v, max(steps - 1, 0), generator=gen)
        h = rbm.sample_h(v, generator=gen)
        p = rbm.p_v_given_h(h)
        v = torch.bernoulli(p, generator=gen)
    return v.numpy(), p.numpy()


@rbm_app.command("train")
def rbm_train(
    data: str = typer.Option("digits", "--data", help="mnist (t10k: first 8000 train, last "
                                                      "2000 test), digits, or a .npy file of "
                                                      "0/1 rows."),
    hidden: int = typer.Option(500, "--hidden", help="Number of hidden units."),
    method: RBMMethod = typer.Option(RBMMethod.cd, "--method", help="Gradient estimator."),
    k: int = typer.Option(1, "--k", help="Gibbs sweeps per update (cd, pcd, pt)."),
    epochs: int = typer.Option(10, "--epochs", help="Total epochs; re-running with more "
                                                    "resumes from the checkpoint."),
    lr: float = typer.Option(0.01, "--lr", help="Learning rate."),
    batch_size: int = typer.Option(100, "--batch-size", help="Minibatch size."),
    momentum: float = typer.Option(0.5, "--momentum", help="Momentum in [0, 1)."),
    weight_decay: float = typer.Option(0.0, "--weight-decay", help="L2 penalty on W."),
    centering: bool = typer.Option(False, "--centering/--no-centering",
                                   help="Centered gradient (Montavon & Müller 2012)."),
    seed: int = typer.Option(0, "--seed", help="Initial weights and all sampling."),
    monitor: int = typer.Option(None, "--monitor", help="Training vectors used for the "
                                                        "per-epoch metrics (default: all, "
                                                        "capped at ~2.7e8 softplus terms for "
                                                        "the pseudo-likelihood)."),
    matmul_dtype: str = typer.Option(None, "--matmul-dtype", help="bfloat16: mixed-precision "
                                     "matrix products for cd/pcd/pt (fast on CPUs with "
                                     "AVX512-BF16 or AMX)."),
    mnist_path: Path = typer.Option(None, "--mnist-path", help="Directory with MNIST IDX "
                                                               "files."),
    out: Path = typer.Option(Path("spinnet-rbm"), "--out",
                             help="Model directory: checkpoint, model, figures."),
) -> None:
    """Train a Bernoulli RBM; resumable (checkpoint.pt in --out).

    Writes model.pt, history.csv, history.png (free energy, reconstruction
    error, pseudo-likelihood vs epoch), samples.png, filters.png and
    manifest.json. Re-running with the same settings and a larger --epochs
    continues from the checkpoint.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.boltzmann.rbm import RBM
    from spinnet.boltzmann.training import CHECKPOINT_NAME, TrainConfig, train
    from spinnet.plotting.boltzmann import rbm_history_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    if hidden < 1:
        fail(f"--hidden must be >= 1; got {hidden}", "--hidden")
    if k < 1:
        fail(f"--k must be >= 1; got {k}", "--k")
    check_sgd_options(epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
                      weight_decay=weight_decay)
    if monitor is not None and monitor < 1:
        fail(f"--monitor must be >= 1; got {monitor}", "--monitor")
    x_train, x_test, shape = _load_rbm_data(data, mnist_path)
    if monitor is None:
        # The pseudo-likelihood metric costs n_visible * n_hidden softplus terms per vector.
        monitor = max(1, min(x_train.shape[0],
                             _MONITOR_WORK // (x_train.shape[1] * hidden)))
    out = out_dir(out)
    resumed = (out / CHECKPOINT_NAME).is_file()
    try:
        config = TrainConfig(method=method.value, epochs=epochs, k=k, batch_size=batch_size,
                             learning_rate=lr, momentum=momentum, weight_decay=weight_decay,
                             centering=centering, monitor_samples=monitor,
                             matmul_dtype=matmul_dtype)
        rbm = RBM(x_train.shape[1], hidden, rng=seed)
        history = train(rbm, x_train, config, rng=seed, checkpoint_dir=out, progress=True)
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    source = data if data in ("digits", "mnist") else str(Path(data).resolve())
    meta = {"n_visible": rbm.n_visible, "n_hidden": rbm.n_hidden, "visible": rbm.visible,
            "data": source, "mnist_path": str(mnist_path) if mnist_path else "",
            "shape": shape or [], "epochs": len(history.epoch), "method": method.value}
    _save_model(out / MODEL_NAME, rbm, meta)
    hist = history.as_dict()
    rows = [{key: hist[key][i] for key in hist} for i in range(len(hist["epoch"]))]
    write_csv(out / "history.csv", rows)
    curves = {"epoch": hist["epoch"], "free_energy": hist["free_energy"],
              "reconstruction_error": hist["reconstruction_error"],
              "pseudo_log_likelihood": hist["pseudo_log_likelihood"]}
    if not all(math.isnan(v) for v in hist["log_likelihood"]):
        curves["log_likelihood"] = hist["log_likelihood"]
    save_figure(rbm_history_figure(curves, title=f"RBM {rbm.n_visible}-{hidden}, "
                                                 f"{method.value} (k = {k}), lr {lr:g}"),
                out / "history.png")
    files = [CHECKPOINT_NAME, MODEL_NAME, "history.csv", "history.png", "manifest.json"]
    _, probs = _gibbs_samples(rbm, 64, 1000, seed)
    if _grid(probs, shape, out / "samples.png", "samples: P(v = 1 | h) after 1000 Gibbs "
                                                "sweeps"):
        files.append("samples.png")
    n_f = min(hidden, 100)
    if _grid(rbm.W[:, :n_f].T.numpy(), shape, out / "filters.png",
             f"filters: first {n_f} columns of W", symmetric=True):
        files.append("filters.png")
    last = rows[-1]
    write_manifest(out, "rbm train", dict(data=source, hidden=hidden, method=method.value, k=k,
                                          epochs=epochs, lr=lr, batch_size=batch_size,
                                          momentum=momentum, weight_decay=weight_decay,
                                          centering=centering, seed=seed, monitor=monitor,
                                          n_train=int(x_train.shape[0]),
                                          n_test=0 if x_test is None else int(x_test.shape[0])),
                   started, files, resumed=resumed,
                   summary={key: last[key] for key in ("epoch", "free_energy",
                                                       "reconstruction_error",
                                                       "pseudo_log_likelihood",
                                                       "log_likelihood")})
    shown = rows[-5:]
    print_table(f"RBM {rbm.n_visible}-{hidden} on {data} ({x_train.shape[0]} training "
                f"vectors), {method.value}", [{key: r[key] for key in (
                    "epoch", "free_energy", "reconstruction_error", "pseudo_log_likelihood",
                    "log_likelihood", "wall_time")} for r in shown],
                {"free_energy": ".3f", "reconstruction_error": ".4f",
                 "pseudo_log_likelihood": ".3f", "log_likelihood": ".3f", "wall_time": ".2f"})
    console.print(f"{'resumed; ' if resumed else ''}{len(rows)} epochs; outputs in {out}/ "
                  f"({', '.join(files)})")


@rbm_app.command("eval")
def rbm_eval(
    model: Path = typer.Option(..., "--model", help="Directory written by `rbm train`."),
    ais: bool = typer.Option(True, "--ais/--no-ais", help="Estimate log Z by annealed "
                                                          "importance sampling."),
    runs: int = typer.Option(100, "--runs", help="AIS runs (importance weights)."),
    classify: bool = typer.Option(False, "--classify/--no-classify", help="Also score a "
                                  "logistic regression on the hidden features P(h|v) against "
                                  "raw pixels (mnist and digits, which have labels)."),
    betas: int = typer.Option(None, "--betas", help="AIS schedule length (default 14501, "
                                                    "Salakhutdinov & Murray 2008)."),
    seed: int = typer.Option(0, "--seed", help="AIS seed."),
    base: str = typer.Option("model", "--base", help="AIS base model: 'model' (visible "
                             "marginals of the RBM from Gibbs chains; robust), 'data' "
                             "(training-data base rates, Salakhutdinov & Murray) or "
                             "'uniform'."),
    mnist_path: Path = typer.Option(None, "--mnist-path", help="MNIST directory (overrides "
                                                               "the one recorded)."),
    out: Path = typer.Option(None, "--out", help="Optional directory for eval.json and "
                                                 "manifest.json."),
) -> None:
    """Log partition function and log-likelihood (nats) of a trained RBM.

    AIS with its standard error, and the exact log Z by enumeration when the
    smaller layer has at most 20 units, side by side.
    """
    from spinnet._io import write_json, write_manifest
    from spinnet.boltzmann.evaluation import (
        ais_log_z,
        base_rate_bias,
        exact_log_z,
        model_rate_bias,
    )
    from spinnet.boltzmann.evaluation import log_likelihood as rbm_log_likelihood

    started = time.time()
    if runs < 2:
        fail(f"--runs must be >= 2; got {runs}", "--runs")
    if betas is not None and betas < 4:
        fail(f"--betas must be >= 4; got {betas}", "--betas")
    if base not in ("model", "data", "uniform"):
        fail(f"--base must be 'model', 'data' or 'uniform'; got {base!r}", "--base")
    rbm, meta = _load_model(model)
    if not ais and min(rbm.n_visible, rbm.n_hidden) > 20:
        fail("the smaller layer has more than 20 units: exact log Z is out of reach, so "
             "--no-ais leaves nothing to compute", "--ais")
    recorded = Path(meta["mnist_path"]) if meta.get("mnist_path") else None
    x_train, x_test, _ = _load_rbm_data(str(meta["data"]), mnist_path or recorded,
                                        "--model")
    W, b, c = rbm.W, rbm.b, rbm.c
    rows, result = [], {}
    try:
        estimates = {}
        if min(rbm.n_visible, rbm.n_hidden) <= 20:
            t0 = time.perf_counter()
            estimates["exact"] = (exact_log_z(W, b, c), 0.0, time.perf_counter() - t0)
        if ais:
            t0 = time.perf_counter()
            base_bias = {"model": lambda: model_rate_bias(W, b, c, rng=seed),
                         "data": lambda: base_rate_bias(x_train),
                         "uniform": lambda: None}[base]()
            lz, err, _ = ais_log_z(W, b, c, base_visible_bias=base_bias, n_betas=betas,
                                   n_runs=runs, rng=seed)
            estimates["ais"] = (lz, err, time.perf_counter() - t0)
        for name, (lz, err, secs) in estimates.items():
            row = {"method": name, "log_Z": lz, "log_Z_err": err,
                   "train_LL": rbm_log_likelihood(W, b, c, x_train, lz)}
            row["test_LL"] = (rbm_log_likelihood(W, b, c, x_test, lz) if x_test is not None
                              else math.nan)
            row["seconds"] = secs
            rows.append(row)
            result[name] = row
    except (ValueError, TypeError) as exc:
        fail(str(exc))
    if "exact" in result and "ais" in result:
        result["ais_minus_exact"] = result["ais"]["log_Z"] - result["exact"]["log_Z"]
    print_table(f"RBM {rbm.n_visible}-{rbm.n_hidden} ({meta['data']}, {meta['method']}, "
                f"{meta['epochs']} epochs): log-likelihood in nats per vector", rows,
                {"log_Z": ".4f", "log_Z_err": ".4f", "train_LL": ".4f", "test_LL": ".4f",
                 "seconds": ".2f"})
    if "ais_minus_exact" in result:
        diff = result["ais_minus_exact"]
        z = diff / max(result["ais"]["log_Z_err"], 1e-300)
        console.print(f"AIS − exact = {diff:+.4f} nats ({z:+.1f} standard errors)")
    if "ais" in result and result["ais"]["log_Z_err"] > 0.5:
        console.print("[yellow]warning:[/] the AIS importance weights are dominated by a few "
                      "runs (standard error ~1 nat or more): the estimate is unreliable; "
                      "raise --betas and --runs")
    if classify:
        from spinnet.boltzmann.evaluation import hidden_feature_accuracy

        labels = _load_labels(str(meta["data"]), mnist_path or recorded)
        if labels is None or x_test is None:
            fail(f"--classify needs labelled data (mnist or digits); the model was trained "
                 f"on {meta['data']!r}", "--classify")
        acc = hidden_feature_accuracy(W, c, x_train, labels[0], x_test, labels[1])
        result["classification"] = acc
        print_table("logistic regression, test accuracy", [
            {"features": f"hidden P(h|v) ({rbm.n_hidden})", "accuracy": acc["hidden"]},
            {"features": f"raw pixels ({rbm.n_visible})", "accuracy": acc["visible"]}],
            {"accuracy": ".4f"})
    if out is not None:
        out = out_dir(out)
        write_json(out / "eval.json", result)
        write_manifest(out, "rbm eval", dict(model=str(model), ais=ais, runs=runs, betas=betas,
                                             seed=seed, base=base, classify=classify), started,
                       ["eval.json", "manifest.json"])


@rbm_app.command("sample")
def rbm_sample(
    model: Path = typer.Option(..., "--model", help="Directory written by `rbm train`."),
    n: int = typer.Option(16, "--n", help="Number of independent chains (samples)."),
    gibbs: int = typer.Option(1000, "--gibbs", help="Block-Gibbs sweeps per chain."),
    seed: int = typer.Option(0, "--seed", help="Sampling seed."),
    out: Path = typer.Option(Path("spinnet-rbm-samples"), "--out", help="Output directory."),
) -> None:
    """Draw samples by block Gibbs sampling from random starts; samples.npy and samples.png."""
    from spinnet._io import atomic_path, write_manifest

    started = time.time()
    if n < 1:
        fail(f"--n must be >= 1; got {n}", "--n")
    if gibbs < 1:
        fail(f"--gibbs must be >= 1; got {gibbs}", "--gibbs")
    rbm, meta = _load_model(model)
    out = out_dir(out)
    v, probs = _gibbs_samples(rbm, n, gibbs, seed)
    with atomic_path(out / "samples.npy") as tmp, open(tmp, "wb") as fh:
        np.save(fh, v.astype(np.uint8))
    files = ["samples.npy", "manifest.json"]
    shape = list(meta.get("shape") or []) or None
    if _grid(probs, shape, out / "samples.png", f"{n} samples: P(v = 1 | h) after {gibbs} "
                                                "Gibbs sweeps"):
        files.append("samples.png")
    write_manifest(out, "rbm sample", dict(model=str(model), n=n, gibbs=gibbs, seed=seed),
                   started, files, summary={"mean_activity": float(v.mean())})
    console.print(f"{n} samples after {gibbs} Gibbs sweeps (mean activity {v.mean():.3f}); "
                  f"outputs in {out}/ ({', '.join(files)})")


# ------------------------------------------------------------------------------ dbn train
dbn_app = typer.Typer(help="Deep belief nets and the deep autoencoders unrolled from them "
                           "(Hinton & Salakhutdinov 2006).", no_args_is_help=True)
DBN_NAME = "dbn.pt"


class TopHidden(StrEnum):
    gaussian = "gaussian"
    bernoulli = "bernoulli"


def _save_dbn(path: Path, dbn, meta: dict) -> None:
    import torch

    from spinnet._io import atomic_path

    state = {"rbms": [{k: v.detach().cpu() for k, v in r.params.items()} for r in dbn.rbms],
             "history": dbn.history, **meta}
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def _load_dbn(path: Path, dbn, meta: dict) -> bool:
    """Restore a pretrained stack from ``path`` if it matches ``meta``; False if absent."""
    import torch

    if not path.is_file():
        return False
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        saved = {k: state[k] for k in meta}
    except Exception as exc:  # corrupt or foreign file
        fail(f"cannot read {str(path)!r} as a pretrained DBN: {type(exc).__name__}: {exc}; "
             "delete it to pretrain afresh", "--out")
    if saved != meta:
        diff = sorted(k for k in meta if saved[k] != meta[k])
        fail(f"{str(path)!r} was pretrained with other settings ({', '.join(diff)}); use "
             "another --out or delete it", "--out")
    for rbm, params in zip(dbn.rbms, state["rbms"], strict=True):
        rbm.W, rbm.b, rbm.c = (params[k].to(rbm.dtype) for k in ("W", "b", "c"))
    dbn.history = [list(h) for h in state["history"]]
    dbn.fitted = True
    return True


@dbn_app.command("train")
def dbn_train(
    data: str = typer.Option("digits", "--data", help="mnist (t10k: first 8000 train, last "
                                                      "2000 test), digits, or a .npy file of "
                                                      "0/1 rows (last 20% held out)."),
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
    seed: int = typer.Option(0, "--seed", help="Initial weights, sampling and batch order."),
    mnist_path: Path = typer.Option(None, "--mnist-path", help="Directory with MNIST IDX "
                                                               "files."),
    out: Path = typer.Option(Path("spinnet-dbn"), "--out", help="Output directory."),
) -> None:
    """Pretrain a DBN greedily, unroll it into a deep autoencoder, fine-tune it by
    backprop and compare its test reconstruction error with PCA at the same code size.

    Resumable: the pretrained stack (dbn.pt) and the fine-tuning state
    (finetune.pt, every epoch) are saved in --out, and re-running continues.
    Writes results.json, finetune.csv, reconstructions.png, samples.png,
    finetune.png and manifest.json.
    """
    import hashlib

    import torch

    from spinnet._io import write_csv, write_json, write_manifest
    from spinnet.boltzmann.dbn import (
        FINETUNE_CHECKPOINT,
        DeepAutoencoder,
        DeepBeliefNet,
        pca_reconstruction_error,
    )
    from spinnet.plotting.boltzmann import rbm_history_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    hidden = _int_list(layers, "--layers")
    if not hidden or min(hidden) < 1:
        fail(f"--layers must list positive sizes such as 256,64,30; got {layers!r}",
             "--layers")
    for name, value in (("--pretrain-epochs", pretrain_epochs),
                        ("--finetune-epochs", finetune_epochs)):
        if value < 0:
            fail(f"{name} must be >= 0; got {value}", name)
    for name, value in (("--lr", lr), ("--finetune-lr", finetune_lr)):
        if not (math.isfinite(value) and value > 0):
            fail(f"{name} must be a positive number; got {value}", name)
    if batch_size < 1:
        fail(f"--batch-size must be >= 1; got {batch_size}", "--batch-size")
    x_train, x_test, shape = _load_rbm_data(data, mnist_path)
    if x_test is None:
        n_test = max(1, x_train.shape[0] // 5)
        if x_train.shape[0] - n_test < 2:
            fail(f"{data!r} has too few rows to hold out a test set", "--data")
        x_train, x_test = x_train[:-n_test], x_train[-n_test:]
    if hidden[-1] > min(x_train.shape):
        fail(f"the code size {hidden[-1]} exceeds what PCA can compare "
             f"(min(train rows, units) = {min(x_train.shape)})", "--layers")
    out = out_dir(out)
    sizes = (x_train.shape[1], *hidden)
    torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
    digest = hashlib.sha256(np.ascontiguousarray(x_train).tobytes()).hexdigest()
    meta = {"layer_sizes": list(sizes), "top_hidden": top.value, "epochs": pretrain_epochs,
            "lr": lr, "batch_size": batch_size, "seed": seed, "data_sha256": digest}
    dbn = DeepBeliefNet(sizes, rng=seed, top_hidden=top.value)
    resumed = _load_dbn(out / DBN_NAME, dbn, meta)
    if not resumed:
        console.print(f"pretraining {'-'.join(map(str, sizes))} ({top.value} top), "
                      f"{pretrain_epochs} epochs per RBM ...")
        dbn.fit(x_train, epochs=pretrain_epochs, learning_rate=lr, batch_size=batch_size,
                rng=seed, progress=True)
        _save_dbn(out / DBN_NAME, dbn, meta)
    pretrained = DeepAutoencoder.from_dbn(dbn)
    ae = DeepAutoencoder.from_dbn(dbn)
    try:
        losses = ae.fine_tune(x_train, epochs=finetune_epochs, lr=finetune_lr,
                              batch_size=batch_size, rng=seed, checkpoint_dir=out,
                              progress=True)
    except ValueError as exc:
        fail(str(exc), "--out")
    code = sizes[-1]
    result = {"layer_sizes": list(sizes), "code_size": code, "top_hidden": top.value,
              "n_train": int(x_train.shape[0]), "n_test": int(x_test.shape[0]),
              "test_error_pretrained": pretrained.reconstruction_error(x_test),
              "test_error_finetuned": ae.reconstruction_error(x_test),
              "train_error_finetuned": ae.reconstruction_error(x_train),
              "test_error_pca": pca_reconstruction_error(x_train, x_test, code),
              "finetune_epochs": len(losses)}
    result["beats_pca"] = result["test_error_finetuned"] < result["test_error_pca"]
    write_json(out / "results.json", result)
    write_csv(out / "finetune.csv", [{"epoch": i + 1, "loss": v} for i, v in enumerate(losses)])
    files = [DBN_NAME, FINETUNE_CHECKPOINT, "results.json", "finetune.csv", "manifest.json"]
    if losses:
        save_figure(rbm_history_figure({"epoch": list(range(1, len(losses) + 1)),
                                        "cross_entropy": losses},
                                       title="fine-tuning loss (train, per image)"),
                    out / "finetune.png")
        files.append("finetune.png")
    if shape is not None:
        from sklearn.decomposition import PCA

        pca = PCA(n_components=code).fit(x_train)
        shown = x_test[:10]
        rows = np.concatenate([shown, ae.reconstruct(shown).numpy(),
                               pca.inverse_transform(pca.transform(shown)).clip(0, 1)])
        _grid(rows, shape, out / "reconstructions.png",
              f"rows: test images / deep autoencoder ({code}-d code) / PCA ({code})",
              columns=len(shown))
        _grid(dbn.sample(30, n_gibbs=500, rng=seed, mean=True).numpy(), shape,
              out / "samples.png", "DBN samples (500 Gibbs sweeps in the top RBM)")
        files += ["reconstructions.png", "samples.png"]
    write_manifest(out, "dbn train", dict(data=data, layers=hidden, top=top.value,
                                          pretrain_epochs=pretrain_epochs,
                                          finetune_epochs=finetune_epochs, lr=lr,
                                          finetune_lr=finetune_lr, batch_size=batch_size,
                                          seed=seed), started, files, resumed=resumed,
                   summary=result)
    print_table(f"Deep autoencoder {'-'.join(map(str, sizes))} vs PCA({code}) on {data}: "
                "test squared error per image", [{
                    "code": code, "pretrained only": result["test_error_pretrained"],
                    "fine-tuned": result["test_error_finetuned"],
                    "PCA": result["test_error_pca"]}],
                {"pretrained only": ".3f", "fine-tuned": ".3f", "PCA": ".3f"})
    console.print(f"{'resumed; ' if resumed else ''}outputs in {out}/ ({', '.join(files)})")
