"""Where the log lives: backends chosen from a URL, their recorders, and the views' datastore.

- :mod:`ledger.storage.backends`: a ledger URL to eventsourcing's environment, and the checks
  that a file is a ledger;
- :mod:`ledger.storage.seam`: what differs between backends (:class:`StorageKind`) and an open
  one (:class:`Storage`), the one seam;
- :mod:`ledger.storage.records`: :class:`LogRecord` and the :class:`LogRecorder` interface;
- :mod:`ledger.storage.tables`: the names of the ledger's tables;
- :mod:`ledger.storage.sqlite`, :mod:`ledger.storage.postgres`: the two recorders;
- :mod:`ledger.storage.viewstore`: the materialised views wired to the ledger's datastore.
"""
