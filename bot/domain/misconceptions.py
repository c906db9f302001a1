"""Spot misconceptions a student states in passing, so a reply can correct them.

Plain functions over a Topic: ``find(topic, text)`` returns the misconceptions whose cue phrases
occur in the message, matched on folded words (case- and accent-insensitive, whole words only).
"""

from __future__ import annotations

from .text import words
from .topic import Misconception, Topic


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    if not n:
        return False
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def matches(misconception: Misconception, text: str) -> bool:
    """True when one of the misconception's cues occurs in ``text`` as whole words."""
    tokens = words(text)
    return any(_contains(tokens, words(cue)) for cue in misconception.cues)


def find(topic: Topic, text: str) -> list[Misconception]:
    """The topic's misconceptions cued in ``text``, in the order the topic file lists them."""
    tokens = words(text)
    if not tokens:
        return []
    return [m for m in topic.misconceptions if any(_contains(tokens, words(cue)) for cue in m.cues)]
