"""Timing adapters for third-party Ising Monte Carlo packages (benchmark only).

The peers are Rust/PyO3 packages from PyPI. They are *never* spinnet
dependencies; install them into a benchmark/dev environment only (see
``benchmarks/README.md``). Every peer import is optional: a missing peer is
simply left out of :data:`PEERS` / :func:`available_peers`.

What is compared
----------------
Single-spin-flip Metropolis on an ``L x L`` periodic square lattice,
``H = -J sum_<ij> s_i s_j`` with ``J = 1``, zero field, at temperature ``T``
(``k_B = 1``), on ONE core. The figure of merit is *spin-flip attempts per
nanosecond*: both peers do a deterministic sequential (typewriter) scan in
which one sweep is exactly ``L*L`` attempts (every site once, in row-major
order). Neither uses a checkerboard or random-site selection.

mcising
    ``mcising._core.IsingSimulation(L, 1.0, 0, 0, 0, seed, "metropolis", "square")``;
    timed call: ``sim.sweep(n_sweeps, temperature=T)``, which returns
    ``(accepted, attempted, cluster_flips)``; ``attempted`` is the attempt count
    we report (it equals ``n_sweeps * L * L``). Nothing is measured inside the
    timed call.
peapods
    ``peapods.Ising((L, L), temperatures=np.array([T]), n_replicas=1)`` then
    ``model._sim.reset(seed=seed)``; timed call: ``model.sample(n_sweeps,
    "metropolis", warmup_ratio=1.0, sequential=True)``. ``warmup_ratio=1.0``
    marks every sweep as warm-up, so peapods records no observables in the timed
    call (recording energy/magnetisation every sweep costs ~20 % at L=256). The
    API does not return an attempt count; we use ``n_sweeps * L * L`` (its kernel
    visits every site once per sweep -- checked by
    :func:`check_sweep_is_one_attempt_per_site`).

Protocol per call (identical for both peers)
--------------------------------------------
1. setup (untimed): build the model from a random configuration with ``seed``.
2. thermalisation (untimed): ``n_thermalize`` Swendsen-Wang cluster sweeps in
   the peer's own code (mcising: a separate ``"swendsen_wang"`` simulation
   whose spins are copied into the Metropolis one via ``get_spins``/``set_spins``;
   peapods: ``sample(..., cluster_update_interval=1, cluster_mode="sw")``, i.e.
   one Metropolis sweep + one SW update per step). Metropolis alone would need
   ~L^2 sweeps to leave the coarsening regime below T_c and ~L^2.17 at T_c.
3. one untimed Metropolis warm-up block (100 sweeps) so caches/branch
   predictors/the rayon pool are hot.
4. ``repeats`` timed blocks of ``n_sweeps`` Metropolis sweeps, back to back
   on the same chain; ``seconds`` is the median block wall time
   (``time.perf_counter``). The timed region is ONE Python->Rust call, so it
   includes only the per-call FFI/bookkeeping overhead: negligible for
   mcising; for peapods a fixed per-call setup of ~0.3 ms (L=256) to ~5 ms
   (L=1024), measured as t(1 sweep) - slope, i.e. < 0.2 % of a >= 1 s block.
5. energy (untimed): mean energy per spin over ``n_measure`` further
   Metropolis sweeps, measured by the peer itself (mcising:
   ``extend_thermalization`` returns E/N after every sweep; peapods:
   ``sample(n_measure, warmup_ratio=0.0)`` -> ``energies`` which is
   ``+sum s_i s_j / N``, so its sign is flipped). Compare with
   :func:`onsager_energy_per_spin` (exact infinite-lattice value).

Threading: both extension modules link rayon. ``RAYON_NUM_THREADS=1`` is set
in ``os.environ`` *before* the peers are imported (rayon reads it when its
global pool is first built). A single ``sweep``/``sample`` of one system is
serial in both packages anyway; the returned ``cpu_per_wall`` (process CPU
time / wall time over the timed blocks) should be ~1.0 and verifies it (a
value < 0.95 means the process was descheduled by other load). Checked: with
``RAYON_NUM_THREADS=1`` each package's pool adds one worker thread, unset it
adds one per core.

Run ``python benchmarks/_ising_peers.py`` for the T_c table,
``python benchmarks/_ising_peers.py --check`` for the physics sanity checks.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

# Must happen before any rayon-using extension module builds its global pool.
if os.environ.get("RAYON_NUM_THREADS") not in (None, "1"):
    warnings.warn(
        f"RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']!r} overridden to '1' "
        "for a per-core comparison (only effective if no rayon pool exists yet)",
        stacklevel=1,
    )
os.environ["RAYON_NUM_THREADS"] = "1"

import numpy as np

T_C: float = 2.0 / math.log(1.0 + math.sqrt(2.0))  # 2.269185314...

_WARMUP_SWEEPS = 100


# --------------------------------------------------------------------------
# exact reference
# --------------------------------------------------------------------------


def _agm(a: float, b: float) -> float:
    while abs(a - b) > 1e-15 * a:
        a, b = 0.5 * (a + b), math.sqrt(a * b)
    return a


def onsager_energy_per_spin(T: float) -> float:
    """Exact internal energy per spin of the infinite 2D square Ising model (J=1).

    ``u = -coth(2b) [1 + (2/pi) (2 tanh^2(2b) - 1) K(k)]``,
    ``k = 2 sinh(2b) / cosh^2(2b)``, ``K`` the complete elliptic integral of
    the first kind (modulus ``k``), ``b = 1/T``. At ``T_c`` the K term vanishes
    and ``u = -sqrt(2)``. ``onsager_energy_per_spin(2.0) = -1.745564``.
    """
    b = 1.0 / T
    k = 2.0 * math.sinh(2 * b) / math.cosh(2 * b) ** 2
    pre = 2.0 * math.tanh(2 * b) ** 2 - 1.0
    if abs(1.0 - k) < 1e-12:
        kterm = 0.0
    else:
        kk = math.pi / (2.0 * _agm(1.0, math.sqrt(max(0.0, 1.0 - k * k))))
        kterm = pre * kk
    return -(1.0 / math.tanh(2 * b)) * (1.0 + (2.0 / math.pi) * kterm)


def _result(
    *,
    seconds_all: list[float],
    cpu_all: list[float],
    attempts: int,
    L: int,
    T: float,
    n_sweeps: int,
    energy: float | None,
    algorithm: str,
    notes: str,
    version: str,
) -> dict[str, Any]:
    sec = statistics.median(seconds_all)
    return {
        "seconds": sec,
        "attempts": attempts,
        "attempts_per_ns": attempts / sec / 1e9,
        "attempts_per_ns_best": attempts / min(seconds_all) / 1e9,
        "algorithm": algorithm,
        "notes": notes,
        "energy_per_spin": energy,
        "energy_exact_infinite": onsager_energy_per_spin(T),
        "L": L,
        "T": T,
        "n_sweeps": n_sweeps,
        "repeats": len(seconds_all),
        "seconds_all": seconds_all,
        "cpu_per_wall": sum(cpu_all) / sum(seconds_all),
        "version": version,
    }


def _default_thermalize(L: int) -> int:
    return 100 if L <= 512 else 50


# --------------------------------------------------------------------------
# mcising
# --------------------------------------------------------------------------


def time_mcising(
    L: int,
    T: float,
    n_sweeps: int,
    seed: int = 0,
    *,
    repeats: int = 3,
    n_thermalize: int | None = None,
    n_measure: int = 200,
) -> dict[str, Any]:
    """Time mcising's sequential-scan Metropolis; see the module docstring."""
    from importlib.metadata import version

    from mcising._core import IsingSimulation

    if n_thermalize is None:
        n_thermalize = _default_thermalize(L)
    # untimed: cluster thermalisation, then hand the configuration over
    sim = IsingSimulation(L, 1.0, 0.0, 0.0, 0.0, seed, "metropolis", "square")
    if n_thermalize > 0:
        sw = IsingSimulation(L, 1.0, 0.0, 0.0, 0.0, seed, "swendsen_wang", "square")
        sw.sweep(n_thermalize, temperature=T)
        sim.set_spins(sw.get_spins())
        del sw
    sim.sweep(_WARMUP_SWEEPS, temperature=T)

    seconds_all: list[float] = []
    cpu_all: list[float] = []
    attempts = 0
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        _acc, attempted, _ = sim.sweep(n_sweeps, temperature=T)
        seconds_all.append(time.perf_counter() - t0)
        cpu_all.append(time.process_time() - c0)
        attempts = int(attempted)
    if attempts != n_sweeps * L * L:  # their honest work accounting
        raise RuntimeError(f"mcising reported {attempts} attempts, expected {n_sweeps * L * L}")

    energy = None
    if n_measure > 0:
        energy = float(np.mean(sim.extend_thermalization(n_measure, temperature=T)))

    return _result(
        seconds_all=seconds_all,
        cpu_all=cpu_all,
        attempts=attempts,
        L=L,
        T=T,
        n_sweeps=n_sweeps,
        energy=energy,
        algorithm="Metropolis, sequential (row-major) scan, 1 sweep = L*L attempts",
        notes=(
            "IsingSimulation.sweep(n) = one FFI call, no observables inside; int8 spins, "
            "Xoshiro256**, Boltzmann lookup table, uniform drawn only when dE > 0 (per "
            "upstream source), so throughput depends on T (~0.23 att/ns at T_c vs ~0.30 "
            "at T=2.0 here); thermalised with Swendsen-Wang (untimed); serial, "
            "RAYON_NUM_THREADS=1"
        ),
        version=version("mcising"),
    )


