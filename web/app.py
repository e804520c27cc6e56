"""The read-only HTTP API: a Starlette application over one ledger, served by uvicorn.

:func:`create_app` routes every :class:`web.operations.Operation` (GET
only), parses its parameters, runs its handler in a worker thread with a
ledger of its own, and turns the ledger's errors into one JSON body
(:data:`web.openapi.ERROR_SCHEMA`): :class:`InvalidError` 400,
:class:`NotFoundError` 404, :class:`ConflictError` and
:class:`StorageError` 503, :class:`VerificationError` 500.

A :class:`ledger.Ledger` is not shared between threads: the application
keeps a pool of them, opened on demand (never creating a ledger) and
closed when the server stops.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from domain.errors import (
    ConflictError,
    InvalidError,
    LedgerError,
    NotFoundError,
    StorageError,
    VerificationError,
)
from ledger import Ledger
from ledger.formats.shapes import entry_json
from web.openapi import document
from web.operations import LOG_LIMIT, Operation, Values, operations

LOG_BATCH = 500


def _status(error: LedgerError) -> int:
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, ConflictError | StorageError):
        return 503
    if isinstance(error, VerificationError):
        return 500
    return 400


def error_response(status: int, kind: str, message: str) -> JSONResponse:
    """The one error body: ``{"error": {"status", "type", "message"}}``."""
    body = {"error": {"status": status, "type": kind, "message": message}}
    headers = {"Retry-After": "1"} if status == 503 else None
    return JSONResponse(body, status_code=status, headers=headers)


class LedgerPool:
    """Ledgers for the worker threads: one per request at a time, reused, closed at the end.

    At most ``size`` are open at once (each holds its own connections); a
    request beyond that waits for one to be free.
    """

    def __init__(self, url: str | None, *, size: int = 8) -> None:
        self.url = url
        self._idle: queue.SimpleQueue[Ledger] = queue.SimpleQueue()
        self._all: list[Ledger] = []
        self._free = threading.BoundedSemaphore(size)

    @contextmanager
    def ledger(self) -> Iterator[Ledger]:
        """A ledger no other thread uses until the block ends."""
        with self._free:
            try:
                ledger = self._idle.get_nowait()
            except queue.Empty:
                ledger = Ledger.open(self.url, create=False)
                self._all.append(ledger)
            try:
                yield ledger
            finally:
                self._idle.put(ledger)

    def close(self) -> None:
        """Close every ledger opened."""
        for ledger in self._all:
            ledger.close()
        self._all.clear()


def _values(op: Operation, request: Request) -> Values:
    values: Values = {}
    for param in op.params:
        if param.where == "path":
            text = request.path_params.get(param.name)
        elif param.where == "header":
            text = request.headers.get(param.name)
        else:
            text = request.query_params.get(param.name)
        values[param.name] = param.read(text)
    return values


def _endpoint(op: Operation, pool: LedgerPool) -> Any:
    def run(request: Request) -> Response:
        values = _values(op, request)
        with pool.ledger() as ledger:
            return op.handler(ledger, values, request)

    async def endpoint(request: Request) -> Response:
        try:
            return await run_in_threadpool(run, request)
        except LedgerError as error:
            return error_response(_status(error), type(error).__name__, str(error))

    return endpoint


def _log_handler(pool: LedgerPool) -> Any:
    def stream(after: int, limit: int) -> Iterator[bytes]:
        # Each batch with a ledger of its own, released between batches: memory stays bounded.
        sent = 0
        with pool.ledger() as ledger:
            head = ledger.head
        while sent < limit and after < head:
            until = min(head, after + min(LOG_BATCH, limit - sent))
            with pool.ledger() as ledger:
                batch = [
                    json.dumps(entry_json(e), ensure_ascii=False) + "\n"
                    for e in ledger.log(after, until=until)
                ]
            if not batch:
                return
            yield "".join(batch).encode()
            sent += len(batch)
            after = until

    def handler(ledger: Ledger, values: Values, request: Request) -> Response:
        after, limit = values["after"] or 0, values["limit"] or LOG_LIMIT
        ledger.log(after)  # refuses, before anything is streamed, a position past the head
        return StreamingResponse(stream(after, limit), media_type="application/x-ndjson")

    return handler


async def _not_found(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)  # noqa: S101 (Starlette registers it for this type only)
    kinds = {404: "NotFound", 405: "MethodNotAllowed"}
    detail = "no such path" if error.status_code == 404 else str(error.detail)
    return error_response(error.status_code, kinds.get(error.status_code, "HTTPError"), detail)


async def _failed(request: Request, error: Exception) -> Response:
    return error_response(500, "InternalError", "the server failed; see its log")


def create_app(url: str | None = None, *, version: str = "unknown") -> Starlette:
    """The API over the ledger at ``url`` (which must exist; default ``LEDGER_URL``, else ./ledger.db).

    A Starlette (ASGI) application; serve it with uvicorn (``ledger serve``).
    """
    pool = LedgerPool(url)
    ops = operations(_log_handler(pool))
    spec = document(ops, version=version)
    routes = [Route(op.path, _endpoint(op, pool), methods=["GET"], name=op.operation_id) for op in ops]

    async def openapi(request: Request) -> Response:
        return JSONResponse(spec)

    routes.append(Route("/openapi.json", openapi, methods=["GET"], name="openapi"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Fail at start, not at the first request, when there is no ledger there.
        with pool.ledger():
            pass
        yield
        pool.close()

    return Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _not_found, Exception: _failed},
    )


__all__ = ["InvalidError", "LedgerPool", "create_app"]
