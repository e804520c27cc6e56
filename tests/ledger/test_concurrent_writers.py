"""Several processes recording into one ledger at once, on each backend.

Real processes (``multiprocessing``, spawned), each with its own ``Ledger``.
On different subjects every entry lands, at dense positions without
duplicates. On the same subject the losing writer gets a clear, retryable
``ConflictError`` (or ``AlreadyExistsError`` when both create it), and after
retrying nothing is lost or written twice.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections import Counter
from collections.abc import Callable
from multiprocessing.queues import SimpleQueue
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest

from ledger import AlreadyExistsError, ConflictError, Ledger

WRITERS = 4
ENTRIES = 15
RETRIES = 50

_spawn = multiprocessing.get_context("spawn")


def _child(target: Callable[..., Any], index: int, args: tuple[Any, ...], results: SimpleQueue[Any]) -> None:
    try:
        results.put((index, "ok", target(*args)))
    except BaseException:
        results.put((index, "error", traceback.format_exc()))


def run_processes(target: Callable[..., Any], *argses: tuple[Any, ...]) -> list[Any]:
    """Run ``target(*args)`` for each args in a process of its own, all at once; their results in order."""
    results: SimpleQueue[Any] = _spawn.SimpleQueue()
    processes = [
        _spawn.Process(target=_child, args=(target, index, args, results))
        for index, args in enumerate(argses)
    ]
    for process in processes:
        process.start()
    outcomes = {index: (status, value) for index, status, value in (results.get() for _ in processes)}
    for process in processes:
        process.join(timeout=60)
    errors = [value for status, value in outcomes.values() if status == "error"]
    assert not errors, errors[0]
    return [outcomes[index][1] for index in range(len(processes))]


def _register_actors(url: str, writer: int, start: Barrier) -> list[str]:
    """Register ENTRIES actors of this writer's own, one command each; report any failure."""
    failures = []
    with Ledger.open(url, recorded_by=f"writer-{writer}") as ledger:
        start.wait()
        for entry in range(ENTRIES):
            try:
                ledger.register_actor(f"actor/w{writer}-{entry}", name=f"W{writer} {entry}", kind="person")
            except Exception as error:
                failures.append(f"{type(error).__name__}: {error}")
    return failures


def _race(url: str, command: str, start: Barrier) -> str:
    """Read the shared subject, wait until every writer has read it, then commit."""
    with Ledger.open(url, recorded_by="racer") as ledger:
        try:
            with ledger.batch():
                if command == "create":
                    ledger.register_actor("actor/contested", name="Contested", kind="person")
                else:
                    ledger.add_case_note(
                        "case/shared", text=f"note by {_spawn.current_process().name}", at="2024"
                    )
                start.wait()
        except (ConflictError, AlreadyExistsError) as error:
            return f"{type(error).__name__}: {error}"
    return "won"


def _append_notes(url: str, writer: int, start: Barrier) -> int:
    """Append ENTRIES notes to the shared case, retrying each on conflict; return the conflicts seen."""
    conflicts = 0
    with Ledger.open(url, recorded_by=f"writer-{writer}") as ledger:
        start.wait()
        for entry in range(ENTRIES):
            for _ in range(RETRIES):
                try:
                    ledger.add_case_note("case/shared", text=f"w{writer}-{entry}", at="2024")
                    break
                except ConflictError:
                    conflicts += 1
            else:
                raise AssertionError(f"writer {writer} gave up on note {entry}")
    return conflicts


def _check_dense_log(url: str, expected: int) -> None:
    with Ledger.open(url) as ledger:
        entries = list(ledger.log())
        assert [e.position for e in entries] == list(range(1, expected + 1))
        assert ledger.head == expected
        times = [e.recorded_at for e in entries]
        assert times == sorted(times)
        # Every entry is a leaf of the tree, stored in the writer's own transaction.
        assert ledger.verify().events == expected


def test_writers_on_different_subjects_all_land(ledger_url: str) -> None:
    Ledger.open(ledger_url).close()
    start = _spawn.Barrier(WRITERS)
    results = run_processes(_register_actors, *[(ledger_url, w, start) for w in range(WRITERS)])
    assert results == [[]] * WRITERS
    _check_dense_log(ledger_url, WRITERS * ENTRIES)
    with Ledger.open(ledger_url) as ledger:
        subjects = Counter(e.subject for e in ledger.log())
        assert set(subjects) == {f"actor/w{w}-{e}" for w in range(WRITERS) for e in range(ENTRIES)}
        assert set(subjects.values()) == {1}


@pytest.mark.parametrize(
    ("command", "loser"),
    [
        ("create", "AlreadyExistsError: actor/contested already exists"),
        ("append", "ConflictError: case/shared was changed by another writer at the same time; try again"),
    ],
)
def test_the_loser_of_a_race_on_one_subject_is_told_to_retry(
    ledger_url: str, command: str, loser: str
) -> None:
    with Ledger.open(ledger_url) as ledger:
        ledger.open_case("case/shared", title="Shared")
    start = _spawn.Barrier(2)
    outcomes = sorted(run_processes(_race, *[(ledger_url, command, start)] * 2))
    assert outcomes == sorted(["won", loser])
    _check_dense_log(ledger_url, 2)


def test_writers_on_one_subject_retry_until_every_entry_lands_once(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        ledger.open_case("case/shared", title="Shared")
    start = _spawn.Barrier(WRITERS)
    conflicts = run_processes(_append_notes, *[(ledger_url, w, start) for w in range(WRITERS)])
    print(f"{sum(conflicts)} conflicts retried")
    _check_dense_log(ledger_url, 1 + WRITERS * ENTRIES)
    with Ledger.open(ledger_url) as ledger:
        history = ledger.history("case/shared")
        assert [e.version for e in history] == list(range(1, 2 + WRITERS * ENTRIES))
        notes = Counter(e.event.summary() for e in history[1:])
        assert len(notes) == WRITERS * ENTRIES
        assert set(notes.values()) == {1}
