"""Gateway sessions and connections: sequence numbers, the per-session event log used by RESUME, intents."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .payloads import Intents, Opcode
from .records import SentEvent


class GatewayConnection:
    """One websocket connection from a client."""

    def __init__(self, index: int, ws: web.WebSocketResponse, request: web.Request, *, compress: bool) -> None:
        self.index = index
        self.ws = ws
        self.request = request
        self.path = request.path
        self.query = dict(request.query)
        self.session: GatewaySession | None = None
        self._lock = asyncio.Lock()
        # zlib-stream transport compression, only when the fake is asked to and the client requested it
        self._zlib = zlib.compressobj() if compress and self.query.get("compress") == "zlib-stream" else None

    @property
    def open(self) -> bool:
        return not self.ws.closed and self.request.transport is not None

    async def send(self, payload: dict[str, Any]) -> bool:
        """Send one payload as a text frame (or a zlib-stream binary frame); False if the socket is gone."""
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if not self.open:
                return False
            try:
                if self._zlib is not None:
                    await self.ws.send_bytes(self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return False
        return True

    async def close(self, code: int | None) -> None:
        """Close with a close frame carrying ``code``; with None, drop the TCP connection without one."""
        if code is None:
            transport = self.request.transport
            if transport is not None:
                transport.abort()
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.close(code=code)


@dataclass
class GatewaySession:
    """A gateway session (from IDENTIFY); survives disconnects so it can be RESUMEd."""

    id: str
    intents: int
    bot_user_id: int
    seq: int = 0
    log: list[SentEvent] = field(default_factory=list)
    connection: GatewayConnection | None = None
    valid: bool = True
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def push(self, name: str, data: Any, sent: list[SentEvent]) -> SentEvent:
        """Assign the next sequence number, log the event, and send it if a connection is attached."""
        async with self.lock:
            self.seq += 1
            event = SentEvent(self.id, self.seq, name, data)
            self.log.append(event)
            sent.append(event)
            if self.connection is not None:
                await self.connection.send(frame(event))
            return event

    async def resume(self, connection: GatewayConnection, after_seq: int, sent: list[SentEvent]) -> int:
        """Attach ``connection``, replay what it missed after ``after_seq``, then send RESUMED."""
        async with self.lock:
            missed = [e for e in self.log if e.seq > after_seq]
            for event in missed:
                await connection.send(frame(event))
            self.seq += 1
            resumed = SentEvent(self.id, self.seq, "RESUMED", {"_trace": ["fake-discord"]})
            self.log.append(resumed)
            sent.append(resumed)
            await connection.send(frame(resumed))
            self.connection = connection
            return len(missed)


def frame(event: SentEvent) -> dict[str, Any]:
    return {"op": Opcode.DISPATCH, "t": event.name, "s": event.seq, "d": event.data}


_MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
_REACTION_EVENTS = {"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE"}
_GUILD_EVENTS_PREFIXES = ("GUILD_", "CHANNEL_", "THREAD_")
_MEMBER_EVENTS = {"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "THREAD_MEMBERS_UPDATE"}


def filter_for_intents(name: str, data: Any, intents: int, bot_user_id: int) -> Any | None:
    """The event as a session with ``intents`` receives it, or None when the intents exclude it.

    Covers what a bot usually depends on: message events (GUILD_MESSAGES / DIRECT_MESSAGES), the
    MESSAGE_CONTENT privileged intent (content, embeds, attachments, components and polls are emptied
    for guild messages that neither come from nor mention the bot), reactions, guild/channel/thread
    events (GUILDS) and member events (GUILD_MEMBERS). Other events pass unchanged.
    """
    in_guild = isinstance(data, dict) and data.get("guild_id") is not None
    if name in _MESSAGE_EVENTS:
        if not intents & (Intents.GUILD_MESSAGES if in_guild else Intents.DIRECT_MESSAGES):
            return None
        if name != "MESSAGE_CREATE" and name != "MESSAGE_UPDATE":
            return data
        if in_guild and not intents & Intents.MESSAGE_CONTENT and not _addressed_to(data, bot_user_id):
            data = copy.deepcopy(data)
            data.update(content="", embeds=[], attachments=[], components=[])
            data.pop("poll", None)
        return data
    if name in _REACTION_EVENTS:
        return (
            data
            if intents & (Intents.GUILD_MESSAGE_REACTIONS if in_guild else Intents.DIRECT_MESSAGE_REACTIONS)
            else None
        )
    if name in _MEMBER_EVENTS and not intents & Intents.GUILD_MEMBERS:
        return None
    if name.startswith(_GUILD_EVENTS_PREFIXES) and not intents & Intents.GUILDS:
        return None
    return data


def _addressed_to(message: dict[str, Any], bot_user_id: int) -> bool:
    author = message.get("author") or {}
    if str(author.get("id")) == str(bot_user_id):
        return True
    return any(str(u.get("id")) == str(bot_user_id) for u in message.get("mentions") or [])
