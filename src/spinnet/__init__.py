"""spinnet: the statistical mechanics of neural networks, physics first.

Spin models and their Monte Carlo, Hopfield associative memory and its phase
diagram, Boltzmann machines, dense associative memories and modern Hopfield
networks, and machine learning of phase transitions — one vocabulary
(spins, couplings, fields, energy, temperature, overlaps, samplers).
"""

from __future__ import annotations

import os as _os

# Numba's OpenMP threads busy-wait between parallel regions by default; on a
# machine whose cores are shared this made parallel kernels up to 300x slower
# (measured: annealing 8 SK chains 1.18 s vs 3.6 ms). Passive waiting costs
# nothing measurable on an idle machine. A user's own setting wins.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

# The main estimators and models, importable as ``spinnet.<Name>`` but loaded only when
# first used: ``import spinnet`` stays instant and never imports numba or torch.
_LAZY: dict[str, str] = {
    # Hopfield memories (core)
    "HopfieldNetwork": "spinnet.hopfield.network",
    "DenseAssociativeMemory": "spinnet.hopfield.dense",
    "OnlineAttractorNetwork": "spinnet.hopfield.online",
    "ContinuousHopfield": "spinnet.hopfield.continuous",
    "ModernHopfieldNetwork": "spinnet.hopfield.modern",        # [torch]
    # spin models and samplers (core)
    "SquareIsing": "spinnet.models.lattice",
    "BaxterWu": "spinnet.models.lattice",
    "EdwardsAnderson": "spinnet.models.lattice",
    "SherringtonKirkpatrick": "spinnet.models.dense",
    "Metropolis": "spinnet.samplers.local",
    "HeatBath": "spinnet.samplers.local",
    "Wolff": "spinnet.samplers.cluster",
    "SwendsenWang": "spinnet.samplers.cluster",
    "ParallelTempering": "spinnet.samplers.tempering",
    # neurons (core; forward-forward needs [torch] when fitted)
    "MLP": "spinnet.neurons.mlp",
    "ForwardForwardNet": "spinnet.neurons.forward_forward",
    # Boltzmann machines [torch]
    "RBM": "spinnet.boltzmann.rbm",
    "DeepBeliefNet": "spinnet.boltzmann.dbn",
    "DeepAutoencoder": "spinnet.boltzmann.dbn",
    "BoltzmannMachine": "spinnet.boltzmann.machine",
    # autoregressive networks and variational free energies [torch]
    "MADE": "spinnet.autoregressive.made",
    "PixelCNN": "spinnet.autoregressive.pixelcnn",
    "VAN": "spinnet.autoregressive.van",
    # machine learning of phase transitions [torch]
    "PhaseClassifier": "spinnet.phases.training",
    # one training-history record
    "History": "spinnet._history",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'spinnet' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
