"""Boltzmann-machine pipelines: RBM train/eval/sample, DBN autoencoder, 4-2-4 encoder,
inverse Ising.

Each function runs one command of ``spinnet rbm|dbn|bm|inverse-ising``: it loads
data, trains or evaluates, writes its outputs and ``manifest.json`` into ``out``
and returns what the CLI prints. The CLI only parses options and prints.

Bad input that can only be detected here (a data source that does not exist, a
directory that is not a model, a checkpoint made with other settings) raises
:class:`OptionError`, a ``ValueError`` that names the CLI option to blame.

PyTorch is imported lazily (inside the functions), so importing this module is cheap.
"""

from __future__ import annotations

import hashlib
import math
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinnet._progress import ProgressCallback, report
from spinnet.experiments._errors import OptionError

__all__ = [
    "DIGITS_TRAIN",
    "MODEL_NAME",
    "OptionError",
    "RBMData",
    "bm_encoder",
    "dbn_train",
    "inverse_ising",
    "load_rbm_data",
    "rbm_eval",
    "rbm_sample",
    "rbm_train",
]

#: scikit-learn digits: the first 1500 images train, the remaining 297 test.
DIGITS_TRAIN = 1500
#: The saved model inside a ``spinnet rbm train`` output directory.
MODEL_NAME = "model"
#: The pretrained stack inside a ``spinnet dbn train`` output directory.
DBN_NAME = "dbn"
_MONITOR_WORK = 2**28
INVERSE_ALIASES = {"nmf": "naive_mean_field", "tap": "tap", "pl": "pseudo_likelihood",
                   "bl": "boltzmann_learning"}

KeptCallback = Callable[[str], None]


# ------------------------------------------------------------------------------ data
@dataclass
class RBMData:
    """Binary data for an RBM: ``{0, 1}`` float64 rows, labels where the source has them.

    Attributes
    ----------
    x_train : ndarray of float64, shape (n_train, n_visible)
        Training rows.
    x_test : ndarray of float64, shape (n_test, n_visible), or None
        Test rows (``None`` for a ``.npy`` source).
    y_train, y_test : ndarray of int, shape (n_train,) and (n_test,), or None
        Labels (digits, MNIST).
    shape : list of int or None
        Image shape of a row, for figures.
    source : str
        ``"digits"``, ``"mnist"`` or the ``.npy`` path.
    split : str or None, default None
        Which MNIST split was used.
    directory : str or None, default None
        Directory the MNIST files were read from.
    """

    x_train: np.ndarray
    x_test: np.ndarray | None
    y_train: np.ndarray | None
    y_test: np.ndarray | None
    shape: list[int] | None
    source: str
    split: str | None = None
    directory: str | None = None

    def describe(self) -> dict[str, Any]:
        """What a manifest and a saved model record about the data."""
        return {"data": self.source, "split": self.split, "directory": self.directory,
                "n_train": int(self.x_train.shape[0]),
                "n_test": 0 if self.x_test is None else int(self.x_test.shape[0])}


def _square_shape(n: int) -> list[int] | None:
    side = math.isqrt(n)
    return [side, side] if side * side == n else None


def load_rbm_data(data: str, data_dir: str | Path | None = None) -> RBMData:
    """Load ``digits``, ``mnist`` or a ``.npy`` file of 0/1 rows as binary data.

    ``digits`` (scikit-learn, ±1 from :func:`spinnet.datasets.digits`) is converted
    with :func:`spinnet.spins.spins_to_bits`: the first 1500 images train, the rest
    test. ``mnist`` uses :func:`spinnet.datasets.load_mnist_split` (the 60k training
    set when present, else the t10k 8000/2000 split), binarised at grey level 0.5.

    Parameters
    ----------
    data : str
        ``"digits"``, ``"mnist"`` or the path of a ``.npy`` file of 0/1 rows,
        shape (n, n_visible).
    data_dir : str, path or None, default None
        Directory of the MNIST files (``None``: the default search path).

    Returns
    -------
    RBMData

    Raises
    ------
    OptionError
        Naming ``--data`` or ``--data-dir``.
    """
    from spinnet import datasets
    from spinnet.spins import spins_to_bits

    if data == "digits":
        x, y = datasets.digits()
        x = spins_to_bits(x).astype(np.float64)
        return RBMData(x[:DIGITS_TRAIN], x[DIGITS_TRAIN:], y[:DIGITS_TRAIN], y[DIGITS_TRAIN:],
                       list(datasets.DIGITS_SHAPE), "digits")
    if data == "mnist":
        from spinnet.datasets.mnist import MnistNotFoundError, load_mnist_split

        try:
            split = load_mnist_split(data_dir)
        except (MnistNotFoundError, OSError, ValueError) as exc:
            raise OptionError(str(exc), "--data-dir") from None

        def binary(raw: np.ndarray) -> np.ndarray:
            return (raw.reshape(len(raw), -1).astype(np.float64) / 255.0 > 0.5).astype(
                np.float64)

        return RBMData(binary(split.x_train), binary(split.x_test), split.y_train,
                       split.y_test, list(datasets.MNIST_SHAPE), "mnist", split.split,
                       str(split.directory))
    path = Path(data)
    if not path.is_file():
        raise OptionError(f"{data!r} is neither 'mnist', 'digits' nor an existing .npy file",
                          "--data")
    try:
        x = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise OptionError(f"cannot read {data!r} as a .npy array: {exc}", "--data") from None
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise OptionError(f"{data!r} must hold a 2-d array (samples × units); got shape "
                          f"{x.shape}", "--data")
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise OptionError(f"{data!r} must hold numbers; got dtype {x.dtype}", "--data")
    x = x.astype(np.float64)
    if not np.all((x == 0) | (x == 1)):
        raise OptionError(f"{data!r} must hold only 0 and 1 (binary rows; convert ±1 spins "
                          "with spinnet.spins.spins_to_bits)", "--data")
    return RBMData(x, None, None, None, _square_shape(x.shape[1]), str(path.resolve()))


