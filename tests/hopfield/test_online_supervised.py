"""Supervised learning in the online attractor network: labels clamped while exemplars are shown."""

from __future__ import annotations

import numpy as np
import pytest

from spinnet.hopfield import OnlineAttractorNetwork, SynapticDynamics, noisy_exemplars
from spinnet.hopfield.names import decode_names
from spinnet.spins import random_patterns


def _composites(n_pic=150, L=50, k=4, seed=0):
    gen = np.random.default_rng(seed)
    protos = random_patterns(k, n_pic, rng=gen)
    codes = random_patterns(k, L, rng=gen)
    mask = np.zeros(n_pic + L, dtype=bool)
    mask[n_pic:] = True
    return protos, codes, mask, gen


def test_default_behaviour_unchanged_by_the_clamp_option():
    protos, _, _, _ = _composites(n_pic=60, L=1, k=2)
    a = OnlineAttractorNetwork(60, rng=1)
    b = OnlineAttractorNetwork(60, rng=1)
    for j in range(6):
        x = noisy_exemplars(protos[j % 2], 1, 0.2, rng=j)[0]
        np.testing.assert_array_equal(a.present(x, rng=10 + j), b.present(x, rng=10 + j,
                                                                           clamp=None))
    np.testing.assert_array_equal(a.couplings, b.couplings)
    np.testing.assert_array_equal(a.recall(protos, rng=3), b.recall(protos, rng=3, clamp=None))


def test_clamped_label_is_what_the_synapses_see():
    protos, codes, mask, gen = _composites()
    net = OnlineAttractorNetwork(200, stimulus=0.0, rng=0)
    # A blank network (J = 0, H0 = 0): free spins keep their start values, clamped ones too.
    x = np.concatenate([protos[0], codes[0]])
    s = net.present(x, rng=1, clamp=mask)
    np.testing.assert_array_equal(s, x)
    # Now with an attractor for class 0, present class 1's picture with class 1's label:
    for _ in range(20):
        net.present(x, rng=gen, clamp=mask)
    y = np.concatenate([protos[1], codes[1]])
    s = net.present(y, rng=2, clamp=mask)
    np.testing.assert_array_equal(s[mask], codes[1])


def test_supervised_learning_then_free_recall_completes_the_labels():
    """Classes interleaved, label clamped while learning; recall: noisy picture + random label.

    Random prototypes (N_pic = 150, L = 50, 4 classes, 20 % exemplar noise, a = 0.01,
    120 presentations): every label is completed from a 20 %-noisy picture (measured 4/4 over
    seeds 0-4; stated threshold: all four classes for this seed).
    """
    protos, codes, mask, gen = _composites()
    net = OnlineAttractorNetwork(200, SynapticDynamics(decay=0.01), stimulus=0.5, rng=gen)
    for t in range(120):
        c = t % 4
        ex = noisy_exemplars(protos[c], 1, 0.2, rng=gen)[0]
        net.present(np.concatenate([ex, codes[c]]), rng=gen, clamp=mask)
    pics = np.stack([noisy_exemplars(p, 1, 0.2, rng=gen)[0] for p in protos])
    blanks = random_patterns(4, 50, rng=gen)
    free = net.recall(np.hstack([pics, blanks]), rng=gen)
    assert decode_names(free[:, 150:], codes).tolist() == [0, 1, 2, 3]
    held = net.recall(np.hstack([pics, blanks]), rng=gen, clamp=~mask)
    np.testing.assert_array_equal(held[:, :150], pics)
    assert decode_names(held[:, 150:], codes).tolist() == [0, 1, 2, 3]


def test_clamped_recall_is_a_fixed_point_of_the_free_spins():
    protos, codes, mask, gen = _composites(n_pic=40, L=10, k=3)
    net = OnlineAttractorNetwork(50, rng=0)
    for t in range(30):
        net.present(np.concatenate([protos[t % 3], codes[t % 3]]), rng=gen, clamp=mask)
    probes = random_patterns(5, 50, rng=1)
    s = net.recall(probes, rng=2, clamp=mask)
    np.testing.assert_array_equal(s[:, mask], probes[:, mask])
    h = s.astype(float) @ net.couplings - net.threshold
    assert np.all((s * h)[:, ~mask] >= -1e-12)
    one = net.recall(probes[0], rng=2, clamp=mask)
    assert one.shape == (50,)


