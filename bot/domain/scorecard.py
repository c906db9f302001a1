"""The end-of-debate scorecard: what the student argued, how each claim fared, and how to do better.

One structure, several renderers: ``card_sections`` turns a scorecard into plain-text sections (a heading,
items, each with detail lines) that the terminal, the Discord embed, the web page and the exports all show.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import DebateState
from .text import gist
from .topic import Claim, Topic

STOOD, DEFENDED, DROPPED = "stood", "defended", "dropped"
FATES = {
    STOOD: "stood: I never answered it",
    DEFENDED: "rebutted, and you came back to defend it",
    DROPPED: "rebutted, and you dropped it",
}
GIST_WORDS = 25
CITE_EXAMPLE = "(Khlevniuk 2009)"


@dataclass(frozen=True, slots=True)
class ClaimRef:
    id: str
    title: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """How one claim of the student's fared, the rebuttal that met it, and the evidence that answers it."""

    id: str
    title: str
    fate: str  # stood | defended | dropped
    rebuttal: str = ""  # the rebuttal's gist (its first sentence)
    tip: str = ""  # the topic's answer to that rebuttal (first sentence) ...
    tip_cite: str = ""  # ... and its citation, e.g. "(Getty 1999)"


@dataclass(frozen=True, slots=True)
class RubricLine:
    part: str  # claims made | evidence used | clash | responsiveness
    result: str  # what the student did, e.g. "2 of 6 arguments of your side"
    why: str  # one line on what the part measures and how to do better


@dataclass(frozen=True, slots=True)
class CardItem:
    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CardSection:
    title: str
    items: tuple[CardItem, ...]

    def lines(self) -> list[str]:
        """Every piece of text in the section, heading first (what each renderer must show)."""
        out = [self.title]
        for item in self.items:
            out.append(item.text)
            out.extend(item.details)
        return out


@dataclass(frozen=True, slots=True)
class Scorecard:
    outcome: str
    user_side: str
    bot_side: str
    user_claims: tuple[ClaimRef, ...]  # raised by the student
    rebutted: tuple[ClaimRef, ...]  # of those, the ones the bot answered with a rebuttal
    bot_answered: tuple[ClaimRef, ...]  # bot claims the student attacked
    bot_standing: tuple[ClaimRef, ...]  # bot claims the student never answered
    bot_conceded: tuple[ClaimRef, ...]  # points the bot gave up
    acknowledged: tuple[ClaimRef, ...]  # bot-side claims the student made (concessions)
    sources_cited: tuple[str, ...]
    figures_cited: int
    missed: tuple[ClaimRef, ...]  # strongest arguments of the student's side not used
    coverage: float  # share of the student's side's claims raised
    results: tuple[ClaimResult, ...] = ()  # one per claim in user_claims, same order
    figures: tuple[str, ...] = ()  # the figures and dates the student used (older debates: empty)
    rubric: tuple[RubricLine, ...] = ()
    hints: tuple[ClaimRef, ...] = ()  # the arguments hints offered, in order
    hint_limit: int = 0  # hints the debate allowed (0: off)

    def as_dict(self) -> dict:
        def refs(items):
            return [{"id": r.id, "title": r.title, "sources": list(r.sources)} for r in items]

        return {
            "outcome": self.outcome,
            "user_side": self.user_side,
            "bot_side": self.bot_side,
            "user_claims": refs(self.user_claims),
            "rebutted": refs(self.rebutted),
            "bot_answered": refs(self.bot_answered),
            "bot_standing": refs(self.bot_standing),
            "bot_conceded": refs(self.bot_conceded),
            "acknowledged": refs(self.acknowledged),
            "sources_cited": list(self.sources_cited),
            "figures_cited": self.figures_cited,
            "figures": list(self.figures),
            "missed": refs(self.missed),
            "coverage": round(self.coverage, 3),
            "results": [
                {
                    "id": r.id,
                    "title": r.title,
                    "fate": r.fate,
                    "rebuttal": r.rebuttal,
                    "tip": r.tip,
                    "tip_cite": r.tip_cite,
                }
                for r in self.results
            ],
            "rubric": [{"part": r.part, "result": r.result, "why": r.why} for r in self.rubric],
            "hints": refs(self.hints),
            "hint_limit": self.hint_limit,
        }


