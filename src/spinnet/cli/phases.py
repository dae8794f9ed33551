"""``spinnet phases ...``: machine learning of phase transitions (generate, train, analyze, run)."""

from __future__ import annotations

import math
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from spinnet.cli._common import console, fail, out_dir, print_table

phases_app = typer.Typer(help="Learn phase transitions from Monte Carlo snapshots: T_c and nu "
                              "by finite-size scaling of classifier outputs.",
                         no_args_is_help=True)


class ModelName(StrEnum):
    ising = "ising"
    baxter_wu = "baxter-wu"


class Net(StrEnum):
    fcnn = "fcnn"
    cnn = "cnn"
    resnet = "resnet"


class Representation(StrEnum):
    spins = "spins"
    energy = "energy"
    blocks = "blocks"


def _threads(threads: int) -> None:
    import torch

    if threads < 1:
        fail(f"--threads must be >= 1; got {threads}", "--threads")
    torch.set_num_threads(threads)


def _ints(text: str, param: str) -> list[int]:
    try:
        values = [int(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        fail(f"{param} must be a comma-separated list of integers; got {text!r}", param)
    if not values:
        fail(f"{param} must not be empty", param)
    return values


def _floats(text: str, param: str) -> list[float]:
    try:
        values = [float(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        fail(f"{param} must be a comma-separated list of numbers; got {text!r}", param)
    if not values or not all(math.isfinite(v) for v in values):
        fail(f"{param} must hold finite numbers; got {text!r}", param)
    return values


def _window(text: str | None, default: tuple[float, float], param: str) -> tuple[float, float]:
    if text is None:
        return default
    v = _floats(text, param)
    if len(v) != 2 or v[0] > v[1]:
        fail(f"{param} must be 'T_low,T_high' with T_low <= T_high; got {text!r}", param)
    return v[0], v[1]


def _model(model: ModelName, J_h: float, J_v: float, J_d: float, J: float) -> Any:
    from spinnet.phases.data import ModelSpec

    try:
        return ModelSpec(model.value, J_h=J_h, J_v=J_v, J_d=J_d, J=J)
    except (TypeError, ValueError) as exc:
        fail(str(exc), "--model")


def _datasets(out: Path, model: Any, sizes: list[int] | None) -> dict[int, Any]:
    from spinnet.phases.data import load
    from spinnet.phases.pipeline import model_tag

    tag = model_tag(model)
    files = sorted((out / "data").glob(f"{tag}_L*.h5"))
    found = {}
    for f in files:
        try:
            found[int(f.stem.rsplit("_L", 1)[1])] = f
        except ValueError:
            continue
    if sizes is not None:
        missing = [L for L in sizes if L not in found]
        if missing:
            fail(f"no data for {model.label} at L = {missing} under {out / 'data'}; run "
                 "'spinnet phases generate' first", "--sizes")
        found = {L: found[L] for L in sizes}
    if not found:
        fail(f"no data files {tag}_L*.h5 under {out / 'data'}; run 'spinnet phases generate' "
             "first", "--out")
    try:
        return {L: load(p) for L, p in sorted(found.items())}
    except (TypeError, ValueError) as exc:
        fail(str(exc), "--out")
    raise AssertionError  # unreachable: fail() raises


_MODEL_OPTS = dict(
    model=typer.Option(ModelName.ising, "--model", help="ising (square, anisotropic, "
                                                        "diagonal) or baxter-wu."),
    J_h=typer.Option(1.0, "--J-h", help="Ising horizontal coupling."),
    J_v=typer.Option(1.0, "--J-v", help="Ising vertical coupling."),
    J_d=typer.Option(0.0, "--J-d", help="Ising diagonal coupling (r,c)-(r+1,c+1)."),
    J=typer.Option(1.0, "--J", help="Baxter-Wu three-spin coupling."),
)


@phases_app.command("generate")
def generate_cmd(
    model: ModelName = _MODEL_OPTS["model"],
    J_h: float = _MODEL_OPTS["J_h"],
    J_v: float = _MODEL_OPTS["J_v"],
    J_d: float = _MODEL_OPTS["J_d"],
    J: float = _MODEL_OPTS["J"],
    sizes: str = typer.Option("16,24,32,48,64", "--sizes", help="Lattice sizes L (>= 4; "
                                                                "multiples of 3 for "
                                                                "Baxter-Wu)."),
    temperatures: str | None = typer.Option(None, "--temperatures",
                                            help="Comma-separated temperatures (default: a "
                                                 "grid dense around the exact T_c plus the "
                                                 "default label windows)."),
    samples: int | None = typer.Option(None, "--samples", help="Snapshots per temperature."),
    chains: int | None = typer.Option(None, "--chains", help="Chains per temperature."),
    per_chunk: int | None = typer.Option(None, "--per-chunk",
                                         help="Snapshots per chain per chunk."),
    sweeps_between: int | None = typer.Option(None, "--sweeps-between",
                                              help="Sweeps between snapshots."),
    thermalize: int | None = typer.Option(None, "--thermalize", help="Discarded sweeps."),
    quick: bool = typer.Option(False, "--quick", help="Coarser grid, fewer snapshots."),
    seed: int = typer.Option(0, "--seed", help="Seed (stored; a rerun resumes the same "
                                               "chains)."),
    out: Path = typer.Option(Path("spinnet-phases"), "--out", help="Output directory "
                                                                   "(files go to OUT/data)."),
) -> None:
    """Generate equilibrium snapshots (resumable HDF5, one file per L).

    Swendsen-Wang for Ising, checkerboard Metropolis for Baxter-Wu. Rerunning
    the same command after an interruption continues from the last chunk.
    Writes OUT/data/<model>_L<L>.h5, generate.csv (autocorrelation times) and
    manifest.json.
    """
    import dataclasses

    import numpy as np
    from rich.progress import Progress

    from spinnet._io import write_csv, write_manifest
    from spinnet.phases.data import load
    from spinnet.phases.pipeline import default_config, default_grid, generate_sizes

    started = time.time()
    spec = _model(model, J_h, J_v, J_d, J)
    Ls = _ints(sizes, "--sizes")
    if seed < 0:
        fail(f"--seed must be >= 0; got {seed}", "--seed")
    cfg = default_config(spec, quick=quick)
    overrides = {k: v for k, v in (("n_samples", samples), ("n_chains", chains),
                                   ("snapshots_per_chunk", per_chunk),
                                   ("sweeps_between", sweeps_between),
                                   ("n_thermalize", thermalize)) if v is not None}
    try:
        cfg = dataclasses.replace(cfg, **overrides)
        grid = (np.array(_floats(temperatures, "--temperatures")) if temperatures
                else default_grid(spec, quick=quick))
    except (TypeError, ValueError) as exc:
        fail(str(exc))
    out = out_dir(out)
    rows = []
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("generating", total=None)

        def progress(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        try:
            for L in Ls:
                t0 = time.perf_counter()
                paths = generate_sizes(out, spec, [L], grid, cfg, seed, progress=progress)
                d = load(paths[L])
                rows.append({"model": spec.label, "L": L, "n_T": len(d.temperatures),
                             "n_samples": d.n_samples, "sampler": d.attrs["sampler"],
                             "sweeps_between": d.attrs["sweeps_between"],
                             "tau_E_max": float(np.nanmax(d.tau_energy)),
                             "tau_abs_m_max": float(np.nanmax(d.tau_abs_m)),
                             "seconds": time.perf_counter() - t0,
                             "file": str(paths[L].relative_to(out))})
        except (TypeError, ValueError) as exc:
            fail(str(exc))
    print_table(f"{spec.label}: snapshots (tau in units of the snapshot spacing)", rows,
                {"tau_E_max": ".2f", "tau_abs_m_max": ".2f", "seconds": ".1f"})
    write_csv(out / "generate.csv", rows)
    write_manifest(out, "phases generate", dict(model=spec.to_dict(), sizes=Ls, seed=seed,
                                                config=dataclasses.asdict(cfg),
                                                temperatures=list(map(float, grid))),
                   started, ["generate.csv", "manifest.json"] + [r["file"] for r in rows])


@phases_app.command("train")
def train_cmd(
    net: str = typer.Option("fcnn", "--net", help="fcnn, cnn or resnet."),
    model: ModelName = _MODEL_OPTS["model"],
    J_h: float = _MODEL_OPTS["J_h"],
    J_v: float = _MODEL_OPTS["J_v"],
    J_d: float = _MODEL_OPTS["J_d"],
    J: float = _MODEL_OPTS["J"],
    sizes: str | None = typer.Option(None, "--sizes", help="Sizes to train (default: all "
                                                           "generated)."),
    representation: Representation = typer.Option(
        Representation.blocks, "--representation",
        help="Network input: blocks (4x4 majority-rule block spins; one network for all "
             "sizes), spins (one network per size) or local energy configurations."),
    fm_window: str | None = typer.Option(None, "--fm-window",
                                         help="'T_low,T_high' labelled ferromagnetic, for "
                                              "every network (default: network k gets "
                                              "0.70 T_c to (1 - b_k) T_c, b = 0.10, 0.08, "
                                              "0.12)."),
    pm_window: str | None = typer.Option(None, "--pm-window",
                                         help="'T_low,T_high' labelled paramagnetic, for "
                                              "every network (default: (1 + b_k) T_c to "
                                              "1.35 T_c)."),
    networks: int = typer.Option(3, "--networks", help="Independently seeded networks per L "
                                                       "(ensemble)."),
    epochs: int = typer.Option(25, "--epochs", help="Maximum epochs."),
    patience: int = typer.Option(4, "--patience", help="Early-stopping patience (epochs)."),
    batch_size: int = typer.Option(64, "--batch-size", help="Minibatch size."),
    threads: int = typer.Option(1, "--threads", help="torch threads."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    out: Path = typer.Option(Path("spinnet-phases"), "--out", help="Directory holding data/; "
                                                                   "nets go to OUT/nets."),
) -> None:
    """Train classifiers on snapshots far from T_c.

    With --representation blocks (default) one ensemble serves every size (4x4
    block spins of all sizes pooled); otherwise one ensemble per L. Early
    stopping on a validation split; a checkpoint per epoch (OUT/nets/checkpoints)
    lets an interrupted training resume. Writes train.csv and manifest.json.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.phases.networks import NETS
    from spinnet.phases.pipeline import train_networks, window_ensemble

    started = time.time()
    if net not in NETS:
        fail(f"--net must be one of {list(NETS)}; got {net!r}", "--net")
    _threads(threads)
    spec = _model(model, J_h, J_v, J_d, J)
    if networks < 1:
        fail(f"--networks must be >= 1; got {networks}", "--networks")
    out = out_dir(out)
    ensemble = window_ensemble(spec, networks)
    if fm_window is None and pm_window is None:
        windows = ensemble
    else:
        windows = [(_window(fm_window, ensemble[0][0], "--fm-window"),
                    _window(pm_window, ensemble[0][1], "--pm-window"))]
    ds = _datasets(out, spec, _ints(sizes, "--sizes") if sizes else None)
    try:
        clfs = train_networks(out, ds, net, windows, representation=representation.value,
                              n_networks=networks, seed=seed, max_epochs=epochs,
                              patience=patience, batch_size=batch_size)
    except (TypeError, ValueError) as exc:
        fail(str(exc))
    rows = [{"L": L, "network": k, "fm_window": "{:g}-{:g}".format(*c.info["fm_window"]),
             "pm_window": "{:g}-{:g}".format(*c.info["pm_window"]), "epochs": c.info["epochs"],
             "val_loss": c.info["best_val_loss"], "val_accuracy": c.info["val_accuracy"],
             "n_train": c.info["n_train"]}
            for L, cl in clfs.items() for k, c in enumerate(cl)]
    print_table(f"{net} on {spec.label} ({representation.value})", rows,
                {"val_loss": ".4f", "val_accuracy": ".4f"})
    write_csv(out / "train.csv", rows)
    write_manifest(out, "phases train", dict(net=net, model=spec.to_dict(),
                                             windows=[[list(fm), list(pm)] for fm, pm in windows],
                                             networks=networks, epochs=epochs,
                                             patience=patience, batch_size=batch_size,
                                             seed=seed,
                                             representation=representation.value),
                   started, ["train.csv", "manifest.json"])


def _result_rows(results: list[Any]) -> list[dict[str, Any]]:
    return [r.row() for r in results]


_SHOW = ("network", "input", "train", "test", "T_star", "T_star_err", "T_c_exact",
         "rel_dev_T_pct", "dev_over_err_T", "inv_nu", "inv_nu_err", "inv_nu_exact",
         "rel_dev_inv_nu_pct")
_FMT = {"T_star": ".4f", "T_star_err": ".4f", "T_c_exact": ".4f", "rel_dev_T_pct": "+.2f",
        "dev_over_err_T": "+.1f", "inv_nu": ".3f", "inv_nu_err": ".3f", "inv_nu_exact": ".3f",
        "rel_dev_inv_nu_pct": "+.1f", "T_c": ".4f", "T_c_err": ".4f"}


def _show(title: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        print_table(title, [{k: r[k] for k in _SHOW} for r in rows], _FMT)


def _figures(out: Path, name: str, r: Any) -> list[str]:
    from spinnet._io import write_csv
    from spinnet.plotting.phases import collapse_figure, fss_figure, pv_figure, save_figure

    title = f"{r.net} ({r.representation}) trained on {r.train_label}, tested on {r.test_label}"
    write_csv(out / f"{name}_peaks.csv",
              [{"L": p.L, "mu": p.mu, "mu_err": p.mu_err, "sigma": p.sigma,
                "sigma_err": p.sigma_err, "V_max": p.amplitude} for p in r.peaks])
    files = [f"{name}_peaks.csv", f"{name}_PV.png"]
    save_figure(pv_figure(r.peaks, r.T_c, title=title), out / f"{name}_PV.png")
    if r.fss is not None:
        save_figure(fss_figure(r.peaks, r.fss, r.T_c, title=title, T_star_err=r.T_star_err,
                               inv_nu_err=r.inv_nu_err), out / f"{name}_fss.png")
        save_figure(collapse_figure(r.peaks, r.fss.T_star, r.fss.inv_nu, title=title),
                    out / f"{name}_collapse.png")
        files += [f"{name}_fss.png", f"{name}_collapse.png"]
    return files


@phases_app.command("analyze")
def analyze_cmd(
    net: str = typer.Option("fcnn", "--net", help="fcnn, cnn or resnet."),
    representation: Representation = typer.Option(Representation.blocks, "--representation",
                                                  help="Input the networks were trained on."),
    train_model: ModelName = typer.Option(ModelName.ising, "--train-model",
                                          help="Model the networks were trained on "
                                               "(isotropic couplings)."),
    model: ModelName = _MODEL_OPTS["model"],
    J_h: float = _MODEL_OPTS["J_h"],
    J_v: float = _MODEL_OPTS["J_v"],
    J_d: float = _MODEL_OPTS["J_d"],
    J: float = _MODEL_OPTS["J"],
    sizes: str | None = typer.Option(None, "--sizes", help="Sizes (default: all with data "
                                                           "and networks)."),
    n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap replicates."),
    pca: bool = typer.Option(True, "--pca/--no-pca", help="PCA baseline (spin data)."),
    threads: int = typer.Option(1, "--threads", help="torch threads."),
    seed: int = typer.Option(0, "--seed", help="Seed of the networks to use and of the "
                                               "bootstrap."),
    out: Path = typer.Option(Path("spinnet-phases"), "--out", help="Directory holding data/ "
                                                                   "and nets/."),
) -> None:
    """P(T; L), V(T; L), peak fits and FSS: the table network, T*, 1/nu with errors.

    The test data are the --model options; the networks are those trained on
    --train-model with --net/--representation/--seed. Writes analysis.csv,
    figures (P and V, FSS fits, data collapse, PCA Binder cumulants) and
    manifest.json.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.phases.data import ModelSpec
    from spinnet.phases.networks import NETS
    from spinnet.phases.pipeline import evaluate, load_networks, model_tag, pca_baseline
    from spinnet.plotting.phases import binder_figure, save_figure

    started = time.time()
    if net not in NETS:
        fail(f"--net must be one of {list(NETS)}; got {net!r}", "--net")
    if n_boot < 2:
        fail(f"--n-boot must be >= 2; got {n_boot}", "--n-boot")
    _threads(threads)
    spec = _model(model, J_h, J_v, J_d, J)
    train_spec = ModelSpec(train_model.value)
    out = out_dir(out)
    ds = _datasets(out, spec, _ints(sizes, "--sizes") if sizes else None)
    try:
        clfs = load_networks(out, net, representation.value, train_spec, sorted(ds), seed)
    except ValueError as exc:
        fail(str(exc), "--out")
    if not clfs:
        fail(f"no {net} networks ({representation.value}, trained on {train_spec.label}, "
             f"seed {seed}) under {out / 'nets'}; run 'spinnet phases train' first", "--net")
    own = train_spec.to_dict() == spec.to_dict()
    try:
        r = evaluate(clfs, ds, held_out=own, n_boot=n_boot, seed=seed,
                     train_label=train_spec.label)
    except (TypeError, ValueError) as exc:
        fail(str(exc))
    rows = [r.row()]
    _show("Finite-size scaling of the network output variance", rows)
    name = f"{net}_{representation.value}_{model_tag(train_spec)}_on_{model_tag(spec)}"
    files = ["analysis.csv", "manifest.json", *_figures(out, name, r)]
    summary: dict[str, Any] = {"table": rows}
    if pca and representation.value == "spins" and len(ds) >= 2:
        p = pca_baseline(ds, n_boot=n_boot, rng=seed)
        console.print(f"PCA baseline (Binder crossing of the first principal component, "
                      f"L = {p['L1']}/{p['L2']}): "
                      f"T_c = {p['T_c']:.4f} ± {p['T_c_err']:.4f}")
        save_figure(binder_figure(p["temperatures"], p["binder"], p["T_c"],
                                  title=f"PCA baseline, {spec.label}"),
                    out / f"pca_{model_tag(spec)}.png")
        files.append(f"pca_{model_tag(spec)}.png")
        summary["pca"] = {k: p[k] for k in ("T_c", "T_c_err", "pairs")}
        rows.append({**{k: float("nan") for k in rows[0]}, "network": "pca",
                     "input": "spins", "train": "-", "test": spec.label, "T_star": p["T_c"],
                     "T_star_err": p["T_c_err"], "T_c_exact": spec.critical_temperature,
                     "rel_dev_T_pct": 100 * (p["T_c"] - spec.critical_temperature)
                     / spec.critical_temperature, "sizes": "", "note": "Binder crossing"})
    write_csv(out / "analysis.csv", rows)
    write_manifest(out, "phases analyze", dict(net=net, representation=representation.value,
                                               train_model=train_spec.to_dict(),
                                               model=spec.to_dict(), n_boot=n_boot,
                                               seed=seed), started, files, summary=summary)


@phases_app.command("run")
def run_cmd(
    quick: bool = typer.Option(False, "--quick/--full",
                               help="Quick: isotropic Ising, FCNN and CNN, PCA. Full: also "
                                    "anisotropic Ising (Houtappel) and Baxter-Wu with "
                                    "cross-model transfer."),
    nets: str = typer.Option("fcnn,cnn", "--nets", help="Networks for the Ising table."),
    networks: int | None = typer.Option(None, "--networks",
                                        help="Networks per size (default 3: one per "
                                             "label-window band)."),
    threads: int = typer.Option(1, "--threads", help="torch threads."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    out: Path = typer.Option(Path("spinnet-phases"), "--out", help="Output directory."),
) -> None:
    """Generate, train and analyse in one go (resumable: rerun to continue).

    Writes ising.csv (network, T*, 1/nu with errors, PCA), anisotropic.csv,
    cross.csv, generation.csv (autocorrelation times), figures and manifest.json.
    """
    import dataclasses

    from spinnet._io import write_csv, write_manifest
    from spinnet.phases.networks import NETS
    from spinnet.phases.pipeline import RunPlan, run_all
    from spinnet.plotting.phases import binder_figure, save_figure, transfer_figure

    started = time.time()
    _threads(threads)
    net_list = tuple(v for v in nets.replace(" ", "").split(",") if v)
    bad = [n for n in net_list if n not in NETS]
    if bad or not net_list:
        fail(f"--nets must be a comma-separated subset of {list(NETS)}; got {nets!r}",
             "--nets")
    plan = RunPlan.quick_plan() if quick else RunPlan.full_plan()
    plan = dataclasses.replace(plan, nets=net_list)
    if networks is not None:
        if networks < 1:
            fail(f"--networks must be >= 1; got {networks}", "--networks")
        plan = dataclasses.replace(plan, n_networks=networks)
    out = out_dir(out)
    try:
        res = run_all(out, plan, seed=seed, progress=lambda m: console.print(m))
    except (TypeError, ValueError) as exc:
        fail(str(exc))
    files = ["manifest.json", "generation.csv"]
    write_csv(out / "generation.csv", res["generation"])
    ising_rows = [r.row() for r in res["ising"].values()]
    for name, r in res["ising"].items():
        files += _figures(out, f"{name}_ising", r)
    if "pca" in res:
        p = res["pca"]
        ising_rows.append({**{k: float("nan") for k in ising_rows[0]}, "network": "pca",
                           "input": "spins", "train": "-", "test": "Ising",
                           "T_star": p["T_c"], "T_star_err": p["T_c_err"],
                           "T_c_exact": res["ising"][net_list[0]].T_c,
                           "rel_dev_T_pct": 100 * (p["T_c"] - res["ising"][net_list[0]].T_c)
                           / res["ising"][net_list[0]].T_c, "sizes": "",
                           "note": "Binder crossing of PC1"})
        save_figure(binder_figure(p["temperatures"], p["binder"], p["T_c"],
                                  title="PCA baseline, Ising"), out / "pca_ising.png")
        files.append("pca_ising.png")
    _show("Ising: networks trained and tested on the square lattice", ising_rows)
    write_csv(out / "ising.csv", ising_rows)
    files.append("ising.csv")
    if res["anisotropic"]:
        rows = [r.row() for r in res["anisotropic"]]
        _show("Transfer: trained on isotropic Ising, tested on anisotropic (Houtappel T_c)",
              rows)
        write_csv(out / "anisotropic.csv", rows)
        save_figure(transfer_figure(rows, title="isotropic-trained networks on anisotropic "
                                                "Ising"), out / "anisotropic.png")
        files += ["anisotropic.csv", "anisotropic.png"]
    if res["cross"]:
        rows = [r.row() for r in res["cross"]]
        _show("Cross-model transfer through energy configurations", rows)
        write_csv(out / "cross.csv", rows)
        files.append("cross.csv")
        for r in res["cross"]:
            files += _figures(out, f"cross_{r.train_label}_on_{r.test_label}".replace(" ", ""),
                              r)
    elapsed = time.time() - started
    console.print(f"wall time {elapsed:.0f} s")
    write_manifest(out, "phases run", dict(quick=quick, nets=list(net_list),
                                           networks=plan.n_networks, seed=seed,
                                           threads=threads,
                                           ising_sizes=list(plan.ising_sizes),
                                           baxter_wu_sizes=list(plan.baxter_wu_sizes)),
                   started, files, summary={"ising": ising_rows,
                                            "wall_seconds": round(elapsed, 1)})
