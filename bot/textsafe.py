"""Text that leaves the program for a spreadsheet or a terminal: the stored text is never changed, only
what is written out.

- ``csv_row``: every string cell of every CSV the project writes goes through here. A cell a spreadsheet
  would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading ``'``.
- ``printable``: control characters (C0 except newline and tab, DEL, C1) shown as ``\\x1b``-style escapes,
  so a stored name or turn cannot move the cursor, clear the screen or retitle the terminal.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def csv_cell(value: object) -> object:
    """A string that cannot start a spreadsheet formula, its control characters visible; other values
    unchanged."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def printable(text: str) -> str:
    """``text`` with its control characters (except newline and tab) made visible and harmless."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
