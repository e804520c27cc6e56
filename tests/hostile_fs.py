"""Real file systems for hostile-file tests: a small tmpfs (to fill), a read-only mount.

Mounting needs root (or CAP_SYS_ADMIN); elsewhere the tests that need one
are skipped with one line saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextmanager
def tmpfs(where: Path, *, size: str = "1m") -> Iterator[Path]:
    """A fresh tmpfs of ``size`` mounted at ``where``; skips the test when it cannot be mounted."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root: not run")
    where.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {getattr(error, 'stderr', b'')!r:.80}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


def remount_read_only(where: Path) -> None:
    """Make the tmpfs at ``where`` read-only (root cannot write there either)."""
    _mount("-o", "remount,ro", str(where))


@contextmanager
def read_only_copy(source: Path, where: Path) -> Iterator[Path]:
    """``source`` copied onto a tmpfs at ``where`` that is then remounted read-only: a forensic copy."""
    with tmpfs(where, size="64m") as mounted:
        copy = mounted / source.name
        shutil.copyfile(source, copy)
        copy.chmod(0o444)
        mounted.chmod(0o555)
        remount_read_only(mounted)
        yield copy
