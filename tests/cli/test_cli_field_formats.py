"""The field's formats on the command line: import --format claimreview|factcheck-api|cdx, export --format."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Run, assert_one_error_line, log_snapshot

from ledger.formats.prov import read_prov

FIXTURES = Path(__file__).resolve().parents[1] / "formats" / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_claimreview_feed_then_cdx_then_exports(run: Run, db: Path, tmp_path: Path) -> None:
    dry = run(
        "import", "--format", "claimreview", str(EXAMPLES / "claimreview-feed.json"), "--dry-run", expect=None
    )
    assert dry.exit_code == 1  # a dry run needs an existing ledger
    result = run("import", "--format", "claimreview", str(EXAMPLES / "claimreview-feed.json"))
    assert "recorded: claim make claim/the-lighthouse-will-be-demolished-next-w" in result.stdout
    assert result.stdout.endswith(f"imported 11 new entries from {EXAMPLES / 'claimreview-feed.json'}\n")
    again = run("import", "--format", "claimreview", str(EXAMPLES / "claimreview-feed.json"))
    assert again.stdout == f"imported 0 new entries from {EXAMPLES / 'claimreview-feed.json'}\n"
    posts = json.loads(run("list", "posts", "--json").stdout)
    ferry = next(p["ref"] for p in posts if p["url"] == "https://social.example/@mquill/1001")
    dry = run("import", "--format", "cdx", str(EXAMPLES / "captures.cdx"), "--post", ferry, "--dry-run")
    assert f"would record: post delete {ferry}" in dry.stdout
    run("import", "--format", "cdx", str(EXAMPLES / "captures.cdx"), "--post", ferry)
    assert json.loads(run("show", ferry, "--json").stdout)["status"] == "deleted"
    run("import", "--format", "factcheck-api", str(EXAMPLES / "factcheck-response.json"))
    prov = tmp_path / "ferry.prov.xml"
    # publish, two captures that saw it, the deletion, two captures of absence (HTTP 404)
    result = run("export", "--format", "prov-xml", ferry, "--output", str(prov))
    assert result.stderr.startswith("exported 6 events as prov-xml to ")
    assert read_prov(prov.read_text(), "prov-xml").get_record(f"{ferry.replace('/', ':')}-v6")
    reviews = json.loads(run("export", "--format", "claimreview").stdout)
    assert {r["reviewRating"]["alternateName"] for r in reviews} >= {"TRUE", "Mostly false", "FALSE"}


def test_a_bad_item_is_one_error_line_and_nothing_is_written(run: Run, db: Path, tmp_path: Path) -> None:
    run("actor", "add", "actor/x", "--name", "X", "--kind", "person")
    before = log_snapshot(db)
    items = json.loads((FIXTURES / "array.json").read_text())
    del items[1]["claimReviewed"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(items))
    result = run("import", "--format", "claimreview", str(path), expect=None)
    assert_one_error_line(result, 1, f"{path}: item 2, field 'claimReviewed': missing")
    result = run("import", "--format", "cdx", str(path), "--post", "post/nope", expect=None)
    assert_one_error_line(result, 1, "post/nope does not exist")
    assert log_snapshot(db) == before


def test_misused_options(run: Run) -> None:
    for args, message in [
        (("import", "--format", "cdx", "x.cdx"), "--format cdx needs --post"),
        (("import", "--format", "claimreview", "x.json", "--post", "post/a"), "--post does not go with"),
        (("import", "x.toml", "--ratings", "r.json"), "--ratings does not go with --format case"),
        (("export", "--case", "case/a"), "--case does not go with --format jsonl"),
    ]:
        assert_one_error_line(run(*args, expect=None), 2, message)
