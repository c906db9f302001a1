"""The end-of-debate scorecard: what the student argued, what stood, and what they missed."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import DebateState
from .topic import Topic


@dataclass(frozen=True, slots=True)
class ClaimRef:
    id: str
    title: str
    sources: tuple[str, ...] = ()


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
            "missed": refs(self.missed),
            "coverage": round(self.coverage, 3),
        }


def build_scorecard(topic: Topic, st: DebateState, missed_count: int = 3) -> Scorecard:
    def ref(cid: str) -> ClaimRef:
        claim = topic.claim(cid)
        return ClaimRef(cid, claim.title, claim.sources())

    user_side_claims = topic.claims_of(st.user_side)
    raised = set(st.user_claims)
    missed = sorted((c for c in user_side_claims if c.id not in raised), key=lambda c: (-c.strength, c.id))
    answered = [c for c in st.bot_claims if c in st.attacked or c in st.conceded_points]
    return Scorecard(
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
    )


def render_scorecard(topic: Topic, card: Scorecard) -> str:
    """The scorecard as Markdown-ish text (terminal and Discord embeds share it)."""

    def names(items: tuple[ClaimRef, ...]) -> str:
        return "; ".join(r.title for r in items) if items else "none"

    lines = [
        f"**Scorecard** ({card.outcome}): you argued \u201c{topic.side(card.user_side).name}\u201d.",
        f"- Your claims raised ({len(card.user_claims)}): {names(card.user_claims)}",
        f"- Rebutted by me: {names(card.rebutted)}",
        f"- My claims you answered: {names(card.bot_answered)}",
        f"- My claims left standing: {names(card.bot_standing)}",
    ]
    if card.bot_conceded:
        lines.append(f"- Points I conceded to you: {names(card.bot_conceded)}")
    if card.acknowledged:
        lines.append(f"- Arguments of my side you made for me: {names(card.acknowledged)}")
    cited = ", ".join(topic.sources[s].short() for s in card.sources_cited if s in topic.sources)
    lines.append(f"- Sources you cited: {cited or 'none'}; figures and dates you used: {card.figures_cited}")
    lines.append(f"- Coverage of your side's arguments: {card.coverage:.0%}")
    if card.missed:
        lines.append("- Strong arguments you did not use:")
        for r in card.missed:
            lines.append(f"  - {r.title} {topic.cite(r.sources[:3])}".rstrip())
    return "\n".join(lines)
