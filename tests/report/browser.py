"""Headless Chromium (Debian's ``chromium`` package) for the report's tests, and the README's screenshot.

``screenshot(page, png, width=..., height=...)`` renders a local HTML file to
a PNG and returns the console messages Chromium logged while loading it
(a blocked fetch, a script error: the report should log none).

Run ``python -m tests.report.browser docs/report-seed-post.png`` from the
repository root to make the README's screenshot of the seed story's report.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_VARIABLE = "LEDGER_TEST_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CONSOLE = re.compile(r":CONSOLE[:(]\d+\)?\] (.*)")


def chromium_path() -> str:
    """Where Chromium is expected (``LEDGER_TEST_CHROMIUM``, else Debian's ``/usr/bin/chromium``)."""
    return os.environ.get(CHROMIUM_VARIABLE) or DEFAULT_CHROMIUM


def chromium_missing() -> str | None:
    """Why Chromium cannot be used here, or None when it can."""
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        return f"no Chromium at {path} (apt-get install chromium, or set {CHROMIUM_VARIABLE})"
    return None


def screenshot(page: Path, png: Path, *, width: int, height: int, timeout: float = 120) -> list[str]:
    """Render ``page`` to ``png`` at ``width`` x ``height`` CSS pixels; the console messages it logged."""
    with tempfile.TemporaryDirectory(prefix="ledger-chromium-") as profile:
        command = [
            chromium_path(),
            "--headless",
            "--no-sandbox",  # tests and CI run as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-2000:]}")
    return [match.group(1) for match in CONSOLE.finditer(done.stderr)]


def main(target: str) -> None:
    """Write the seed story's post report and its screenshot (1200 px wide) to ``target``."""
    from ledger import Ledger  # noqa: PLC0415
    from ledger.demo import POST, load_example  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "report.html"
        with Ledger.open(Path(work) / "seed.db", recorded_by="newsdesk") as ledger:
            load_example(ledger)
            page.write_text(ledger.report(POST), encoding="utf-8")
        shot = Path(work) / "shot.png"
        messages = screenshot(page, shot, width=1200, height=1500)
        if messages:
            sys.exit(f"the report logged console messages: {messages}")
        shutil.copyfile(shot, target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/report-seed-post.png")
