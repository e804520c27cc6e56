"""Case files: a human-writable list of recording commands, imported all at once.

A case file is TOML, an ordered list of ``[[entry]]`` tables, or JSON Lines,
one entry object per line. Each entry names its ``command`` as the CLI does
and gives its fields under the CLI's option names, the aliases of the
command's model in :mod:`ledger.commands`::

    [[entry]]
    command = "post delete"
    ref = "post/labour-linkedin-invite"
    at = "2024-10-14..2024-10-18"      # a world time; without a zone, UTC
    deleted-by = "unknown"
    source = ["source/newsweek-fact-check"]

Repeatable fields (``source``, ``about``, ``evidence``, ...) take one value
or a list. World times are text as on the CLI, or TOML dates and date-times;
a time without a zone is read as UTC, as the CLI reads it.

Each entry is parsed into its command's model; a bad field is that model's
own validation error, located by the error's field. Import is all or
nothing: every entry is checked, in order, against the ledger and the
entries before it, and all are written in one transaction, or none. JSON
Lines are read one line at a time. Every error is a :class:`CaseFileError`
naming the file, the line and the field, quoting at most ~100 characters of
a value.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.errors import CaseFileError, LedgerError
from domain.events import problem_message
from ledger import progress
from ledger.commands import COMMANDS, Command
from ledger.commands.base import QUOTE_LIMIT

if TYPE_CHECKING:
    from ledger.facade import Ledger

TOML_SUFFIXES = frozenset({".toml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})

#: Case files read times without a zone as UTC, as the CLI does.
CONTEXT = {"assume_utc": True}

#: The longest reason an error gives: a reason quotes values, and values can be huge.
REASON_LIMIT = 3 * QUOTE_LIMIT


@dataclass(frozen=True)
class CaseEntry:
    """One entry of a case file, as read, with where it was found."""

    number: int
    line: int | None
    values: dict[str, Any]
    field_lines: dict[str, int] = field(default_factory=dict)

    @property
    def command(self) -> str | None:
        """The command the entry names, if it names one as text."""
        command = self.values.get("command")
        return command if isinstance(command, str) else None

    def line_of(self, name: str | None) -> int | None:
        """The line of field ``name``, else of the entry."""
        return self.field_lines.get(name or "", self.line)


@dataclass(frozen=True)
class ImportResult:
    """What an import recorded (or, in a dry run, found valid)."""

    file: str
    entries: int
    subjects: tuple[str, ...]
    """The subjects the entries record, in the order they first appear."""
    dry_run: bool
    positions: tuple[int, int] | None
    """The first and last log positions written (None for a dry run)."""


def import_case_file(ledger: Ledger, path: str | os.PathLike[str], *, dry_run: bool = False) -> ImportResult:
    """Apply every entry of the case file at ``path`` to ``ledger`` in one batch, or none."""
    name = os.fspath(path)
    head = ledger.head
    subjects: dict[str, None] = {}
    count = 0
    try:
        with ledger.batch(dry_run=dry_run, spooled=True):
            for entry in iter_case_file(path):
                command = parse_entry(name, entry)
                _execute(ledger, name, entry, command)
                subjects.setdefault(command.ref)
                count += 1
                progress.advance("importing", count)
    except CaseFileError:
        raise
    except LedgerError as error:
        # Only the final write can fail here, e.g. another writer came first.
        raise CaseFileError(str(error), file=name) from None
    written = None if dry_run else (head + 1, ledger.head)
    return ImportResult(name, count, tuple(subjects), dry_run, written)


def read_case_file(path: str | os.PathLike[str]) -> list[CaseEntry]:
    """The entries of a case file (``.toml``, or ``.jsonl``/``.ndjson``), checked for form only."""
    return list(iter_case_file(path))


def iter_case_file(path: str | os.PathLike[str]) -> Iterator[CaseEntry]:
    """The entries of a case file one by one (JSON Lines are read a line at a time), checked for form only.

    Raises :class:`CaseFileError` for a file that cannot be read, is not
    valid TOML or JSON, or has no entries.
    """
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    if suffix not in TOML_SUFFIXES | JSONL_SUFFIXES:
        raise CaseFileError(
            f"unknown kind of case file {suffix or '(no suffix)'!r}: use .toml, .jsonl or .ndjson", file=name
        )
    entries = _read_toml(name) if suffix in TOML_SUFFIXES else _read_jsonl(name)
    empty = True
    for entry in entries:
        empty = False
        yield entry
    if empty:
        raise CaseFileError("the case file has no entries", file=name)


def _cannot_read(name: str, error: OSError | UnicodeDecodeError) -> CaseFileError:
    return CaseFileError(_short(f"cannot read the case file: {error}"), file=name)


# -- reading ------------------------------------------------------------------------------------

_TOML_LINE = re.compile(r"at line (\d+)(?:, column \d+)?")
_ENTRY_HEADER = re.compile(r"\s*\[\[\s*entry\s*\]\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"\s*\[")
_KEY = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=(.*)$""")
_NESTED = "nested too deeply"


