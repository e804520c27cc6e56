"""Every command model is reachable from the CLI, case files and the Python API, under the same names."""

from __future__ import annotations

import inspect
import json
import shlex

import click
import pytest

from cli.main import ledger as ledger_command
from ledger import CaseFileError, InvalidError, Ledger
from ledger.commands import COMMANDS, Command
from ledger.formats.casefile import CaseEntry, parse_entry

MODELS = list(COMMANDS.values())


def cli_command(model: type[Command]) -> click.Command:
    """The click command at the path the model names (``post delete``)."""
    command: click.Command = ledger_command
    for word in model.NAME.split():
        assert isinstance(command, click.Group), model.NAME
        found = command.get_command(click.Context(command), word)
        assert found is not None, model.NAME
        command = found
    return command


def from_example(model: type[Command]) -> Command:
    """The command the model's own ``--help`` example records, as the CLI parses it."""
    argv = shlex.split(model.EXAMPLE.replace("\\\n", " "))
    words = model.NAME.split()
    assert argv[: 1 + len(words)] == ["ledger", *words]
    command = cli_command(model)
    with command.make_context(model.NAME, argv[1 + len(words) :]) as ctx:
        return model.from_arguments(ctx.params)


@pytest.mark.parametrize("model", MODELS, ids=[model.NAME for model in MODELS])
def test_every_command_is_reached_from_the_cli_case_files_and_the_api_with_the_same_names(
    model: type[Command],
) -> None:
    fields = [name for name, _ in model.input_fields()]
    assert set(fields) == set(model.model_fields)

    # The CLI: an argument per positional field, an option per other field, named by its alias.
    command = cli_command(model)
    options = {
        opt.removeprefix("--"): param.name
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt != "--help"
    }
    arguments = [param.name for param in command.params if isinstance(param, click.Argument)]
    assert arguments == list(model.ARGUMENTS)
    assert options == {model.alias(name): name for name in fields if name not in model.ARGUMENTS}

    # The Python API: the typed method takes every field by name, and who records.
    method = getattr(Ledger, model.METHOD)
    parameters = set(inspect.signature(method).parameters) - {"self", "recorded_by"}
    assert parameters == set(fields)

    # Case files: the command the CLI example records, written by alias, reads back the same.
    recorded = from_example(model)
    entry = {"command": model.NAME, **recorded.model_dump(mode="json", by_alias=True, exclude_defaults=True)}
    assert set(entry) - {"command"} <= {model.alias(name) for name in fields}
    assert parse_entry("example.jsonl", CaseEntry(1, 1, json.loads(json.dumps(entry)))) == recorded


def test_a_case_file_field_is_named_as_on_the_cli_never_by_its_python_name() -> None:
    entry = CaseEntry(1, 3, {"command": "post delete", "ref": "post/p", "at": "2024", "deleted_by": "author"})
    with pytest.raises(CaseFileError) as raised:
        parse_entry("f.jsonl", entry)
    assert (raised.value.field, raised.value.line) == ("deleted_by", 3)
    assert "unknown field; post delete takes ref, at, deleted-by, source, note" in raised.value.reason


def test_the_api_reports_a_bad_field_by_its_python_name() -> None:
    with Ledger.open(":memory:") as ledger, pytest.raises(InvalidError) as raised:
        ledger.delete_post("post/p", at="2024", deleted_by="aliens")
    assert raised.value.field == "deleted_by"
    assert str(raised.value).startswith("deleted_by: Input should be 'author', 'platform' or 'unknown'")
