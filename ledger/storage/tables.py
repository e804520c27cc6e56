"""The names of the tables a ledger keeps, on every backend (each PostgreSQL ledger in its own schema).

The views' tables are named by :mod:`projections` (``view_*``, ``view_tracking``).
"""

from __future__ import annotations

#: Name of the table of the log (eventsourcing's default name).
EVENTS_TABLE = "stored_events"

#: The ledger's metadata: ``format`` and ``origin``.
META_TABLE = "ledger_meta"

#: The Merkle tree's stored perfect subtrees, ``(position, level, hash)``.
NODES_TABLE = "merkle_nodes"

#: The signed checkpoints, append-only, ``(seq, size, note, recorded_us)``.
CHECKPOINTS_TABLE = "checkpoints"

#: Every table of a ledger, in the order they are created.
LEDGER_TABLES = (EVENTS_TABLE, META_TABLE, NODES_TABLE, CHECKPOINTS_TABLE)

#: Written into a new ledger's metadata; checked when a ledger is opened.
FORMAT = "provenance-ledger/1"
