"""Bad-input corpus of ``spinnet lab``: exit 2 naming the option, no traceback."""

from __future__ import annotations

import socket

import pytest
from tests.cli._bad_input import assert_bad_input

pytest.importorskip("fastapi")


@pytest.mark.parametrize("args, option", [
    (["--port", "-1"], "--port"),
    (["--port", "70000"], "--port"),
    (["--port", "65536"], "--port"),
    (["--port", "abc"], "--port"),
    (["--port", "8.5"], "--port"),
    (["--port", ""], "--port"),
    (["--host", ""], "--host"),
    (["--host", "not a host"], "--host"),
    (["--host", "no-such-host.invalid"], "--host"),
])
def test_bad_lab_options(args, option, tmp_path):
    assert_bad_input(["lab", "--no-browser", *args], option, tmp_path)


def test_port_in_use(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        out = assert_bad_input(["lab", "--no-browser", "--port", str(port)], "--port",
                               tmp_path)
    assert str(port) in out
