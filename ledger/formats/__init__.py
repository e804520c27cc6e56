"""What the ledger reads and writes: JSON shapes, the JSON Lines export, case files.

- :mod:`ledger.formats.shapes`: the public JSON shapes, one definition used by ``--json``,
  exports and the HTTP API;
- :mod:`ledger.formats.exchange`: the whole log as JSON Lines, out and back in;
- :mod:`ledger.formats.casefile`: human-writable TOML and JSON Lines case files;
- :mod:`ledger.formats.registry`: the formats by name, each with its export and import;
- :mod:`ledger.formats.output`: the one way a file is written (FIFOs in place, files complete or absent);
- :mod:`ledger.formats.restore`: an export imported into a new ledger that appears only when complete;
- :mod:`ledger.formats.nesting`: where JSON nests too deeply, for one-line errors.
"""
