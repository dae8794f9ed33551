import hashlib
import json

import numpy as np
import pytest

from spinnet.sweeps import Grid, task_key, task_seed


def test_cartesian_product_order_and_plain_scalars():
    grid = Grid(alpha=[0.05, 0.1], T=np.linspace(0, 1, 5), N=[500, 1000], trial=range(3))
    assert len(grid) == 2 * 5 * 2 * 3
    tasks = list(grid)
    assert tasks[0] == {"alpha": 0.05, "T": 0.0, "N": 500, "trial": 0}
    assert tasks[1] == {"alpha": 0.05, "T": 0.0, "N": 500, "trial": 1}  # last axis fastest
    assert tasks[3] == {"alpha": 0.05, "T": 0.0, "N": 1000, "trial": 0}
    assert tasks[-1] == {"alpha": 0.1, "T": 1.0, "N": 1000, "trial": 2}
    assert list(tasks[0]) == ["alpha", "T", "N", "trial"]
    for t in tasks:
        assert all(type(v) in (int, float) for v in t.values())  # no NumPy scalars
    assert grid.names == ("alpha", "T", "N", "trial")
    assert grid[7] == tasks[7]
    assert "60 tasks" in repr(grid)


def test_task_key_is_sha1_of_canonical_json_and_order_free():
    params = {"T": 0.5, "N": 100, "rule": "hebbian"}
    expected = hashlib.sha1(
        json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert task_key(params) == expected
    assert task_key({"rule": "hebbian", "N": 100, "T": 0.5}) == expected
    assert task_key({"T": np.float64(0.5), "N": np.int64(100), "rule": "hebbian"}) == expected
    assert task_key({"x": 1}) != task_key({"x": 1.0}) != task_key({"x": True})
    grid = Grid(N=[100], T=[0.5], rule=["hebbian"])
    assert grid.keys() == [expected]
    assert len(set(Grid(a=range(10), b=range(10)).keys())) == 100


def test_task_seed_depends_on_seed_and_params_only():
    p = {"T": 0.5, "N": 100}
    a = np.random.default_rng(task_seed(3, p)).random(4)
    b = np.random.default_rng(task_seed(3, {"N": 100, "T": 0.5})).random(4)
    c = np.random.default_rng(task_seed(3, task_key(p))).random(4)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, np.random.default_rng(task_seed(4, p)).random(4))
    assert not np.array_equal(a, np.random.default_rng(task_seed(3, {"T": 0.5, "N": 101}))
                              .random(4))
    with pytest.raises(ValueError, match="seed"):
        task_seed(-1, p)
    with pytest.raises(ValueError, match="task key"):
        task_seed(1, "not-a-key")


def test_zip_records_add_mul():
    z = Grid.zip(N=[100, 200], n_sweeps=[1000, 4000])
    assert list(z) == [{"N": 100, "n_sweeps": 1000}, {"N": 200, "n_sweeps": 4000}]
    assert z.axes is None
    r = Grid.from_records([{"model": "sk", "T": 0.5}, {"model": "ising", "J": 1.0}])
    assert len(r) == 2 and r.names == ("model", "T", "J")
    prod = z * Grid(T=[0.1, 0.2])
    assert len(prod) == 4 and prod[1] == {"N": 100, "n_sweeps": 1000, "T": 0.2}
    both = Grid(T=[0.1]) + Grid(T=[0.2, 0.3])
    assert [t["T"] for t in both] == [0.1, 0.2, 0.3]
    g = Grid(a=[1, 2], b=["x"])
    assert Grid.from_dict(json.loads(json.dumps(g.to_dict()))) == g
    assert Grid.from_dict(g.to_dict()).axes == {"a": [1, 2], "b": ["x"]}


@pytest.mark.parametrize("call, match, exc", [
    (lambda: Grid(), "at least one axis", ValueError),
    (lambda: Grid(T=[]), "axis 'T' is empty", ValueError),
    (lambda: Grid(T=np.array([])), "axis 'T' is empty", ValueError),
    (lambda: Grid(T=[0.5, 1.0], N=range(0)), "axis 'N' is empty", ValueError),
    (lambda: Grid(T=0.5), "axis 'T' must be a sequence", TypeError),
    (lambda: Grid(rule="hebbian"), "axis 'rule' must be a sequence", TypeError),
    (lambda: Grid(T=np.ones((2, 2))), "axis 'T' must be one-dimensional", ValueError),
    (lambda: Grid(T=[1.0, 1.0]), "axis 'T' repeats", ValueError),
    (lambda: Grid(T=[float("nan")]), "axis 'T' value must be finite", ValueError),
    (lambda: Grid(T=[[1, 2]]), "axis 'T' value must be a plain scalar", TypeError),
    (lambda: Grid.zip(a=[1, 2], b=[1]), "equal lengths; got a: 2, b: 1", ValueError),
    (lambda: Grid.from_records([]), "records must not be empty", ValueError),
    (lambda: Grid.from_records([{"a": 1}, {"a": 1}]), r"records\[1\] repeats records\[0\]",
     ValueError),
    (lambda: Grid.from_records([{}]), r"records\[0\] must have at least one", ValueError),
    (lambda: Grid.from_records({"a": 1}), "records must be a list of dicts", TypeError),
    (lambda: Grid(a=[1]) * Grid(a=[2]), "share parameters", ValueError),
])
def test_bad_grids_name_the_axis(call, match, exc):
    with pytest.raises(exc, match=match):
        call()
