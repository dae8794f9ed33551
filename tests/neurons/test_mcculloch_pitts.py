"""McCulloch–Pitts units: gates analytically, by the perceptron rule, and XOR."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinnet.neurons import (
    GATES,
    ThresholdUnit,
    TwoLayerNetwork,
    analytic_gate,
    grid_search,
    learn_gate,
    truth_table,
    xor_network,
)

SEPARABLE = ["AND", "OR", "NAND", "NOR", "NOT"]


def test_truth_tables_are_the_boolean_functions():
    x, t = truth_table("AND")
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert t.tolist() == [0, 0, 0, 1]
    assert truth_table("OR")[1].tolist() == [0, 1, 1, 1]
    assert truth_table("XOR")[1].tolist() == [0, 1, 1, 0]
    assert truth_table("NOT")[1].tolist() == [1, 0]
    assert truth_table("nand")[1].tolist() == [1, 1, 1, 0]  # case-insensitive


@pytest.mark.parametrize("gate", SEPARABLE)
def test_analytic_units_reproduce_truth_tables(gate):
    x, t = truth_table(gate)
    np.testing.assert_array_equal(analytic_gate(gate)(x), t)


def test_analytic_and_is_the_textbook_unit():
    unit = analytic_gate("AND")
    assert unit.weights == (1.0, 1.0) and unit.threshold == 1.5
    assert analytic_gate("NOT") == ThresholdUnit((-1.0,), -0.5)
    # a single input row gives a scalar; theta is reached with equality -> fires
    assert int(ThresholdUnit((1.0, 1.0), 2.0)([1, 1])) == 1


@pytest.mark.parametrize("gate", SEPARABLE)
def test_perceptron_learns_separable_gates(gate):
    res = learn_gate(gate, max_epochs=100)
    x, t = truth_table(gate)
    assert res.converged
    assert res.errors_per_epoch[-1] == 0 and np.all(res.errors_per_epoch[:-1] > 0)
    assert res.n_updates == int(res.errors_per_epoch.sum())
    np.testing.assert_array_equal(res.unit(x), t)


def test_xor_perceptron_never_converges():
    res = learn_gate("XOR", max_epochs=500)
    assert not res.converged
    assert res.n_epochs == 500
    # every epoch keeps making mistakes (perceptron cycling, Minsky & Papert)
    assert res.errors_per_epoch.min() >= 1
    x, t = truth_table("XOR")
    assert not np.array_equal(res.unit(x), t)


@pytest.mark.parametrize("grid", [None, np.linspace(-5, 5, 41), np.linspace(-1, 1, 9)])
def test_xor_has_no_single_unit_solution_on_a_grid(grid):
    res = grid_search("XOR", grid)
    assert res.n_solutions == 0 and res.example is None
    assert res.best_correct == 3 and res.n_rows == 4  # 3 of 4 rows is the best possible
    n = 25 if grid is None else len(grid)
    assert res.n_candidates == n ** 3


@pytest.mark.parametrize("gate", SEPARABLE)
def test_grid_search_finds_separable_gates(gate):
    res = grid_search(gate)
    assert res.n_solutions > 0 and res.best_correct == res.n_rows
    x, t = truth_table(gate)
    np.testing.assert_array_equal(res.example(x), t)


def test_grid_search_counts_match_brute_force():
    g = np.linspace(-2, 2, 9)
    x, t = truth_table("AND")
    count = sum(
        np.array_equal((x @ np.array([a, b]) >= c).astype(int), t)
        for a in g for b in g for c in g
    )
    assert grid_search("AND", g).n_solutions == count


def test_two_layer_network_solves_xor():
    net = xor_network()
    x, t = truth_table("XOR")
    np.testing.assert_array_equal(net(x), t)
    # hidden layer maps XOR onto a separable problem: (OR, NAND)
    np.testing.assert_array_equal(net.hidden_activity(x), [[0, 1], [1, 1], [1, 1], [1, 0]])
    assert int(net([1, 0])) == 1


def test_gate_registry():
    assert set(GATES) == {"AND", "OR", "NAND", "NOR", "NOT", "XOR"}


@pytest.mark.parametrize("call, exc, match", [
    (lambda: truth_table("XNORR"), ValueError, "gate"),
    (lambda: truth_table(3), TypeError, "gate"),
    (lambda: analytic_gate("XOR"), ValueError, "not linearly separable"),
    (lambda: analytic_gate("AND")([[0, 2]]), ValueError, "0 and 1"),
    (lambda: analytic_gate("AND")([[0, 1, 1]]), ValueError, "2 columns"),
    (lambda: analytic_gate("AND")([[0.0, np.nan]]), ValueError, "finite"),
    (lambda: ThresholdUnit((1.0, np.inf), 0.5), ValueError, "weights"),
    (lambda: ThresholdUnit((1.0,), np.nan), ValueError, "threshold"),
    (lambda: learn_gate("AND", max_epochs=0), ValueError, "max_epochs"),
    (lambda: learn_gate("AND", max_epochs=2.5), TypeError, "max_epochs"),
    (lambda: learn_gate("AND", learning_rate=-1.0), ValueError, "learning_rate"),
    (lambda: grid_search("AND", [[0, 1]]), ValueError, "grid"),
    (lambda: TwoLayerNetwork((analytic_gate("OR"),), analytic_gate("AND")), ValueError,
     "output"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(w1=finite, w2=finite, theta=finite)
def test_no_real_threshold_unit_computes_xor(w1, w2, theta):
    x, t = truth_table("XOR")
    assert not np.array_equal(ThresholdUnit((w1, w2), theta)(x), t)
