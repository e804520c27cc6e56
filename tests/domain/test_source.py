"""Sources: registration, archive captures, and the refusals."""

from __future__ import annotations

from typing import Any

import pytest

from domain import source
from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from domain.source import ArchiveCapture, SourceArchived, SourceRegistered, SourceState
from tests.domain.conftest import DESK, REPORT, RULES
from tests.domain.support import World, provenance, when


def test_register_builds_the_event_and_its_state(world: World) -> None:
    event = source.register(
        "source/fec-foreign-nationals",
        title="FEC: Foreign nationals",
        kind="regulation",
        url="https://www.fec.gov/",
        publisher=DESK,
        at=when("2024-10"),
        provenance=provenance(REPORT),
        directory=world.directory,
    )
    assert isinstance(event, SourceRegistered)
    assert event.actor == DESK
    assert event.references() == (REPORT, DESK)
    assert event.summary() == "regulation published: FEC: Foreign nationals"
    assert event.apply(None) == SourceState(
        ref="source/fec-foreign-nationals",
        version=1,
        title="FEC: Foreign nationals",
        kind="regulation",
        url="https://www.fec.gov/",
        publisher=DESK,
        published_at=when("2024-10"),
    )


def test_a_source_needs_only_a_title(world: World) -> None:
    event = source.register("source/tip", title="A tip", **world.kwargs())
    state = event.apply(None)
    assert (state.kind, state.url, state.publisher, state.published_at) == ("article", None, None, None)
    assert event.actor is None
    assert event.references() == ()


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"publisher": "actor/nobody"}, NotFoundError, "publisher actor/nobody does not exist"),
        ({"publisher": "post/x"}, InvalidError, "publisher: 'post/x' is not an actor reference"),
        ({"kind": "rumour"}, InvalidError, "kind: Input should be 'article', 'regulation'"),
        ({"title": ""}, InvalidError, "title: String should have at least 1 character"),
        ({"url": " "}, InvalidError, "url: String should have at least 1 character"),
        ({"ref": "actor/tip"}, InvalidError, "'actor/tip' is not a source reference"),
        ({"ref": REPORT}, AlreadyExistsError, "source/report already exists"),
        ({"provenance": provenance("source/tip")}, NotFoundError, "source source/tip does not exist"),
    ],
)
def test_register_refusals(
    world: World, fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {"ref": "source/tip", "title": "A tip", **world.kwargs(), **fields}
    with pytest.raises(error, match=message):
        source.register(**arguments)


def test_archive_adds_a_capture(world: World) -> None:
    event = source.archive(
        world.state(REPORT),
        url="https://archive.org/x",
        at=when("2024-10-19T08:00Z"),
        digest="sha256:ab",
        **world.kwargs(),
    )
    assert isinstance(event, SourceArchived)
    assert (event.originator_version, event.summary()) == (2, "archived at https://archive.org/x")
    state = event.apply(world.state(REPORT))
    assert state.version == 2
    assert state.archives == (
        ArchiveCapture(
            url="https://archive.org/x", captured_at=when("2024-10-19T08:00Z"), digest="sha256:ab"
        ),
    )
    again = source.archive(state, url="https://archive.ph/y", at=when("2024-10-20"), **world.kwargs())
    assert [a.url for a in again.apply(state).archives] == ["https://archive.org/x", "https://archive.ph/y"]


def test_an_archive_cannot_precede_publication_but_may_overlap_it(world: World) -> None:
    with pytest.raises(
        InvalidError,
        match="source/report cannot have been archived at 2024-10-17: it was published 2024-10-18",
    ):
        source.archive(
            world.state(REPORT), url="https://archive.org/x", at=when("2024-10-17"), **world.kwargs()
        )
    overlapping = source.archive(
        world.state(REPORT), url="https://archive.org/x", at=when("2024-10"), **world.kwargs()
    )
    assert overlapping.occurred_at == when("2024-10")
    # A source with no known publication time can be archived at any time.
    assert source.archive(world.state(RULES), url="https://a.org/", at=when("1999"), **world.kwargs())


def test_an_archive_needs_a_url(world: World) -> None:
    with pytest.raises(InvalidError, match="url: String should have at least 1 character"):
        source.archive(world.state(REPORT), url="", at=when("2024-10-19"), **world.kwargs())
