"""Forward-forward (Hinton 2022): label embedding, goodness, local training, baseline."""

import numpy as np
import pytest
import torch

from spinnet._persist import save_state
from spinnet.neurons.data import load_split
from spinnet.neurons.forward_forward import (
    FFConfig,
    ForwardForwardNet,
    embed_label,
    train_backprop_baseline,
    train_forward_forward,
)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tests share 2 CPU cores: one torch thread, restored afterwards."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_embed_label_replace_and_append():
    x = torch.full((3, 12), 0.5)
    lab = torch.tensor([0, 4, 9])
    rep = embed_label(x, lab, 10)
    assert rep.shape == (3, 12)
    assert torch.equal(rep[:, :10], torch.eye(10)[lab])
    assert torch.all(rep[:, 10:] == 0.5) and torch.all(x == 0.5)  # input untouched
    app = embed_label(x, lab, 10, mode="append")
    assert app.shape == (3, 22)
    assert torch.equal(app[:, :10], torch.eye(10)[lab]) and torch.all(app[:, 10:] == 0.5)


def test_goodness_is_mean_squared_activity_of_normalised_inputs():
    net = ForwardForwardNet(20, (7, 5), 4, rng=0)
    x = torch.rand(6, 20, generator=torch.Generator().manual_seed(0))
    acts = net.activities(x)
    assert [a.shape for a in acts] == [(6, 7), (6, 5)]
    g = net.goodness(x)
    assert g.shape == (6, 2)
    torch.testing.assert_close(g[:, 1], acts[1].pow(2).mean(dim=1))
    # length normalisation: rescaling the input changes nothing
    torch.testing.assert_close(net.goodness(3.0 * x), g)
    lg = net.label_goodness(x)
    assert lg.shape == (6, 4)
    lab = torch.full((6,), 2)
    torch.testing.assert_close(lg[:, 2], net.goodness(net.embed(x, lab)).sum(dim=1))
    np.testing.assert_array_equal(net.predict(x.numpy()), lg.argmax(dim=1).numpy())


def test_layers_learn_locally():
    """One forward-forward step changes layer 1 exactly as training layer 1 alone would."""
    s = load_split("digits")
    x, y = s.x_train[:100], s.y_train[:100]
    cfg2 = FFConfig(hidden=(30, 20), epochs=1, batch_size=100, embedding="append")
    cfg1 = FFConfig(hidden=(30,), epochs=1, batch_size=100, embedding="append")
    net2, _ = train_forward_forward(x, y, cfg2, rng=3)
    net1, _ = train_forward_forward(x, y, cfg1, rng=3)
    # same seed -> same first-layer initialisation, same batch and negative labels; the
    # second layer's loss must not reach the first layer's weights
    torch.testing.assert_close(net2.layers[0].weight, net1.layers[0].weight)


def test_forward_forward_learns_digits_and_is_reproducible():
    s = load_split("digits")
    cfg = FFConfig(hidden=(200,), epochs=8, learning_rate=3e-3, batch_size=50,
                   embedding="append")
    net, hist = train_forward_forward(s.x_train, s.y_train, cfg, x_test=s.x_test,
                                      y_test=s.y_test, rng=0)
    # far above chance (0.1) after 8 epochs; the score is the recorded test accuracy
    assert hist["test_accuracy"][-1] >= 0.7
    assert net.score(s.x_test, s.y_test) == hist["test_accuracy"][-1]
    assert hist["train_loss"][-1] < hist["train_loss"][0]
    _, again = train_forward_forward(s.x_train, s.y_train, cfg, x_test=s.x_test,
                                     y_test=s.y_test, rng=0)
    assert again["train_loss"].tolist() == hist["train_loss"].tolist()


def test_hard_negatives_and_baseline_run():
    s = load_split("digits")
    cfg = FFConfig(hidden=(50,), epochs=2, negatives="hard", embedding="append")
    _, hist = train_forward_forward(s.x_train[:300], s.y_train[:300], cfg, rng=1)
    assert len(hist.rows) == 2 and np.isnan(hist["test_accuracy"][0])
    model, bh = train_backprop_baseline(s.x_train, s.y_train,
                                        FFConfig(hidden=(50,), epochs=10, learning_rate=3e-3),
                                        x_test=s.x_test, y_test=s.y_test, rng=1)
    assert isinstance(model, torch.nn.Sequential)
    assert bh["test_accuracy"][-1] > 0.9


