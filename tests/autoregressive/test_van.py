"""VAN: energies, variational bound, neural importance sampling, neural MCMC, resume."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from spinnet.autoregressive import MADE, VAN, PixelCNN  # noqa: E402
from spinnet.autoregressive.energy import torch_energy  # noqa: E402
from spinnet.hopfield.rules import hebbian  # noqa: E402
from spinnet.models.dense import DenseIsing, SherringtonKirkpatrick  # noqa: E402
from spinnet.models.lattice import BaxterWu, EdwardsAnderson, SquareIsing  # noqa: E402
from spinnet.theory.enumeration import enumerate_states, exact_averages  # noqa: E402


def _hopfield_model(n=12, p=2, seed=0):
    xi = np.random.default_rng(seed).choice([-1, 1], size=(p, n)).astype(np.int8)
    return DenseIsing(hebbian(xi))


MODELS = {
    "square-aniso-field": lambda: SquareIsing(4, J_h=1.0, J_v=0.5, h=0.2),
    "triangular": lambda: SquareIsing(3, J_d=0.7),
    "baxter-wu": lambda: BaxterWu(3),
    "edwards-anderson": lambda: EdwardsAnderson(4, rng=1),
    "sk": lambda: SherringtonKirkpatrick(10, rng=2),
    "hopfield": _hopfield_model,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_torch_energy_equals_model_energy(name):
    model = MODELS[name]()
    s = np.random.default_rng(0).choice([-1, 1], size=(50, model.n_spins)).astype(np.int8)
    e = torch_energy(model)(torch.as_tensor(s, dtype=torch.float64))
    np.testing.assert_allclose(e.numpy(), model.energy(s), rtol=1e-12, atol=1e-12)


def _exact_F(model, T):
    return -T * exact_averages(model, T).log_z / model.n_spins


def _exact_Fq(van, T):
    s = enumerate_states(van.n_spins)
    with torch.no_grad():
        lq = van.net.log_prob(s).double().numpy()
    e = van.model.energy(s)
    q = np.exp(lq)
    return float(q @ (e + T * lq)) / van.n_spins


def test_variational_bound_and_unbiased_estimator_with_random_net():
    model, T = SquareIsing(3), 2.27
    net = MADE(9, depth=2, width=3, z2=True, dtype="float64")
    van = VAN(model, net)
    fq_exact = _exact_Fq(van, T)
    assert fq_exact >= _exact_F(model, T)            # Gibbs-Bogoliubov-Feynman
    f, err = van.free_energy(20_000, temperature=T, rng=1)
    assert abs(f - fq_exact) < 4 * err


def test_importance_sampling_is_unbiased_for_an_untrained_net():
    model, T = SquareIsing(3), 2.5
    van = VAN(model, MADE(9, depth=2, width=3, dtype="float64"))
    ex = exact_averages(model, T)
    r = van.importance_sampling(40_000, temperature=T, rng=3)
    assert abs(r.free_energy - (-T * ex.log_z / 9)) < 4 * r.free_energy_err
    assert abs(r.energy - ex.energy) < 4 * r.energy_err
    assert abs(r.abs_magnetization - ex.abs_magnetization) < 4 * r.abs_magnetization_err
    assert 1 < r.ess < 40_000


@pytest.fixture(scope="module")
def trained():
    torch.set_num_threads(1)
    model, T = SquareIsing(3), 2.27
    van = VAN(model, MADE(9, depth=2, width=4, z2=True, dtype="float64"))
    van.fit(T, n_steps=300, batch_size=256, beta_anneal=0.95, learning_rate=5e-3, rng=0)
    return van, model, T


def test_training_approaches_the_exact_free_energy(trained):
    van, model, T = trained
    F = _exact_F(model, T)
    h = van.history_
    assert set(h.keys) >= {"step", "beta", "free_energy", "free_energy_err", "energy",
                             "entropy", "grad_norm"}
    assert len(h) == 300 and van.step_ == 300
    assert h["beta"][-1] == pytest.approx(1 / T * (1 - 0.95**300))
    fq = _exact_Fq(van, T)
    assert fq >= F
    assert fq - F < 2e-3 * abs(F)
    assert h["free_energy"][0] - F > 10 * (fq - F)    # it did learn
    f, err = van.free_energy(20_000, rng=5)
    assert f > F - 4 * err


def test_neural_mcmc_is_exact_and_reports_acceptance(trained):
    van, model, T = trained
    r = van.neural_mcmc(20_000, rng=9)
    ex = exact_averages(model, T)
    assert 0.5 < r.acceptance_rate <= 1.0
    assert r.abs_magnetization.shape == (20_000,)
    err = np.std(r.abs_magnetization) * np.sqrt(2 * r.tau_int / 20_000)
    assert abs(r.abs_magnetization.mean() - ex.abs_magnetization) < 4 * err
    assert r.tau_int >= 0.5 and r.seconds_per_proposal > 0


def test_same_seed_same_history():
    model = SquareIsing(2)
    runs = []
    for seed in (42, 42, 43):
        torch.manual_seed(0)                      # the initial weights
        van = VAN(model, PixelCNN(2, depth=2, width=2, half_kernel=1))
        van.fit(2.0, n_steps=5, batch_size=16, rng=seed)
        runs.append(van.history_.to_dict())
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_continued_fit_equals_one_fit():
    model = SquareIsing(2)
    hist = []
    for chunks in ((6,), (2, 4, 6)):
        torch.manual_seed(0)
        van = VAN(model, MADE(4, depth=2, width=2))
        for n in chunks:
            van.fit(2.0, n_steps=n, batch_size=8, rng=5)
        hist.append(van.history_.to_dict())
    assert hist[0] == hist[1]


@pytest.mark.parametrize("call, exc, match", [
    (lambda: VAN(object(), MADE(4)), TypeError, "model must be a spinnet spin model"),
    (lambda: VAN(SquareIsing(3), MADE(4)), ValueError, "N = 4 .* N = 9"),
    (lambda: VAN(SquareIsing(2), MADE(4)).fit(0.0), ValueError, "temperature"),
    (lambda: VAN(SquareIsing(2), MADE(4)).fit(-1.0), ValueError, "temperature"),
    (lambda: VAN(SquareIsing(2), MADE(4)).fit(1.0, batch_size=1), ValueError, "batch_size"),
    (lambda: VAN(SquareIsing(2), MADE(4)).fit(1.0, beta_anneal=1.0), ValueError,
     "beta_anneal"),
    (lambda: VAN(SquareIsing(2), MADE(4), clip_grad=0), ValueError, "clip_grad"),
    (lambda: VAN(SquareIsing(2), MADE(4)).free_energy(10), ValueError, "temperature"),
])
def test_bad_input_raises_clear_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_save_load_roundtrip(tmp_path):
    model = SquareIsing(2)
    van = VAN(model, MADE(4, depth=2, width=2)).fit(2.0, n_steps=3, batch_size=8, rng=1)
    van.save(tmp_path / "van")
    back = VAN.load(tmp_path / "van", model)
    s = enumerate_states(4)
    assert torch.equal(back.net.log_prob(s), van.net.log_prob(s))
    assert back.history_ == van.history_ and back.step_ == 3
    assert back.temperature_ == 2.0


def test_saved_van_continues_like_an_uninterrupted_fit(tmp_path):
    model = SquareIsing(2)
    kw = dict(batch_size=8, learning_rate=3e-3, beta_anneal=0.98)
    torch.manual_seed(0)
    van = VAN(model, MADE(4, depth=2, width=2, z2=True), clip_grad=1.0)
    van.fit(2.0, n_steps=4, rng=1, **kw).save(tmp_path / "v")
    back = VAN.load(tmp_path / "v", model).fit(2.0, n_steps=8, **kw)
    van.fit(2.0, n_steps=8, **kw)
    assert back.history_ == van.history_ and len(back.history_) == 8


def test_checkpoint_of_another_run_is_refused(tmp_path):
    model = SquareIsing(2)
    VAN(model, MADE(4)).fit(2.0, n_steps=2, batch_size=4, rng=1, checkpoint=tmp_path / "c")
    with pytest.raises(ValueError, match="another run"):
        VAN(model, MADE(4)).fit(3.0, n_steps=2, batch_size=4, checkpoint=tmp_path / "c")


RUN = textwrap.dedent("""
    import json, os, signal, sys
    import torch
    torch.set_num_threads(1)
    from spinnet.autoregressive import VAN, PixelCNN
    from spinnet.models.lattice import SquareIsing
    ckpt, kill_at, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    torch.manual_seed(0)
    van = VAN(SquareIsing(3), PixelCNN(3, depth=2, width=4, half_kernel=1, z2=True))
    def progress(stage, done, total):
        if done == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    van.fit(2.27, n_steps=40, batch_size=32, rng=7, checkpoint=ckpt or None,
            checkpoint_every=10, progress=progress)
    json.dump({"history": van.history_.to_dict(),
               "weights": [p.double().sum().item() for p in van.net.parameters()]},
              open(out, "w"))
