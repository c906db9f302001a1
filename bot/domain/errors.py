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
