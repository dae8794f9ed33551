"""Samplers: how a spin model moves.

Single-spin :class:`Metropolis` and :class:`HeatBath` (checkerboard, random
or sequential order), cluster updates :class:`Wolff` and
:class:`SwendsenWang`, :class:`ParallelTempering`, simulated annealing
(:func:`anneal`), the multi-spin-coded :class:`MultispinMetropolis`, and the
convenience :func:`simulate`. See ``docs/samplers.md``.
"""

from spinnet.samplers.annealing import AnnealResult, anneal, temperature_schedule
from spinnet.samplers.base import ChainState, Sampler, Trace
from spinnet.samplers.cluster import SwendsenWang, Wolff
from spinnet.samplers.local import HeatBath, Metropolis, SingleSpinSampler
from spinnet.samplers.multispin import MultispinMetropolis, MultispinState
from spinnet.samplers.simulate import ALGORITHMS, simulate
from spinnet.samplers.tempering import ParallelTempering, TemperingState, TemperingTrace

__all__ = [
    "ALGORITHMS",
    "AnnealResult",
    "ChainState",
    "HeatBath",
    "Metropolis",
    "MultispinMetropolis",
    "MultispinState",
    "ParallelTempering",
    "Sampler",
    "SingleSpinSampler",
    "SwendsenWang",
    "TemperingState",
    "TemperingTrace",
    "Trace",
    "Wolff",
    "anneal",
    "simulate",
    "temperature_schedule",
]
