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


def test_bipartite_kernel_matches_reference():
    """Even L without diagonal: split layout, one random word per site."""
    model = SquareIsing(6, 1.0, 0.5, h=0.3)
    T = 2.1
    sampler = Metropolis("checkerboard")
    state = sampler.init(model, T, 1, rng=5)
    new, trace = sampler.run(model, state, 3)
    L = 6
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
    assert trace.energy[0, -1] * 36 == pytest.approx(model.energy(s.reshape(-1)))


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
