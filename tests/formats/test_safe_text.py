"""The terminal sanitiser against Unicode's own categories: nothing that hides or reorders text gets through.

The oracle here is :mod:`unicodedata` (categories Cc, Cf, Zl, Zp, Cs) and the
Default_Ignorable_Code_Point list of Unicode's DerivedCoreProperties, written
out below, not the sanitiser's own tables.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger.formats.safe_text import printable

ZWJ, ZWNJ = "\u200d", "\u200c"
BLACK_FLAG, CANCEL_TAG = "\U0001f3f4", "\U000e007f"
# Default_Ignorable_Code_Point (Unicode 15.1, DerivedCoreProperties.txt): drawn as nothing.
DEFAULT_IGNORABLE = [
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
]  # fmt: skip
# Format characters that are drawn (Prepended_Concatenation_Mark): kept.
DRAWN = {*"\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2", "\U000110bd", "\U000110cd"}
BIDI = {*"\u061c\u200e\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def ignorable(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in DEFAULT_IGNORABLE)


def selector(character: str) -> bool:
    code = ord(character)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or character in "\u180b\u180c\u180d\u180f"


def hidden(character: str) -> bool:
    """What a terminal would draw as nothing, or act on: never raw, except where writing needs it."""
    category = unicodedata.category(character)
    return (category in {"Cc", "Cf", "Zl", "Zp", "Cs"} or ignorable(character)) and character not in DRAWN


def unescape(shown: str) -> str:
    return re.sub(
        r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[ntr])",
        lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1]) or chr(int(m[1][1:], 16)),
        shown,
    )


def assert_nothing_hidden(shown: str) -> None:
    """Every hidden character left raw in ``shown`` is one that writing needs, where it needs it."""
    for index, character in enumerate(shown):
        if not hidden(character):
            continue
        before, after = shown[index - 1 : index] or "\n", shown[index + 1 : index + 2] or "\n"
        where = f"{character!r} at {index} of {shown!r}"
        assert unicodedata.category(character) not in {"Cc", "Zl", "Zp", "Cs"}, where
        assert character not in BIDI, where
        if character in (ZWJ, ZWNJ):
            if selector(before) and index >= 2:
                before = shown[index - 2]
            assert all(around > "\x7f" and not hidden(around) for around in (before, after)), where
        elif selector(character):
            assert before not in "\t\n", where
            assert not hidden(before), where
        else:
            # A tag: in a run after the black flag, ended by the cancel tag.
            run = re.search(f"{BLACK_FLAG}[\U000e0020-\U000e007e]+{CANCEL_TAG}", shown[max(0, index - 40) :])
            assert run is not None, where


EVERY_FORMAT_CHARACTER = [
    chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
]


def escaped(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


IGNORABLE = [chr(code) for low, high in DEFAULT_IGNORABLE[:-1] for code in range(low, high + 1)]


@pytest.mark.parametrize("character", sorted({*EVERY_FORMAT_CHARACTER, *IGNORABLE}))
def test_each_format_or_ignorable_character_between_letters_is_escaped(character: str) -> None:
    for context in ("a{}b", "中{}文"):
        text = context.format(character)
        if character in DRAWN or (character in (ZWJ, ZWNJ) and context == "中{}文"):
            assert printable(text) == text
        elif selector(character):
            assert printable(text) == text  # one selector after a letter: a variant of it
            twice = context.format(character * 2)
            assert printable(twice) == context.format(character + escaped(character))
        else:
            assert printable(text) == context.format(escaped(character))


EMOJI = [
    "👨\u200d👩\u200d👧",  # family: ZWJ sequence
    "🏳\ufe0f\u200d🌈",  # rainbow flag: selector then joiner
    "❤\ufe0f\u200d🔥",
    "👁\ufe0f\u200d🗨\ufe0f",
    "#\ufe0f\u20e3",  # keycap
    "👍🏽",  # skin tone modifier
    "🇬🇧",  # regional indicators
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England: a tag sequence
    "🧑🏿\u200d🚀",
]
WRITING = ["می\u200cخواهم", "क्\u200dष", "中文 café e\u0301", "Labour’s “post” — ok\u00a0ok", "\u0600\u0661"]


@pytest.mark.parametrize("text", EMOJI + WRITING)
def test_what_emoji_and_scripts_need_is_kept(text: str) -> None:
    assert printable(text) == text
    assert printable(f"before {text} after") == f"before {text} after"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("pay\u200dpal", "pay\\u200dpal"),  # a joiner between ASCII letters only hides
        ("elon\u200cmusk", "elon\\u200cmusk"),
        ("\u200d👍", "\\u200d👍"),
        ("a\U000e0041\U000e0042b", "a\\U000e0041\\U000e0042b"),  # tags smuggling text
        ("🏴\U000e0067\U000e0062", "🏴\\U000e0067\\U000e0062"),  # no cancel tag: not a flag
        ("😀\ufe0f\ufe01\ufe02", "😀\ufe0f\\ufe01\\ufe02"),  # data smuggled in selectors
        ("\ufe0fstart", "\\ufe0fstart"),
        (
            "soft\u00adhyphen \ufeffBOM \u2060joiner \u3164filler",
            "soft\\xadhyphen \\ufeffBOM \\u2060joiner \\u3164filler",
        ),
        ("\u202eevil\u202c \u2067rtl\u2069", "\\u202eevil\\u202c \\u2067rtl\\u2069"),
    ],
)
def test_what_can_hide_text_is_escaped(text: str, shown: str) -> None:
    assert printable(text) == shown


ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_characters="\\"),
        st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Mn", "So", "Sk"], exclude_characters="\\"),
        st.sampled_from(
            [ZWJ, ZWNJ, "\ufe0f", "\ufe0e", "\U000e0100", BLACK_FLAG, CANCEL_TAG, "\U000e0067", "😀", "中"]
        ),
    ),
    max_size=40,
)


@given(ANY_TEXT)
@example("😀\u200d\ufe0f\u200d😀")
@example("🏴" + "\U000e0041" * 40 + CANCEL_TAG)
def test_nothing_hidden_reaches_the_terminal(text: str) -> None:
    shown = printable(text, newlines=False, tabs=False)
    assert_nothing_hidden(shown)
    assert not set(shown) & {"\n", "\t"}
    # Nothing is lost: the escapes name every character escaped.
    assert unescape(shown) == text
    # And what is shown is shown again as it is.
    assert printable(shown, newlines=False, tabs=False) == shown


VISIBLE = st.text(
    st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u115f\u1160\u3164\uffa0")
)


@given(VISIBLE)
def test_visible_text_is_left_as_it_is(text: str) -> None:
    assert printable(text) == text
