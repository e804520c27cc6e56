"""Text as a terminal lays it out: display width, padding and wrapping, in linear time.

Widths are those a terminal gives (``wcwidth``, Unicode's East Asian Width
and zero-width tables): a CJK character takes two columns, a combining
accent none, an emoji two. Wrapping is greedy on spaces and breaks words
longer than the line, and is linear in the length of the text (the
standard library's ``textwrap`` is quadratic on one long word: an 8 MB word
took 12 s).

>>> display_width("中文"), display_width("café"), display_width("e\u0301")
(4, 4, 1)
>>> pad("中文", 6) + "|"
'中文  |'
>>> wrap("a bb ccc dddd", 6)
['a bb', 'ccc', 'dddd']
>>> wrap("中文中文中文", 5)
['中文', '中文', '中文']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import wcwidth
else:
    # Its tables take longer to import than a timeline takes to read (issue #16): only for text
    # with a character outside ONE_COLUMN.
    from ledger.delegation import later_module

    wcwidth = later_module("wcwidth")

ONE_COLUMN = "".join(map(chr, range(0xA0, 0x250))) + "‐‑‒–—―‘’‚‛“”„‟†‡•…‰′″‹›€"
"""Characters beyond ASCII that take one column each, whatever follows them (Latin letters, the
quotes and dashes of the ledger's own wording): a test checks each against ``wcwidth``."""

_AS_ASCII = str.maketrans(ONE_COLUMN, "x" * len(ONE_COLUMN))


def _one_column_each(text: str) -> bool:
    return text.isascii() or text.translate(_AS_ASCII).isascii()


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes (one line, already made printable)."""
    if _one_column_each(text):
        return len(text)
    return max(0, int(wcwidth.width(text)))


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * (width - display_width(text))


def wrap(line: str, width: int) -> list[str]:
    """One line broken into lines of at most ``width`` columns (at least one line).

    Breaks at spaces; a word longer than ``width`` is cut into pieces. The
    spaces at a break are dropped. Linear in ``len(line)``.
    """
    width = max(1, width)
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for word in line.split(" "):
        if not word:
            continue
        size = display_width(word)
        if current and used + 1 + size <= width:
            current.append(word)
            used += 1 + size
            continue
        if current:
            lines.append(" ".join(current))
            current, used = [], 0
        if size <= width:
            current, used = [word], size
            continue
        pieces = _cut(word, width)
        lines.extend(pieces[:-1])
        current, used = [pieces[-1]], display_width(pieces[-1])
    if current:
        lines.append(" ".join(current))
    return lines or [""]


def _cut(word: str, width: int) -> list[str]:
    """A word cut into pieces of at most ``width`` columns (a wide character never split)."""
    if _one_column_each(word):
        return [word[start : start + width] for start in range(0, len(word), width)]
    pieces: list[str] = []
    start, used = 0, 0
    for index, character in enumerate(word):
        size = max(0, wcwidth.wcwidth(character))
        if used + size > width and index > start:
            pieces.append(word[start:index])
            start, used = index, 0
        used += size
    pieces.append(word[start:])
    return pieces