def _grid(images: np.ndarray, shape: list[int] | None, path: Path, title: str,
          symmetric: bool = False, columns: int | None = None) -> bool:
    from spinnet.plotting.boltzmann import image_grid
    from spinnet.plotting.hopfield import save_figure

    if shape is None:
        return False
    save_figure(image_grid(images, tuple(shape), title=title, symmetric=symmetric,
                           columns=columns), path)
    return True


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _note(kept: KeptCallback | None, text: str) -> None:
    if kept is not None:
        kept(text)


# ------------------------------------------------------------------------- rbm train
def rbm_train(*, data: str = "digits", data_dir: str | Path | None = None, hidden: int = 500,
              method: str = "cd", k: int = 1, epochs: int = 10, lr: float = 0.01,
              batch_size: int = 100, momentum: float = 0.5, weight_decay: float = 0.0,
              centering: bool = False, seed: int = 0, monitor: int | None = None,
              matmul_dtype: str | None = None, out: Path = Path("spinnet-rbm-train"),
              overwrite: bool = False, progress: ProgressCallback | None = None,
              kept: KeptCallback | None = None) -> dict[str, Any]:
    """Train a Bernoulli RBM with per-epoch resume checkpoints in ``out/checkpoint``.

    Writes ``model/`` (:meth:`RBM.save <spinnet.boltzmann.rbm.RBM.save>`, with the
    data source, MNIST split and directory in its metadata), ``history.csv``,
    ``history.png``, ``samples.png``, ``filters.png`` and ``manifest.json``.
    Re-running with the same settings resumes (a larger ``epochs`` continues);
    other settings are refused unless ``overwrite``.

    Parameters
    ----------
    data : str, default "digits"
        ``"digits"``, ``"mnist"`` or the path of a ``.npy`` file of 0/1 rows
        (see :func:`load_rbm_data`).
    data_dir : str, path or None, default None
        Directory of the MNIST files (``None``: the default search path).
    hidden : int, default 500
        Number of hidden units.
    method : str, default "cd"
        Training rule, a key of :data:`spinnet.boltzmann.training.TRAINING_RULES`
        (``"cd"``, ``"pcd"``, ``"pt"``, ``"pl"``, ``"rm"``, ``"exact"``).
    k : int, default 1
        Gibbs steps of CD-k / PCD-k.
    epochs : int, default 10
        Total epochs (a resumed run continues up to it).
    lr : float, default 0.01
        Learning rate.
    batch_size : int, default 100
        Mini-batch size.
    momentum : float, default 0.5
        Momentum of the parameter updates.
    weight_decay : float, default 0.0
        L2 penalty on ``W``.
    centering : bool, default False
        Centered parametrisation (Montavon & Müller 2012).
    seed : int, default 0
        Seed of the initialisation and sampling.
    monitor : int or None, default None
        Training vectors used for the per-epoch metrics; ``None`` chooses a
        number that keeps the pseudo-likelihood cheap.
    matmul_dtype : {None, "float32", "float64", "bfloat16"}, default None
        Floating type of the sampling estimators' matrix products
        (see :class:`~spinnet.boltzmann.training.TrainConfig`).
    out : path, default Path("spinnet-rbm-train")
        Output directory.
    overwrite : bool, default False
        Discard a checkpoint and model of other settings in ``out``.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``; ``None`` reports nothing.
    kept : callable or None, default None
        Called with a sentence saying what an interruption keeps.

    Returns
    -------
    dict
        ``rows`` (history), ``files``, ``resumed``, ``n_visible``, ``n_train``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.boltzmann.rbm import RBM
    from spinnet.boltzmann.training import CHECKPOINT_NAME, TrainConfig, train
    from spinnet.plotting.boltzmann import rbm_history_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    d = load_rbm_data(data, data_dir)
    x_train = d.x_train
    if monitor is None:
        # The pseudo-likelihood metric costs n_visible * n_hidden softplus terms per vector.
        monitor = max(1, min(x_train.shape[0], _MONITOR_WORK // (x_train.shape[1] * hidden)))
    ckpt = out / CHECKPOINT_NAME
    if overwrite:
        for name in (CHECKPOINT_NAME, MODEL_NAME):
            _remove(out / name)
    resumed = ckpt.exists()
    try:
        config = TrainConfig(method=method, epochs=epochs, k=k, batch_size=batch_size,
                             learning_rate=lr, momentum=momentum, weight_decay=weight_decay,
                             centering=centering, monitor_samples=monitor,
                             matmul_dtype=matmul_dtype)
    except (TypeError, ValueError) as exc:
        raise OptionError(str(exc), "--matmul-dtype" if "matmul_dtype" in str(exc)
                          else "--method") from None
    rbm = RBM(x_train.shape[1], hidden, rng=seed)

    def after_epoch(done: int, _rbm: Any, _history: Any) -> None:
        _note(kept, f"{done} of {epochs} epochs in {ckpt} (the per-epoch checkpoint)")

    try:
        history = train(rbm, x_train, config, rng=seed, checkpoint_dir=out, progress=progress,
                        callback=after_epoch, tag={"seed": seed, "data": d.source})
    except ValueError as exc:
        msg = str(exc)
        if "corrupt" in msg or "not a spinnet" in msg or "not a directory" in msg:
            raise OptionError(f"{msg} (the checkpoint in --out {out} is damaged; pass "
                              "--overwrite to start afresh)", "--out") from None
        if "checkpoint" in msg:
            raise OptionError(f"{msg} (--out {out} holds a run with other settings; pass "
                              "--overwrite to replace it)", "--overwrite") from None
        raise OptionError(msg, "--data") from None
    rbm.history_ = history
    rbm.metadata = {**d.describe(), "shape": d.shape or [], "method": method,
                    "epochs": len(history)}
    rbm.save(out / MODEL_NAME)
    rows = history.rows
    write_csv(out / "history.csv", rows)
    curves = {key: list(history[key]) for key in ("epoch", "free_energy",
                                                  "reconstruction_error",
                                                  "pseudo_log_likelihood")}
    if not np.all(np.isnan(history["log_likelihood"])):
        curves["log_likelihood"] = list(history["log_likelihood"])
    save_figure(rbm_history_figure(curves, title=f"RBM {rbm.n_visible}-{hidden}, "
                                                 f"{method} (k = {k}), lr {lr:g}"),
                out / "history.png")
    files = [CHECKPOINT_NAME, MODEL_NAME, "history.csv", "history.png", "manifest.json"]
    _, probs = rbm.sample(64, n_sweeps=1000, rng=seed, return_probabilities=True)
    if _grid(probs.numpy(), d.shape, out / "samples.png",
             "samples: P(v = 1 | h) after 1000 Gibbs sweeps"):
        files.append("samples.png")
    n_f = min(hidden, 100)
    if _grid(rbm.W[:, :n_f].T.numpy(), d.shape, out / "filters.png",
             f"filters: first {n_f} columns of W", symmetric=True):
        files.append("filters.png")
    last = rows[-1]
    write_manifest(out, "rbm train", dict(data=d.source, data_dir=data_dir, hidden=hidden,
                                          method=method, k=k, epochs=epochs, lr=lr,
                                          batch_size=batch_size, momentum=momentum,
                                          weight_decay=weight_decay, centering=centering,
                                          seed=seed, monitor=monitor,
                                          n_train=int(x_train.shape[0]),
                                          n_test=d.describe()["n_test"]),
                   started, files, resumed=resumed, data=d.describe(),
                   summary={key: last[key] for key in ("epoch", "free_energy",
                                                       "reconstruction_error",
                                                       "pseudo_log_likelihood",
                                                       "log_likelihood")})
    return {"rows": rows, "files": files, "resumed": resumed, "n_visible": rbm.n_visible,
            "n_train": int(x_train.shape[0])}


# -------------------------------------------------------------------------- rbm eval
def _load_rbm(path: Path) -> Any:
    """The RBM saved in ``path`` (a ``rbm train`` output directory or a saved model)."""
    from spinnet._persist import is_saved_state
    from spinnet.boltzmann.rbm import RBM

    if not path.is_dir():
        raise OptionError(f"model directory {str(path)!r} does not exist", "--from")
    target = path / MODEL_NAME if (path / MODEL_NAME).exists() else path
    if not is_saved_state(target):
        raise OptionError(f"{str(path)!r} holds no saved RBM (no {MODEL_NAME}/); train one "
                          f"with `spinnet rbm train --out {path}`", "--from")
    try:
        return RBM.load(target)
    except (ValueError, OSError) as exc:
        raise OptionError(f"cannot read {str(target)!r} as a spinnet RBM: {exc}",
                          "--from") from None


def _model_data(rbm: Any, data_dir: str | Path | None) -> RBMData:
    """The data ``rbm`` was trained on, from the source and directory it recorded."""
    meta = rbm.metadata
    source = str(meta.get("data", ""))
    if not source:
        raise OptionError("the saved model does not record its training data", "--from")
    recorded = meta.get("directory") or None
    if source == "mnist":
        return load_rbm_data("mnist", data_dir or recorded)
    try:
        return load_rbm_data(source, None)
    except OptionError as exc:
        raise OptionError(f"the model's training data are gone: {exc}", "--from") from None


def rbm_eval(*, source: Path, ais: bool = True, runs: int = 100, ais_steps: int | None = None,
             seed: int = 0, base: str = "model", classify: bool = False,
             data_dir: str | Path | None = None, out: Path = Path("spinnet-rbm-eval"),
             progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Log partition function (exact and/or AIS) and log-likelihoods of a trained RBM.

    ``ais_steps`` is the number of annealing steps (the schedule has ``ais_steps + 1``
    inverse temperatures from 0 to 1; default 14,500 as Salakhutdinov & Murray 2008).
    Writes ``eval.json`` and ``manifest.json`` into ``out``.

    Parameters
    ----------
    source : path
        A ``rbm train`` output directory or a saved model.
    ais : bool, default True
        Estimate ``log Z`` by annealed importance sampling (Salakhutdinov &
        Murray 2008).
    runs : int, default 100
        Number of AIS runs.
    ais_steps : int or None, default None
        Annealing steps (``None``: 14,500).
    seed : int, default 0
        Seed of AIS and of the base-rate model.
    base : {"model", "data", "uniform"}, default "model"
        Visible biases of the AIS base distribution: fitted to samples of the
        model, the data base rates, or zero.
    classify : bool, default False
        Also the accuracy of a classifier on the hidden features (labelled data).
    data_dir : str, path or None, default None
        Directory of the MNIST files.
    out : path, default Path("spinnet-rbm-eval")
        Output directory.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``; ``None`` reports nothing.

    Returns
    -------
    dict
        ``rows`` (one per estimate), ``result`` (what eval.json holds), ``rbm``
        (``n_visible, n_hidden, data, method, epochs``), ``warn_ais`` (bool).
    """
    import torch

    from spinnet._io import write_json, write_manifest
    from spinnet.boltzmann.evaluation import (
        ais_log_z,
        base_rate_bias,
        exact_log_z_from_params,
        hidden_feature_accuracy,
        model_rate_bias,
    )
    from spinnet.boltzmann.evaluation import log_likelihood as rbm_log_likelihood

    started = time.time()
    rbm = _load_rbm(source)
    if not ais and min(rbm.n_visible, rbm.n_hidden) > 20 and not classify:
        raise OptionError("the smaller layer has more than 20 units: exact log Z is out of "
                          "reach, so --no-ais without --classify leaves nothing to compute",
                          "--ais")
    d = _model_data(rbm, data_dir)
    if d.x_train.shape[1] != rbm.n_visible:
        raise OptionError(f"the data have {d.x_train.shape[1]} units; the model "
                          f"{rbm.n_visible}", "--data-dir")
    W, b, c = (t.to(torch.float64) for t in (rbm.W, rbm.b, rbm.c))
    rows, result = [], {}
    estimates = {}
    if min(rbm.n_visible, rbm.n_hidden) <= 20:
        t0 = time.perf_counter()
        estimates["exact"] = (exact_log_z_from_params(W, b, c), 0.0, time.perf_counter() - t0)
    if ais:
        t0 = time.perf_counter()
        base_bias = {"model": lambda: model_rate_bias(W, b, c, rng=seed),
                     "data": lambda: base_rate_bias(d.x_train),
                     "uniform": lambda: None}[base]()
        lz, err, _ = ais_log_z(W, b, c, base_visible_bias=base_bias,
                               n_betas=None if ais_steps is None else ais_steps + 1,
                               n_runs=runs, rng=seed, progress=progress)
        estimates["ais"] = (lz, err, time.perf_counter() - t0)
    for name, (lz, err, secs) in estimates.items():
        row = {"method": name, "log_Z": lz, "log_Z_err": err,
               "train_LL": rbm_log_likelihood(W, b, c, d.x_train, lz)}
        row["test_LL"] = (rbm_log_likelihood(W, b, c, d.x_test, lz) if d.x_test is not None
                          else math.nan)
        row["seconds"] = secs
        rows.append(row)
        result[name] = row
    if "exact" in result and "ais" in result:
        result["ais_minus_exact"] = result["ais"]["log_Z"] - result["exact"]["log_Z"]
    if classify:
        if d.y_train is None or d.x_test is None:
            raise OptionError(f"--classify needs labelled data (mnist or digits); the model "
                              f"was trained on {d.source!r}", "--classify")
        report(progress, "logistic regression", 0, 1)
        result["classification"] = hidden_feature_accuracy(W, c, d.x_train, d.y_train,
                                                           d.x_test, d.y_test)
        report(progress, "logistic regression", 1, 1)
    write_json(out / "eval.json", result)
    write_manifest(out, "rbm eval", dict(source=str(source), ais=ais, runs=runs,
                                         ais_steps=ais_steps, seed=seed, base=base,
                                         classify=classify, data_dir=data_dir),
                   started, ["eval.json", "manifest.json"], data=d.describe())
    meta = rbm.metadata
    return {"rows": rows, "result": result,
            "rbm": {"n_visible": rbm.n_visible, "n_hidden": rbm.n_hidden,
                    "data": meta.get("data"), "method": meta.get("method"),
                    "epochs": meta.get("epochs")},
            "warn_ais": "ais" in result and result["ais"]["log_Z_err"] > 0.5}


