"""Variational autoregressive networks: free-energy scans, sampling and data training.

The pipelines behind ``spinnet van free-energy``, ``spinnet van sample`` and
``spinnet van train``. Every temperature of a scan is one unit of work: the VAN trains
with resume checkpoints in ``out/checkpoints/T=<T>``, and the finished row is written to
``out/points/T=<T>.json`` before the next temperature starts, so an interrupted (even
SIGKILLed) scan resumes to the same numbers.

References: Wu, Wang & Zhang, PRL 122, 080602 (2019); Nicoli et al., PRE 101, 023304
(2020) (neural importance sampling); Kaufman, Phys. Rev. 76, 1232 (1949) (exact finite
lattice ``F``).
"""

from __future__ import annotations

import json
import math
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet.experiments._errors import OptionError

__all__ = [
    "MODELS",
    "NETS",
    "build_model",
    "exact_free_energy",
    "load_van_data",
    "van_free_energy",
    "van_sample",
    "van_train",
]

MODELS = ("ising", "ea", "baxter-wu", "sk", "hopfield")
NETS = ("pixelcnn", "made")
LATTICE_MODELS = ("ising", "ea", "baxter-wu")


def build_model(model: str, *, L: int = 4, N: int = 16, J_h: float = 1.0, J_v: float = 1.0,
                p: int = 2, seed: int = 0) -> Any:
    """A spinnet model by name (``--model``): ising (``J_h``, ``J_v``), ea, baxter-wu, sk,
    hopfield (Hebbian couplings of ``p`` random patterns).

    Parameters
    ----------
    model : {"ising", "ea", "baxter-wu", "sk", "hopfield"}, default "ising"
        Model name.
    L : int, default 4
        Lattice side (ising, ea, baxter-wu; a multiple of 3 for baxter-wu).
    N : int, default 16
        Number of spins (sk, hopfield).
    J_h, J_v : float, default 1.0
        Horizontal and vertical couplings (ising).
    p : int, default 2
        Number of random patterns (hopfield).
    seed : int, default 0
        Seed of quenched couplings or patterns (ea, sk, hopfield).

    Returns
    -------
    SpinModel

    Raises
    ------
    OptionError
        Naming ``--model``, ``--L``, ``--N`` or ``--p``.
    """
    from spinnet.models.dense import DenseIsing, SherringtonKirkpatrick
    from spinnet.models.lattice import BaxterWu, EdwardsAnderson, SquareIsing

    if model not in MODELS:
        raise OptionError(f"--model must be one of {', '.join(MODELS)}; got {model!r}",
                          "--model")
    if model in LATTICE_MODELS:
        if L < 2:
            raise OptionError(f"--L must be >= 2; got {L}", "--L")
        if model == "ising":
            return SquareIsing(L, J_h=J_h, J_v=J_v)
        if model == "ea":
            return EdwardsAnderson(L, rng=seed)
        if L % 3:
            raise OptionError(f"--L must be a multiple of 3 for baxter-wu; got {L}", "--L")
        return BaxterWu(L)
    if N < 2:
        raise OptionError(f"--N must be >= 2; got {N}", "--N")
    if model == "sk":
        return SherringtonKirkpatrick(N, rng=seed)
    if p < 1:
        raise OptionError(f"--p must be >= 1; got {p}", "--p")
    from spinnet.hopfield.rules import hebbian

    xi = np.random.default_rng(seed).choice([-1, 1], size=(p, N)).astype(np.int8)
    return DenseIsing(hebbian(xi))


def exact_free_energy(model: Any, T: float) -> tuple[float, str]:
    """Exact ``F/N`` and its source: Kaufman for the isotropic square Ising model,
    enumeration for ``N <= 20``, else ``(nan, "")``.

    Parameters
    ----------
    model : SpinModel
        The model.
    T : float
        Temperature.

    Returns
    -------
    f : float
        ``F/N`` (NaN if unknown).
    source : {"kaufman", "enumeration", ""}
    """
    from spinnet.models.lattice import SquareIsing

    if (isinstance(model, SquareIsing) and model.J_h == model.J_v and model.J_d == 0
            and model.h == 0 and model.L >= 2):
        from spinnet.theory.ising import kaufman_log_z

        return -T * float(kaufman_log_z(model.L, T, J=model.J_h)) / model.n_spins, "kaufman"
    if model.n_spins <= 20:
        from spinnet.theory.enumeration import exact_averages

        return -T * exact_averages(model, T).log_z / model.n_spins, "enumeration"
    return math.nan, ""