# --------------------------------------------------------------------------
# peapods
# --------------------------------------------------------------------------


def _peapods_model(L: int, T: float, seed: int) -> Any:
    from peapods import Ising

    model = Ising((L, L), couplings="ferro", temperatures=np.array([T]), n_replicas=1)
    model._sim.reset(seed=seed)
    return model


def _peapods_sample(model: Any, n: int, **kw: Any) -> dict[str, Any]:
    # With no recorded sweeps peapods' Python wrapper divides 0 by 0 for the
    # Binder cumulant; harmless, silence it.
    with np.errstate(all="ignore"):
        return model.sample(n, "metropolis", sequential=True, **kw)


def time_peapods(
    L: int,
    T: float,
    n_sweeps: int,
    seed: int = 0,
    *,
    repeats: int = 3,
    n_thermalize: int | None = None,
    n_measure: int = 200,
) -> dict[str, Any]:
    """Time peapods' sequential-scan Metropolis; see the module docstring.

    Note: peapods stores temperatures as float32 (T=2.269185 -> 2.2691851).
    """
    from importlib.metadata import version

    if n_thermalize is None:
        n_thermalize = _default_thermalize(L)
    model = _peapods_model(L, T, seed)
    if n_thermalize > 0:
        _peapods_sample(
            model, n_thermalize, cluster_update_interval=1, cluster_mode="sw", warmup_ratio=1.0
        )
    _peapods_sample(model, _WARMUP_SWEEPS, warmup_ratio=1.0)

    seconds_all: list[float] = []
    cpu_all: list[float] = []
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        _peapods_sample(model, n_sweeps, warmup_ratio=1.0)
        seconds_all.append(time.perf_counter() - t0)
        cpu_all.append(time.process_time() - c0)
    attempts = n_sweeps * L * L

    energy = None
    if n_measure > 0:
        res = _peapods_sample(model, n_measure, warmup_ratio=0.0)
        energy = -float(res["energies"][0])  # peapods reports +sum s_i s_j / N

    return _result(
        seconds_all=seconds_all,
        cpu_all=cpu_all,
        attempts=attempts,
        L=L,
        T=T,
        n_sweeps=n_sweeps,
        energy=energy,
        algorithm="Metropolis, sequential (row-major) scan, 1 sweep = L*L attempts",
        notes=(
            "Ising.sample(n, 'metropolis', warmup_ratio=1.0, sequential=True) = one FFI "
            "call, no observables recorded; attempts = n*L*L (not reported by the API); "
            "includes a small fixed per-call setup; int8 spins, Xoshiro256**, integer "
            "threshold lookup with one uniform per attempt and a branchless flip (per "
            "upstream spin-sim/src/mcmc/sweep.rs); float32 temperature; thermalised with "
            "SW+Metropolis (untimed); serial, RAYON_NUM_THREADS=1"
        ),
        version=version("peapods"),
    )


