"""Typed topic model: what a validated topic file turns into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

KINDS = ("offtopic", "meta", "abuse", "denial", "injection", "unclear")
PHASES = ("opening", "rebuttal", "closing")


@dataclass(frozen=True, slots=True)
class Side:
    id: str
    name: str
    description: str


_WORD = r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*"  # Getty, Rancour-Laferriere, O'Brien, Stalin's
_NAME = rf"(?=[A-Z]){_WORD}"  # a capitalised word
_INITIAL = r"[A-Z]\."
_FIRST_AUTHOR = re.compile(  # "Surname, Given." / "Sebag Montefiore, Simon." / "Popov, V. P." / "Getty, J. Arch,"
    rf"^(?P<surname>{_NAME}(?: {_NAME}){{0,2}}), (?:(?:{_INITIAL}|{_NAME})\s)*(?:{_INITIAL}|{_NAME}(?=[.,;]| \())"
)
_CO_AUTHOR = re.compile(  # ", and Oleg V. Naumov" / " and Viktor N. Zemskov" / ", Gabor T. Rittersporn"
    rf"^(?:,\s*and\s+|,\s+|\s+and\s+|\s*&\s*)(?:(?:{_INITIAL}|{_NAME})\s+)+(?P<surname>{_NAME})(?=[.,;\s]|$)"
)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


@lru_cache(maxsize=8192)  # every citation in every reply asks again: derive each once
def derive_short(citation: str, source_id: str = "") -> str:
    """ "Author Year" from a citation that starts "Surname, Given." ("" when it does not).

    Two authors give "Getty & Naumov 1999", three or more "Getty et al. 1993". The year is the one in the
    source id ("conquest-1990": the edition cited), else the last year in the citation.
    """
    m = _FIRST_AUTHOR.match(citation.strip().strip("'\""))
    if not m:
        return ""
    surnames = [m.group("surname")]
    rest = citation.strip().strip("'\"")[m.end() :]
    while (co := _CO_AUTHOR.match(rest)) is not None:
        surnames.append(co.group("surname"))
        rest = rest[co.end() :]
    in_id = [p for p in source_id.split("-") if len(p) == 4 and _YEAR.fullmatch(p)]
    years = in_id or _YEAR.findall(citation)
    if not years:
        return ""
    author = f"{surnames[0]} et al." if len(surnames) > 2 else " & ".join(surnames)
    return f"{author} {years[-1]}"


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    citation: str
    url: str | None = None
    cues: tuple[str, ...] = ()
    type: str = ""  # e.g. primary, scholarly, seed (seed: not independently checked, never evidence)
    ref: str = ""  # the short reference given in the topic file (`short:`); else derived from the citation

    @property
    def is_seed(self) -> bool:
        return self.type == "seed"

    def short(self) -> str:
        """A short reference such as "Khrushchev 1956" or "Getty & Naumov 1999": never the source id."""
        if self.ref:
            return self.ref
        derived = derive_short(self.citation, self.id)
        if derived:
            return derived
        head = re.split(r"[,(.;:]", self.citation.strip().strip("'\""), maxsplit=1)[0].strip()
        return head[:40].rstrip() or "source"


@dataclass(frozen=True, slots=True)
class Line:
    """Something the bot can say: an argument, a rebuttal, a counter-rebuttal or a kind reply."""

    id: str
    text: str
    sources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    premise: tuple[str, ...] = ()  # cue phrases a student's message contains when this line is the answer


@dataclass(frozen=True, slots=True)
class Rebuttal:
    id: str
    text: str
    draws_on: tuple[str, ...]
    sources: tuple[str, ...] = ()
    premise: tuple[str, ...] = ()

    @property
    def line(self) -> Line:
        return Line(self.id, self.text, self.sources, premise=self.premise)


@dataclass(frozen=True, slots=True)
class CounterRebuttal:
    id: str
    answers: str
    text: str
    sources: tuple[str, ...] = ()
    premise: tuple[str, ...] = ()

    @property
    def line(self) -> Line:
        return Line(self.id, self.text, self.sources, premise=self.premise)


@dataclass(frozen=True, slots=True)
class Spoken:
    """How a claim is put inside a sentence.

    ``clause`` completes "You argue that {clause}." (lowercase start unless a proper noun, no colon, no
    final period); ``phrase`` is a noun phrase that completes "my point about {phrase}".
    """

    clause: str
    phrase: str
    given: bool = True  # False: the file had none, so both are made from the title (the check reports it)


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    side: str
    title: str
    arguments: tuple[Line, ...]
    cues: tuple[str, ...]
    rebuttals: tuple[Rebuttal, ...]
    counter_rebuttals: tuple[CounterRebuttal, ...]
    strength: int = 3
    spoken: Spoken = Spoken("", "")  # required in topic files; empty only for a Claim built in code without it

    @property
    def spoken_clause(self) -> str:
        """The clause for 'You argue that ...'."""
        return self.spoken.clause

    @property
    def spoken_phrase(self) -> str:
        """The noun phrase for 'my point about ...'."""
        return self.spoken.phrase

    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for arg in self.arguments:
            for s in arg.sources:
                seen.setdefault(s, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Phase:
    id: str
    name: str
    rounds: int


@dataclass(frozen=True, slots=True)
class Format:
    phases: tuple[Phase, ...] = (
        Phase("opening", "Opening statements", 1),
        Phase("rebuttal", "Rebuttal", 3),
        Phase("closing", "Closing statements", 1),
    )
    turn_length_limit: int = 1500
    turn_time_limit: int | None = None  # seconds a user has for a turn (None: no limit)

    @property
    def total_rounds(self) -> int:
        return sum(p.rounds for p in self.phases)

    def with_rebuttal_rounds(self, rounds: int) -> Format:
        phases = tuple(Phase(p.id, p.name, rounds) if p.id == "rebuttal" else p for p in self.phases)
        return Format(phases, self.turn_length_limit, self.turn_time_limit)


@dataclass(frozen=True, slots=True)
class KindReplies:
    kind: str
    replies: tuple[Line, ...]
    cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DisputedPoint:
    topic: str
    claims: tuple[str, ...]
    positions: tuple[str, ...]
    cues: tuple[str, ...] = ()  # phrases whose presence in a line means it touches this point


@dataclass(frozen=True, slots=True)
class Misconception:
    """A false statement a student may make in passing, with a short sourced correction."""

    id: str
    cues: tuple[str, ...]
    correction: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    motion: str
    sides: tuple[Side, Side]
    sources: dict[str, Source]
    claims: tuple[Claim, ...]
    kinds: dict[str, KindReplies]
    format: Format = field(default_factory=Format)
    scope: str = ""
    ground_rules: tuple[str, ...] = ()
    disputed_points: tuple[DisputedPoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    content_hash: str = ""
    path: str = ""
    _by_id: dict[str, Claim] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.claims})

    def side(self, side_id: str) -> Side:
        for s in self.sides:
            if s.id == side_id:
                return s
        raise KeyError(side_id)

    def side_name(self, side_id: str) -> str:
        """The side's name, or its id when this topic (another version of it) has no such side."""
        return next((s.name for s in self.sides if s.id == side_id), side_id)

    def claim_title(self, claim_id: str) -> str:
        """The claim's title, or its id when this topic (another version of it) has no such claim."""
        claim = self._by_id.get(claim_id)
        return claim.title if claim is not None else claim_id

    def other_side(self, side_id: str) -> str:
        a, b = self.sides
        return b.id if side_id == a.id else a.id

    def claim(self, claim_id: str) -> Claim:
        return self._by_id[claim_id]

    def has_claim(self, claim_id: str) -> bool:
        return claim_id in self._by_id

    def claims_of(self, side_id: str) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.side == side_id)

    def disputes_for(self, claim_id: str) -> tuple[DisputedPoint, ...]:
        return tuple(d for d in self.disputed_points if claim_id in d.claims)

    def cited(self, source_ids: tuple[str, ...] | list[str]) -> tuple[Source, ...]:
        """The sources a line's citation names: known, not seed, one per short reference, in order."""
        out: dict[str, Source] = {}
        for sid in source_ids:
            src = self.sources.get(sid)
            if src is not None and not src.is_seed:
                out.setdefault(src.short(), src)
        return tuple(out.values())

    def cite(self, source_ids: tuple[str, ...] | list[str]) -> str:
        """Short references for a list of source ids, e.g. "(Khrushchev 1956; Getty & Naumov 1999)".

        Built from the source list, never an id; deduplicated; seed sources (not independently checked)
        are left out. "" when nothing is left to cite.
        """
        refs = [src.short() for src in self.cited(source_ids)]
        return f"({'; '.join(refs)})" if refs else ""
