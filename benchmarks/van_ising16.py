"""16×16 Ising: PixelCNN VAN under a CPU-time budget, against Kaufman's exact free energy.

Run from the repository root (one thread; the numbers of docs/autoregressive.md)::

    python benchmarks/van_ising16.py --T 2.269 --cpu-budget 1800 --deadline 09:22 --nmcmc
    python benchmarks/van_ising16.py --T 2.269 --cpu-budget 1800 --deadline 09:22 \\
        --restart-from van16_T2.269 --lr 5e-4 --beta-anneal 0 --out van16r_T2.269
    python benchmarks/van_ising16.py --T 2.0 --cpu-budget 20 --nis 2000    # smoke test

Protocol: ``torch.set_num_threads(1)``; CPU time by ``time.process_time()``. A 20-step probe
on a throwaway network measures the CPU per step and this process's share of a core; the
number of steps ``H`` is then fixed from the CPU left in ``--cpu-budget`` (minus an
estimate for the evaluation) and, if ``--deadline`` (UTC ``HH:MM``) is given, from the wall
time left at the measured share. Training: PixelCNN (``--depth``, ``--width``,
``--half-kernel``, Z2, helical boundary), Adam ``--lr`` with the cosine schedule to
``lr/100`` over ``H`` steps, β annealing ``--beta-anneal``, gradient clipping 1, batch
``--batch-size``. Evaluation: ``F_q`` from 10⁴ fresh samples, NIS from ``--nis`` samples
(raw log-weights saved to ``OUT_nis.npz``), naive mean field and Bethe, and with
``--nmcmc`` the independent sampler (``--nmcmc`` proposals) vs local Metropolis (10⁶
sweeps). ``--restart-from`` continues a saved network (a warm restart: new optimiser and
schedule; its CPU time is read from its ``result.json`` and counted in the budget).
Prints one JSON line per stage and writes ``OUT/result.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

try:
    import torch
except ImportError:  # pragma: no cover
    sys.exit("this benchmark needs the torch extra: pip install 'spinnet[torch]'")


def main(argv: list[str] | None = None) -> int:
    from spinnet.autoregressive import VAN, PixelCNN
    from spinnet.autoregressive.bounds import bethe_free_energy, naive_mean_field_free_energy
    from spinnet.autoregressive.van import _nis_estimates
    from spinnet.models.lattice import SquareIsing
    from spinnet.theory.ising import kaufman_energy_per_spin, kaufman_log_z

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--T", type=float, required=True)
    ap.add_argument("--cpu-budget", type=float, default=1800.0, help="seconds of CPU")
    ap.add_argument("--deadline", default=None, help="UTC HH:MM by which to be done")
    ap.add_argument("--nis", type=int, default=100_000)
    ap.add_argument("--nmcmc", type=int, nargs="?", const=500_000, default=0)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--width", type=int, default=16)
    ap.add_argument("--half-kernel", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--beta-anneal", type=float, default=0.995)
    ap.add_argument("--restart-from", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    T, L = a.T, 16
    out = Path(a.out or f"van16_T{T}")
    model = SquareIsing(L)
    f_exact = -T * float(kaufman_log_z(L, T)) / (L * L)
    c0, w0 = time.process_time(), time.perf_counter()

    def log(**kw: object) -> None:
        print(json.dumps(dict(kw, cpu=round(time.process_time() - c0, 1),
                              wall=round(time.perf_counter() - w0, 1))), flush=True)

    prev_cpu, steps0 = 0.0, 0
    if a.restart_from:
        prev = json.loads((Path(a.restart_from) / "result.json").read_text())
        prev_cpu, steps0 = prev["total_cpu_s"], prev["steps"]

    def fresh() -> VAN:
        if a.restart_from:
            return VAN.load(Path(a.restart_from) / "van", model)
        torch.manual_seed(a.seed)
        net = PixelCNN(L, depth=a.depth, width=a.width, half_kernel=a.half_kernel, z2=True)
        return VAN(model, net, clip_grad=1.0)

    probe = fresh()
    probe.fit(T, n_steps=3, batch_size=a.batch_size, beta_anneal=a.beta_anneal,
              learning_rate=a.lr, rng=a.seed + 9)
    cw, ww = time.process_time(), time.perf_counter()
    probe.fit(T, n_steps=23, batch_size=a.batch_size, beta_anneal=a.beta_anneal,
              learning_rate=a.lr, rng=a.seed + 9)
    cpu_step = (time.process_time() - cw) / 20
    share = (time.process_time() - cw) / max(time.perf_counter() - ww, 1e-9)
    eval_cpu = 0.8e-3 * a.nis + 40
    train_cpu = a.cpu_budget - prev_cpu - (time.process_time() - c0) - eval_cpu
    if a.deadline:
        hh, mm = map(int, a.deadline.split(":"))
        now = dt.datetime.now(dt.UTC)
        end = now.replace(hour=hh, minute=mm, second=0, microsecond=0).timestamp()
        train_cpu = min(train_cpu, 0.9 * share * (end - time.time()) - eval_cpu)
    else:
        end = math.inf
    horizon = max(50, int(train_cpu / cpu_step))
    log(stage="plan", cpu_per_step=cpu_step, share=share, horizon=horizon)

    van = fresh()
    kw = dict(batch_size=a.batch_size, beta_anneal=a.beta_anneal, learning_rate=a.lr,
              rng=a.seed + 1, lr_schedule="cosine", lr_horizon=horizon, lr_final=a.lr / 100)
    ct, steps = time.process_time(), 0
    while steps < horizon:
        steps = min(horizon, steps + 50)
        van.fit(T, n_steps=steps, **kw)
        if steps % 500 == 0:
            f = van.history_["free_energy"][-200:]
            log(stage="train", steps=steps, rel_q_recent=(float(np.mean(f)) - f_exact)
                / abs(f_exact))
        if (time.process_time() - c0 > a.cpu_budget - prev_cpu - eval_cpu
                or time.time() > end):
            break
    train_cpu_used = time.process_time() - ct
    out.mkdir(parents=True, exist_ok=True)
    van.save(out / "van")

    ce = time.process_time()
    f, fe = van.free_energy(10_000, batch_size=1000, rng=a.seed + 2)
    e, lq, m = van._draw(a.nis, 1000, torch.Generator().manual_seed(a.seed + 3))
    np.savez_compressed(out / "nis.npz", log_w=-e / T - lq, energy=e, abs_m=m)
    nis = _nis_estimates(e, lq, m, T, L * L)     # = van.importance_sampling on these samples
    eval_cpu_used = time.process_time() - ce
    mf = naive_mean_field_free_energy(model, T).free_energy
    be = bethe_free_energy(model, T).free_energy

    def rel(x: float) -> float:
        return (x - f_exact) / abs(f_exact)

    row = dict(T=T, net=van.net.get_config(), steps=steps0 + van.step_, horizon=horizon,
               batch_size=a.batch_size, lr=a.lr, beta_anneal=a.beta_anneal,
               train_cpu_s=train_cpu_used, eval_cpu_s=eval_cpu_used,
               total_cpu_s=prev_cpu + time.process_time() - c0,
               wall_s=time.perf_counter() - w0, F_exact=f_exact, F_q=f, F_q_err=fe,
               rel_q=rel(f), F_nis=nis.free_energy, F_nis_err=nis.free_energy_err,
               rel_nis=rel(nis.free_energy),
               nis_sigma=(nis.free_energy - f_exact) / nis.free_energy_err,
               nis_sigma_batch=(nis.free_energy - f_exact)
               / (T * nis.log_z_err_batch / (L * L)),
               ess=nis.ess, n_nis=a.nis, pareto_k=nis.pareto_k, rel_mf=rel(mf),
               rel_bethe=rel(be), E_nis=nis.energy, E_nis_err=nis.energy_err,
               E_exact=float(kaufman_energy_per_spin(L, T)),
               abs_m_nis=nis.abs_magnetization, abs_m_nis_err=nis.abs_magnetization_err)
    if a.nmcmc:
        from spinnet.samplers.local import Metropolis
        from spinnet.stats import integrated_autocorrelation_time

        cn = time.process_time()
        r = van.neural_mcmc(a.nmcmc, batch_size=1000, rng=a.seed + 15)
        row.update(nmcmc_proposals=a.nmcmc, nmcmc_acceptance=r.acceptance_rate,
                   nmcmc_tau=r.tau_int, nmcmc_tau_err=r.tau_int_err,
                   nmcmc_cpu_s_per_proposal=(time.process_time() - cn) / a.nmcmc,
                   nmcmc_abs_m=float(r.abs_magnetization.mean()),
                   nmcmc_abs_m_err=float(r.abs_magnetization.std()
                                         * math.sqrt(2 * r.tau_int / a.nmcmc)))
        sampler = Metropolis()
        st = sampler.init(model, T, n_chains=1, rng=a.seed + 1)
        st, _ = sampler.run(model, st, 5000)
        n_sw = 1_000_000
        cm = time.process_time()
        st, tr = sampler.run(model, st, n_sw)
        am = np.abs(tr.magnetization[0])
        tau = integrated_autocorrelation_time(am)
        row.update(metro_sweeps=n_sw, metro_cpu_s_per_sweep=(time.process_time() - cm) / n_sw,
                   metro_tau=tau.tau, metro_tau_err=tau.error, metro_abs_m=float(am.mean()),
                   metro_abs_m_err=float(am.std() * math.sqrt(2 * tau.tau / n_sw)))
    (out / "result.json").write_text(json.dumps(row, indent=1))
    print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
