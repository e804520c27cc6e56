"""``ledger serve``: the read-only HTTP API (:mod:`web`) on uvicorn."""

from __future__ import annotations

import ipaddress

import click

from cli.options import open_ledger, settings


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    click.echo(f"Serving {shown} on http://{host}:{port} (Ctrl-C to stop)", err=True)
    uvicorn.run(create_app(given, version=_version()), host=host, port=port, log_level="warning")
