"""Benchmarks of the provenance ledger against what users would otherwise use.

Run them all with ``python -m benchmarks`` (see ``benchmarks/README.md``);
each module also runs alone with ``python -m benchmarks.NAME``.
"""
