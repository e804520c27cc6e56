"""Redaction: erase an entry's content and salt on a legal request, keeping every proof.

:func:`redact_entry` appends an :class:`~domain.events.EntryRedacted` event
naming the entry, its salted content digest, the reason and who redacted,
then, in one transaction, rewrites the stored entry (content replaced by
"[redacted on DATE by WHO: REASON]", salt dropped, digest kept: see
:mod:`ledger.integrity.content`) and drops every materialised view, which
the next query rebuilds from the redacted log. On SQLite the rewrite runs
with ``PRAGMA secure_delete`` (freed bytes are zeroed), then the file is
rewritten (``VACUUM``: copies freed earlier without zeroing, by the views
and the search index, go too) and the write-ahead log truncated, so the
erased text lingers nowhere in the files; on PostgreSQL the table is rewritten (``VACUUM FULL``) so no dead
row version keeps it. Backups and copies made before are out of reach.

:class:`RedactionAudit` is what ``verify`` runs over the log: every erased
entry has its redaction event, and every redaction event names the digest
its entry's leaf commits to.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.errors import InvalidError, NotFoundError, StorageError, VerificationError
from domain.events import EntryRedacted, Provenance, redact
from domain.refs import parse_ref, subject_id
from ledger.integrity import content
from ledger.storage.records import LeafRow, LogRecord, LogRecorder


def placeholder(when: datetime, by: str, reason: str) -> str:
    """What is shown where the content was."""
    return f"[redacted on {when.astimezone(UTC).date().isoformat()} by {by}: {reason}]"


@dataclass(frozen=True)
class Redaction:
    """What :func:`redact_entry` did."""

    ref: str
    version: int
    position: int
    """The log position of the erased entry."""
    event_position: int
    """The log position of the redaction event."""
    content_sha256: str
    """The salted content digest (base64) the entry's leaf commits to."""


def _entry(recorder: LogRecorder, ref: str, version: int) -> tuple[LogRecord, list[LogRecord]]:
    parse_ref(ref)
    records = list(recorder.select_stream(subject_id(ref)))
    if not records:
        raise NotFoundError(f"{ref} does not exist")
    found = [r for r in records if r.originator_version == version]
    if not found:
        raise NotFoundError(f"{ref} has no entry v{version} (latest is v{records[-1].originator_version})")
    return found[0], records


def redact_entry(
    ledger: Any, ref: str, version: int, reason: str, recorded_by: str | None = None
) -> Redaction:
    """Erase entry ``version`` of ``ref`` in ``ledger`` (a ``Ledger``): see the module docstring."""
    recorder: LogRecorder = ledger._recorder
    record, stream = _entry(recorder, ref, version)
    if record.topic == EntryRedacted.TOPIC:
        # Erasing it would erase the only record of who erased what, when and why (and verify
        # would have nothing to hold the erased entry to).
        raise InvalidError(
            f"{ref} v{version} is a redaction record (the audit trail of a redaction): it cannot be redacted"
        )
    if not content.is_v2(record.state):
        raise InvalidError(
            f"{ref} v{version} has a v1 leaf, which commits to its bytes: its content cannot be erased "
            "without breaking the tree (move the ledger to v2 leaves: see docs/auditing.md)"
        )
    parts = content.split(record.state)
    if parts.salt is None:
        raise InvalidError(f"{ref} v{version} is already redacted")
    digest = base64.b64encode(parts.digest).decode()
    # A redaction whose event was written but whose rewrite failed is finished, not recorded twice.
    event = next((r for r in stream if _names(r) == (record.position, digest)), None)
    if event is None:
        with ledger._unit() as work:
            provenance = Provenance(recorded_by=recorded_by or ledger.recorded_by).checked(work)
            work.add(
                redact(
                    work.subject(ref),
                    version=version,
                    position=record.position,
                    content_sha256=digest,
                    reason=reason,
                    provenance=provenance,
                )
            )
        event = _entry(recorder, ref, ledger.history(ref)[-1].version)[0]
    who = recorded_by or ledger.recorded_by
    erased = content.redact(record.state, placeholder(datetime.now(UTC), who, reason))
    _rewrite(recorder, record, erased, ledger)
    return Redaction(ref, version, record.position, event.position, digest)


def _names(record: LogRecord) -> tuple[int, str] | None:
    """The (position, digest) a redaction event names; None for another event."""
    if record.topic != EntryRedacted.TOPIC:
        return None
    try:
        data = json.loads(content.strip_extras(record.state))
        return int(data["redacts_position"]), str(data["content_sha256"])
    except (ValueError, KeyError, TypeError):
        return None


def _rewrite(recorder: LogRecorder, record: LogRecord, erased: bytes, ledger: Any) -> None:
    storage = ledger._storage
    if storage.kind.name == "sqlite":
        _rewrite_sqlite(recorder, storage.datastore, record, erased)
    elif storage.kind.name == "postgresql":
        _rewrite_postgres(recorder, storage.datastore, record, erased)
    else:
        raise StorageError(f"cannot redact on {ledger.url}")
    ledger._views.forget()  # the views are rebuilt from the redacted log when next read
    cache = ledger._app.repository.cache
    if cache is not None:
        # States in memory hold the erased text too. (eventsourcing's LRUCache.clear
        # resets its order but keeps its dict: empty both.)
        cache.clear()
        cache.cache.clear()


# Tables derived from the log that hold copies of its text: the views (and a search index, if any).
def _derived(column: str) -> str:
    return f"{column} LIKE 'view%' OR {column} LIKE 'search%'"