def build_scorecard(topic: Topic, st: DebateState, missed_count: int = 3) -> Scorecard:
    def ref(cid: str) -> ClaimRef:  # a claim another version of the topic had keeps its id as its title
        return (
            ClaimRef(cid, topic.claim(cid).title, topic.claim(cid).sources())
            if topic.has_claim(cid)
            else ClaimRef(cid, cid)
        )

    user_side_claims = topic.claims_of(st.user_side)
    raised = set(st.user_claims)
    missed = sorted((c for c in user_side_claims if c.id not in raised), key=lambda c: (-c.strength, c.id))
    answered = [c for c in st.bot_claims if c in st.attacked or c in st.conceded_points]
    results = tuple(_result(topic, st, topic.claim(c)) for c in st.user_claims if topic.has_claim(c))
    figures = tuple(dict.fromkeys(f.strip().rstrip(",.") for f in st.figures if f.strip().rstrip(",.")))
    card = Scorecard(
        outcome=st.outcome or "in progress",
        user_side=st.user_side,
        bot_side=st.bot_side,
        user_claims=tuple(ref(c) for c in st.user_claims),
        rebutted=tuple(ref(c) for c in st.user_claims if c in st.rebutted),
        bot_answered=tuple(ref(c) for c in answered),
        bot_standing=tuple(ref(c) for c in st.bot_claims if c not in answered),
        bot_conceded=tuple(ref(c) for c in st.conceded_points),
        acknowledged=tuple(ref(c) for c in st.acknowledged),
        sources_cited=tuple(st.sources_cited),
        figures_cited=st.figures_cited,
        missed=tuple(ref(c.id) for c in missed[:missed_count]),
        coverage=len(raised) / len(user_side_claims) if user_side_claims else 0.0,
        results=results,
        figures=figures,
        hints=tuple(ref(c) for c in st.hinted),
        hint_limit=st.hint_limit,
    )
    return _with_rubric(card, len(user_side_claims), len(st.bot_claims))


def _result(topic: Topic, st: DebateState, claim: Claim) -> ClaimResult:
    """How a claim fared. Rebutted and defended: the student raised it again after the rebuttal (the bot
    rebutted it a second time), or attacked a point of the bot's that the rebuttal rests on, using this claim."""
    used = st.rebutted.get(claim.id, [])
    if not used:
        return ClaimResult(claim.id, claim.title, STOOD)
    by_id = {r.id: r for r in claim.rebuttals}
    rebuttals = [by_id[r] for r in used if r in by_id]
    came_back = len(used) > 1 or any(
        claim.id in st.attacked.get(point, []) for reb in rebuttals for point in reb.draws_on
    )
    last = rebuttals[-1] if rebuttals else None
    said = gist(last.text, GIST_WORDS) if last else ""
    counter = next((c for c in claim.counter_rebuttals if last is not None and c.answers == last.id), None)
    if counter is not None:
        tip, cite = gist(counter.text, GIST_WORDS), topic.cite(counter.sources)
    elif claim.arguments:  # no prepared answer: the claim's own evidence
        tip, cite = gist(claim.arguments[0].text, GIST_WORDS), topic.cite(claim.arguments[0].sources)
    else:
        tip, cite = "", ""
    return ClaimResult(claim.id, claim.title, DEFENDED if came_back else DROPPED, said, tip, cite)


def _with_rubric(card: Scorecard, side_claims: int, bot_claims: int) -> Scorecard:
    rebutted = [r for r in card.results if r.fate != STOOD]
    defended = [r for r in rebutted if r.fate == DEFENDED]
    figures = len(card.figures) or card.figures_cited
    sources = len(card.sources_cited)
    rubric = (
        RubricLine(
            "Claims made",
            f"{len(card.user_claims)} of the {side_claims} arguments of your side",
            "Each distinct argument you put forward is ground I have to answer; more ground, more pressure.",
        ),
        RubricLine(
            "Evidence used",
            f"{sources} source{_s(sources)}, {figures} figure{_s(figures)} or date{_s(figures)}",
            "A named source and an exact figure make a claim checkable, and much harder to wave away.",
        ),
        RubricLine(
            "Clash",
            f"you answered {len(card.bot_answered)} of my {bot_claims} point{_s(bot_claims)}",
            "Take on my points directly: a point you leave standing counts for my side.",
        ),
        RubricLine(
            "Responsiveness",
            f"you defended {len(defended)} of your {len(rebutted)} rebutted claim{_s(len(rebutted))}",
            "When I rebut a claim, come back to it with an answer; a dropped claim counts as lost.",
        ),
    )
    return Scorecard(**{**{f: getattr(card, f) for f in card.__dataclass_fields__}, "rubric": rubric})


