"""``ledger serve``: the read-only HTTP API (:mod:`web`) on uvicorn."""

from __future__ import annotations

import errno
import ipaddress
import socket

import click

from cli.options import open_ledger, settings


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port``; one clear error (exit 1) when it cannot be had."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not a live listener's port
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        why = "address already in use" if error.errno == errno.EADDRINUSE else str(error.strerror or error)
        raise click.ClickException(f"cannot listen on {host}:{port}: {why.lower()}") from None
    sock.set_inheritable(True)
    return sock


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port.")
@click.option("--public", is_flag=True, help="Allow listening on an address other than loopback.")
def serve(host: str, port: int, public: bool) -> None:
    """Serve the ledger read-only over HTTP: timelines, states, lists, the log, search, proofs.

    Every subject has Memento (RFC 7089) time travel: /timemap/KIND/SLUG and
    /timegate/KIND/SLUG. The OpenAPI document is at /openapi.json. Listens on
    loopback only unless --public; stop it with Ctrl-C.

    \b
    Example:
      ledger serve --port 8000
      ledger --db story.db serve --host 0.0.0.0 --public
    """
    if not _loopback(host) and not public:
        raise click.UsageError(f"--host {host} is not a loopback address: add --public to serve it")
    import uvicorn  # noqa: PLC0415  (only when serving)

    from cli.main import _version  # noqa: PLC0415
    from web import create_app  # noqa: PLC0415

    # Open (and close) it first: a missing ledger is one clear error, before anything listens.
    # The URL as given (the ledger's own ``url`` hides passwords), opened once first: a missing
    # ledger is one clear error before anything listens.
    given = settings().db
    shown = open_ledger(db=given).url
    app = create_app(given, version=_version())
    # The socket is bound here, not by uvicorn: a port in use is one line and exit 1 (uvicorn
    # logs it and exits 3, the code for a ledger that does not verify), and "Serving" is said
    # only once it listens (with the port the system chose for --port 0).
    listening = _listen(host, port)
    with listening:
        url_host = f"[{host}]" if ":" in host else host
        click.echo(
            f"Serving {shown} on http://{url_host}:{listening.getsockname()[1]} (Ctrl-C to stop)", err=True
        )
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        server.run(sockets=[listening])