def _read_toml(name: str) -> Iterator[CaseEntry]:
    # TOML is read whole: tomllib parses text, and TOML case files are written by hand.
    try:
        text = Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _cannot_read(name, error) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_LINE.search(message)
        reason = _TOML_LINE.sub("", message).replace("()", "").strip()
        raise CaseFileError(
            f"not valid TOML: {reason}", file=name, line=int(found[1]) if found else None
        ) from None
    except RecursionError:
        raise CaseFileError(f"not valid TOML: {_NESTED}", file=name, line=_deepest_line(text)) from None
    headers, top_keys, field_lines = _locate_toml(text)
    for key in document:
        if key != "entry":
            raise CaseFileError(
                "unknown top-level key: a case file holds only [[entry]] tables",
                file=name,
                line=top_keys.get(key),
                field=_short(key),
            )
    raw = document.get("entry", [])
    if not isinstance(raw, list):
        raise CaseFileError(
            "'entry' must be a list of [[entry]] tables", file=name, line=top_keys.get("entry")
        )
    # The raw text gives each [[entry]] header's line; trust it only if every
    # entry was written with a header (not as an inline table).
    located = len(headers) == len(raw)
    for number, values in enumerate(raw, start=1):
        line = headers[number - 1] if located else None
        if not isinstance(values, dict):
            raise CaseFileError("an entry must be a table", file=name, line=line, entry=number)
        yield CaseEntry(number, line, values, field_lines[number - 1] if located else {})


def _deepest_line(text: str) -> int | None:
    """The line (1-based) that opens the most brackets: where a too deeply nested value is."""
    depths = [line.count("[") + line.count("{") for line in text.splitlines()]
    return depths.index(max(depths)) + 1 if depths else None


def _locate_toml(text: str) -> tuple[list[int], dict[str, int], list[dict[str, int]]]:
    """The line of each ``[[entry]]`` header, of each top-level key, and of each entry's keys."""
    headers: list[int] = []
    top_keys: dict[str, int] = {}
    fields: list[dict[str, int]] = []
    in_string: str | None = None  # the delimiter of the multi-line string we are in
    in_entry = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        if _ENTRY_HEADER.match(line):
            headers.append(number)
            fields.append({})
            in_entry = True
        elif _TABLE_HEADER.match(line):
            in_entry = False
        elif key := _KEY.match(line):
            name = key[1] if key[1] is not None else key[2] if key[2] is not None else key[3]
            (fields[-1] if in_entry else top_keys).setdefault(name, number)
        # A multi-line string may open on a key's line or inside a multi-line array.
        for delimiter in ('"""', "'''"):
            if line.count(delimiter) % 2 == 1:
                in_string = delimiter
                break
    return headers, top_keys, fields


