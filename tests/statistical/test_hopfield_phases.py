"""Simulation vs AGS theory at reduced size (fixed seeds, errors from trial spread)."""

import numpy as np

from spinnet.experiments import hopfield_tasks as tasks
from spinnet.theory import hopfield as H


def _runs(func, params, n, seed):
    rng = np.random.default_rng(seed)
    return [func(params, rng) for _ in range(n)]


def test_retrieval_overlap_matches_ags_below_capacity():
    # N = 4000, alpha = 0.10 and 0.12: m from T = 0 dynamics started at the patterns.
    for alpha in (0.10, 0.12):
        rs = _runs(tasks.retrieval_task, {"N": 4000, "alpha": alpha, "n_probes": 10}, 6,
                   seed=int(alpha * 100))
        m = np.array([r["m_mean"] for r in rs])
        se = m.std(ddof=1) / np.sqrt(len(m))
        assert abs(m.mean() - H.ags_solve(alpha, 0.0).m) < 4 * se + 1e-4


def test_no_retrieval_well_above_capacity():
    rs = _runs(tasks.retrieval_task, {"N": 2000, "alpha": 0.2, "n_probes": 10}, 3, seed=1)
    assert max(r["retrieved"] for r in rs) <= 0.1


def test_glauber_retrieval_boundary_brackets_t_m():
    alpha = 0.05
    tm = H.t_m(alpha)  # 0.542
    inside = _runs(tasks.glauber_task, {"N": 2000, "alpha": alpha, "T": tm - 0.08,
                                        "n_sweeps": 80}, 2, seed=3)
    outside = _runs(tasks.glauber_task, {"N": 2000, "alpha": alpha, "T": tm + 0.08,
                                         "n_sweeps": 80}, 2, seed=4)
    m_in = np.mean([r["m_mean"] for r in inside])
    assert abs(m_in - H.ags_solve(alpha, tm - 0.08).m) < 0.05
    assert np.mean([r["m_abs_mean"] for r in outside]) < 0.15


def test_three_mixture_overlaps_one_half_at_small_alpha():
    rs = _runs(tasks.mixture_task, {"N": 3000, "alpha": 0.01, "n_probes": 5}, 4, seed=5)
    m = np.array([r["m_mix"] for r in rs])
    assert abs(m.mean() - 0.5) < 0.02 and min(r["survived"] for r in rs) == 1.0
    # energy ordering at small alpha: pure states lie below mixtures (-0.5 vs -0.375)
    assert all(r["e_pure"] < r["e_mixture"] for r in rs)
    assert abs(np.mean([r["e_mixture"] for r in rs]) + 0.375) < 0.01


def test_three_mixtures_unstable_above_rs_limit():
    assert abs(H.mixture_state(3)["alpha_max"] - 0.03) < 0.001
    rs = _runs(tasks.mixture_task, {"N": 3000, "alpha": 0.06, "n_probes": 5}, 3, seed=6)
    assert np.mean([r["survived"] for r in rs]) < 0.2
