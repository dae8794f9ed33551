"""``spinnet van ...``: variational autoregressive networks (Wu, Wang & Zhang 2019).

Options are parsed and checked here; the work is done by :mod:`spinnet.experiments.van`
(imported inside the commands: it needs PyTorch).
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path

import typer

from spinnet._optional import require_torch
from spinnet.cli._common import (
    check_finite,
    check_seed,
    console,
    fail,
    note_kept,
    out_dir,
    parse_floats,
    print_table,
    progress_bar,
    run_experiment,
)

van_app = typer.Typer(help="Variational autoregressive networks: free energies, exact "
                           "samples, maximum-likelihood training.", no_args_is_help=True)


class VanModel(StrEnum):
    ising = "ising"
    ea = "ea"
    baxter_wu = "baxter-wu"
    sk = "sk"
    hopfield = "hopfield"


class Net(StrEnum):
    pixelcnn = "pixelcnn"
    made = "made"


_DATA_DIR_HELP = ("Directory with the MNIST IDX files (default: $SPINNET_DATA, the cache of "
                  "`spinnet data fetch mnist`, then the repository's data).")


def _check_common(depth: int, width: int, half_kernel: int, batch_size: int, lr: float,
                  seed: int) -> None:
    if depth < 1:
        fail(f"--depth must be >= 1; got {depth}", "--depth")
    if width < 1:
        fail(f"--width must be >= 1; got {width}", "--width")
    if half_kernel < 1:
        fail(f"--half-kernel must be >= 1; got {half_kernel}", "--half-kernel")
    check_finite(lr, "--lr", minimum=0, min_inclusive=False)
    check_seed(seed)


@van_app.command("free-energy")
def free_energy(
    model: VanModel = typer.Option(VanModel.ising, "--model", help="Spin model."),
    L: int = typer.Option(4, "--L", help="Linear size (ising, ea, baxter-wu)."),
    N: int = typer.Option(16, "--N", help="Number of spins (sk, hopfield)."),
    Jh: float = typer.Option(1.0, "--Jh", help="Horizontal coupling (ising)."),
    Jv: float = typer.Option(1.0, "--Jv", help="Vertical coupling (ising)."),
    p: int = typer.Option(2, "--p", help="Stored patterns (hopfield)."),
    T: str = typer.Option("2.0,2.269,3.0", "--T",
                          help="Temperatures: a comma list or lo:hi:n."),
    net: Net = typer.Option(Net.pixelcnn, "--net", help="Autoregressive network."),
    depth: int = typer.Option(3, "--depth", help="Masked layers of the network."),
    width: int = typer.Option(16, "--width", help="Channels (pixelcnn) or hidden units per "
                                                  "site (made)."),
    half_kernel: int = typer.Option(3, "--half-kernel",
                                    help="PixelCNN half kernel size K (kernel 2K+1)."),
    z2: bool = typer.Option(True, "--z2/--no-z2", help="Z2-symmetrised q(s) = [q(s) + "
                                                      "q(-s)]/2."),
    steps: int = typer.Option(1000, "--steps", help="Training steps per temperature."),
    batch_size: int = typer.Option(500, "--batch-size", help="Samples per step (>= 2)."),
    lr: float = typer.Option(1e-3, "--lr", help="Adam learning rate."),
    beta_anneal: float = typer.Option(0.99, "--beta-anneal",
                                      help="β_t = β(1 - a^t) in the gradient; 0 disables."),
    samples: int = typer.Option(10000, "--samples",
                                help="Fresh samples for the final F_q and NIS estimates."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-van-free-energy"), "--out",
                             help="Output directory (re-running resumes)."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Discard a previous run in --out."),
) -> None:
    """Variational free energy F_q ≥ F and neural importance sampling vs the exact F.

    Exact F: Kaufman's finite-lattice formula (isotropic ising) or enumeration (N <= 20).
    Writes free_energy.csv, free_energy.png (relative error vs T with naive mean field and
    Bethe), models/, manifest.json. Interrupted runs resume from their checkpoints.
    """
    require_torch("spinnet van free-energy")
    from spinnet._io import write_manifest
    from spinnet.experiments.van import van_free_energy

    started = time.time()
    temps = parse_floats(T, "--T", minimum=0, min_inclusive=False)
    _check_common(depth, width, half_kernel, batch_size, lr, seed)
    if steps < 0:
        fail(f"--steps must be >= 0; got {steps}", "--steps")
    if batch_size < 2:
        fail(f"--batch-size must be >= 2 (the REINFORCE baseline needs two samples); got "
             f"{batch_size}", "--batch-size")
    check_finite(beta_anneal, "--beta-anneal", minimum=0, maximum=1, max_inclusive=False)
    if samples < 2:
        fail(f"--samples must be >= 2; got {samples}", "--samples")
    if model.value in ("sk", "hopfield") and net == Net.pixelcnn:
        fail(f"--net pixelcnn needs a lattice model; --model {model.value} is dense (use "
             "--net made)", "--net")
    out = out_dir(out)
    with progress_bar(transient=True) as progress:
        r = run_experiment(van_free_energy, model=model.value, L=L, N=N, J_h=Jh, J_v=Jv,
                           p=p, temperatures=temps, net=net.value, depth=depth, width=width,
                           half_kernel=half_kernel, z2=z2, steps=steps,
                           batch_size=batch_size, lr=lr, beta_anneal=beta_anneal,
                           samples=samples, seed=seed, out=out, overwrite=overwrite,
                           progress=progress, kept=note_kept)
    rows = r["rows"]
    table = [{"T": x["T"], "F_q/N": x["F_q"], "F_NIS/N": x["F_nis"],
              "± err": x["F_nis_err"], "F_exact/N": x["F_exact"], "rel F_q": x["rel_err_q"],
              "rel NIS": x["rel_err_nis"], "rel MF": x["rel_err_mf"],
              "rel Bethe": x["rel_err_bethe"], "S/N": x["S"], "E/N": x["E"],
              "ESS": x["ess"]} for x in rows]
    print_table(f"VAN free energy: {model.value}, N = {r['settings']['N']}, {net.value}",
                table, {"T": ".4g", "F_q/N": ".6f", "F_NIS/N": ".6f", "± err": ".1e",
                        "F_exact/N": ".6f", "rel F_q": ".2e", "rel NIS": ".2e",
                        "rel MF": ".2e", "rel Bethe": ".2e", "S/N": ".4f", "E/N": ".4f",
                        "ESS": ".0f"})
    files = [*r["files"], "manifest.json"]
    write_manifest(out, "van free-energy", r["settings"] | {"T": temps}, started, files,
                   resumed=r["resumed"], rows=rows)
    console.print(f"outputs in {out}/ ({', '.join(files)})")


@van_app.command("sample")
def sample(
    source: Path = typer.Option(..., "--from", help="A `van free-energy` or `van train` "
                                                    "output directory, or a saved model."),
    samples: int = typer.Option(16, "--samples", help="Number of configurations."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-van-sample"), "--out", help="Output directory."),
) -> None:
    """Exact ancestral samples of a trained network: samples.npy, samples.png."""
    require_torch("spinnet van sample")
    from spinnet._io import write_manifest
    from spinnet.experiments.van import van_sample

    started = time.time()
    if samples < 1:
        fail(f"--samples must be >= 1; got {samples}", "--samples")
    check_seed(seed)
    if not source.exists():
        fail(f"{str(source)!r} does not exist", "--from")
    out = out_dir(out)
    r = run_experiment(van_sample, source=source, samples=samples, seed=seed, out=out)
    print_table(f"samples from {r['model_path']}", r["rows"],
                {"mean_log_q": ".3f", "mean_abs_m": ".4f", "seconds": ".3f"})
    files = [*r["files"], "manifest.json"]
    write_manifest(out, "van sample", dict(source=str(source), samples=samples, seed=seed),
                   started, files)
    console.print(f"outputs in {out}/ ({', '.join(files)})")


@van_app.command("train")
def train(
    data: str = typer.Option("digits", "--data", help="digits (scikit-learn 8x8, first 1500 "
                                                      "train), mnist (t10k: 8000 train, 2000 "
                                                      "test, binarised at 0.5) or a .npy "
                                                      "file of ±1 rows."),
    data_dir: Path = typer.Option(None, "--data-dir", help=_DATA_DIR_HELP),
    net: Net = typer.Option(Net.made, "--net", help="Autoregressive network."),
    depth: int = typer.Option(2, "--depth", help="Masked layers."),
    width: int = typer.Option(4, "--width", help="Hidden units per site (made) or channels."),
    half_kernel: int = typer.Option(3, "--half-kernel", help="PixelCNN half kernel size."),
    epochs: int = typer.Option(10, "--epochs", help="Passes over the training data."),
    batch_size: int = typer.Option(100, "--batch-size", help="Mini-batch size."),
    lr: float = typer.Option(1e-3, "--lr", help="Adam learning rate."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(Path("spinnet-van-train"), "--out", help="Output directory."),
) -> None:
    """Maximum-likelihood training with the exact log-likelihood (no AIS needed)."""
    require_torch("spinnet van train")
    from spinnet._io import write_manifest
    from spinnet.experiments.van import van_train

    started = time.time()
    _check_common(depth, width, half_kernel, batch_size, lr, seed)
    if epochs < 1:
        fail(f"--epochs must be >= 1; got {epochs}", "--epochs")
    if batch_size < 1:
        fail(f"--batch-size must be >= 1; got {batch_size}", "--batch-size")
    if data_dir is not None and data != "mnist":
        fail(f"--data-dir applies to --data mnist only; got --data {data}", "--data-dir")
    out = out_dir(out)
    with progress_bar(transient=True) as progress:
        r = run_experiment(van_train, data=data, data_dir=data_dir, net=net.value,
                           depth=depth, width=width, half_kernel=half_kernel, epochs=epochs,
                           batch_size=batch_size, lr=lr, seed=seed, out=out,
                           progress=progress)
    print_table("exact log-likelihood per sample (nats)", r["rows"],
                {"train_ll": ".3f", "test_ll": ".3f", "test_ll_err": ".3f",
                 "seconds": ".1f"})
    files = [*r["files"], "manifest.json"]
    write_manifest(out, "van train", dict(data=data, data_dir=data_dir, net=net.value,
                                          depth=depth, width=width, half_kernel=half_kernel,
                                          epochs=epochs, batch_size=batch_size, lr=lr,
                                          seed=seed),
                   started, files, summary=r["rows"][0])
    console.print(f"outputs in {out}/ ({', '.join(files)})")
