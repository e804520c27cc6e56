r"""Text that is safe to print on a terminal: the one function every human-readable renderer uses.

Recorded text is hostile input: a post may carry escape sequences that move
the cursor, erase lines or set the terminal's title, or bidirectional
controls that reorder what a reader sees (CVE-2021-42574, "Trojan Source").
:func:`printable` shows such characters escaped and visible, in Python's
notation (``\x1b``, ``\u202e``), and leaves every other character as it is,
in one linear pass. JSON output (``--json``, ``--nl``) is not passed through
it: JSON has its own escapes and must stay exact.

Escaped: everything that can hide text, or move or reorder it:

- the C0 controls (U+0000-U+001F) except newline and tab where the layout
  allows them, DEL (U+007F) and the C1 controls (U+0080-U+009F) (category Cc);
- the format characters (category Cf): the bidirectional controls (U+061C,
  U+200E, U+200F, U+202A-U+202E, U+2066-U+2069, Unicode UAX #9), zero width
  space (U+200B), word joiner and invisible operators (U+2060-U+2064), the
  byte order mark (U+FEFF), soft hyphen (U+00AD), interlinear annotations, and
  the tag characters (U+E0000-U+E007F) outside an emoji flag;
- the line and paragraph separators (U+2028, U+2029; categories Zl, Zp);
- the other characters Unicode says to draw as nothing (Default_Ignorable_Code_Point):
  combining grapheme joiner (U+034F), Hangul fillers (U+115F, U+1160, U+3164,
  U+FFA0), Khmer inherent vowels (U+17B4, U+17B5), Mongolian vowel separator
  (U+180E), and the unassigned ignorable ranges;
- the noncharacters U+FFFE and U+FFFF (which XML and HTML may not hold);
- lone surrogates (which no terminal encoding can carry).

Kept, because written text needs them and they hide nothing there:

- zero width joiner and non-joiner (U+200D, U+200C) between two visible
  characters outside ASCII: emoji sequences (👨‍👩‍👧) and Indic, Arabic and
  Persian shaping; between ASCII letters (``pay\u200dpal``) they only hide;
- one variation selector (U+FE00-U+FE0F, U+E0100-U+E01EF, Mongolian
  U+180B-U+180D, U+180F) after a visible character (❤️, #️⃣); a second one in a
  row carries nothing a reader can see (data smuggled in selectors) and is escaped;
- tag characters in an emoji tag sequence: U+1F3F4 then tags then U+E007F
  (the flag of England);
- the prepended concatenation marks (U+0600-U+0605, U+06DD, U+070F, U+0890,
  U+0891, U+08E2, U+110BD, U+110CD): format characters that are drawn.

>>> printable("red\x1b[31m alert\u202e")
'red\\x1b[31m alert\\u202e'
>>> printable("two\nlines\tand a tab")
'two\nlines\tand a tab'
>>> printable("two\nlines\tand a tab", newlines=False, tabs=False)
'two\\nlines\\tand a tab'
>>> printable("中文 café 👍🏽 👨\u200d👩\u200d👧")
'中文 café 👍🏽 👨\u200d👩\u200d👧'
>>> printable("zero\u200bwidth pay\u200dpal")
'zero\\u200bwidth pay\\u200dpal'
"""

from __future__ import annotations

import functools
import re

# Each set in two parts: within the Basic Multilingual Plane, and beyond it (see _pattern).
_JOINERS = "\u200c\u200d"
_SELECTORS = "\u180b-\u180d\u180f\ufe00-\ufe0f"
_ASTRAL_SELECTORS = "\U000e0100-\U000e01ef"
_TAGS = "\U000e0020-\U000e007e"
_CANCEL_TAG = "\U000e007f"
_ALWAYS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # Cc: C0 but tab and newline, DEL, C1
    "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"  # Cf
    "\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0\ufff0-\ufff8"  # other default ignorables
    "\ufffe\uffff"  # noncharacters, which neither XML nor HTML may hold
    "\u2028\u2029"  # Zl, Zp
    "\ud800-\udfff"  # lone surrogates
)
_ASTRAL = (
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U00013430-\U0001343f"  # Cf
    "\U000e0000-\U000e001f\U000e0080-\U000e00ff\U000e01f0-\U000e0fff"  # tags' block, unassigned
)
_CONTEXTUAL = _JOINERS + _SELECTORS + _ASTRAL_SELECTORS + _TAGS + _CANCEL_TAG
_ALWAYS += _ASTRAL
# Every pattern is compiled when first used: classes with ranges beyond the Basic Multilingual Plane
# take milliseconds each to compile, longer than the rest of `ledger --help` (issue #16), and most
# processes print only text that needs one or two of them.
_compiled = functools.cache(re.compile)
_HIDDEN = f"[{_ALWAYS}{_CONTEXTUAL}\t\n]"
_SELECTOR = f"[{_SELECTORS}{_ASTRAL_SELECTORS}]"
_TAG = f"[{_TAGS}{_CANCEL_TAG}]"
_BLACK_FLAG = "\U0001f3f4"
_MOST_TAGS = 32


