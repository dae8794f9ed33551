"""spinnet: the statistical mechanics of neural networks, physics first.

Spin models and their Monte Carlo, Hopfield associative memory and its phase
diagram, Boltzmann machines, dense associative memories and modern Hopfield
networks, and machine learning of phase transitions — one vocabulary
(spins, couplings, fields, energy, temperature, overlaps, samplers).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
