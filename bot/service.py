"""The application service: debates as the adapters (terminal, Discord, web) see them.

It joins the pure engine to the store: load state, let the engine answer, commit the user turn and
the reply in one transaction, and only then hand the reply back to be shown.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .domain.access import LinkScope, Viewer, is_teacher, may_read, needs_participants
from .domain.argmap import ArgumentMap, argument_map
from .domain.engine import COMMANDS, DebateEngine, DebateState, Reply, Turn
from .domain.errors import (
    DebateFinished,
    DuplicateMessage,
    InvalidOption,
    JoinCodeTaken,
    NotParticipant,
    Problem,
    StaleDebate,
    TopicError,
    UnknownSide,
    UnknownTopic,
)
from .domain.recognition import RecognitionReport, check_recognition
from .domain.records import (
    SIDE_POLICIES,
    ClassRecord,
    DebateRecord,
    NewClass,
    NewDebate,
    TopicUpload,
    TopicVersion,
    TurnDraft,
    TurnRecord,
)
from .domain.scorecard import Scorecard, build_scorecard
from .domain.topic import Topic
from .export import export
from .index_cache import IndexCache
from .keyed import KeyedLocks
from .reports import ClassReport, build_class_report, student_turns
from .storage.base import Store
from .topic_files import TopicLibrary, parse_topic_text

log = logging.getLogger(__name__)
MAX_REBUTTAL_ROUNDS = 10
MAX_HINTS = 10
CACHED_RECORDS = 10_000  # debates whose record is kept between turns
CACHED_TOPICS = 64  # uploaded topics kept parsed in memory (least recently used dropped first)
CACHED_ENGINES = 16  # uploaded topics kept with their matcher index built
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


def command_in(text: str, known: tuple[str, ...] = COMMANDS) -> str | None:
    """The command a message gives, if it is one: ``/end`` or ``!end`` (the first word, any case; the
    rest of the line is ignored), one of ``known``."""
    stripped = text.strip()
    if not stripped.startswith(("/", "!")):
        return None
    name = stripped[1:].split(maxsplit=1)[0].lower() if stripped[1:].strip() else ""
    return name if name in known else None


@dataclass(frozen=True, slots=True)
class Review:
    """A logged debate as a reader sees it: the record, its topic, every turn, the scorecard and who debated."""

    debate: DebateRecord
    topic: Topic
    turns: list[TurnRecord]
    scorecard: Scorecard
    people: list[tuple[str, str]]  # (user id, display name), the starter first
    version: str = ""  # an uploaded topic's version ("version 2, uploaded 2026-12-03"); "" for a shipped one

    def export(self, fmt: str, debug: bool = False) -> str:
        return export(fmt, self.topic, self.debate, self.turns, self.scorecard, debug, version=self.version)

    def argument_map(self) -> ArgumentMap:
        """The debate's argument map (plain data; ``bot.argmap_png.render_png`` draws it)."""
        return argument_map(self.topic, DebateState.from_dict(self.debate.state), self.scorecard, self.turns)


@dataclass(frozen=True, slots=True)
class IndexFilters:
    """The web index's filters (each optional)."""

    class_id: int | None = None
    topic_id: str | None = None
    student: str | None = None  # part of a participant's name, or their user id
    created_from: str | None = None  # ISO dates, inclusive
    created_to: str | None = None


@dataclass(frozen=True, slots=True)
class IndexPage:
    """One page of the debates a link may list, newest first."""

    debates: list[DebateRecord]
    people: dict[int, list[tuple[str, str]]]
    total: int
    page: int
    pages: int
    classes: list[ClassRecord]  # the classes the link may filter by
    class_names: dict[int, str]


@dataclass(frozen=True, slots=True)
class ClassJoin:
    """What joining a class did: ``opened`` a debate (None when the adapter declined, e.g. one already runs),
    ``joined`` the class's team debate, or ``choose``: the student picks a side first."""

    kind: str  # opened | joined | choose
    debate: DebateRecord | None = None


@dataclass(frozen=True, slots=True)
class ClassStatusRow:
    debate: DebateRecord
    names: str
    turns: int  # the students' counted turns, as the report counts them
    state: str


@dataclass(frozen=True, slots=True)
class TopicChoice:
    """A topic a new debate may use in a server: a shipped one (``version`` None) or an uploaded one."""

    id: str
    motion: str
    claims: int
    version: TopicVersion | None = None


