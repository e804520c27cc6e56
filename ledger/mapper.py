"""Maps domain events to stored events and back with pydantic.

The pattern of eventsourcing's ``examples/aggregate8``: pydantic turns events
into JSON bytes and back, so no transcodings are registered. Topics are the
explicit ``TOPIC`` of each event class, not module paths, so moving or
renaming a class never orphans stored events.

Each new entry gets a random salt, stored as the last member of its JSON
(``"_salt"``): its leaf commits to the salted digest of its content, so the
content can later be erased without breaking a proof (see
:mod:`ledger.integrity.content`). Decoding drops that member again.

Decoding tries the fast decoder of the event's class first (:mod:`ledger.decoding`: msgspec,
generated from the same pydantic model, the checks in C), and pydantic when that refuses the
payload: pydantic then reads it as it always did, or refuses it with its message.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent
from pydantic import ValidationError

from domain.errors import UnreadableEntryError
from domain.events import Event, describe_validation_error, event_class
from ledger.decoding import REFUSALS, Decode, event_decoder
from ledger.integrity.content import add_salt, new_salt, strip_extras


class PydanticMapper(Mapper[UUID]):
    """Serialises events as the JSON of their pydantic model."""

    salt_entries = True
    """Whether new entries get a salt (a v2 leaf). Off only to measure v1 leaves (benchmarks)."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        event = cast(Event, domain_event)
        state = event.__pydantic_serializer__.to_json(event)
        if self.salt_entries:
            state = add_salt(state, new_salt())
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            topic=type(event).TOPIC,
            state=state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self.decode(
            stored_event.topic,
            stored_event.state,
            stored_event.originator_id,
            stored_event.originator_version,
        )

    def decode(self, topic: str, state: bytes, originator_id: Any, version: int) -> Event:
        """The event stored as ``state`` under ``topic``, checked against its row."""
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        decode = _DECODERS.get(topic)
        if decode is None:
            decode = _decoder(topic)
        try:
            event = decode(strip_extras(state))
        except _NOT_DECODED:
            # Refused by the fast decoder (or not bytes at all): pydantic's answer is the one given.
            event = self._validated(topic, state, originator_id, version)
        # Compare ids as UUIDs first (as numbers: UUID.__eq__ is Python), formatting both as text
        # costs more than the rest of the check.
        stored_id = event.originator_id
        if type(originator_id) is UUID and type(stored_id) is UUID:
            same_id = stored_id.int == originator_id.int
        else:
            same_id = stored_id == originator_id or str(stored_id) == str(originator_id)
        if not same_id or event.originator_version != version:
            raise UnreadableEntryError(
                f"stored event {originator_id} v{version} holds the payload of "
                f"{event.originator_id} v{event.originator_version}"
            )
        return event

    @staticmethod
    def _validated(topic: str, state: bytes, originator_id: Any, version: int) -> Event:
        """The event pydantic reads from ``state``, or why it cannot be read."""
        try:
            return event_class(topic).model_validate_json(strip_extras(state))
        except (ValidationError, ValueError, LookupError, TypeError) as error:
            # pydantic's message spans several lines and names the field on its second: the
            # first problem, its field named, on one line, as the reason.
            described = describe_validation_error(error) if isinstance(error, ValidationError) else str(error)
            reason = (described.splitlines() or [""])[0][:200]
            raise UnreadableEntryError(
                f"stored event {originator_id} v{version} ({str(topic)[:80]}) cannot be read: {reason}"
            ) from None


_DECODERS: dict[str, Decode] = {}
_NOT_DECODED: tuple[type[Exception], ...] = (*REFUSALS, AttributeError)


def _decoder(topic: str) -> Decode:
    """The fast decoder of events stored under ``topic``; for an unknown topic, one that
    refuses everything (pydantic's path then says the topic is unknown)."""
    try:
        cls = event_class(topic)
    except (LookupError, ValueError, TypeError):
        return _refuse_all
    decode = _DECODERS[topic] = event_decoder(cls)
    return decode


def _refuse_all(payload: bytes) -> Event:
    raise ValueError("unknown topic")
