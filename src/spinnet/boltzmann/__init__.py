"""Boltzmann machines (PyTorch): RBMs, hidden-unit Boltzmann machines, inverse Ising.

Submodules are imported explicitly, e.g. ``from spinnet.boltzmann.rbm import RBM``.
"""
