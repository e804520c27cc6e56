"""Counts in words: "1 hit", "2 hits", "0 entries", for every message and table title people read.

>>> counted(1, "hit")
'1 hit'
>>> counted(0, "entry")
'0 entries'
>>> counted(2, "day")
'2 days'
"""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` and the noun that agrees with it (``plural``, by default the English regular plural)."""
    if number == 1:
        noun = singular
    elif plural is not None:
        noun = plural
    elif singular.endswith("y") and singular[-2:-1] not in tuple("aeiou"):
        noun = singular[:-1] + "ies"
    else:
        noun = singular + "s"
    return f"{number} {noun}"