def _pattern(allowed: str, *, astral: bool) -> re.Pattern[str]:
    # One character class, so that ordinary text costs one scan; whether a character it finds is
    # kept is decided from its neighbours, only for those few. Ranges beyond the Basic Multilingual
    # Plane slow the scan of every character several times over, so text without such
    # characters is scanned for those of the plane only.
    unsafe = _ALWAYS + _CONTEXTUAL if astral else _ALWAYS.removesuffix(_ASTRAL) + _JOINERS + _SELECTORS
    return re.compile(f"[{unsafe}{''.join(c for c in chr(9) + chr(10) if c not in allowed)}]")


@functools.cache
def _unsafe(newlines: bool, tabs: bool, astral: bool) -> re.Pattern[str]:
    return _pattern("\t" * tabs + "\n" * newlines, astral=astral)


def _beyond_bmp(text: str) -> bool:
    # Each such character takes two UTF-16 code units; encoding is a fast pass in C.
    return len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)


def __getattr__(name: str) -> re.Pattern[str]:
    if name == "UNSAFE_CHARACTERS":
        # A pattern matching every character printable() may escape (some are kept where they belong).
        return _compiled(_HIDDEN)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(character: str, *, beyond_ascii: bool = False) -> bool:
    return _compiled(_HIDDEN).match(character) is None and (not beyond_ascii or character > "\x7f")


def _kept(text: str, start: int, found: str) -> bool:
    """Whether ``found``, at ``start`` in ``text``, is a joiner, selector or tag that writing needs."""
    before = text[start - 1] if start else "\n"
    if found in _JOINERS:
        after = text[start + 1 : start + 2] or "\n"
        if _compiled(_SELECTOR).match(before):
            # A selector kept before the joiner (❤️‍🔥): the character before it must be visible.
            before = text[start - 2] if start >= 2 and _kept(text, start - 1, before) else "\n"
        return _visible(before, beyond_ascii=True) and _visible(after, beyond_ascii=True)
    if _compiled(_TAG).match(found):
        return _in_flag(text, start)
    if _compiled(_SELECTOR).match(found):
        return _visible(before)
    return False


def _in_flag(text: str, start: int) -> bool:
    """Whether the tag at ``start`` is in an emoji tag sequence: the black flag, its tags, the cancel tag."""
    # At most 32 tags each way: linear in the length of the text, however many tags it holds.
    first = start
    while first > 0 and start - first <= _MOST_TAGS and "\U000e0020" <= text[first - 1] <= "\U000e007e":
        first -= 1
    end = start
    while end < len(text) and end - first <= _MOST_TAGS and "\U000e0020" <= text[end] <= "\U000e007e":
        end += 1
    cancelled = end < len(text) and text[end] == _CANCEL_TAG and end - first <= _MOST_TAGS
    return first > 0 and text[first - 1] == _BLACK_FLAG and cancelled and end > first


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if _kept(match.string, match.start(), character):
        return character
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str, *, newlines: bool = True, tabs: bool = True) -> str:
    """``text`` with every control, format, invisible or separator character shown escaped.

    ``newlines`` and ``tabs`` keep newline and tab as they are (the
    layout allows them); otherwise they are escaped too. Linear in the
    length of ``text``; the result contains only printable characters
    (and newlines or tabs when allowed).
    """
    return _unsafe(newlines, tabs, _beyond_bmp(text)).sub(_escape, text)
