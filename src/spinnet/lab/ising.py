"""``/ws/ising``: a live square-lattice Ising model (Metropolis, heat bath, Wolff).

The lattice is :class:`spinnet.models.SquareIsing` (optionally anisotropic, with a
diagonal coupling), moved by :class:`spinnet.samplers.Metropolis`,
:class:`~spinnet.samplers.HeatBath` or :class:`~spinnet.samplers.Wolff`; the
critical temperature is Houtappel's (Onsager's when isotropic).
"""

from __future__ import annotations

import time
from typing import Any

from spinnet.lab.codec import encode_bits
from spinnet.lab.session import CommandError, Session, run_in_thread

__all__ = ["IsingSession"]


def _sampler(name: str) -> Any:
    from spinnet.samplers import HeatBath, Metropolis, Wolff

    return {"metropolis": Metropolis, "heat_bath": HeatBath, "wolff": Wolff}[name]()


class IsingSession(Session):
    """One lattice per socket; ``set`` changes T or the algorithm of a running chain.

    Parameters
    ----------
    *args, **kwargs
        Those of :class:`~spinnet.lab.session.Session` (``websocket``,
        ``frame_interval``).
    """

    panel = "ising"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = None
        self.state = None
        self.T = 2.269
        self.algorithm = "metropolis"
        self.T_c = float("nan")

    def _ensure(self) -> None:
        if self.model is None:
            raise CommandError("type", "send 'configure' first")

    async def cmd_configure(self, msg: Any) -> dict[str, Any]:
        from spinnet.theory.ising import houtappel_tc

        if min(msg.Jh + msg.Jv, msg.Jv + msg.Jd, msg.Jd + msg.Jh) <= 0:
            raise CommandError("Jd", "couplings must satisfy Jh+Jv > 0, Jv+Jd > 0 and "
                                     f"Jd+Jh > 0 (a ferromagnetic T_c); got Jh={msg.Jh}, "
                                     f"Jv={msg.Jv}, Jd={msg.Jd}")

        def build() -> dict[str, Any]:
            from spinnet.models import SquareIsing

            model = SquareIsing(msg.L, J_h=msg.Jh, J_v=msg.Jv, J_d=msg.Jd)
            sampler = _sampler(msg.algorithm)
            state = sampler.init(model, msg.T, rng=msg.seed, start=msg.start)
            with self.lock:
                self.model, self.state = model, state
                self.T, self.algorithm = msg.T, msg.algorithm
                self.T_c = float(houtappel_tc(msg.Jh, msg.Jv, msg.Jd))
            return {"L": msg.L, "T_c": self.T_c}

        result = await run_in_thread(build)
        self.post(self._frame())
        return result

    def _frame(self) -> dict[str, Any]:
        with self.lock:
            st, L, T = self.state, self.model.L, self.T
        n = st.n_spins
        return {"type": "frame", "sweep": int(st.n_sweeps),
                "state": encode_bits(st.spins[0].reshape(L, L)),
                "energy": float(st.energy[0]) / n, "abs_m": abs(int(st.magnetization[0])) / n,
                "T": T}

    async def cmd_start(self, msg: Any) -> None:
        self._ensure()
        per_frame = msg.sweeps_per_frame

        def job() -> dict[str, Any]:
            algorithm = None
            sampler = None
            while not self.cancelled.is_set():
                t0 = time.monotonic()
                with self.lock:
                    if algorithm != self.algorithm:
                        algorithm = self.algorithm
                        sampler = _sampler(algorithm)
                    self.state.beta[:] = 1.0 / self.T
                    state = self.state
                state, _ = sampler.run(self.model, state, per_frame, measure_every=per_frame)
                with self.lock:
                    self.state = state
                self.emit(self._frame(), key="frame")
                self.pace(t0)
            return {"sweep": int(self.state.n_sweeps)}

        await self.start_job("start", job)

    async def cmd_set(self, msg: Any) -> dict[str, Any]:
        with self.lock:
            if msg.T is not None:
                self.T = msg.T
            if msg.algorithm is not None:
                self.algorithm = msg.algorithm
            return {"T": self.T, "algorithm": self.algorithm}

    def free(self) -> None:
        super().free()
        self.model = self.state = None

