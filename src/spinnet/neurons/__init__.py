"""Formal neurons to forward-forward: threshold logic, perceptrons, backprop from scratch.

- :mod:`~spinnet.neurons.mcculloch_pitts` — McCulloch–Pitts units, logic gates,
  XOR by exhaustive search and by two layers.
- :mod:`~spinnet.neurons.perceptron` — Rosenblatt's rule, exact separability by
  linear programming, Cover's counting formula and the Gardner capacity α_c = 2.
- :mod:`~spinnet.neurons.perceptron_learning` — maximal-stability perceptron
  (AdaTron), critical numbers of patterns, exact enumeration of the binary
  perceptron, Hebb and GAMP students of a teacher (checked against
  :mod:`spinnet.theory.perceptron`).
- :mod:`~spinnet.neurons.mlp` — a NumPy multilayer perceptron with a hand-written
  chain-rule backward pass (checked against torch autograd).
- :mod:`~spinnet.neurons.forward_forward` — Hinton's (2022) forward-forward
  algorithm in PyTorch and a same-size backprop baseline.

:class:`MLP` and :class:`ForwardForwardNet` are estimators (``fit(X, y, ...,
rng=None)`` returns the network, ``history_``, ``score``, ``save``/``load``).
Everything here except forward-forward needs only NumPy and SciPy; PyTorch is
imported when a forward-forward network is built (``pip install
'spinnet[torch]'``).
"""

from spinnet.neurons.data import Split, load_split, split_from_mnist
from spinnet.neurons.forward_forward import (
    FFConfig,
    ForwardForwardNet,
    train_backprop_baseline,
    train_forward_forward,
)
from spinnet.neurons.mcculloch_pitts import (
    GATES,
    GateLearningResult,
    GridSearchResult,
    ThresholdUnit,
    TwoLayerNetwork,
    analytic_gate,
    grid_search,
    learn_gate,
    truth_table,
    xor_network,
)
from spinnet.neurons.mlp import MLP, CheckpointMismatchError
from spinnet.neurons.perceptron import (
    PerceptronResult,
    capacity_experiment,
    capacity_point,
    cover_count,
    cover_probability,
    crossing_alpha,
    is_separable,
    perceptron_train,
    random_dichotomy,
    transition_width,
)
from spinnet.neurons.perceptron_learning import (
    binary_critical_patterns,
    critical_patterns,
    gamp_perceptron,
    hebb_student,
    max_stability,
    teacher_student_data,
)

__all__ = [
    "GATES",
    "MLP",
    "CheckpointMismatchError",
    "FFConfig",
    "ForwardForwardNet",
    "GateLearningResult",
    "GridSearchResult",
    "PerceptronResult",
    "Split",
    "ThresholdUnit",
    "TwoLayerNetwork",
    "analytic_gate",
    "binary_critical_patterns",
    "capacity_experiment",
    "capacity_point",
    "cover_count",
    "cover_probability",
    "critical_patterns",
    "crossing_alpha",
    "gamp_perceptron",
    "grid_search",
    "hebb_student",
    "is_separable",
    "learn_gate",
    "load_split",
    "max_stability",
    "perceptron_train",
    "random_dichotomy",
    "split_from_mnist",
    "teacher_student_data",
    "train_backprop_baseline",
    "train_forward_forward",
    "transition_width",
    "truth_table",
    "xor_network",
]
