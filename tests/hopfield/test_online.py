"""Online attractor network: synaptic dynamics, recall while learning, palimpsest."""

import numpy as np
import pytest

from spinnet.experiments.attractor import online_learning
from spinnet.hopfield import (
    OnlineAttractorNetwork,
    SynapticDynamics,
    noisy_exemplars,
    synaptic_update,
)
from spinnet.spins import random_patterns


def test_synaptic_update_formula_and_purity():
    gen = np.random.default_rng(0)
    n = 6
    J = gen.normal(size=(n, n)) / n
    J = J + J.T
    np.fill_diagonal(J, 0.0)
    s = np.array([1, -1, 1, 1, -1, -1], dtype=np.int8)
    rule = SynapticDynamics(decay=0.1, learning_rate=0.5, dt=0.5)
    before = J.copy()
    out = synaptic_update(J, s, rule)
    expected = (1 - 0.05) * J + 0.25 / n * np.outer(s, s)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(J, before)


def test_repeated_state_relaxes_to_the_fixed_point_of_the_synaptic_ode():
    """J_t = (1 - (1-a)^t) (ε/a) s sᵀ/N: the exact solution of the discrete map."""
    n, a, eps = 8, 0.1, 0.3
    s = random_patterns(1, n, rng=1)[0]
    rule = SynapticDynamics(decay=a, learning_rate=eps)
    J = np.zeros((n, n))
    for _ in range(25):
        J = synaptic_update(J, s, rule)
    target = (1 - (1 - a) ** 25) * (eps / a) * np.outer(s, s) / n
    np.fill_diagonal(target, 0.0)
    np.testing.assert_allclose(J, target, rtol=1e-12)


def test_clipping_bounds_the_couplings():
    n = 10
    s = random_patterns(1, n, rng=2)[0]
    rule = SynapticDynamics(decay=0.0, learning_rate=1.0, bound=2.5)
    J = np.zeros((n, n))
    for _ in range(10):
        J = synaptic_update(J, s, rule)
    off = ~np.eye(n, dtype=bool)
    np.testing.assert_allclose(np.abs(J[off]), 2.5 / n)
    assert np.all(np.sign(J[off]) == np.outer(s, s)[off])


def test_noisy_exemplars_statistics_and_reproducibility():
    xi = random_patterns(1, 2000, rng=3)[0]
    ex = noisy_exemplars(xi, 50, 0.2, rng=4)
    m = ex.astype(float) @ xi / 2000
    # each overlap has mean 1 - 2q and sd 2 sqrt(q(1-q)/N) ≈ 0.018; mean of 50: 4σ ≈ 0.01
    assert abs(m.mean() - 0.6) < 4 * 2 * np.sqrt(0.16 / 2000) / np.sqrt(50)
    assert len({e.tobytes() for e in ex}) == 50  # all exemplars differ
    np.testing.assert_array_equal(ex, noisy_exemplars(xi, 50, 0.2, rng=4))


def test_blank_network_follows_the_stimulus_and_learns_it():
    n = 50
    eta = random_patterns(1, n, rng=5)[0]
    net = OnlineAttractorNetwork(n, SynapticDynamics(decay=0.0, learning_rate=1.0),
                                 stimulus=0.5, rng=6)
    s = net.present(eta, rng=7)
    np.testing.assert_array_equal(s, eta)
    expected = np.outer(eta, eta) / n
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(net.couplings, expected)
    assert net.time == 1.0
    assert net.is_fixed_point(eta)
    assert not net.is_fixed_point(-eta * np.where(np.arange(n) < 20, -1, 1))


@pytest.fixture(scope="module")
def run():
    return online_learning(n_neurons=200, n_classes=8, n_exemplars=20, noise=0.2,
                           record_every=5, rng=11)


def test_prototype_attractors_form_from_noisy_exemplars(run):
    # the attractor reached from each class's own exemplars is the prototype, not the exemplar
    assert np.all(run.exemplar_prototype_attractor > 0.95)
    assert np.all(np.abs(run.exemplar_attractor_overlap - 0.6) < 0.1)
    assert run.exemplar_fixed_fraction == 0.0
    # every class formed its attractor while it was shown
    assert np.all(np.isfinite(run.formation_time))
    assert np.all(run.formation_time <= 20)


