"""Running an imported item's commands: each item becomes command models, run by ``Ledger.execute``.

An importer reads a format's item, builds the command models that record it
(:mod:`ledger.commands`, by field name) and runs them in the import's open
batch, so that the ledger checks them exactly as it checks a typed call or a
case-file entry. When a model refuses a value, or the ledger refuses the
command, the error names the file, the item and the *format's* field that
fed the command field at fault: the model's validation location (or the
ledger error's field), translated through the importer's ``names``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from domain.errors import FormatError, LedgerError
from domain.events import problem_message
from ledger.commands import Command

if TYPE_CHECKING:
    from ledger.facade import Ledger

_NESTED = "nested too deeply"


def build(
    model: type[Command],
    fields: Mapping[str, Any],
    *,
    file: str,
    item: str | None,
    names: Mapping[str, str],
) -> Command:
    """The command ``model`` with ``fields`` (by name), or a :class:`FormatError` located in the format.

    ``names`` maps a command field (``text``) to the format's field that fed
    it (``claimReviewed``).
    """
    try:
        return model.model_validate(dict(fields), by_name=True, by_alias=False)
    except ValidationError as error:
        problem = error.errors(include_url=False, include_input=False)[0]
        loc = problem["loc"]
        reason = problem_message(problem)
        field = _format_field(str(loc[0]), names) if loc else None
        # handles.0: ... says which of several values; a field with no format name is named as it is.
        shown = loc[1:] if field is not None else loc
        if shown:
            reason = ".".join(str(part) for part in shown) + f": {reason}"
        raise FormatError(reason, file=file, item=item, field=field) from None
    except RecursionError:
        raise FormatError(_NESTED, file=file, item=item) from None


def run(
    ledger: Ledger,
    model: type[Command],
    fields: Mapping[str, Any],
    *,
    file: str,
    item: str | None,
    names: Mapping[str, str],
) -> str:
    """Build the command (see :func:`build`) and execute it in ``ledger``; returns its reference.

    A refusal by the ledger is a :class:`FormatError` naming the format's
    field behind the command field the ledger names (``at``: ``datePublished``).
    """
    command = build(model, fields, file=file, item=item, names=names)
    try:
        return ledger.execute(command)
    except FormatError:
        raise
    except LedgerError as error:
        field = None if error.field is None else _format_field(error.field, names)
        raise FormatError(str(error), file=file, item=item, field=field) from None


def _format_field(command_field: str, names: Mapping[str, str]) -> str | None:
    """The format's name for a command field; None for one the importer fills itself (a reference)."""
    return names.get(command_field)
