"""The materialised views of one ledger: opened on first use, kept up to the log, errors named.

:class:`Views` is the projections part of :class:`ledger.Ledger`: the
:class:`~projections.runner.Projections` of its database (see
:mod:`ledger.storage.viewstore`), and their upkeep. A lock held by another
writer is a :class:`ConflictError` to retry; any other storage failure a
:class:`StorageError` naming the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from domain.errors import ConflictError
from ledger.mapper import PydanticMapper
from ledger.storage import damage
from ledger.storage.damage import view_error
from ledger.storage.seam import Storage
from ledger.storage.viewstore import open_views
from projections.runner import Projections, ViewStatus

T = TypeVar("T")


class Views:
    """The ledger's materialised views and their upkeep."""

    def __init__(self, storage: Storage, mapper: PydanticMapper) -> None:
        self._storage = storage
        self._mapper = mapper
        self._opened: Projections | None = None

    @property
    def projections(self) -> Projections:
        """The views, opened (their tables made if missing) on first use."""
        if self._opened is None:
            self._opened = open_views(self._storage, self._mapper)
        return self._opened

    def forget(self) -> None:
        """Drop the open projections (after their tables were dropped): reopened when next used."""
        self._opened = None

    def fresh(self, position: int) -> Projections:
        """The views, brought up to log ``position`` at least."""
        views = self.projections
        self._run("update", lambda: views.catch_up(position))
        return views

    def read(self, call: Callable[[], T]) -> T:
        """The answer of ``call`` (a read of the views): damage met there names the views, not the log."""
        return self._run("read", call)

    def projections_status(self) -> list[ViewStatus]:
        """Each view's log position and lag behind the head of the log.

        >>> from ledger import Ledger
        >>> with Ledger.open(":memory:") as ledger:
        ...     _ = ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     [(s.view, s.position, s.lag) for s in ledger.projections_status()][:2]
        [('timeline', 0, 1), ('actors', 0, 1)]
        """
        return self._run("read", self.projections.status)

    def catch_up_projections(self) -> int:
        """Bring every view up to the head of the log (queries do this themselves); returns the head."""
        return self._run("update", self.projections.catch_up)

    def rebuild_projections(self, view: str | None = None) -> int:
        """Drop a view (every view by default) and build it again from the whole log; returns the head."""
        views = self.projections
        return self._run("rebuild", lambda: views.rebuild(view))

    def _run(self, action: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except damage.STORE_ERRORS as error:
            if self._storage.is_lock_error(error):
                raise ConflictError(f"the ledger is busy with another writer; try again ({error})") from None
            raise view_error(error, action, self._storage.url) from None
