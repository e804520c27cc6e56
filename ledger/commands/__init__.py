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
from types import MappingProxyType

from ledger.commands.base import REGISTERED, Command
from ledger.commands.claims import *  # noqa: F403 - each module's __all__ lists its commands
from ledger.commands.claims import __all__ as _claims
from ledger.commands.subjects import *  # noqa: F403
from ledger.commands.subjects import __all__ as _subjects

COMMANDS: Mapping[str, type[Command]] = MappingProxyType(REGISTERED)
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

__all__ = ["COMMANDS", "SPECS", "Command", "CommandSpec", "FieldSpec", *_subjects, *_claims]  # noqa: PLE0604
