"""Random valid histories: the views, caught up at random points and interrupted mid-batch, agree with replay.

At the end of each history, for every log prefix (``as_of``) and a few world
times (``at``), every timeline and every list from the views equals the one
replayed from the log; then a full rebuild gives exactly the same rows.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import PersistenceError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.refs import KINDS
from ledger import Ledger, LedgerError, NotFoundError
from ledger.storage.sqlite_transactions import SQLiteViewWrites
from ledger.storage.viewstore import LedgerLog
from projections.runner import Projections
from projections.sql import SQLITE, Database

WHEN = st.sampled_from(
    [
        "2024-10-14",
        "2024-10-15..2024-10-17",
        "2024-10-16T10:00Z",
        "2024-10-16T11:00:30.5+01:00",
        "2024-10-17",
        "2024-10",
        "2024-10-18T09:30Z",
        "2024-10-20..2024-10-22",
    ]
)
AT = ["2024-10-15", "2024-10-16T10:00:45Z", "2024-10-19", "2024-11"]


class _Interrupted(sqlite3.OperationalError):
    """The failure injected into a batch's transaction."""


class _FailingCursor:
    """A cursor whose transaction fails at its n-th statement, as if the process died there."""

    def __init__(self, cursor: Any, statements: int) -> None:
        self._cursor = cursor
        self._left = statements

    def _count(self) -> None:
        self._left -= 1
        if self._left < 0:
            raise _Interrupted("interrupted mid-batch")

    def execute(self, *args: Any) -> Any:
        self._count()
        return self._cursor.execute(*args)

    def executemany(self, *args: Any) -> Any:
        self._count()
        return self._cursor.executemany(*args)

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> Any:
        return self._cursor.fetchall()


class _Interrupting:
    """The ledger's datastore, with every write transaction failing at its n-th statement."""

    def __init__(self, writes: SQLiteViewWrites, statements: int) -> None:
        self._writes = writes
        self._statements = statements

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Any]:
        with self._writes.transaction(commit=commit) as cursor:
            yield _FailingCursor(cursor, self._statements) if commit else cursor


def view_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as connection:
        names = [
            row[0]
            for row in connection.execute(
                # FTS5's own shadow tables lay out the same texts differently after an interrupted batch.
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'view_%' "
                "AND name NOT LIKE 'view_search_%'"
            )
        ]
        return {name: sorted(connection.execute(f"SELECT * FROM {name}").fetchall()) for name in names}