@dataclass(frozen=True, slots=True)
class Uploaded:
    """What an upload did: the version stored (``new`` False: the same file as the latest version), the topic
    and what the bot will recognise in it."""

    version: TopicVersion
    topic: Topic
    report: RecognitionReport
    new: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an adapter shows after a user message or command."""

    debate: DebateRecord
    reply: Reply
    scorecard: Scorecard | None = None
    match_claims: tuple[str, ...] = ()


class DebateService:
    def __init__(
        self,
        library: TopicLibrary,
        store: Store,
        *,
        default_rounds: int | None = None,
        turn_limit: int | None = None,
        index_cache: IndexCache | None = None,
    ):
        self.library = library
        self._index_cache = index_cache or IndexCache(None)
        self._store = store
        self.default_rounds = default_rounds
        self.turn_limit = turn_limit
        self._engines: dict[str, DebateEngine] = {}  # shipped topics, by id (built once, kept)
        # uploaded topics, by content hash: parsed, and with their matcher built (least recently used dropped)
        self._uploaded: OrderedDict[str, Topic] = OrderedDict()
        self._uploaded_engines: OrderedDict[str, DebateEngine] = OrderedDict()
        self._build_locks = KeyedLocks()  # per content hash: one parse and one index build at a time
        self._locks = KeyedLocks()  # per debate: one exchange at a time
        # the record of each debate as this service last wrote it (least recently used dropped): a turn needs
        # no read; the store refuses a write computed from a record another writer has since changed
        self._records: OrderedDict[int, DebateRecord] = OrderedDict()
        self._class_locks = KeyedLocks()  # per class: joining decides sides and team debates in order

    def engine(self, topic_id: str) -> DebateEngine:
        """The engine of a shipped topic (built on first use, then kept)."""
        engine = self._engines.get(topic_id)
        if engine is None:
            engine = self._new_engine(self.library.get(topic_id))
            self._engines[topic_id] = engine
        return engine

    def _new_engine(self, topic: Topic) -> DebateEngine:
        return DebateEngine(topic, self._index_cache.matcher(topic), turn_limit=self.turn_limit)

    def topic(self, topic_id: str | None) -> Topic:
        """A shipped topic (``find_topic`` also knows a server's uploaded ones)."""
        return self.library.get(topic_id)

    def topics(self) -> list[Topic]:
        """The shipped topics."""
        return list(self.library.topics.values())

    # ------------------------------------------------------------------ topics, shipped and uploaded
    def _shipped(self, topic: Topic) -> bool:
        return self.library.topics.get(topic.id) is topic

    async def engine_for(self, topic: Topic) -> DebateEngine:
        """The engine of a topic. An uploaded topic's matcher index is built in a worker thread (a big topic
        takes a while; the event loop, and the Discord heartbeat, must not wait on it) and cached by content."""
        if self._shipped(topic):
            return self.engine(topic.id)
        key = topic.content_hash
        async with self._build_locks[key]:
            engine = self._uploaded_engines.get(key)
            if engine is None:
                engine = await asyncio.to_thread(self._new_engine, topic)
                self._uploaded_engines[key] = engine
                while len(self._uploaded_engines) > CACHED_ENGINES:
                    self._uploaded_engines.popitem(last=False)
            self._uploaded_engines.move_to_end(key)
            return engine

    async def _parse(self, version: TopicVersion) -> Topic:
        """The Topic of a stored version (parsed in a worker thread, cached by content hash)."""
        key = version.content_hash
        async with self._build_locks[f"parse:{key}"]:
            topic = self._uploaded.get(key)
            if topic is None:
                topic = await asyncio.to_thread(parse_topic_text, version.body, version.filename, self._index_cache)
            self._keep_topic(topic)
            return topic

    def _keep_topic(self, topic: Topic) -> None:
        self._uploaded[topic.content_hash] = topic
        self._uploaded.move_to_end(topic.content_hash)
        while len(self._uploaded) > CACHED_TOPICS:
            self._uploaded.popitem(last=False)

    async def find_topic(self, topic_id: str | None, guild_id: str | None = None) -> Topic:
        """The topic a new debate or class uses: a shipped one, or the latest version of the server's upload."""
        if topic_id is None or topic_id in self.library.topics:
            return self.library.get(topic_id)
        version = await self._store.topic_version(guild_id, topic_id) if guild_id else None
        if version is None:
            known = sorted(self.library.topics) + [v.topic_id for v in await self.uploaded_topics(guild_id)]
            raise UnknownTopic(topic_id, known)
        return await self._parse(version)

    async def topic_of(self, record: DebateRecord) -> Topic:
        """The topic a debate runs on: the version it started with (its content hash), else (a shipped file
        edited since) the shipped topic of that id as it is now."""
        for topic in self.library.topics.values():
            if topic.content_hash == record.topic_hash:
                return topic
        cached = self._uploaded.get(record.topic_hash)
        if cached is not None:
            return cached
        version = await self._store.topic_by_hash(record.topic_hash)
        if version is not None:
            return await self._parse(version)
        return self.library.get(record.topic_id)

    async def engine_of(self, record: DebateRecord) -> DebateEngine:
        return await self.engine_for(await self.topic_of(record))

    async def topic_version_of(self, record: DebateRecord) -> TopicVersion | None:
        """The uploaded version a debate runs on (None: a shipped topic)."""
        if any(t.content_hash == record.topic_hash for t in self.library.topics.values()):
            return None
        return await self._store.topic_by_hash(record.topic_hash)

    async def uploaded_topics(self, guild_id: str | None) -> list[TopicVersion]:
        """The latest version of each topic uploaded in the server."""
        return await self._store.guild_topics(guild_id) if guild_id else []

    async def topic_choices(self, guild_id: str | None) -> list[TopicChoice]:
        """The topics a new debate may use here: the shipped ones, then the server's uploads."""
        shipped = [TopicChoice(t.id, t.motion, len(t.claims)) for t in self.library.topics.values()]
        return shipped + [TopicChoice(v.topic_id, v.motion, v.claims, v) for v in await self.uploaded_topics(guild_id)]

    async def topic_file(self, guild_id: str, topic_id: str, version: int | None = None) -> TopicVersion:
        """An uploaded topic's file as it was uploaded (the latest version unless one is named)."""
        found = await self._store.topic_version(guild_id, topic_id, version)
        if found is None:
            raise UnknownTopic(topic_id, [v.topic_id for v in await self.uploaded_topics(guild_id)])
        return found

    async def upload_topic(self, guild_id: str, text: str, filename: str, uploaded_by: str) -> Uploaded:
        """Validate an uploaded topic file as `counterpoint validate` does (TopicError lists every problem),
        check what the bot will recognise in it, and store it as the next version of its id in the server."""
        topic = await asyncio.to_thread(parse_topic_text, text, filename, self._index_cache)
        if topic.id in self.library.topics:
            raise TopicError(
                [Problem(filename, "id", f"{topic.id!r} is the id of a built-in topic; give your topic another id")]
            )
        self._keep_topic(topic)
        engine = await self.engine_for(topic)
        report = await asyncio.to_thread(check_recognition, topic, engine.matcher)
        latest = await self._store.topic_version(guild_id, topic.id)
        version = await self._store.save_topic(
            TopicUpload(guild_id, topic.id, topic.content_hash, topic.motion, len(topic.claims), text, filename,
                        uploaded_by)
        )  # fmt: skip
        new = latest is None or latest.version != version.version
        log.info("topic %s uploaded in guild %s: version %s", topic.id, guild_id, version.version)
        return Uploaded(version, topic, report, new)

    async def remove_topic(self, guild_id: str, topic_id: str) -> None:
        """Hide an uploaded topic in the server (debates that used it keep their version)."""
        if not await self._store.remove_topic(guild_id, topic_id):
            raise UnknownTopic(topic_id, [v.topic_id for v in await self.uploaded_topics(guild_id)])

    # ------------------------------------------------------------------ reading the log
    async def debate(self, debate_id: int) -> DebateRecord:
        return await self._store.get_debate(debate_id)

    async def turns(self, debate_id: int) -> list[TurnRecord]:
        return await self._store.turns(debate_id)

    async def bot_turn(self, debate_id: int, number: int) -> TurnRecord | None:
        """The bot's logged turn with this number (its reply whole), if there is one."""
        return next((t for t in await self._store.turns(debate_id) if t.number == number and t.speaker == "bot"), None)

    async def last_bot_turn(self, debate_id: int) -> TurnRecord | None:
        return next((t for t in reversed(await self._store.turns(debate_id)) if t.speaker == "bot"), None)

    async def participants(self, debate: DebateRecord) -> list[tuple[str, str]]:
        """(user id, display name) of everyone who debates it, the starter first."""
        return await self._store.participants(debate.id) or [(debate.user_id, debate.user_name)]

    async def seen_message(self, message_id: str) -> bool:
        """Whether a platform message was already processed (a replay after a reconnect)."""
        return await self._store.has_message(message_id)

    async def unfinished(self, platform: str) -> list[DebateRecord]:
        """Every active debate of a platform (to re-attach after a restart)."""
        return await self._store.list_debates(status="active", platform=platform, limit=None)

    async def running_debate(
        self, user_id: str, *, platform: str | None = None, channel_id: str | None = None, class_id: int | None = None
    ) -> DebateRecord | None:
        """The user's active debate in a channel, or in a class."""
        if class_id is not None:
            found = await self._store.list_debates(status="active", user_id=user_id, class_id=class_id, limit=1)
        else:
            found = await self._store.list_debates(
                status="active", user_id=user_id, platform=platform, channel_id=channel_id, limit=1
            )
        return found[0] if found else None

    async def latest_debate(self, user_id: str, platform: str, *, active: bool) -> DebateRecord | None:
        """The user's latest (active) debate on the platform."""
        found = await self._store.list_debates(
            status="active" if active else None, user_id=user_id, platform=platform, limit=1
        )
        return found[0] if found else None

    async def history(self, user_id: str, limit: int = 10) -> list[DebateRecord]:
        return await self._store.list_debates(user_id=user_id, limit=limit)

    async def review(self, debate_id: int) -> Review:
        record = await self._store.get_debate(debate_id)
        topic = await self.topic_of(record)
        card = build_scorecard(topic, DebateState.from_dict(record.state))
        version = await self.topic_version_of(record)
        return Review(
            record,
            topic,
            await self._store.turns(debate_id),
            card,
            await self.participants(record),
            version.label if version else "",
        )

    # ------------------------------------------------------------------ access
    async def teacher_role(self, guild_id: str) -> str | None:
        return await self._store.teacher_role(guild_id)

    async def set_teacher_role(self, guild_id: str, role_id: str | None) -> None:
        await self._store.set_teacher_role(guild_id, role_id)

    async def is_teacher(self, viewer: Viewer) -> bool:
        """Manage Server, or the teacher role set for the viewer's server."""
        if viewer.guild_id is None:
            return False
        if viewer.manages_guild:
            return True
        return is_teacher(viewer, await self._store.teacher_role(viewer.guild_id))

    async def may_read(self, debate: DebateRecord, viewer: Viewer) -> bool:
        """The access rule (bot.domain.access.may_read), with the facts it needs read from the log."""
        ids: frozenset[str] = frozenset()
        if needs_participants(debate, viewer):
            ids = frozenset(uid for uid, _ in await self._store.participants(debate.id))
        role = None
        if viewer.link is None and debate.class_id is not None and viewer.guild_id == debate.guild_id:
            role = await self._store.teacher_role(viewer.guild_id) if viewer.guild_id else None
        return may_read(debate, viewer, participant_ids=ids, teacher_role=role)

    async def is_participant(self, debate: DebateRecord, user_id: str) -> bool:
        """The debater, or (only class team debates have more) a teammate."""
        if user_id == debate.user_id:
            return True
        if debate.class_id is None:
            return False
        return any(user_id == pid for pid, _ in await self._store.participants(debate.id))

    async def index(self, link: LinkScope, filters: IndexFilters, page: int = 1, per_page: int = 50) -> IndexPage:
        """The debates a link may list, filtered and paged in SQL, with their participants in one query."""
        query: dict = {
            "class_id": filters.class_id,
            "topic_id": filters.topic_id,
            "student": filters.student or None,
            "created_from": filters.created_from,
            "created_to": filters.created_to,
        }
        empty = False
        if link.kind == "class":
            empty = filters.class_id not in (None, link.class_id)
            query["class_id"] = link.class_id
        elif link.kind == "student":
            query["member_id"] = link.user_id
            query["guild_id"] = link.guild_id
        elif link.kind != "all":
            empty = True
        total = 0 if empty else await self._store.count_debates(**query)
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        debates = [] if empty else await self._store.list_debates(limit=per_page, offset=(page - 1) * per_page, **query)
        people = await self._store.participants_of([d.id for d in debates])
        people = {d.id: people.get(d.id) or [(d.user_id, d.user_name)] for d in debates}
        all_classes = await self._store.list_classes()
        if link.kind == "all":
            classes = all_classes
        elif link.kind == "class":
            classes = [c for c in all_classes if c.id == link.class_id]
        else:
            mine = {d.class_id for d in await self._store.list_debates(limit=None, **{**query, "class_id": None})}
            classes = [c for c in all_classes if c.id in mine]
        return IndexPage(debates, people, total, page, pages, classes, {c.id: c.name for c in all_classes})

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
        hints: int | None = None,
    ) -> Outcome:
        topic = await self.check_options(topic_id, side, rounds, turn_seconds, guild_id=guild_id)
        engine = await self.engine_for(topic)
        seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
        if side in (None, "", "random"):
            side = random.Random(seed).choice([s.id for s in topic.sides])
        rounds = rounds or self.default_rounds
        turn_seconds = turn_seconds or topic.format.turn_time_limit
        state = engine.new_state(side, seed, rounds, hints=hints)
        state, reply = engine.opening(state)
        opening = self._bot_turn(engine, state, reply, "opening", 0)
        record = await self._store.create_debate(
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
        self._remember(record)
        log.info("debate %s started: topic %s, user side %s, seed %s", record.id, topic.id, side, seed)
        return Outcome(record, reply)

    async def check_options(
        self,
        topic_id: str | None,
        side: str | None,
        rounds: int | None = None,
        turn_seconds: int | None = None,
        *,
        guild_id: str | None = None,
    ) -> Topic:
        """The topic (shipped, or uploaded in the server), once the options of a new debate are known to be
        valid (raises a domain error if not)."""
        topic = await self.find_topic(topic_id, guild_id)
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
        review = await self.review(debate_id)
        return review.debate, review.export(fmt, debug)

    async def say(
        self,
        debate_id: int,
        text: str,
        *,
        author: str = "",
        message_id: str | None = None,
        author_id: str | None = None,
        admit: Callable[[], bool] | None = None,
    ) -> Outcome | None:
        """A user message: the bot's answer, committed (with the message) before it is returned.

        The debate is read once. A message that is a command (``/end``) runs it. With ``author_id``, only the
        debaters may take turns (NotParticipant); with ``message_id``, a message seen before is
        DuplicateMessage (nothing stored). ``admit`` is the adapter's last word (its flood control), asked
        only once the message is a new turn by a debater: False returns None and stores nothing.
        An empty or whitespace-only message is ignored (None, nothing stored).
        """
        if not text or not text.strip():
            return None
        async with self._locks[debate_id]:
            try:
                return await self._say(debate_id, text, author, message_id, author_id, admit, cached=True)
            except StaleDebate:  # another writer moved the debate on: read it again and answer from there
                self._records.pop(debate_id, None)
                return await self._say(debate_id, text, author, message_id, author_id, admit, cached=False)

    async def _say(self, debate_id, text, author, message_id, author_id, admit, *, cached: bool) -> Outcome | None:
        """say() under the debate's lock. The debate's record is the one this service last wrote when it has
        it (no read: the exchange is then one call to the database), checked by the store at the write
        (StaleDebate when another writer changed it meanwhile)."""
        record = self._records.get(debate_id) if cached else None
        if record is None:
            record = await self._store.get_debate(debate_id)
            if message_id is not None and await self._store.has_message(message_id):
                raise DuplicateMessage(message_id)
        if not record.active:
            raise DebateFinished(debate_id)
        if author_id is not None and not await self.is_participant(record, author_id):
            raise NotParticipant(debate_id, record.user_name)
        name = command_in(text)
        if name is not None:
            return await self._command(record, name, author)
        if admit is not None and not admit():
            return None
        engine = await self.engine_of(record)
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
        ts = await self._store.record_exchange(
            debate_id, [user, bot], state, status, deadline=deadline, expect=record.updated_at
        )
        record = _after(record, ts, state, status, deadline, 2) if ts else await self._store.get_debate(debate_id)
        self._remember(record)
        card = build_scorecard(engine.topic, turn.state) if turn.state.finished else None
        return Outcome(record, turn.reply, card, turn.match.claims if turn.match else ())

    async def forfeit(self, debate_id: int, deadline: str) -> Outcome | None:
        """The turn due at ``deadline`` was not taken: log the forfeit and the bot's reply.

        None when the debate moved on meanwhile (the user answered, or it ended): nothing is stored.
        """
        async with self._locks[debate_id]:
            record = await self._store.get_debate(debate_id)
            if not record.active or record.deadline != deadline:
                return None
            self._records.pop(debate_id, None)
            engine = await self.engine_of(record)
            turn = engine.forfeit(DebateState.from_dict(record.state))
            user = TurnDraft(
                "user", "(turn forfeited: time ran out)", turn.phase, turn.round, record.user_name, kind="forfeit"
            )
            bot = self._bot_turn(engine, turn.state, turn.reply, turn.phase, turn.round)
            status = (turn.state.outcome or "completed") if turn.state.finished else "active"
            await self._store.record_exchange(
                debate_id, [user, bot], turn.state.to_dict(), status, deadline=deadline_after(record.turn_seconds)
            )
            record = await self._store.get_debate(debate_id)
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
        hints: int | None = None,
    ) -> ClassRecord:
        if side_policy not in SIDE_POLICIES:
            raise InvalidOption(f"side policy must be one of {', '.join(SIDE_POLICIES)}")
        if not name.strip() or len(name) > 80:
            raise InvalidOption("the class name must be 1 to 80 characters")
        if hints is not None and not 0 <= hints <= MAX_HINTS:
            raise InvalidOption(f"hints must be between 0 (off) and {MAX_HINTS}, got {hints}")
        topic = await self.check_options(topic_id, None, rounds, turn_seconds, guild_id=guild_id)
        for _ in range(5):
            code = "".join(random.SystemRandom().choice(CODE_ALPHABET) for _ in range(6))
            try:
                return await self._store.create_class(
                    NewClass(guild_id, channel_id, name.strip(), topic.id, side_policy, teacher_id, code, rounds,
                             turn_seconds, deadline, team, hints)
                )  # fmt: skip
            except JoinCodeTaken:  # a collision on the unique join code: draw another
                continue
        raise RuntimeError("could not find a free join code")

    async def side_for(self, klass: ClassRecord, chosen: str | None = None) -> str | None:
        """The side a student joining the class argues (None: the student chooses)."""
        topic = await self.class_topic(klass)
        first, second = topic.sides[0].id, topic.sides[1].id
        if klass.side_policy == "proposition":
            return first
        if klass.side_policy == "opposition":
            return second
        if klass.side_policy == "alternate":
            joined = await self._store.count_debates(class_id=klass.id)
            return first if joined % 2 == 0 else second
        return chosen

    async def class_topic(self, klass: ClassRecord) -> Topic:
        """The topic a class's new debates use (an uploaded one: its latest version)."""
        return await self.find_topic(klass.topic_id, klass.guild_id)

    async def get_class(self, class_id: int) -> ClassRecord:
        return await self._store.get_class(class_id)

    async def class_by_code(self, code: str) -> ClassRecord:
        return await self._store.class_by_code(code)

    async def classes(self, *, guild_id: str | None = None, status: str | None = None) -> list[ClassRecord]:
        """Classes, newest first."""
        return await self._store.list_classes(guild_id=guild_id, status=status)

    async def join_class(
        self,
        klass: ClassRecord,
        user_id: str,
        user_name: str,
        open_debate: Callable[[str], Awaitable[DebateRecord | None]],
        *,
        chosen: str | None = None,
    ) -> ClassJoin:
        """A student joins a class. Under the class's lock, so that sides alternate in the order students
        join and a team has one debate: in team mode the first student opens the class's debate and the
        others join it as teammates; otherwise the student's own debate is opened on the side the class's
        policy gives. ``open_debate(side)`` is the adapter's: it makes the thread and calls start().
        With the "choose" policy and no ``chosen`` side, nothing is opened (``choose``)."""
        if not klass.open:
            raise InvalidOption(f"the class {klass.name} is closed")
        async with self._class_locks[klass.id]:
            if klass.team:
                found = await self._store.list_debates(class_id=klass.id, status="active", limit=1)
                if found:
                    debate = found[0]
                    await self._store.add_participant(debate.id, user_id, user_name, debate.user_side)
                    return ClassJoin("joined", debate)
                side = await self.side_for(klass, chosen or "random") or "random"
            else:
                side = await self.side_for(klass, chosen)
                if side is None:
                    return ClassJoin("choose")
            return ClassJoin("opened", await open_debate(side))

    async def class_status(self, class_id: int) -> list[ClassStatusRow]:
        """Each debate of the class, oldest first: who, how many turns, where it stands."""
        debates = sorted(await self._store.list_debates(class_id=class_id, limit=None), key=lambda d: d.id)
        people = await self._store.participants_of([d.id for d in debates])
        rows = []
        for d in debates:
            names = ", ".join(n for _, n in people.get(d.id, [])) or d.user_name
            turns = sum(t.counted for t in student_turns(await self._store.turns(d.id)))  # as the report
            rows.append(ClassStatusRow(d, names, turns, await self.status(d) if d.active else d.status))
        return rows

    async def close_class(self, class_id: int) -> list[Outcome]:
        """Close the class and end its unfinished debates (their scorecards are still produced)."""
        await self._store.close_class(class_id)
        ended = []
        for debate in await self._store.list_debates(class_id=class_id, status="active", limit=None):
            ended.append(await self.command(debate.id, "end", author="teacher"))
        return ended

    async def class_report(self, class_id: int) -> ClassReport:
        klass = await self._store.get_class(class_id)
        debates = await self._store.list_debates(class_id=class_id, limit=None)
        turns = {d.id: await self._store.turns(d.id) for d in debates}
        cards = {d.id: await self.scorecard_of(d) for d in debates}
        people = await self._store.participants_of([d.id for d in debates])
        return build_class_report(await self.class_topic(klass), klass, debates, turns, cards, people)

    async def command(self, debate_id: int, name: str, *, author: str = "", author_id: str | None = None) -> Outcome:
        """A command (concede, end, status, help). With ``author_id``, only the debaters may give it."""
        if name not in COMMANDS:
            raise InvalidOption(f"unknown command /{name}; commands: " + ", ".join("/" + c for c in COMMANDS))
        async with self._locks[debate_id]:
            record = await self._store.get_debate(debate_id)
            if author_id is not None and not await self.is_participant(record, author_id):
                raise NotParticipant(debate_id, record.user_name)
            return await self._command(record, name, author)

    async def _command(self, record: DebateRecord, name: str, author: str) -> Outcome:
        """A command on a debate already read, under its lock."""
        engine = await self.engine_of(record)
        state = DebateState.from_dict(record.state)
        new_state, reply = engine.command(state, name)
        if name in ("concede", "end", "hint") and record.active:  # logged: they change the debate
            ph = engine.phase(state)
            drafts = [
                TurnDraft(
                    "user", f"/{name}", ph.id, state.round_in_phase, author or record.user_name, kind="command",
                    counted=False,
                ),
                self._bot_turn(engine, new_state, reply, ph.id, state.round_in_phase),
            ]  # fmt: skip
            self._records.pop(record.id, None)
            status = "active" if not new_state.finished else new_state.outcome or "ended"
            deadline = record.deadline if status == "active" else None  # a hint costs no time from the turn
            ts = await self._store.record_exchange(record.id, drafts, new_state.to_dict(), status, deadline=deadline)
            record = (
                _after(record, ts, new_state.to_dict(), status, deadline, 2)
                if ts
                else await self._store.get_debate(record.id)
            )
            self._remember(record)
        card = build_scorecard(engine.topic, new_state) if new_state.finished else None
        return Outcome(record, reply, card)

    async def scorecard(self, debate_id: int) -> Scorecard:
        return await self.scorecard_of(await self._store.get_debate(debate_id))

    async def scorecard_of(self, record: DebateRecord) -> Scorecard:
        return build_scorecard(await self.topic_of(record), DebateState.from_dict(record.state))

    async def status(self, record: DebateRecord) -> str:
        return (await self.engine_of(record)).status(DebateState.from_dict(record.state))

    async def topic_changed(self, record: DebateRecord) -> bool:
        """A shipped topic's file was edited after the debate started (titles now come from the new file)."""
        return (await self.topic_of(record)).content_hash != record.topic_hash

    # ------------------------------------------------------------------ helpers
    def _remember(self, record: DebateRecord) -> None:
        if not record.active:
            self._records.pop(record.id, None)
            return
        self._records[record.id] = record
        self._records.move_to_end(record.id)
        while len(self._records) > CACHED_RECORDS:
            self._records.popitem(last=False)

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
