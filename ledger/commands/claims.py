"""The commands that record claims, their reviews, and requests for comment."""

from __future__ import annotations

from typing import Annotated

from domain import claim, comment
from domain.claim import Evidence, Stance
from domain.comment import Channel
from domain.events import Text
from domain.refs import ActorRef, ClaimRef, CommentRef, PostRef
from ledger.commands.base import (
    Change,
    Create,
    Refs,
    WorldTimeArg,
    as_text,
    field,
    parsed_by,
    when,
)

EvidenceArg = Annotated[
    Evidence, parsed_by(Evidence.parse), as_text(lambda e: e.source + (f":{e.quote}" if e.quote else ""))
]

# -- claims --------------------------------------------------------------------------------------------


class MakeClaim(Create):
    """Record a claim under REF (claim/...), made in a post."""

    NAME = "claim make"
    METHOD = "make_claim"
    RUNS = staticmethod(claim.make)
    EXAMPLE = (
        'ledger claim make claim/musk-this-is-illegal --text "This is illegal." \\\n'
        "  --claimant actor/elon-musk --in post/musk-x-this-is-illegal \\\n"
        "  --about post/labour-linkedin-invite --at 2024-10-17..2024-10-18"
    )

    ref: ClaimRef
    text: Text = field("What was claimed.")
    claimant: ActorRef = field("Who claimed it.", metavar="ACTOR_REF")
    post: PostRef = field("The post it was made in.", metavar="POST_REF", alias="in")
    about: Refs = field("A subject the claim is about (repeatable).", metavar="REF", default=())
    at: WorldTimeArg = when("when it was made")


class RepeatClaim(Change):
    """Record that the claim REF appeared again, or was amplified, in another post."""

    NAME = "claim repeat"
    METHOD = "repeat_claim"
    RUNS = staticmethod(claim.repeat)
    EXAMPLE = (
        "ledger claim repeat claim/cheong-hundred-politicians --in post/someone-quoting-cheong \\\n"
        "  --by actor/someone --at 2024-10-18"
    )

    ref: ClaimRef
    post: PostRef = field("The post it appeared in.", metavar="POST_REF", alias="in")
    by: ActorRef = field("Who repeated it.", metavar="ACTOR_REF")
    at: WorldTimeArg = when("when it was repeated")


class _Review(Change):
    """A review of a claim: who, the verdict, why, the evidence."""

    ref: ClaimRef
    reviewer: ActorRef = field("Who reviewed it.", metavar="ACTOR_REF")
    verdict: Text = field("The verdict label.", metavar="LABEL")
    rationale: Text = field("Why.", metavar="TEXT")
    evidence: tuple[EvidenceArg, ...] = field(
        "A source, with the passage that matters (repeatable).", metavar="SOURCE_REF[:QUOTE]", default=()
    )
    at: WorldTimeArg = when("when the review was published")


class RebutClaim(_Review):
    """Record a rebuttal of the claim REF: a verdict, why, and the evidence."""

    NAME = "claim rebut"
    METHOD = "rebut_claim"
    RUNS = staticmethod(claim.rebut)
    EXAMPLE = (
        "ledger claim rebut claim/musk-this-is-illegal --reviewer actor/newsweek \\\n"
        '  --verdict "Lacks evidence" --rationale "Foreign nationals may volunteer." \\\n'
        '  --evidence "source/fec-foreign-nationals:may participate ... as an uncompensated volunteer" \\\n'
        "  --at 2024-10-18"
    )


class SupportClaim(_Review):
    """Record that a reviewer found the claim REF accurate, with the evidence."""

    NAME = "claim support"
    METHOD = "support_claim"
    RUNS = staticmethod(claim.support)
    EXAMPLE = (
        "ledger claim support claim/some-claim --reviewer actor/newsweek --verdict Accurate \\\n"
        '  --rationale "The figures match the report." --evidence source/report --at 2024-10-18'
    )


