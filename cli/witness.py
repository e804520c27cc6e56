"""The ``ledger witness`` commands: run a witness (C2SP tlog-witness), or ask one to cosign.

``init``, ``add-log`` and ``cosign`` are the witness's side and need no
ledger; ``request`` is the log's side: it prints the ``add-checkpoint``
body for the ledger's latest checkpoint. A refusal to cosign exits 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from cli.keyfiles import read_text, refuse_shared_key, verifier_keys
from cli.options import open_ledger
from domain.errors import InvalidError
from ledger.formats.output import write_text
from ledger.integrity.cosignature import Cosigner
from ledger.integrity.witness import Witness

STATE_HELP = "The witness's state file (the logs it follows, what it last cosigned)."


@click.group("witness")
def witness_group() -> None:
    """Run a witness that cosigns checkpoints, or ask one for a cosignature.

    \b
    Example:
      ledger witness init --name witness.example/w1 --key w1.key --state w1.json
    """


@witness_group.command("init")
@click.option("--name", required=True, help="Witness name, a schema-less URL (witness.example/w1).")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Witness key file.")
@click.option("--state", required=True, type=click.Path(dir_okay=False), help=STATE_HELP)
def init(name: str, key_file: str, state: str) -> None:
    """Create a witness: its Ed25519 cosigner key in FILE (0600) and FILE.pub, and an empty state.

    \b
    Example:
      ledger witness init --name witness.example/w1 --key w1.key --state w1.json
    """
    cosigner = Cosigner.generate(name)
    private, public = Path(key_file), Path(key_file + ".pub")
    for path in (public, Path(state)):
        if path.exists():
            raise InvalidError(f"{path} already exists; not overwriting it")
    Witness.create_state(state)
    # Through the one safe writer (ledger.formats.output): complete or absent, never overwriting.
    write_text(private, cosigner.encode() + "\n", mode=0o600, replace=False, what="key")
    try:
        write_text(public, cosigner.verifier.encode() + "\n", mode=0o644, replace=False, what="key")
    except BaseException:
        private.unlink(missing_ok=True)  # written a moment ago: a retry must not trip on it
        raise
    click.echo(f"witness key: {private} (keep it secret)")
    click.echo(f"verifier key: {public}: {cosigner.verifier.encode()}")


@witness_group.command("add-log")
@click.option("--state", required=True, type=click.Path(dir_okay=False), help=STATE_HELP)
@click.option("--origin", required=True, help="The log's origin line.")
@click.option(
    "--log-key", "log_keys", multiple=True, required=True, help="The log's verifier key; repeatable."
)
def add_log(state: str, origin: str, log_keys: Sequence[str]) -> None:
    """Follow a log: cosign its checkpoints when signed by one of its keys.

    \b
    Example:
      ledger witness add-log --state w1.json --origin provenance-ledger/5f0c... --log-key newsroom.key.pub
    """
    Witness(None, state).add_log(origin, verifier_keys(log_keys))
    click.echo(f"following {origin!r}")


@witness_group.command("cosign")
@click.argument("request", type=click.Path(dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Witness key file.")
@click.option("--state", required=True, type=click.Path(dir_okay=False), help=STATE_HELP)
def cosign(request: str, key_file: str, state: str) -> None:
    """Check an add-checkpoint REQUEST and print the cosignature; refuse rollbacks and forks (exit 3).

    \b
    Example:
      ledger witness cosign request.txt --key w1.key --state w1.json > w1.cosig
    """
    cosigner = Cosigner.parse(read_text(key_file, "witness key"))
    refuse_shared_key(key_file, "witness key")
    witness = Witness(cosigner, state)
    click.echo(witness.cosign(read_text(request, "add-checkpoint request")), nl=False)


@witness_group.command("request")
@click.option(
    "--old",
    "old_size",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="The size the witness last cosigned for this log.",
)
def request(old_size: int) -> None:
    """Print the add-checkpoint request for the latest checkpoint, with a proof from --old.

    \b
    Example:
      ledger witness request --old 42 > request.txt
    """
    click.echo(open_ledger().witness_request(old_size), nl=False)
