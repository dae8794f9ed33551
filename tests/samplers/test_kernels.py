"""Each Numba kernel against a plain Python/NumPy reference with the same random numbers.

The reference re-implements xoshiro256++ with Python integers and replays the
kernel's update rule step by step; configurations must agree exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from spinnet.models import (
    BaxterWu,
    DenseIsing,
    EdwardsAnderson,
    SherringtonKirkpatrick,
    SquareIsing,
)
from spinnet.samplers import HeatBath, Metropolis, MultispinMetropolis
from spinnet.samplers import _kernels_local as K
from spinnet.samplers._kernels_multispin import threshold_masks
from spinnet.samplers._kernels_rng import draw_u64, seed_states
from spinnet.samplers.local import checkerboard_order

MASK = (1 << 64) - 1


class RefXoshiro:
    """xoshiro256++ (Blackman & Vigna 2021) in pure Python."""

    def __init__(self, state):
        self.s = [int(x) for x in state]

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & MASK  # noqa: E731
        result = (rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def bounded(self, n):
        x = self.next()
        m = (x >> 32) * n
        low = m & 0xFFFFFFFF
        if low < n:
            thresh = ((1 << 32) - n) % n
            while low < thresh:
                x = self.next()
                m = (x >> 32) * n
                low = m & 0xFFFFFFFF
        return m >> 32


def test_xoshiro_matches_reference():
    state = seed_states([np.random.default_rng(3)])[0]
    ref = RefXoshiro(state)
    got = draw_u64(state.copy(), 1000)
    assert [int(x) for x in got] == [ref.next() for _ in range(1000)]


def reference_sweeps(model, spins, beta, rng_state, n_sweeps, rule, order):
    """Single-spin sweeps in plain Python, mirroring the kernels' RNG use."""
    s = spins.astype(np.int64).copy()
    gen = RefXoshiro(rng_state)
    N = model.n_spins
    if order == "checkerboard":
        sites = checkerboard_order(model)
    else:
        sites = np.arange(N)
    for _ in range(n_sweeps):
        for step in range(N):
            i = gen.bounded(N) if order == "random" else int(sites[step])
            dE = float(model.delta_energy(s.astype(np.int8))[i])
            if rule == "metropolis":
                p = 1.0 if dE <= 0 else math.exp(-beta * dE)
            else:
                p = 1.0 / (1.0 + math.exp(beta * dE))
            flip = p >= 1.0
            if not flip and p > 0.0:
                flip = gen.uniform() < p
            if flip:
                s[i] = -s[i]
    return s.astype(np.int8)


@pytest.mark.parametrize("order", ["random", "sequential", "checkerboard"])
@pytest.mark.parametrize("rule", ["metropolis", "heat-bath"])
@pytest.mark.parametrize("make_model", [
    lambda: SquareIsing(4, 1.0, 0.7, 0.3, 0.2),           # sparse path (greedy colouring)
    lambda: EdwardsAnderson(3, 2, "gaussian", rng=1),     # sparse path
    lambda: BaxterWu(3),                                   # triangle path
    lambda: SherringtonKirkpatrick(7, rng=0, h=0.2),      # dense path
])
def test_single_spin_kernels_match_reference(make_model, rule, order):
    model = make_model()
    if order == "checkerboard" and model.coloring() is None:
        pytest.skip("no checkerboard for dense models")
    sampler = (Metropolis if rule == "metropolis" else HeatBath)(order)
    T = 1.7
    state = sampler.init(model, T, 2, rng=11)
    new, _ = sampler.run(model, state, 3)
    for c in range(2):
        ref = reference_sweeps(model, state.spins[c], 1 / T, state.rng_state[c], 3, rule, order)
        np.testing.assert_array_equal(new.spins[c], ref)
        assert new.energy[c] == pytest.approx(model.energy(ref))


