"""The integrity commands: keys, checkpoint, verify, prove, check-proof.

Each opens the ledger (never creating one), calls one ``Ledger`` method and
prints its result; ``check-proof`` needs no ledger at all. A
:class:`VerificationError` exits 3 (see ``cli.main``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from cli.keyfiles import read_bytes, read_signer, read_text, verifier_keys, witness_verifiers
from cli.options import open_ledger
from cli.render import Format, echo_json, output_options, say
from cli.witness import witness_group
from domain.errors import InvalidError, MalformedProofError
from ledger.facade import Ledger
from ledger.formats.output import write_text
from ledger.integrity.api import DEFAULT_KEY_NAME
from ledger.integrity.proofs import check_proof

WITNESS_KEY_HELP = "Witness verifier key (file or text), whose cosignature is required; repeatable."
MIN_WITNESSES_HELP = "How many of the --witness-key witnesses must have cosigned (default: all)."


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
    write_text(private, signer.encode() + "\n", mode=0o600, replace=False, what="key")
    try:
        write_text(public, signer.verifier.encode() + "\n", mode=0o644, replace=False, what="key")
    except BaseException:
        private.unlink(missing_ok=True)  # written by us a moment ago: a retry must not trip on it
        raise
    click.echo(f"signer key: {private} (keep it secret)\nverifier key: {public}: {signer.verifier.encode()}")


@click.command("checkpoint")
@click.option("--key", "key_file", type=click.Path(dir_okay=False), help="Signer key file.")
@click.option(
    "--cosignatures",
    "cosignatures_file",
    type=click.Path(dir_okay=False),
    help="Witness cosignature lines to store with the latest checkpoint (needs --witness-key).",
)
@click.option("--witness-key", "witness_keys", multiple=True, help="Witness verifier key; repeatable.")
def checkpoint(key_file: str | None, cosignatures_file: str | None, witness_keys: Sequence[str]) -> None:
    """Sign the current tree, store the checkpoint and print it (publish it elsewhere too).

    With --cosignatures, store a witness's cosignatures (the lines `ledger
    witness cosign` printed) beside the latest checkpoint's signature instead,
    and print the cosigned checkpoint.

    \b
    Example:
      ledger checkpoint --key newsroom.key > checkpoint-42.txt
      ledger checkpoint --cosignatures w1.txt --witness-key w1.pub
    """
    if (key_file is None) == (cosignatures_file is None):
        raise click.UsageError("give either --key (to sign) or --cosignatures (to add cosignatures)")
    if cosignatures_file is not None:
        if not witness_keys:
            raise click.UsageError("--cosignatures needs the --witness-key of each witness")
        lines = read_text(cosignatures_file, "cosignatures")
        cosigned = open_ledger().add_cosignatures(lines, witness_verifiers(witness_keys))
        click.echo(cosigned.note, nl=False)
        return
    signer = read_signer(str(key_file))
    click.echo(open_ledger().checkpoint(signer).note, nl=False)


@click.command("verify")
@output_options(nl=False)
@click.option("--key", "keys", multiple=True, help="Verifier key (file or text); repeatable.")
@click.option(
    "--trusted", type=click.Path(dir_okay=False), help="A checkpoint you kept, which the ledger must extend."
)
@click.option("--witness-key", "witness_keys", multiple=True, help=WITNESS_KEY_HELP)
@click.option("--min-witnesses", type=click.IntRange(min=0), help=MIN_WITNESSES_HELP)
def verify(
    keys: Sequence[str],
    trusted: str | None,
    witness_keys: Sequence[str],
    min_witnesses: int | None,
    fmt: Format,
) -> None:
    """Recompute every leaf and root and check every checkpoint; exit 3 at the first failure.

    With --witness-key, the latest checkpoint must also carry valid
    cosignatures by --min-witnesses of those witnesses.

    \b
    Example:
      ledger verify --key newsroom.key.pub --trusted checkpoint-42.txt
      ledger verify --key newsroom.key.pub --witness-key w1.pub --witness-key w2.pub --min-witnesses 1
    """
    verifiers = verifier_keys(keys)
    witnesses = witness_verifiers(witness_keys)
    if min_witnesses is not None and min_witnesses > len(witnesses):
        raise click.UsageError(f"--min-witnesses {min_witnesses} is more than the {len(witnesses)} given")
    note = None if trusted is None else read_text(trusted, "trusted checkpoint")
    report = open_ledger().verify(
        keys=verifiers, trusted=note, witnesses=witnesses, min_witnesses=min_witnesses
    )
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
@click.option(
    "--key", "keys", multiple=True, help="Verifier key (file or text) the checkpoint must be signed by."
)
def prove_inclusion(ref: str, version: int | None, checkpoint_file: str | None, keys: Sequence[str]) -> None:
    """Print a JSON proof that an entry of REF is in the signed log.

    Against --checkpoint, else the latest stored checkpoint, else the current tree.

    \b
    Example:
      ledger prove inclusion post/labour-linkedin-invite --version 2 > proof.json
    """
    note = None if checkpoint_file is None else read_text(checkpoint_file, "checkpoint")
    proof = open_ledger().prove_inclusion(ref, version, note, keys=verifier_keys(keys))
    click.echo(proof.to_json(), nl=False)


@prove_group.command("consistency")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--key", "keys", multiple=True, help="Verifier key (file or text) the checkpoints must be signed by."
)
def prove_consistency(old: str, new: str | None, keys: Sequence[str]) -> None:
    """Print a JSON proof that the log of checkpoint OLD is a prefix of NEW (default: the latest).

    \b
    Example:
      ledger prove consistency checkpoint-42.txt checkpoint-90.txt > proof.json
    """
    old_note = read_text(old, "checkpoint")
    new_note = None if new is None else read_text(new, "checkpoint")
    proof = open_ledger().prove_consistency(old_note, new_note, keys=verifier_keys(keys))
    click.echo(proof.to_json(), nl=False)


@click.command("check-proof")
@output_options(nl=False)
@click.argument("proof", type=click.Path(dir_okay=False))
@click.option("--key", "keys", multiple=True, required=True, help="Verifier key (file or text); repeatable.")
@click.option("--origin", help="The log the proof must be of (its checkpoint's origin line).")
@click.option(
    "--trusted",
    type=click.Path(dir_okay=False),
    help="A checkpoint you kept: the proof must be of its log (and agree with it at its size).",
)
@click.option("--witness-key", "witness_keys", multiple=True, help=WITNESS_KEY_HELP)
@click.option("--min-witnesses", type=click.IntRange(min=0), help=MIN_WITNESSES_HELP)
def check_proof_command(  # noqa: PLR0917 (click passes every option by keyword)
    proof: str,
    keys: Sequence[str],
    origin: str | None,
    trusted: str | None,
    witness_keys: Sequence[str],
    min_witnesses: int | None,
    fmt: Format,
) -> None:
    """Check a proof offline, with no ledger: its hashes, its checkpoint's signature, which log it names.

    Any proof that does not verify, whichever part of it is broken, exits 3.

    \b
    Example:
      ledger check-proof proof.json --key newsroom.key.pub --origin provenance-ledger/5f0c...
    """
    witnesses = witness_verifiers(witness_keys)
    if min_witnesses is not None and min_witnesses > len(witnesses):
        raise click.UsageError(f"--min-witnesses {min_witnesses} is more than the {len(witnesses)} given")
    kept = None if trusted is None else read_text(trusted, "trusted checkpoint")
    data = read_bytes(proof, "proof")  # bytes: a proof that is not UTF-8 is a broken proof (exit 3)
    verifiers = verifier_keys(keys)
    try:
        result = check_proof(
            data, verifiers, origin=origin, trusted=kept, witnesses=witnesses, min_witnesses=min_witnesses
        )
    except MalformedProofError as error:
        raise MalformedProofError(f"{proof}: {error}") from None
    if fmt == "json":
        echo_json(result.as_json())
    else:
        say(result.summary())


@click.command("redact")
@output_options(nl=False)
@click.argument("ref")
@click.option("--version", required=True, type=click.IntRange(min=1), help="The entry (version of REF).")
@click.option("--reason", required=True, help="Why (the legal request), shown where the content was.")
def redact(ref: str, version: int, reason: str, fmt: Format) -> None:
    """Erase the content of entry VERSION of REF on a legal request; every proof still verifies.

    Its text and salt are erased, the views purged, and a redaction event
    records who, when and why; see docs/auditing.md for what this proves.

    \b
    Example:
      ledger redact post/jane-first --version 1 --reason "erasure request 2024-117"
    """
    done = open_ledger().redact(ref, version=version, reason=reason)
    if fmt == "json":
        echo_json(
            {
                "ref": done.ref,
                "version": done.version,
                "position": done.position,
                "event_position": done.event_position,
                "content_sha256": done.content_sha256,
            }
        )
    else:
        click.echo(
            f"redacted {done.ref} v{done.version} (position {done.position}); "
            f"redaction event at position {done.event_position}"
        )


INTEGRITY_COMMANDS: list[click.Command] = [
    keys_group,
    witness_group,
    checkpoint,
    redact,
    verify,
    prove_group,
    check_proof_command,
]
