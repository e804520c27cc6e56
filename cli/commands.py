"""The ``ledger`` group's commands by name, each imported only when it runs or shows its own help.

``ledger --help`` lists them from their summaries here, so it imports no
command's module, and so neither the ledger nor its domain models; running a
command imports its module alone (``ledger timeline`` never builds the
recording commands' options). A test checks each summary against its
command's own help, so the two cannot drift.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import click

from cli.retry import retry_command
from cli.text_input import require_text

SUMMARIES = {
    "actor": "Record people and organisations.",
    "case": "Record cases: one story or investigation, its subjects and notes.",
    "check-proof": (
        "Check a proof offline, with no ledger: its hashes, its checkpoint's signature, which log it names."
    ),
    "checkpoint": "Sign the current tree, store the checkpoint and print it (publish it elsewhere too).",
    "claim": "Record claims, where they appeared, and their reviews.",
    "comment": "Record requests for comment and what came of them.",
    "correct": "Append a correction of entry VERSION of REF; nothing is edited.",
    "demo": "Load the seed story into a fresh ledger, print its two timelines and write its report.",
    "export": "Write the whole log, to move it to another ledger; or what it holds in the field's formats.",
    "import": "Record every entry of a case file (TOML or JSON Lines) at once, or none.",
    "init": "Make a new, empty ledger where --db says (a missing path, or an empty file made on purpose).",
    "keys": "Signer and verifier keys for checkpoints.",
    "list": "List subjects of one kind, with filters.",
    "log": "Print the raw event log in order, streamed, with positions and record times.",
    "post": "Record posts: published, observed, edited, archived, deleted, restored.",
    "projections": (
        "The materialised views behind timelines and lists: where each stands, and rebuilding them."
    ),
    "prove": "Self-contained proofs that a third party checks offline (see check-proof).",
    "redact": "Erase the content of entry VERSION of REF on a legal request; every proof still verifies.",
    "replay": "Replay the log: every event in order with the state of its subject after it.",
    "report": "Write the timeline of REF (a post, claim, request or case) as a report.",
    "search": "Search every text the ledger holds for TEXT: each of its words, ignoring case.",
    "serve": "Serve the ledger read-only over HTTP: timelines, states, lists, the log, search, proofs.",
    "show": "Print the current state of REF (or its state at version N).",
    "source": "Record sources: articles, regulations, statements, captures.",
    "timeline": "Print the timeline of REF: its entries and those of subjects pointing at it.",
    "verify": "Recompute every leaf and root and check every checkpoint; exit 3 at the first failure.",
    "witness": "Run a witness that cosigns checkpoints, or ask one for a cosignature.",
}
"""Each command's summary: the first paragraph of its help."""

_WHERE = {
    "actor": "cli.record:actor",
    "source": "cli.record:source",
    "post": "cli.record:post",
    "case": "cli.record:case",
    "correct": "cli.record:correct",
    "claim": "cli.claims:claim",
    "comment": "cli.claims:comment",
    "timeline": "cli.timeline:timeline",
    "show": "cli.read:show",
    "list": "cli.read:list_group",
    "log": "cli.log:log",
    "replay": "cli.read:replay",
    "projections": "cli.views:projections",
    "report": "cli.report:report",
    "search": "cli.search:search",
    "serve": "cli.serve:serve",
    "import": "cli.importing:import_file",
    "demo": "cli.importing:demo",
    "export": "cli.exchange:export",
    "init": "cli.exchange:init",
}
"""Where each command is defined, as ``module:attribute`` (the integrity commands: by name)."""


def _integrity(name: str) -> click.Command:
    from cli.integrity import INTEGRITY_COMMANDS  # noqa: PLC0415

    (command,) = (command for command in INTEGRITY_COMMANDS if command.name == name)
    return command


def _post() -> click.Command:
    from cli.importing import post_captures  # noqa: PLC0415
    from cli.record import post  # noqa: PLC0415

    post.add_command(post_captures)
    return post


_SPECIAL: dict[str, Callable[[], click.Command]] = {"post": _post}


class LazyCommands:
    """The commands by name: their summaries at once, each command itself on first use."""

    names = frozenset(SUMMARIES)

    def load(self, name: str) -> click.Command:
        """The command ``name``, imported, made to retry on conflict and to check its text options."""
        if name in _SPECIAL:
            command = _SPECIAL[name]()
        elif name in _WHERE:
            module, attribute = _WHERE[name].split(":")
            command = getattr(importlib.import_module(module), attribute)
        else:
            command = _integrity(name)
        retry_command(command)
        require_text(command)
        return command

    def summary(self, name: str, loaded: click.Command | None) -> click.Command:
        """A command to list under ``name``: the one loaded, else a stand-in carrying its summary."""
        return loaded if loaded is not None else click.Command(name, help=SUMMARIES[name])