def reference_square_structured(model, spins, beta, rng_state, n_sweeps):
    """The structured (r + c) mod K checkerboard with lookup thresholds, in Python."""
    L, K = model.L, model.n_checkerboard_colors
    s = spins.astype(np.int64).reshape(L, L).copy()
    gen = RefXoshiro(rng_state)
    for _ in range(n_sweeps):
        for color in range(K):
            for r in range(L):
                for c in range(L):
                    if (r + c) % K != color:
                        continue
                    i = r * L + c
                    dE = float(model.delta_energy(s.reshape(-1).astype(np.int8))[i])
                    p = 1.0 if dE <= 0 else math.exp(-beta * dE)
                    thr = 2**53 if p >= 1 else math.floor(p * 2.0**53)
                    flip = thr >= 2**53
                    if not flip and thr > 0:
                        flip = (gen.next() >> 11) < thr
                    if flip:
                        s[r, c] = -s[r, c]
    return s.reshape(-1).astype(np.int8)


@pytest.mark.parametrize("make_model", [lambda: SquareIsing(3, 1.0, 0.5, 0.7, -0.2),
                                        lambda: SquareIsing(6, 1.0, 0.5, h=0.3),
                                        lambda: SquareIsing(2)])
def test_square_lut_kernel_matches_reference(make_model):
    model = make_model()
    sampler = Metropolis("checkerboard")
    state = sampler.init(model, 2.1, 1, rng=5)
    new, _ = sampler.run(model, state, 4)
    if model.L >= 4 and model.n_checkerboard_colors == 2:
        pytest.skip("even lattices use the bipartite kernel (tested below)")
    ref = reference_square_structured(model, state.spins[0], 1 / 2.1, state.rng_state[0], 4)
    np.testing.assert_array_equal(new.spins[0], ref)


def reference_packed_checkerboard(model, spins, beta, rng_state, n_sweeps, rule):
    """Even L, no diagonal: the bit-packed kernel replayed site by site in Python.

    Sites of sublattice ``p``, row ``r`` are taken 64 at a time (slots ``j`` =
    column // 2). Site number ``b`` of such a block flips iff its uniform
    ``u = 0.b_1 b_2 ... b_53`` (``b_d`` = bit ``b`` of the ``d``-th word drawn
    for the block) is below ``floor(p 2**53) / 2**53``; sites with ``p = 1``
    or ``p = 0`` draw nothing, and the block draws words only up to the
    deepest digit any of its sites needs. Returns ``(spins, n_flips, final generator state)``.
    """
    L, H = model.L, model.L // 2
    J_h, J_v, h = model.J_h, model.J_v, model.h
    s = spins.astype(np.int64).reshape(L, L).copy()
    gen = RefXoshiro(rng_state)
    n_flips = 0
    for _ in range(n_sweeps):
        for p in range(2):
            for r in range(L):
                for j0 in range(0, H, 64):
                    words = []
                    flips = []
                    for b, j in enumerate(range(j0, min(j0 + 64, H))):
                        c = 2 * j + (r + p) % 2
                        dE = 2.0 * s[r, c] * (J_h * (s[r, (c + 1) % L] + s[r, c - 1])
                                              + J_v * (s[(r + 1) % L, c] + s[r - 1, c]) + h)
                        if rule == "metropolis":
                            prob = 1.0 if dE <= 0 else math.exp(-beta * dE)
                        else:
                            prob = 1.0 / (1.0 + math.exp(beta * dE))
                        thr = 2**53 if prob >= 1 else math.floor(prob * 2.0**53)
                        flip = thr >= 2**53
                        if 0 < thr < 2**53:
                            for d in range(53):  # u == thr on all 53 digits: no flip
                                if d == len(words):
                                    words.append(gen.next())
                                u_d, t_d = (words[d] >> b) & 1, (thr >> (52 - d)) & 1
                                if u_d != t_d:
                                    flip = t_d == 1
                                    break
                        if flip:
                            flips.append(c)
                    for c in flips:  # one colour: simultaneous = sequential
                        s[r, c] = -s[r, c]
                    n_flips += len(flips)
    return s.reshape(-1).astype(np.int8), n_flips, gen.s


