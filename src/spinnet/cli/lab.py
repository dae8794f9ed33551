"""``spinnet lab``: serve the browser lab (Hopfield memory, RBM, Ising, AGS phase diagram).

Parse and check the options, then hand over to :func:`spinnet.lab.serve`, which
binds, prints ``spinnet lab: http://HOST:PORT/`` and serves until Ctrl-C. The
web stack (FastAPI, uvicorn) is the ``[lab]`` extra, imported only here.
"""

from __future__ import annotations

import errno

import typer

from spinnet.cli._common import fail

__all__ = ["lab"]


def lab(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Interface to bind. The default serves this machine only; "
                                  "any other address is reachable from the network and the "
                                  "lab has no authentication (a warning is printed)."),
    port: int = typer.Option(8765, "--port",
                             help="TCP port (0..65535; 0 picks a free port)."),
    no_browser: bool = typer.Option(False, "--no-browser",
                                    help="Do not open the default browser."),
) -> None:
    r"""Serve the spinnet lab in the browser: the lectures' demos, live, with theory alongside.

    Prints one line `spinnet lab: http://HOST:PORT/` once listening and serves until
    Ctrl-C. Needs the lab extra: pip install 'spinnet\[lab]'.
    """
    from spinnet._optional import require_lab

    if not 0 <= port <= 65535:
        fail(f"must be a TCP port in 0..65535; got {port}", "--port")
    if not host or any(c.isspace() for c in host):
        fail(f"must be a host name or IP address; got {host!r}", "--host")
    require_lab()
    from spinnet.lab import serve

    started = []
    try:
        serve(host=host, port=port, open_browser=not no_browser,
              ready=lambda url: started.append(url))
    except OSError as exc:
        if started:
            raise
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            fail(f"cannot listen on port {port}: {exc.strerror}", "--port")
        fail(f"cannot bind {host!r}: {exc.strerror or exc}", "--host")
