"""RBM benchmark: spinnet's RBM training vs scikit-learn's ``BernoulliRBM``, in one run.

Run from the repository root (scikit-learn is a benchmark/dev-only install, never a
spinnet dependency)::

    python benchmarks/rbm_bench.py                  # MNIST t10k: 8000 train / 2000 test, H=500
    python benchmarks/rbm_bench.py --quick          # CI smoke (< 60 s): digits, H=50, 1 epoch
    python benchmarks/rbm_bench.py --hidden 100 --epochs 2 --json out.json

Without scikit-learn the spinnet numbers are still measured and printed, the peer is
reported missing, and the exit status is 0 (CI can run the script with or without it).

Data: MNIST t10k from ``spinnet.datasets.default_mnist_path()`` (or ``--mnist-path``),
grey levels / 255 > 0.5 -> {0, 1}; the first 8000 images train, the last 2000 test.
Without MNIST (and always with ``--quick``) sklearn's 8x8 ``load_digits`` (> 7 -> 1) is
used instead, which the output says.

Training (same data, same minibatch size, same learning rate, same epochs for all):

* sklearn  ``BernoulliRBM`` is PCD-1 (Tieleman 2008) with ``batch_size`` persistent
           chains and no momentum. Its update is ``θ += (lr / B) Σ_batch (...)``, i.e. the
           learning rate multiplies the batch *mean* of the gradient, exactly like
           spinnet's ``TrainConfig.learning_rate`` (spinnet's estimators are batch means),
           so ``--lr`` is passed unchanged to both. spinnet runs with ``momentum=0`` by
           default (``--momentum``) so that ``sklearn`` and spinnet ``pcd`` do the same
           update. sklearn is driven by ``partial_fit`` on each minibatch of a per-epoch
           shuffle (this is what ``fit`` does internally, minus the shuffle) so that every
           epoch can be timed.
* spinnet  ``train(RBM(..., dtype=--dtype), data, TrainConfig(method, k, ...))`` for
           ``cd1`` (CD-1), ``cd25`` (CD-25; ``--cd25-epochs`` to shorten), ``pcd`` (PCD-1,
           ``batch_size`` chains), ``pcd-bf16`` (the same PCD-1 with
           ``matmul_dtype="bfloat16"``: bfloat16 copies of W in the matrix products, all
           else in ``--dtype``) and ``pt`` (parallel tempering, 10 temperatures, k=1).
           ``pcd-bf16@sk-time`` trains PCD-1 (bf16 products) for as many whole epochs as
           fit in sklearn's total training time of this run (equal wall time).
           ``monitor_samples=100`` and ``track_log_likelihood=False`` keep the per-epoch
           metrics cheap.

What is timed (``time.perf_counter``): per epoch. spinnet: ``History.update_time`` (the
epoch's parameter updates, without its per-epoch metrics; no checkpoints, no progress
bar). sklearn: the epoch's ``partial_fit`` loop. Medians over the epochs, min and max
also printed; the headline ratios are sklearn / spinnet-PCD and sklearn / spinnet-PCD-bf16
(same algorithm). Both use the same floating dtype (``--dtype``, default float32; sklearn
keeps float32 input).

Quality: test log-likelihood in nats per image, ``mean(-F(v)) - log Z`` with ``log Z``
from AIS (``spinnet.boltzmann.evaluation.ais_log_z``, ``--ais-betas`` temperatures,
``--ais-runs`` runs, same seed for every model), printed as ``log Z ± stderr``. The base
model of AIS has the visible marginals of the RBM itself (``model_rate_bias``, Gibbs
chains): the data base rate of Salakhutdinov & Murray underestimates log Z of CD-trained
models by nats (see RESULTS.md). sklearn's model is evaluated with
``W = components_.T, b = intercept_visible_, c = intercept_hidden_``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import time
from typing import Any

import numpy as np
import torch

from _machine import machine_info as _machine_info
from spinnet.boltzmann.evaluation import ais_log_z, log_likelihood, model_rate_bias
from spinnet.boltzmann.rbm import RBM
from spinnet.boltzmann.training import TrainConfig, train

try:  # benchmark-only peer
    import sklearn
    from sklearn.neural_network import BernoulliRBM
except ImportError:  # pragma: no cover - depends on the environment
    sklearn = None
    BernoulliRBM = None

ALL_METHODS = ("sklearn", "cd1", "cd25", "pcd", "pcd-bf16", "pt", "pcd-bf16@sk-time")
# name -> (estimator, k, matmul dtype)
SPINNET = {"cd1": ("cd", 1, None), "cd25": ("cd", 25, None), "pcd": ("pcd", 1, None),
           "pcd-bf16": ("pcd", 1, "bfloat16"), "pt": ("pt", 1, None),
           "pcd-bf16@sk-time": ("pcd", 1, "bfloat16")}


# -- machine ---------------------------------------------------------------------------
def machine_info() -> dict[str, Any]:
    info = _machine_info()
    info["threads"]["torch"] = torch.get_num_threads()
    info.update(torch=torch.__version__,
                sklearn=getattr(sklearn, "__version__", "?") if sklearn else None)
    return info


def _stats(ts: list[float]) -> dict[str, float] | None:
    if not ts:
        return None
    a = np.asarray(ts)
    return {"median": float(np.median(a)), "min": float(a.min()), "max": float(a.max()),
            "n": len(ts)}


# -- data -------------------------------------------------------------------------------
def _mnist(path: str | None, n_train: int, n_test: int
           ) -> tuple[np.ndarray, np.ndarray, str] | str:
    from spinnet.datasets import default_mnist_path, load_mnist

    path = path or default_mnist_path()
    if path is None:
        return "MNIST not found"
    try:
        x, _ = load_mnist(path, binarize=False)
    except (OSError, ValueError) as exc:
        return f"MNIST unreadable at {path} ({exc})"
    x = (x.reshape(x.shape[0], -1) / 255.0 > 0.5).astype(np.float64)
    n_train = min(n_train, x.shape[0] - n_test)
    return (x[:n_train], x[-n_test:],
            f"MNIST t10k from {path}: first {n_train} train, last {n_test} test")


def _digits(n_train: int, n_test: int) -> tuple[np.ndarray, np.ndarray, str]:
    from sklearn.datasets import load_digits

    x = (load_digits().data > 7).astype(np.float64)
    n_test = min(n_test, 297)
    n_train = min(n_train, x.shape[0] - n_test)
    return (x[:n_train], x[-n_test:],
            f"sklearn digits 8x8 (> 7): first {n_train} train, last {n_test} test")


def load_data(quick: bool, mnist_path: str | None, n_train: int, n_test: int
              ) -> tuple[np.ndarray, np.ndarray, str] | None:
    """Binary {0, 1} float64 train and test sets and their source, or None if neither.

    Full runs use MNIST and fall back to digits; ``--quick`` uses digits (fast, no file
    needed) and falls back to an MNIST subset when scikit-learn is missing.
    """
    if quick and sklearn is not None:
        return _digits(n_train, n_test)
    got = _mnist(mnist_path, n_train, n_test)
    if not isinstance(got, str):
        return got
    if sklearn is None:
        print(f"*** {got} and scikit-learn (load_digits) missing: nothing to run ***")
        return None
    x, test, source = _digits(n_train, n_test)
    return x, test, f"*** {got}; falling back to sklearn digits *** " + source


# -- training ---------------------------------------------------------------------------
def train_sklearn(x: np.ndarray, hidden: int, epochs: int, batch: int, lr: float,
                  dtype: np.dtype, seed: int) -> tuple[tuple[np.ndarray, ...], list[float]]:
    rbm = BernoulliRBM(n_components=hidden, learning_rate=lr, batch_size=batch, n_iter=1,
                       random_state=seed)
    xd = x.astype(dtype)
    rng = np.random.default_rng(seed)
    times: list[float] = []
    for _ in range(epochs):
        order = rng.permutation(xd.shape[0])
        batches = [np.ascontiguousarray(xd[order[s:s + batch]])
                   for s in range(0, xd.shape[0], batch)]
        t0 = time.perf_counter()
        for xb in batches:
            rbm.partial_fit(xb)
        times.append(time.perf_counter() - t0)
    params = (rbm.components_.T.astype(np.float64), rbm.intercept_visible_.astype(np.float64),
              rbm.intercept_hidden_.astype(np.float64))
    return params, times


def train_spinnet(x: np.ndarray, method: str, k: int, hidden: int, epochs: int, batch: int,
                  lr: float, momentum: float, dtype: torch.dtype, seed: int,
                  matmul_dtype: str | None = None, budget_s: float | None = None
                  ) -> tuple[tuple[torch.Tensor, ...], list[float]]:
    """Train; with ``budget_s`` stop after the epoch that reaches that much wall time."""
    rbm = RBM(x.shape[1], hidden, rng=seed, dtype=dtype)
    cfg = TrainConfig(method=method, k=k, epochs=epochs, batch_size=batch, learning_rate=lr,
                      momentum=momentum, monitor_samples=100, track_log_likelihood=False,
                      matmul_dtype=matmul_dtype)
    stop = None
    if budget_s is not None:
        def stop(epoch: int, model: RBM, hist: Any) -> bool:
            return float(np.sum(hist["wall_time"])) >= budget_s
    hist = train(rbm, torch.as_tensor(x, dtype=dtype), cfg, rng=seed, progress=None,
                 callback=stop)
    params = (rbm.W.double(), rbm.b.double(), rbm.c.double())
    return params, list(hist["update_time"])


def evaluate(params: tuple[Any, ...], test: np.ndarray, train_x: np.ndarray,
             n_betas: int, n_runs: int, seed: int) -> dict[str, float]:
    W, b, c = params
    t0 = time.perf_counter()
    base = model_rate_bias(W, b, c, rng=seed)
    log_z, err, _ = ais_log_z(W, b, c, base_visible_bias=base, n_betas=n_betas, n_runs=n_runs,
                              rng=seed)
    return {"log_z": log_z, "log_z_stderr": err,
            "test_ll": log_likelihood(W, b, c, test, log_z),
            "train_ll": log_likelihood(W, b, c, train_x, log_z),
            "ais_s": time.perf_counter() - t0}


def run(args: argparse.Namespace) -> dict[str, Any] | None:
    data = load_data(args.quick, args.mnist_path, args.n_train, args.n_test)
    if data is None:
        return None
    x, test, source = data
    tdtype = torch.float32 if args.dtype == "float32" else torch.float64
    ndtype = np.float32 if args.dtype == "float32" else np.float64
    # untimed warm-up of both (thread pools, first-touch memory, lazy imports)
    for m in args.methods:
        if m in SPINNET:
            method, k, mm = SPINNET[m]
            train_spinnet(x[:2 * args.batch_size], method, min(k, 2), args.hidden, 1,
                          args.batch_size, args.lr, args.momentum, tdtype, 0, mm)
    if BernoulliRBM is not None:
        train_sklearn(x[:2 * args.batch_size], args.hidden, 1, args.batch_size, args.lr,
                      ndtype, 0)
    results: dict[str, Any] = {}
    for m in args.methods:
        epochs = args.cd25_epochs if (m == "cd25" and args.cd25_epochs) else args.epochs
        t0 = time.perf_counter()
        if m == "sklearn":
            if BernoulliRBM is None:
                results[m] = None
                continue
            params, times = train_sklearn(x, args.hidden, epochs, args.batch_size, args.lr,
                                          ndtype, args.seed)
        else:
            method, k, mm = SPINNET[m]
            budget = None
            if m.endswith("@sk-time"):
                if not results.get("sklearn"):
                    results[m] = None  # needs sklearn's training time
                    continue
                budget = results["sklearn"]["train_wall_s"]
                epochs = 1000  # the wall-time budget stops it
            params, times = train_spinnet(x, method, k, args.hidden, epochs, args.batch_size,
                                          args.lr, args.momentum, tdtype, args.seed, mm,
                                          budget)
            epochs = len(times)
        wall = time.perf_counter() - t0
        res = {"epochs": epochs, "epoch_s": _stats(times), "train_wall_s": wall}
        res.update(evaluate(params, test, x, args.ais_betas, args.ais_runs, args.seed))
        results[m] = res
        print(f"  done {m:17s} train {wall:7.2f} s, AIS {res['ais_s']:6.2f} s", flush=True)

    def ratio(name: str) -> float | None:
        if results.get("sklearn") and results.get(name):
            return results["sklearn"]["epoch_s"]["median"] / results[name]["epoch_s"]["median"]
        return None

    return {"params": {"n_train": int(x.shape[0]), "n_test": int(test.shape[0]),
                       "n_visible": int(x.shape[1]), "hidden": args.hidden,
                       "epochs": args.epochs, "cd25_epochs": args.cd25_epochs,
                       "batch_size": args.batch_size, "lr": args.lr, "momentum": args.momentum,
                       "dtype": args.dtype, "ais_betas": args.ais_betas,
                       "ais_runs": args.ais_runs, "seed": args.seed, "data": source},
            "results": results, "ratio_sklearn_over_spinnet_pcd": ratio("pcd"),
            "ratio_sklearn_over_spinnet_pcd_bf16": ratio("pcd-bf16")}


def report(res: dict[str, Any], info: dict[str, Any]) -> None:
    pr = res["params"]
    print(f"\nmachine : {info['cpu']}; {info['usable_cpus']} usable of {info['logical_cpus']} "
          f"logical CPUs; load avg at start {info['loadavg_at_start']}; threads "
          f"{info['threads']}")
    print(f"versions: python {info['python']}, numpy {info['numpy']}, torch {info['torch']}, "
          f"spinnet {info['spinnet']}, sklearn {info['sklearn'] or 'MISSING'}")
    print(f"data    : {pr['data']}")
    print(f"problem : {pr['n_visible']} visible x {pr['hidden']} hidden, batch "
          f"{pr['batch_size']}, lr {pr['lr']}, spinnet momentum {pr['momentum']}, "
          f"{pr['dtype']}, seed {pr['seed']}; AIS {pr['ais_betas']} betas x "
          f"{pr['ais_runs']} runs (model-rate base model)")
    if sklearn is None:
        print("\n*** scikit-learn is NOT importable: spinnet numbers only, no ratio ***")
    print(f"\n{'model':17s}{'ep':>3s} {'epoch median [min, max] s':>28s} {'train s':>8s} "
          f"{'log Z ± stderr':>20s} {'test LL':>9s} {'train LL':>9s}")
    for m, r in res["results"].items():
        if r is None:
            print(f"{m:17s}  -- missing")
            continue
        s = r["epoch_s"]
        print(f"{m:17s}{r['epochs']:3d} {s['median']:10.3f} [{s['min']:7.3f}, {s['max']:7.3f}]"
              f" {r['train_wall_s']:8.2f} {r['log_z']:11.2f} ± {r['log_z_stderr']:6.3f} "
              f"{r['test_ll']:9.2f} {r['train_ll']:9.2f}")
    print("\n(LL in nats per image; 'epoch' = the training updates of one epoch; 'train s' = "
          "wall time of the whole training call; AIS base model: the RBM's own visible "
          "marginals; '@sk-time' = trained for sklearn's total training time)")
    for key, label in (("ratio_sklearn_over_spinnet_pcd", "PCD float32"),
                       ("ratio_sklearn_over_spinnet_pcd_bf16", "PCD bf16-matmul")):
        r = res[key]
        print(f"per-epoch time sklearn / spinnet {label:16s}: "
              + ("n/a" if r is None else
                 f"{r:6.2f}x ({'spinnet faster' if r > 1 else 'sklearn faster'})"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--cd25-epochs", type=int, default=None,
                    help="epochs for CD-25 (default: --epochs)")
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.0, help="spinnet only (sklearn has none)")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--n-train", type=int, default=8000)
    ap.add_argument("--n-test", type=int, default=2000)
    ap.add_argument("--ais-runs", type=int, default=100)
    ap.add_argument("--ais-betas", type=int, default=5000)
    ap.add_argument("--methods", default=",".join(ALL_METHODS),
                    help=f"comma-separated subset of {','.join(ALL_METHODS)}")
    ap.add_argument("--mnist-path", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true",
                    help="CI smoke (< 60 s): sklearn digits, H=50, 1 epoch, small AIS")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument("--threads", type=int, default=None,
                    help="limit torch and the BLAS under numpy/sklearn to this many threads "
                         "(default: their own defaults)")
    args = ap.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    bad = [m for m in args.methods if m not in ALL_METHODS]
    if bad:
        ap.error(f"unknown methods {bad}; choose from {ALL_METHODS}")
    if args.quick:
        args.hidden, args.epochs, args.n_train, args.n_test = 50, 1, 1000, 200
        args.ais_betas, args.ais_runs = 500, 20
    _limits = None
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(args.threads)
        _limits = threadpool_limits(args.threads)  # held until exit
    info = machine_info()
    t0 = time.perf_counter()
    res = run(args)
    if res is None:
        return 0  # optional data missing: reported above, not a failure of the smoke test
    report(res, info)
    wall = time.perf_counter() - t0
    print(f"\ntotal wall time {wall:.1f} s")
    if args.json:
        res.update(machine=info, peer_available=sklearn is not None,
                   date=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                   command=" ".join([os.path.basename(sys.executable), *sys.argv]),
                   wall_s=wall)
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=2)
    return 0  # numbers are reported, not enforced: CI runs this as a smoke test


if __name__ == "__main__":
    sys.exit(main())