class RateClaim(_Review):
    """Record a review of the claim REF whose verdict neither rebuts nor supports it (unrated)."""

    NAME = "claim rate"
    METHOD = "rate_claim"
    RUNS = staticmethod(claim.rate)
    EXAMPLE = (
        'ledger claim rate claim/some-claim --reviewer actor/newsweek --verdict "Needs context" \\\n'
        '  --rationale "True figures, misleading comparison." --at 2024-10-18'
    )


class ReviseVerdict(_Review):
    """Record a revised verdict on the reviewed claim REF."""

    NAME = "claim revise"
    METHOD = "revise_verdict"
    RUNS = staticmethod(claim.revise)
    EXAMPLE = (
        "ledger claim revise claim/musk-this-is-illegal --reviewer actor/newsweek \\\n"
        '  --verdict False --rationale "The FEC confirmed the rules apply." --at 2024-10-25'
    )

    stance: Stance | None = field("A new stance (default: the latest review's).", default=None)


class RetractClaim(Change):
    """Record that the claim REF was withdrawn."""

    NAME = "claim retract"
    METHOD = "retract_claim"
    RUNS = staticmethod(claim.retract)
    EXAMPLE = (
        'ledger claim retract claim/cheong-hundred-politicians --reason "Deleted the post" --at 2024-10-20'
    )

    ref: ClaimRef
    by: ActorRef | None = field("Who withdrew it (default: the claimant).", metavar="ACTOR_REF", default=None)
    reason: Text | None = field("Why it was withdrawn.", metavar="TEXT", default=None)
    at: WorldTimeArg = when("when it was withdrawn")


# -- requests for comment ------------------------------------------------------------------------------


class RequestComment(Create):
    """Record a request for comment under REF (comment/...)."""

    NAME = "comment request"
    METHOD = "request_comment"
    RUNS = staticmethod(comment.request)
    EXAMPLE = (
        "ledger comment request comment/newsweek-to-labour-press --from actor/newsweek \\\n"
        "  --to actor/labour-press-office --via email --regarding post/labour-linkedin-invite \\\n"
        "  --at 2024-10-18"
    )

    ref: CommentRef
    requester: ActorRef = field("Who asked.", metavar="ACTOR_REF", alias="from")
    recipient: ActorRef = field("Who was asked.", metavar="ACTOR_REF", alias="to")
    channel: Channel = field("How.", alias="via")
    regarding: Refs = field("A subject the request is about (repeatable).", metavar="REF", default=())
    question: Text | None = field("What was asked.", metavar="TEXT", default=None)
    deadline: WorldTimeArg | None = when("the deadline for an answer", default=None)
    at: WorldTimeArg = when("when it was sent")


class _Answer(Change):
    """What came of a request for comment."""

    ref: CommentRef
    text: Text | None = field("What was said, when it can be quoted.", metavar="TEXT", default=None)
    at: WorldTimeArg = when("when it happened")


class ReceiveComment(_Answer):
    """Record the answer to the request REF."""

    NAME = "comment receive"
    METHOD = "receive_comment"
    RUNS = staticmethod(comment.receive)
    EXAMPLE = 'ledger comment receive comment/newsweek-to-labour-press --text "No comment." --at 2024-10-19'


class DeclineComment(_Answer):
    """Record that the recipient of the request REF declined to comment."""

    NAME = "comment decline"
    METHOD = "decline_comment"
    RUNS = staticmethod(comment.decline)
    EXAMPLE = "ledger comment decline comment/newsweek-to-labour-press --at 2024-10-19"


class LapseComment(_Answer):
    """Record that no answer to the request REF had come by a time."""

    NAME = "comment lapse"
    METHOD = "lapse_comment"
    RUNS = staticmethod(comment.lapse)
    EXAMPLE = "ledger comment lapse comment/newsweek-to-labour-press --at 2024-10-25"


__all__ = [
    "DeclineComment",
    "LapseComment",
    "MakeClaim",
    "RateClaim",
    "RebutClaim",
    "ReceiveComment",
    "RepeatClaim",
    "RequestComment",
    "RetractClaim",
    "ReviseVerdict",
    "SupportClaim",
]
