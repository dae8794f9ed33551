"""Spin-flip attempts per nanosecond: spinnet's Metropolis paths vs the Rust peers.

Measures, at ``T_c = 2/ln(1+sqrt 2)`` on the periodic ``L x L`` square Ising
lattice (``J = 1``, ``h = 0``), ONE core:

* ``spinnet checkerboard``: single-lattice checkerboard Metropolis
  (:class:`spinnet.samplers.Metropolis`; bit-packed sublattice kernel for even
  ``L >= 20``);
* ``spinnet multispin``: 64 bit-packed replicas
  (:class:`spinnet.samplers.MultispinMetropolis`), counting 64 attempts per
  site update.

Protocol: thermalise with Swendsen-Wang (untimed), warm up, then time
``--repeats`` blocks of ``--sweeps`` sweeps through the public ``run`` API
(measurements off: ``measure_every > n_sweeps``) and report the median.
Peers (``mcising``, ``peapods``) are timed by ``benchmarks/_ising_peers.py``
with the same ``L``, ``T`` and sweep count when importable in this
interpreter, or in another one given by ``--peer-python`` (they are not
spinnet dependencies). Ratios are spinnet / peer.

Usage::

    python benchmarks/ising_bench.py            # L = 256, 1024
    python benchmarks/ising_bench.py --quick    # CI size
    python benchmarks/ising_bench.py --peer-python .bench-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # per-core figures

import numpy as np

from spinnet.models import SquareIsing
from spinnet.samplers import Metropolis, MultispinMetropolis, SwendsenWang

T_C = 2.0 / math.log(1.0 + math.sqrt(2.0))
HERE = Path(__file__).resolve().parent


def _time_blocks(run_block, repeats: int) -> tuple[list[float], float]:
    seconds, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        run_block()
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return seconds, sum(cpu) / sum(seconds)


def time_checkerboard(L: int, n_sweeps: int, repeats: int, seed: int = 0) -> dict:
    model = SquareIsing(L)
    sw = SwendsenWang()
    state = sw.init(model, T_C, 1, rng=seed)
    state, _ = sw.run(model, state, 50 if L <= 512 else 20, measure_every=10**9)
    sampler = Metropolis("checkerboard")
    box = {"state": state}
    box["state"], _ = sampler.run(model, box["state"], 20, measure_every=10**9)

    def block():
        box["state"], _ = sampler.run(model, box["state"], n_sweeps, measure_every=10**9)

    secs, cpu = _time_blocks(block, repeats)
    _, trace = sampler.run(model, box["state"], 50)
    attempts = n_sweeps * L * L
    return {"name": "spinnet checkerboard", "L": L, "seconds": statistics.median(secs),
            "attempts_per_ns": attempts / statistics.median(secs) / 1e9,
            "cpu_per_wall": cpu, "energy_per_spin": float(trace.energy.mean())}


def time_multispin(L: int, n_sweeps: int, repeats: int, seed: int = 0) -> dict:
    model = SquareIsing(L)
    sampler = MultispinMetropolis()
    state = sampler.init(model, T_C, 64, rng=seed, start="up")
    box = {"state": state}
    box["state"], _ = sampler.run(model, box["state"], 20, measure_every=10**9)

    def block():
        box["state"], _ = sampler.run(model, box["state"], n_sweeps, measure_every=10**9)

    secs, cpu = _time_blocks(block, repeats)
    attempts = 64 * n_sweeps * L * L
    return {"name": "spinnet multispin (64 replicas)", "L": L,
            "seconds": statistics.median(secs),
            "attempts_per_ns": attempts / statistics.median(secs) / 1e9, "cpu_per_wall": cpu,
            "energy_per_spin": None}


def time_peers(L: int, n_sweeps: int, repeats: int, peer_python: str | None) -> dict[str, dict]:
    """Peer timings from ``_ising_peers`` (in-process, or via another interpreter)."""
    if peer_python is None:
        sys.path.insert(0, str(HERE))
        try:
            import _ising_peers as peers
        except ImportError:
            return {}
        out = {}
        for name, fn in peers.PEERS.items():
            out[name] = fn(L, T_C, n_sweeps, repeats=repeats)
        return out
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import _ising_peers as p; "
        f"print(json.dumps({{k: f({L}, {T_C!r}, {n_sweeps}, repeats={repeats}) "
        "for k, f in p.PEERS.items()}, default=float))"
    )
    res = subprocess.run([peer_python, "-c", code], capture_output=True, text=True, check=False)
    if res.returncode != 0:
        print(f"(peer run failed: {res.stderr.strip()[-300:]})", file=sys.stderr)
        return {}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[256, 1024])
    ap.add_argument("--sweeps", type=int, default=None,
                    help="sweeps per timed block (default: 2e7 / L^2 attempts-equivalent)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="CI size: L=64, few sweeps")
    ap.add_argument("--peer-python", default=None,
                    help="interpreter with mcising/peapods installed (e.g. .bench-venv/bin/python)")
    ap.add_argument("--no-peers", action="store_true")
    args = ap.parse_args(argv)
    sizes = [64] if args.quick else args.sizes
    repeats = 2 if args.quick else args.repeats
    cpu_name = platform.processor() or platform.machine()
    print(f"# spinnet Ising benchmark at T_c = {T_C:.6f}; {cpu_name}, "
          f"python {platform.python_version()}, numpy {np.__version__}")
    rows = []
    for L in sizes:
        n_sweeps = args.sweeps or (5 if args.quick else max(int(2e8 // (L * L)), 10))
        cb = time_checkerboard(L, n_sweeps, repeats)
        ms = time_multispin(L, max(n_sweeps // 4, 2), repeats)
        peers = {} if args.no_peers else time_peers(L, n_sweeps, repeats, args.peer_python)
        rows.append((L, n_sweeps, cb, ms, peers))
    print(f"{'L':>6} {'sweeps':>7} {'implementation':<34} {'flips/ns':>9} {'cpu/wall':>8} "
          f"{'vs mcising':>10} {'vs peapods':>10}")
    for L, n_sweeps, cb, ms, peers in rows:
        entries = [(r["name"], r["attempts_per_ns"], r["cpu_per_wall"]) for r in (cb, ms)]
        entries += [(k, v["attempts_per_ns"], v.get("cpu_per_wall", float("nan")))
                    for k, v in peers.items()]
        for name, rate, cpu in entries:
            ratios = []
            for peer in ("mcising", "peapods"):
                if peer in peers and not name.startswith(peer):
                    ratios.append(f"{rate / peers[peer]['attempts_per_ns']:10.2f}")
                else:
                    ratios.append(f"{'-':>10}")
            print(f"{L:>6} {n_sweeps:>7} {name:<34} {rate:9.3f} {cpu:8.2f} {' '.join(ratios)}")
    if not any(r[4] for r in rows) and not args.no_peers:
        print("# peers not importable here; try --peer-python .bench-venv/bin/python")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
