"""The application service: debates as the adapters (terminal, Discord, web) see them.

It joins the pure engine to the store: load state, let the engine answer, commit the user turn and
the reply in one transaction, and only then hand the reply back to be shown.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .domain.engine import COMMANDS, DebateEngine, DebateState, Reply, Turn
from .domain.errors import DebateFinished, InvalidOption, UnknownSide
from .domain.records import SIDE_POLICIES, ClassRecord, DebateRecord, NewClass, NewDebate, TurnDraft
from .domain.scorecard import Scorecard, build_scorecard
from .domain.topic import Topic
from .export import export
from .reports import ClassReport, build_class_report
from .storage.base import Store
from .topic_files import TopicLibrary

log = logging.getLogger(__name__)
MAX_REBUTTAL_ROUNDS = 10
MIN_TURN_SECONDS, MAX_TURN_SECONDS = 30, 86400
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # join codes: no 0/O or 1/I to misread


def _after(record: DebateRecord, ts: str, state: dict, status: str, deadline: str | None, turns: int) -> DebateRecord:
    """The debate record as the store now holds it, without reading it back."""
    done = status != "active"
    return replace(
        record,
        state=state,
        status=status,
        updated_at=ts,
        finished_at=record.finished_at or (ts if done else None),
        deadline=None if done else deadline,
        turn_count=record.turn_count + turns,
    )


def deadline_after(seconds: int | None) -> str | None:
    """The ISO UTC time a turn started now is due, or None when turns are untimed."""
    if not seconds:
        return None
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an adapter shows after a user message or command."""

    debate: DebateRecord
    reply: Reply
    scorecard: Scorecard | None = None
    match_claims: tuple[str, ...] = ()


