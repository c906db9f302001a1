"""Records of debates and turns as the storage layer returns them (plain values)."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("active", "completed", "conceded", "ended")


@dataclass(frozen=True, slots=True)
class NewDebate:
    topic_id: str
    topic_hash: str
    user_side: str
    bot_side: str
    seed: int
    rebuttal_rounds: int
    platform: str = "terminal"  # terminal | discord
    user_id: str = "local"
    user_name: str = "you"
    guild_id: str | None = None
    channel_id: str | None = None
    thread_id: str | None = None
    turn_seconds: int | None = None  # per-turn time limit
    deadline: str | None = None  # ISO time the first user turn is due (with turn_seconds)
    class_id: int | None = None


@dataclass(frozen=True, slots=True)
class DebateRecord:
    id: int
    topic_id: str
    topic_hash: str
    user_side: str
    bot_side: str
    seed: int
    rebuttal_rounds: int
    status: str
    platform: str
    user_id: str
    user_name: str
    guild_id: str | None
    channel_id: str | None
    thread_id: str | None
    state: dict
    created_at: str
    updated_at: str
    finished_at: str | None = None
    turn_count: int = 0
    turn_seconds: int | None = None
    deadline: str | None = None  # ISO UTC time the current user turn is due, when timed
    class_id: int | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class TurnDraft:
    """A turn about to be stored."""

    speaker: str  # user | bot
    text: str
    phase: str
    round: int
    author: str = ""
    kind: str | None = None
    counted: bool = True
    claims: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()
    lines: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    message_id: str | None = None
    author_id: str | None = None  # the platform user id (team debates have several speakers)
    moves: tuple[tuple[str, str], ...] = ()  # user turns: (claim id, "for" | "against"), best first


@dataclass(frozen=True, slots=True)
class TurnRecord:
    id: int
    debate_id: int
    number: int
    speaker: str
    text: str
    phase: str
    round: int
    author: str
    kind: str | None
    counted: bool
    claims: tuple[str, ...]
    scores: tuple[float, ...]
    lines: tuple[str, ...]
    roles: tuple[str, ...]
    sources: tuple[str, ...]
    message_id: str | None
    created_at: str
    extra: dict = field(default_factory=dict)
    author_id: str | None = None
    moves: tuple[tuple[str, str], ...] = ()


SIDE_POLICIES = ("choose", "proposition", "opposition", "alternate")


@dataclass(frozen=True, slots=True)
class NewClass:
    guild_id: str
    channel_id: str
    name: str
    topic_id: str
    side_policy: str  # choose | proposition (the topic's first side) | opposition | alternate
    teacher_id: str
    join_code: str
    rounds: int | None = None
    turn_seconds: int | None = None
    deadline: str | None = None  # ISO UTC: debates still open then are closed
    team: bool = False
    hints: int | None = None  # hints a student may ask for in each debate (None: the default, 0: off)


@dataclass(frozen=True, slots=True)
class ClassRecord:
    id: int
    guild_id: str
    channel_id: str
    name: str
    topic_id: str
    side_policy: str
    rounds: int | None
    turn_seconds: int | None
    deadline: str | None
    team: bool
    join_code: str
    teacher_id: str
    status: str  # open | closed
    created_at: str
    closed_at: str | None = None
    hints: int | None = None  # None: the default number of hints, 0: hints off

    @property
    def open(self) -> bool:
        return self.status == "open"

    @property
    def student_chooses(self) -> bool:
        """Each student picks a side on joining (solo debates with the "choose" policy)."""
        return not self.team and self.side_policy == "choose"


@dataclass(frozen=True, slots=True)
class TopicUpload:
    """A topic file a teacher uploaded, about to be stored as the next version of its id in the server."""

    guild_id: str
    topic_id: str
    content_hash: str
    motion: str
    claims: int
    body: str  # the file's text, as uploaded
    filename: str
    uploaded_by: str


@dataclass(frozen=True, slots=True)
class TopicVersion:
    """One stored version of an uploaded topic (``body`` is empty when only the listing was read)."""

    guild_id: str
    topic_id: str
    version: int
    content_hash: str
    motion: str
    claims: int
    filename: str
    uploaded_by: str
    uploaded_at: str
    removed: bool = False
    body: str = ""

    @property
    def label(self) -> str:
        """How transcripts name it: "version 2, uploaded 2026-12-03"."""
        return f"version {self.version}, uploaded {self.uploaded_at[:10]}"