# ------------------------------------------------------------------------ rbm sample
def rbm_sample(*, source: Path, samples: int = 16, sweeps: int = 1000, seed: int = 0,
               out: Path = Path("spinnet-rbm-sample")) -> dict[str, Any]:
    """Draw samples of a trained RBM (:meth:`RBM.sample`); samples.npy and samples.png.

    Parameters
    ----------
    source : path
        A ``rbm train`` output directory or a saved model.
    samples : int, default 16
        Number of independent samples.
    sweeps : int, default 1000
        Block-Gibbs sweeps per sample.
    seed : int, default 0
        Seed of the chains.
    out : path, default Path("spinnet-rbm-sample")
        Output directory.

    Returns
    -------
    dict
        ``files`` and ``mean_activity``.
    """
    from spinnet._io import atomic_path, write_manifest

    started = time.time()
    rbm = _load_rbm(source)
    v, probs = rbm.sample(samples, n_sweeps=sweeps, rng=seed, return_probabilities=True)
    v = v.numpy()
    with atomic_path(out / "samples.npy") as tmp, open(tmp, "wb") as fh:
        np.save(fh, v.astype(np.uint8))
    files = ["samples.npy", "manifest.json"]
    shape = list(rbm.metadata.get("shape") or []) or None
    if _grid(probs.numpy(), shape, out / "samples.png",
             f"{samples} samples: P(v = 1 | h) after {sweeps} Gibbs sweeps"):
        files.append("samples.png")
    write_manifest(out, "rbm sample", dict(source=str(source), samples=samples, sweeps=sweeps,
                                           seed=seed),
                   started, files, summary={"mean_activity": float(v.mean())})
    return {"files": files, "mean_activity": float(v.mean())}


