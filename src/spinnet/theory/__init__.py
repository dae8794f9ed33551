"""Exact and mean-field results used as oracles and as physics references.

Submodules
----------
dense
    Dense associative memories: polynomial signal-to-noise capacity,
    Demircigil exponent, Lucibello–Mézard ``α₁``, ``α_c`` and basins. Used as
    ``spinnet.theory.dense.<name>``.
dynamics
    Retrieval dynamics near saturation: exact synchronous ``m(1)``, ``m(2)``
    (Gardner–Derrida–Mottishaw), Amari–Maginu, Coolen–Sherrington flow. Used as
    ``spinnet.theory.dynamics.<name>``.
feigelman_ioffe
    Landau expansion near ``T_g`` and its phase lines. Used as
    ``spinnet.theory.feigelman_ioffe.<name>``.
hopfield
    Signal-to-noise error rates and the Amit–Gutfreund–Sompolinsky
    replica-symmetric theory (``m, q, r``; ``T_M``, ``T_c``, ``T_g``, ``T_R``,
    ``α_c``). Used as ``spinnet.theory.hopfield.<name>`` (its names such as
    ``t_c`` would be ambiguous next to the Ising ones).
ising
    Onsager, Yang and Kaufman results for the 2D Ising model; Houtappel and
    Baxter–Wu critical temperatures; critical exponents.

Each submodule's public names are re-exported here: one import block per
submodule, and its names added to the (sorted) ``__all__``. To add a sibling
(e.g. ``hopfield``), copy the pattern; the test suite checks that every name in
``spinnet.theory.ising.__all__`` is re-exported.
"""

from __future__ import annotations

from spinnet.theory import dense, dynamics, enumeration, feigelman_ioffe, hopfield, ising
from spinnet.theory import perceptron as perceptron
from spinnet.theory.ising import (
    BAXTER_WU_EXPONENTS,
    ISING_2D_EXPONENTS,
    ONSAGER_TC,
    CriticalExponents,
    axis_correlation,
    baxter_wu_tc,
    disorder_temperature,
    energy_per_spin,
    houtappel_tc,
    kaufman_energy_per_spin,
    kaufman_log_z,
    kaufman_specific_heat_per_spin,
    onsager_tc,
    specific_heat_per_spin,
    spontaneous_magnetization,
    strip_correlation,
)

__all__ = [
    "BAXTER_WU_EXPONENTS",
    "ISING_2D_EXPONENTS",
    "ONSAGER_TC",
    "CriticalExponents",
    "axis_correlation",
    "baxter_wu_tc",
    "dense",
    "disorder_temperature",
    "dynamics",
    "energy_per_spin",
    "enumeration",
    "feigelman_ioffe",
    "hopfield",
    "houtappel_tc",
    "ising",
    "kaufman_energy_per_spin",
    "kaufman_log_z",
    "kaufman_specific_heat_per_spin",
    "onsager_tc",
    "perceptron",
    "specific_heat_per_spin",
    "spontaneous_magnetization",
    "strip_correlation",
]