class LedgerHistory(RuleBasedStateMachine):
    """Records random commands (the domain refuses the impossible ones) and catches the views up."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="views-machine-"))
        self.path = self.folder / "ledger.db"
        self.ledger = Ledger.open(self.path, recorded_by="machine")
        self.refs: dict[str, list[str]] = {kind: [] for kind in KINDS}
        self.serial = 0

    def teardown(self) -> None:
        try:
            self.check_every_prefix_and_a_rebuild()
        finally:
            self.ledger.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- recording -------------------------------------------------------------------------------

    @initialize()
    def a_newsroom(self) -> None:
        for name in ("ada", "bob", "cy"):
            self._try(
                "actor",
                f"actor/{name}",
                self.ledger.register_actor,
                f"actor/{name}",
                name=name,
                kind="person",
            )
        self._try(
            "source", "source/memo", self.ledger.register_source, "source/memo", title="Memo", at="2024-10-13"
        )
        self._try(
            "post",
            "post/first",
            self.ledger.publish_post,
            "post/first",
            platform="X",
            author="actor/ada",
            text="first",
            at="2024-10-15..2024-10-17",
            sources=["source/memo"],
        )

    def _new(self, kind: str) -> str:
        self.serial += 1
        return f"{kind}/{kind}-{self.serial}"

    def _try(self, kind: str | None, ref: str | None, command: Any, /, *args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except LedgerError:
            return  # an impossible command: refused, nothing recorded
        if kind is not None and ref is not None:
            self.refs[kind].append(ref)

    def _some(self, data: st.DataObject, kind: str) -> str:
        return data.draw(st.sampled_from(self.refs[kind]))

    def _sources(self, data: st.DataObject) -> list[str]:
        if not self.refs["source"]:
            return []
        return data.draw(st.lists(st.sampled_from(self.refs["source"]), max_size=2, unique=True))

    @rule(kind=st.sampled_from(["person", "organization"]))
    def register_actor(self, kind: str) -> None:
        ref = self._new("actor")
        self._try(
            "actor", ref, self.ledger.register_actor, ref, name=ref, kind=kind, handles=[f"x:{ref[6:]}"]
        )

    @precondition(lambda self: self.refs["actor"])
    @rule(data=st.data(), at=WHEN, change=st.sampled_from(["add", "drop", "rename"]))
    def change_actor(self, data: st.DataObject, at: str, change: str) -> None:
        actor = self._some(data, "actor")
        handle = data.draw(st.sampled_from(["x:one", "x:two", f"x:{actor[6:]}"]))
        if change == "add":
            self._try(None, None, self.ledger.add_actor_handle, actor, handle=handle, at=at)
        elif change == "drop":
            self._try(None, None, self.ledger.drop_actor_handle, actor, handle=handle, at=at)
        else:
            self._try(None, None, self.ledger.rename_actor, actor, name=f"renamed {at}", at=at)

    @precondition(lambda self: self.refs["actor"])
    @rule(data=st.data(), at=st.none() | WHEN)
    def register_source(self, data: st.DataObject, at: str | None) -> None:
        ref = self._new("source")
        publisher = data.draw(st.none() | st.sampled_from(self.refs["actor"]))
        self._try("source", ref, self.ledger.register_source, ref, title=ref, publisher=publisher, at=at)

    @precondition(lambda self: self.refs["actor"])
    @rule(data=st.data(), at=WHEN)
    def publish_post(self, data: st.DataObject, at: str) -> None:
        ref = self._new("post")
        reply = data.draw(st.none() | st.sampled_from(self.refs["post"])) if self.refs["post"] else None
        self._try(
            "post",
            ref,
            self.ledger.publish_post,
            ref,
            platform=data.draw(st.sampled_from(["X", "LinkedIn"])),
            author=self._some(data, "actor"),
            text=data.draw(st.sampled_from([f"text of {ref}", None])),  # None: known only by its traces
            at=data.draw(st.sampled_from([at, ".." + at.rsplit("..", maxsplit=1)[-1]])),
            in_reply_to=reply,
            sources=self._sources(data),
        )

    @precondition(lambda self: self.refs["post"])
    @rule(
        data=st.data(),
        at=WHEN,
        change=st.sampled_from(
            ["observe", "edit", "archive", "capture gone", "capture text", "delete", "restore"]
        ),
    )
    def change_post(self, data: st.DataObject, at: str, change: str) -> None:
        post = self._some(data, "post")
        sources = self._sources(data)
        if change == "observe":
            views = data.draw(st.none() | st.integers(0, 10**6))
            self._try(
                None, None, self.ledger.observe_post, post, at=at, views=views, likes=3, sources=sources
            )
        elif change == "edit":
            self._try(None, None, self.ledger.edit_post, post, text=f"edit {self.serial}", at=at)
            self.serial += 1
        elif change == "archive":
            self._try(None, None, self.ledger.archive_post, post, url="https://archive.example/x", at=at)
        elif change == "capture gone":
            status = data.draw(st.sampled_from([404, 410, None]))
            tombstone = status is None
            self._try(
                None,
                None,
                self.ledger.archive_post,
                post,
                url="https://a.example/g",
                at=at,
                http_status=status,
                tombstone=tombstone,
            )
        elif change == "capture text":
            self._try(
                None,
                None,
                self.ledger.archive_post,
                post,
                url="https://a.example/t",
                at=at,
                text=f"seen {at}",
            )
        elif change == "delete":
            self._try(
                None, None, self.ledger.delete_post, post, at=at, deleted_by="platform", sources=sources
            )
        else:
            self._try(None, None, self.ledger.restore_post, post, at=at)

    @precondition(lambda self: self.refs["actor"] and self.refs["post"])
    @rule(data=st.data(), at=WHEN)
    def make_claim(self, data: st.DataObject, at: str) -> None:
        ref = self._new("claim")
        subjects = [ref for kind in ("post", "claim", "actor") for ref in self.refs[kind]]
        about = data.draw(st.lists(st.sampled_from(subjects), max_size=2, unique=True))
        self._try(
            "claim",
            ref,
            self.ledger.make_claim,
            ref,
            text=f"claim {ref}",
            claimant=self._some(data, "actor"),
            post=self._some(data, "post"),
            about=about,
            at=at,
            sources=self._sources(data),
        )

    @precondition(lambda self: self.refs["claim"])
    @rule(
        data=st.data(),
        at=WHEN,
        review=st.sampled_from(["rebut", "support", "rate", "revise", "retract", "repeat"]),
    )
    def review_claim(self, data: st.DataObject, at: str, review: str) -> None:
        claim, actor = self._some(data, "claim"), self._some(data, "actor")
        if review == "retract":
            self._try(None, None, self.ledger.retract_claim, claim, at=at, reason="withdrawn")
            return
        if review == "repeat":
            self._try(
                None, None, self.ledger.repeat_claim, claim, post=self._some(data, "post"), by=actor, at=at
            )
            return
        method = {
            "rebut": self.ledger.rebut_claim,
            "support": self.ledger.support_claim,
            "rate": self.ledger.rate_claim,
        }.get(review)
        evidence = [f"{source}:quoted" for source in self._sources(data)]
        arguments: dict[str, Any] = {
            "reviewer": actor,
            "verdict": review.title(),
            "rationale": "why",
            "at": at,
        }
        if method is None:
            method = self.ledger.revise_verdict
            arguments["stance"] = data.draw(st.none() | st.sampled_from(["rebutted", "supported"]))
        self._try(None, None, method, claim, evidence=evidence, **arguments)

    @precondition(lambda self: len(self.refs["actor"]) >= 2)
    @rule(data=st.data(), at=WHEN, deadline=st.none() | WHEN)
    def request_comment(self, data: st.DataObject, at: str, deadline: str | None) -> None:
        ref = self._new("comment")
        requester, recipient = data.draw(
            st.lists(st.sampled_from(self.refs["actor"]), min_size=2, max_size=2, unique=True)
        )
        subjects = self.refs["post"] + self.refs["claim"]
        regarding = (
            data.draw(st.lists(st.sampled_from(subjects), max_size=2, unique=True)) if subjects else []
        )
        self._try(
            "comment",
            ref,
            self.ledger.request_comment,
            ref,
            requester=requester,
            recipient=recipient,
            channel="email",
            regarding=regarding,
            at=at,
            deadline=deadline,
        )

    @precondition(lambda self: self.refs["comment"])
    @rule(data=st.data(), at=WHEN, answer=st.sampled_from(["receive", "decline", "lapse"]))
    def answer_comment(self, data: st.DataObject, at: str, answer: str) -> None:
        method = {"receive": self.ledger.receive_comment, "decline": self.ledger.decline_comment}
        chosen = method.get(answer, self.ledger.lapse_comment)
        self._try(None, None, chosen, self._some(data, "comment"), at=at, text="no comment")

    @rule(data=st.data())
    def open_case(self, data: st.DataObject) -> None:
        ref = self._new("case")
        self._try("case", ref, self.ledger.open_case, ref, title=ref, sources=self._sources(data))

    @precondition(lambda self: self.refs["case"])
    @rule(data=st.data(), at=WHEN)
    def link_or_note(self, data: st.DataObject, at: str) -> None:
        case = self._some(data, "case")
        subjects = [ref for kind in KINDS for ref in self.refs[kind] if ref != case]
        if subjects and data.draw(st.booleans()):
            self._try(None, None, self.ledger.link_to_case, case, [data.draw(st.sampled_from(subjects))])
        else:
            self._try(None, None, self.ledger.add_case_note, case, text="a note", at=at)

    @precondition(lambda self: any(self.refs.values()))
    @rule(data=st.data())
    def correct(self, data: st.DataObject) -> None:
        ref = data.draw(st.sampled_from([ref for refs in self.refs.values() for ref in refs]))
        self._try(None, None, self.ledger.correct, ref, version=data.draw(st.integers(1, 3)), reason="typo")

    # -- the views ----------------------------------------------------------------------------------

    def _views(self, batch_size: int, datastore: Any = None) -> Projections:
        writes = SQLiteViewWrites(self.ledger._recorder.datastore)  # type: ignore[attr-defined]
        database = Database(datastore(writes) if datastore else writes, SQLITE)
        return Projections(
            database,
            LedgerLog(self.ledger._recorder, self.ledger._mapper),
            batch_size=batch_size,
            cache_size=batch_size * 2,
        )

    @rule(data=st.data(), batch_size=st.integers(1, 6))
    def catch_up_part_way(self, data: st.DataObject, batch_size: int) -> None:
        until = data.draw(st.integers(0, self.ledger.head))
        assert self._views(batch_size).catch_up(until) == until

    @rule(batch_size=st.integers(1, 6), statements=st.integers(0, 12))
    def catch_up_interrupted_mid_batch(self, batch_size: int, statements: int) -> None:
        views = self._views(batch_size, lambda writes: _Interrupting(writes, statements))
        failure: PersistenceError | None = None
        try:
            views.catch_up()
        except PersistenceError as error:
            failure = error
        assert failure is None or isinstance(failure.__cause__, _Interrupted)

    @invariant()
    def no_view_holds_rows_past_its_position(self) -> None:
        with closing(sqlite3.connect(self.path)) as connection:
            if not view_tables(self.path):
                return
            tracked = dict(connection.execute("SELECT view_name, position FROM view_tracking").fetchall())
            checks = {
                "timeline": "SELECT MAX(since) FROM view_timeline_joins",
                **{
                    view: f"SELECT MAX(valid_from) FROM view_{view}"
                    for view in ("actors", "sources", "posts", "claims", "comments", "cases")
                },
            }
            for view, query in checks.items():
                if view in tracked:
                    (last,) = connection.execute(query).fetchone()
                    assert (last or 0) <= tracked[view], view

    # -- the end of a history: views and replay agree everywhere ---------------------------------------

    def check_every_prefix_and_a_rebuild(self) -> None:
        ledger = self.ledger
        refs = [ref for refs in self.refs.values() for ref in refs]
        for position in range(ledger.head + 1):
            at = AT[position % len(AT)]
            # Every subject's timeline at the head, and a few (in turn) at each earlier prefix.
            chosen = refs if position == ledger.head else refs[position % 4 :: 4]
            for ref in chosen:
                self.same_timeline(ref, position, at)
            # Search: the same texts from the view as from a scan of the log.
            for query in ("text of", "edit", "no"):
                found = {(h.position, h.field) for h in ledger.search(query, as_of=position, limit=None)}
                scanned = ledger.search(query, as_of=position, limit=None, replay=True)
                assert found == {(h.position, h.field) for h in scanned}, query
            for kind in KINDS:
                assert ledger.rows(kind, as_of=position) == ledger.rows(kind, as_of=position, replay=True)
                views = ledger.rows(kind, at=at, as_of=position)
                assert views == ledger.rows(kind, at=at, as_of=position, replay=True)
        before = view_tables(self.path)
        ledger.rebuild_projections()
        assert view_tables(self.path) == before

    def same_timeline(self, ref: str, position: int, at: str) -> None:
        try:
            replayed = self.ledger.timeline(ref, as_of=position, replay=True)
        except NotFoundError:
            with pytest.raises(NotFoundError):
                self.ledger.timeline(ref, as_of=position)
            return
        assert self.ledger.timeline(ref, as_of=position) == replayed
        assert self.ledger.timeline(ref, at=at, as_of=position) == self.ledger.timeline(
            ref, at=at, as_of=position, replay=True
        )


LedgerHistory.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_views_agree_with_replay = LedgerHistory.TestCase
