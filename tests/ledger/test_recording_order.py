"""Recording the same possible facts in any order gives the same truth (hypothesis).

A random history is built in world-time order so that it is possible: a post
published, deleted and restored in turn, edited and observed while live,
captured present or gone; a claim reviewed by two checkers and revised by one
of them; a request for comment that lapses and is answered; an actor whose
handles and name change. Then the facts are recorded in random orders. A fact
whose prerequisites are not recorded yet is refused (a revision before its
reviewer's review, an edit after a deletion whose restoration is still
unknown) and is offered again once the others are in, as a feed would
redeliver it. Every order must give the same current states, the same state
at random world times, the same rows (views and replay) and the same timelines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import LedgerError
from ledger import Ledger

Fact = tuple[str, Callable[[Ledger], object]]
START = date(2024, 10, 1)
POST, CLAIM, COMMENT, ACTOR = "post/p", "claim/c", "comment/r", "actor/ian"


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


def setup(ledger: Ledger) -> None:
    for ref in ("actor/ann", "actor/a", "actor/b"):
        ledger.register_actor(ref, name=ref, kind="person")
    ledger.register_actor(ACTOR, name="Ian", kind="person", handles=["x:first"])
    ledger.publish_post(POST, platform="X", author="actor/ann", text="v0", at=day(0))
    ledger.make_claim(CLAIM, text="So", claimant="actor/ann", post=POST, at=day(0))
    ledger.request_comment(
        COMMENT, requester="actor/a", recipient="actor/ann", channel="email", at=day(0), deadline=day(1)
    )


@st.composite
def histories(draw: st.DrawFn) -> list[Fact]:  # noqa: PLR0912  (one branch per kind of fact)
    """Possible facts about the post, claim, request and actor, each on its own day."""
    days = iter(sorted(draw(st.sets(st.integers(1, 60), min_size=24, max_size=24))))
    facts: list[Fact] = []
    live = True
    for step in draw(st.lists(st.sampled_from(["turn", "edit", "observe", "capture"]), max_size=8)):
        when = day(next(days))
        if step == "turn":
            if live:
                facts.append((f"delete {when}", lambda led, w=when: led.delete_post(POST, at=w)))
            else:
                facts.append((f"restore {when}", lambda led, w=when: led.restore_post(POST, at=w)))
            live = not live
        elif step == "edit" and live:
            facts.append((f"edit {when}", lambda led, w=when: led.edit_post(POST, text=f"at {w}", at=w)))
        elif step == "observe" and live:
            views = draw(st.integers(0, 10**6))
            facts.append(
                (f"observe {when}", lambda led, w=when, v=views: led.observe_post(POST, at=w, views=v))
            )
        elif step == "capture":
            status = None if live else draw(st.sampled_from([404, 410]))
            facts.append(
                (
                    f"capture {when}",
                    lambda led, w=when, s=status: led.archive_post(
                        POST, url=f"https://a/{w}", at=w, http_status=s
                    ),
                )
            )
    reviewed: set[str] = set()
    for reviewer, verb in draw(
        st.lists(
            st.tuples(
                st.sampled_from(["actor/a", "actor/b"]), st.sampled_from(["rebut", "support", "revise"])
            ),
            max_size=8,  # 8 post facts, 8 reviews, 2 answers and 4 actor changes: 22 of the 24 days
        )
    ):
        when = day(next(days))
        if verb == "revise" and reviewer not in reviewed:
            continue
        reviewed.add(reviewer)
        method = {"rebut": "rebut_claim", "support": "support_claim", "revise": "revise_verdict"}[verb]
        facts.append(
            (
                f"{verb} {reviewer} {when}",
                lambda led, m=method, r=reviewer, w=when: getattr(led, m)(
                    CLAIM, reviewer=r, verdict=f"{m} {w}", rationale="why", at=w
                ),
            )
        )
    answer = draw(st.sampled_from([None, "receive", "decline"]))
    if draw(st.booleans()):
        when = day(next(days))
        facts.append((f"lapse {when}", lambda led, w=when: led.lapse_comment(COMMENT, at=w)))
    if answer is not None:
        when = day(next(days))
        facts.append(
            (f"{answer} {when}", lambda led, a=answer, w=when: getattr(led, f"{a}_comment")(COMMENT, at=w))
        )
    held = {"x:first"}
    for number, change in enumerate(draw(st.lists(st.sampled_from(["add", "drop", "rename"]), max_size=4))):
        when = day(next(days))
        if change == "add":
            handle = f"x:h{number}"
            held.add(handle)
            facts.append(
                (f"add {handle}", lambda led, h=handle, w=when: led.add_actor_handle(ACTOR, handle=h, at=w))
            )
        elif change == "drop" and held:
            handle = sorted(held)[0]
            held.discard(handle)
            facts.append(
                (f"drop {handle}", lambda led, h=handle, w=when: led.drop_actor_handle(ACTOR, handle=h, at=w))
            )
        elif change == "rename":
            facts.append(
                (f"rename {when}", lambda led, w=when: led.rename_actor(ACTOR, name=f"Ian {w}", at=w))
            )
    return facts


def record(facts: list[Fact]) -> Ledger:
    """A ledger with ``facts`` recorded in the given order, refused ones offered again after the rest;
    facts possible only together are then recorded in one batch checked at its end."""
    ledger = Ledger.open(":memory:", recorded_by="desk")
    setup(ledger)
    pending = offer(ledger, facts)
    if pending:
        with ledger.batch(check_at_end=True):
            pending = offer(ledger, pending)
    assert not pending, [name for name, _ in pending]
    return ledger


def offer(ledger: Ledger, facts: list[Fact]) -> list[Fact]:
    """Record what can be, again and again while that makes progress; returns the facts refused."""
    pending = list(facts)
    while pending:
        refused = []
        for name, fact in pending:
            try:
                fact(ledger)
            except LedgerError:
                refused.append((name, fact))
        if len(refused) == len(pending):
            return refused
        pending = refused
    return []


def unversioned(value: Any) -> Any:
    """``value`` without entry versions, which say where entries are in their streams: the recording order."""
    if isinstance(value, dict):
        return {k: unversioned(v) for k, v in value.items() if k != "version"}
    if isinstance(value, list | tuple):
        return [unversioned(item) for item in value]
    return value


def truth(ledger: Ledger, moments: list[str]) -> dict[str, Any]:
    """Everything that must not depend on the order of recording (but for entry versions)."""
    found: dict[str, Any] = {}
    for ref in (POST, CLAIM, COMMENT, ACTOR):
        found[ref] = ledger.get(ref).model_dump(mode="json")
        assert found[ref]["version"] == len(ledger.history(ref))
        for at in moments:
            then = ledger.get(ref, at=at)
            found[f"{ref} at {at}"] = (
                then.status,
                then.possible,
                None if then.state is None else then.state.model_dump(mode="json", exclude={"version"}),
            )
        entries = ledger.timeline(ref).entries
        keys = [entry.sort_key[:2] for entry in entries if entry.occurred_at is not None]
        assert keys == sorted(keys)
        found[f"timeline {ref}"] = sorted(
            (str(e.occurred_at), e.subject, e.type, e.summary) for e in entries if e.occurred_at is not None
        )
    for kind in ("post", "claim", "comment", "actor"):
        for replay in (False, True):
            # Unanswered requests wait until now, which moves: compare waiting at a world time only.
            found[f"{kind} rows {replay}"] = [
                r.model_dump(mode="json", exclude={"waiting", "days_waiting"})
                for r in ledger.rows(kind, replay=replay)
            ]
            found[f"{kind} rows at {replay}"] = [
                r.model_dump(mode="json") for r in ledger.rows(kind, at=moments[0], replay=replay)
            ]
    return unversioned(found)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), facts=histories())
def test_every_recording_order_gives_the_same_truth(data: st.DataObject, facts: list[Fact]) -> None:
    moments = [day(n) for n in data.draw(st.lists(st.integers(0, 62), min_size=1, max_size=3))]
    with record(facts) as in_world_order:
        expected = truth(in_world_order, moments)
    for _ in range(2):
        order = data.draw(st.permutations(facts))
        with record(order) as shuffled:
            assert truth(shuffled, moments) == expected
            # Replay folds entries landing out of world order again from the stream (it keeps
            # states, not events): each state it gives is the subject's at that version.
            for cache_size in (1, 40_000):
                for entry, state in shuffled.replay(cache_size=cache_size):
                    assert state == shuffled.get(entry.subject, version=entry.version), entry
