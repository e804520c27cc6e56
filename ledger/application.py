"""The eventsourcing application that stores the ledger's events."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper

from ledger.mapper import PydanticMapper
from ledger.records import LogRecorder


class LedgerApplication(Application[UUID]):
    """Stores and retrieves the ledger's events; the ``Ledger`` facade drives it."""

    name = "ProvenanceLedger"
    env: ClassVar[dict[str, str]] = {}

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=PydanticMapper)

    @property
    def log_recorder(self) -> LogRecorder:
        """The recorder, which for a ledger always reads the log and record times."""
        if not isinstance(self.recorder, LogRecorder):
            raise TypeError(f"a ledger needs a LogRecorder, not {type(self.recorder).__name__}")
        return self.recorder

    @property
    def pydantic_mapper(self) -> PydanticMapper:
        """The mapper, which for a ledger is always the pydantic one."""
        if not isinstance(self.mapper, PydanticMapper):
            raise TypeError(f"a ledger needs a PydanticMapper, not {type(self.mapper).__name__}")
        return self.mapper
