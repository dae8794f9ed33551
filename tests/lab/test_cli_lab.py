"""``spinnet lab`` as a user runs it: start-up line, bound address, warning, clean exits,
missing extra."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from tests.lab._server import start_lab_server


def _non_loopback_ip() -> str | None:
    """An address of this host that is not loopback (None if there is none)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))   # UDP: no packet is sent
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


def test_default_binds_loopback_only(lab_server):
    assert lab_server.host == "127.0.0.1"
    assert lab_server.stdout_lines == [f"spinnet lab: {lab_server.url}"]
    assert not any("warning" in line for line in lab_server.stderr_lines)
    with socket.create_connection(("127.0.0.1", lab_server.port), timeout=10):
        pass
    assert httpx.get(lab_server.url + "api/info", timeout=30).status_code == 200
    ip = _non_loopback_ip()
    if ip is not None:   # the same port on another interface of this host: refused
        with pytest.raises(OSError):
            socket.create_connection((ip, lab_server.port), timeout=5).close()


def test_non_loopback_host_warns_about_no_authentication_and_sigterm_stops_it():
    server = start_lab_server("--host", "0.0.0.0")
    try:
        assert server.host == "0.0.0.0"
        time.sleep(0.2)
        warning = " ".join(server.stderr_lines)
        assert "no authentication" in warning, server.stderr_lines
        with socket.create_connection(("127.0.0.1", server.port), timeout=10):
            pass
        r = httpx.get(f"http://127.0.0.1:{server.port}/api/info", timeout=30)
        assert r.status_code == 200
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(30) == 0
    finally:
        server.stop()
    time.sleep(0.2)
    assert not any("Traceback" in line for line in server.stderr_lines), server.stderr_lines


def test_sigint_stops_cleanly():
    server = start_lab_server()
    try:
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(30) == 0
    finally:
        server.stop()
    time.sleep(0.2)
    assert not any("Traceback" in line for line in server.stderr_lines), server.stderr_lines
    assert server.stdout_lines == [f"spinnet lab: {server.url}"]


# Hide the web stack exactly as on a machine without the [lab] extra.
HIDE = """
import sys
class _NoWeb:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"fastapi", "uvicorn"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _NoWeb())
sys.argv = ["spinnet"] + sys.argv[1:]
from spinnet.cli import main
main()
"""


def test_missing_extra_exits_2_naming_it(tmp_path):
    env = {**os.environ, "COLUMNS": "200"}   # one line: no wrapping inside the error box
    proc = subprocess.run([sys.executable, "-c", HIDE, "lab", "--no-browser", "--port", "0"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "pip install 'spinnet[lab]'" in out and "Traceback" not in out
    assert "spinnet lab: http" not in out