def _read_jsonl(name: str) -> Iterator[CaseEntry]:
    # Lines end at "\n" only (JSON Lines), and each is decoded alone, so that bad UTF-8 names its line.
    try:
        with Path(name).open("rb") as lines:
            entry_number = 0
            for number, raw in enumerate(lines, start=1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    reason = f"not UTF-8: {error.reason} at byte {error.start + 1} of the line"
                    raise CaseFileError(reason, file=name, line=number) from None
                if not line.strip():
                    continue
                values = _json_object(name, number, line)
                entry_number += 1
                if not isinstance(values, dict):
                    raise CaseFileError(
                        "an entry must be a JSON object", file=name, line=number, entry=entry_number
                    )
                yield CaseEntry(entry_number, number, values)
    except OSError as error:
        raise _cannot_read(name, error) from None


def _json_object(name: str, number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise CaseFileError(
            f"not valid JSON: {error.msg} (column {error.colno})", file=name, line=number
        ) from None
    except RecursionError:
        raise CaseFileError(f"not valid JSON: {_NESTED}", file=name, line=number) from None


# -- parsing into commands -------------------------------------------------------------------------


def command_of(name: str, entry: CaseEntry) -> type[Command]:
    """The command model the entry names, or :class:`CaseFileError` (with a suggestion if one is close)."""
    command = entry.values.get("command")
    found = COMMANDS.get(command) if isinstance(command, str) else None
    if found is not None:
        return found
    if command is None:
        reason = "missing: every entry names its command, such as 'post publish'"
    else:
        import difflib  # noqa: PLC0415  (only for a misspelt command)

        close = difflib.get_close_matches(str(command)[: 2 * QUOTE_LIMIT], COMMANDS, n=1)
        reason = f"unknown command {_short(repr(command))}" + (
            f" (did you mean {close[0]!r}?)" if close else ""
        )
    raise CaseFileError(reason, file=name, line=entry.line_of("command"), entry=entry.number, field="command")


def parse_entry(name: str, entry: CaseEntry) -> Command:
    """The entry as its command's model; a bad field is the model's validation error, located."""
    model = command_of(name, entry)
    fields = {key: value for key, value in entry.values.items() if key != "command"}
    try:
        return model.model_validate(fields, by_alias=True, by_name=False, context=CONTEXT)
    except ValidationError as error:
        problems = error.errors(include_url=False, include_input=False)
        # An unknown field is named first, as a typo explains the errors that follow it.
        first = next((p for p in problems if p["type"] == "extra_forbidden"), problems[0])
        field_name, reason = _describe(model, first)
        raise _entry_error(name, entry, model, reason, field_name) from None
    except RecursionError:
        raise _entry_error(name, entry, model, _NESTED, None) from None


def _describe(model: type[Command], problem: ErrorDetails) -> tuple[str | None, str]:
    """The case-file field a validation problem is about, and why, from its location and type."""
    loc = problem["loc"]
    if not loc:
        return None, problem_message(problem)
    if problem["type"] == "extra_forbidden":
        allowed = ", ".join(model.alias(name) for name, _ in model.input_fields())
        return _short(str(loc[0])), f"unknown field; {model.NAME} takes {allowed}"
    field_name = model.alias(str(loc[0]))
    if problem["type"] == "missing":
        return field_name, "missing: this field is required"
    reason = problem_message(problem)
    if len(loc) > 1:  # evidence.1.quote: ... says more than the field alone
        reason = ".".join([field_name, *(str(part) for part in loc[1:])]) + f": {reason}"
    return field_name, reason


def _execute(ledger: Ledger, name: str, entry: CaseEntry, command: Command) -> None:
    try:
        ledger.execute(command)
    except LedgerError as error:
        field_name = None if error.field is None else type(command).alias(error.field)
        raise _entry_error(name, entry, type(command), str(error), field_name) from None


def _entry_error(
    name: str, entry: CaseEntry, model: type[Command], reason: str, field_name: str | None
) -> CaseFileError:
    return CaseFileError(
        _short(reason),
        file=name,
        line=entry.line_of(field_name),
        entry=entry.number,
        command=model.NAME,
        field=field_name,
    )


def _short(text: str, limit: int = REASON_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, for a reason that quotes a huge value."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
