"""What the fake records (requests, gateway payloads, messages, interactions) and how tests wait for it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class RecordedFile:
    """A file part of a multipart/form-data request."""

    field: str  # form field name, e.g. "files[0]"
    filename: str
    content: bytes
    content_type: str | None = None


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it (and what it answered)."""

    index: int
    method: str
    path: str  # without the /api/v10 prefix and without the query string, percent-decoded
    query: dict[str, str]
    json: Any  # parsed JSON body, or the parsed payload_json part of a multipart body, else None
    files: list[RecordedFile]
    headers: dict[str, str]
    status: int = 0
    response: Any = None  # the JSON body sent back (None for 204)
    injected: bool = False  # True when the response came from fail_next()

    def matches(self, method: str | None, path: str | None) -> bool:
        if method is not None and method.upper() != self.method:
            return False
        return path is None or re.fullmatch(path, self.path) is not None

    def __repr__(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query.items()) if self.query else ""
        return f"<{self.method} {self.path}{query} -> {self.status}{' (injected)' if self.injected else ''}>"


@dataclass
class GatewayPayload:
    """A payload the client sent on the gateway."""

    op: int
    d: Any
    connection: int  # index into FakeDiscord.connections


@dataclass
class SentEvent:
    """A DISPATCH the fake sent (or queued for a disconnected session)."""

    session_id: str
    seq: int
    name: str
    data: Any


@dataclass
class Fault:
    method: str | None
    path: str
    status: int
    times: int
    json: Any
    headers: dict[str, str]
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and re.fullmatch(self.path, path) is not None


@dataclass
class StoredMessage:
    """A message in the fake's store. ``data`` is the REST-shaped message payload (no guild_id/member)."""

    data: dict[str, Any]
    guild_id: int | None
    allowed_mentions: Any = None  # as sent by the bot (None when absent or for user messages)
    files: list[RecordedFile] = field(default_factory=list)
    interaction_id: int | None = None
    deleted: bool = False

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def channel_id(self) -> int:
        return int(self.data["channel_id"])

    @property
    def author_id(self) -> int:
        return int(self.data["author"]["id"])

    @property
    def content(self) -> str:
        return self.data["content"]

    @property
    def flags(self) -> int:
        return self.data.get("flags", 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & (1 << 6))

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds", [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components", [])


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched, and what the bot did with it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    guild_id: int | None
    data: dict[str, Any]
    created_at: float  # loop.time()
    payload: dict[str, Any]  # the INTERACTION_CREATE data
    message_id: int | None = None  # component/modal: the message the component is on
    response_type: int | None = None
    response_data: Any = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None


class WaitableLog(Generic[T]):
    """An append-only list that coroutines can wait on."""

    def __init__(self, describe: Callable[[T], str] = repr) -> None:
        self.items: list[T] = []
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []
        self._describe = describe

    def __len__(self) -> int:
        return len(self.items)

    def append(self, item: T) -> None:
        self.items.append(item)
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                if predicate(item):
                    future.set_result(item)
            except Exception as exc:  # surface predicate bugs in the waiting test
                future.set_exception(exc)

    async def wait(self, predicate: Callable[[T], bool], *, since: int, timeout: float, what: str) -> T:
        for item in self.items[since:]:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            recent = "\n  ".join(self._describe(i) for i in self.items[max(since, len(self.items) - 15) :])
            raise TimeoutError(
                f"nothing matching {what} within {timeout}s; recent (since #{since}):\n  {recent}"
            ) from None
        finally:
            self._waiters.remove(entry)
