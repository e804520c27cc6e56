"""Export and import of a whole ledger: the same log on any backend, or nothing."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import InvalidError, Ledger, StorageError
from ledger.demo import COMMENT, POST, record_seed_story
from ledger.formats.exchange import EXPORT_FORMAT

Lines = list[str]


def export_text(ledger: Ledger) -> str:
    out = io.StringIO()
    ledger.export(out)
    return out.getvalue()


def log_lines(text: str) -> Lines:
    """The lines of an export, less the header's export time: what must survive a round trip."""
    lines = text.splitlines()
    header = json.loads(lines[0])
    del header["exported_at"]
    return [json.dumps(header), *lines[1:]]


@pytest.fixture
def seed_export(tmp_path: Path) -> str:
    with Ledger.open(tmp_path / "seed.db", recorded_by="desk") as ledger:
        record_seed_story(ledger)
        return export_text(ledger)


def test_the_seed_story_goes_sqlite_postgres_sqlite_unchanged(tmp_path: Path, postgres_url: str) -> None:
    with Ledger.open(tmp_path / "first.db", recorded_by="desk") as first:
        record_seed_story(first)
        first.export(tmp_path / "first.jsonl")
        original = [first.timeline(POST), first.timeline(COMMENT), list(first.log()), first.tree_head()]
    with Ledger.open(postgres_url) as middle:
        summary = middle.import_export(tmp_path / "first.jsonl")
        assert summary.events == middle.head == 37
        middle.export(tmp_path / "middle.jsonl")
        assert [
            middle.timeline(POST),
            middle.timeline(COMMENT),
            list(middle.log()),
            middle.tree_head(),
        ] == original
    with Ledger.open(tmp_path / "last.db") as last:
        last.import_export(tmp_path / "middle.jsonl")
        assert [last.timeline(POST), last.timeline(COMMENT), list(last.log()), last.tree_head()] == original
        last.export(tmp_path / "last.jsonl")
    exports = [log_lines((tmp_path / f"{name}.jsonl").read_text()) for name in ("first", "middle", "last")]
    assert exports[0] == exports[1] == exports[2]


def test_an_import_is_the_same_log_and_the_ledger_goes_on(ledger_url: str, seed_export: str) -> None:
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        summary = ledger.import_export(io.StringIO(seed_export))
        assert summary.events == 37
        assert summary.origin.startswith("provenance-ledger/")
        assert log_lines(export_text(ledger)) == log_lines(seed_export)
        # The imported subjects are known: recording them again is refused, appending works.
        ledger.add_case_note(
            "case/labour-staff-us-campaign", text="Imported, then annotated.", at="2024-10-19"
        )
        assert ledger.head == 38
        last = list(ledger.log(after=36))
        assert last[1].recorded_at >= last[0].recorded_at


def test_an_export_lists_every_event_with_its_stored_bytes(seed_export: str) -> None:
    lines = [json.loads(line) for line in seed_export.splitlines()]
    header, events, end = lines[0], lines[1:-1], lines[-1]
    assert header["kind"] == "header"
    assert header["format"] == EXPORT_FORMAT
    assert header["events"] == len(events) == 37
    assert end == {"kind": "end", "events": 37}
    assert [e["position"] for e in events] == list(range(1, 38))
    assert set(events[0]) == {
        "kind",
        "position",
        "stream",
        "version",
        "topic",
        "recorded_at",
        "sha256",
        "state",
    }
    assert events[0]["recorded_at"].endswith("Z")


