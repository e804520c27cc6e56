"""Commands about claims, requests for comment, cases and corrections, each valid after the ones before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from benchmarks.world import Case, Claim, Command, Comment, World

_VERDICTS_AGAINST = ["False", "Misleading", "Missing context", "Mostly false", "Unsupported"]
_VERDICTS_FOR = ["True", "Mostly true", "Accurate", "Correct with caveats"]
_CHANNELS = ["email", "phone", "social", "in-person", "other"]

# -- claims -------------------------------------------------------------------------


def make_claim(w: World) -> Command | None:
    if len(w.post_refs) < 2:
        return None
    rng = w.rng
    where = w.pick(w.post_refs)
    about = {w.pick(w.post_refs)} - {where}
    if w.people and rng.random() < 0.3:
        about.add(w.pick(w.people))
    n = w.next_serial()
    ref = f"claim/{n}-{rng.choice(['staff', 'vote', 'law', 'funding', 'travel', 'count'])}"
    claimant = w.posts[where].author
    args: dict[str, Any] = {
        "text": w.text.claim(),
        "claimant": claimant,
        "post": where,
        "at": w.at(),
        "about": sorted(about),
    }
    w.claims[ref] = Claim(claimant=claimant, last=w.clock, posts={where})
    w.claim_refs.append(ref)
    return Command("make_claim", ref, {**args, **w.provenance()})


def repeat_claim(w: World) -> Command | None:
    if not w.claim_refs:
        return None
    ref = w.pick(w.claim_refs)
    where = w.pick(w.post_refs)
    if where in w.claims[ref].posts:
        return None  # a claim appears in a post once
    w.claims[ref].posts.add(where)
    w.claims[ref].last = w.clock
    args = {"post": where, "by": w.posts[where].author, "at": w.at()}
    return Command("repeat_claim", ref, {**args, **w.provenance()})


def _review_args(w: World, against: bool) -> dict[str, Any] | None:
    if not w.organisations or not w.sources:
        return None
    rng = w.rng
    evidence = [
        f"{w.pick(w.sources)}:{w.text.quote()}" if rng.random() < 0.8 else w.pick(w.sources)
        for _ in range(rng.randint(1, 3))
    ]
    return {
        "reviewer": w.pick(w.organisations),
        "verdict": rng.choice(_VERDICTS_AGAINST if against else _VERDICTS_FOR),
        "rationale": w.text.rationale(),
        "at": w.at(),
        "evidence": evidence,
    }


def _review(w: World, method: str, against: bool, *, needs_verdict: bool) -> Command | None:
    if not w.claim_refs:
        return None
    ref = w.pick(w.claim_refs)
    claim = w.claims[ref]
    if needs_verdict and not claim.reviewed:
        return None
    args = _review_args(w, against)
    if args is None:
        return None
    if needs_verdict:
        # A verdict is revised by a reviewer who gave one, after it in world-time order.
        args["reviewer"] = claim.reviewers[0]
        args["at"] = w.minute(w.clock + timedelta(minutes=1))
    else:
        claim.reviewers.append(args["reviewer"])
    claim.reviewed, claim.last = True, w.clock
    return Command(method, ref, {**args, **w.provenance()})


def rebut_claim(w: World) -> Command | None:
    return _review(w, "rebut_claim", True, needs_verdict=False)


def support_claim(w: World) -> Command | None:
    return _review(w, "support_claim", False, needs_verdict=False)


def revise_verdict(w: World) -> Command | None:
    return _review(w, "revise_verdict", w.rng.random() < 0.6, needs_verdict=True)


def retract_claim(w: World) -> Command | None:
    if not w.claim_refs:
        return None
    ref = w.pick(w.claim_refs)
    claim = w.claims[ref]
    if claim.retracted:
        return None
    claim.retracted, claim.last = True, w.clock
    args = {"at": w.at(), "reason": w.text.sentence(6, 16)}
    return Command("retract_claim", ref, {**args, **w.provenance()})


# -- requests for comment ------------------------------------------------------------


def request_comment(w: World) -> Command | None:
    actors = w.people + w.organisations
    if len(actors) < 2 or not w.organisations:
        return None
    rng = w.rng
    requester = w.pick(w.organisations)
    recipient = w.pick(w.people) if w.people and rng.random() < 0.6 else rng.choice(actors)
    if recipient == requester:
        return None
    regarding = {w.pick(w.claim_refs if w.claim_refs else w.post_refs)}
    if w.post_refs and rng.random() < 0.4:
        regarding.add(w.pick(w.post_refs))
    deadline = w.clock + timedelta(days=rng.randint(1, 7))
    n = w.next_serial()
    ref = f"comment/{n}-to-{recipient.partition('/')[2]}"
    args = {
        "requester": requester,
        "recipient": recipient,
        "channel": rng.choice(_CHANNELS),
        "at": w.at(),
        "regarding": sorted(regarding),
        "question": w.text.question(),
        "deadline": deadline.strftime("%Y-%m-%d"),
    }
    w.comments[ref] = Comment(last=w.clock, deadline=deadline)
    w.comment_refs.append(ref)
    return Command("request_comment", ref, {**args, **w.provenance()})


def _open_comment(w: World, *statuses: str) -> tuple[str, Comment] | None:
    if not w.comment_refs:
        return None
    ref = w.pick(w.comment_refs)
    comment = w.comments[ref]
    return (ref, comment) if comment.status in statuses else None


def receive_comment(w: World) -> Command | None:
    return _answer(w, "receive_comment", "answered")


def decline_comment(w: World) -> Command | None:
    return _answer(w, "decline_comment", "declined")


def _answer(w: World, method: str, status: str) -> Command | None:
    found = _open_comment(w, "awaiting", "lapsed")
    if found is None:
        return None
    ref, comment = found
    at = w.at(comment.last)
    comment.status, comment.last = status, max(w.clock, comment.last)
    args: dict[str, Any] = {"at": at}
    if w.rng.random() < 0.8:
        args["text"] = w.text.paragraph(w.rng.randint(1, 4))
    return Command(method, ref, {**args, **w.provenance()})


def lapse_comment(w: World) -> Command | None:
    found = _open_comment(w, "awaiting")
    if found is None:
        return None
    ref, comment = found
    # A request lapses at its deadline at the earliest.
    floor = max(comment.deadline, comment.last)
    comment.status, comment.last = "lapsed", max(w.clock, floor)
    return Command("lapse_comment", ref, {"at": w.minute(comment.last), **w.provenance()})


# -- cases and corrections ---------------------------------------------------------------


def open_case(w: World) -> Command:
    n = w.next_serial()
    ref = f"case/{w.rng.choice(['staff', 'ads', 'vote', 'donors', 'rally'])}-story-{n}"
    w.case_refs.append(ref)
    w.cases[ref] = Case()
    args = {
        "title": w.text.words(w.rng.randint(4, 10)).capitalize(),
        "description": w.text.claim(),
    }
    return Command("open_case", ref, {**args, **w.provenance()})


def link_to_case(w: World) -> Command | None:
    if not w.case_refs:
        return None
    ref = w.pick(w.case_refs)
    case = w.cases[ref]
    pools = [refs for refs in (w.post_refs, w.claim_refs, w.comment_refs, w.people) if refs]
    wanted = min(w.rng.randint(1, 3), w.remaining)
    subjects: list[str] = []
    for _ in range(wanted):
        subject = w.pick(w.rng.choice(pools))
        if subject not in case.linked and subject not in subjects:
            subjects.append(subject)
    if not subjects:
        return None
    case.linked.update(subjects)
    return Command("link_to_case", ref, {"subjects": subjects, **w.provenance()}, events=len(subjects))


def add_case_note(w: World) -> Command | None:
    if not w.case_refs:
        return None
    ref = w.pick(w.case_refs)
    args = {"text": w.text.paragraph(w.rng.randint(1, 3)), "at": w.at()}
    return Command("add_case_note", ref, {**args, **w.provenance()})


def correct(w: World) -> Command | None:
    pools = [refs for refs in (w.post_refs, w.claim_refs, w.comment_refs) if refs]
    if not pools:
        return None
    ref = w.pick(w.rng.choice(pools))
    version = w.rng.randint(1, w.versions[ref])
    args = {"version": version, "reason": w.text.sentence(6, 20)}
    return Command("correct", ref, {**args, **w.provenance()})


MAKERS: dict[str, Callable[[World], Command | None]] = {
    "make_claim": make_claim,
    "repeat_claim": repeat_claim,
    "rebut_claim": rebut_claim,
    "support_claim": support_claim,
    "revise_verdict": revise_verdict,
    "retract_claim": retract_claim,
    "request_comment": request_comment,
    "receive_comment": receive_comment,
    "decline_comment": decline_comment,
    "lapse_comment": lapse_comment,
    "open_case": open_case,
    "link_to_case": link_to_case,
    "add_case_note": add_case_note,
    "correct": correct,
}
"""Each maker by the Ledger method its commands call."""
