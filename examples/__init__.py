"""Example case files; installed as the package ``ledger.examples`` so ``ledger demo`` finds them."""
