"""The storage interface the service and adapters depend on."""

from __future__ import annotations

from typing import Protocol

from ..domain.errors import (  # noqa: F401  (raised by the stores)
    CounterpointError,
    DuplicateMessage,
    StaleDebate,
    StorageUnavailable,
)
from ..domain.records import (
    ClassRecord,
    DebateRecord,
    NewClass,
    NewDebate,
    TopicUpload,
    TopicVersion,
    TurnDraft,
    TurnRecord,
)


class DatabaseProblem(CounterpointError, RuntimeError):
    """The database cannot be used at all (damaged, not readable or writable, a schema from another version):
    one line naming the file, the cause and what to do."""

    def __init__(self, where: str, cause: str, action: str):
        self.where, self.cause, self.action = where, cause, action
        super().__init__(f"{where}: {cause}; {action}")


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def create_debate(self, new: NewDebate, state: dict, opening: TurnDraft) -> DebateRecord:
        """Insert the debate, its participant and the bot's opening turn in one transaction."""

    async def record_exchange(
        self,
        debate_id: int,
        turns: list[TurnDraft],
        state: dict,
        status: str,
        *,
        deadline: str | None = None,
        expect: str | None = None,
    ) -> str | None:
        """Append turns (a user turn and the bot's reply), the new state and the next turn's deadline
        (None: untimed) in one transaction. Returns the commit time (ISO), or None if the store does not say.

        Raises DuplicateMessage (and stores nothing) when a turn's message_id was seen before, and StaleDebate
        (nothing stored) when ``expect`` is given and the debate's updated_at is no longer that.
        """

    async def get_debate(self, debate_id: int) -> DebateRecord: ...

    async def list_debates(self, *, limit: int | None = 100, offset: int = 0, **filters) -> list[DebateRecord]:
        """Debates, newest first. Filters (each optional, combined with AND): status, user_id (the debater),
        topic_id, platform, guild_id, channel_id, thread_id, class_id, member_id (the debater or a teammate),
        student (a participant's name contains it, or their id is it), created_from / created_to (ISO dates,
        inclusive). ``limit`` None: all."""

    async def count_debates(self, **filters) -> int:
        """How many debates list_debates would return with no limit."""

    async def set_deadline(self, debate_id: int, deadline: str | None) -> None: ...

    async def turns(self, debate_id: int) -> list[TurnRecord]: ...

    async def has_message(self, message_id: str) -> bool: ...

    async def backup(self, target) -> object:
        """A consistent copy of the whole log, taken while debates run."""

    # classes (teachers' class debates)
    async def create_class(self, new: NewClass) -> ClassRecord: ...

    async def get_class(self, class_id: int) -> ClassRecord: ...

    async def class_by_code(self, join_code: str) -> ClassRecord: ...

    async def list_classes(self, *, guild_id: str | None = None, status: str | None = None) -> list[ClassRecord]: ...

    async def close_class(self, class_id: int) -> None: ...

    async def add_participant(self, debate_id: int, user_id: str, display_name: str, side: str) -> None: ...

    async def participants(self, debate_id: int) -> list[tuple[str, str]]: ...

    async def participants_of(self, debate_ids: list[int]) -> dict[int, list[tuple[str, str]]]: ...

    # topics teachers uploaded (one row per version, scoped to a server)
    async def save_topic(self, new: TopicUpload) -> TopicVersion:
        """Store the upload as the next version of its id in the server and show the topic again if it was
        removed. The same content as the latest version stores nothing and returns that version."""

    async def guild_topics(self, guild_id: str) -> list[TopicVersion]:
        """The latest version of each topic of the server that is not removed (no bodies), by id."""

    async def topic_version(
        self, guild_id: str, topic_id: str, version: int | None = None, *, include_removed: bool = False
    ) -> TopicVersion | None:
        """One version with its body (the latest when ``version`` is None)."""

    async def topic_by_hash(self, content_hash: str) -> TopicVersion | None:
        """The version with this content (what a debate refers to), removed or not, with its body."""

    async def remove_topic(self, guild_id: str, topic_id: str) -> int:
        """Hide the topic in the server; delete its versions that no debate refers to. Returns how many
        versions were hidden (0: there was no such topic)."""

    async def teacher_role(self, guild_id: str) -> str | None: ...

    async def set_teacher_role(self, guild_id: str, role_id: str | None) -> None: ...

    # whole tables (counterpoint migrate-db, storage/copy.py); columns as in rows.TABLES, flags as bool
    @property
    def where(self) -> str:
        """The database as a URL migrate-db accepts, with no password in it."""

    async def count_rows(self) -> dict[str, int]: ...

    async def read_rows(self) -> dict[str, list[tuple]]:
        """Every row of every table, in insertion order, from one consistent snapshot."""

    async def write_rows(self, data: dict[str, list[tuple]], *, erase: bool) -> None:
        """Insert every row, ids kept, all or nothing; ``erase``: empty the tables first."""
