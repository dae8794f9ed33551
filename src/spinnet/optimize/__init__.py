"""Combinatorial optimisation with neural networks and its classical baselines (TSP)."""

from spinnet.optimize.tsp import (
    HT_PARAMETERS,
    AnnealTourResult,
    HopfieldTankParameters,
    HopfieldTankResult,
    anneal_tour,
    brute_force,
    decode_tour,
    distance_matrix,
    held_karp,
    hopfield_tank,
    hopfield_tank_network,
    random_cities,
    tour_length,
    two_opt,
)

__all__ = [
    "HT_PARAMETERS",
    "AnnealTourResult",
    "HopfieldTankParameters",
    "HopfieldTankResult",
    "anneal_tour",
    "brute_force",
    "decode_tour",
    "distance_matrix",
    "held_karp",
    "hopfield_tank",
    "hopfield_tank_network",
    "random_cities",
    "tour_length",
    "two_opt",
]