# --------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------

TimeFn = Callable[..., dict[str, Any]]


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


PEERS: dict[str, TimeFn] = {}
if _importable("mcising._core"):
    PEERS["mcising"] = time_mcising
if _importable("peapods._core"):
    PEERS["peapods"] = time_peapods

_INSTALL_HINT = "pip install mcising peapods  (benchmark env only; never a spinnet dependency)"


def available_peers() -> list[str]:
    """Names of the installed peers (keys of :data:`PEERS`)."""
    return list(PEERS)


# --------------------------------------------------------------------------
# sanity checks
# --------------------------------------------------------------------------


def check_sweep_is_one_attempt_per_site(L: int = 64) -> dict[str, float]:
    """At T -> infinity every Metropolis attempt is accepted, so one sweep that
    visits each site exactly once flips *every* spin. Returns the flipped
    fraction after one sweep per peer (1.0 expected; 2 visits would give 0)."""
    out: dict[str, float] = {}
    if "mcising" in PEERS:
        from mcising._core import IsingSimulation

        sim = IsingSimulation(L, 1.0, 0.0, 0.0, 0.0, 1, "metropolis", "square")
        a = sim.get_spins().copy()
        sim.sweep(1, temperature=1e9)
        out["mcising"] = float(np.mean(a == -sim.get_spins()))
    if "peapods" in PEERS:
        model = _peapods_model(L, 1e6, 1)
        a = np.asarray(model._sim.get_spins()).copy()
        _peapods_sample(model, 1, warmup_ratio=1.0)
        out["peapods"] = float(np.mean(a == -np.asarray(model._sim.get_spins())))
    return out


