"""``spinnet phases ...``: machine learning of phase transitions (generate, train, analyze, run).

Each command parses its options, calls one pipeline of
:mod:`spinnet.experiments.phases` (imported when the command runs) and prints
its table. Snapshot generation needs no PyTorch; training and analysis do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

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

phases_app = typer.Typer(help="Learn phase transitions from Monte Carlo snapshots: T_c and nu "
                              "by finite-size scaling of classifier outputs.",
                         no_args_is_help=True)

#: Help text of --net; the valid names are spinnet.phases.networks.NETS.
_NET_HELP = ("fcnn, cnn, resnet (small, 2 blocks), resnet10, resnet18, resnet34, resnet50, or a "
             "comma list of them.")


class ModelName(StrEnum):
    ising = "ising"
    baxter_wu = "baxter-wu"


class Representation(StrEnum):
    spins = "spins"
    energy = "energy"
    blocks = "blocks"


class Protocol(StrEnum):
    per_size = "per-size"
    pooled = "pooled"


class TemperaturePrior(StrEnum):
    uniform = "uniform"
    grid = "grid"


_PRIOR_HELP = ("Weighting of the training temperatures of per-size networks: uniform (default; "
               "each snapshot weighted by its temperature's share of the grid, a uniform prior "
               "in T) or grid (every snapshot alike, as before 2026-12). Refused by the pooled "
               "protocol.")


_PROTOCOL_HELP = ("per-size: one ensemble per L on --representation spins (default) or energy, "
                  "as in the published tables; pooled: one ensemble for all sizes on 4x4 "
                  "block spins. Without it, --representation decides (blocks: pooled, "
                  "default; spins/energy: per-size).")


def _nets(text: str, option: str = "--net") -> list[str]:
    from spinnet.phases.networks import NETS

    values = [v.strip() for v in text.split(",")]
    bad = [v for v in values if v not in NETS]
    if bad or not values:
        fail(f"{option} must be one of {list(NETS)} or a comma list of them; got {text!r}",
             option)
    if len(set(values)) != len(values):
        fail(f"{option} lists a network twice: {text!r}", option)
    return values


def _protocol(protocol: Protocol | None, representation: Representation | None
              ) -> tuple[str, str]:
    """(protocol, representation) or exit 2 naming --protocol for a combination that
    does not exist (pooled on spins or energy, per-size on blocks)."""
    from spinnet.experiments.phases import PhasesInputError, resolve_protocol

    try:
        return resolve_protocol(protocol.value if protocol else None,
                                representation.value if representation else None)
    except PhasesInputError as exc:
        fail(str(exc).replace("protocol '", "--protocol '").replace(
            "representation '", "--representation '"), "--protocol")
    raise AssertionError("unreachable")


def _window(text: str | None, param: str) -> tuple[float, float] | None:
    if text is None:
        return None
    v = parse_floats(text, param, minimum=0.0, min_inclusive=False)
    if len(v) != 2 or v[0] > v[1]:
        fail(f"{param} must be 'T_low,T_high' with T_low <= T_high; got {text!r}", param)
    return v[0], v[1]


def _count(value: int | None, option: str, minimum: int = 1) -> int | None:
    if value is not None and value < minimum:
        fail(f"{option} must be >= {minimum}; got {value}", option)
    return value


def _model(model: ModelName, Jh: float, Jv: float, Jd: float, J: float) -> Any:
    from spinnet.phases.data import ModelSpec

    for value, option in ((Jh, "--Jh"), (Jv, "--Jv"), (Jd, "--Jd"), (J, "--J")):
        check_finite(value, option)
    try:
        return ModelSpec(model.value, J_h=Jh, J_v=Jv, J_d=Jd, J=J)
    except (TypeError, ValueError) as exc:
        fail(str(exc), "--J" if model is ModelName.baxter_wu else "--Jh/--Jv/--Jd")


def _sizes(text: str | None) -> list[int] | None:
    if text is None:
        return None
    sizes = parse_ints(text, "--L", minimum=4)
    if len(set(sizes)) != len(sizes):
        fail(f"--L lists a size twice: {text!r}", "--L")
    return sorted(sizes)


#: Store parameters (StoreConflict.parameter) -> the CLI options that set them.
_STORE_OPTION = {"seed": "--seed", "temperatures": "--T", "L": "--L", "model": "--model",
                 "config": "--samples/--chains/--per-chunk/--sweeps-between/--thermalize "
                           "or --quick/--full",
                 "sampler": "--model", "windows": "--fm-window/--pm-window or --networks",
                 "data": "the data under --from (generated again)", "format": "--out",
                 "network": "a stored network under --out", "checkpoint":
                     "a training checkpoint under --out/nets/checkpoints"}


def _call(fn: Callable[..., Any], options: dict[str, str], default: str, *args: Any,
          **kwargs: Any) -> Any:
    """Run a pipeline with a progress bar; map its errors to exit 2 naming an option."""
    from spinnet.experiments.phases import PhasesInputError
    from spinnet.phases.data import DataFileError, StoreConflict

    try:
        with progress_bar(transient=True) as bar:
            return fn(*args, progress=bar, **kwargs)
    except StoreConflict as exc:
        differs = _STORE_OPTION.get(exc.parameter, exc.parameter)
        msg = str(exc).replace("pass overwrite=True to replace it, or",
                               "re-run with --overwrite to replace it, or")
        msg = msg.replace("pass overwrite=True", "re-run with --overwrite")
        fail(f"{msg} (differs: {differs})", "--overwrite")
    except PhasesInputError as exc:
        fail(str(exc), options.get(exc.parameter, default))
    except DataFileError as exc:
        fail(f"{exc} (or re-run with --overwrite to generate it again)", "--overwrite")
    except ValueError as exc:
        fail(str(exc), default)
    raise AssertionError("unreachable")


_MODEL_OPTS = dict(
    model=typer.Option(ModelName.ising, "--model", help="ising (square, anisotropic, "
                                                        "diagonal) or baxter-wu."),
    Jh=typer.Option(1.0, "--Jh", help="Ising horizontal coupling."),
    Jv=typer.Option(1.0, "--Jv", help="Ising vertical coupling."),
    Jd=typer.Option(0.0, "--Jd", help="Ising diagonal coupling (r,c)-(r+1,c+1)."),
    J=typer.Option(1.0, "--J", help="Baxter-Wu three-spin coupling."),
)
_THREADS = typer.Option(1, "--threads", help="torch threads.")
_OVERWRITE = typer.Option(False, "--overwrite", help="Replace stored data/networks made with "
                                                     "other parameters (another --seed, grid, "
                                                     "...) instead of refusing.")


def _show_generation(label: str, rows: list[dict[str, Any]]) -> None:
    print_table(f"{label}: snapshots (tau in units of the snapshot spacing)", rows,
                {"tau_E_max": ".2f", "tau_abs_m_max": ".2f", "seconds": ".1f"})


@phases_app.command("generate")
def generate_cmd(
    model: ModelName = _MODEL_OPTS["model"],
    Jh: float = _MODEL_OPTS["Jh"],
    Jv: float = _MODEL_OPTS["Jv"],
    Jd: float = _MODEL_OPTS["Jd"],
    J: float = _MODEL_OPTS["J"],
    L: str = typer.Option("16,24,32,48,64", "--L", help="Lattice sizes: a comma list or lo:hi:n "
                                                        "(>= 4; multiples of 3 for "
                                                        "Baxter-Wu)."),
    T: str | None = typer.Option(None, "--T", help="Temperatures: a comma list or lo:hi:n "
                                                   "(default: a grid dense around the exact "
                                                   "T_c plus the default label windows)."),
    samples: int | None = typer.Option(None, "--samples", help="Snapshots per temperature."),
    chains: int | None = typer.Option(None, "--chains", help="Chains per temperature."),
    per_chunk: int | None = typer.Option(None, "--per-chunk",
                                         help="Snapshots per chain per chunk (the unit of "
                                              "resumption)."),
    sweeps_between: int | None = typer.Option(None, "--sweeps-between",
                                              help="Sweeps between snapshots."),
    thermalize: int | None = typer.Option(None, "--thermalize", help="Discarded sweeps."),
    quick: bool = typer.Option(False, "--quick/--full",
                               help="Quick: coarser default grid, 400 snapshots. Full "
                                    "(default): the grid and 600 snapshots of 'phases run'."),
    seed: int = typer.Option(0, "--seed", help="Seed (stored; a rerun resumes the same "
                                               "chains)."),
    out: Path = typer.Option(Path("spinnet-phases-generate"), "--out",
                             help="Output directory (files go to OUT/data)."),
    overwrite: bool = _OVERWRITE,
) -> None:
    """Generate equilibrium snapshots (resumable HDF5, one file per L).

    Swendsen-Wang for Ising, checkerboard Metropolis for Baxter-Wu. Rerunning
    the same command after an interruption continues from the last chunk.
    Writes OUT/data/<model>_L<L>.h5, generate.csv (autocorrelation times) and
    manifest.json.
    """
    from spinnet.experiments import phases as exp

    spec = _model(model, Jh, Jv, Jd, J)
    sizes = _sizes(L)
    temps = None
    if T is not None:
        temps = parse_floats(T, "--T", minimum=0.0, min_inclusive=False)
        if any(b <= a for a, b in itertools.pairwise(temps)):
            fail(f"--T must be strictly increasing; got {T!r}", "--T")
    check_seed(seed)
    _count(samples, "--samples")
    _count(chains, "--chains")
    _count(per_chunk, "--per-chunk")
    _count(sweeps_between, "--sweeps-between")
    _count(thermalize, "--thermalize", minimum=0)
    out = out_dir(out)
    res = _call(exp.generate, {"sizes": "--L", "temperatures": "--T", "n_samples": "--samples"},
                "--L", out, spec, sizes, temps, quick=quick, n_samples=samples,
                n_chains=chains, snapshots_per_chunk=per_chunk, sweeps_between=sweeps_between,
                n_thermalize=thermalize, seed=seed, overwrite=overwrite, on_kept=note_kept)
    _show_generation(spec.label, res["rows"])
    console.print(f"wrote {out / 'data'}")


@phases_app.command("train")
def train_cmd(
    net: str = typer.Option("fcnn", "--net", help=_NET_HELP),
    model: ModelName = _MODEL_OPTS["model"],
    Jh: float = _MODEL_OPTS["Jh"],
    Jv: float = _MODEL_OPTS["Jv"],
    Jd: float = _MODEL_OPTS["Jd"],
    J: float = _MODEL_OPTS["J"],
    L: str | None = typer.Option(None, "--L", help="Sizes to train (default: all "
                                                   "generated)."),
    protocol: Protocol | None = typer.Option(None, "--protocol", help=_PROTOCOL_HELP),
    representation: Representation | None = typer.Option(
        None, "--representation",
        help="Network input: blocks (4x4 majority-rule block spins; one network for all "
             "sizes; the default without --protocol), spins (one network per size; the "
             "default with --protocol per-size) or local energy configurations (per size)."),
    fm_window: str | None = typer.Option(None, "--fm-window",
                                         help="'T_low,T_high' labelled ferromagnetic, for "
                                              "every network (default, pooled: network k "
                                              "gets 0.70 T_c to (1 - b_k) T_c, b = 0.10, "
                                              "0.08, 0.12; per-size: 0.70 T_c up to T_c)."),
    pm_window: str | None = typer.Option(None, "--pm-window",
                                         help="'T_low,T_high' labelled paramagnetic, for "
                                              "every network (default, pooled: (1 + b_k) "
                                              "T_c to 1.35 T_c; per-size: from T_c to "
                                              "1.35 T_c)."),
    networks: int = typer.Option(3, "--networks", help="Independently seeded networks per L "
                                                       "(ensemble)."),
    epochs: int = typer.Option(25, "--epochs", help="Most epochs per network (early "
                                                    "stopping may end sooner)."),
    patience: int = typer.Option(4, "--patience", help="Early-stopping patience (epochs)."),
    batch_size: int = typer.Option(64, "--batch-size", help="Minibatch size."),
    temperature_prior: TemperaturePrior | None = typer.Option(None, "--temperature-prior",
                                                              help=_PRIOR_HELP),
    threads: int = _THREADS,
    seed: int = typer.Option(0, "--seed", help="Seed."),
    from_dir: Path = typer.Option(Path("spinnet-phases-generate"), "--from",
                                  help="Directory holding data/ (from 'phases generate')."),
    out: Path = typer.Option(Path("spinnet-phases-train"), "--out",
                             help="Output directory (networks go to OUT/nets)."),
    overwrite: bool = _OVERWRITE,
) -> None:
    """Train classifiers on snapshots far from T_c.

    --protocol pooled (or --representation blocks, the default) trains one
    ensemble for every size (4x4 block spins of all sizes pooled); --protocol
    per-size (or --representation spins/energy) one ensemble per L. Early
    stopping on a validation split; a checkpoint per epoch (OUT/nets/checkpoints)
    lets an interrupted training resume. Writes train.csv and manifest.json.
    """
    from spinnet.experiments import phases as exp

    nets = _nets(net)
    proto, rep_ = _protocol(protocol, representation)
    spec = _model(model, Jh, Jv, Jd, J)
    sizes = _sizes(L)
    fm, pm = _window(fm_window, "--fm-window"), _window(pm_window, "--pm-window")
    _count(networks, "--networks")
    _count(epochs, "--epochs")
    _count(patience, "--patience")
    _count(batch_size, "--batch-size")
    _count(threads, "--threads")
    check_seed(seed)
    if not from_dir.is_dir():
        fail(f"{from_dir} is not a directory; run 'spinnet phases generate' first", "--from")
    out = out_dir(out)
    res = _call(exp.train, {"sizes": "--L", "data_dir": "--from", "threads": "--threads",
                            "protocol": "--protocol", "representation": "--representation",
                            "temperature_prior": "--temperature-prior"},
                "--fm-window" if fm_window else "--pm-window" if pm_window else "--from",
                from_dir, out, spec, nets, sizes=sizes, representation=rep_, protocol=proto,
                fm_window=fm, pm_window=pm, networks=networks, epochs=epochs,
                patience=patience, batch_size=batch_size,
                temperature_prior=temperature_prior.value if temperature_prior else None,
                seed=seed, threads=threads, overwrite=overwrite, on_kept=note_kept)
    print_table(f"{', '.join(nets)} on {spec.label} ({proto}, {rep_})", res["rows"],
                {"val_loss": ".4f", "val_accuracy": ".4f"})


def _paren(value: Any, err: Any) -> str:
    """``value(err)`` with two significant digits of the error: 2.2681(14), 0.989(27)."""
    import math

    try:
        v, e = float(value), float(err)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "nan"
    if not (math.isfinite(e) and e > 0):
        return f"{v:.4f}"
    n = max(0, 1 - math.floor(math.log10(e)))
    return f"{v:.{n}f}({round(e * 10 ** n)})"


def _show(title: str, rows: list[dict[str, Any]]) -> None:
    """The results as in the published tables: value(error) for T* and the three 1/nu."""
    if not rows:
        return
    table = []
    for r in rows:
        table.append({
            "network": r["network"], "input": r["input"], "protocol": r["protocol"],
            "train -> test": f"{r['train']} -> {r['test']}",
            "T*": _paren(r["T_star"], r["T_star_err"]), "T_c": f"{r['T_c_exact']:.4f}",
            "dev %": f"{r['rel_dev_T_pct']:+.2f}",
            "Delta/sigma": f"{abs(r['dev_over_err_T']):.1f}",
            "1/nu_s": _paren(r["inv_nu"], r["inv_nu_err"]),
            "1/nu_s-": _paren(r["inv_nu_minus"], r["inv_nu_minus_err"]),
            "1/nu_s+": _paren(r["inv_nu_plus"], r["inv_nu_plus_err"]),
            "1/nu exact": f"{r['inv_nu_exact']:.3f}"})
    print_table(title, table)


@phases_app.command("analyze")
def analyze_cmd(
    net: str = typer.Option("fcnn", "--net", help=_NET_HELP),
    protocol: Protocol | None = typer.Option(None, "--protocol",
                                             help="Use only networks of this protocol: "
                                                  "per-size (one ensemble per L) or pooled "
                                                  "(one for all sizes, block spins). "
                                                  "Default: the pooled ones if present, "
                                                  "else the per-size ones."),
    representation: Representation | None = typer.Option(
        None, "--representation", help="Input the networks were trained on (default: blocks; "
                                       "spins with --protocol per-size)."),
    train_model: ModelName = typer.Option(ModelName.ising, "--train-model",
                                          help="Model the networks were trained on "
                                               "(isotropic couplings)."),
    model: ModelName = _MODEL_OPTS["model"],
    Jh: float = _MODEL_OPTS["Jh"],
    Jv: float = _MODEL_OPTS["Jv"],
    Jd: float = _MODEL_OPTS["Jd"],
    J: float = _MODEL_OPTS["J"],
    L: str | None = typer.Option(None, "--L", help="Sizes (default: all with data and "
                                                   "networks)."),
    n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap replicates."),
    pca: bool = typer.Option(True, "--pca/--no-pca", help="PCA baseline (spin data)."),
    threads: int = _THREADS,
    seed: int = typer.Option(0, "--seed", help="Seed of the networks to use and of the "
                                               "bootstrap."),
    from_dir: Path = typer.Option(Path("spinnet-phases-train"), "--from",
                                  help="Directory holding nets/ (from 'phases train')."),
    data_dir: Path | None = typer.Option(None, "--data-dir",
                                         help="Directory holding the test data/ (default: "
                                              "the data the networks were trained on)."),
    out: Path = typer.Option(Path("spinnet-phases-analyze"), "--out",
                             help="Output directory."),
) -> None:
    """P(T; L), V(T; L), peak fits and FSS: the table network, T*, three 1/nu with errors.

    The test data are the --model options; the networks are those trained on
    --train-model with --net/--protocol/--representation/--seed. 1/nu comes
    from the Gaussian width sigma and from the half-widths sigma- and sigma+
    below and above the V peak (split-normal fit). Writes analysis.csv,
    table.csv (the published tables' columns), figures (P and V, FSS fits,
    data collapse, PCA Binder cumulants) and manifest.json.
    """
    from spinnet.experiments import phases as exp
    from spinnet.phases.data import ModelSpec

    nets = _nets(net)
    _, rep_ = _protocol(protocol, representation)
    if n_boot < 2:
        fail(f"--n-boot must be >= 2; got {n_boot}", "--n-boot")
    _count(threads, "--threads")
    spec = _model(model, Jh, Jv, Jd, J)
    sizes = _sizes(L)
    if not from_dir.is_dir():
        fail(f"{from_dir} is not a directory; run 'spinnet phases train' first", "--from")
    if data_dir is not None and not data_dir.is_dir():
        fail(f"{data_dir} is not a directory", "--data-dir")
    out = out_dir(out)
    res = _call(exp.analyze, {"sizes": "--L", "from_dir": "--from", "data_dir": "--data-dir",
                              "net": "--net", "threads": "--threads",
                              "protocol": "--protocol"}, "--from",
                from_dir, out, nets, data_dir=data_dir, representation=rep_,
                protocol=protocol.value if protocol else None,
                train_model=ModelSpec(train_model.value), model=spec, sizes=sizes,
                n_boot=n_boot, pca=pca, seed=seed, threads=threads)
    _show("Finite-size scaling of the network output variance", res["rows"])
    p = res["pca"]
    if p is not None:
        console.print(f"PCA baseline (Binder crossing of the first principal component, "
                      f"L = {p['L1']}/{p['L2']}): T_c = {p['T_c']:.4f} ± {p['T_c_err']:.4f}")


@phases_app.command("run")
def run_cmd(
    quick: bool = typer.Option(True, "--quick/--full",
                               help="Quick (default, about 2 min; with --protocol per-size "
                                    "L = 16,24,32, about 6 min): isotropic Ising, the --net "
                                    "networks and PCA. Full (about 18 min): also anisotropic "
                                    "Ising (Houtappel) and Baxter-Wu with cross-model "
                                    "transfer."),
    net: str = typer.Option("fcnn,cnn", "--net", help="Networks for the Ising table: " +
                                                      _NET_HELP),
    protocol: Protocol = typer.Option(Protocol.pooled, "--protocol",
                                      help="Ising networks: pooled (default; one ensemble on "
                                           "4x4 block spins for all sizes) or per-size (one "
                                           "ensemble per L on raw spins)."),
    transfer_net: str = typer.Option("fcnn", "--transfer-net",
                                     help="Networks of the Ising <-> Baxter-Wu transfer "
                                          "through energy configurations (--full only), one "
                                          "or a comma list."),
    networks: int | None = typer.Option(None, "--networks",
                                        help="Networks per size (default 3: one per "
                                             "label-window band)."),
    L: str | None = typer.Option(None, "--L",
                                 help="Ising sizes, divisible by 4 with --protocol pooled "
                                      "(default 16,24,32,48,64; 16,24,32 with --quick "
                                      "--protocol per-size)."),
    samples: int | None = typer.Option(None, "--samples", help="Ising snapshots per "
                                                               "temperature (default 600)."),
    epochs: int | None = typer.Option(None, "--epochs", help="Most epochs per network "
                                                             "(default 25)."),
    n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap replicates."),
    temperature_prior: TemperaturePrior | None = typer.Option(
        None, "--temperature-prior",
        help=_PRIOR_HELP.replace("Refused by the pooled protocol.",
                                 "Applies to --protocol per-size and the --full transfer.")),
    threads: int = _THREADS,
    seed: int = typer.Option(0, "--seed", help="Seed."),
    out: Path = typer.Option(Path("spinnet-phases-run"), "--out", help="Output directory."),
    overwrite: bool = _OVERWRITE,
) -> None:
    """Generate, train and analyse in one go (resumable: rerun the same command to continue).

    Writes ising.csv (network, T*, 1/nu with errors, PCA), anisotropic.csv,
    cross.csv, table.csv (the published tables' columns for every network row),
    generation.csv (autocorrelation times), figures and manifest.json.
    """
    from spinnet.experiments import phases as exp

    nets = _nets(net)
    transfer = _nets(transfer_net, "--transfer-net")
    _count(networks, "--networks")
    _count(samples, "--samples")
    _count(epochs, "--epochs")
    _count(threads, "--threads")
    if n_boot < 2:
        fail(f"--n-boot must be >= 2; got {n_boot}", "--n-boot")
    check_seed(seed)
    sizes = _sizes(L)
    if sizes is not None and len(sizes) < 3:
        fail(f"--L needs at least 3 sizes for finite-size scaling; got {L!r}", "--L")
    out = out_dir(out)
    res = _call(exp.run, {"sizes": "--L", "n_samples": "--samples", "threads": "--threads",
                          "protocol": "--protocol", "transfer_nets": "--transfer-net",
                          "temperature_prior": "--temperature-prior"},
                "--out", out, quick=quick, nets=nets, protocol=protocol.value,
                transfer_nets=transfer, networks=networks, sizes=sizes,
                n_samples=samples, epochs=epochs, n_boot=n_boot,
                temperature_prior=temperature_prior.value if temperature_prior else None,
                seed=seed, threads=threads, overwrite=overwrite, on_kept=note_kept)
    _show("Ising: networks trained and tested on the square lattice", res["ising"])
    _show("Transfer: trained on isotropic Ising, tested on anisotropic (Houtappel T_c)",
          res["anisotropic"])
    _show("Cross-model transfer through energy configurations", res["cross"])
    console.print(f"wall time {res['seconds']:.0f} s; tables in {out}")
