"""Writing files never clobbers what the path points at: FIFOs, devices, planted symlinks, full disks."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line

from domain.errors import AlreadyExistsError, StorageError
from ledger.formats.output import TEMPORARY_PREFIX, open_output, write_text
from tests.hostile_fs import tmpfs


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with fifo.open("rb") as pipe:
            into.append(pipe.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_export_to_a_fifo_streams_into_it_and_leaves_it_a_fifo(story: Path, run: Run, tmp_path: Path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _drain(fifo, received)
    run("export", "--output", str(fifo))
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    lines = received[0].decode().splitlines()
    assert '"kind":"header"' in lines[0]
    assert '"kind":"end"' in lines[-1]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]


def test_export_to_a_device_writes_it_in_place(story: Path, run: Run):
    before = os.stat(os.devnull)
    run("export", "--output", os.devnull)
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_planted_symlink_is_never_followed(story: Path, run: Run, tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "story.jsonl"
    # The old scheme wrote PATH.partial; plant links at that and at any name we might pick.
    (tmp_path / "story.jsonl.partial").symlink_to(victim)
    run("export", "--output", str(out))
    assert victim.read_text() == "precious\n"
    assert out.is_file()
    assert not out.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]


def test_a_file_appears_only_once_complete_and_an_interrupted_one_leaves_nothing(tmp_path: Path):
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    seen = []

    def interrupted() -> None:
        with open_output(out) as stream:
            stream.write("half")
            seen.append(out.read_text())
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert seen == ["old\n"]
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_leftover_temporary_of_a_killed_run_does_not_block_the_next(tmp_path: Path):
    (tmp_path / f"{TEMPORARY_PREFIX}0000000000000000-out.txt").write_text("killed")
    write_text(tmp_path / "out.txt", "done\n")
    assert (tmp_path / "out.txt").read_text() == "done\n"


def test_a_key_is_never_overwritten(tmp_path: Path):
    key = tmp_path / "k"
    write_text(key, "secret\n", mode=0o600, replace=False)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with pytest.raises(AlreadyExistsError):
        write_text(key, "other\n", mode=0o600, replace=False)
    assert key.read_text() == "secret\n"


def test_export_into_a_missing_folder_is_one_line(story: Path, run: Run, tmp_path: Path):
    result = run("export", "--output", str(tmp_path / "no" / "such.jsonl"), expect=None)
    assert_one_error_line(result, 1, "cannot write jsonl export", "No such file or directory")


def test_keys_generate_on_a_full_disk_is_one_line_and_leaves_nothing(run: Run, tmp_path: Path):
    with tmpfs(tmp_path / "full", size="8k") as disk:
        (disk / "filler").write_bytes(b"x" * 8192)  # tmpfs counts pages: the disk is now full
        result = run("keys", "generate", "--out", str(disk / "desk.key"), expect=None)
        assert_one_error_line(result, 1, "cannot write key", "No space left on device")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
        (disk / "filler").unlink()
        run("keys", "generate", "--out", str(disk / "desk.key"))  # nothing left to trip over
        assert sorted(p.name for p in disk.iterdir()) == ["desk.key", "desk.key.pub"]


def test_export_on_a_full_disk_is_one_line_and_leaves_nothing(story: Path, run: Run, tmp_path: Path):
    with tmpfs(tmp_path / "full", size="8k") as disk:
        result = run("export", "--output", str(disk / "story.jsonl"), expect=None)
        assert_one_error_line(result, 1, "cannot write jsonl export", "No space left on device")
        assert list(disk.iterdir()) == []


def test_a_signer_key_others_can_read_is_refused_with_the_chmod_to_run(story: Path, run: Run, tmp_path: Path):
    key = tmp_path / "desk.key"
    run("keys", "generate", "--out", str(key))
    key.chmod(0o644)
    result = run("checkpoint", "--key", str(key), expect=None)
    assert_one_error_line(result, 1, "readable by others", f"chmod 600 {key}")
    key.chmod(0o600)
    run("checkpoint", "--key", str(key))


def test_writing_into_a_directory_is_refused(tmp_path: Path):
    with pytest.raises(StorageError, match="is a directory"):
        write_text(tmp_path, "x")
