"""Recording commands for claims, their reviews, and requests for comment.

Each opens the ledger, calls one :class:`ledger.Ledger` method and prints the
reference it recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli.options import open_ledger, provenance_options, refs_option, when_option
from domain.worldtime import WorldTime
from ledger import Ledger

F = TypeVar("F", bound=Callable[..., Any])
AnswerMethod = Callable[..., str]

CHANNELS = ("email", "phone", "social", "in-person", "other")
STANCES = ("rebutted", "supported", "unrated")


@click.group()
def claim() -> None:
    """Record claims, where they appeared, and their reviews."""


@claim.command("make")
@click.argument("ref")
@click.option("--text", required=True, help="What was claimed.")
@click.option("--claimant", required=True, metavar="ACTOR_REF", help="Who claimed it.")
@click.option("--in", "post", required=True, metavar="POST_REF", help="The post it was made in.")
@refs_option("--about", "REF", "A subject the claim is about")
@when_option(help="when it was made")
@provenance_options
def claim_make(
    *,
    ref: str,
    text: str,
    claimant: str,
    post: str,
    about: tuple[str, ...],
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a claim under REF (claim/...), made in a post.

    \b
    Example:
      ledger claim make claim/musk-this-is-illegal --text "This is illegal." \\
        --claimant actor/elon-musk --in post/musk-x-this-is-illegal \\
        --about post/labour-linkedin-invite --at 2024-10-17..2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.make_claim(
            ref, text=text, claimant=claimant, post=post, about=about, at=at, sources=sources, note=note
        )
    )


@claim.command("repeat")
@click.argument("ref")
@click.option("--in", "post", required=True, metavar="POST_REF", help="The post it appeared in.")
@click.option("--by", required=True, metavar="ACTOR_REF", help="Who repeated it.")
@when_option(help="when it was repeated")
@provenance_options
def claim_repeat(
    *, ref: str, post: str, by: str, at: WorldTime, sources: tuple[str, ...], note: str | None
) -> None:
    """Record that the claim REF appeared again, or was amplified, in another post.

    \b
    Example:
      ledger claim repeat claim/cheong-hundred-politicians --in post/someone-quoting-cheong \\
        --by actor/someone --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.repeat_claim(ref, post=post, by=by, at=at, sources=sources, note=note))


def _review_options(command: F) -> F:
    for decorator in reversed(
        (
            click.option("--reviewer", required=True, metavar="ACTOR_REF", help="Who reviewed it."),
            click.option("--verdict", required=True, metavar="LABEL", help="The verdict label."),
            click.option("--rationale", required=True, metavar="TEXT", help="Why."),
            click.option(
                "--evidence",
                multiple=True,
                metavar="SOURCE_REF[:QUOTE]",
                help="A source, with the passage that matters (repeatable).",
            ),
            when_option(help="when the review was published"),
        )
    ):
        command = decorator(command)
    return command


@claim.command("rebut")
@click.argument("ref")
@_review_options
@provenance_options
def claim_rebut(
    *,
    ref: str,
    reviewer: str,
    verdict: str,
    rationale: str,
    evidence: tuple[str, ...],
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a rebuttal of the claim REF: a verdict, why, and the evidence.

    \b
    Example:
      ledger claim rebut claim/musk-this-is-illegal --reviewer actor/newsweek \\
        --verdict "Lacks evidence" --rationale "Foreign nationals may volunteer." \\
        --evidence "source/fec-foreign-nationals:may participate ... as an uncompensated volunteer" \\
        --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.rebut_claim(
            ref,
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            evidence=evidence,
            at=at,
            sources=sources,
            note=note,
        )
    )


@claim.command("support")
@click.argument("ref")
@_review_options
@provenance_options
def claim_support(
    *,
    ref: str,
    reviewer: str,
    verdict: str,
    rationale: str,
    evidence: tuple[str, ...],
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record that a reviewer found the claim REF accurate, with the evidence.

    \b
    Example:
      ledger claim support claim/some-claim --reviewer actor/newsweek --verdict Accurate \\
        --rationale "The figures match the report." --evidence source/report --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.support_claim(
            ref,
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            evidence=evidence,
            at=at,
            sources=sources,
            note=note,
        )
    )


@claim.command("rate")
@click.argument("ref")
@_review_options
@provenance_options
def claim_rate(
    *,
    ref: str,
    reviewer: str,
    verdict: str,
    rationale: str,
    evidence: tuple[str, ...],
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a review of the claim REF whose verdict neither rebuts nor supports it (unrated).

    \b
    Example:
      ledger claim rate claim/some-claim --reviewer actor/newsweek --verdict "Needs context" \\
        --rationale "True figures, misleading comparison." --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.rate_claim(
            ref,
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            evidence=evidence,
            at=at,
            sources=sources,
            note=note,
        )
    )


