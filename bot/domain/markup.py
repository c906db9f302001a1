"""The markup of the bot's own lines: **bold** and _italic_, nothing else.

Every renderer reads it from here: the terminal (rich styles, or plain text), the HTML exports and the web
viewer (tags, over text already escaped). Students' text is never read as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

BOLD, ITALIC = "bold", "italic"
_STYLED = re.compile(r"\*\*(?P<bold>.+?)\*\*|(?<![\w*])_(?P<italic>.+?)_(?!\w)")


def spans(text: str) -> Iterator[tuple[str | None, str]]:
    """The text in runs of (style, text): style is BOLD, ITALIC or None; the markers are dropped."""
    pos = 0
    for m in _STYLED.finditer(text):
        if m.start() > pos:
            yield None, text[pos : m.start()]
        yield (BOLD, m.group("bold")) if m.group("bold") is not None else (ITALIC, m.group("italic"))
        pos = m.end()
    if pos < len(text):
        yield None, text[pos:]


def plain(text: str) -> str:
    """The text with its markers dropped."""
    return "".join(run for _style, run in spans(text))


_TAGS = {BOLD: "strong", ITALIC: "em"}


def to_html(escaped: str) -> str:
    """Escaped HTML text with **bold** and _italic_ turned into <strong> and <em> (escape first)."""
    return "".join(f"<{_TAGS[s]}>{run}</{_TAGS[s]}>" if s else run for s, run in spans(escaped))