def _build_net(net: str, model: Any, *, depth: int, width: int, half_kernel: int,
               z2: bool, seed: int) -> Any:
    import torch

    from spinnet.autoregressive import MADE, PixelCNN

    if net not in NETS:
        raise OptionError(f"--net must be one of {', '.join(NETS)}; got {net!r}", "--net")
    if depth < 1:
        raise OptionError(f"--depth must be >= 1; got {depth}", "--depth")
    if width < 1:
        raise OptionError(f"--width must be >= 1; got {width}", "--width")
    # Initial weights from the seed without touching torch's global generator.
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        if net == "made":
            return MADE(model.n_spins, depth=depth, width=width, z2=z2)
        L = getattr(model, "L", None)
        if L is None or L * L != model.n_spins:
            raise OptionError(f"--net pixelcnn needs an L x L lattice model; {model!r} is not "
                              "one (use --net made)", "--net")
        if half_kernel < 1:
            raise OptionError(f"--half-kernel must be >= 1; got {half_kernel}",
                              "--half-kernel")
        if half_kernel >= L:
            raise OptionError(f"--half-kernel must be < L = {L} (the helical boundary "
                              f"would let a site see later sites); got {half_kernel}",
                              "--half-kernel")
        return PixelCNN(L, depth=depth, width=width, half_kernel=half_kernel, z2=z2)


def _bounds(model: Any, T: float) -> tuple[float, float]:
    from spinnet.autoregressive.bounds import bethe_free_energy, naive_mean_field_free_energy
    from spinnet.models.base import DensePairwiseModel, SparsePairwiseModel

    if not isinstance(model, SparsePairwiseModel | DensePairwiseModel):
        return math.nan, math.nan
    mf = naive_mean_field_free_energy(model, T).free_energy
    bethe = bethe_free_energy(model, T)
    return mf, bethe.free_energy if bethe.converged else math.nan


def _rel(x: float, exact: float) -> float:
    return (x - exact) / abs(exact) if math.isfinite(exact) and exact != 0 else math.nan


