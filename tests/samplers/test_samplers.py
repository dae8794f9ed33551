"""Sampler behaviour: reproducibility, state handling, bad input, Kaufman check."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.models import BaxterWu, EdwardsAnderson, SherringtonKirkpatrick, SquareIsing
from spinnet.samplers import (
    ALGORITHMS,
    HeatBath,
    Metropolis,
    MultispinMetropolis,
    ParallelTempering,
    SwendsenWang,
    Wolff,
    anneal,
    simulate,
    temperature_schedule,
)

SAMPLERS = [
    (lambda: Metropolis(), lambda: SquareIsing(8)),
    (lambda: Metropolis(), lambda: SquareIsing(6, J_d=0.4, h=0.1)),
    (lambda: Metropolis("random"), lambda: SquareIsing(5, J_v=0.5)),
    (lambda: Metropolis("sequential"), lambda: BaxterWu(6)),
    (lambda: HeatBath(), lambda: EdwardsAnderson(4, 3, rng=0)),
    (lambda: HeatBath("random"), lambda: SherringtonKirkpatrick(20, rng=0)),
    (lambda: Wolff(2), lambda: SquareIsing(8, J_v=0.6)),
    (lambda: SwendsenWang(), lambda: SquareIsing(6, J_d=0.5)),
    (lambda: MultispinMetropolis(), lambda: SquareIsing(8)),
]


@pytest.mark.parametrize("make_sampler,make_model", SAMPLERS)
def test_same_seed_same_chains(make_sampler, make_model):
    sampler, model = make_sampler(), make_model()
    n = 64 if isinstance(sampler, MultispinMetropolis) else 3
    runs = []
    for _ in range(2):
        state = sampler.init(model, 2.4, n, rng=123)
        state, trace = sampler.run(model, state, 20, record_spins=True)
        runs.append((state, trace))
    (s1, t1), (s2, t2) = runs
    np.testing.assert_array_equal(s1.spins, s2.spins)
    np.testing.assert_array_equal(t1.energy, t2.energy)
    np.testing.assert_array_equal(t1.spins, t2.spins)
    other = sampler.run(model, sampler.init(model, 2.4, n, rng=124), 20)[0]
    assert not np.array_equal(other.spins, s1.spins)


@pytest.mark.parametrize("make_sampler,make_model", SAMPLERS)
def test_split_runs_equal_one_run_and_input_untouched(make_sampler, make_model):
    sampler, model = make_sampler(), make_model()
    n = 64 if isinstance(sampler, MultispinMetropolis) else 2
    state = sampler.init(model, 2.0, n, rng=7)
    before = state.spins.copy()
    a, ta = sampler.run(model, state, 12)
    np.testing.assert_array_equal(state.spins, before)  # run does not mutate its input
    b, _ = sampler.run(model, state, 5)
    b, tb = sampler.run(model, b, 7)
    np.testing.assert_array_equal(a.spins, b.spins)
    np.testing.assert_allclose(ta.energy[:, -1], tb.energy[:, -1])
    assert a.n_sweeps == b.n_sweeps == 12
    np.testing.assert_allclose(ta.energy[:, -1] * model.n_spins, model.energy(a.spins),
                               atol=1e-9)
    np.testing.assert_allclose(ta.magnetization[:, -1] * model.n_spins, a.spins.sum(1))


def test_chain_does_not_depend_on_number_of_chains():
    model, sampler = SquareIsing(6), Metropolis()
    few = sampler.run(model, sampler.init(model, 2.3, 2, rng=1), 10)[0]
    many = sampler.run(model, sampler.init(model, 2.3, 5, rng=1), 10)[0]
    np.testing.assert_array_equal(few.spins, many.spins[:2])


def test_parallel_tempering_reproducible_and_consistent():
    model = SherringtonKirkpatrick(16, rng=3)
    pt = ParallelTempering([0.5, 0.8, 1.2], swap_every=2)
    out = [pt.run(model, pt.init(model, 2, rng=4), 30, measure_every=3) for _ in range(2)]
    np.testing.assert_array_equal(out[0][1].energy, out[1][1].energy)
    state, trace = out[0]
    assert trace.energy.shape == (2, 3, 10)
    np.testing.assert_allclose(trace.energy[:, :, -1] * 16, model.energy(state.spins))
    assert np.all(state.swap_attempts.sum(1) == 15)
    assert np.all((trace.swap_acceptance >= 0) & (trace.swap_acceptance <= 1))


def test_anneal_reproducible_and_schedules():
    model = SquareIsing(6)
    r1 = anneal(model, "geometric", 200, 3, rng=0)
    r2 = anneal(model, "geometric", 200, 3, rng=0)
    np.testing.assert_array_equal(r1.all_spins, r2.all_spins)
    assert r1.energy == pytest.approx(model.ground_state_energy)
    T = temperature_schedule("logarithmic", 5, T0=2.0)
    np.testing.assert_allclose(T, 2.0 / (1 + np.log(np.arange(1, 6))))
    assert temperature_schedule("linear", 3, 3.0, 1.0).tolist() == [3.0, 2.0, 1.0]
    res = anneal(model, [3.0, 2.0, 1.0, 0.5], n_restarts=2, rng=1)
    assert res.temperatures.shape == (4,)


def test_anneal_records_energies_and_reports_progress():
    # Recording the energies draws no random numbers: the same chains as without it.
    model = SquareIsing(6)
    plain = anneal(model, [3.0, 3.0, 2.0, 1.0, 1.0, 0.5], n_restarts=3, rng=2)
    calls = []
    rec = anneal(model, [3.0, 3.0, 2.0, 1.0, 1.0, 0.5], n_restarts=3, rng=2,
                 record_energies=True, progress=lambda *a: calls.append(a))
    np.testing.assert_array_equal(rec.all_spins, plain.all_spins)
    assert plain.energy_trace is None and rec.energy_trace.shape == (3, 6)
    assert np.all(rec.energies / model.n_spins <= rec.energy_trace[:, -1] + 1e-12)
    assert calls[-1] == ("anneal", 6, 6)
    assert [c[1] for c in calls] == sorted(c[1] for c in calls)


def test_multispin_agrees_with_kaufman_and_scalar():
    from spinnet.theory.ising import kaufman_energy_per_spin

    L, T = 8, 2.5
    model = SquareIsing(L)
    exact = kaufman_energy_per_spin(L, T)
    for algo, n in (("multispin", 256), ("metropolis", 256), ("wolff", 64), ("sw", 64)):
        trace = simulate(model, T, algo, n_sweeps=400, n_thermalize=100, n_chains=n, rng=2,
                         measure_every=4)
        per_chain = trace.energy.mean(axis=1)
        err = per_chain.std(ddof=1) / np.sqrt(len(per_chain))
        assert abs(per_chain.mean() - exact) < 4 * err + 1e-12, (algo, per_chain.mean(), exact)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: Metropolis(order="diagonal"), ValueError, "order"),
    (lambda: Metropolis().init(SquareIsing(4), 0.0), ValueError, "T"),
    (lambda: Metropolis().init(SquareIsing(4), -1.0), ValueError, "T"),
    (lambda: Metropolis().init(SquareIsing(4), [1.0, 2.0], 3), ValueError, "T"),
    (lambda: Metropolis().init(SquareIsing(4), 1.0, 0), ValueError, "n_chains"),
    (lambda: Metropolis().init(SquareIsing(4), 1.0, rng=0.5), TypeError, "rng"),
    (lambda: Metropolis().init(SquareIsing(4), 1.0, start="hot"), ValueError, "start"),
    (lambda: Metropolis().init(SquareIsing(4), 1.0, start=np.zeros(16)), ValueError, "start"),
    (lambda: Metropolis("checkerboard").init(SherringtonKirkpatrick(5), 1.0), ValueError,
     "checkerboard"),
    (lambda: Metropolis().init("model", 1.0), TypeError, "model"),
    (lambda: Wolff().init(SquareIsing(4, h=0.1), 1.0), ValueError, "field"),
    (lambda: SwendsenWang().init(SherringtonKirkpatrick(5), 1.0), TypeError, "lattice"),
    (lambda: Wolff(0), ValueError, "clusters_per_sweep"),
    (lambda: MultispinMetropolis().init(SquareIsing(4), 1.0, 100), ValueError, "64"),
    (lambda: MultispinMetropolis().init(SquareIsing(5), 1.0, 64), ValueError, "even"),
    (lambda: MultispinMetropolis().init(SquareIsing(4, J_v=0.5), 1.0, 64), ValueError, "J_h"),
    (lambda: ParallelTempering([1.0]), ValueError, "temperatures"),
    (lambda: ParallelTempering([1.0, -1.0]), ValueError, "temperatures"),
    (lambda: simulate(SquareIsing(4), 1.0, "glauber"), ValueError, "metropolis"),
    (lambda: simulate(SquareIsing(4), 0.0), ValueError, "T"),
    (lambda: anneal(SquareIsing(4), "cosine"), ValueError, "schedule"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_run_validates_state():
    m = SquareIsing(4)
    s = Metropolis().init(m, 1.0)
    with pytest.raises(ValueError, match="N = 16"):
        Metropolis().run(SquareIsing(5), s, 1)
    with pytest.raises(ValueError, match="n_sweeps"):
        Metropolis().run(m, s, -1)
    with pytest.raises(ValueError, match="measure_every"):
        Metropolis().run(m, s, 1, measure_every=0)


def test_simulate_all_algorithms_shapes():
    model = SquareIsing(8)
    for algo in ALGORITHMS:
        T = [2.0, 2.6] if algo == "pt" else 2.3
        trace = simulate(model, T, algo, n_sweeps=10, n_thermalize=5, n_chains=2, rng=0)
        expected = {"pt": (2, 2, 10), "multispin": (64, 10)}.get(algo, (2, 10))
        assert trace.energy.shape == expected
        assert np.all(np.abs(trace.magnetization) <= 1)