@pytest.mark.parametrize("make_model,rule,T,n_sweeps", [
    (lambda: SquareIsing(6, 1.0, 0.5, h=0.25), "metropolis", 2.1, 3),   # one partial word
    (lambda: SquareIsing(4), "metropolis", 1.5, 4),
    (lambda: SquareIsing(8, 0.5, 1.0, h=-0.75), "heat-bath", 1.7, 3),  # 18 classes
    (lambda: SquareIsing(K.PACKED_MIN_L, 1.0, -0.5), "metropolis", 1.9, 3),  # smallest default
    (lambda: SquareIsing(128), "metropolis", 2.269, 2),                # one full word
    (lambda: SquareIsing(130, 1.0, 0.75, h=0.125), "metropolis", 2.5, 2),  # 64 + 1 bits
    (lambda: SquareIsing(260, 0.5, 1.0, h=0.5), "heat-bath", 3.0, 1),  # 3 words
])
def test_packed_checkerboard_kernel_matches_reference(make_model, rule, T, n_sweeps,
                                                      monkeypatch):
    """Even L without diagonal: bit-packed layout, bit-sliced uniforms per site."""
    monkeypatch.setattr(K, "PACKED_MIN_L", 4)  # also the small lattices
    model = make_model()
    sampler = (Metropolis if rule == "metropolis" else HeatBath)("checkerboard")
    n_chains = 2 if model.L <= 8 else 1
    state = sampler.init(model, T, n_chains, rng=5)
    new, trace = sampler.run(model, state, n_sweeps)
    N = model.n_spins
    for c in range(n_chains):
        ref, n_flips, rng_end = reference_packed_checkerboard(model, state.spins[c], 1 / T,
                                                              state.rng_state[c], n_sweeps, rule)
        np.testing.assert_array_equal(new.spins[c], ref)
        assert [int(x) for x in new.rng_state[c]] == rng_end  # same number of words drawn
        assert new.n_accepted[c] == n_flips
        assert trace.energy[c, -1] * N == pytest.approx(model.energy(ref), abs=1e-9)
        assert trace.magnetization[c, -1] * N == ref.sum()
        assert new.energy[c] == pytest.approx(model.energy(ref), abs=1e-9)
        assert new.magnetization[c] == ref.sum()


def test_packed_reference_energy_changes_match_model():
    """The replay's neighbour formula for ΔE is the model's own."""
    model = SquareIsing(6, 1.0, 0.5, h=0.25)
    s = np.random.default_rng(0).choice(np.array([-1, 1], np.int8), size=36)
    grid = s.reshape(6, 6).astype(float)
    field = (model.J_h * (np.roll(grid, 1, 1) + np.roll(grid, -1, 1))
             + model.J_v * (np.roll(grid, 1, 0) + np.roll(grid, -1, 0)) + model.h)
    np.testing.assert_allclose(2 * grid * field, model.delta_energy(s).reshape(6, 6))


def test_packed_kernel_zero_temperature_draws_nothing():
    """Thresholds 0 or 2**53 only (rule 2, zero temperature): no random word is used."""
    model = SquareIsing(K.PACKED_MIN_L, 1.0, 0.5, h=0.25)
    sampler = Metropolis("checkerboard")
    state = sampler.init(model, 1.0, 1, rng=3)
    rng_before = state.rng_state.copy()
    e_before = model.energy(state.spins[0])
    empty_e = np.zeros((1, 0))
    empty_s = np.zeros((1, 0, model.n_spins), np.int8)
    sampler._advance(model, state, 1, 1, empty_e, empty_e, empty_s, rule=K.ZERO_T)
    np.testing.assert_array_equal(state.rng_state, rng_before)
    assert state.n_accepted[0] > 0
    assert model.energy(state.spins[0]) < e_before
    assert state.energy[0] == pytest.approx(model.energy(state.spins[0]))


