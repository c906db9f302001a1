"""Scoring a reader against labelled move sets (the format of tests/data/moves_*.yaml): one counting loop
for the accuracy-floor tests and for bench/matcher.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# reads one labelled item: (moves as (claim, stance) pairs, best first; the kind when there are none)
Reader = Callable[[dict], tuple[list[tuple[str, str]], str | None]]


@dataclass(frozen=True)
class Share:
    hit: int
    of: int

    @property
    def value(self) -> float:
        return self.hit / self.of if self.of else 0.0

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.hit}/{self.of})" if self.of else "-"


@dataclass(frozen=True)
class MoveScores:
    top1: Share  # first move right, claim and stance
    attack: Share  # ... on items tagged attack-in-play
    sarcasm: Share  # ... on items tagged sarcasm or question
    rejected: Share  # non-claim items given no move
    kind: Share  # ... with the right kind


def score_moves(read: Reader, items: Iterable[dict]) -> MoveScores:
    hit = n = att = natt = sar = nsar = rej = kind = nnon = 0
    for x in items:
        got, k = read(x)
        style = x.get("style") or []
        if x["moves"]:
            ok = bool(got) and got[0] == (x["moves"][0]["claim"], x["moves"][0]["stance"])
            n, hit = n + 1, hit + ok
            if "attack-in-play" in style:
                natt, att = natt + 1, att + ok
            if "sarcasm" in style or "question" in style:
                nsar, sar = nsar + 1, sar + ok
        else:
            nnon, rej, kind = nnon + 1, rej + (not got), kind + (not got and k == x.get("kind"))
    return MoveScores(Share(hit, n), Share(att, natt), Share(sar, nsar), Share(rej, nnon), Share(kind, nnon))
