"""Spot misconceptions a student states in passing, so a reply can correct them.

Plain functions over a Topic: ``find(topic, text)`` returns the misconceptions whose cue phrases
occur in the message, matched on folded words (case- and accent-insensitive, whole words only).
``Index(topic)`` does the same with the cues indexed by their first word (the matcher keeps one).
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


class Index:
    """The topic's misconception cues, indexed by first word."""

    def __init__(self, topic: Topic) -> None:
        self.order = {m.id: k for k, m in enumerate(topic.misconceptions)}
        self.first: dict[str, list[tuple[tuple[str, ...], Misconception]]] = {}
        for m in topic.misconceptions:
            for cue in m.cues:
                cw = tuple(words(cue))
                if cw:
                    self.first.setdefault(cw[0], []).append((cw, m))

    def find(self, text: str) -> list[Misconception]:
        tokens = words(text)
        found: dict[str, Misconception] = {}
        for i, w in enumerate(tokens):
            for cw, m in self.first.get(w, ()):
                if m.id not in found and tuple(tokens[i : i + len(cw)]) == cw:
                    found[m.id] = m
        return sorted(found.values(), key=lambda m: self.order[m.id])


def find(topic: Topic, text: str) -> list[Misconception]:
    """The topic's misconceptions cued in ``text``, in the order the topic file lists them."""
    return Index(topic).find(text)
