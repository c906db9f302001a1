"""Domain errors. Adapters turn these into user-facing messages at the edge."""

from __future__ import annotations

from dataclasses import dataclass


class CounterpointError(Exception):
    """Base class of every error the domain raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a topic file: where (file and field path) and what."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}: {where}{self.message}"


class TopicError(CounterpointError):
    """A topic file that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownTopic(CounterpointError):
    def __init__(self, topic_id: str, known: list[str]):
        self.topic_id = topic_id
        self.known = known
        super().__init__(f"no topic {topic_id!r}; known topics: {', '.join(known) or 'none'}")


class UnknownSide(CounterpointError):
    def __init__(self, side: str, known: list[str]):
        super().__init__(f"no side {side!r}; choose one of: {', '.join(known)} or random")


class DebateNotFound(CounterpointError):
    def __init__(self, debate_id: int | str):
        self.debate_id = debate_id
        super().__init__(f"no debate {debate_id}")


class DebateFinished(CounterpointError):
    def __init__(self, debate_id: int):
        super().__init__(f"debate {debate_id} is already finished")


class InvalidOption(CounterpointError, ValueError):
    """An option out of range (rounds, time per turn, an unknown command)."""


class ClassNotFound(CounterpointError):
    def __init__(self, key: int | str):
        self.key = key
        super().__init__(f"no class {key!r}" if isinstance(key, str) else f"no class #{key}")


class NotParticipant(CounterpointError):
    """A message or command in a debate's thread from someone who does not debate in it."""

    def __init__(self, debate_id: int, owner: str):
        self.debate_id, self.owner = debate_id, owner
        super().__init__(f"only the debaters of debate {debate_id} ({owner}) take turns in it")


class DuplicateMessage(CounterpointError):
    """A platform message that was already processed (a replay after a reconnect)."""

    def __init__(self, message_id: str):
        self.message_id = message_id
        super().__init__(f"message {message_id} was already processed")


class StaleDebate(CounterpointError):
    """The debate changed since the record an exchange was computed from was read (another writer): nothing
    was stored; read it again and recompute."""

    def __init__(self, debate_id: int):
        self.debate_id = debate_id
        super().__init__(f"debate {debate_id} changed while its turn was being answered")


class StorageUnavailable(CounterpointError):
    """The log cannot be written (disk full, read-only file): the turn was not stored and can be sent again."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(f"the debate log cannot be written right now ({detail})")

    @property
    def transient(self) -> bool:
        """Another process holds the write lock: the same write may succeed a moment later."""
        return "locked" in self.detail or "busy" in self.detail


class JoinCodeTaken(CounterpointError):
    """A class join code already in use (both stores raise it on the unique index): the service draws another."""

    def __init__(self, join_code: str):
        self.join_code = join_code
        super().__init__(f"the join code {join_code} is taken")
