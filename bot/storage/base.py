"""The storage interface the service and adapters depend on."""

from __future__ import annotations

from typing import Protocol

from ..domain.errors import CounterpointError
from ..domain.records import ClassRecord, DebateRecord, NewClass, NewDebate, TurnDraft, TurnRecord


class DuplicateMessage(CounterpointError):
    """A platform message that was already processed (a replay after a reconnect)."""

    def __init__(self, message_id: str):
        self.message_id = message_id
        super().__init__(f"message {message_id} was already processed")


class StorageUnavailable(CounterpointError):
    """The log cannot be written (disk full, read-only file): the turn was not stored and can be sent again."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(f"the debate log cannot be written right now ({detail})")

    @property
    def transient(self) -> bool:
        """Another process holds the write lock: the same write may succeed a moment later."""
        return "locked" in self.detail or "busy" in self.detail


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
        self, debate_id: int, turns: list[TurnDraft], state: dict, status: str, *, deadline: str | None = None
    ) -> str | None:
        """Append turns (a user turn and the bot's reply), the new state and the next turn's deadline
        (None: untimed) in one transaction. Returns the commit time (ISO), or None if the store does not say.

        Raises DuplicateMessage (and stores nothing) when a turn's message_id was seen before.
        """

    async def get_debate(self, debate_id: int) -> DebateRecord: ...

    async def list_debates(
        self,
        *,
        status: str | None = None,
        user_id: str | None = None,
        topic_id: str | None = None,
        platform: str | None = None,
        channel_id: str | None = None,
        thread_id: str | None = None,
        class_id: int | None = None,
        limit: int | None = 100,
    ) -> list[DebateRecord]: ...

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

    async def teacher_role(self, guild_id: str) -> str | None: ...

    async def set_teacher_role(self, guild_id: str, role_id: str | None) -> None: ...
