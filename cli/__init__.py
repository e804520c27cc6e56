"""The ``ledger`` command: a thin click layer over :class:`ledger.Ledger`."""