# ------------------------------------------------------------------------- dbn train
def dbn_train(*, data: str = "digits", data_dir: str | Path | None = None,
              layers: list[int] | None = None, top: str = "gaussian",
              pretrain_epochs: int = 20, finetune_epochs: int = 30, lr: float = 0.05,
              finetune_lr: float = 1e-3, batch_size: int = 100, seed: int = 0,
              out: Path = Path("spinnet-dbn-train"), overwrite: bool = False,
              progress: ProgressCallback | None = None,
              kept: KeptCallback | None = None) -> dict[str, Any]:
    """Pretrain a DBN, unroll it into a deep autoencoder, fine-tune, compare with PCA.

    Resumable: pretraining keeps each RBM's per-epoch checkpoint in
    ``out/pretrain/layer<l>/`` (finished layers are loaded, not retrained), then
    the pretrained stack (``out/dbn``) and the fine-tuning state (``out/finetune``,
    every epoch) are saved; re-running continues and ends bit-identical to an
    uninterrupted run. Other pretraining settings in the same ``out`` are refused
    unless ``overwrite``.

    Parameters
    ----------
    data : str, default "digits"
        ``"digits"``, ``"mnist"`` or the path of a ``.npy`` file of 0/1 rows
        (see :func:`load_rbm_data`).
    data_dir : str, path or None, default None
        Directory of the MNIST files (``None``: the default search path).
    layers : list of int or None, default None
        Hidden layer sizes, bottom to top (``None``: ``[256, 64, 30]``).
    top : {"bernoulli", "gaussian"}, default "gaussian"
        Type of the top (code) layer; Gaussian gives a linear code (Hinton &
        Salakhutdinov 2006).
    pretrain_epochs : int, default 20
        CD epochs per RBM of the stack.
    finetune_epochs : int, default 30
        Backpropagation epochs of the unrolled autoencoder.
    lr : float, default 0.05
        Pretraining learning rate.
    finetune_lr : float, default 1e-3
        Fine-tuning learning rate.
    batch_size : int, default 100
        Mini-batch size.
    seed : int, default 0
        Seed.
    out : path, default Path("spinnet-dbn-train")
        Output directory.
    overwrite : bool, default False
        Discard state of other settings in ``out``.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``; ``None`` reports nothing.
    kept : callable or None, default None
        Called with a sentence saying what an interruption keeps.

    Returns
    -------
    dict
        ``result`` (results.json), ``files``, ``resumed``, ``sizes``.
    """
    import torch

    from spinnet._io import write_csv, write_json, write_manifest
    from spinnet._persist import is_saved_state
    from spinnet.boltzmann.dbn import (
        FINETUNE_CHECKPOINT,
        PRETRAIN_CHECKPOINT,
        DeepAutoencoder,
        DeepBeliefNet,
        pca_reconstruction_error,
    )
    from spinnet.plotting.boltzmann import rbm_history_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    hidden = list(layers or [256, 64, 30])
    d = load_rbm_data(data, data_dir)
    x_train, x_test = d.x_train, d.x_test
    if x_test is None:
        n_test = max(1, x_train.shape[0] // 5)
        if x_train.shape[0] - n_test < 2:
            raise OptionError(f"{data!r} has too few rows to hold out a test set", "--data")
        x_train, x_test = x_train[:-n_test], x_train[-n_test:]
    if hidden[-1] > min(x_train.shape):
        raise OptionError(f"the code size {hidden[-1]} exceeds what PCA can compare "
                          f"(min(train rows, units) = {min(x_train.shape)})", "--layers")
    sizes = (x_train.shape[1], *hidden)
    torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
    digest = hashlib.sha256(np.ascontiguousarray(x_train).tobytes()).hexdigest()
    meta = {"layer_sizes": list(sizes), "top_hidden": top, "epochs": pretrain_epochs,
            "lr": lr, "batch_size": batch_size, "seed": seed, "data_sha256": digest}
    if overwrite:
        for name in (DBN_NAME, PRETRAIN_CHECKPOINT, FINETUNE_CHECKPOINT):
            _remove(out / name)
    path = out / DBN_NAME
    pretrain_dir = out / PRETRAIN_CHECKPOINT
    resumed = path.exists() or pretrain_dir.exists()
    if path.exists():
        if not is_saved_state(path):
            raise OptionError(f"{str(path)!r} is not a saved DBN; pass --overwrite to "
                              "replace it", "--out")
        try:
            dbn = DeepBeliefNet.load(path)
        except ValueError as exc:
            raise OptionError(f"{exc}; pass --overwrite to pretrain afresh", "--out") from None
        saved = dbn.metadata.get("pretrain", {})
        if saved != meta:
            diff = sorted(key for key in meta if saved.get(key) != meta[key])
            raise OptionError(f"{str(path)!r} was pretrained with other settings "
                              f"({', '.join(diff)}); pass --overwrite to replace it or use "
                              "another --out", "--overwrite")
    else:
        dbn = DeepBeliefNet(sizes, rng=seed, top_hidden=top)

        def pretrain_progress(stage: str, done: int, total: int | None) -> None:
            # Called after the epoch's checkpoint is written; a layer's first call
            # (done = 0 unless resumed) means the layers below it are finished and kept.
            if done or not stage.startswith("pretrain layer 1/"):
                _note(kept, f"the pretraining checkpoints in {pretrain_dir} ({stage}: "
                            f"{done} of {total} epochs done, the layers below it finished)")
            report(progress, stage, done, total)

        try:
            dbn.fit(x_train, epochs=pretrain_epochs, learning_rate=lr, batch_size=batch_size,
                    rng=seed, checkpoint_dir=out, tag=meta,
                    progress=pretrain_progress)
        except ValueError as exc:
            msg = str(exc)
            if "corrupt" in msg or "not a spinnet" in msg or "not a directory" in msg:
                raise OptionError(f"{msg} (the pretraining checkpoint in --out {out} is "
                                  "damaged; pass --overwrite to start afresh)",
                                  "--out") from None
            if "checkpoint" in msg:
                raise OptionError(f"{msg} (--out {out} holds a pretraining run with other "
                                  "settings; pass --overwrite to replace it or use another "
                                  "--out)", "--overwrite") from None
            raise
        dbn.metadata = {"pretrain": meta, **d.describe()}
        dbn.save(path)
    _note(kept, f"the pretrained DBN in {path}")
    pretrained = DeepAutoencoder.from_dbn(dbn)
    ae = DeepAutoencoder.from_dbn(dbn)

    def tune_progress(stage: str, done: int, total: int | None) -> None:
        report(progress, stage, done, total)
        if done:
            _note(kept, f"the pretrained DBN and {done} of {total} fine-tuning epochs in "
                        f"{out}")

    try:
        losses = ae.fine_tune(x_train, epochs=finetune_epochs, lr=finetune_lr,
                              batch_size=batch_size, rng=seed, checkpoint_dir=out,
                              progress=tune_progress)
    except ValueError as exc:
        raise OptionError(f"{exc}; pass --overwrite to start afresh", "--out") from None
    code = sizes[-1]
    result = {"layer_sizes": list(sizes), "code_size": code, "top_hidden": top,
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
    if pretrain_dir.exists():
        files.insert(1, PRETRAIN_CHECKPOINT)
    if losses:
        save_figure(rbm_history_figure({"epoch": list(range(1, len(losses) + 1)),
                                        "cross_entropy": losses},
                                       title="fine-tuning loss (train, per image)"),
                    out / "finetune.png")
        files.append("finetune.png")
    if d.shape is not None:
        from sklearn.decomposition import PCA

        pca = PCA(n_components=code).fit(x_train)
        shown = x_test[:10]
        rows = np.concatenate([shown, ae.reconstruct(shown).numpy(),
                               pca.inverse_transform(pca.transform(shown)).clip(0, 1)])
        _grid(rows, d.shape, out / "reconstructions.png",
              f"rows: test images / deep autoencoder ({code}-d code) / PCA ({code})",
              columns=len(shown))
        _grid(dbn.sample(30, n_sweeps=500, rng=seed, mean=True).numpy(), d.shape,
              out / "samples.png", "DBN samples (500 Gibbs sweeps in the top RBM)")
        files += ["reconstructions.png", "samples.png"]
    write_manifest(out, "dbn train", dict(data=d.source, data_dir=data_dir, layers=hidden,
                                          top=top, pretrain_epochs=pretrain_epochs,
                                          finetune_epochs=finetune_epochs, lr=lr,
                                          finetune_lr=finetune_lr, batch_size=batch_size,
                                          seed=seed), started, files, resumed=resumed,
                   data=d.describe(), summary=result)
    return {"result": result, "files": files, "resumed": resumed, "sizes": list(sizes)}


# ------------------------------------------------------------------------ bm encoder
def bm_encoder(*, seeds: list[int], epochs: int = 200, method: str = "exact", lr: float = 0.1,
               momentum: float = 0.8, restarts: int = 8, n_io: int = 4, hidden: int = 2,
               out: Path = Path("spinnet-bm-encoder"),
               progress: ProgressCallback | None = None) -> dict[str, Any]:
    """The 4-2-4 encoder of Ackley, Hinton & Sejnowski (1985): success rate over seeds.

    Writes encoder.csv, encoder.png (weights and P(V2 | V1) of the best seed) and
    manifest.json.

    Parameters
    ----------
    seeds : list of int
        One encoder run per seed.
    epochs : int, default 200
        Full-batch updates per restart.
    method : {"exact", "gibbs"}, default "exact"
        Statistics by enumeration or by Gibbs sampling.
    lr : float, default 0.1
        Learning rate.
    momentum : float, default 0.8
        Momentum.
    restarts : int, default 8
        Independent initialisations per seed (the best is kept).
    n_io : int, default 4
        Units in each visible group ``V1``, ``V2``.
    hidden : int, default 2
        Hidden units.
    out : path, default Path("spinnet-bm-encoder")
        Output directory.
    progress : callable or None, default None
        Progress callback ``progress(stage, done, total)``; ``None`` reports nothing.

    Returns
    -------
    dict
        ``rows``, ``rate``, ``optimum``, ``files``, ``name``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.boltzmann.machine import encoder_424
    from spinnet.plotting.boltzmann import encoder_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    rows, results = [], []
    report(progress, "encoder seeds", 0, len(seeds))
    for i, s in enumerate(seeds):
        t0 = time.perf_counter()
        r = encoder_424(s, epochs, method, learning_rate=lr, momentum=momentum,
                        n_restarts=restarts, n_io=n_io, n_hidden=hidden)
        results.append(r)
        rows.append({"seed": s, "success": r.success, "n_correct": r.n_correct,
                     "log_likelihood": r.log_likelihood,
                     "min_p_correct": float(r.p_correct.min()),
                     "seconds": time.perf_counter() - t0})
        report(progress, "encoder seeds", i + 1, len(seeds))
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
    name = f"{n_io}-{hidden}-{n_io}"
    write_csv(out / "encoder.csv", rows)
    fig = encoder_figure(bm.weights, bm.connectivity, cond, n_io,
                         title=f"{name} encoder, seed {rows[best]['seed']}: "
                               f"log-likelihood {rows[best]['log_likelihood']:.3f} "
                               f"(optimum ln(1/{n_io}) = {optimum:.3f})")
    save_figure(fig, out / "encoder.png")
    files = ["encoder.csv", "encoder.png", "manifest.json"]
    write_manifest(out, "bm encoder", dict(seed=list(seeds), epochs=epochs, method=method,
                                           lr=lr, momentum=momentum, restarts=restarts,
                                           n_io=n_io, hidden=hidden), started, files,
                   summary={"success_rate": rate, "optimum_log_likelihood": optimum,
                            "best_seed": rows[best]["seed"],
                            "mean_log_likelihood": float(np.mean([r["log_likelihood"]
                                                                  for r in rows]))})
    return {"rows": rows, "rate": rate, "optimum": optimum, "files": files, "name": name}


# --------------------------------------------------------------------- inverse ising
def inverse_ising(*, model: str = "sk", N: int = 16, T: float = 1.5,
                  samples: list[int] | None = None, methods: list[str] | None = None,
                  seed: int = 0, out: Path = Path("spinnet-inverse-ising")) -> dict[str, Any]:
    """Infer the couplings of an SK model from exact samples, for each method and size.

    ``methods`` take the short names of :data:`INVERSE_ALIASES` or the library's
    names. Writes inverse_ising.csv, inverse_ising.png (log-log) and manifest.json.

    Parameters
    ----------
    model : str, default "sk"
        Model whose couplings are inferred (``"sk"``; used in labels).
    N : int, default 16
        Number of spins.
    T : float, default 1.5
        Temperature of the samples.
    samples : list of int or None, default None
        Sample sizes (``None``: ``[1000, 10000, 100000]``).
    methods : list of str or None, default None
        Inference methods (``None``: ``["nmf", "tap", "pl"]``).
    seed : int, default 0
        Seed of the couplings and samples.
    out : path, default Path("spinnet-inverse-ising")
        Output directory.

    Returns
    -------
    dict
        ``rows``, ``methods`` (full names), ``files``.
    """
    from spinnet._io import write_csv, write_manifest
    from spinnet.boltzmann.inverse_ising import METHODS, reconstruction_vs_samples
    from spinnet.plotting.boltzmann import inverse_ising_figure
    from spinnet.plotting.hopfield import save_figure

    started = time.time()
    sizes = list(samples or [1000, 10000, 100000])
    names = []
    for m in methods or ["nmf", "tap", "pl"]:
        full = INVERSE_ALIASES.get(m.lower(), m.lower())
        if full not in METHODS:
            raise OptionError(f"unknown method {m!r}; choose from "
                              f"{', '.join(INVERSE_ALIASES)} (or {', '.join(METHODS)})",
                              "--method")
        names.append(full)
    rows = reconstruction_vs_samples(N, T, sizes, names, rng=seed)
    write_csv(out / "inverse_ising.csv", rows)
    fig = inverse_ising_figure(rows, title=f"{model.upper()}, N = {N}, T = {T:g}: "
                                           "coupling reconstruction")
    save_figure(fig, out / "inverse_ising.png")
    files = ["inverse_ising.csv", "inverse_ising.png", "manifest.json"]
    largest = max(sizes)
    write_manifest(out, "inverse-ising", dict(model=model, N=N, T=T, samples=sizes,
                                              method=names, seed=seed), started, files,
                   summary={m: next(float(r["error"]) for r in rows
                                    if r["method"] == m and r["n_samples"] == largest)
                            for m in names})
    return {"rows": rows, "methods": names, "files": files}
