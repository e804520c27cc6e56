"""The report in a real headless Chromium: it loads with no console message and draws a picture.

The seed story's post report and its case report are rendered to PNG at two
widths; the PNGs are kept in pytest's temporary directory
(``report-screenshots``) as the run's artifacts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ledger import Ledger
from ledger.demo import POST
from tests.report.browser import screenshot

CASE = "case/labour-staff-us-campaign"
WIDTHS = [1280, 760]


def ink(png: Path) -> tuple[float, int]:
    """The share of pixels that are not near-white, and how many colours the picture has."""
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        pixels = rgb.width * rgb.height
        grey = rgb.convert("L")
        dark = sum(count for level, count in enumerate(grey.histogram()) if level < 235)
        colours = rgb.getcolors(maxcolors=pixels) or []
    return dark / pixels, len(colours)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("ref", [POST, CASE], ids=["post", "case"])
@pytest.mark.usefixtures("chromium")
def test_the_report_renders_in_chromium(
    seed: Ledger, artifacts: Path, tmp_path: Path, ref: str, width: int
) -> None:
    page = tmp_path / "report.html"
    page.write_text(seed.report(ref), encoding="utf-8")
    png = artifacts / f"{ref.replace('/', '-')}-{width}.png"
    messages = screenshot(page, png, width=width, height=1400)
    assert messages == []
    share, colours = ink(png)
    assert share > 0.03, f"{png} is nearly blank ({share:.1%} ink)"
    assert colours > 40, f"{png} has only {colours} colours"


def test_a_page_that_fetches_is_caught(chromium: str, seed: Ledger, tmp_path: Path) -> None:
    # The check can fail: the same report with an external image logs the refused fetch.
    page = tmp_path / "fetching.html"
    html = seed.report(POST).replace("<body>", '<body><img src="http://127.0.0.1:9/tracker.png">', 1)
    page.write_text(html, encoding="utf-8")
    messages = screenshot(page, tmp_path / "fetching.png", width=800, height=600)
    assert any("Content Security Policy" in message for message in messages), messages


def test_a_blank_page_is_caught(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    png = tmp_path / "blank.png"
    assert screenshot(page, png, width=800, height=600) == []
    share, colours = ink(png)
    assert share < 0.03
    assert colours < 40
