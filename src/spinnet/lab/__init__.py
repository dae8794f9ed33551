"""spinnet lab: the lectures' demos, live in the browser.

A FastAPI application (:func:`create_app`) with one WebSocket session per panel
(Hopfield memory, RBM, Ising lattice, AGS phase diagram) and a static front end
shipped in ``spinnet/lab/static``; :func:`serve` runs it on uvicorn. All physics
is spinnet's library; the protocol is ``docs/lab-protocol.md``. Needs the
``[lab]`` extra (``pip install 'spinnet[lab]'``).
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["bind_socket", "create_app", "format_url", "is_loopback", "serve"]


def create_app(**kwargs: Any) -> Any:
    """Build the lab's FastAPI app (see :func:`spinnet.lab.app.create_app`).

    Parameters
    ----------
    **kwargs
        Keyword arguments of :func:`spinnet.lab.app.create_app`
        (``frame_interval``, ``static_dir``, ``prewarm``).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    spinnet._optional.MissingExtraError
        When the ``[lab]`` extra is not installed.
    """
    from spinnet._optional import require_lab

    require_lab()
    from spinnet.lab.app import create_app as _create

    return _create(**kwargs)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (``localhost``, 127.0.0.0/8, ``::1``).

    Parameters
    ----------
    host : str
        Host name or IP address literal.

    Returns
    -------
    bool
        False for any other name or address (names other than ``localhost``
        are not resolved).
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def format_url(host: str, port: int) -> str:
    """``http://HOST:PORT/`` (IPv6 literals in brackets).

    Parameters
    ----------
    host : str
        Host name or IP address.
    port : int
        TCP port.

    Returns
    -------
    str
    """
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``(host, port)`` (``port = 0``: a free port).

    Parameters
    ----------
    host : str
        Address to bind (name or IP literal).
    port : int
        TCP port; 0 lets the system choose a free one.

    Returns
    -------
    socket.socket
        Bound, listening (backlog 128) and inheritable, with ``SO_REUSEADDR``.

    Raises
    ------
    OSError
        If the address cannot be resolved or bound.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          ready: Callable[[str], None] | None = None, **app_options: Any) -> None:
    """Serve the lab on ``host:port`` until SIGINT/SIGTERM.

    Binds first, then prints exactly one line ``spinnet lab: http://HOST:PORT/``
    to stdout (flushed; ``PORT`` is the bound port, also for ``port = 0``),
    calls ``ready(url)``, optionally opens the default browser, and runs
    uvicorn (WebSocket messages limited to 1 MB). A non-loopback ``host``
    prints a warning to stderr: the lab has no authentication.

    Parameters
    ----------
    host : str
        Interface to bind (default loopback only).
    port : int
        TCP port, ``0`` for a free one.
    open_browser : bool
        Open the page in the default browser once listening.
    ready : callable, optional
        Called with the URL once the socket listens.
    **app_options
        Passed to :func:`create_app`.
    """
    app = create_app(**app_options)
    import uvicorn

    from spinnet.lab.schemas import LIMITS

    sock = bind_socket(host, port)
    config = uvicorn.Config(app, log_level="warning", ws_max_size=LIMITS["message_bytes_max"],
                            timeout_graceful_shutdown=2, lifespan="off")
    server = uvicorn.Server(config)

    def stop(signum: int, frame: Any) -> None:
        server.should_exit = True

    # From here on SIGINT/SIGTERM mean "shut down cleanly", also before uvicorn installs
    # its own handlers (and when it re-raises the captured signal after shutting down).
    saved = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            saved[sig] = signal.signal(sig, stop)
    try:
        bound_host, bound_port = sock.getsockname()[:2]
        url = format_url(host if host not in ("", "0.0.0.0", "::") else bound_host,
                         bound_port)
        if not is_loopback(host):
            print(f"warning: spinnet lab has no authentication; anyone who can reach "
                  f"{format_url(host, bound_port)} can use it and run computations on this "
                  "machine. Bind 127.0.0.1 (the default) unless you mean it.",
                  file=sys.stderr, flush=True)
        print(f"spinnet lab: {url}", flush=True)
        if ready is not None:
            ready(url)
        if open_browser:
            import webbrowser

            local = url if is_loopback(host) or host not in ("0.0.0.0", "::") else \
                format_url("127.0.0.1", bound_port)
            threading.Timer(0.5, webbrowser.open, args=(local,)).start()
        server.run(sockets=[sock])
    finally:
        sock.close()
        for sig, handler in saved.items():
            signal.signal(sig, handler)
