"""Cases: opened, subjects linked, notes added, and the refusals."""

from __future__ import annotations

import pytest

from domain import case
from domain.case import CaseNote, CaseOpened, CaseState, NoteAdded, SubjectLinked
from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from tests.domain.conftest import CASE, CLAIM, POST, REPORT, REQUEST
from tests.domain.support import World, provenance, when


def test_open_builds_the_event_and_its_state(world: World) -> None:
    event = case.open_case("case/cy", title="A story", description="Who said what", **world.kwargs())
    assert isinstance(event, CaseOpened)
    assert (event.occurred_at, event.actor, event.summary()) == (None, None, "case opened: A story")
    assert event.apply(None) == CaseState(
        ref="case/cy", version=1, title="A story", description="Who said what"
    )


@pytest.mark.parametrize(
    ("ref", "title", "error", "message"),
    [
        (CASE, "Again", AlreadyExistsError, "case/story already exists"),
        ("case/cy", "", InvalidError, "title: String should have at least 1 character"),
        ("post/cy", "T", InvalidError, "'post/cy' is not a case reference"),
    ],
)
def test_open_refusals(world: World, ref: str, title: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        case.open_case(ref, title=title, **world.kwargs())


def test_linked_subjects_are_kept_in_order(world: World) -> None:
    event = case.link(world.state(CASE), POST, **world.kwargs())
    assert isinstance(event, SubjectLinked)
    assert (event.linked, event.references(), event.summary(), event.occurred_at) == (
        POST,
        (POST,),
        "linked post/ann-first",
        None,
    )
    world.record(event)
    world.record(
        case.link(world.state(CASE), REQUEST, provenance=provenance(REPORT), directory=world.directory)
    )
    state = world.state(CASE)
    assert (state.subjects, state.version) == ((POST, REQUEST), 3)


def test_a_subject_is_linked_at_most_once(world: World) -> None:
    world.record(case.link(world.state(CASE), CLAIM, **world.kwargs()))
    with pytest.raises(InvalidError, match="claim/bob-says is already linked to case/story"):
        case.link(world.state(CASE), CLAIM, **world.kwargs())


@pytest.mark.parametrize(
    ("subject", "error", "message"),
    [
        (CASE, InvalidError, "case/story cannot be linked to itself"),
        ("post/zz", NotFoundError, "subject post/zz does not exist"),
        ("nope", InvalidError, "linked: malformed reference 'nope'"),
    ],
)
def test_link_refusals(world: World, subject: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        case.link(world.state(CASE), subject, **world.kwargs())


def test_notes_are_kept_with_the_entry_that_added_them(world: World) -> None:
    event = case.note(world.state(CASE), text="Context: see the BBC.", at=when("2024-09"), **world.kwargs())
    assert isinstance(event, NoteAdded)
    assert event.summary() == "note: Context: see the BBC."
    assert event.apply(world.state(CASE)).notes == (
        CaseNote(version=2, text="Context: see the BBC.", at=when("2024-09")),
    )
    with pytest.raises(InvalidError, match="text: String should have at least 1 character"):
        case.note(world.state(CASE), text="", at=when("2024"), **world.kwargs())
