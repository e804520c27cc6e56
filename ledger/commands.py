"""The recording commands by name, with their fields: the vocabulary of case files.

A case file names each entry's command as the CLI does (``post publish``)
and gives its fields under the CLI's option names (``deleted-by``, ``in``,
``source``); ``ref`` is the subject the command records. Each command maps
to one :class:`ledger.Ledger` method and each field to one of its keywords.

>>> COMMANDS["post delete"].method
'delete_post'
>>> [field.name for field in COMMANDS["post delete"].fields]
['ref', 'at', 'deleted-by', 'source', 'note']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "ref", "refs", "texts", "when", "count"]
"""How a field's value is read: one text or reference, a list of them, a world time, a number."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a command: its name in case files and on the CLI, and the API keyword."""

    name: str
    type: FieldType
    keyword: str
    required: bool = False


@dataclass(frozen=True)
class CommandSpec:
    """A recording command: its name, the :class:`ledger.Ledger` method, and its fields."""

    name: str
    method: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        """The field called ``name``, if the command has one."""
        return next((f for f in self.fields if f.name == name), None)


def _field(name: str, type_: FieldType, keyword: str | None = None, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, type_, keyword or name.replace("-", "_"), required)


def _req(name: str, type_: FieldType, keyword: str | None = None) -> FieldSpec:
    return _field(name, type_, keyword, required=True)


_REF = _req("ref", "ref")
_AT = _req("at", "when")
_PROVENANCE = (_field("source", "refs", "sources"), _field("note", "text"))
_REVIEW = (_req("reviewer", "ref"), _req("verdict", "text"), _req("rationale", "text"))
_EVIDENCE = _field("evidence", "texts")
_ANSWER = (_REF, _field("text", "text"), _AT)


def _command(name: str, method: str, *fields: FieldSpec) -> CommandSpec:
    return CommandSpec(name, method, (*fields, *_PROVENANCE))


COMMANDS: Mapping[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        _command(
            "actor add",
            "register_actor",
            _REF,
            _req("name", "text"),
            _req("kind", "text"),
            _field("description", "text"),
            _field("handle", "texts", "handles"),
        ),
        _command(
            "source add",
            "register_source",
            _REF,
            _req("title", "text"),
            _field("url", "text"),
            _field("publisher", "ref"),
            _field("at", "when"),
            _field("kind", "text"),
        ),
        _command(
            "source archive", "archive_source", _REF, _req("url", "text"), _AT, _field("digest", "text")
        ),
        _command(
            "post publish",
            "publish_post",
            _REF,
            _req("platform", "text"),
            _req("author", "ref"),
            _field("text", "text"),  # a post known only by its URL has none
            _field("url", "text"),
            _field("in-reply-to", "ref"),
            _AT,
        ),
        _command(
            "post observe",
            "observe_post",
            _REF,
            _field("views", "count"),
            _field("likes", "count"),
            _field("reposts", "count"),
            _AT,
        ),
        _command("post edit", "edit_post", _REF, _req("text", "text"), _AT),
        _command("post archive", "archive_post", _REF, _req("url", "text"), _AT, _field("digest", "text")),
        _command("post delete", "delete_post", _REF, _AT, _field("deleted-by", "text")),
        _command("post restore", "restore_post", _REF, _AT),
        _command(
            "claim make",
            "make_claim",
            _REF,
            _req("text", "text"),
            _req("claimant", "ref"),
            _req("in", "ref", "post"),
            _field("about", "refs"),
            _AT,
        ),
        _command("claim repeat", "repeat_claim", _REF, _req("in", "ref", "post"), _req("by", "ref"), _AT),
        _command("claim rebut", "rebut_claim", _REF, *_REVIEW, _EVIDENCE, _AT),
        _command("claim support", "support_claim", _REF, *_REVIEW, _EVIDENCE, _AT),
        _command("claim rate", "rate_claim", _REF, *_REVIEW, _EVIDENCE, _AT),
        _command("claim revise", "revise_verdict", _REF, *_REVIEW, _EVIDENCE, _field("stance", "text"), _AT),
        _command("claim retract", "retract_claim", _REF, _field("by", "ref"), _field("reason", "text"), _AT),
        _command(
            "comment request",
            "request_comment",
            _REF,
            _req("from", "ref", "requester"),
            _req("to", "ref", "recipient"),
            _req("via", "text", "channel"),
            _field("regarding", "refs"),
            _field("question", "text"),
            _field("deadline", "when"),
            _AT,
        ),
        _command("comment receive", "receive_comment", *_ANSWER),
        _command("comment decline", "decline_comment", *_ANSWER),
        _command("comment lapse", "lapse_comment", *_ANSWER),
        _command("case open", "open_case", _REF, _req("title", "text"), _field("description", "text")),
        _command("case link", "link_to_case", _REF, _req("subject", "refs", "subjects")),
        _command("case note", "add_case_note", _REF, _req("text", "text"), _AT),
        _command("correct", "correct", _REF, _req("version", "count"), _req("reason", "text")),
    )
}
"""Every recording command, by the name the CLI and case files give it."""
