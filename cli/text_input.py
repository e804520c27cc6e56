"""Text options and arguments must be text: invalid bytes in them are one line naming the option.

Python reads a command line that is not valid UTF-8 with surrogate escapes
(a byte 0xff becomes U+DCFF). Left alone, such a value reaches a model's
validation, whose message speaks of "raw data" and "unicode strings", or the
database, which cannot store it. Every string option and argument is checked
as it is parsed, except those that may name a file (a path need not be UTF-8).
"""

from __future__ import annotations

import re
from typing import Any

import click

from domain.errors import InvalidError

MAY_NAME_A_FILE = frozenset({"--db", "--key", "--witness-key", "--log-key"})
"""String options whose value may be a file name, which need not be valid UTF-8."""

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _name(param: click.Parameter) -> str:
    return param.opts[0] if isinstance(param, click.Option) else param.human_readable_name


def _checked(param: click.Parameter, value: Any) -> None:
    for text in value if isinstance(value, tuple | list) else (value,):
        if not isinstance(text, str):
            continue
        found = _ESCAPED_BYTE.search(text) or _LONE_SURROGATE.search(text)
        if found is None:
            continue
        code = ord(found.group())
        what = f"the byte 0x{code - 0xDC00:02x}" if code >= 0xDC80 else f"a lone surrogate U+{code:04X}"
        raise InvalidError(f"{_name(param)}: not valid UTF-8 text ({what} at character {found.start() + 1})")


def _checking(param: click.Parameter) -> None:
    given = param.callback

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        _checked(param, value)
        return value if given is None else given(ctx, param, value)

    param.callback = callback


def require_text(command: click.Command) -> None:
    """Check every string option and argument of ``command`` (and of its subcommands) as it is parsed."""
    for param in command.params:
        if isinstance(param.type, click.types.StringParamType) and not MAY_NAME_A_FILE & set(param.opts):
            _checking(param)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            require_text(sub)