def card_sections(topic: Topic, card: Scorecard) -> list[CardSection]:
    """The scorecard's content as plain-text sections, in reading order (every renderer shows all of it)."""
    sections = []
    claims = []
    for r in card.results:
        details = []
        if r.rebuttal:
            details.append(f"My rebuttal: {r.rebuttal}")
        if r.fate != STOOD and r.tip:
            details.append(f"To strengthen it: {r.tip} {r.tip_cite}".rstrip())
        claims.append(CardItem(f"{r.title} \u2014 {FATES[r.fate]}.", tuple(details)))
    sections.append(CardSection("Your claims", tuple(claims) or (CardItem("You made no claim of your side."),)))

    mine = [
        CardItem(f"You answered: {_names(card.bot_answered)}"),
        CardItem(f"Left standing: {_names(card.bot_standing)}"),
    ]
    if card.bot_conceded:
        mine.append(CardItem(f"Points I conceded to you: {_names(card.bot_conceded)}"))
    if card.acknowledged:
        mine.append(CardItem(f"Arguments of my side you made for me: {_names(card.acknowledged)}"))
    sections.append(CardSection("My points", tuple(mine)))

    evidence = []
    if card.figures:
        evidence.append(CardItem(f"Figures and dates you used: {', '.join(card.figures)}"))
    elif card.figures_cited:
        evidence.append(CardItem(f"Figures and dates you used: {card.figures_cited} (not listed for this debate)"))
    else:
        evidence.append(CardItem("Figures and dates you used: none. An exact number or date is hard to wave away."))
    cited = [topic.cite((s,)) for s in card.sources_cited if s in topic.sources]
    cited = [c for c in dict.fromkeys(cited) if c]
    if cited:
        evidence.append(CardItem(f"Sources you cited: {'; '.join(c.strip('()') for c in cited)}"))
    else:
        evidence.append(
            CardItem(
                "Sources you cited: none. To cite, name an author and a year,"
                f" e.g. \u201c{_cite_example(topic, card)}\u201d."
            )
        )
    sections.append(CardSection("Evidence", tuple(evidence)))

    if card.hints:
        used = {r.id for r in card.user_claims}
        items = [
            CardItem(f"{r.title} — {'you used it' if r.id in used else 'you did not use it'}.") for r in card.hints
        ]
        title = f"Hints you asked for ({len(card.hints)} of {card.hint_limit})"
        sections.append(CardSection(title, tuple(items)))

    if card.missed:
        sections.append(
            CardSection(
                "Strongest arguments you did not use",
                tuple(CardItem(f"{r.title} {topic.cite(r.sources[:3])}".rstrip()) for r in card.missed),
            )
        )
    sections.append(CardSection("Rubric", tuple(CardItem(f"{r.part}: {r.result}.", (r.why,)) for r in card.rubric)))
    return sections


def card_headline(topic: Topic, card: Scorecard) -> str:
    """The card's first line (under a "Scorecard" heading of each renderer's own)."""
    return f"Outcome: {card.outcome}. You argued \u201c{topic.side(card.user_side).name}\u201d."


def card_lines(topic: Topic, card: Scorecard) -> list[str]:
    """All the scorecard's text, line by line: what the same-content test checks in every renderer."""
    out = [card_headline(topic, card)]
    for section in card_sections(topic, card):
        out.extend(section.lines())
    return out


def render_scorecard(topic: Topic, card: Scorecard, heading: bool = True) -> str:
    """The scorecard as Markdown (the terminal; the Markdown export, which has its own heading)."""
    lines = ([f"**Scorecard** ({card.outcome})"] if heading else []) + [card_headline(topic, card)]
    for section in card_sections(topic, card):
        lines += ["", f"**{section.title}**"]
        for item in section.items:
            lines.append(f"- {item.text}")
            lines.extend(f"  - {d}" for d in item.details)
    return "\n".join(lines)


def _cite_example(topic: Topic, card: Scorecard) -> str:
    for r in card.missed + card.user_claims:
        for sid in r.sources:
            src = topic.sources.get(sid)
            if src is not None and src.type != "seed":
                ref = topic.cite((sid,))
                if ref:
                    return ref
    return CITE_EXAMPLE


def _names(items: tuple[ClaimRef, ...]) -> str:
    return "; ".join(r.title for r in items) if items else "none"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