def test_same_seed_same_supervised_run():
    def run():
        protos, codes, mask, gen = _composites(n_pic=40, L=10, k=2, seed=3)
        net = OnlineAttractorNetwork(50, rng=4)
        for t in range(10):
            net.present(np.concatenate([protos[t % 2], codes[t % 2]]), rng=gen, clamp=mask)
        return net.couplings, net.recall(random_patterns(3, 50, rng=5), rng=6, clamp=~mask)

    (a, x), (b, y) = run(), run()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(x, y)


def test_bad_clamp_is_rejected_and_leaves_the_network_unchanged():
    net = OnlineAttractorNetwork(10, rng=0)
    x = random_patterns(1, 10, rng=1)[0]
    net.present(x, rng=2)
    J, s, t = net.couplings.copy(), net.state.copy(), net.time
    with pytest.raises(ValueError, match="clamp"):
        net.present(x, clamp=np.ones(9, dtype=bool))
    with pytest.raises(TypeError, match="clamp"):
        net.present(x, clamp=np.ones(10))
    with pytest.raises(ValueError, match="clamp"):
        net.present(x, clamp=np.ones(10, dtype=bool))
    with pytest.raises(ValueError, match="clamp"):
        net.recall(x, clamp=np.zeros(3, dtype=bool))
    np.testing.assert_array_equal(net.couplings, J)
    np.testing.assert_array_equal(net.state, s)
    assert net.time == t


# ----------------------------------------------------- covariance rule (center option)
def test_center_none_is_the_default_rule():
    protos, _, _, _ = _composites(n_pic=50, L=1, k=2)
    a = OnlineAttractorNetwork(50, rng=2)
    b = OnlineAttractorNetwork(50, center=None, rng=2)
    for j in range(5):
        x = noisy_exemplars(protos[j % 2], 1, 0.2, rng=j)[0]
        np.testing.assert_array_equal(a.present(x, rng=j), b.present(x, rng=j))
    np.testing.assert_array_equal(a.couplings, b.couplings)


def test_centered_synaptic_update_matches_numpy_reference():
    from spinnet.hopfield.online import synaptic_update

    gen = np.random.default_rng(0)
    n = 30
    J = gen.normal(size=(n, n)) / n
    J = (J + J.T) / 2
    s = np.where(gen.random(n) < 0.3, 1, -1)
    c = gen.uniform(-0.9, 0.2, n)
    rule = SynapticDynamics(decay=0.1, learning_rate=0.5)
    ref = 0.9 * J + (0.5 / n) * np.outer(s - c, s - c)
    np.fill_diagonal(ref, 0.0)
    np.testing.assert_allclose(synaptic_update(J, s, rule, center=c), ref, rtol=1e-12)
    with pytest.raises(ValueError, match="center"):
        synaptic_update(J, s, rule, center=np.zeros(n + 1))
    with pytest.raises(ValueError, match="center"):
        synaptic_update(J, s, rule, center=np.full(n, 2.0))


def test_centered_network_feels_j_times_state_minus_center():
    """The field of a centered network is sum_j J_ij (s_j - c_j) - h_i (fixed-point check)."""
    gen = np.random.default_rng(1)
    n = 40
    c = gen.uniform(-0.8, 0.0, n)
    net = OnlineAttractorNetwork(n, SynapticDynamics(decay=0.0), stimulus=1.0, center=c,
                                 rng=0)
    for _ in range(3):
        net.present(np.where(gen.random(n) < 0.3, 1, -1).astype(np.int8), rng=gen)
    states = np.where(gen.random((20, n)) < 0.4, 1, -1).astype(np.int8)
    h = (states - c) @ net.couplings  # J symmetric
    np.testing.assert_array_equal(net.is_fixed_point(states), np.all(states * h >= 0, axis=1))
    att = net.recall(states, rng=3)
    h_att = (att - c) @ net.couplings
    assert np.all(att * h_att >= -1e-12)
    with pytest.raises(ValueError, match="center"):
        OnlineAttractorNetwork(n, center=np.zeros(n - 1))
