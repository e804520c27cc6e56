"""The read-only HTTP API of the ledger (Starlette on uvicorn): ``ledger serve``.

>>> from web import create_app
"""

from web.app import create_app

__all__ = ["create_app"]
