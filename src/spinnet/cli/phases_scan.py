"""``spinnet phases scan``: networks trained on the isotropic Ising model, tested across a
diagonal coupling ``J_d`` (Houtappel's T_c, Stephenson's disorder line).

Parses, calls :func:`spinnet.experiments.phases_scan.scan` (imported when the
command runs), prints the table and writes ``scan.csv``, ``scan.png`` and
``manifest.json`` under ``--out``.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from spinnet.cli._common import (
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

_FMT = {"J_d": "+.3f", "T_c": ".4f", "T_d": ".3f", "T_d_over_T_c": ".3f", "T_star": ".4f",
        "T_star_err": ".4f", "dev_%": "+.2f", "dev_%_err": ".2f", "inv_nu": ".3f",
        "inv_nu_err": ".3f", "tau_pilot": ".0f", "mu_Lmax": ".4f", "mu_Lmax_dev_%": "+.2f",
        "tau_snapshots": ".1f"}
_SHOW = ("network", "J_d", "T_c", "T_d", "T_d_over_T_c", "T_star", "T_star_err", "dev_pct",
         "dev_pct_err", "inv_nu", "inv_nu_err", "mu_Lmax", "mu_Lmax_dev_pct", "sweeps_between",
         "tau_pilot", "tau_snapshots")


def scan(
    Jd: str = typer.Option("-0.45:1:8", "--Jd", help="Diagonal couplings (J_h = J_v = 1): "
                                                     "one value, a comma list or lo:hi:n; "
                                                     "each > -1."),
    quick: bool = typer.Option(True, "--quick/--full",
                               help="Quick (default, about 5 min on 2 cores): test sizes "
                                    "16,20,24, 200 snapshots per temperature. Full: 16,24,32, "
                                    "400 snapshots (same 21-point grid around T_c)."),
    net: str = typer.Option("fcnn", "--net", help="Networks (one or a comma list)."),
    L: str | None = typer.Option(None, "--L", help="Test sizes, multiples of 4 (at least 3)."),
    from_dir: Path | None = typer.Option(None, "--from",
                                         help="Directory with isotropic data/ising_L*.h5 to "
                                              "train on (read only; default: generate them "
                                              "under --out at the test sizes)."),
    samples: int | None = typer.Option(None, "--samples", help="Snapshots per temperature."),
    networks: int | None = typer.Option(None, "--networks", help="Networks in the ensemble "
                                                                 "(default 3)."),
    epochs: int | None = typer.Option(None, "--epochs", help="Most epochs per network "
                                                             "(default 25)."),
    n_boot: int = typer.Option(200, "--n-boot", help="Bootstrap replicates."),
    threads: int = typer.Option(1, "--threads", help="torch threads."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    out: Path = typer.Option(Path("spinnet-phases-scan"), "--out", help="Output directory."),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace stored data/networks made with other "
                                        "parameters instead of refusing."),
) -> None:
    """Anisotropy scan: T*/T_c(Houtappel) and 1/nu across J_d, the disorder line drawn.

    Trains pooled block-spin networks once on the isotropic square lattice,
    generates Swendsen-Wang data at each J_d around Houtappel's T_c and finds
    T* and 1/nu by finite-size scaling. Resumable: rerun the same command to
    continue. Writes scan.csv, scan.png and manifest.json.
    """
    from spinnet.experiments.phases import PhasesInputError
    from spinnet.phases.data import DataFileError, StoreConflict
    from spinnet.phases.networks import NETS

    started = time.time()
    values = parse_floats(Jd, "--Jd", minimum=-1.0, min_inclusive=False)
    nets = [v.strip() for v in net.split(",")]
    bad = [v for v in nets if v not in NETS]
    if bad or len(set(nets)) != len(nets):
        fail(f"--net must be one or a comma list (no repeats) of {list(NETS)}; got {net!r}",
             "--net")
    sizes = None
    if L is not None:
        sizes = parse_ints(L, "--L", minimum=4)
        if len(set(sizes)) != len(sizes) or len(sizes) < 3 or any(s % 4 for s in sizes):
            fail(f"--L needs at least 3 distinct multiples of 4; got {L!r}", "--L")
        sizes = sorted(sizes)
    for value, option in ((samples, "--samples"), (networks, "--networks"),
                          (epochs, "--epochs"), (threads, "--threads")):
        if value is not None and value < 1:
            fail(f"{option} must be >= 1; got {value}", option)
    if samples is not None and samples % 4:
        fail(f"--samples must be a multiple of 4 (the number of chains); got {samples}",
             "--samples")
    if n_boot < 2:
        fail(f"--n-boot must be >= 2; got {n_boot}", "--n-boot")
    check_seed(seed)
    if from_dir is not None and not (from_dir / "data").is_dir():
        fail(f"{from_dir} holds no data/ directory (isotropic data/ising_L*.h5)", "--from")
    out = out_dir(out)
    from spinnet.experiments.phases_scan import scan as run_scan

    options = {"J_d": "--Jd", "sizes": "--L", "train_sizes": "--from", "from_dir": "--from",
               "threads": "--threads"}
    try:
        with progress_bar(transient=True) as bar:
            res = run_scan(out, values, quick=quick, nets=nets, sizes=sizes,
                           from_dir=from_dir, n_samples=samples, networks=networks,
                           epochs=epochs, n_boot=n_boot, seed=seed, threads=threads,
                           overwrite=overwrite, progress=bar, on_kept=note_kept)
    except StoreConflict as exc:
        fail(f"{exc} (re-run with --overwrite to replace it)", "--overwrite")
    except PhasesInputError as exc:
        fail(str(exc), options.get(exc.parameter, "--Jd"))
    except DataFileError as exc:
        fail(f"{exc} (or re-run with --overwrite to generate it again)", "--overwrite")
    from spinnet._io import write_csv, write_manifest
    from spinnet.plotting.phases_scan import save_figure, scan_figure

    rows = res["rows"]
    write_csv(out / "scan.csv", rows)
    save_figure(scan_figure(rows, title="Trained on isotropic Ising, tested at J_h = J_v = 1, "
                                        "diagonal J_d"), out / "scan.png")
    write_manifest(out, "phases scan",
                   dict(J_d=values, net=nets, from_dir=None if from_dir is None
                        else str(from_dir), n_boot=n_boot, seed=seed, **res["plan"]),
                   started, ["scan.csv", "scan.png", "manifest.json"],
                   seconds=res["seconds"])
    table = [{k.replace("_pct", "_%"): r[k] for k in _SHOW} for r in rows]
    print_table("Anisotropy scan: T* of isotropic-trained networks vs Houtappel's T_c", table,
                _FMT)
    console.print(f"wall time {res['seconds']:.0f} s; table and figure in {out}")
