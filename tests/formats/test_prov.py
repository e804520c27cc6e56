"""W3C PROV export: the ledger's history as PROV, read back by prov's own deserialisers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree  # type: ignore[import-untyped]
from prov.model import PROV_INVALIDATION, Literal, ProvDocument

from cli.main import ledger as ledger_command
from domain.errors import InvalidError, NotFoundError
from ledger import Ledger
from ledger.formats.prov import (
    ESCAPED_TEXT,
    PROV_FORMATS,
    export_prov,
    prov_document,
    read_prov,
    unescape_text,
    xml_text,
)

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


HOSTILE = 'hi\x07there "q" \\ back\\x07\nprefix x <urn:x>\n\x1cendDocument\u2028\ufffe\x00'


def _hostile(ledger: Ledger) -> None:
    ledger.register_actor("actor/a", name=HOSTILE, kind="person", recorded_by=f"desk {HOSTILE}")
    ledger.publish_post("post/p", platform="X", author="actor/a", text=HOSTILE, at="2024-10-20")


@pytest.mark.parametrize("format_", list(PROV_FORMATS))
@pytest.mark.parametrize("chunk", [1, 1000])
def test_any_recorded_text_is_written_and_read_back(ledger: Ledger, format_: str, chunk: int) -> None:
    _hostile(ledger)
    out = io.StringIO()
    export_prov(ledger, out, format=format_, chunk=chunk)
    read = read_prov(out.getvalue(), format_)
    assert read == prov_document(ledger.log(), xml=format_ == "prov-xml")
    labels = [v for r in read.get_records() for k, v in r.attributes if str(k) == "prov:label"]
    texts = [
        unescape_text(v.value) if isinstance(v, Literal) and v.datatype == ESCAPED_TEXT else v for v in labels
    ]
    assert HOSTILE in texts  # the actor's name, exactly as recorded
    assert f"desk {HOSTILE}" in texts


def test_prov_xml_is_valid_xml_with_characters_escaped(ledger: Ledger) -> None:
    _hostile(ledger)
    text = exported(ledger, "prov-xml")
    root = etree.fromstring(text.encode())  # strict XML 1.0: refuses what it cannot hold
    names = [e for e in root.iter("{http://www.w3.org/ns/prov#}label") if e.text and e.text.startswith("hi")]
    assert [e.text for e in names] == [
        'hi\\x07there "q" \\\\ back\\\\x07\nprefix x <urn:x>\n\\x1cendDocument\u2028\\ufffe\\x00'
    ]
    assert names[0].get("{http://www.w3.org/2001/XMLSchema-instance}type") == "ledger:EscapedText"
    assert unescape_text(names[0].text or "") == HOSTILE
    # Text XML can hold is left as it is, backslashes and all.
    assert xml_text('plain "q" \\x07') == 'plain "q" \\x07'


def test_prov_xml_export_to_stdout_of_control_characters(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "l.db"
    with Ledger.open(db, recorded_by="desk") as ledger:
        _hostile(ledger)
        ledger.make_claim("claim/c", text="nul\x00here", claimant="actor/a", post="post/p", at="2024-10-20")
    result = runner.invoke(ledger_command, ["--db", str(db), "export", "--format", "prov-xml"])
    assert result.exit_code == 0, result.stderr
    assert "nul\\x00here" in result.stdout
    etree.fromstring(result.stdout.encode())