def test_recall_and_learning_in_one_loop(run):
    """Late in a class the network corrects the exemplar towards the prototype."""
    st = run.state_prototype_overlap.reshape(8, 20)
    # An exemplar overlaps its prototype by 1 - 2q = 0.6 with sd 2 sqrt(q(1-q)/N) = 0.057
    # (N = 200), so a mean of 3 presentations is 0.6 ± 0.033: 0.75 and 0.8 are > 4σ away.
    assert np.all(st[:, :3].mean(axis=1) < 0.75)  # early: the state is the exemplar
    assert np.all(st[:, -3:].mean(axis=1) > 0.8)  # late: the attractor cleans it up


def test_old_classes_fade_recent_ones_persist(run):
    assert np.all(run.final_overlaps[-2:] > 0.9)
    assert np.all(run.final_overlaps[:3] < 0.5)
    # palimpsest: the number of retrievable classes saturates well below the number shown
    assert run.retrieved_after_class.max() <= 5
    assert run.retrieved_after_class[-1] >= 2


def test_same_seed_same_result():
    a = online_learning(n_neurons=60, n_classes=3, n_exemplars=5, record_every=5, rng=3)
    b = online_learning(n_neurons=60, n_classes=3, n_exemplars=5, record_every=5, rng=3)
    np.testing.assert_array_equal(a.overlaps, b.overlaps)
    np.testing.assert_array_equal(a.state_prototype_overlap, b.state_prototype_overlap)


def test_glauber_neurons_run():
    res = online_learning(n_neurons=80, n_classes=2, n_exemplars=10, temperature=0.05,
                          record_every=5, rng=4)
    assert res.overlaps.shape == (len(res.times), 2)


def test_bad_input():
    with pytest.raises(ValueError, match="decay"):
        SynapticDynamics(decay=-0.1)
    with pytest.raises(ValueError, match=r"decay \* dt"):
        SynapticDynamics(decay=0.5, dt=3.0)
    with pytest.raises(ValueError, match="learning_rate"):
        SynapticDynamics(learning_rate=0.0)
    with pytest.raises(ValueError, match="bound"):
        SynapticDynamics(bound=-1.0)
    with pytest.raises(TypeError, match="rule"):
        synaptic_update(np.zeros((3, 3)), [1, 1, -1], rule="hebb")
    with pytest.raises(ValueError, match="state must contain only -1 and \\+1"):
        synaptic_update(np.zeros((3, 3)), [1, 0, -1], SynapticDynamics())
    with pytest.raises(ValueError, match="state must have N = 3"):
        synaptic_update(np.zeros((3, 3)), [1, -1], SynapticDynamics())
    with pytest.raises(TypeError, match="n_neurons"):
        OnlineAttractorNetwork(10.5)
    with pytest.raises(ValueError, match="stimulus"):
        OnlineAttractorNetwork(10, stimulus=-1.0)
    with pytest.raises(ValueError, match="threshold must have length"):
        OnlineAttractorNetwork(10, threshold=np.zeros(3))
    with pytest.raises(TypeError, match="reset"):
        OnlineAttractorNetwork(10, reset=1)
    net = OnlineAttractorNetwork(10)
    with pytest.raises(ValueError, match="exemplar must have N = 10"):
        net.present(np.ones(9))
    with pytest.raises(ValueError, match="noise"):
        noisy_exemplars(np.ones(5), 3, 1.5)
    with pytest.raises(ValueError, match=r"noise must be < 0\.5"):
        online_learning(n_neurons=20, noise=0.6)
    with pytest.raises(TypeError, match="n_classes"):
        online_learning(n_neurons=20, n_classes=2.0)


@pytest.mark.slow
def test_palimpsest_capacity_stays_finite_for_long_sequences():
    """30 classes: the number of retrievable classes saturates; old ones are all gone."""
    res = online_learning(n_neurons=400, n_classes=30, n_exemplars=20, record_every=20,
                          rng=1)
    assert 2 <= res.retrieved_after_class[-15:].min()
    assert res.retrieved_after_class.max() <= 6
    assert np.all(res.final_overlaps[res.age >= 8] < 0.5)
    assert np.all(res.final_overlaps[res.age <= 1] > 0.9)
    assert res.exemplar_fixed_fraction == 0.0