def run_checks(L: int = 256) -> bool:
    """Energy per spin vs Onsager at T=2.0 (tol 0.005) and T_c (tol 0.02).

    At T_c the single-configuration spread of E/N at L=256 is ~0.015 and the
    Metropolis autocorrelation time is thousands of sweeps, so 4000 measured
    sweeps scatter by ~0.005-0.01 around -sqrt(2) (seen for both peers); a
    broken sampler is off by far more. T=2.0 is the tight check."""
    ok = True
    flips = check_sweep_is_one_attempt_per_site()
    for name, frac in flips.items():
        good = frac > 0.999
        ok &= good
        print(f"{name:8s} one sweep at T=inf flips {frac:.4f} of spins  {'OK' if good else 'FAIL'}")
    for T, tol, n_meas in ((2.0, 0.005, 1000), (T_C, 0.02, 4000)):
        exact = onsager_energy_per_spin(T)
        for name, fn in PEERS.items():
            r = fn(L, T, 200, repeats=1, n_measure=n_meas)
            d = r["energy_per_spin"] - exact
            good = abs(d) < tol
            ok &= good
            print(
                f"{name:8s} L={L} T={T:.6f}  E/N={r['energy_per_spin']:+.5f}  "
                f"Onsager={exact:+.5f}  diff={d:+.5f}  {'OK' if good else 'FAIL'}"
            )
    return ok


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

_DEFAULT_SWEEPS = {256: 6000, 1024: 300}


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[256, 1024])
    p.add_argument("--temperature", type=float, default=2.269185)
    p.add_argument(
        "--sweeps",
        type=int,
        nargs="+",
        default=None,
        help="sweeps per timed block, one per size (default 6000 @256, 300 @1024)",
    )
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--check", action="store_true", help="run the physics sanity checks")
    a = p.parse_args(argv)

    if not PEERS:
        print(f"no Ising peers installed; {_INSTALL_HINT}")
        return 0
    missing = {"mcising", "peapods"} - set(PEERS)
    if missing:
        print(f"skipping {sorted(missing)} (not installed; {_INSTALL_HINT})")

    if a.check:
        return 0 if run_checks() else 1

    sweeps = a.sweeps or [_DEFAULT_SWEEPS.get(L, max(1, 4 * 10**8 // (L * L))) for L in a.sizes]
    print(
        f"T = {a.temperature}, RAYON_NUM_THREADS={os.environ['RAYON_NUM_THREADS']}, "
        f"att/ns = median of {a.repeats} blocks, best = fastest block; "
        "cpu/wall < 0.95 means the run was descheduled (busy machine)"
    )
    hdr = (
        f"{'peer':8s} {'ver':7s} {'L':>5s} {'sweeps':>7s} {'s/block':>8s} "
        f"{'att/ns':>7s} {'best':>6s} {'cpu/wall':>8s} {'E/N':>9s} {'Onsager':>9s}"
    )
    print(hdr)
    print("-" * len(hdr))
    for L, n in zip(a.sizes, sweeps, strict=True):
        for name, fn in PEERS.items():
            r = fn(L, a.temperature, n, a.seed, repeats=a.repeats)
            print(
                f"{name:8s} {r['version']:7s} {L:5d} {n:7d} {r['seconds']:8.3f} "
                f"{r['attempts_per_ns']:7.3f} {r['attempts_per_ns_best']:6.3f} "
                f"{r['cpu_per_wall']:8.2f} "
                f"{r['energy_per_spin']:+9.5f} {r['energy_exact_infinite']:+9.5f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
