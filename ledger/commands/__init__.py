"""Every recording command, as data: one pydantic model each (see :mod:`ledger.commands.base`).

Each model names its command as the CLI and case files do (``NAME``), the
typed :class:`~ledger.Ledger` method that builds it (``METHOD``) and the
domain function it runs (``RUNS``); its fields carry their types, defaults
and help text. Fields are given by name through the Python API
(``deleted_by``) and by alias on the CLI and in case files (``deleted-by``).

>>> COMMANDS["post delete"].__name__, COMMANDS["post delete"].METHOD
('DeletePost', 'delete_post')
>>> [COMMANDS["post delete"].alias(name) for name, _ in COMMANDS["post delete"].input_fields()]
['ref', 'at', 'deleted-by', 'source', 'note']
>>> str(DeletePost(ref="post/p", at="2024-10-17T14:03Z").at)
'2024-10-17T14:03Z'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ledger.commands.base import Command
from ledger.commands.claims import (
    DeclineComment,
    LapseComment,
    MakeClaim,
    RebutClaim,
    ReceiveComment,
    RepeatClaim,
    RequestComment,
    RetractClaim,
    ReviseVerdict,
    SupportClaim,
)
from ledger.commands.subjects import (
    AddCaseNote,
    ArchivePost,
    ArchiveSource,
    Correct,
    DeletePost,
    EditPost,
    LinkToCase,
    ObservePost,
    OpenCase,
    PublishPost,
    RegisterActor,
    RegisterSource,
    RestorePost,
)

COMMANDS: Mapping[str, type[Command]] = {
    command.NAME: command
    for command in (
        RegisterActor,
        RegisterSource,
        ArchiveSource,
        PublishPost,
        ObservePost,
        EditPost,
        ArchivePost,
        DeletePost,
        RestorePost,
        MakeClaim,
        RepeatClaim,
        RebutClaim,
        SupportClaim,
        ReviseVerdict,
        RetractClaim,
        RequestComment,
        ReceiveComment,
        DeclineComment,
        LapseComment,
        OpenCase,
        LinkToCase,
        AddCaseNote,
        Correct,
    )
}
"""Every recording command, by the name the CLI and case files give it."""


@dataclass(frozen=True)
class FieldSpec:
    """A field's names: on the CLI and in case files (``name``), in the Python API (``keyword``)."""

    name: str
    keyword: str
    required: bool


@dataclass(frozen=True)
class CommandSpec:
    """A command's names, read from its model: ``name``, the Ledger ``method``, and its fields."""

    name: str
    method: str
    model: type[Command]
    fields: tuple[FieldSpec, ...]

    @classmethod
    def of(cls, model: type[Command]) -> CommandSpec:
        """The names of ``model``'s command."""
        fields = tuple(
            FieldSpec(model.alias(name), name, info.is_required()) for name, info in model.input_fields()
        )
        return cls(model.NAME, model.METHOD, model, fields)


SPECS: Mapping[str, CommandSpec] = {name: CommandSpec.of(model) for name, model in COMMANDS.items()}
"""The names of every command (on the CLI and in case files, in the Python API), by command name."""

__all__ = [
    "COMMANDS",
    "SPECS",
    "AddCaseNote",
    "ArchivePost",
    "ArchiveSource",
    "Command",
    "CommandSpec",
    "Correct",
    "DeclineComment",
    "DeletePost",
    "EditPost",
    "FieldSpec",
    "LapseComment",
    "LinkToCase",
    "MakeClaim",
    "ObservePost",
    "OpenCase",
    "PublishPost",
    "RebutClaim",
    "ReceiveComment",
    "RegisterActor",
    "RegisterSource",
    "RepeatClaim",
    "RequestComment",
    "RestorePost",
    "RetractClaim",
    "ReviseVerdict",
    "SupportClaim",
]
