"""``/ws/phase``: Glauber dynamics of a Hebbian network at a point of the AGS (α, T) plane.

``round(α N)`` random patterns are stored with the Hebb rule
(:class:`spinnet.hopfield.HopfieldNetwork`), the chain starts at pattern 1 and
runs heat-bath sweeps at ``T``; the overlap with pattern 1 is streamed and its
late-time mean is compared with the AGS retrieval overlap
(:func:`spinnet.experiments.lab.phase_region`).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from spinnet.lab.session import Session

__all__ = ["PhaseSession"]


class PhaseSession(Session):
    """One run at a time; a new ``run`` replaces the previous one.

    Parameters
    ----------
    websocket : starlette.websockets.WebSocket
        The accepted socket of this session.
    frame_interval : float, default 0.016
        Least time in seconds between two frames (see
        :class:`~spinnet.lab.session.Session`).
    """

    panel = "phase"

    async def cmd_run(self, msg: Any) -> None:
        def job() -> dict[str, Any]:
            from spinnet.experiments.lab import phase_region
            from spinnet.hopfield import HopfieldNetwork
            from spinnet.spins import random_patterns

            gen = np.random.default_rng(msg.seed)
            N = msg.N
            p = max(1, round(msg.alpha * N))
            region, m_theory, T_M = phase_region(p / N, msg.T)  # the load actually run
            if self.cancelled.is_set():   # the set-up steps are not interruptible:
                return {"m_final": None, "m_theory": m_theory, "T_M": T_M,  # check between
                        "region": region, "sweeps": 0, "p": p, "N": N, "alpha": p / N}
            xi = random_patterns(p, N, rng=gen)
            net = HopfieldNetwork(rule="hebbian").fit(xi)
            dynamics = "glauber" if msg.T > 0 else "async"
            s = xi[0].copy()
            ms = []
            self.emit({"type": "overlap", "sweep": 0, "m": 1.0})
            for sweep in range(1, msg.max_sweeps + 1):
                if self.cancelled.is_set():
                    break
                t0 = time.monotonic()
                s = net.recall(s, dynamics=dynamics, temperature=msg.T, max_sweeps=1, rng=gen)
                m = float(xi[0].astype(np.float64) @ s) / N
                ms.append(m)
                self.emit({"type": "overlap", "sweep": sweep, "m": m})
                self.pace(t0)
            tail = ms[-max(1, len(ms) // 5):] if ms else [1.0]
            return {"m_final": float(np.mean(tail)), "m_theory": m_theory, "T_M": T_M,
                    "region": region, "sweeps": len(ms), "p": p, "N": N,
                    "alpha": p / N}

        await self.start_job("run", job)