@claim.command("revise")
@click.argument("ref")
@_review_options
@click.option("--stance", type=click.Choice(STANCES), help="A new stance (default: the latest review's).")
@provenance_options
def claim_revise(
    *,
    ref: str,
    reviewer: str,
    verdict: str,
    rationale: str,
    evidence: tuple[str, ...],
    at: WorldTime,
    stance: str | None,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a revised verdict on the reviewed claim REF.

    \b
    Example:
      ledger claim revise claim/musk-this-is-illegal --reviewer actor/newsweek \\
        --verdict False --rationale "The FEC confirmed the rules apply." --at 2024-10-25
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.revise_verdict(
            ref,
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            evidence=evidence,
            at=at,
            stance=stance,
            sources=sources,
            note=note,
        )
    )


@claim.command("retract")
@click.argument("ref")
@click.option("--by", metavar="ACTOR_REF", help="Who withdrew it (default: the claimant).")
@click.option("--reason", metavar="TEXT", help="Why it was withdrawn.")
@when_option(help="when it was withdrawn")
@provenance_options
def claim_retract(
    *, ref: str, by: str | None, reason: str | None, at: WorldTime, sources: tuple[str, ...], note: str | None
) -> None:
    """Record that the claim REF was withdrawn.

    \b
    Example:
      ledger claim retract claim/cheong-hundred-politicians --reason "Deleted the post" --at 2024-10-20
    """
    ledger = open_ledger(create=True)
    click.echo(ledger.retract_claim(ref, by=by, reason=reason, at=at, sources=sources, note=note))


@click.group()
def comment() -> None:
    """Record requests for comment and what came of them."""


@comment.command("request")
@click.argument("ref")
@click.option("--from", "requester", required=True, metavar="ACTOR_REF", help="Who asked.")
@click.option("--to", "recipient", required=True, metavar="ACTOR_REF", help="Who was asked.")
@click.option("--via", "channel", required=True, type=click.Choice(CHANNELS), help="How.")
@refs_option("--regarding", "REF", "A subject the request is about")
@click.option("--question", metavar="TEXT", help="What was asked.")
@when_option("--deadline", required=False, help="the deadline for an answer")
@when_option(help="when it was sent")
@provenance_options
def comment_request(
    *,
    ref: str,
    requester: str,
    recipient: str,
    channel: str,
    regarding: tuple[str, ...],
    question: str | None,
    deadline: WorldTime | None,
    at: WorldTime,
    sources: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a request for comment under REF (comment/...).

    \b
    Example:
      ledger comment request comment/newsweek-to-labour-press --from actor/newsweek \\
        --to actor/labour-press-office --via email --regarding post/labour-linkedin-invite \\
        --at 2024-10-18
    """
    ledger = open_ledger(create=True)
    click.echo(
        ledger.request_comment(
            ref,
            requester=requester,
            recipient=recipient,
            channel=channel,
            regarding=regarding,
            question=question,
            deadline=deadline,
            at=at,
            sources=sources,
            note=note,
        )
    )


def _answer_command(name: str, method: AnswerMethod, summary: str, example: str) -> click.Command:
    """``comment receive``, ``decline`` and ``lapse``: the same options, another method."""

    @click.argument("ref")
    @click.option("--text", metavar="TEXT", help="What was said, when it can be quoted.")
    @when_option(help="when it happened")
    @provenance_options
    def command(
        ref: str, text: str | None, at: WorldTime, sources: tuple[str, ...], note: str | None
    ) -> None:
        ledger = open_ledger(create=True)
        click.echo(method(ledger, ref, text=text, at=at, sources=sources, note=note))

    command.__doc__ = f"{summary}\n\n\b\nExample:\n  {example}"
    return comment.command(name)(command)


comment_receive = _answer_command(
    "receive",
    Ledger.receive_comment,
    "Record the answer to the request REF.",
    'ledger comment receive comment/newsweek-to-labour-press --text "No comment." --at 2024-10-19',
)
comment_decline = _answer_command(
    "decline",
    Ledger.decline_comment,
    "Record that the recipient of the request REF declined to comment.",
    "ledger comment decline comment/newsweek-to-labour-press --at 2024-10-19",
)
comment_lapse = _answer_command(
    "lapse",
    Ledger.lapse_comment,
    "Record that no answer to the request REF had come by a time.",
    "ledger comment lapse comment/newsweek-to-labour-press --at 2024-10-25",
)
