"""The standard ResNets (He et al. 2016) and the other phase classifiers: layout, size, training."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from spinnet.phases.networks import (
    NETS,
    RESNET_LAYOUTS,
    build_net,
    describe_net,
    parameter_count,
)

RESNETS = ("resnet10", "resnet18", "resnet34", "resnet50")


def _n_params(module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def test_the_standard_resnets_are_registered_next_to_the_old_nets():
    assert NETS[:3] == ("fcnn", "cnn", "resnet")
    assert set(RESNETS) <= set(NETS)
    assert RESNET_LAYOUTS == {"resnet10": ("basic", (1, 1, 1, 1)),
                              "resnet18": ("basic", (2, 2, 2, 2)),
                              "resnet34": ("basic", (3, 4, 6, 3)),
                              "resnet50": ("bottleneck", (3, 4, 6, 3))}


@pytest.mark.parametrize("name", NETS)
@pytest.mark.parametrize("L", [12, 16, 48, 64])
def test_every_net_gives_two_logits_at_the_ising_and_baxter_wu_sizes(name, L):
    net = build_net(name, 2, L).eval()
    with torch.no_grad():
        out = net(torch.ones(2, 2, L, L))
    assert out.shape == (2, 2) and torch.all(torch.isfinite(out))


@pytest.mark.parametrize("name", NETS)
@pytest.mark.parametrize("channels,width", [(1, 8), (2, 4), (3, 5)])
def test_parameter_count_formula_matches_the_module(name, channels, width):
    net = build_net(name, channels, 16, width=width)
    assert parameter_count(name, channels, 16, width=width) == _n_params(net)


def test_parameter_counts_by_hand():
    # ResNet-10, C = 1, w = 1 (stages 1, 2, 4, 8): stem 9 + 2; stage 1 (1 -> 1, identity)
    # 9 + 9 + 4; stage 2 (1 -> 2, stride 2) 18 + 36 + 8 + projection 2 + 4; stage 3
    # (2 -> 4) 72 + 144 + 16 + 8 + 8; stage 4 (4 -> 8) 288 + 576 + 32 + 32 + 16; head 16 + 2.
    by_hand = 11 + 22 + 68 + 248 + 944 + 18
    assert parameter_count("resnet10", 1, 12, width=1) == by_hand == 1311
    # ResNet-50 stage 1's first bottleneck (c_in = w = 1, inner 1, out 4) with projection:
    # 1 + 9 + 4 + 12 + (4 + 8) = 38 parameters.
    m = build_net("resnet50", 1, 12, width=1)
    assert _n_params(m.stages[0][0]) == 38
    # The old nets keep their size (CNN and the two-block ResNet at the default width 8).
    assert parameter_count("cnn", 1, 16) == 1282
    assert parameter_count("resnet", 1, 16) == 2514


@pytest.mark.parametrize("name", RESNETS)
def test_blocks_per_stage_widths_and_downsampling(name):
    kind, counts = RESNET_LAYOUTS[name]
    net = build_net(name, 1, 12, width=4)
    assert [len(stage) for stage in net.stages] == list(counts)
    d = describe_net(name, 1, 12, width=4)
    expansion = 1 if kind == "basic" else 4
    assert d["blocks"] == list(counts) and d["block"] == kind
    assert d["widths"] == [4 * expansion, 8 * expansion, 16 * expansion, 32 * expansion]
    assert d["depth"] == int(name[6:])
    assert d["sides"] == [12, 6, 3, 2]
    assert d["parameters"] == _n_params(net)
    x = torch.ones(1, 1, 12, 12)
    with torch.no_grad():
        x = net.eval().stem(x)
        for stage, width, side in zip(net.stages, d["widths"], d["sides"], strict=True):
            x = stage(x)
            assert x.shape == (1, width, side, side)
    # the first block of stages 2-4 carries the stride and a 1x1 projection shortcut
    for stage in net.stages[1:]:
        first = stage[0]
        assert isinstance(first.shortcut, torch.nn.Sequential)
        assert first.shortcut[0].stride == (2, 2) and first.shortcut[0].kernel_size == (1, 1)


def test_describe_net_of_the_older_nets_and_bad_names():
    assert describe_net("fcnn", 2, 12, hidden=7) == {
        "name": "fcnn", "in_channels": 2, "L": 12, "hidden": 7,
        "parameters": (2 * 144 + 1) * 7 + 2 * 7 + 2}
    assert describe_net("cnn", 1, 12)["width"] == 8
    with pytest.raises(ValueError, match=r"net must be one of .*resnet50.*; got 'resnet101'"):
        build_net("resnet101", 1, 12)
    with pytest.raises(ValueError, match="net must be one of"):
        describe_net("vit", 1, 12)
    with pytest.raises(ValueError, match="L must be >= 4"):
        parameter_count("resnet10", 1, 3)
    with pytest.raises(ValueError, match="width must be >= 1"):
        build_net("resnet18", 1, 12, width=0)


@pytest.mark.parametrize("name", RESNETS)
def test_resnets_are_periodic_and_translation_invariant(name):
    # circular padding + global average: a lattice translation leaves the output unchanged
    # when it is a multiple of the total stride 8
    torch.manual_seed(3)
    net = build_net(name, 1, 16, width=2).eval()
    x = torch.randint(0, 2, (3, 1, 16, 16)).float() * 2 - 1
    with torch.no_grad():
        a = net(x)
        b = net(torch.roll(x, shifts=(8, -8), dims=(-2, -1)))
    torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", RESNETS)
def test_same_seed_same_network(name):
    x = torch.randint(0, 2, (4, 2, 12, 12)).float()
    outs = []
    for _ in range(2):
        torch.manual_seed(11)
        net = build_net(name, 2, 12).eval()
        with torch.no_grad():
            outs.append(net(x))
    torch.testing.assert_close(outs[0], outs[1], rtol=0, atol=0)
    torch.manual_seed(11)
    w11 = next(iter(build_net(name, 2, 12).parameters()))
    torch.manual_seed(12)
    w12 = next(iter(build_net(name, 2, 12).parameters()))
    assert not torch.equal(w11, w12)


@pytest.mark.parametrize("name", RESNETS)
def test_gradient_steps_reduce_the_loss_on_separable_data(name):
    # ordered (all +1 with 10 % flipped) against random configurations
    gen = np.random.default_rng(0)
    ordered = np.where(gen.random((16, 1, 12, 12)) < 0.1, -1.0, 1.0)
    random = np.where(gen.random((16, 1, 12, 12)) < 0.5, -1.0, 1.0)
    x = torch.from_numpy(np.concatenate([ordered, random]).astype(np.float32))
    y = torch.from_numpy(np.repeat([0, 1], 16))
    torch.manual_seed(0)
    net = build_net(name, 1, 12, width=4)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    loss_fn = torch.nn.CrossEntropyLoss()
    net.train()
    losses = []
    for _ in range(8):
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        logits = net(x)
    assert loss_fn(logits, y).item() < 0.5 * losses[0]
    assert np.all(np.diff(losses) < 0)
    assert (logits.argmax(1) == y).all()


def test_resnet10_classifier_trains_saves_and_reloads(tmp_path):
    from spinnet.phases.training import PhaseClassifier

    gen = np.random.default_rng(1)
    ordered = np.where(gen.random((48, 1, 12, 12)) < 0.1, -1.0, 1.0)
    random = np.where(gen.random((48, 1, 12, 12)) < 0.5, -1.0, 1.0)
    X = np.concatenate([ordered, random]).astype(np.float32)
    y = np.repeat([0, 1], 48)
    kw = dict(epochs=10, patience=10, batch_size=16, width=4)
    clf = PhaseClassifier("resnet10", **kw).fit(X, y, rng=2)
    # evaluation mode uses the running batch-norm statistics of 50 steps: a sanity bound
    assert clf.score(X, y) >= 0.95
    again = PhaseClassifier.load(clf.save(tmp_path / "r10"))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    other = PhaseClassifier("resnet10", **kw).fit(X, y, rng=2)
    np.testing.assert_array_equal(other.predict_proba(X), clf.predict_proba(X))
