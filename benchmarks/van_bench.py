"""VAN benchmark: spinnet's variational autoregressive network vs the authors' reference code.

Run from the repository root::

    python benchmarks/van_bench.py --peer-dir /path/to/stat-mech-van     # L = 8 default
    python benchmarks/van_bench.py --quick                               # CI: spinnet only
    python benchmarks/van_bench.py --peer-dir DIR --L 16 --width 64 --half-kernel 6 \\
        --batch-size 1000 --steps 10 --json out.json

The reference implementation (Wu, Wang & Zhang, PRL 122, 080602 (2019);
https://github.com/wdphy16/stat-mech-van) is a set of scripts, not a package: it lives
outside this repository at ``--peer-dir`` and is never vendored. Its training loop is run
unchanged — ``src_ising/main.py``'s ``main()`` in a subprocess, with its own argparse
options — after a stub for ``torchvision`` (imported only to save sample images, which
this run does not do) is put in ``sys.modules``. Without ``--peer-dir`` only spinnet is
measured and the exit status is 0.

Same configuration for both: ferromagnetic square lattice with periodic energy, PixelCNN
of ``--depth`` masked convolutions, ``--width`` channels, half kernel ``--half-kernel``,
bias, Z2 symmetrisation, zero padding (the reference's; spinnet's default is helical),
batch ``--batch-size``, Adam lr 1e-3, β annealing 0.998, gradient clipping 1, float32,
one thread each (``torch.set_num_threads(1)``).

What is timed (``time.perf_counter``):

* training steps per second: ``--steps`` steps after one untimed warm-up step
  (spinnet ``VAN.fit``; reference ``main()``, whose loop runs ``max_step + 1`` steps —
  its log gives sampling and training time per step, which are summed);
* sampling time per batch: ``net.sample(batch_size)`` (median of ``--repeats``), for
  spinnet with the activation cache (default) and without it (``cache=False``: one full
  forward pass per site, as in the reference), which measures the cache's gain.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PEER_DRIVER = textwrap.dedent(r"""
    import json, statistics, sys, time, types
    peer, L, depth, width, K, batch, steps, beta, repeats = sys.argv[1:10]
    sys.path.insert(0, peer + "/src_ising")
    # plotting-only import of main.py (sample images): a stub, never called here
    tv = types.ModuleType("torchvision"); tv.utils = types.SimpleNamespace()
    sys.modules["torchvision"] = tv
    sys.argv = ["main.py", "--ham", "fm", "--lattice", "sqr", "--boundary", "periodic",
                "--L", L, "--beta", beta, "--net", "pixelcnn", "--net_depth", depth,
                "--net_width", width, "--half_kernel_size", K, "--bias", "--z2",
                "--beta_anneal", "0.998", "--clip_grad", "1", "--batch_size", batch,
                "--max_step", str(int(steps)), "--print_step", "1", "--dtype", "float32",
                "--out_dir", "", "--seed", "1", "--optimizer", "adam", "--lr", "1e-3"]
    import torch
    torch.set_num_threads(1)
    import io, contextlib
    import main as ref
    from pixelcnn import PixelCNN
    from args import args
    buf = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        ref.main()
    total = time.perf_counter() - t0
    log = buf.getvalue()
    import re
    per_step = [float(a) + float(b) for a, b in re.findall(
        r"sample_time = ([0-9.]+), train_time = ([0-9.]+)", log)]
    F = [float(x) for x in re.findall(r"step = \d+, F = ([-0-9.e]+)", log)]
    net = PixelCNN(**vars(args))
    times = []
    with torch.no_grad():
        net.sample(int(batch))
        for _ in range(int(repeats)):
            t = time.perf_counter(); net.sample(int(batch)); times.append(time.perf_counter() - t)
    print(json.dumps({"total": total, "per_step": per_step, "F": F,
                      "sample": statistics.median(times)}))
