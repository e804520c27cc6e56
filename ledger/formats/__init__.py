"""What the ledger reads and writes: JSON shapes, the JSON Lines export, case files.

- :mod:`ledger.formats.shapes`: the public JSON shapes, one definition used by ``--json``,
  exports and the HTTP API;
- :mod:`ledger.formats.exchange`: the whole log as JSON Lines, out and back in;
- :mod:`ledger.formats.casefile`: human-writable TOML and JSON Lines case files;
- :mod:`ledger.formats.registry`: the formats by name, each with its export and import.
"""