@pytest.mark.parametrize("L", [6, K.PACKED_MIN_L - 2])
def test_bipartite_kernel_matches_reference(L):
    """Even L < PACKED_MIN_L without diagonal: int8 split layout, one random word per site."""
    model = SquareIsing(L, 1.0, 0.5, h=0.3)
    T = 2.1
    sampler = Metropolis("checkerboard")
    state = sampler.init(model, T, 1, rng=5)
    new, trace = sampler.run(model, state, 3)
    s = state.spins[0].astype(np.int64).reshape(L, L).copy()
    gen = RefXoshiro(state.rng_state[0])
    for _ in range(3):
        for p in range(2):
            for r in range(L):
                for c in range((r + p) % 2, L, 2):
                    dE = float(model.delta_energy(s.reshape(-1).astype(np.int8))[r * L + c])
                    prob = 1.0 if dE <= 0 else math.exp(-dE / T)
                    thr = 2**53 if prob >= 1 else math.floor(prob * 2.0**53)
                    if (gen.next() >> 11) < thr:
                        s[r, c] = -s[r, c]
    np.testing.assert_array_equal(new.spins[0], s.reshape(-1))
    assert trace.energy[0, -1] * L * L == pytest.approx(model.energy(s.reshape(-1)))


@pytest.mark.parametrize("make_model,sampler_cls,T", [
    (lambda: SquareIsing(4), Metropolis, 2.5),
    (lambda: SquareIsing(4, J_h=1.0, J_v=0.6, h=0.2), Metropolis, 2.0),
    (lambda: SquareIsing(4, J_h=1.0, J_v=0.6, h=0.2), HeatBath, 2.0),
])
def test_packed_kernel_samples_boltzmann_on_4x4(make_model, sampler_cls, T, monkeypatch):
    """The bit-packed path forced onto 4 x 4 against exact enumeration.

    Independent samples (one configuration per chain after 200 sweeps from a
    random start), binned by ``(E, M)``; chi-square with bins of expected
    count < 5 merged, three seeds combined with Fisher's method, p > 0.01.
    """
    from scipy import stats

    from spinnet.theory.enumeration import exact_distribution

    monkeypatch.setattr(K, "PACKED_MIN_L", 4)
    model = make_model()
    states, probs = exact_distribution(model, T)

    def key(spins):
        return np.round(np.asarray(model.energy(spins)), 8) * 1000.0 + spins.sum(axis=-1)

    labels, inverse = np.unique(key(states), return_inverse=True)
    p_bin = np.bincount(inverse, weights=probs)
    pvalues = []
    for seed in range(3):
        sampler = sampler_cls("checkerboard")
        state = sampler.init(model, T, 10000, rng=seed)
        state, _ = sampler.run(model, state, 200, measure_every=200)
        pos = np.searchsorted(labels, key(state.spins))
        assert np.all(labels[pos] == key(state.spins))
        observed = np.bincount(pos, minlength=len(labels)).astype(float)
        expected = 10000 * p_bin
        small = expected < 5
        observed = np.append(observed[~small], observed[small].sum())
        expected = np.append(expected[~small], expected[small].sum())
        chi2 = np.sum((observed - expected) ** 2 / np.maximum(expected, 1e-300))
        pvalues.append(stats.chi2.sf(chi2, len(expected) - 1))
    combined = stats.chi2.sf(-2 * np.sum(np.log(pvalues)), 6)
    assert combined > 0.01, pvalues


