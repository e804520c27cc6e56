"""Case files: a human-writable list of recording commands, imported all at once.

A case file is TOML, an ordered list of ``[[entry]]`` tables, or JSON Lines,
one entry object per line. Each entry names its ``command`` as the CLI does
and gives its fields under the CLI's option names (see
:mod:`ledger.commands`)::

    [[entry]]
    command = "post delete"
    ref = "post/labour-linkedin-invite"
    at = "2024-10-14..2024-10-18"      # a world time; without a zone, UTC
    deleted-by = "unknown"
    source = ["source/newsweek-fact-check"]

Repeatable fields (``source``, ``about``, ``evidence``, ...) take one value
or a list. World times are text as on the CLI, or TOML dates and date-times;
a time without a zone is read as UTC, as the CLI reads it.

Import is all or nothing: every entry is checked, in order, against the
ledger and the entries before it, and all are written in one transaction,
or none. Every error is a :class:`CaseFileError` naming the file, the line
and the field.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import CaseFileError, InvalidError, LedgerError
from domain.worldtime import WorldTime
from ledger.commands import COMMANDS, CommandSpec, FieldSpec

if TYPE_CHECKING:
    from ledger.facade import Ledger

TOML_SUFFIXES = frozenset({".toml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


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
    entries = read_case_file(path)
    head = ledger.head
    try:
        with ledger.batch(dry_run=dry_run):
            for entry in entries:
                _apply(ledger, name, entry)
    except CaseFileError:
        raise
    except LedgerError as error:
        # Only the final write can fail here, e.g. another writer came first.
        raise CaseFileError(str(error), file=name) from None
    subjects = tuple(dict.fromkeys(str(entry.values["ref"]) for entry in entries))
    written = None if dry_run else (head + 1, ledger.head)
    return ImportResult(name, len(entries), subjects, dry_run, written)


def read_case_file(path: str | os.PathLike[str]) -> list[CaseEntry]:
    """The entries of a case file (``.toml``, or ``.jsonl``/``.ndjson``), checked for form only."""
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    if suffix not in TOML_SUFFIXES | JSONL_SUFFIXES:
        raise CaseFileError(
            f"unknown kind of case file {suffix or '(no suffix)'!r}: use .toml, .jsonl or .ndjson", file=name
        )
    try:
        text = Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFileError(f"cannot read the case file: {error}", file=name) from None
    entries = _read_toml(name, text) if suffix in TOML_SUFFIXES else _read_jsonl(name, text)
    if not entries:
        raise CaseFileError("the case file has no entries", file=name)
    return entries


# -- reading ------------------------------------------------------------------------------------

_TOML_LINE = re.compile(r"at line (\d+)(?:, column \d+)?")
_ENTRY_HEADER = re.compile(r"\s*\[\[\s*entry\s*\]\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"\s*\[")
_KEY = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=(.*)$""")


def _read_toml(name: str, text: str) -> list[CaseEntry]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_LINE.search(message)
        reason = _TOML_LINE.sub("", message).replace("()", "").strip()
        raise CaseFileError(
            f"not valid TOML: {reason}", file=name, line=int(found[1]) if found else None
        ) from None
    headers, top_keys, field_lines = _locate_toml(text)
    for key in document:
        if key != "entry":
            raise CaseFileError(
                "unknown top-level key: a case file holds only [[entry]] tables",
                file=name,
                line=top_keys.get(key),
                field=key,
            )
    raw = document.get("entry", [])
    if not isinstance(raw, list):
        raise CaseFileError(
            "'entry' must be a list of [[entry]] tables", file=name, line=top_keys.get("entry")
        )
    # The raw text gives each [[entry]] header's line; trust it only if every
    # entry was written with a header (not as an inline table).
    located = len(headers) == len(raw)
    entries = []
    for number, values in enumerate(raw, start=1):
        line = headers[number - 1] if located else None
        if not isinstance(values, dict):
            raise CaseFileError("an entry must be a table", file=name, line=line, entry=number)
        entries.append(CaseEntry(number, line, values, field_lines[number - 1] if located else {}))
    return entries


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