""")


def spinnet_run(a: argparse.Namespace) -> dict:
    import torch

    from spinnet.autoregressive import VAN, PixelCNN
    from spinnet.models.lattice import SquareIsing

    torch.set_num_threads(1)
    torch.manual_seed(1)
    net = PixelCNN(a.L, depth=a.depth, width=a.width, half_kernel=a.half_kernel, bias=True,
                   z2=True, padding="zeros", dtype="float32")
    van = VAN(SquareIsing(a.L), net, clip_grad=1.0)
    T = 1.0 / a.beta
    van.fit(T, n_steps=1, batch_size=a.batch_size, beta_anneal=0.998, learning_rate=1e-3,
            rng=1)                                                     # warm-up
    t0 = time.perf_counter()
    van.fit(T, n_steps=1 + a.steps, batch_size=a.batch_size, beta_anneal=0.998,
            learning_rate=1e-3)
    train = (time.perf_counter() - t0) / a.steps
    out = {"step_seconds": train, "F": float(van.history_["free_energy"][-1])}
    for cache in (True, False):
        if not cache and a.skip_uncached:
            continue
        net.sample(a.batch_size, rng=0, cache=cache)
        times = []
        for r in range(a.repeats):
            t = time.perf_counter()
            net.sample(a.batch_size, rng=r, cache=cache)
            times.append(time.perf_counter() - t)
        out["sample_cache" if cache else "sample_nocache"] = statistics.median(times)
    return out


def peer_run(a: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        driver = Path(tmp) / "driver.py"
        driver.write_text(PEER_DRIVER)
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        proc = subprocess.run(
            [sys.executable, str(driver), str(Path(a.peer_dir).resolve()), str(a.L),
             str(a.depth), str(a.width), str(a.half_kernel), str(a.batch_size), str(a.steps),
             str(a.beta), str(a.repeats)],
            capture_output=True, text=True, env=env, cwd=tmp)
    if proc.returncode != 0:
        raise RuntimeError(f"reference run failed:\n{proc.stderr[-3000:]}")
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    steps = r["per_step"][1:]               # step 0 is the warm-up (beta = 0)
    return {"step_seconds": statistics.mean(steps) if steps else r["total"],
            "F": r["F"][-1] / 1.0 if r["F"] else float("nan"), "sample": r["sample"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--peer-dir", default=None, help="checkout of wdphy16/stat-mech-van")
    p.add_argument("--L", type=int, default=8)
    p.add_argument("--depth", type=int, default=3)
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--half-kernel", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--beta", type=float, default=0.44)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--skip-uncached", action="store_true")
    p.add_argument("--quick", action="store_true", help="CI smoke: L=4, tiny net, spinnet "
                                                        "only unless --peer-dir is given")
    p.add_argument("--json", default=None)
    a = p.parse_args(argv)
    if a.quick:
        a.L, a.depth, a.width, a.half_kernel, a.batch_size, a.steps, a.repeats = \
            4, 2, 4, 1, 32, 3, 1
    try:
        from _machine import machine_info

        machine = machine_info()
    except Exception:  # pragma: no cover - helper missing
        machine = {}
    print(f"VAN benchmark: L={a.L} PixelCNN depth={a.depth} width={a.width} "
          f"K={a.half_kernel}, batch {a.batch_size}, {a.steps} steps, beta={a.beta}")
    res = {"config": vars(a), "machine": machine, "spinnet": spinnet_run(a)}
    s = res["spinnet"]
    print(f"spinnet:   {1 / s['step_seconds']:.3f} steps/s, sample/batch "
          f"{s['sample_cache'] * 1e3:.1f} ms (cache)"
          + (f", {s['sample_nocache'] * 1e3:.1f} ms (no cache: "
             f"{s['sample_nocache'] / s['sample_cache']:.1f}x slower)"
             if "sample_nocache" in s else ""))
    if a.peer_dir:
        r = peer_run(a)
        res["reference"] = r
        res["ratio_steps"] = r["step_seconds"] / s["step_seconds"]
        res["ratio_sample"] = r["sample"] / s["sample_cache"]
        print(f"reference: {1 / r['step_seconds']:.3f} steps/s, sample/batch "
              f"{r['sample'] * 1e3:.1f} ms")
        print(f"ratio: training {res['ratio_steps']:.2f}x, sampling "
              f"{res['ratio_sample']:.2f}x (spinnet faster when > 1; goal >= 2x)")
    else:
        print("reference: not run (no --peer-dir)")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
