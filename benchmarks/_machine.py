"""Machine description printed and stored by every benchmark (shared helper)."""

from __future__ import annotations

import os
import platform
from typing import Any

import numpy as np

import spinnet


def machine_info() -> dict[str, Any]:
    """CPU model, usable cores, load average, thread pools and core versions."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        usable = os.cpu_count()
    threads: dict[str, Any] = {}
    try:
        from threadpoolctl import threadpool_info

        for pool in threadpool_info():
            threads[f"{pool.get('internal_api')}"] = pool.get("num_threads")
    except Exception:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = "n/a"
    return {
        "cpu": cpu, "logical_cpus": os.cpu_count(), "usable_cpus": usable,
        "loadavg_at_start": load, "threads": threads,
        "python": platform.python_version(), "numpy": np.__version__,
        "spinnet": getattr(spinnet, "__version__", "?"), "platform": platform.platform(),
    }