def _read_jsonl(name: str, text: str) -> list[CaseEntry]:
    entries: list[CaseEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
        except json.JSONDecodeError as error:
            raise CaseFileError(
                f"not valid JSON: {error.msg} (column {error.colno})", file=name, line=number
            ) from None
        entry_number = len(entries) + 1
        if not isinstance(values, dict):
            raise CaseFileError("an entry must be a JSON object", file=name, line=number, entry=entry_number)
        entries.append(CaseEntry(entry_number, number, values))
    return entries


# -- applying -----------------------------------------------------------------------------------


def _apply(ledger: Ledger, name: str, entry: CaseEntry) -> None:
    spec = _command(name, entry)

    def error(reason: str, field_name: str | None) -> CaseFileError:
        return CaseFileError(
            reason,
            file=name,
            line=entry.line_of(field_name),
            entry=entry.number,
            command=spec.name,
            field=field_name,
        )

    arguments: dict[str, Any] = {}
    for key in entry.values:
        if key != "command" and spec.field(key) is None:
            allowed = ", ".join(f.name for f in spec.fields)
            raise error(f"unknown field; {spec.name} takes {allowed}", key)
    for spec_field in spec.fields:
        if spec_field.name not in entry.values:
            if spec_field.required:
                raise error("missing: this field is required", spec_field.name)
            continue
        try:
            arguments[spec_field.keyword] = _value(spec_field, entry.values[spec_field.name])
        except LedgerError as failure:
            raise error(str(failure), spec_field.name) from None
    try:
        getattr(ledger, spec.method)(**arguments)
    except LedgerError as failure:
        raise error(*_blame(str(failure), spec, entry.values, arguments)) from None


def _command(name: str, entry: CaseEntry) -> CommandSpec:
    command = entry.values.get("command")
    spec = COMMANDS.get(command) if isinstance(command, str) else None
    if spec is not None:
        return spec
    if command is None:
        reason = "missing: every entry names its command, such as 'post publish'"
    else:
        close = difflib.get_close_matches(str(command), COMMANDS, n=1)
        reason = f"unknown command {command!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    raise CaseFileError(reason, file=name, line=entry.line_of("command"), entry=entry.number, field="command")


def _value(spec: FieldSpec, value: Any) -> Any:
    """The API value of a field as read from the file, or an error saying what was expected."""
    match spec.type:
        case "text" | "ref":
            if not isinstance(value, str):
                raise InvalidError(f"expected text, got {_describe(value)}")
            return value
        case "refs" | "texts":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                raise InvalidError(f"expected text or a list of texts, got {_describe(value)}")
            return tuple(items)
        case "count":
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidError(f"expected a whole number, got {_describe(value)}")
            return value
        case "when":
            return _when(value)


def _when(value: Any) -> WorldTime:
    if isinstance(value, datetime):
        return WorldTime.parse(value.isoformat(), assume_utc=True)
    if isinstance(value, date):
        return WorldTime.parse(value.isoformat())
    if isinstance(value, str):
        return WorldTime.parse(value, assume_utc=True)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) == 14:
        # A Wayback timestamp written as a bare number (20241016093000) in JSON, TOML or YAML.
        return WorldTime.parse(str(value))
    raise InvalidError(f'expected a world time such as "2024-10-17", got {_describe(value)}')


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {json.dumps(value, default=str)}"


# Event fields whose name differs from the case file's field.
_EVENT_FIELDS = {"occurred_at": "at", "linked": "subject"}
_VALIDATION = re.compile(r"([A-Za-z_]+)(\.[\w.]+)?: ")


def _blame(
    message: str, spec: CommandSpec, values: dict[str, Any], arguments: dict[str, Any]
) -> tuple[str, str | None]:
    """The reason and the field an error from the ledger is about, when the message shows it honestly.

    Validation messages start with the field's name (dropped from the
    reason, which the location then names); other messages quote the value
    at fault (a reference, a time), which points at the field that holds it.
    The subject's own ``ref`` is blamed last, since most messages name it.
    """
    keyword_fields = {f.keyword: f.name for f in spec.fields}
    if found := _VALIDATION.match(message):
        name = _EVENT_FIELDS.get(found[1], keyword_fields.get(found[1]))
        if name is not None:
            # "views: ..." says no more than the location; "evidence.1.quote: ..." does.
            return (message if found[2] else message[found.end() :]), name
    candidates = [f for f in spec.fields if f.name in values and f.name != "ref" and f.type != "text"]
    for spec_field in candidates:
        if any(
            _mentions(message, needle) for needle in _needles(spec_field, arguments.get(spec_field.keyword))
        ):
            return message, spec_field.name
    if "ref" in values and _mentions(message, str(values["ref"])):
        return message, "ref"
    return message, None


def _needles(spec: FieldSpec, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, WorldTime):
        return [str(value)]
    items = value if isinstance(value, tuple) else (value,)
    needles = [str(item) for item in items]
    if spec.type == "texts":  # evidence: SOURCE_REF:QUOTE
        needles += [str(item).partition(":")[0] for item in items]
    return needles


def _mentions(message: str, needle: str) -> bool:
    if not needle:
        return False
    pattern = r"(?<![\w/.-])" + re.escape(needle) + r"(?![\w/-]|\.\w)"
    return re.search(pattern, message) is not None
