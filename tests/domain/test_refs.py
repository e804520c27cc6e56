"""References: KIND/SLUG, validated, and their stable UUID5 ids."""

from __future__ import annotations

from uuid import UUID

import pytest
from pydantic import TypeAdapter, ValidationError

from domain.errors import InvalidError
from domain.refs import (
    KINDS,
    MAX_SLUG_LENGTH,
    ActorRef,
    CaseRef,
    ClaimRef,
    CommentRef,
    PostRef,
    Ref,
    SourceRef,
    parse_ref,
    ref_kind,
    subject_id,
)


def test_the_six_kinds() -> None:
    assert KINDS == ("actor", "source", "post", "claim", "comment", "case")


@pytest.mark.parametrize(
    "ref",
    [
        "post/labour-linkedin-invite",
        "claim/cheong-hundred-politicians",
        "comment/newsweek-to-labour-press",
        "actor/ian-miles-cheong",
        "source/fec-foreign-nationals",
        "case/labour-staff-us-campaign",
        "post/a",
        "post/2024",
        "source/v1.2_final-draft",
        "post/" + "a" * MAX_SLUG_LENGTH,
    ],
)
def test_well_formed_references_pass_unchanged(ref: str) -> None:
    assert parse_ref(ref) == ref


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "expected KIND/SLUG"),
        ("labour-linkedin-invite", "expected KIND/SLUG"),
        ("tweet/abc", "KIND one of actor, source, post, claim, comment, case"),
        ("Post/abc", "expected KIND/SLUG"),
        ("post/", "the slug must be lowercase"),
        ("post/Labour", "the slug must be lowercase"),
        ("post/a b", "the slug must be lowercase"),
        ("post/a--b", "separated by single"),
        ("post/-a", "the slug must be lowercase"),
        ("post/a-", "the slug must be lowercase"),
        ("post/a/b", "the slug must be lowercase"),
        ("post/é", "the slug must be lowercase"),
        (" post/a", "expected KIND/SLUG"),
        ("post/a ", "the slug must be lowercase"),
        ("post/" + "a" * (MAX_SLUG_LENGTH + 1), f"at most {MAX_SLUG_LENGTH} characters"),
    ],
)
def test_malformed_references_are_refused_saying_why(text: str, complaint: str) -> None:
    with pytest.raises(InvalidError, match="malformed reference") as raised:
        parse_ref(text)
    assert complaint in str(raised.value)
    assert repr(text) in str(raised.value)


def test_a_reference_that_is_not_text_is_refused() -> None:
    with pytest.raises(InvalidError, match="a reference must be a string, not int"):
        parse_ref(42)  # type: ignore[arg-type]


def test_a_reference_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(InvalidError, match=r"'claim/x' is not a post reference \(expected post/...\)"):
        parse_ref("claim/x", kind="post")
    assert parse_ref("post/x", kind="post") == "post/x"
    with pytest.raises(InvalidError, match=r"'post/x' is not an actor reference \(expected actor/...\)"):
        parse_ref("post/x", kind="actor")


@pytest.mark.parametrize("kind", KINDS)
def test_ref_kind_is_the_part_before_the_slash(kind: str) -> None:
    assert ref_kind(f"{kind}/some-slug") == kind


def test_ids_are_the_uuid5_of_the_reference_and_never_change() -> None:
    # Pinned: stored streams are found by these ids, so they must never move.
    assert subject_id("post/labour-linkedin-invite") == UUID("5b4f2249-4870-55c0-8f1e-780adb951edf")
    assert subject_id("post/labour-linkedin-invite").version == 5


def test_ids_differ_between_references_and_between_kinds() -> None:
    ids = {subject_id(f"{kind}/same") for kind in KINDS}
    assert len(ids) == len(KINDS)
    assert subject_id("post/a") != subject_id("post/b")
    assert subject_id("post/a") == subject_id("post/a")


@pytest.mark.parametrize(
    ("annotation", "kind"),
    [
        (ActorRef, "actor"),
        (SourceRef, "source"),
        (PostRef, "post"),
        (ClaimRef, "claim"),
        (CommentRef, "comment"),
        (CaseRef, "case"),
    ],
)
def test_pydantic_reference_types_accept_only_their_kind(annotation: object, kind: str) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(annotation)
    assert adapter.validate_python(f"{kind}/x") == f"{kind}/x"
    other = next(k for k in KINDS if k != kind)
    article = "an" if kind == "actor" else "a"
    with pytest.raises(ValidationError, match=f"is not {article} {kind} reference"):
        adapter.validate_python(f"{other}/x")


def test_the_any_kind_reference_type_accepts_every_kind_and_refuses_malformed() -> None:
    adapter: TypeAdapter[str] = TypeAdapter(Ref)
    for kind in KINDS:
        assert adapter.validate_python(f"{kind}/x") == f"{kind}/x"
    with pytest.raises(ValidationError, match="malformed reference 'nope'"):
        adapter.validate_python("nope")
