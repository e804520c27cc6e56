r"""Text that is safe to print on a terminal: the one function every human-readable renderer uses.

Recorded text is hostile input: a post may carry escape sequences that move
the cursor, erase lines or set the terminal's title, or bidirectional
controls that reorder what a reader sees (CVE-2021-42574, "Trojan Source").
:func:`printable` shows such characters escaped and visible, in Python's
notation (``\x1b``, ``\u202e``), and leaves every other character as it is,
in one linear pass. JSON output (``--json``, ``--nl``) is not passed through
it: JSON has its own escapes and must stay exact.

Escaped: the C0 controls (U+0000-U+001F) except newline and tab where the
layout allows them, DEL (U+007F), the C1 controls (U+0080-U+009F), the line
and paragraph separators (U+2028, U+2029), the bidirectional controls
(U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, Unicode UAX #9) and
lone surrogates (which no terminal encoding can carry).

>>> printable("red\x1b[31m alert\u202e")
'red\\x1b[31m alert\\u202e'
>>> printable("two\nlines\tand a tab")
'two\nlines\tand a tab'
>>> printable("two\nlines\tand a tab", newlines=False, tabs=False)
'two\\nlines\\tand a tab'
>>> printable("中文 café 👍🏽")
'中文 café 👍🏽'
"""

from __future__ import annotations

import re

_ALWAYS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional controls
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates
)
_UNSAFE = {
    (True, True): re.compile(f"[{_ALWAYS}]"),
    (True, False): re.compile(f"[{_ALWAYS}\t]"),
    (False, True): re.compile(f"[{_ALWAYS}\n]"),
    (False, False): re.compile(f"[{_ALWAYS}\t\n]"),
}

UNSAFE_CHARACTERS = _UNSAFE[(False, False)]
"""A pattern matching every character :func:`printable` escapes when neither newline nor tab is allowed."""


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = True, tabs: bool = True) -> str:
    """``text`` with every control, bidirectional or separator character shown escaped.

    ``newlines`` and ``tabs`` keep newline and tab as they are (the
    layout allows them); otherwise they are escaped too. Linear in the
    length of ``text``; the result contains only printable characters
    (and newlines or tabs when allowed).
    """
    return _UNSAFE[(newlines, tabs)].sub(_escape, text)
