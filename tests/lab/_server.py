"""The lab server as a subprocess, shared by tests/lab and tests/browser.

:func:`start_lab_server` runs ``python -m spinnet lab --no-browser --port 0`` with
one thread per numeric library, reads the startup line
``spinnet lab: http://HOST:PORT/`` and returns a :class:`LabServer`;
:func:`lab_server_fixture` is the session-scoped pytest fixture body (import it
from a conftest: ``lab_server = pytest.fixture(scope="session")(lab_server_fixture)``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["LabServer", "lab_server_fixture", "process_cpu_seconds", "start_lab_server"]

URL_LINE = re.compile(r"^spinnet lab: (http://(\S+):(\d+)/)$")


@dataclass
class LabServer:
    """A running lab server process."""

    url: str
    host: str
    port: int
    process: subprocess.Popen
    stderr_lines: list[str] = field(default_factory=list)
    stdout_lines: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[len("http"):]

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, wait; SIGKILL if it does not exit. Returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                "OPENBLAS_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_lab_server(*args: str, timeout: float = 120.0) -> LabServer:
    """Start ``spinnet lab --no-browser --port 0 *args`` and wait for its URL line.

    Raises
    ------
    RuntimeError
        If the process exits or prints no URL line within ``timeout`` seconds
        (its output is in the message).
    """
    cmd = [sys.executable, "-m", "spinnet", "lab", "--no-browser", "--port", "0", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env())
    out: list[str] = []
    err: list[str] = []
    found: list[re.Match] = []
    got = threading.Event()

    def read_out() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.append(line.rstrip("\n"))
            m = URL_LINE.match(line.rstrip("\n"))
            if m and not found:
                found.append(m)
                got.set()
        got.set()

    def read_err() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            err.append(line.rstrip("\n"))

    threading.Thread(target=read_out, daemon=True).start()
    threading.Thread(target=read_err, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not got.wait(0.1):
        if time.monotonic() > deadline or proc.poll() is not None:
            break
    if not found:
        proc.kill()
        proc.wait()
        time.sleep(0.2)
        raise RuntimeError("spinnet lab did not print its URL line:\nstdout:\n"
                           + "\n".join(out) + "\nstderr:\n" + "\n".join(err))
    m = found[0]
    return LabServer(url=m.group(1), host=m.group(2), port=int(m.group(3)), process=proc,
                     stderr_lines=err, stdout_lines=out)


def lab_server_fixture() -> Iterator[LabServer]:
    """Body of the session-scoped ``lab_server`` fixture: a server for the whole run."""
    server = start_lab_server()
    try:
        yield server
    finally:
        server.stop()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as fh:
        text = fh.read()
    fields = text[text.rindex(")") + 2:].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14, 15)