@pytest.mark.parametrize("call, exc, match", [
    (lambda: FFConfig(hidden=()), ValueError, "hidden"),
    (lambda: FFConfig(hidden="500"), TypeError, "hidden"),
    (lambda: FFConfig(epochs=0), ValueError, "epochs"),
    (lambda: FFConfig(learning_rate=-1.0), ValueError, "learning_rate"),
    (lambda: FFConfig(threshold=0.0), ValueError, "threshold"),
    (lambda: FFConfig(negatives="easy"), ValueError, "negatives"),
    (lambda: FFConfig(embedding="prepend"), ValueError, "embedding"),
    (lambda: ForwardForwardNet(8, (5,), 10), ValueError, "n_inputs"),
    (lambda: train_forward_forward(np.ones((4, 20)), [0, 1, 2]), ValueError, "one label"),
    (lambda: train_forward_forward(np.ones((2, 20)), [0, 10]), ValueError, "0..9"),
    (lambda: train_forward_forward(np.ones((2, 20)), [0.0, 1.0]), TypeError, "integer"),
    (lambda: train_forward_forward(np.ones((2, 20)), [0, 1], x_test=np.ones((1, 20))),
     ValueError, "together"),
    (lambda: train_backprop_baseline(np.ones((2, 20)), [0, 1], x_test=np.ones((1, 19)),
                                     y_test=[0]), ValueError, "20 features"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.slow
def test_mnist_forward_forward_at_least_90_percent():
    """Acceptance: FF on the MNIST split (t10k: first 8000 train, last 2000 test) >= 90%."""
    torch.set_num_threads(1)
    try:
        s = load_split("mnist")
    except FileNotFoundError:
        pytest.skip("MNIST t10k files not found")
    cfg = FFConfig(hidden=(500, 500), epochs=30, learning_rate=1e-3)
    _, hist = train_forward_forward(s.x_train, s.y_train, cfg, x_test=s.x_test,
                                    y_test=s.y_test, rng=0)
    assert hist["test_accuracy"][-1] >= 0.90
    _, base = train_backprop_baseline(s.x_train, s.y_train, cfg, x_test=s.x_test,
                                      y_test=s.y_test, rng=0)
    assert base["test_accuracy"][-1] >= 0.95


# ------------------------------------------------------------------ checkpoint and resume
class _Interrupt(Exception):
    """Stands in for a kill after an epoch's checkpoint was written."""


def _tiny():
    s = load_split("digits")
    return s.x_train[:200], s.y_train[:200], s.x_test[:60], s.y_test[:60]


def _cfg(epochs, **kw):
    return FFConfig(**{**dict(hidden=(20, 10), epochs=epochs, batch_size=50,
                              learning_rate=3e-3, embedding="append"), **kw})


def _state(model):
    return (model.layers if isinstance(model, ForwardForwardNet) else model).state_dict()


TRAINERS = [pytest.param(train_forward_forward, "ff_checkpoint", {}, id="ff"),
            pytest.param(train_forward_forward, "ff_checkpoint", {"negatives": "hard"},
                         id="ff-hard"),
            pytest.param(train_backprop_baseline, "baseline_checkpoint", {}, id="baseline")]


@pytest.mark.parametrize("train, name, extra", TRAINERS)
def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, train, name, extra):
    x, y, xt, yt = _tiny()
    ref_model, ref = train(x, y, _cfg(3, **extra), x_test=xt, y_test=yt, rng=5)

    def stop(epoch, history):
        if epoch == 1:
            raise _Interrupt

    with pytest.raises(_Interrupt):
        train(x, y, _cfg(2, **extra), x_test=xt, y_test=yt, rng=5, checkpoint_dir=tmp_path,
              callback=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    train(x, y, _cfg(2, **extra), x_test=xt, y_test=yt, rng=5, checkpoint_dir=tmp_path)
    # continue the finished run with a larger epoch count
    model, hist = train(x, y, _cfg(3, **extra), x_test=xt, y_test=yt, rng=5,
                        checkpoint_dir=tmp_path)
    a, b = _state(ref_model), _state(model)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key  # bitwise
    for field in ("epoch", "train_loss", "train_accuracy", "test_accuracy"):
        assert hist[field].tolist() == ref[field].tolist()


@pytest.mark.parametrize("train, kw, match", [
    (train_forward_forward, dict(config=_cfg(3, learning_rate=1e-3)), "learning_rate"),
    (train_forward_forward, dict(config=_cfg(3, threshold=1.0)), "threshold"),
    (train_forward_forward, dict(config=_cfg(3, hidden=(20,))), "hidden"),
    (train_forward_forward, dict(rng=6), "seed"),
    (train_forward_forward, dict(n=199), "data differ"),
    (train_forward_forward, dict(config=_cfg(1)), "already holds 2 epochs"),
    (train_backprop_baseline, dict(config=_cfg(3, batch_size=40)), "batch_size"),
    (train_backprop_baseline, dict(n=199), "data differ"),
])
def test_resume_with_other_settings_or_data_fails(tmp_path, train, kw, match):
    x, y, xt, yt = _tiny()
    train(x, y, _cfg(2), x_test=xt, y_test=yt, rng=5, checkpoint_dir=tmp_path)
    n = kw.pop("n", 200)
    args = {"config": _cfg(3), "rng": 5, **kw}
    with pytest.raises(ValueError, match=match) as err:
        train(x[:n], y[:n], x_test=xt, y_test=yt, checkpoint_dir=tmp_path, **args)
    assert "_checkpoint" in str(err.value)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign"])
def test_corrupt_checkpoint_is_named(tmp_path, damage):
    x, y, _, _ = _tiny()
    train_forward_forward(x, y, _cfg(1), rng=5, checkpoint_dir=tmp_path)
    path = tmp_path / "ff_checkpoint"
    if damage == "truncate":
        arrays = path / "arrays.h5"
        arrays.write_bytes(arrays.read_bytes()[:-300])
    elif damage == "garbage":
        (path / "config.json").write_bytes(b"not a checkpoint")
    else:
        save_state(path, kind="something.else", config={}, arrays={"weights": torch.zeros(3)})
    with pytest.raises(ValueError, match=r"ff_checkpoint"):
        train_forward_forward(x, y, _cfg(2), rng=5, checkpoint_dir=tmp_path)


# ------------------------------------------------------------------ estimator contract
def test_fit_returns_self_with_history_and_matches_the_trainer():
    from spinnet._history import History

    x, y, xt, yt = _tiny()
    net = ForwardForwardNet(64, (20, 10), embedding="append", rng=0)
    assert net.history_ is None
    out = net.fit(x, y, epochs=2, batch_size=50, learning_rate=3e-3, x_test=xt, y_test=yt,
                  rng=5)
    assert out is net and isinstance(net.history_, History)
    assert net.history_["epoch"].tolist() == [1, 2]
    assert net.history_.last("test_accuracy") == net.score(xt, yt)
    # the trainer function and the estimator give the same record type
    _, hist = train_forward_forward(x, y, _cfg(2), x_test=xt, y_test=yt, rng=5)
    assert isinstance(hist, History) and hist.keys == net.history_.keys


def test_save_load_round_trip_is_bit_identical(tmp_path):
    x, y, xt, yt = _tiny()
    net, _ = train_forward_forward(x, y, _cfg(1), x_test=xt, y_test=yt, rng=5)
    before = net.predict(xt)
    goodness = net.label_goodness(torch.as_tensor(xt))
    net.save(tmp_path / "ff")
    again = ForwardForwardNet.load(tmp_path / "ff")
    assert again.hidden == net.hidden and again.embedding == "append"
    a, b = net.layers.state_dict(), again.layers.state_dict()
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].dtype == b[key].dtype and torch.equal(a[key], b[key]), key
    np.testing.assert_array_equal(again.predict(xt), before)
    assert torch.equal(again.label_goodness(torch.as_tensor(xt)), goodness)  # bitwise
    assert again.history_ == net.history_
    with pytest.raises(ValueError, match="ff_checkpoint"):
        train_forward_forward(x, y, _cfg(1), rng=5, checkpoint_dir=tmp_path)
        ForwardForwardNet.load(tmp_path / "ff_checkpoint")