def test_packed_chain_independent_of_batch_and_split_runs():
    """Packed path: a chain does not depend on the chains beside it (serial vs
    parallel build) and ``n`` then ``m`` sweeps equal ``n + m``."""
    model = SquareIsing(K.PACKED_MIN_L + 2, 1.0, 0.75, h=0.1)
    sampler = Metropolis("checkerboard")
    one, t1 = sampler.run(model, sampler.init(model, 2.3, 1, rng=4), 9, record_spins=True)
    three, t3 = sampler.run(model, sampler.init(model, [2.3, 2.0, 3.0], 3, rng=4), 9,
                            record_spins=True)
    np.testing.assert_array_equal(one.spins[0], three.spins[0])
    np.testing.assert_array_equal(one.rng_state[0], three.rng_state[0])
    np.testing.assert_array_equal(t1.spins[0], t3.spins[0])
    np.testing.assert_array_equal(t1.energy[0], t3.energy[0])
    split, _ = sampler.run(model, sampler.init(model, [2.3, 2.0, 3.0], 3, rng=4), 4)
    split, t_split = sampler.run(model, split, 5)
    np.testing.assert_array_equal(split.spins, three.spins)
    np.testing.assert_array_equal(split.n_accepted, three.n_accepted)
    np.testing.assert_array_equal(t_split.energy[:, -1], t3.energy[:, -1])
    np.testing.assert_allclose(t3.energy[:, -1] * model.n_spins, model.energy(three.spins))
    np.testing.assert_array_equal(t3.magnetization[:, -1] * model.n_spins, three.spins.sum(1))
    np.testing.assert_array_equal(t3.spins[:, -1], three.spins)


def test_multispin_kernel_matches_reference():
    L, T = 4, 2.3
    model = SquareIsing(L)
    sampler = MultispinMetropolis()
    state = sampler.init(model, T, 64, rng=9)
    new, trace = sampler.run(model, state, 2)
    w = [int(x) for x in state.words[0]]
    gen = RefXoshiro(state.rng_state[0])
    p4 = threshold_masks(np.array([math.exp(-4 / T)]))[0]
    p8 = threshold_masks(np.array([math.exp(-8 / T)]))[0]
    for _ in range(2):
        for color in range(2):
            for r in range(L):
                for c in range((color + r) % 2, L, 2):
                    me = w[r * L + c]
                    nbrs = [w[r * L + (c + 1) % L], w[r * L + (c - 1) % L],
                            w[((r + 1) % L) * L + c], w[((r - 1) % L) * L + c]]
                    flip = 0
                    lanes = []
                    for b in range(64):
                        anti = sum(((me ^ n) >> b) & 1 for n in nbrs)
                        if anti >= 2:
                            flip |= 1 << b
                        else:
                            lanes.append((b, anti))
                    und = sum(1 << b for b, _ in lanes)
                    eq1 = sum(1 << b for b, a in lanes if a == 1)
                    eq0 = sum(1 << b for b, a in lanes if a == 0)
                    j = 0
                    while und and j < 64:
                        x = gen.next()
                        th = (eq1 & int(p4[j])) | (eq0 & int(p8[j]))
                        flip |= und & th & (~x & MASK)
                        und &= ~(th ^ x) & MASK
                        j += 1
                    w[r * L + c] = me ^ flip
    assert [int(x) for x in new.words[0]] == w
    np.testing.assert_allclose(trace.energy[:, -1] * 16, model.energy(new.spins))
    np.testing.assert_allclose(trace.magnetization[:, -1] * 16, new.spins.sum(1))


def test_threshold_masks_digits():
    m = threshold_masks(np.array([0.75, 0.0]))
    assert m[0, 0] == np.uint64(2**64 - 1) and m[0, 1] == np.uint64(2**64 - 1)
    assert not m[0, 2:].any() and not m[1].any()


def test_dense_model_kernel_local_fields_stay_exact():
    model = DenseIsing(SherringtonKirkpatrick(30, rng=1).couplings, field=0.1)
    sampler = Metropolis("random")
    state = sampler.init(model, 0.7, 3, rng=2)
    new, trace = sampler.run(model, state, 50)
    np.testing.assert_allclose(trace.energy[:, -1] * 30, model.energy(new.spins), atol=1e-9)
