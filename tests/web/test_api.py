"""The HTTP API end to end: the CLI's JSON over HTTP, errors, the log, search, proofs."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from cli.main import ledger as ledger_command
from ledger import Ledger

POST = "post/labour-linkedin-invite"
COMMENT = "comment/newsweek-to-labour-press"


def cli_json(story: Path, *args: str) -> object:
    result = CliRunner(env={"LEDGER_URL": None}).invoke(ledger_command, ["--db", str(story), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("ref", [POST, COMMENT, "case/labour-staff-us-campaign"])
def test_the_seed_storys_timelines_equal_the_clis(api: httpx.Client, story: Path, ref: str) -> None:
    answer = api.get(f"/subjects/{ref}/timeline")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == cli_json(story, "timeline", ref, "--json")
    at = api.get(f"/subjects/{ref}/timeline", params={"at": "2024-10-16", "as_of": "35"})
    assert at.json() == cli_json(story, "timeline", ref, "--at", "2024-10-16", "--as-of", "35", "--json")


def test_show_and_lists_equal_the_clis(api: httpx.Client, story: Path) -> None:
    assert api.get(f"/subjects/{POST}").json() == cli_json(story, "show", POST, "--json")
    assert api.get(f"/subjects/{POST}", params={"version": 1, "at": "2024-10-15"}).json() == cli_json(
        story, "show", POST, "--version", "1", "--at", "2024-10-15", "--json"
    )
    deleted = api.get("/posts", params={"status": "deleted"}).json()
    assert [row["ref"] for row in deleted] == [POST]
    assert api.get("/claims", params={"claimant": "actor/elon-musk"}).json() == cli_json(
        story, "list", "claims", "--claimant", "actor/elon-musk", "--json"
    )
    waiting = api.get("/comments", params={"status": "awaiting", "at": "2024-10-20"}).json()
    assert [(row["ref"], row["days_waiting"]) for row in waiting] == [(COMMENT, 2)]  # to the end of 10-20


def test_the_report_over_http_is_the_clis(api: httpx.Client, story: Path) -> None:
    page = api.get(f"/subjects/{POST}/report", params={"as_of": "35"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    with Ledger.open(story) as ledger:
        assert page.text == ledger.report(POST, as_of=35)
        markdown = api.get(f"/subjects/{POST}/report", params={"format": "md", "at": "2024-10-16"})
        assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
        assert markdown.text == ledger.report(POST, at="2024-10-16", format="md")
    assert "<svg" in page.text
    assert api.get(f"/subjects/{POST}/report", params={"format": "pdf"}).status_code == 400
    assert api.get("/subjects/post/nobody-posted-this/report").status_code == 404


def test_the_log_streams_as_json_lines(api: httpx.Client, story: Path) -> None:
    with Ledger.open(story) as ledger:
        head = ledger.head
    answer = api.get("/log", params={"after": 30, "limit": 5})
    assert answer.headers["content-type"] == "application/x-ndjson"
    lines = answer.text.splitlines()
    assert [json.loads(line)["position"] for line in lines] == [31, 32, 33, 34, 35]
    every = api.get("/log").text.splitlines()
    assert len(every) == head
    cli = CliRunner(env={"LEDGER_URL": None}).invoke(ledger_command, ["--db", str(story), "log", "--nl"])
    assert every == cli.stdout.splitlines()


def test_search_over_http(api: httpx.Client) -> None:
    hits = api.get("/search", params={"q": "labour staff", "kind": "post"}).json()
    assert {hit["subject"] for hit in hits} == {POST}
    (hit, *_) = hits
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end].casefold() in {"labour", "staff"}
    assert api.get("/search", params={"q": "labour", "limit": 2}).json().__len__() == 2


@pytest.mark.parametrize(
    ("path", "params", "status", "kind", "fragment"),
    [
        (f"/subjects/{POST}/timeline", {"at": "soon"}, 400, "InvalidError", "at: malformed time 'soon'"),
        (f"/subjects/{POST}", {"as_of": "2024-10"}, 400, "InvalidError", "as_of:"),
        (f"/subjects/{POST}", {"version": "0"}, 400, "InvalidError", "version: expected 1 to"),
        ("/subjects/post/no-such-post", {}, 404, "NotFoundError", "post/no-such-post does not exist"),
        ("/subjects/tweet/x", {}, 400, "InvalidError", "kind: expected one of"),
        ("/subjects/post/Bad_Slug", {}, 400, "InvalidError", "malformed"),
        (f"/subjects/{POST}/versions/99", {}, 404, "NotFoundError", "no version 99"),
        ("/posts", {"author": "post/x"}, 400, "InvalidError", "author:"),
        ("/search", {}, 400, "InvalidError", "q: required"),
        ("/search", {"q": " "}, 400, "InvalidError", "at least one word"),
        ("/log", {"limit": "-1"}, 400, "InvalidError", "limit: expected a whole number"),
        ("/proofs/consistency", {"old": "1"}, 404, "NotFoundError", "there is no checkpoint 1"),
        ("/nowhere", {}, 404, "NotFound", "no such path"),
    ],
)
def test_errors_are_one_json_body(
    api: httpx.Client, *, path: str, params: dict[str, str], status: int, kind: str, fragment: str
) -> None:
    answer = api.get(path, params=params)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert (error["status"], error["type"]) == (status, kind)
    assert fragment in error["message"]
    assert "Traceback" not in answer.text


HUGE = "9" * 23


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (f"/subjects/{POST}", "as_of"),
        (f"/subjects/{POST}", "version"),
        (f"/subjects/{POST}/versions/{HUGE}", "version"),
        ("/log", "after"),
        ("/log", "limit"),
        ("/search", "limit"),
        ("/proofs/consistency", "old"),
    ],
)
def test_huge_numbers_are_quoted_as_given(api: httpx.Client, *, path: str, name: str) -> None:
    params = {} if HUGE in path else {name: HUGE}
    if path == "/search":
        params["q"] = "labour"
    answer = api.get(path, params=params)
    assert answer.status_code == 400, answer.text
    message = answer.json()["error"]["message"]
    assert message.startswith(f"{name}: ")
    assert repr(HUGE) in message  # the text given, never a clamped 9223372036854775807
    assert "9223372036854775807'" not in message


def test_long_numbers_are_shortened_in_errors(api: httpx.Client) -> None:
    given = "9" * 200
    message = api.get("/log", params={"after": given}).json()["error"]["message"]
    assert given not in message
    assert "'" + "9" * 39 + "\u2026'" in message


def test_no_writes(api: httpx.Client) -> None:
    answer = api.post(f"/subjects/{POST}", json={})
    assert answer.status_code == 405
    assert answer.json()["error"]["type"] == "MethodNotAllowed"


def test_checkpoints_and_proofs_check_offline(api: httpx.Client, story: Path) -> None:
    from ledger import Signer, check_proof  # noqa: PLC0415

    key = Signer.generate("desk")
    with Ledger.open(story) as ledger:
        ledger.checkpoint(key)
        ledger.register_actor("actor/late", name="Late", kind="person")
        ledger.checkpoint(key)
    (first, second) = api.get("/checkpoints").json()
    assert (first["number"], second["number"], second["size"] - first["size"]) == (1, 2, 1)
    proof = api.get(f"/proofs/inclusion/{POST}", params={"checkpoint": 1}).json()
    with Ledger.open(story) as ledger:
        latest = ledger.history(POST)[-1].position
    assert check_proof(json.dumps(proof), [key.verifier]).record.position == latest
    growth = api.get("/proofs/consistency", params={"old": 1}).json()
    assert check_proof(json.dumps(growth), [key.verifier]).kind == "consistency"


def test_the_openapi_document_tells_the_truth_about_references(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    show = spec["paths"]["/subjects/{kind}/{slug}"]["get"]
    params = {param["name"]: param for param in show["parameters"]}
    assert params["kind"]["schema"]["enum"] == ["actor", "source", "post", "claim", "comment", "case"]
    assert params["slug"]["schema"]["pattern"] == r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
    assert set(show["responses"]) >= {"200", "400", "404"}
    author = {p["name"]: p for p in spec["paths"]["/posts"]["get"]["parameters"]}["author"]
    assert author["schema"]["pattern"].startswith("^(?:actor)/")