def test_an_export_to_a_file_appears_complete_or_not_at_all(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        target = tmp_path / "out.jsonl"
        assert ledger.export(target).events == 1
        assert target.read_text().count("\n") == 3
        assert not (tmp_path / "out.jsonl.partial").exists()
        with pytest.raises(StorageError, match="cannot write export"):
            ledger.export(tmp_path / "missing-dir" / "out.jsonl")


def test_an_export_stops_at_the_head_it_found(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")

        class WritesWhileExporting(io.StringIO):
            """A stream that records a new entry in the ledger as the export begins."""

            def write(self, text: str) -> int:
                if not ledger.exists("actor/late"):
                    ledger.register_actor("actor/late", name="Late", kind="person")
                return super().write(text)

        out = WritesWhileExporting()
        assert ledger.export(out).events == 1
        assert ledger.head == 2
        assert '"events":1' in out.getvalue().splitlines()[-1]


def test_import_refuses_a_ledger_that_is_not_empty(ledger_url: str, seed_export: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        with pytest.raises(
            InvalidError,
            match=r"^cannot import into a ledger that is not empty \(head 1\); import into a new ledger$",
        ):
            ledger.import_export(io.StringIO(seed_export))
        assert ledger.head == 1


def test_import_refuses_a_ledger_written_to_while_it_began(ledger_url: str, seed_export: str) -> None:
    with Ledger.open(ledger_url) as ledger, Ledger.open(ledger_url) as other:

        class RacingExport(io.StringIO):
            """An export whose first read lets another writer record an entry first."""

            def __next__(self) -> str:
                if not other.exists("actor/first"):
                    other.register_actor("actor/first", name="First", kind="person")
                return super().__next__()

        with pytest.raises(
            InvalidError, match=r"^cannot import the export: the ledger is not empty \(head 1\)$"
        ):
            ledger.import_export(RacingExport(seed_export))
        assert [entry.subject for entry in ledger.log()] == ["actor/first"]


def _edit(number: int, **changes: object) -> Callable[[Lines], Lines]:
    def edit(lines: Lines) -> Lines:
        value = json.loads(lines[number - 1])
        value.update(changes)
        lines[number - 1] = json.dumps(value)
        return lines

    return edit


def _flip_state_byte(lines: Lines) -> Lines:
    value = json.loads(lines[4])
    state = value["state"]
    value["state"] = state[:10] + ("A" if state[10] != "A" else "B") + state[11:]
    lines[4] = json.dumps(value)
    return lines


def _swap_payloads(lines: Lines) -> Lines:
    fifth, sixth = json.loads(lines[4]), json.loads(lines[5])
    for key in ("state", "sha256", "topic"):
        fifth[key], sixth[key] = sixth[key], fifth[key]
    lines[4], lines[5] = json.dumps(fifth), json.dumps(sixth)
    return lines


CORRUPTIONS: dict[str, tuple[Callable[[Lines], Lines], str]] = {
    "empty": (lambda lines: [], "line 1: the export is empty"),
    "a blank line": (lambda lines: [*lines[:6], " ", *lines[6:]], "line 7: an empty line"),
    "not json": (lambda lines: [*lines[:6], "{oops", *lines[7:]], "line 7: not JSON"),
    "not an export": (lambda lines: ['{"kind": "header"}', *lines[1:]], "line 1: not a ledger export"),
    "a byte flipped": (_flip_state_byte, "line 5: its state does not match its sha256"),
    "payloads swapped": (_swap_payloads, "line 5: stored event ... holds the payload of"),
    "a line deleted": (lambda lines: lines[:9] + lines[10:], "line 10: position 10 follows position 8"),
    "lines swapped": (
        lambda lines: [*lines[:3], lines[4], lines[3], *lines[5:]],
        "line 4: position 4 follows",
    ),
    "a line repeated": (
        lambda lines: [*lines[:8], lines[7], *lines[8:]],
        "line 9: position 7 follows position 7",
    ),
    "truncated": (lambda lines: lines[:20], "line 20: the export ends after 19 of 37 events (no end line)"),
    "end line lies": (_edit(39, events=36), "line 39: the end line counts 36 events, not 37"),
    "an event dropped from the end": (
        lambda lines: [*lines[:-2], lines[-1]],
        "line 38: the export ends after 36 events, not the 37 announced",
    ),
    "a line after the end": (lambda lines: [*lines, lines[1]], "line 40: lines follow the end line"),
    "version jumps": (_edit(2, version=2), "line 2: stream"),
    "unknown topic": (_edit(3, topic="ledger.Nonsense.v1"), "line 3: stored event ... unknown event topic"),
    "record time goes back": (
        _edit(12, recorded_at="2001-01-01T00:00:00.000000Z"),
        "line 12: its record time is earlier than the entry before",
    ),
    "record time malformed": (_edit(12, recorded_at="yesterday"), "line 12: record time 'yesterday' is not"),
    "record time shaped right, no such month": (
        _edit(12, recorded_at="2026-91-30T23:22:39.250480Z"),
        "line 12: record time '2026-91-30T23:22:39.250480Z' is not a time",
    ),
    "stream not a uuid": (_edit(2, stream="post/x"), "line 2: stream 'post/x' is not a UUID"),
    "position missing": (_edit(2, position=None), "line 2: field 'position' is missing or not a int"),
    "not base64": (_edit(2, state="!!!"), "line 2: its state is not base64"),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupted_export_is_refused_naming_the_line_and_nothing_is_imported(
    ledger_url: str, seed_export: str, corruption: str
) -> None:
    corrupt, message = CORRUPTIONS[corruption]
    lines = corrupt(seed_export.splitlines())
    text = "\n".join(lines) + "\n" if lines else ""
    with Ledger.open(ledger_url) as ledger:
        origin = export_text(ledger).splitlines()[0]
        with pytest.raises(InvalidError) as raised:
            ledger.import_export(io.StringIO(text))
        # "A ... B": the message begins with A (after the source's name) and goes on to B.
        start, _, rest = message.partition(" ... ")
        assert str(raised.value).startswith(f"the export, {start}")
        assert rest in str(raised.value)
        assert "\n" not in str(raised.value)
        assert ledger.head == 0
        assert json.loads(export_text(ledger).splitlines()[0])["origin"] == json.loads(origin)["origin"]


def test_an_export_file_is_named_in_errors(tmp_path: Path, seed_export: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(seed_export.replace('"position":3,', '"position":30,'))
    with Ledger.open(tmp_path / "l.db") as ledger, pytest.raises(InvalidError, match=f"^{path}, line 4: "):
        ledger.import_export(path)
    with Ledger.open(tmp_path / "l.db") as ledger, pytest.raises(StorageError, match="cannot read export"):
        ledger.import_export(tmp_path / "missing.jsonl")


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40).map(
    str.strip
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(names.filter(bool), min_size=1, max_size=8), st.text(max_size=200).filter(str.strip))
def test_export_then_import_reproduces_any_log(actors: list[str], text: str) -> None:
    with Ledger.open(":memory:", recorded_by="prop") as ledger:
        for number, name in enumerate(actors):
            ledger.register_actor(f"actor/a{number}", name=name, kind="person")
        ledger.publish_post("post/p", platform="X", author="actor/a0", text=text, at="2024-10-16T09:30Z")
        exported = export_text(ledger)
        post = ledger.get("post/p")
    with Ledger.open(":memory:") as copy:
        copy.import_export(io.StringIO(exported))
        assert log_lines(export_text(copy)) == log_lines(exported)
        assert copy.get("post/p") == post


def test_signed_checkpoints_move_with_the_log_and_still_verify(tmp_path: Path, postgres_url: str) -> None:
    key = Ledger.generate_key("desk")
    with Ledger.open(tmp_path / "first.db", recorded_by="desk") as first:
        record_seed_story(first)
        early = first.checkpoint(key)
        first.register_actor("actor/late", name="Late", kind="person")
        late = first.checkpoint(key)
        assert first.export(tmp_path / "first.jsonl").checkpoints == 2
        head = first.tree_head()
    with Ledger.open(postgres_url) as middle:
        assert middle.import_export(tmp_path / "first.jsonl").checkpoints == 2
        assert middle.tree_head() == head
        assert middle.verify(keys=[key.verifier], trusted=early).checkpoints == 2
        # The copy goes on: its tree grows from the imported one, and it signs further.
        middle.register_actor("actor/later", name="Later", kind="person")
        middle.checkpoint(key)
        middle.export(tmp_path / "middle.jsonl")
        grown = middle.tree_head()
    with Ledger.open(tmp_path / "last.db") as last:
        last.import_export(tmp_path / "middle.jsonl")
        assert last.tree_head() == grown
        report = last.verify(keys=[key.verifier], trusted=late)
        assert (report.events, report.checkpoints) == (39, 3)


def _signed_export(tmp_path: Path) -> list[str]:
    with Ledger.open(tmp_path / "signed.db", recorded_by="desk") as ledger:
        record_seed_story(ledger)
        ledger.checkpoint(Ledger.generate_key("desk"))
        return export_text(ledger).splitlines()


def test_an_export_whose_entries_do_not_match_its_checkpoint_is_refused(tmp_path: Path) -> None:
    lines = _signed_export(tmp_path)
    # A rewritten payload, with its digest rewritten to match: only the checkpoint can tell.
    event = json.loads(lines[2])
    state = base64.b64decode(event["state"])
    assert b"Newsweek" in state
    state = state.replace(b"Newsweek", b"Newsweak")
    event.update(state=base64.b64encode(state).decode(), sha256=hashlib.sha256(state).hexdigest())
    lines[2] = json.dumps(event)
    with Ledger.open(tmp_path / "copy.db") as copy:
        with pytest.raises(
            InvalidError, match=r"^the export, line 2: checkpoint #1 does not match the entries"
        ):
            copy.import_export(io.StringIO("\n".join(lines) + "\n"))
        assert copy.head == 0


def test_a_malformed_checkpoint_line_is_refused(tmp_path: Path) -> None:
    lines = _signed_export(tmp_path)
    checkpoint = json.loads(lines[1])
    checkpoint["note"] = checkpoint["note"].split("\n\n")[0]
    lines[1] = json.dumps(checkpoint)
    with (
        Ledger.open(tmp_path / "copy.db") as copy,
        pytest.raises(InvalidError, match="line 2: checkpoint #1 is malformed"),
    ):
        copy.import_export(io.StringIO("\n".join(lines) + "\n"))
