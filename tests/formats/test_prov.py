"""W3C PROV export: the ledger's history as PROV, read back by prov's own deserialisers."""

from __future__ import annotations

import io

import pytest
from prov.model import PROV_INVALIDATION, ProvDocument

from domain.errors import InvalidError, NotFoundError
from ledger import Ledger
from ledger.formats.prov import PROV_FORMATS, export_prov, prov_document, read_prov

POST = "post/labour-linkedin-invite"


def exported(ledger: Ledger, format_: str, **selection: object) -> str:
    out = io.StringIO()
    ledger.export_prov(out, format=format_, **selection)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("format_", list(PROV_FORMATS))
def test_every_format_reads_back_to_an_equal_document(story: Ledger, format_: str) -> None:
    original = prov_document(story.log())
    text = exported(story, format_)
    assert read_prov(text, format_) == original
    # The comparison can fail: a document missing one record is not equal.
    shorter = prov_document(e for e in story.log() if e.position != 5)
    assert read_prov(text, format_) != shorter


def test_versions_activities_agents_and_both_clocks(story: Ledger) -> None:
    document = read_prov(exported(story, "prov-json", refs=[POST]), "prov-json")
    history = story.history(POST)
    deletion = next(e for e in history if e.type == "PostDeleted")
    activity = document.get_record(f"event:{deletion.position}")[0]
    attributes = {str(k): v for k, v in activity.attributes}
    assert str(attributes["prov:type"]) == "ledger:PostDeleted"
    assert attributes["ledger:position"] == deletion.position
    assert attributes["ledger:worldTime"].value == str(deletion.event.occurred_at)
    assert attributes["ledger:precision"] == "window"
    assert activity.get_startTime() == deletion.event.occurred_at.earliest
    assert activity.get_endTime() == deletion.event.occurred_at.latest
    invalidated = [r for r in document.get_records() if r.get_type() == PROV_INVALIDATION]
    assert [str(r.formal_attributes[0][1]) for r in invalidated] == [
        f"post:labour-linkedin-invite-v{deletion.version - 1}"
    ]
    text = exported(story, "prov-n", refs=[POST])
    assert f"wasDerivedFrom(post:labour-linkedin-invite-v{deletion.version}, " in text
    assert "wasAttributedTo(post:labour-linkedin-invite-v1, recorder:desk)" in text
    assert "agent(actor:labour-senior-member" in text
    # Only the selected subject's own entries are activities.
    assert sum(1 for r in document.get_records() if r.get_type().localpart == "Activity") == len(history)


def test_a_case_selects_its_subjects(story: Ledger) -> None:
    text = exported(story, "prov-json", case="case/labour-staff-us-campaign")
    document = ProvDocument.deserialize(content=text, format="json")
    subjects = {str(v) for r in document.get_records() for k, v in r.attributes if str(k) == "ledger:subject"}
    linked = {row.subject for row in story.case_subjects("case/labour-staff-us-campaign")}
    assert subjects == {"case/labour-staff-us-campaign", *linked} - {
        ref for ref in linked if not story.exists(ref)
    }


def test_unknown_subjects_and_formats_are_refused(story: Ledger) -> None:
    with pytest.raises(NotFoundError):
        exported(story, "prov-json", refs=["post/nothing-here"])
    with pytest.raises(InvalidError, match="unknown PROV format"):
        exported(story, "prov-ttl")
    with pytest.raises(InvalidError, match="not both"):
        exported(story, "prov-json", refs=[POST], case="case/labour-staff-us-campaign")


def test_free_text_recorder_names_survive(ledger: Ledger) -> None:
    ledger.register_actor("actor/a", name="Ana", kind="person", recorded_by="Zoë O'Neil / desk 2")
    for format_ in PROV_FORMATS:
        text = exported(ledger, format_)
        assert read_prov(text, format_) == prov_document(ledger.log())


@pytest.mark.parametrize("format_", list(PROV_FORMATS))
@pytest.mark.parametrize("chunk", [1, 5, 36, 37, 1000])
def test_written_in_chunks_it_reads_back_to_the_same_document(
    story: Ledger, format_: str, chunk: int
) -> None:
    out = io.StringIO()
    assert export_prov(story, out, format=format_, chunk=chunk) == story.head
    assert read_prov(out.getvalue(), format_) == prov_document(story.log())


def test_an_empty_selection_is_an_empty_document(ledger: Ledger) -> None:
    for format_ in PROV_FORMATS:
        assert read_prov(exported(ledger, format_), format_) == prov_document([])
