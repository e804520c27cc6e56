"""Benchmarks of the ledger; each module runs with ``python -m benchmarks.NAME``."""
