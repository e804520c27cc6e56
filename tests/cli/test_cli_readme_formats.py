"""The README's commands for the field's formats run as written, on the example files."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import ledger as ledger_command
from ledger.formats.prov import read_prov

REPO = Path(__file__).resolve().parents[2]


def readme_commands() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- formats-commands -->\n```\n(.*?)```", text, re.S)
    assert block is not None
    return [shlex.split(line)[1:] for line in block[1].splitlines() if line.strip()]


def test_the_readme_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("examples",):
        (tmp_path / name).symlink_to(REPO / name)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"LEDGER_URL": None, "LEDGER_USER": "desk"})
    outputs = []
    for args in readme_commands():
        result = runner.invoke(ledger_command, args, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.stdout)
    assert "would record: claim support" in outputs[1]
    assert "recorded: post delete post/social-example-mquill-1001-cc34b5a5" in outputs[3]
    reviews = json.loads(Path("reviews.json").read_text(encoding="utf-8"))
    assert {r["@type"] for r in reviews} == {"ClaimReview"}
    assert read_prov(Path("ledger.prov.json").read_text(encoding="utf-8"), "prov-json")
    assert "wasInvalidatedBy(post:social-example-mquill-1001-cc34b5a5-v" in outputs[6]
    assert os.path.exists("formats.db")
