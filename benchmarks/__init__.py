"""Benchmarks of the provenance ledger against what users would otherwise use.

Run them all with ``python -m benchmarks`` (see ``benchmarks/README.md``).
"""
