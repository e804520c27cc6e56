"""Actors: registration, handles, and the refusals."""

from __future__ import annotations

from typing import Any

import pytest

from domain import actor
from domain.actor import ActorRegistered, ActorState, Handle, HandleHeld
from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from domain.refs import subject_id
from tests.domain.conftest import AUTHOR, REPORT
from tests.domain.support import World, provenance


def test_register_builds_the_event_and_its_state(world: World) -> None:
    event = actor.register(
        "actor/cy",
        name="Cy Press",
        kind="organization",
        description="A news agency",
        handles=["X:cypress", Handle(platform="linkedin", handle="cy-press")],
        provenance=provenance(REPORT, note="from the masthead"),
        directory=world.directory,
    )
    assert isinstance(event, ActorRegistered)
    assert (event.originator_id, event.originator_version, event.subject) == (
        subject_id("actor/cy"),
        1,
        "actor/cy",
    )
    assert (event.recorded_by, event.sources, event.note) == ("desk", (REPORT,), "from the masthead")
    assert event.occurred_at is None
    assert event.actor is None
    assert event.references() == (REPORT,)
    assert event.summary() == "organization registered: Cy Press"
    assert event.apply(None) == ActorState(
        ref="actor/cy",
        version=1,
        name="Cy Press",
        kind="organization",
        description="A news agency",
        handles=(Handle(platform="x", handle="cypress"), Handle(platform="linkedin", handle="cy-press")),
        held=(
            HandleHeld(handle=Handle(platform="x", handle="cypress")),
            HandleHeld(handle=Handle(platform="linkedin", handle="cy-press")),
        ),
        names=("Cy Press",),
    )


def test_handles_read_platform_colon_handle() -> None:
    handle = Handle.parse("  X : @ElonMusk ")
    assert (handle.platform, handle.handle) == ("x", "@ElonMusk")
    assert str(handle) == "x:@ElonMusk"


def test_a_lone_handle_is_one_handle(world: World) -> None:
    event = actor.register("actor/cy", name="Cy", kind="person", handles="x:cy", **world.kwargs())
    assert event.handles == (Handle(platform="x", handle="cy"),)


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"handles": ["cypress"]}, InvalidError, "malformed handle 'cypress': expected PLATFORM:HANDLE"),
        ({"handles": [":cypress"]}, InvalidError, "malformed handle ':cypress'"),
        ({"handles": ["x: "]}, InvalidError, "malformed handle 'x: '"),
        ({"handles": ["x:cy", "X:cy"]}, InvalidError, "handles: the same handle is given twice"),
        ({"kind": "robot"}, InvalidError, "kind: Input should be 'person' or 'organization'"),
        ({"name": "  "}, InvalidError, "name: String should have at least 1 character"),
        ({"name": None}, InvalidError, "name: Input should be a valid string"),
        ({"description": ""}, InvalidError, "description: String should have at least 1 character"),
        ({"ref": "post/cy"}, InvalidError, r"'post/cy' is not an actor reference \(expected actor/...\)"),
        ({"ref": "actor/Cy"}, InvalidError, "malformed reference 'actor/Cy'"),
        ({"ref": AUTHOR}, AlreadyExistsError, "actor/ann already exists"),
        ({"provenance": provenance("source/missing")}, NotFoundError, "source source/missing does not exist"),
    ],
)
def test_register_refusals(
    world: World, fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    arguments: dict[str, Any] = {
        "ref": "actor/cy",
        "name": "Cy",
        "kind": "person",
        **world.kwargs(),
        **fields,
    }
    with pytest.raises(error, match=message):
        actor.register(**arguments)


@pytest.mark.parametrize(
    ("handles", "message"),
    [
        ([5], "a handle must be PLATFORM:HANDLE text, not int"),
        (["x:bad \udcff byte"], "handle.handle: Input should be a valid string"),
    ],
)
def test_handles_that_are_not_valid_text_are_refused(world: World, handles: list[Any], message: str) -> None:
    with pytest.raises(InvalidError, match=message):
        actor.register("actor/cy", name="Cy", kind="person", handles=handles, **world.kwargs())


def test_a_lone_handle_object_is_one_handle(world: World) -> None:
    handle = Handle(platform="x", handle="cy")
    assert actor.register("actor/cy", name="Cy", kind="person", handles=handle, **world.kwargs()).handles == (
        handle,
    )  # type: ignore[arg-type]
