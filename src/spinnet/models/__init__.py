"""Spin models: what the system *is* (couplings, fields, energy, local fields).

Samplers in :mod:`spinnet.samplers` say how a model moves; see
:mod:`spinnet.models.base` for the three representations the kernels consume.
"""

from spinnet.models.base import (
    DensePairwiseModel,
    SparsePairwiseModel,
    SpinModel,
    TriangleModel,
    greedy_coloring,
)
from spinnet.models.dense import DenseIsing, SherringtonKirkpatrick
from spinnet.models.lattice import BaxterWu, EdwardsAnderson, SquareIsing

__all__ = [
    "BaxterWu",
    "DenseIsing",
    "DensePairwiseModel",
    "EdwardsAnderson",
    "SherringtonKirkpatrick",
    "SparsePairwiseModel",
    "SpinModel",
    "SquareIsing",
    "TriangleModel",
    "greedy_coloring",
]
