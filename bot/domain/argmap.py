"""The argument map of one debate, as plain data: who claimed what, what was answered, what was left standing.

``argument_map`` reads a debate's engine state and its scorecard (what was left standing is the scorecard's
verdict, not worked out again here) into nodes and edges; ``bot.argmap_png`` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import DebateState
from .records import TurnRecord
from .scorecard import Scorecard
from .topic import Topic

USER, BOT = "user", "bot"
EDGE_KINDS = ("rebutted", "attacked", "defended")
# node flags: user claims are "rebutted" or "unanswered"; bot claims "attacked", "defended", "conceded",
# "unanswered" (the scorecard's bot_standing) and "acknowledged" (the student argued it for the bot)
FLAGS = ("rebutted", "attacked", "defended", "conceded", "unanswered", "acknowledged")


@dataclass(frozen=True, slots=True)
class MapNode:
    id: str  # the claim id
    column: str  # user (left) | bot (right)
    side: str  # the topic side id the claim belongs to
    title: str
    flags: tuple[str, ...] = ()

    @property
    def unanswered(self) -> bool:
        return "unanswered" in self.flags

    @property
    def conceded(self) -> bool:
        return "conceded" in self.flags


@dataclass(frozen=True, slots=True)
class MapEdge:
    """An arrow. ``source`` is None for an arrow with no claim node behind it: a rebuttal that draws on
    no claim the bot has made (a "rebuttal marker"), or the student attacking a bot claim directly."""

    source: str | None
    target: str
    kind: str  # rebutted | attacked | defended
    lines: tuple[str, ...] = ()  # topic line ids (rebuttals, counter-rebuttals) behind the arrow


@dataclass(frozen=True, slots=True)
class ArgumentMap:
    topic_id: str
    motion: str
    user_side: str  # side ids
    bot_side: str
    user_side_name: str
    bot_side_name: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    outcome: str | None = None

    @property
    def empty(self) -> bool:
        return not self.nodes

    def node(self, node_id: str) -> MapNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def column(self, column: str) -> tuple[MapNode, ...]:
        return tuple(n for n in self.nodes if n.column == column)

    def edges_of(self, kind: str) -> tuple[MapEdge, ...]:
        return tuple(e for e in self.edges if e.kind == kind)

    def as_dict(self) -> dict:
        return {
            "topic_id": self.topic_id,
            "motion": self.motion,
            "user_side": self.user_side,
            "bot_side": self.bot_side,
            "user_side_name": self.user_side_name,
            "bot_side_name": self.bot_side_name,
            "outcome": self.outcome,
            "nodes": [
                {"id": n.id, "column": n.column, "side": n.side, "title": n.title, "flags": list(n.flags)}
                for n in self.nodes
            ],
            "edges": [
                {"source": e.source, "target": e.target, "kind": e.kind, "lines": list(e.lines)} for e in self.edges
            ],
        }


# ---------------------------------------------------------------------------------------------- the data
def argument_map(topic: Topic, st: DebateState, card: Scorecard, turns: list[TurnRecord]) -> ArgumentMap:
    """The map of a debate, from its engine state and scorecard; the turns only give the order of claims."""

    def side_of(cid: str, default: str) -> str:
        return topic.claim(cid).side if topic.has_claim(cid) else default

    # order: first appearance in the turns, then the state's own order
    first_seen: dict[str, tuple[int, int]] = {}
    for t in sorted(turns, key=lambda t: t.number):
        for k, cid in enumerate(t.claims):
            first_seen.setdefault(cid, (t.number, k))

    def ordered(ids: list[str]) -> list[str]:
        unique = list(dict.fromkeys(ids))
        return sorted(unique, key=lambda c: (first_seen.get(c, (1 << 30, 0)), unique.index(c)))

    user_ids = ordered(st.user_claims)
    bot_ids = ordered(st.bot_claims + [c for c in st.acknowledged if c not in st.bot_claims])
    user_set, bot_set = set(user_ids), set(bot_ids)

    counters = {line for lines in st.defended.values() for line in lines}  # counter-rebuttal ids used
    edges: dict[tuple[str | None, str, str], list[str]] = {}

    def add(source: str | None, target: str, kind: str, line: str | None = None) -> None:
        lines = edges.setdefault((source, target, kind), [])
        if line and line not in lines:
            lines.append(line)

    # the bot's rebuttals of the student's claims (from the claim the rebuttal draws on, or a marker)
    for uid in user_ids:
        for line in st.rebutted.get(uid, []):
            if not line or line in counters:
                continue  # answered by defending a bot claim: drawn as that claim's "defended" arrow
            add(_rebuttal_source(topic, uid, line, st.bot_claims), uid, "rebutted", line)
    # the student's attacks on the bot's claims, and the bot's defences drawn back at the attacker
    for bid in bot_ids:
        for attacker in st.attacked.get(bid, []):
            add(attacker if attacker in user_set else None, bid, "attacked")
        for line in st.defended.get(bid, []):
            via = [u for u in user_ids if line in st.rebutted.get(u, [])]
            for uid in via:
                add(bid, uid, "defended", line)

    rebutted = {r.id for r in card.rebutted}
    conceded = {r.id for r in card.bot_conceded}
    standing = {r.id for r in card.bot_standing}  # the scorecard's "left standing"
    nodes: list[MapNode] = []
    for uid in user_ids:
        status = ("rebutted",) if uid in rebutted else ("unanswered",)
        nodes.append(MapNode(uid, USER, side_of(uid, st.user_side), topic.claim_title(uid), status))
    for bid in bot_ids:
        flags: list[str] = []
        if bid in conceded:
            flags.append("conceded")
        elif bid in standing:
            flags.append("unanswered")
        if bid in st.attacked:
            flags.append("attacked")
        if st.defended.get(bid):
            flags.append("defended")
        if bid in st.acknowledged:
            flags.append("acknowledged")
        nodes.append(MapNode(bid, BOT, side_of(bid, st.bot_side), topic.claim_title(bid), tuple(flags)))
    return ArgumentMap(
        topic_id=topic.id,
        motion=topic.motion,
        user_side=st.user_side,
        bot_side=st.bot_side,
        user_side_name=topic.side_name(st.user_side),
        bot_side_name=topic.side_name(st.bot_side),
        nodes=tuple(nodes),
        edges=tuple(
            MapEdge(s, t, k, tuple(lines))
            for (s, t, k), lines in edges.items()
            if (s is None or s in user_set | bot_set) and t in user_set | bot_set
        ),
        outcome=st.outcome,
    )


def _rebuttal_source(topic: Topic, user_claim: str, line: str, bot_claims: list[str]) -> str | None:
    """The bot claim a rebuttal draws on (the first one the bot has made), or None for a marker."""
    if not topic.has_claim(user_claim):
        return None
    reb = next((r for r in topic.claim(user_claim).rebuttals if r.id == line), None)
    if reb is None:
        return None
    return next((c for c in bot_claims if c in reb.draws_on), None)
