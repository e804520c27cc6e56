"""Recording commands, declared from the command models of :mod:`ledger.commands`.

Each model gives its command's name (``post delete``: the ``delete`` command
of the ``post`` group), summary, example and fields; each field becomes an
option named by its alias, with its help text, and the subject's ``REF`` an
argument. A command opens the ledger, executes the model built from its
options and prints the reference it recorded.
"""

from __future__ import annotations

import textwrap
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import click
from pydantic.fields import FieldInfo

from cli.options import WHEN_HELP, open_ledger, parse_when
from domain.worldtime import WorldTime
from ledger.commands import COMMANDS, Command, Correct


def command_from(model: type[Command]) -> click.Command:
    """The click command of ``model``: an argument or option per field, executing the model."""

    def record(**values: Any) -> None:
        ledger = open_ledger(create=True)
        click.echo(ledger.execute(model.from_arguments(values)))

    example = textwrap.indent(model.EXAMPLE, "  ")
    return click.Command(
        model.NAME.split()[-1],
        callback=record,
        params=[parameter(model, name, info) for name, info in model.input_fields()],
        help=f"{model.summary()}\n\n\b\nExample:\n{example}",
    )


def parameter(model: type[Command], name: str, info: FieldInfo) -> click.Parameter:
    """The click argument or option of the field ``name`` of ``model``."""
    value_type = _unwrap(info.annotation)
    many = get_origin(value_type) is tuple
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    metavar = extra.get("metavar")
    if name in model.ARGUMENTS:
        return click.Argument(
            [name], nargs=-1 if many else 1, required=info.is_required(), metavar=_text(metavar)
        )
    settings: dict[str, Any] = {"required": info.is_required(), "help": info.description, "metavar": metavar}
    if many:
        settings["multiple"] = True
    elif value_type is WorldTime:
        settings.update(callback=parse_when, help=f"{info.description}: {WHEN_HELP}.")
    elif get_origin(value_type) is Literal:
        settings["type"] = click.Choice(get_args(value_type))
    elif value_type is int:
        settings["type"] = int
    elif value_type is bool:
        settings.update(is_flag=True, default=False)
    if not info.is_required() and info.default not in (None, ()):
        settings.update(default=info.default, show_default=True)
    return click.Option([f"--{model.alias(name)}", name], **settings)


def _unwrap(annotation: Any) -> Any:
    """The type a field holds, without ``| None`` and ``Annotated`` metadata."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def add_commands(*groups: click.Group) -> None:
    """Add to each of ``groups`` the recording commands named after it (``post ...`` to ``post``)."""
    by_name = {group.name: group for group in groups}
    for name, model in COMMANDS.items():
        group, _, command = name.partition(" ")
        if command and group in by_name:
            by_name[group].add_command(command_from(model))


@click.group()
def actor() -> None:
    """Record people and organisations."""


@click.group()
def source() -> None:
    """Record sources: articles, regulations, statements, captures."""


@click.group()
def post() -> None:
    """Record posts: published, observed, edited, archived, deleted, restored."""


@click.group()
def case() -> None:
    """Record cases: one story or investigation, its subjects and notes."""


add_commands(actor, source, post, case)
correct = command_from(Correct)
