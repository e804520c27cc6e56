"""References: every subject is named ``KIND/SLUG``, and its id derives from that.

A reference is human-chosen (``post/labour-linkedin-invite``) and stable; the
aggregate id is the UUID5 of the reference, so the same reference always
names the same event stream and recording a subject twice collides in the
store instead of creating a silent duplicate.

The kinds: ``actor/`` (a person or organisation), ``source/`` (an article,
regulation, statement, screenshot or archived page), ``post/`` (content on
a platform), ``claim/``, ``comment/`` (a *request for comment*: the question
put to someone, and its answer, refusal or lapse; not a reader's comment on
a post), and ``case/`` (one story or investigation).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Final, Literal, get_args
from uuid import UUID, uuid5

from pydantic import AfterValidator

from domain.errors import InvalidError
from domain.ids import REF_NAMESPACE

Kind = Literal["actor", "source", "post", "claim", "comment", "case"]
KINDS: Final[tuple[str, ...]] = get_args(Kind)


MAX_SLUG_LENGTH: Final = 120
_SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
_WELL_FORMED: dict[str | None, re.Pattern[str]] = {
    None: re.compile(rf"(?:{'|'.join(KINDS)})/{_SLUG.pattern}"),
    **{kind: re.compile(rf"{kind}/{_SLUG.pattern}") for kind in KINDS},
}
#: No slug of this length or less is too long, whatever its kind ("post/" is the shortest prefix).
_SURELY_SHORT_ENOUGH = len("post/") + MAX_SLUG_LENGTH


def parse_ref(text: str, *, kind: str | None = None) -> str:
    """Return ``text`` if it is a well-formed reference (of ``kind``, if given).

    >>> parse_ref("post/labour-linkedin-invite")
    'post/labour-linkedin-invite'
    """
    # Every event and command checks several references: accept the well-formed
    # ones with one regular expression, and work out what is wrong only if needed.
    pattern = _WELL_FORMED.get(kind)
    if (
        pattern is not None
        and isinstance(text, str)
        and len(text) <= _SURELY_SHORT_ENOUGH
        and pattern.fullmatch(text)
    ):
        return text
    if not isinstance(text, str):
        raise InvalidError(f"a reference must be a string, not {type(text).__name__}")
    ref_kind, slash, slug = text.partition("/")
    if not slash or ref_kind not in KINDS:
        raise InvalidError(
            f"malformed reference {text!r}: expected KIND/SLUG with KIND one of {', '.join(KINDS)}"
        )
    if not _SLUG.fullmatch(slug) or len(slug) > MAX_SLUG_LENGTH:
        raise InvalidError(
            f"malformed reference {text!r}: the slug must be lowercase letters and "
            f"digits separated by single '-', '_' or '.', at most {MAX_SLUG_LENGTH} "
            "characters"
        )
    if kind is not None and ref_kind != kind:
        article = "an" if kind[0] in "aeiou" else "a"
        raise InvalidError(f"{text!r} is not {article} {kind} reference (expected {kind}/...)")
    return text


def ref_kind(ref: str) -> str:
    """The kind part of a reference: ``ref_kind("post/x") == "post"``."""
    return ref.partition("/")[0]


@lru_cache(maxsize=2**14)  # a UUID5 is a SHA-1: the ledger asks for the same few ids over and over
def subject_id(ref: str) -> UUID:
    """The aggregate id of the subject named by ``ref`` (UUID5 of the reference)."""
    return uuid5(REF_NAMESPACE, ref)


def _of_kind(kind: str) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return parse_ref(value, kind=kind)
        except InvalidError as error:
            raise ValueError(str(error)) from None

    return AfterValidator(check)


def _any_kind(value: str) -> str:
    try:
        return parse_ref(value)
    except InvalidError as error:
        raise ValueError(str(error)) from None


Ref = Annotated[str, AfterValidator(_any_kind)]
ActorRef = Annotated[str, _of_kind("actor")]
SourceRef = Annotated[str, _of_kind("source")]
PostRef = Annotated[str, _of_kind("post")]
ClaimRef = Annotated[str, _of_kind("claim")]
CommentRef = Annotated[str, _of_kind("comment")]
CaseRef = Annotated[str, _of_kind("case")]
