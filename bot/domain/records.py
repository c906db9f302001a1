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