def van_free_energy(*, model: str = "ising", L: int = 4, N: int = 16, J_h: float = 1.0,
                    J_v: float = 1.0, p: int = 2, temperatures: list[float] | None = None,
                    net: str = "pixelcnn", depth: int = 3, width: int = 16,
                    half_kernel: int = 3, z2: bool = True, steps: int = 1000,
                    batch_size: int = 500, lr: float = 1e-3, beta_anneal: float = 0.99,
                    samples: int = 10_000, seed: int = 0, out: Path = Path("spinnet-van"),
                    overwrite: bool = False, progress: ProgressCallback | None = None,
                    kept: Any = None) -> dict[str, Any]:
    """Train a VAN at each temperature; report ``F_q``, NIS ``F``, exact ``F`` and baselines.

    Writes ``free_energy.csv``, ``free_energy.png`` (relative error vs T, with naive mean
    field and Bethe), ``models/T=<T>/`` (trained VANs), resume state in ``checkpoints/`` and
    ``points/``.

    Parameters
    ----------
    model : {"ising", "ea", "baxter-wu", "sk", "hopfield"}, default "ising"
        Model name.
    L : int, default 4
        Lattice side (ising, ea, baxter-wu; a multiple of 3 for baxter-wu).
    N : int, default 16
        Number of spins (sk, hopfield).
    J_h, J_v : float, default 1.0
        Horizontal and vertical couplings (ising).
    p : int, default 2
        Number of random patterns (hopfield).
    temperatures : list of float or None, default None
        Temperatures (``None``: ``[2.0]``).
    net : {"pixelcnn", "made"}, default "pixelcnn"
        Autoregressive network.
    depth : int, default 3
        Masked layers (MADE) or convolutions (PixelCNN).
    width : int, default 16
        Hidden units per position (MADE) or channels (PixelCNN).
    half_kernel : int, default 3
        PixelCNN half kernel size ``K``.
    z2 : bool, default True
        Symmetrise ``q_sym(s) = [q(s) + q(-s)] / 2``.
    steps : int, default 1000
        Training steps per temperature.
    batch_size : int, default 500
        Samples per step (>= 2).
    lr : float, default 1e-3
        Adam step size.
    beta_anneal : float, default 0.99
        ``β_t = β (1 − beta_anneal^t)`` in the gradient (0 disables it).
    samples : int, default 10000
        Samples of the final estimates (>= 2).
    seed : int, default 0
        Seed.
    out : path, default Path("spinnet-van")
        Output directory.
    overwrite : bool, default False
        Discard the resume state of other settings.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.
    kept : callable or None, default None
        Called with a sentence saying what an interruption keeps.

    Returns
    -------
    dict
        ``rows`` (one per temperature: T, F_q/N, its error, F_NIS/N ± err, F_exact/N,
        relative errors, S/N, ⟨E⟩/N, ESS, wall time), ``files``, ``resumed``.

    Raises
    ------
    OptionError
        On a bad option (named).
    """
    import torch

    from spinnet._io import write_csv
    from spinnet.autoregressive import VAN
    from spinnet.plotting.hopfield import save_figure

    temperatures = list(temperatures or [2.0])
    if any(not (math.isfinite(T) and T > 0) for T in temperatures):
        raise OptionError(f"--T must be > 0; got {temperatures}", "--T")
    if steps < 0:
        raise OptionError(f"--steps must be >= 0; got {steps}", "--steps")
    if batch_size < 2:
        raise OptionError(f"--batch-size must be >= 2 (the REINFORCE baseline needs two "
                          f"samples); got {batch_size}", "--batch-size")
    if samples < 2:
        raise OptionError(f"--samples must be >= 2; got {samples}", "--samples")
    if not (math.isfinite(lr) and lr > 0):
        raise OptionError(f"--lr must be > 0; got {lr}", "--lr")
    if not 0 <= beta_anneal < 1:
        raise OptionError(f"--beta-anneal must be in [0, 1); got {beta_anneal}",
                          "--beta-anneal")
    m = build_model(model, L=L, N=N, J_h=J_h, J_v=J_v, p=p, seed=seed)
    settings = dict(model=model, L=L, N=m.n_spins, J_h=J_h, J_v=J_v, p=p, net=net,
                    depth=depth, width=width, half_kernel=half_kernel, z2=z2, steps=steps,
                    batch_size=batch_size, lr=lr, beta_anneal=beta_anneal, samples=samples,
                    seed=seed)
    _build_net(net, m, depth=depth, width=width, half_kernel=half_kernel, z2=z2, seed=seed)
    settings_file = out / "settings.json"
    if overwrite:
        for name in ("checkpoints", "points", "models"):
            shutil.rmtree(out / name, ignore_errors=True)
        settings_file.unlink(missing_ok=True)
    resumed = False
    if settings_file.exists():
        old = json.loads(settings_file.read_text())
        if old != json.loads(json.dumps(settings)):
            raise OptionError(f"--out {out} holds a run with other settings ({old}); pass "
                              "--overwrite to replace it", "--overwrite")
        resumed = True
    out.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(json.dumps(settings, indent=2) + "\n")
    rows = []
    for i, T in enumerate(temperatures):
        tag = f"T={T:g}"
        point = out / "points" / f"{tag}.json"
        if point.exists():
            rows.append(json.loads(point.read_text()))
            report(progress, "temperatures", i + 1, len(temperatures))
            continue
        t0 = time.perf_counter()
        threads = torch.get_num_threads()
        van = VAN(m, _build_net(net, m, depth=depth, width=width, half_kernel=half_kernel,
                                z2=z2, seed=seed + i))

        def step_progress(stage: str, done: int, total: int | None, tag: str = tag) -> None:
            report(progress, f"train {tag}", done, total)

        van.fit(T, n_steps=steps, batch_size=batch_size, beta_anneal=beta_anneal,
                learning_rate=lr, rng=seed + i, checkpoint=out / "checkpoints" / tag,
                checkpoint_every=max(1, min(100, steps // 10 or 1)), progress=step_progress)
        if kept is not None:
            kept(f"{i} of {len(temperatures)} temperatures finished, and the training "
                 f"checkpoints, in {out}")
        f, f_err = van.free_energy(samples, batch_size=batch_size, rng=seed + 1000 + i)
        nis = van.importance_sampling(samples, batch_size=batch_size, rng=seed + 2000 + i)
        van.save(out / "models" / tag)
        exact, source = exact_free_energy(m, T)
        mf, bethe = _bounds(m, T)
        h = van.history_
        row = {"T": T, "F_q": f, "F_q_err": f_err, "F_nis": nis.free_energy,
               "F_nis_err": nis.free_energy_err, "F_exact": exact, "rel_err_q": _rel(f, exact),
               "rel_err_nis": _rel(nis.free_energy, exact), "F_mf": mf, "F_bethe": bethe,
               "rel_err_mf": _rel(mf, exact), "rel_err_bethe": _rel(bethe, exact),
               "S": float(h["entropy"][-1]) if len(h) else math.nan,
               "E": float(h["energy"][-1]) if len(h) else math.nan,
               "E_nis": nis.energy, "abs_m_nis": nis.abs_magnetization, "ess": nis.ess,
               "exact_source": source, "seconds": time.perf_counter() - t0}
        torch.set_num_threads(threads)
        point.parent.mkdir(parents=True, exist_ok=True)
        tmp = point.with_suffix(".tmp")
        tmp.write_text(json.dumps(row) + "\n")
        tmp.replace(point)
        rows.append(row)
        report(progress, "temperatures", i + 1, len(temperatures))
    write_csv(out / "free_energy.csv", rows)
    files = ["free_energy.csv", "settings.json", "points", "checkpoints", "models"]
    if any(math.isfinite(r["F_exact"]) for r in rows):
        save_figure(free_energy_figure(rows, title=f"{model} N = {m.n_spins}, {net}"),
                    out / "free_energy.png")
        files.append("free_energy.png")
    return {"rows": rows, "files": files, "resumed": resumed, "settings": settings}


def free_energy_figure(rows: list[dict[str, Any]], title: str = "") -> Any:
    """Relative error ``|F - F_exact| / |F_exact|`` vs T: VAN bound, NIS, mean field, Bethe."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    T = np.array([r["T"] for r in rows])
    exact = np.array([r["F_exact"] for r in rows])
    for key, err, label, style in (("F_q", "F_q_err", "VAN bound $F_q$", "o-"),
                                   ("F_nis", "F_nis_err", "neural importance sampling", "s--"),
                                   ("F_mf", None, "naive mean field", "^:"),
                                   ("F_bethe", None, "Bethe", "v:")):
        y = np.abs(np.array([r[key] for r in rows]) - exact) / np.abs(exact)
        ok = np.isfinite(y) & (y > 0)
        if not ok.any():
            continue
        if err is not None:
            e = np.array([r[err] for r in rows]) / np.abs(exact)
            ax.errorbar(T[ok], y[ok], yerr=e[ok], fmt=style, capsize=3, label=label)
        else:
            ax.plot(T[ok], y[ok], style, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("temperature T")
    ax.set_ylabel(r"$|F - F_{\rm exact}| / |F_{\rm exact}|$")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def _configs_figure(x: np.ndarray, shape: tuple[int, int] | None, title: str) -> Any:
    from matplotlib.figure import Figure

    n = len(x)
    cols = min(n, 8)
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(1.4 * cols, 1.4 * rows + 0.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k < n:
            img = x[k].reshape(shape) if shape else x[k][None, :]
            ax.imshow(img, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    fig.suptitle(title)
    return fig


def _load_net(source: Path) -> Any:
    from spinnet.autoregressive import AutoregressiveNet

    if not source.exists():
        raise OptionError(f"{str(source)!r} does not exist", "--from")
    path = source
    if not (path / "config.json").exists():
        cands = sorted((source / "models").glob("*")) if (source / "models").is_dir() else []
        cands = cands or ([source / "model"] if (source / "model").is_dir() else [])
        if not cands:
            raise OptionError(f"{str(source)!r} holds no saved network (expected a "
                              "directory written by `spinnet van free-energy` or `van train`)",
                              "--from")
        path = cands[-1]
    try:
        return AutoregressiveNet.load(path), path
    except ValueError as exc:
        raise OptionError(str(exc), "--from") from None


def van_sample(*, source: Path, samples: int = 16, seed: int = 0,
               out: Path = Path("spinnet-van-sample")) -> dict[str, Any]:
    """Draw exact samples from a saved network; write ``samples.npy`` and ``samples.png``.

    Parameters
    ----------
    source : path
        A saved network or an output directory holding one.
    samples : int, default 16
        Number of samples (>= 1).
    seed : int, default 0
        Seed.
    out : path, default Path("spinnet-van-sample")
        Output directory.

    Returns
    -------
    dict
        ``rows`` (one summary row), ``files``, ``model_path``.
    """
    from spinnet.plotting.hopfield import save_figure

    if samples < 1:
        raise OptionError(f"--samples must be >= 1; got {samples}", "--samples")
    net, path = _load_net(Path(source))
    t0 = time.perf_counter()
    x, lq = net.sample(samples, rng=seed)
    secs = time.perf_counter() - t0
    x = x.numpy().astype(np.int8)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "samples.npy", x)
    side = math.isqrt(net.n_spins)
    shape = (side, side) if side * side == net.n_spins else None
    save_figure(_configs_figure(x[:64], shape, f"exact samples ({path.name})"),
                out / "samples.png")
    m = np.abs(x.mean(axis=1))
    rows = [{"samples": samples, "N": net.n_spins, "mean_log_q": float(lq.mean()),
             "mean_abs_m": float(m.mean()), "seconds": secs}]
    return {"rows": rows, "files": ["samples.npy", "samples.png"], "model_path": str(path)}


def load_van_data(data: str, data_dir: str | Path | None = None
                  ) -> tuple[np.ndarray, np.ndarray | None, tuple[int, int] | None, str]:
    """±1 training/test data: ``digits``, ``mnist`` (binarised at 0.5; t10k 8000/2000 split
    when the 60k set is absent) or a ``.npy`` file of ±1 rows.

    Parameters
    ----------
    data : str
        ``"digits"``, ``"mnist"`` or the path of a ``.npy`` file of ±1 rows.
    data_dir : str, path or None, default None
        Directory of the MNIST files.

    Returns
    -------
    x_train : ndarray of int8, shape (n_train, N)
        ±1 training rows.
    x_test : ndarray of int8, shape (n_test, N), or None
        ±1 test rows (``None`` when the source has none).
    shape : (int, int) or None
        Image shape of a row.
    source : str
        Name of the data source.
    """
    from spinnet.experiments.boltzmann import load_rbm_data
    from spinnet.spins import bits_to_spins

    if data in ("digits", "mnist"):
        d = load_rbm_data(data, data_dir)
        conv = [bits_to_spins(a.astype(np.int8)) if a is not None else None
                for a in (d.x_train, d.x_test)]
        return conv[0], conv[1], tuple(d.shape) if d.shape else None, d.source
    path = Path(data)
    if path.suffix != ".npy" or not path.is_file():
        raise OptionError(f"--data must be mnist, digits or an existing .npy file of ±1 rows; "
                          f"got {data!r}", "--data")
    try:
        x = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise OptionError(f"cannot read {data!r}: {exc}", "--data") from None
    if x.ndim != 2 or x.shape[0] < 2 or not np.issubdtype(x.dtype, np.number):
        raise OptionError(f"{data!r} must hold a 2-d numeric array (samples x spins); got "
                          f"shape {x.shape}, dtype {x.dtype}", "--data")
    if not np.all((x == 1) | (x == -1)):
        raise OptionError(f"{data!r} must hold only -1 and +1 (convert 0/1 data with "
                          "spinnet.spins.bits_to_spins)", "--data")
    side = math.isqrt(x.shape[1])
    return x.astype(np.int8), None, (side, side) if side * side == x.shape[1] else None, \
        str(path.resolve())


def van_train(*, data: str = "digits", data_dir: str | Path | None = None,
              net: str = "made", depth: int = 2, width: int = 4, half_kernel: int = 3,
              epochs: int = 10, batch_size: int = 100, lr: float = 1e-3, seed: int = 0,
              out: Path = Path("spinnet-van-train"),
              progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Maximum-likelihood training of an autoregressive net on ±1 data; exact test NLL.

    Writes ``model/`` (the network), ``history.csv``, ``samples.png``.

    Parameters
    ----------
    data : str, default "digits"
        ``"digits"``, ``"mnist"`` or a ``.npy`` file (see :func:`load_van_data`).
    data_dir : str, path or None, default None
        Directory of the MNIST files.
    net : {"made", "pixelcnn"}, default "made"
        Autoregressive network.
    depth : int, default 2
        Masked layers (MADE) or convolutions (PixelCNN).
    width : int, default 4
        Hidden units per position (MADE) or channels (PixelCNN).
    half_kernel : int, default 3
        PixelCNN half kernel size ``K``.
    epochs : int, default 10
        Training epochs (>= 1).
    batch_size : int, default 100
        Mini-batch size.
    lr : float, default 1e-3
        Adam step size.
    seed : int, default 0
        Seed.
    out : path, default Path("spinnet-van-train")
        Output directory.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``.

    Returns
    -------
    dict
        ``rows`` (one summary row: train/test log-likelihood per sample in nats, with the
        test's standard error), ``files``, ``history``.
    """
    import torch

    from spinnet._io import write_csv
    from spinnet.plotting.hopfield import save_figure

    if epochs < 1:
        raise OptionError(f"--epochs must be >= 1; got {epochs}", "--epochs")
    if batch_size < 1:
        raise OptionError(f"--batch-size must be >= 1; got {batch_size}", "--batch-size")
    if not (math.isfinite(lr) and lr > 0):
        raise OptionError(f"--lr must be > 0; got {lr}", "--lr")
    x_train, x_test, shape, source = load_van_data(data, data_dir)

    class _Shape:
        n_spins = x_train.shape[1]
        L = shape[0] if shape and shape[0] == shape[1] else None

    model = _Shape()
    if net == "pixelcnn" and model.L is None:
        raise OptionError("--net pixelcnn needs square images; use --net made", "--net")
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        q = _build_net(net, model, depth=depth, width=width, half_kernel=half_kernel,
                       z2=False, seed=seed)
    t0 = time.perf_counter()
    q.fit(x_train, epochs=epochs, batch_size=batch_size, learning_rate=lr, rng=seed,
          progress=progress)
    secs = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    q.save(out / "model")
    write_csv(out / "history.csv", q.history_.rows)
    ll_train = q.score_samples(x_train)
    row = {"data": Path(source).name, "N": int(x_train.shape[1]), "n_train": len(x_train),
           "epochs": epochs, "train_ll": float(ll_train.mean()), "test_ll": math.nan,
           "test_ll_err": math.nan, "seconds": secs, "parameters": q.n_parameters()}
    if x_test is not None:
        ll = q.score_samples(x_test)
        row.update(n_test=len(x_test), test_ll=float(ll.mean()),
                   test_ll_err=float(ll.std(ddof=1) / math.sqrt(len(ll))))
    x, _ = q.sample(32, rng=seed)
    save_figure(_configs_figure(x.numpy(), shape, "exact samples"), out / "samples.png")
    return {"rows": [row], "files": ["model", "history.csv", "samples.png"],
            "history": q.history_.rows}