class DebateService:
    def __init__(
        self, library: TopicLibrary, store: Store, *, default_rounds: int | None = None, turn_limit: int | None = None
    ):
        self.library = library
        self.store = store
        self.default_rounds = default_rounds
        self.turn_limit = turn_limit
        self._engines: dict[str, DebateEngine] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    def engine(self, topic_id: str) -> DebateEngine:
        engine = self._engines.get(topic_id)
        if engine is None:
            engine = DebateEngine(self.library.get(topic_id), turn_limit=self.turn_limit)
            self._engines[topic_id] = engine
        return engine

    def topic(self, topic_id: str) -> Topic:
        return self.library.get(topic_id)

    # ------------------------------------------------------------------ commands
    async def start(
        self,
        topic_id: str | None,
        side: str | None,
        *,
        seed: int | None = None,
        rounds: int | None = None,
        user_id: str = "local",
        user_name: str = "you",
        platform: str = "terminal",
        guild_id: str | None = None,
        channel_id: str | None = None,
        thread_id: str | None = None,
        turn_seconds: int | None = None,
        class_id: int | None = None,
    ) -> Outcome:
        topic = self.check_options(topic_id, side, rounds, turn_seconds)
        engine = self.engine(topic.id)
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        if side in (None, "", "random"):
            side = random.Random(seed).choice([s.id for s in topic.sides])
        rounds = rounds or self.default_rounds
        turn_seconds = turn_seconds or topic.format.turn_time_limit
        state = engine.new_state(side, seed, rounds)
        state, reply = engine.opening(state)
        opening = self._bot_turn(engine, state, reply, "opening", 0)
        record = await self.store.create_debate(
            NewDebate(
                topic.id,
                topic.content_hash,
                state.user_side,
                state.bot_side,
                seed,
                state.rebuttal_rounds,
                platform,
                user_id,
                user_name,
                guild_id,
                channel_id,
                thread_id,
                turn_seconds,
                deadline_after(turn_seconds),
                class_id,
            ),
            state.to_dict(),
            opening,
        )
        log.info("debate %s started: topic %s, user side %s, seed %s", record.id, topic.id, side, seed)
        return Outcome(record, reply)

    def check_options(
        self, topic_id: str | None, side: str | None, rounds: int | None = None, turn_seconds: int | None = None
    ) -> Topic:
        """The topic, once the options of a new debate are known to be valid (raises a domain error if not)."""
        topic = self.library.get(topic_id)
        side_ids = [s.id for s in topic.sides]
        if side not in (None, "", "random") and side not in side_ids:
            raise UnknownSide(side, side_ids)
        if rounds is not None and not 1 <= rounds <= MAX_REBUTTAL_ROUNDS:
            raise InvalidOption(f"rounds must be between 1 and {MAX_REBUTTAL_ROUNDS}, got {rounds}")
        if turn_seconds is not None and not MIN_TURN_SECONDS <= turn_seconds <= MAX_TURN_SECONDS:
            raise InvalidOption(
                f"the time per turn must be between {MIN_TURN_SECONDS} and {MAX_TURN_SECONDS} seconds,"
                f" got {turn_seconds}"
            )
        return topic

    async def transcript(self, debate_id: int, fmt: str, debug: bool = False) -> tuple[DebateRecord, str]:
        """The debate and its transcript in an export format (md, json, csv, html); ``debug``: matcher scores
        in the annotations."""
        record = await self.store.get_debate(debate_id)
        turns = await self.store.turns(debate_id)
        card = await self.scorecard(debate_id)
        return record, export(fmt, self.engine(record.topic_id).topic, record, turns, card, debug)

    async def say(
        self,
        debate_id: int,
        text: str,
        *,
        author: str = "",
        message_id: str | None = None,
        author_id: str | None = None,
    ) -> Outcome | None:
        """A user message: the bot's answer, committed (with the message) before it is returned.

        An empty or whitespace-only message is ignored (None, nothing stored).
        """
        if not text or not text.strip():
            return None
        async with self._lock(debate_id):
            record = await self.store.get_debate(debate_id)
            if not record.active:
                raise DebateFinished(debate_id)
            engine = self.engine(record.topic_id)
            state = DebateState.from_dict(record.state)
            turn: Turn = engine.respond(state, text)
            user = TurnDraft(
                "user",
                text,
                turn.phase,
                turn.round,
                author or record.user_name,
                kind=turn.reply.kind,
                counted=turn.reply.counted,
                claims=turn.match.claims if turn.match else (),
                scores=turn.match.scores if turn.match else (),
                sources=turn.match.sources if turn.match else (),
                moves=tuple((m.claim, m.stance) for m in turn.match.moves) if turn.match else (),
                message_id=message_id,
                author_id=author_id,
            )
            bot = self._bot_turn(engine, turn.state, turn.reply, turn.phase, turn.round)
            status = turn.state.outcome if turn.state.finished else "active"
            # a message refused before it counted (too long, a kind that costs no turn) keeps the deadline
            deadline = deadline_after(record.turn_seconds) if turn.reply.counted else record.deadline
            state = turn.state.to_dict()
            status = status or "completed"
            ts = await self.store.record_exchange(debate_id, [user, bot], state, status, deadline=deadline)
            record = _after(record, ts, state, status, deadline, 2) if ts else await self.store.get_debate(debate_id)
            card = build_scorecard(engine.topic, turn.state) if turn.state.finished else None
            return Outcome(record, turn.reply, card, turn.match.claims if turn.match else ())

    async def forfeit(self, debate_id: int, deadline: str) -> Outcome | None:
        """The turn due at ``deadline`` was not taken: log the forfeit and the bot's reply.

        None when the debate moved on meanwhile (the user answered, or it ended): nothing is stored.
        """
        async with self._lock(debate_id):
            record = await self.store.get_debate(debate_id)
            if not record.active or record.deadline != deadline:
                return None
            engine = self.engine(record.topic_id)
            turn = engine.forfeit(DebateState.from_dict(record.state))
            user = TurnDraft(
                "user", "(turn forfeited: time ran out)", turn.phase, turn.round, record.user_name, kind="forfeit"
            )
            bot = self._bot_turn(engine, turn.state, turn.reply, turn.phase, turn.round)
            status = (turn.state.outcome or "completed") if turn.state.finished else "active"
            await self.store.record_exchange(
                debate_id, [user, bot], turn.state.to_dict(), status, deadline=deadline_after(record.turn_seconds)
            )
            record = await self.store.get_debate(debate_id)
            card = build_scorecard(engine.topic, turn.state) if turn.state.finished else None
            return Outcome(record, turn.reply, card)

    # ------------------------------------------------------------------ classes
    async def create_class(
        self,
        *,
        guild_id: str,
        channel_id: str,
        name: str,
        topic_id: str | None,
        teacher_id: str,
        side_policy: str = "choose",
        rounds: int | None = None,
        turn_seconds: int | None = None,
        deadline: str | None = None,
        team: bool = False,
    ) -> ClassRecord:
        if side_policy not in SIDE_POLICIES:
            raise InvalidOption(f"side policy must be one of {', '.join(SIDE_POLICIES)}")
        if not name.strip() or len(name) > 80:
            raise InvalidOption("the class name must be 1 to 80 characters")
        topic = self.check_options(topic_id, None, rounds, turn_seconds)
        for _ in range(5):
            code = "".join(random.SystemRandom().choice(CODE_ALPHABET) for _ in range(6))
            try:
                return await self.store.create_class(
                    NewClass(guild_id, channel_id, name.strip(), topic.id, side_policy, teacher_id, code, rounds,
                             turn_seconds, deadline, team)
                )  # fmt: skip
            except Exception as exc:  # a join code collision (unique): try another
                if "UNIQUE" not in str(exc):
                    raise
        raise RuntimeError("could not find a free join code")

    async def side_for(self, klass: ClassRecord, chosen: str | None = None) -> str | None:
        """The side a student joining the class argues (None: the student chooses)."""
        topic = self.topic(klass.topic_id)
        first, second = topic.sides[0].id, topic.sides[1].id
        if klass.side_policy == "proposition":
            return first
        if klass.side_policy == "opposition":
            return second
        if klass.side_policy == "alternate":
            joined = await self.store.list_debates(class_id=klass.id, limit=None)
            return first if len(joined) % 2 == 0 else second
        return chosen

    async def close_class(self, class_id: int) -> list[Outcome]:
        """Close the class and end its unfinished debates (their scorecards are still produced)."""
        await self.store.close_class(class_id)
        ended = []
        for debate in await self.store.list_debates(class_id=class_id, status="active", limit=None):
            ended.append(await self.command(debate.id, "end", author="teacher"))
        return ended

    async def class_report(self, class_id: int) -> ClassReport:
        klass = await self.store.get_class(class_id)
        debates = await self.store.list_debates(class_id=class_id, limit=None)
        turns = {d.id: await self.store.turns(d.id) for d in debates}
        cards = {d.id: await self.scorecard(d.id) for d in debates}
        people = {d.id: await self.store.participants(d.id) for d in debates}
        return build_class_report(self.topic(klass.topic_id), klass, debates, turns, cards, people)

    async def active_debate(self, platform: str, thread_id: str) -> DebateRecord | None:
        """The active debate running in a thread (or DM channel), if any."""
        found = await self.store.list_debates(status="active", platform=platform, thread_id=thread_id, limit=1)
        return found[0] if found else None

    async def command(self, debate_id: int, name: str, *, author: str = "") -> Outcome:
        if name not in COMMANDS:
            raise InvalidOption(f"unknown command /{name}; commands: " + ", ".join("/" + c for c in COMMANDS))
        async with self._lock(debate_id):
            record = await self.store.get_debate(debate_id)
            engine = self.engine(record.topic_id)
            state = DebateState.from_dict(record.state)
            new_state, reply = engine.command(state, name)
            if name in ("concede", "end") and record.active:
                ph = engine.phase(state)
                drafts = [
                    TurnDraft(
                        "user",
                        f"/{name}",
                        ph.id,
                        state.round_in_phase,
                        author or record.user_name,
                        kind="command",
                        counted=False,
                    ),
                    self._bot_turn(engine, new_state, reply, ph.id, state.round_in_phase),
                ]
                await self.store.record_exchange(
                    debate_id, drafts, new_state.to_dict(), new_state.outcome or "ended", deadline=None
                )
                record = await self.store.get_debate(debate_id)
            card = build_scorecard(engine.topic, new_state) if new_state.finished else None
            return Outcome(record, reply, card)

    async def scorecard(self, debate_id: int) -> Scorecard:
        record = await self.store.get_debate(debate_id)
        return build_scorecard(self.engine(record.topic_id).topic, DebateState.from_dict(record.state))

    def status(self, record: DebateRecord) -> str:
        return self.engine(record.topic_id).status(DebateState.from_dict(record.state))

    def topic_changed(self, record: DebateRecord) -> bool:
        return self.library.get(record.topic_id).content_hash != record.topic_hash

    # ------------------------------------------------------------------ helpers
    def _lock(self, debate_id: int) -> asyncio.Lock:
        lock = self._locks.get(debate_id)
        if lock is None:
            lock = self._locks[debate_id] = asyncio.Lock()
        return lock

    @staticmethod
    def _bot_turn(engine: DebateEngine, state: DebateState, reply: Reply, phase: str, rnd: int) -> TurnDraft:
        sources = tuple(dict.fromkeys(s for p in reply.parts for s in p.sources))
        return TurnDraft(
            "bot",
            reply.full_text,  # the transcript keeps every line whole; the reply shown may be its short form
            phase,
            rnd,
            "counterpoint",
            kind=reply.kind,
            counted=reply.counted,
            claims=reply.claims,
            lines=reply.lines,
            roles=tuple(p.role for p in reply.parts),
            sources=sources,
        )
