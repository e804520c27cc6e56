"""The integrity commands: keys, checkpoint, verify, prove, check-proof.

Each opens the ledger (never creating one), calls one ``Ledger`` method and
prints its result; ``check-proof`` needs no ledger at all. A
:class:`VerificationError` exits 3 (see ``cli.main``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from cli.options import open_ledger
from cli.render import Format, echo_json, output_options, say
from domain.errors import InvalidError
from ledger.facade import Ledger
from ledger.integrity.api import DEFAULT_KEY_NAME
from ledger.integrity.note import Signer, Verifier
from ledger.integrity.proofs import check_proof


def _read(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidError(
            f"cannot read {what} {path}: {getattr(error, 'strerror', None) or error}"
        ) from None


def _verifiers(keys: Sequence[str]) -> list[Verifier]:
    """Verifier keys from files, or given literally."""
    verifiers = []
    for key in keys:
        if Path(key).is_file():
            try:
                verifiers.append(Verifier.parse(_read(key, "verifier key")))
            except InvalidError as error:
                raise InvalidError(f"{key}: {error}") from None
        elif "+" in key:
            verifiers.append(Verifier.parse(key))
        else:
            raise InvalidError(f"--key {key}: no such file, and not a verifier key")
    return verifiers


def _write_new(path: Path, text: str, mode: int) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise InvalidError(f"{path} already exists; not overwriting a key") from None
    except OSError as error:
        raise InvalidError(f"cannot write {path}: {error.strerror}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


@click.group("keys")
def keys_group() -> None:
    """Signer and verifier keys for checkpoints.

    \b
    Example:
      ledger keys generate --name newsroom --out newsroom.key
    """


@keys_group.command("generate")
@click.option("--name", default=DEFAULT_KEY_NAME, show_default=True, help="Key name, shown in signatures.")
@click.option(
    "--out",
    "out",
    default="ledger.key",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Signer key file.",
)
def generate_key(name: str, out: str) -> None:
    """Create an Ed25519 key pair: the signer key in FILE (mode 0600), the verifier in FILE.pub.

    \b
    Example:
      ledger keys generate --name newsroom --out newsroom.key
    """
    signer = Ledger.generate_key(name)
    private, public = Path(out), Path(out + ".pub")
    if public.exists():
        raise InvalidError(f"{public} already exists; not overwriting a key")
    _write_new(private, signer.encode() + "\n", 0o600)
    _write_new(public, signer.verifier.encode() + "\n", 0o644)
    click.echo(f"signer key: {private} (keep it secret)\nverifier key: {public}: {signer.verifier.encode()}")


@click.command("checkpoint")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Signer key file.")
def checkpoint(key_file: str) -> None:
    """Sign the current tree, store the checkpoint and print it (publish it elsewhere too).

    \b
    Example:
      ledger checkpoint --key newsroom.key > checkpoint-42.txt
    """
    signer = Signer.parse(_read(key_file, "signer key"))
    click.echo(open_ledger().checkpoint(signer).note, nl=False)


@click.command("verify")
@output_options(nl=False)
@click.option("--key", "keys", multiple=True, help="Verifier key (file or text); repeatable.")
@click.option(
    "--trusted", type=click.Path(dir_okay=False), help="A checkpoint you kept, which the ledger must extend."
)
def verify(keys: Sequence[str], trusted: str | None, fmt: Format) -> None:
    """Recompute every leaf and root and check every checkpoint; exit 3 at the first failure.

    \b
    Example:
      ledger verify --key newsroom.key.pub --trusted checkpoint-42.txt
    """
    verifiers = _verifiers(keys)
    note = None if trusted is None else _read(trusted, "trusted checkpoint")
    report = open_ledger().verify(keys=verifiers, trusted=note)
    if fmt == "json":
        echo_json(report.as_json())
    else:
        say(report.summary())


@click.group("prove")
def prove_group() -> None:
    """Self-contained proofs that a third party checks offline (see check-proof).

    \b
    Example:
      ledger prove inclusion post/labour-linkedin-invite > proof.json
    """


@prove_group.command("inclusion")
@click.argument("ref")
@click.option("--version", type=click.IntRange(min=1), help="Entry version (default: the latest).")
@click.option(
    "--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False), help="Checkpoint to prove against."
)
def prove_inclusion(ref: str, version: int | None, checkpoint_file: str | None) -> None:
    """Print a JSON proof that an entry of REF is in the signed log.

    Against --checkpoint, else the latest stored checkpoint, else the current tree.

    \b
    Example:
      ledger prove inclusion post/labour-linkedin-invite --version 2 > proof.json
    """
    note = None if checkpoint_file is None else _read(checkpoint_file, "checkpoint")
    click.echo(open_ledger().prove_inclusion(ref, version, note).to_json(), nl=False)


@prove_group.command("consistency")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", required=False, type=click.Path(dir_okay=False))
def prove_consistency(old: str, new: str | None) -> None:
    """Print a JSON proof that the log of checkpoint OLD is a prefix of NEW (default: the latest).

    \b
    Example:
      ledger prove consistency checkpoint-42.txt checkpoint-90.txt > proof.json
    """
    old_note = _read(old, "checkpoint")
    new_note = None if new is None else _read(new, "checkpoint")
    click.echo(open_ledger().prove_consistency(old_note, new_note).to_json(), nl=False)


@click.command("check-proof")
@output_options(nl=False)
@click.argument("proof", type=click.Path(dir_okay=False))
@click.option("--key", "keys", multiple=True, required=True, help="Verifier key (file or text); repeatable.")
def check_proof_command(proof: str, keys: Sequence[str], fmt: Format) -> None:
    """Check a proof offline, with no ledger: its hashes and its checkpoint's signature.

    \b
    Example:
      ledger check-proof proof.json --key newsroom.key.pub
    """
    result = check_proof(_read(proof, "proof"), _verifiers(keys))
    if fmt == "json":
        echo_json(result.as_json())
    else:
        say(result.summary())


COMMANDS: list[click.Command] = [
    keys_group,
    checkpoint,
    verify,
    prove_group,
    check_proof_command,
]


def register(group: click.Group) -> None:
    """Add the integrity commands to the ``ledger`` group."""
    for command in COMMANDS:
        group.add_command(command)
