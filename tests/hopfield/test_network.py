import numpy as np
import pytest

from spinnet.datasets import DEMO_LETTERS, letters
from spinnet.experiments import max_stable_patterns
from spinnet.hopfield import HopfieldNetwork
from spinnet.spins import flip, random_patterns


def test_estimator_api(rng):
    xi = random_patterns(10, 200, rng=rng)
    net = HopfieldNetwork().fit(xi)
    assert net.couplings_.shape == (200, 200) and net.patterns_.shape == (10, 200)
    assert net.load_ == pytest.approx(0.05) and "p=10" in repr(net)
    probes = flip(xi, 0.2, rng=rng)
    out, traj = net.recall(probes, rng=1, return_trajectory=True)
    assert out.shape == probes.shape and out.dtype == np.int8
    assert np.allclose(np.diag(net.overlaps(out)), 1.0)
    assert traj.overlaps.shape[2] == 10 and traj.converged.all()
    single = net.recall(probes[0], rng=1)
    assert single.shape == (200,)
    assert np.isclose(net.energy(xi[0]), net.energy(xi[:1])[0])
    for dyn in ("sync", "glauber"):
        assert net.recall(probes, dynamics=dyn, rng=2).shape == probes.shape


@pytest.mark.parametrize("rule", ["hebbian", "storkey", "pseudo_inverse"])
def test_partial_fit_equals_fit(rule, rng):
    xi = random_patterns(9, 80, rng=rng)
    a = HopfieldNetwork(rule).fit(xi)
    b = HopfieldNetwork(rule).partial_fit(xi[:4]).partial_fit(xi[4:8]).partial_fit(xi[8])
    assert np.allclose(a.couplings_, b.couplings_, atol=1e-9)
    assert np.array_equal(a.patterns_, b.patterns_)


def test_failed_fit_leaves_network_unchanged(rng):
    xi = random_patterns(5, 50, rng=rng)
    net = HopfieldNetwork("pseudo_inverse").fit(xi)
    J, P = net.couplings_.copy(), net.patterns_.copy()
    bad_inputs = [np.zeros((2, 50)), np.full((2, 50), np.nan), np.ones(50)[None, :, None],
                  np.zeros((0, 50)), np.ones((2, 50)) * 2]
    for bad in bad_inputs:
        with pytest.raises((ValueError, TypeError), match="patterns"):
            net.fit(bad)
    with pytest.raises(ValueError, match="N = 50"):
        net.partial_fit(np.ones((1, 49)))
    assert np.array_equal(net.couplings_, J) and np.array_equal(net.patterns_, P)


def test_bad_recall_arguments(rng):
    net = HopfieldNetwork().fit(random_patterns(3, 40, rng=rng))
    with pytest.raises(ValueError, match="states"):
        net.recall(np.ones(41))
    with pytest.raises(ValueError, match="temperature"):
        net.recall(np.ones(40), dynamics="glauber", temperature=-0.1)
    with pytest.raises(ValueError, match="dynamics"):
        net.recall(np.ones(40), dynamics="parallel")
    with pytest.raises(ValueError, match="needs dynamics='glauber'"):
        net.recall(np.ones(40), temperature=1.0)
    with pytest.raises(TypeError, match="max_sweeps"):
        net.recall(np.ones(40), max_sweeps=3.5)
    with pytest.raises(ValueError, match="rule"):
        HopfieldNetwork("oja")
    with pytest.raises(RuntimeError, match="not fitted"):
        HopfieldNetwork().recall(np.ones(3))


def test_same_seed_same_recall(rng):
    xi = random_patterns(20, 300, rng=rng)
    net = HopfieldNetwork().fit(xi)
    probes = flip(xi, 0.4, rng=3)
    for dyn, T in (("async", 0.0), ("glauber", 0.6)):
        a = net.recall(probes, dynamics=dyn, temperature=T, rng=7)
        assert np.array_equal(a, net.recall(probes, dynamics=dyn, temperature=T, rng=7))


def test_pseudo_inverse_fixed_points_up_to_0_9N():
    n = 200
    for p in (20, 100, 150, 180):
        xi = random_patterns(p, n, rng=p)
        net = HopfieldNetwork("pseudo_inverse").fit(xi)
        assert np.array_equal(net.recall(xi, dynamics="sync", max_sweeps=1), xi)
        assert np.array_equal(net.recall(xi, rng=0), xi)


def test_storkey_stores_more_than_hebb():
    # Criterion: largest p with all stored patterns strictly stable (see max_stable_patterns).
    hebb = max_stable_patterns("hebbian", 200, n_trials=5, rng=0)
    stork = max_stable_patterns("storkey", 200, n_trials=5, rng=0)
    # Theory: N/(2 ln N) = 18.9 for Hebb, N/sqrt(2 ln N) = 61.4 for Storkey.
    assert stork.min() > hebb.max()
    assert 10 < hebb.mean() < 30 and 40 < stork.mean() < 80


def test_letters_demo_recovery():
    xi = letters(DEMO_LETTERS, 32)
    net = HopfieldNetwork("pseudo_inverse").fit(xi)
    for seed in range(3):
        out = net.recall(flip(xi, 0.25, rng=seed), rng=seed)
        assert np.all(np.diag(net.overlaps(out)) >= 0.95)


def test_hebbian_pattern_representation_equals_dense_couplings(rng):
    """The estimator's exact low-rank path gives the same chains as dense J."""
    from spinnet.hopfield import run_async, run_glauber

    xi = random_patterns(30, 301, rng=rng)
    net = HopfieldNetwork("hebbian").fit(xi)
    assert net._lowrank() is not None
    probes = flip(xi[:6], 0.3, rng=rng)
    a, ta = net.recall(probes, rng=4, return_trajectory=True)
    b, tb = run_async(net.couplings_, probes, rng=4, patterns=xi, record=True)
    assert np.array_equal(a, b) and np.array_equal(ta.n_sweeps, tb.n_sweeps)
    assert np.allclose(ta.energies, tb.energies) and np.allclose(ta.overlaps, tb.overlaps)
    g = net.recall(probes, dynamics="glauber", temperature=0.4, max_sweeps=15, rng=4)
    assert np.array_equal(g, run_glauber(net.couplings_, probes, 0.4, n_sweeps=15, rng=4))
    single = net.recall(probes[2], rng=9)
    assert np.array_equal(single, run_async(net.couplings_, probes[2], rng=9))