""")


def test_sigkilled_fit_resumes_to_the_same_numbers(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(RUN)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    def run(ckpt, kill_at, out):
        return subprocess.run([sys.executable, str(script), ckpt, str(kill_at), str(out)],
                              capture_output=True, text=True, env=env, timeout=300)

    # the uninterrupted reference and the resumed run in this process, the killed one in
    # a subprocess (one interpreter start keeps the test short)
    import runpy

    threads = torch.get_num_threads()
    argv = sys.argv
    torch.set_num_threads(1)
    try:
        sys.argv = [str(script), "", "-1", str(tmp_path / "ref.json")]
        runpy.run_path(str(script), run_name="__main__")
        killed = run(str(tmp_path / "ckpt"), 25, tmp_path / "killed.json")
        sys.argv = [str(script), str(tmp_path / "ckpt"), "-1", str(tmp_path / "resumed.json")]
        runpy.run_path(str(script), run_name="__main__")
    finally:
        sys.argv = argv
        torch.set_num_threads(threads)
    assert killed.returncode == -9, killed.stderr       # SIGKILL mid-run
    assert not (tmp_path / "killed.json").exists()
    assert (tmp_path / "ckpt").is_dir()
    ckpt_step = json.loads((tmp_path / "ckpt" / "config.json").read_text())
    assert ckpt_step["state"]["step"] == 40             # the resumed run finished it
    a = json.loads((tmp_path / "ref.json").read_text())
    b = json.loads((tmp_path / "resumed.json").read_text())
    assert a == b
    assert len(a["history"]["rows"]) == 40