def _rewrite_sqlite(recorder: Any, datastore: Any, record: LogRecord, erased: bytes) -> None:
    from ledger.storage.sqlite_transactions import write_transaction  # noqa: PLC0415 (storage imports integrity)

    with write_transaction(datastore) as c:
        # On the connection that writes: freed bytes (the old entry, dropped views) are zeroed.
        c.execute("PRAGMA secure_delete=ON")
        c.execute(
            f"UPDATE {recorder.events_table_name} SET state=? WHERE notification_id=? AND state=?",
            (erased, record.position, record.state),
        )
        if c.sqlite_cursor.rowcount != 1:
            raise StorageError(f"position {record.position} changed while it was being redacted; try again")
        # Virtual tables (a full-text index) first: dropping one drops its shadow tables.
        c.execute(
            f"SELECT name FROM sqlite_master WHERE type='table' AND ({_derived('name')}) "
            "ORDER BY sql LIKE 'CREATE VIRTUAL%' DESC"
        )
        for (name,) in c.fetchall():
            c.execute(f'DROP TABLE IF EXISTS "{name}"')
    # Copies of the text freed earlier by connections that did not zero them (the views' and the
    # search index's rewrites) may linger in free pages: VACUUM rewrites the file without them.
    with datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _rewrite_postgres(recorder: Any, datastore: Any, record: LogRecord, erased: bytes) -> None:
    from psycopg.sql import SQL, Identifier  # noqa: PLC0415 (an optional extra)

    schema = Identifier(datastore.schema)
    table = SQL("{}.{}").format(schema, Identifier(recorder.events_table_name))
    with datastore.transaction(commit=True) as curs:
        curs.execute(
            SQL("UPDATE {} SET state = %s WHERE notification_id = %s AND state = %s").format(table),
            (erased, record.position, record.state),
        )
        if curs.rowcount != 1:
            raise StorageError(f"position {record.position} changed while it was being redacted; try again")
        curs.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND "
            f"({_derived('tablename').replace('%', '%%')})",
            (datastore.schema,),
        )
        for row in curs.fetchall():
            name = row["tablename"] if isinstance(row, dict) else row[0]
            # CASCADE: the flat SQL views over them go too, and are made again with them.
            curs.execute(SQL("DROP TABLE IF EXISTS {}.{} CASCADE").format(schema, Identifier(name)))
    with datastore.get_connection() as connection:
        autocommit = connection.autocommit
        connection.autocommit = True
        try:
            connection.execute(SQL("VACUUM FULL {}").format(table))
        finally:
            connection.autocommit = autocommit


_REDACTED_MARK = content.REDACTED_MARK


def concerns_redaction(topic: str, state: bytes) -> bool:
    """Whether :meth:`RedactionAudit.see` has anything to check in an entry of this type and state."""
    return topic == EntryRedacted.TOPIC or _REDACTED_MARK in state


def rows_concerning_redaction(rows: Sequence[LeafRow], marked: Iterable[int], count: int) -> list[int]:
    """The indexes, below ``count``, of the rows :func:`concerns_redaction`, in order.

    ``marked`` holds the indexes of the rows whose state carries the redaction mark, found already.
    """
    topic = EntryRedacted.TOPIC
    found = {i for i in marked if i < count}
    found.update(i for i in range(count) if rows[i][3] == topic)
    return sorted(found)


@dataclass
class RedactionAudit:
    """Checks, as ``verify`` streams the log, that redactions are whole and honest (bounded memory:
    one entry per redaction)."""

    recorder: LogRecorder
    redacted: list[int] = field(default_factory=list)
    """Positions of the erased entries, in log order."""
    pending: list[int] = field(default_factory=list)
    """Positions named by a redaction event whose content is still there (a redaction left half done)."""
    _unclaimed: dict[int, bytes] = field(default_factory=dict)

    def see(self, record: LogRecord) -> None:
        """Check one entry of the log, in order; :class:`VerificationError` naming the position."""
        if record.topic == EntryRedacted.TOPIC and _REDACTED_MARK in record.state:
            raise VerificationError(
                f"position {record.position}: a redaction record was itself erased (its audit trail is gone)",
                position=record.position,
            )
        if _REDACTED_MARK in record.state:
            try:
                parts = content.split(record.state)
            except InvalidError:
                return  # its leaf does not match either: the tree check names it
            self.redacted.append(record.position)
            self._unclaimed[record.position] = parts.digest
        named = _names(record)
        if named is None:
            if record.topic == EntryRedacted.TOPIC:
                raise VerificationError(
                    f"position {record.position}: the redaction event cannot be read",
                    position=record.position,
                )
            return
        position, digest = named
        entry = self.recorder.select_log(position - 1, 1)
        if position >= record.position or not entry or entry[0].originator_id != record.originator_id:
            raise VerificationError(
                f"position {record.position}: the redaction event names position {position}, "
                "which is no earlier entry of its subject",
                position=record.position,
            )
        try:
            actual = content.split(entry[0].state).digest
        except InvalidError:
            actual = b""
        if base64.b64encode(actual).decode() != digest:
            raise VerificationError(
                f"position {record.position}: the redaction event names the content digest {digest}, "
                f"but the entry at position {position} commits to another",
                position=record.position,
            )
        if self._unclaimed.pop(position, None) is None and position not in self.redacted:
            self.pending.append(position)

    def finish(self) -> None:
        """At the end of the log: every erased entry must have had its redaction event."""
        if self._unclaimed:
            position = min(self._unclaimed)
            raise VerificationError(
                f"position {position}: the entry's content was erased without a redaction event naming it",
                position=position,
            )
