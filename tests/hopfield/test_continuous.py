"""Continuous (graded-response) Hopfield network: Lyapunov energy and its descent."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.hopfield import ContinuousHopfield
from spinnet.hopfield.rules import hebbian
from spinnet.spins import flip, random_patterns


def _random_net(seed, n=12, activation="tanh", gain=2.0, diagonal=False, resistance=0.7):
    gen = np.random.default_rng(seed)
    a = gen.normal(size=(n, n))
    T = (a + a.T) / (2 * np.sqrt(n))
    if not diagonal:
        np.fill_diagonal(T, 0.0)
    bias = 0.3 * gen.normal(size=n)
    return ContinuousHopfield(T, bias, gain=gain, activation=activation,
                              resistance=resistance), gen


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_energy_from_outputs_equals_energy_from_state(activation):
    net, gen = _random_net(0, activation=activation)
    u = gen.normal(size=(5, 12))
    np.testing.assert_allclose(net.energy(net.output(u)), net.energy_of_state(u), rtol=1e-12,
                               atol=1e-12)
    # the inverse of the gain function
    np.testing.assert_allclose(net.inverse(net.output(u)), u, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_energy_gradient_is_minus_c_du_dt(activation):
    """∂E/∂V_i = -C_i du_i/dt (Hopfield 1984): central differences, O(h²) error."""
    net, gen = _random_net(1, activation=activation, diagonal=True)
    u = 0.3 * gen.normal(size=12)
    V = net.output(u)
    h = 1e-6
    grad = np.array([(net.energy(V + h * e) - net.energy(V - h * e)) / (2 * h)
                     for e in np.eye(12)])
    np.testing.assert_allclose(grad, -net.capacitance * net.velocity(u), atol=1e-7)


def test_lyapunov_rate_matches_theory():
    """dE/dt = -Σ C g'(u) (du/dt)² along the flow (first-order difference, small step)."""
    net, gen = _random_net(2, activation="logistic", gain=1.5)
    u = 0.5 * gen.normal(size=12)
    du = net.velocity(u)
    rate = -np.sum(net.capacitance * net._slope(u) * du ** 2)
    for h in (1e-4, 1e-5):
        measured = (net.energy_of_state(u + h * du) - net.energy_of_state(u)) / h
        # the second-order term is O(h |du|² max|g''|)
        assert abs(measured - rate) < 50 * h * np.sum(du ** 2) * net.gain ** 2
    assert rate < 0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), activation=st.sampled_from(["tanh", "logistic"]),
       gain=st.floats(0.2, 50.0), dt=st.floats(0.01, 5.0), diagonal=st.booleans())
def test_integration_never_increases_energy(seed, activation, gain, dt, diagonal):
    net, gen = _random_net(seed, n=10, activation=activation, gain=gain, diagonal=diagonal)
    u0 = gen.normal(size=10) / gain
    traj = net.integrate(u0, t_max=20.0, dt=dt, max_steps=400)
    assert np.all(np.diff(traj.energies) <= 0.0)
    assert np.all(np.diff(traj.times) > 0)
    # the accumulated energy changes agree with the energy of the final state
    e_end = net.energy_of_state(traj.u)
    assert abs(traj.energies[-1] - e_end) <= 1e-9 * max(1.0, abs(e_end))


def test_plain_euler_descends_for_small_steps_and_reaches_a_fixed_point():
    net, gen = _random_net(3, n=15, gain=1.0)
    traj = net.integrate(gen.normal(size=15), t_max=200.0, dt=0.02, monotone=False,
                         tol=1e-8, max_steps=20_000)
    assert traj.n_rejected == 0
    assert np.all(np.diff(traj.energies) <= 1e-12)
    assert traj.converged
    assert np.max(np.abs(net._slope(traj.u) * net.velocity(traj.u))) < 1e-8


def test_large_step_rejections_keep_energy_monotone():
    """A step far too large for explicit Euler is halved until the energy does not rise."""
    net, gen = _random_net(4, n=10, gain=20.0)
    u0 = gen.normal(size=10) * 0.05
    plain = net.integrate(u0, t_max=5.0, dt=2.0, monotone=False, max_steps=50)
    safe = net.integrate(u0, t_max=5.0, dt=2.0, monotone=True, max_steps=50)
    assert np.any(np.diff(plain.energies) > 0)  # the unsafeguarded integrator overshoots
    assert safe.n_rejected > 0
    assert np.all(np.diff(safe.energies) <= 0)


def test_high_gain_network_retrieves_stored_patterns():
    """λ → ∞: the graded network behaves as the two-state one (Hopfield 1984)."""
    xi = random_patterns(3, 100, rng=5)
    net = ContinuousHopfield(hebbian(xi), gain=50.0, activation="tanh")
    probe = flip(xi[1], 0.15, rng=6).astype(float)
    traj = net.integrate(probe / 50.0 * 0.1, t_max=20.0, dt=0.05)
    assert np.array_equal(np.sign(traj.V), xi[1])
    assert np.all(np.diff(traj.energies) <= 0)


def test_matvec_must_match_couplings():
    net, _ = _random_net(5)
    T = net.couplings
    ok = ContinuousHopfield(T, matvec=lambda v: T @ v)
    assert ok._matvec(np.ones(12)) == pytest.approx(T @ np.ones(12))
    with pytest.raises(ValueError, match="matvec"):
        ContinuousHopfield(T, matvec=lambda v: 2 * T @ v)
    with pytest.raises(TypeError, match="matvec"):
        ContinuousHopfield(T, matvec=3)


def test_bad_input():
    T = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="couplings must be symmetric"):
        ContinuousHopfield([[0.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="gain"):
        ContinuousHopfield(T, gain=0.0)
    with pytest.raises(TypeError, match="gain"):
        ContinuousHopfield(T, gain="big")
    with pytest.raises(ValueError, match="activation"):
        ContinuousHopfield(T, activation="relu")
    with pytest.raises(ValueError, match="bias"):
        ContinuousHopfield(T, bias=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="resistance"):
        ContinuousHopfield(T, resistance=[1.0, -1.0])
    with pytest.raises(ValueError, match="capacitance"):
        ContinuousHopfield(T, capacitance=0.0)
    net = ContinuousHopfield(T, activation="logistic")
    with pytest.raises(ValueError, match=r"V must lie in \[0, 1\]"):
        net.energy([0.5, 1.5])
    with pytest.raises(ValueError, match=r"V must lie in \(0, 1\)"):
        net.inverse([0.0, 0.5])
    with pytest.raises(ValueError, match="u0 must have N = 2"):
        net.integrate([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="u0 must have shape"):
        net.integrate([[0.1, 0.2]])
    with pytest.raises(ValueError, match="dt"):
        net.integrate([0.1, 0.2], dt=-1.0)
    with pytest.raises(ValueError, match="u0 must contain only finite"):
        net.integrate([np.nan, 0.2])
