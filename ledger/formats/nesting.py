"""Where JSON text nests too deeply to be read: the line to name in a one-line error.

Python's ``json`` reader raises :class:`RecursionError` past about a
thousand levels of nesting, without saying where. :func:`too_deep_line`
finds the line on which the nesting first passes a depth, by one scan of the
text in constant memory (strings and their escapes skipped).
"""

from __future__ import annotations

#: A nesting depth no export, proof or case file comes near; the readers fail beyond ~1,000.
DEPTH = 500


def too_deep_line(text: str, depth: int = DEPTH) -> int:
    """The 1-based line on which ``[`` and ``{`` first nest deeper than ``depth`` (else the last line).

    >>> too_deep_line('{"a":\\n' + "[" * 600)
    2
    """
    level, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            if level > depth:
                return line
        elif char in "]}":
            level -= 1
    return line
