"""Chi-square tests of every sampler against exact enumeration.

Protocol (fixed in advance, not tuned): for each of three seeds (0, 1, 2) we
run many independent chains from random starts, discard a burn-in far longer
than the autocorrelation time of these tiny systems, then record a few
configurations per chain spaced by many sweeps, so that the samples are
effectively independent. The samples are binned by configuration (``N <= 12``)
or by the pair ``(E, M)`` (``N = 16``); bins with expected count < 5 are
merged into one. The three chi-square p-values are combined with Fisher's
method (``-2 Σ ln p ~ χ²_6`` under the null) and the test requires the
combined p > 0.01. Where a slow mode (the +/- tunnelling of Metropolis on
4x4 at T = 2) would correlate samples of one chain, one sample per chain is
taken instead (multispin). Parallel tempering: per ladder temperature, with a
Bonferroni bound 0.01/4 over the four temperatures.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from spinnet.models import (
    BaxterWu,
    DenseIsing,
    EdwardsAnderson,
    SherringtonKirkpatrick,
    SquareIsing,
)
from spinnet.samplers import (
    HeatBath,
    Metropolis,
    MultispinMetropolis,
    ParallelTempering,
    SwendsenWang,
    Wolff,
    anneal,
)
from spinnet.theory.enumeration import enumerate_states, exact_distribution, state_index

SEEDS = (0, 1, 2)
P_MIN = 0.01


def _keys(model, spins):
    """Bin label: the configuration index for N <= 12, else (E, M) rounded."""
    if model.n_spins <= 12:
        return state_index(spins)
    E = np.round(np.asarray(model.energy(spins)), 8)
    M = spins.sum(axis=-1)
    return E * 1000.0 + M  # |M| <= 16 < 500 separates the pairs; E has 1e-8 resolution


def chi2_pvalue(model, T, samples):
    """Chi-square p-value of sampled configurations against the exact distribution."""
    states, probs = exact_distribution(model, T)
    state_keys = _keys(model, states)
    labels, inverse = np.unique(state_keys, return_inverse=True)
    p_bin = np.bincount(inverse, weights=probs, minlength=len(labels))
    sample_keys = _keys(model, samples)
    pos = np.searchsorted(labels, sample_keys)
    assert np.all(labels[np.minimum(pos, len(labels) - 1)] == sample_keys), "unknown bin"
    observed = np.bincount(pos, minlength=len(labels)).astype(float)
    n = len(samples)
    expected = n * p_bin
    small = expected < 5.0
    if small.any():
        observed = np.append(observed[~small], observed[small].sum())
        expected = np.append(expected[~small], expected[small].sum())
        if expected[-1] == 0:
            observed, expected = observed[:-1], expected[:-1]
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    return float(stats.chi2.sf(chi2, len(expected) - 1))


def fisher(pvalues):
    x = -2.0 * np.sum(np.log(np.maximum(pvalues, 1e-300)))
    return float(stats.chi2.sf(x, 2 * len(pvalues)))


def sample_configurations(sampler, model, T, seed, *, n_chains=2000, burn=200, n_samples=5,
                          spacing=20):
    state = sampler.init(model, T, n_chains, rng=seed)
    state, _ = sampler.run(model, state, burn, measure_every=burn)
    _, trace = sampler.run(model, state, n_samples * spacing, measure_every=spacing,
                           record_spins=True)
    return trace.spins.reshape(-1, model.n_spins)


def combined_pvalue(sampler, model, T, **kw):
    ps = [chi2_pvalue(model, T, sample_configurations(sampler, model, T, s, **kw))
          for s in SEEDS]
    return fisher(ps), ps


MODELS = {
    "square3_field_aniso": (lambda: SquareIsing(3, J_h=1.0, J_v=0.6, h=0.2), 2.0),
    "square3_diag": (lambda: SquareIsing(3, J_h=0.8, J_v=1.0, J_d=0.5, h=-0.1), 2.5),
    "square4": (lambda: SquareIsing(4), 2.5),
    "square4_diag_field": (lambda: SquareIsing(4, J_h=1.0, J_v=0.7, J_d=0.4, h=0.15), 2.8),
    "baxter_wu3": (lambda: BaxterWu(3), 2.5),
    "sk12": (lambda: SherringtonKirkpatrick(12, rng=7, h=0.1), 0.8),
    "ea3_gauss": (lambda: EdwardsAnderson(3, 2, "gaussian", rng=3), 1.0),
    "dense10": (lambda: DenseIsing(SherringtonKirkpatrick(10, rng=1, J0=1.0).couplings,
                                   np.linspace(-0.3, 0.3, 10)), 1.2),
}

SAMPLERS = {
    "metropolis_cb": lambda: Metropolis("checkerboard"),
    "metropolis_rand": lambda: Metropolis("random"),
    "metropolis_seq": lambda: Metropolis("sequential"),
    "heatbath_cb": lambda: HeatBath("checkerboard"),
    "heatbath_rand": lambda: HeatBath("random"),
}


@pytest.mark.parametrize("sampler_name", list(SAMPLERS))
@pytest.mark.parametrize("model_name", list(MODELS))
def test_single_spin_samplers_match_enumeration(model_name, sampler_name):
    make_model, T = MODELS[model_name]
    model = make_model()
    if sampler_name.endswith("_cb") and model.coloring() is None:
        pytest.skip("checkerboard order is not defined for dense models")
    p, ps = combined_pvalue(SAMPLERS[sampler_name](), model, T)
    print(f"{model_name} {sampler_name}: Fisher p = {p:.3g}, per seed {np.round(ps, 3)}")
    assert p > P_MIN, (p, ps)


CLUSTER_MODELS = {
    "square3_aniso": (lambda: SquareIsing(3, J_h=1.0, J_v=0.6), 2.0),
    "square4": (lambda: SquareIsing(4), 2.3),
    "square4_diag": (lambda: SquareIsing(4, J_h=1.0, J_v=0.7, J_d=0.4), 2.8),
    "square3_afm_diag": (lambda: SquareIsing(3, J_h=1.0, J_v=-0.5, J_d=0.3), 1.5),
    "ea3_pm": (lambda: EdwardsAnderson(3, 2, "pm", rng=5), 1.5),
}


@pytest.mark.parametrize("sampler_name", ["wolff", "sw"])
@pytest.mark.parametrize("model_name", list(CLUSTER_MODELS))
def test_cluster_samplers_match_enumeration(model_name, sampler_name):
    make_model, T = CLUSTER_MODELS[model_name]
    model = make_model()
    sampler = Wolff(clusters_per_sweep=3) if sampler_name == "wolff" else SwendsenWang()
    p, ps = combined_pvalue(sampler, model, T)
    print(f"{model_name} {sampler_name}: Fisher p = {p:.3g}, per seed {np.round(ps, 3)}")
    assert p > P_MIN, (p, ps)


@pytest.mark.parametrize("L,T", [(4, 2.5), (4, 2.0), (4, 3.5)])
def test_multispin_matches_enumeration(L, T):
    model = SquareIsing(L)
    # Strictly independent samples: one configuration per replica after a
    # burn-in much longer than the +/- tunnelling time of Metropolis on 4x4 at
    # T = 2 (tens of sweeps); 8192 replicas = 128 packed words.
    p, ps = combined_pvalue(MultispinMetropolis(), model, T, n_chains=8192, burn=1000,
                            n_samples=1, spacing=1)
    print(f"multispin L={L} T={T}: Fisher p = {p:.3g}, per seed {np.round(ps, 3)}")
    assert p > P_MIN, (p, ps)


@pytest.mark.parametrize("model_name", ["sk12", "square4_diag_field", "baxter_wu3"])
def test_parallel_tempering_matches_enumeration(model_name):
    make_model, _ = MODELS[model_name]
    model = make_model()
    ladder = np.array([0.6, 0.9, 1.4, 2.2]) * (1.0 if model_name == "sk12" else 2.5)
    pt = ParallelTempering(ladder, HeatBath("random") if model_name == "sk12" else Metropolis())
    pvals = {}
    for k, T in enumerate(ladder):
        ps = []
        for seed in SEEDS:
            state = pt.init(model, 1000, rng=seed)
            state, _ = pt.run(model, state, 200, measure_every=200)
            _, trace = pt.run(model, state, 100, measure_every=20, record_spins=True)
            ps.append(chi2_pvalue(model, T, trace.spins[:, k].reshape(-1, model.n_spins)))
        pvals[T] = (fisher(ps), ps)
    print(f"PT {model_name}: " + ", ".join(f"T={T:.2f}: p={p:.3g}" for T, (p, _) in pvals.items()))
    # Bonferroni over the 4 temperatures of the ladder.
    assert min(p for p, _ in pvals.values()) > P_MIN / len(ladder), pvals
    assert 0.0 < trace.swap_acceptance.mean() <= 1.0


def test_annealing_finds_sk_ground_state():
    model = SherringtonKirkpatrick(12, rng=7)
    states = enumerate_states(12)
    e_min = float(np.min(model.energy(states)))
    for schedule in ("logarithmic", "geometric", "linear"):
        res = anneal(model, schedule, n_sweeps=300, n_restarts=8, rng=0, T0=3.0)
        assert res.energy == pytest.approx(e_min, abs=1e-9), schedule
        assert np.isclose(model.energy(res.spins), res.energy)
        # the quench leaves local minima: no single flip lowers the energy
        assert np.all(model.delta_energy(res.all_spins) >= -1e-12)
