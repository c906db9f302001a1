"""A Discord-compatible REST + gateway server on 127.0.0.1 for end-to-end tests of a discord.py bot.

See ``tests/discord_fake/__init__.py`` for an overview and ``tests/test_discord_fake.py`` for examples.
"""

from __future__ import annotations

import asyncio
import copy
import json
import mimetypes
import re
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from aiohttp import WSMsgType, web

from .gateway import GatewayConnection, GatewaySession, filter_for_intents
from .payloads import (
    ALLOWED_CALLBACKS,
    API_VERSION,
    CallbackType,
    ChannelType,
    ErrorCode,
    Intents,
    InteractionType,
    MessageFlags,
    MessageType,
    Opcode,
    OptionType,
    Permissions,
    Snowflakes,
    attachment_payload,
    dm_channel_payload,
    embed_length,
    error_body,
    form_error,
    iso_now,
    member_payload,
    parse_mentions,
    role_payload,
    text_channel_payload,
    thread_member_payload,
    thread_payload,
    user_payload,
)
from .records import (
    FakeInteraction,
    Fault,
    GatewayPayload,
    RecordedFile,
    RecordedRequest,
    SentEvent,
    StoredMessage,
    WaitableLog,
)

API_PREFIX = f"/api/v{API_VERSION}"
_DEFAULT = object()  # sentinel for "work it out" keyword arguments

_FAULT_BODIES: dict[int, dict[str, Any]] = {
    400: error_body(ErrorCode.INVALID_FORM_BODY, "Invalid Form Body"),
    401: error_body(0, "401: Unauthorized"),
    403: error_body(ErrorCode.MISSING_PERMISSIONS, "Missing Permissions"),
    404: error_body(0, "404: Not Found"),
    429: {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
    500: error_body(0, "500: Internal Server Error"),
}
_SELECT_TYPES = (3, 5, 6, 7, 8)
_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
_CHANNEL_MESSAGE_FLAGS = (
    MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS | MessageFlags.IS_COMPONENTS_V2
)
_CLOSE_UNKNOWN_OPCODE, _CLOSE_NOT_AUTHENTICATED, _CLOSE_AUTH_FAILED, _CLOSE_ALREADY_AUTHENTICATED = (
    4001,
    4003,
    4004,
    4005,
)
_CLOSE_INVALID_INTENTS, _CLOSE_DISALLOWED_INTENTS = 4013, 4014


class ApiError(Exception):
    """Raised by endpoint handlers; becomes a JSON error response."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body


def _unknown(code: int, what: str) -> ApiError:
    return ApiError(404, error_body(code, f"Unknown {what}"))


def _forbidden(code: int = ErrorCode.MISSING_PERMISSIONS, message: str = "Missing Permissions") -> ApiError:
    return ApiError(403, error_body(code, message))


def _bad_form(field: str, code: str, message: str) -> ApiError:
    return ApiError(400, form_error(field, code, message))


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    headers = dict(headers or {})
    if body is None:
        return web.Response(status=204 if status == 200 else status, headers=headers)
    if isinstance(body, str):  # e.g. an HTML error page from a proxy
        headers.setdefault("Content-Type", "text/html")
        return web.Response(status=status, body=body.encode(), headers=headers)
    # exactly "application/json": discord.py compares the header verbatim (json_response adds a charset)
    headers["Content-Type"] = "application/json"
    return web.Response(status=status, body=json.dumps(body).encode(), headers=headers)


Handler = Callable[..., Awaitable[tuple[int, Any]]]


class FakeDiscord:
    """A fake Discord (REST API v10 + gateway) for one bot, one guild and a few human users.

    Start it (``await server.start()`` or ``async with FakeDiscord() as server``), point discord.py at it
    with ``use_fake(server)``, then run a real ``discord.Client`` with ``server.token``.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "Counterpoint",
        guild_name: str = "Fake Guild",
        channel_name: str = "general",
        users: Iterable[str] = ("alice", "bob", "carol"),
        heartbeat_interval: float = 1.0,
        bot_permissions: int = Permissions.BOT_DEFAULT,
        everyone_permissions: int = Permissions.EVERYONE_DEFAULT,
        enabled_privileged_intents: int = Intents.PRIVILEGED,
        interaction_timeout: float | None = 3.0,
        transport_compression: bool = False,
    ) -> None:
        """
        ``enabled_privileged_intents``: what the application may request (an IDENTIFY asking for more is
        closed with 4014, like Discord). ``interaction_timeout``: seconds the bot has to answer an interaction
        before the callback fails with 10062 Unknown interaction (None: no limit). ``transport_compression``:
        answer ``compress=zlib-stream`` with compressed binary frames instead of plain text frames.
        """
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.enabled_privileged_intents = enabled_privileged_intents
        self.interaction_timeout = interaction_timeout
        self.transport_compression = transport_compression
        self.snowflake = Snowflakes()

        # --- state -------------------------------------------------------------------------------
        self.bot_user_id = self.snowflake()
        self.app_id = self.bot_user_id  # like modern Discord applications
        self.bot_user = user_payload(self.bot_user_id, bot_name.lower(), bot=True, global_name=None)
        self.bot_user.update(username=bot_name, verified=True, mfa_enabled=False, email=None)
        self.users: dict[int, dict[str, Any]] = {self.bot_user_id: self.bot_user}
        self._user_names: dict[str, int] = {}
        self._dm_closed: set[int] = set()

        self.guild_id = self.snowflake()
        self.guild_name = guild_name
        self.role_id = self.snowflake()  # an ordinary, mentionable role ("Debaters")
        self.bot_role_id = self.snowflake()  # the bot's managed role, carrying bot_permissions
        self.roles: dict[int, dict[str, Any]] = {
            self.guild_id: role_payload(self.guild_id, "@everyone", permissions=everyone_permissions, position=0),
            self.role_id: role_payload(self.role_id, "Debaters", permissions=0, position=1, mentionable=True),
            self.bot_role_id: role_payload(
                self.bot_role_id,
                bot_name,
                permissions=bot_permissions,
                position=2,
                managed=True,
                bot_id=self.bot_user_id,
            ),
        }
        self.members: dict[int, dict[str, Any]] = {self.bot_user_id: member_payload([self.bot_role_id], iso_now())}
        self.channels: dict[int, dict[str, Any]] = {}
        self.thread_members: dict[int, set[int]] = {}
        self._dm_by_user: dict[int, int] = {}
        self.channel_id = self.add_text_channel(channel_name)

        self._messages: dict[int, StoredMessage] = {}
        self._created_events: dict[int, dict[str, Any]] = {}  # message id -> MESSAGE_CREATE data (for replay)
        self._attachments: dict[int, tuple[bytes, str | None]] = {}
        self.reactions: dict[tuple[int, str], list[int]] = {}  # (message id, emoji) -> user ids, in order
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global) -> commands
        self.interactions: dict[int, FakeInteraction] = {}
        self._interactions_by_token: dict[str, FakeInteraction] = {}

        self.owner_id = 0
        for name in users:
            uid = self.add_user(name)
            self.owner_id = self.owner_id or uid

        # --- records -----------------------------------------------------------------------------
        self._requests: WaitableLog[RecordedRequest] = WaitableLog()
        self.unknown: list[RecordedRequest] = []
        self._gateway_log: WaitableLog[GatewayPayload] = WaitableLog()
        self._message_log: WaitableLog[StoredMessage] = WaitableLog(
            lambda m: f"#{m.id} in {m.channel_id} by {m.author_id}: {m.content[:60]!r}"
        )
        self.sent_events: list[SentEvent] = []
        self.connections: list[GatewayConnection] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.heartbeats = 0
        self._faults: list[Fault] = []
        self._checkpoint = 0
        self._message_checkpoint = 0

        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._add_routes()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ============================================================================================
    # lifecycle
    # ============================================================================================

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_get("/gateway/resume", self._gateway_handler)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment_handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._api_handler)
        app.router.add_route("*", "/{tail:.*}", self._fallback_handler)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        for conn in self.connections:
            await conn.close(None)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/resume"

    # ============================================================================================
    # state set-up
    # ============================================================================================

    def add_user(
        self,
        name: str,
        *,
        member: bool = True,
        roles: Sequence[int] = (),
        bot: bool = False,
        accepts_dms: bool = True,
        global_name: str | None = None,
    ) -> int:
        """Add a user (a guild member unless ``member=False``); returns its id. Add before the client
        connects for it to be in GUILD_CREATE (members are sent only with the GUILD_MEMBERS intent)."""
        uid = self.snowflake()
        self.users[uid] = user_payload(uid, name, bot=bot, global_name=global_name)
        self._user_names[name] = uid
        if member:
            self.members[uid] = member_payload(list(roles), iso_now())
        if not accepts_dms:
            self._dm_closed.add(uid)
        return uid

    async def add_member(self, name: str, *, roles: Sequence[int] = (), **options: Any) -> int:
        """``add_user`` for a user joining while the client is connected: dispatches GUILD_MEMBER_ADD
        (delivered with the GUILD_MEMBERS intent)."""
        uid = self.add_user(name, roles=roles, **options)
        await self._dispatch("GUILD_MEMBER_ADD", {**self._member_with_user(uid), "guild_id": str(self.guild_id)})
        return uid

    def user_id(self, name: str) -> int:
        """The id of a user added by name (``server.user_id("alice")``)."""
        return self._user_names[name]

    def add_text_channel(self, name: str) -> int:
        cid = self.snowflake()
        position = sum(1 for c in self.channels.values() if c["type"] == ChannelType.GUILD_TEXT)
        self.channels[cid] = text_channel_payload(cid, self.guild_id, name, position=position)
        return cid

    def dm_channel_id(self, user_id: int) -> int:
        """The DM channel between the bot and ``user_id`` (created on first use; the bot gets the same one)."""
        if user_id not in self._dm_by_user:
            cid = self.snowflake()
            self.channels[cid] = dm_channel_payload(cid, self._user(user_id))
            self._dm_by_user[user_id] = cid
        return self._dm_by_user[user_id]

    async def set_role_permissions(self, role_id: int, permissions: int) -> None:
        """Change a role's permissions (``server.guild_id`` is @everyone); dispatches GUILD_ROLE_UPDATE."""
        role = self.roles[role_id]
        role["permissions"] = str(permissions)
        await self._dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(self.guild_id), "role": copy.deepcopy(role)})

    async def set_bot_permissions(self, permissions: int) -> None:
        """Change the permissions of the bot's managed role (what @everyone grants still applies)."""
        await self.set_role_permissions(self.bot_role_id, permissions)

    async def set_channel_overwrite(self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0) -> None:
        """Set a permission overwrite on a guild channel for a role or a member (threads use their parent's);
        dispatches CHANNEL_UPDATE. E.g. ``deny=Permissions.SEND_MESSAGES`` for ``server.bot_user_id``."""
        channel = self.channels[channel_id]
        overwrites = [o for o in channel["permission_overwrites"] if int(o["id"]) != target_id]
        kind = 0 if target_id in self.roles else 1
        overwrites.append({"id": str(target_id), "type": kind, "allow": str(allow), "deny": str(deny)})
        channel["permission_overwrites"] = overwrites
        await self._dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))

    # ============================================================================================
    # queries for tests
    # ============================================================================================

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request, in order (including failed, injected and unknown ones)."""
        return self._requests.items

    def requests_to(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Requests whose method matches (None: any) and whose path fully matches the ``path`` regex."""
        return [r for r in self.requests if r.matches(method, path)]

    @property
    def received(self) -> list[GatewayPayload]:
        """Gateway payloads from clients (all ops except heartbeats)."""
        return self._gateway_log.items

    @property
    def identifies(self) -> list[dict[str, Any]]:
        return [p.d for p in self.received if p.op == Opcode.IDENTIFY]

    @property
    def identify(self) -> dict[str, Any] | None:
        """The latest IDENTIFY payload (``d``), e.g. ``server.identify["intents"]``."""
        return self.identifies[-1] if self.identifies else None

    @property
    def resumes(self) -> list[dict[str, Any]]:
        return [p.d for p in self.received if p.op == Opcode.RESUME]

    def get_message(self, message_id: int) -> StoredMessage:
        return self._messages[message_id]

    def messages(
        self, channel_id: int | None = None, *, author_id: int | None = None, include_deleted: bool = False
    ) -> list[StoredMessage]:
        """Stored messages, oldest first, optionally for one channel and/or one author."""
        return [
            m
            for m in self._messages.values()
            if (channel_id is None or m.channel_id == channel_id)
            and (author_id is None or m.author_id == author_id)
            and (include_deleted or not m.deleted)
        ]

    def bot_messages(self, channel_id: int | None = None) -> list[StoredMessage]:
        return self.messages(channel_id, author_id=self.bot_user_id)

    def threads(self) -> list[dict[str, Any]]:
        return [c for c in self.channels.values() if c["type"] in ChannelType.THREADS]

    def interaction(self, key: int | str) -> FakeInteraction:
        """An interaction by id or token."""
        return self.interactions[key] if isinstance(key, int) else self._interactions_by_token[key]

    def checkpoint(self) -> int:
        """Make wait_for/wait_for_message ignore everything recorded so far; returns the request index."""
        self._checkpoint = len(self._requests)
        self._message_checkpoint = len(self._message_log)
        return self._checkpoint

    # ============================================================================================
    # waiting
    # ============================================================================================

    async def wait_for(
        self,
        method_or_predicate: str | Callable[[RecordedRequest], bool],
        path: str | None = None,
        *,
        timeout: float = 5.0,
        since: int | None = None,
    ) -> RecordedRequest:
        """Wait for a REST request: ``wait_for("POST", r"/channels/\\d+/messages")`` (``path`` is a regex that
        must match the whole path) or ``wait_for(lambda r: ...)``. Only requests recorded after the last
        checkpoint are considered (send_*, dispatch and replay set one; see ``checkpoint()``), unless
        ``since`` (an index into ``requests``) is given. Raises TimeoutError listing the recent requests."""
        if callable(method_or_predicate):
            predicate, what = method_or_predicate, "predicate"
        else:
            method = method_or_predicate

            def predicate(r: RecordedRequest) -> bool:
                return r.matches(method, path)

            what = f"{method} {path}"
        start = self._checkpoint if since is None else since
        return await self._requests.wait(predicate, since=start, timeout=timeout, what=what)

    async def wait_for_message(
        self,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        channel_id: int | None = None,
        author_id: int | None | object = _DEFAULT,
        timeout: float = 5.0,
        since: int | None = None,
    ) -> StoredMessage:
        """Wait for a message to be created (by the bot unless ``author_id`` says otherwise; None: anyone),
        however it was posted: channel message, interaction response or followup. Like wait_for, only
        messages created after the last checkpoint count unless ``since`` is given."""
        author = self.bot_user_id if author_id is _DEFAULT else author_id

        def match(m: StoredMessage) -> bool:
            return (
                (channel_id is None or m.channel_id == channel_id)
                and (author is None or m.author_id == author)
                and (predicate is None or predicate(m))
            )

        start = self._message_checkpoint if since is None else since
        return await self._message_log.wait(match, since=start, timeout=timeout, what=f"message in {channel_id}")

    async def wait_for_gateway(
        self, op_or_predicate: int | Callable[[GatewayPayload], bool], *, timeout: float = 5.0, since: int = 0
    ) -> GatewayPayload:
        """Wait for a payload from the client, by opcode (``Opcode.RESUME``) or predicate. ``since`` indexes
        ``received`` (default: any payload so far)."""
        if callable(op_or_predicate):
            predicate = op_or_predicate
        else:
            op = op_or_predicate

            def predicate(p: GatewayPayload) -> bool:
                return p.op == op

        return await self._gateway_log.wait(predicate, since=since, timeout=timeout, what=f"gateway {op_or_predicate}")

    # ============================================================================================
    # fault injection
    # ============================================================================================

    def fail_next(
        self,
        method: str | None,
        path: str,
        status: int,
        *,
        times: int = 1,
        json: Any = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``method`` (None: any) and the ``path`` regex (full
        match) with ``status``. Default bodies: 429 ``retry_after`` 0.05 (and, when ``headers`` is None, a
        ``Via`` header so discord.py retries), 403 code 50013 Missing Permissions, 500 Internal Server Error.
        ``json`` may be a dict or a str (sent as text/html). Injected responses are recorded with
        ``injected=True``."""
        if headers is None:
            headers = {"Via": "1.1 google", "X-RateLimit-Scope": "user"} if status == 429 else {}
        body = json if json is not None else _FAULT_BODIES.get(status, error_body(0, f"{status}: Error"))
        fault = Fault(method, path, status, times, body, dict(headers), delay)
        self._faults.append(fault)
        return fault

    def delay_next(self, method: str | None, path: str, seconds: float, *, times: int = 1) -> Fault:
        """Handle the next matching requests normally, but only after ``seconds``."""
        fault = Fault(method, path, 0, times, None, {}, seconds)
        self._faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.times > 0 and fault.matches(method, path):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ============================================================================================
    # gateway controls
    # ============================================================================================

    async def dispatch(self, event: str, data: Any) -> None:
        """Send a DISPATCH event to every live session (queued for a disconnected one, replayed on RESUME)."""
        self.checkpoint()
        await self._dispatch(event, data)

    async def _dispatch(self, event: str, data: Any) -> None:
        for session in list(self.sessions.values()):
            if not session.valid:
                continue
            filtered = filter_for_intents(event, data, session.intents, session.bot_user_id)
            if filtered is not None:
                await session.push(event, copy.deepcopy(filtered), self.sent_events)

    def _live_connections(self) -> list[GatewayConnection]:
        return [c for c in self.connections if c.open]

    async def drop_connection(self, code: int | None = None) -> None:
        """Cut every open gateway connection: without a close frame (None), or with close ``code``
        (4000: resumable; 4004 auth failed: discord.py gives up). The session stays resumable; events
        dispatched meanwhile are replayed when the client RESUMEs."""
        for conn in self._live_connections():
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            await conn.close(code)

    async def invalid_session(self, resumable: bool = False) -> None:
        """Send INVALID_SESSION. Not resumable: the session is dropped and discord.py re-IDENTIFYs after its
        ``before_identify_hook`` (which sleeps 5 s unless overridden)."""
        for conn in self._live_connections():
            if conn.session is not None and not resumable:
                conn.session.valid = False
            await conn.send({"op": Opcode.INVALID_SESSION, "d": resumable})

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs."""
        for conn in self._live_connections():
            await conn.send({"op": Opcode.RECONNECT, "d": None})

    async def replay(self, *message_ids: int) -> None:
        """Deliver the MESSAGE_CREATE of earlier messages again (as Discord may after a resume)."""
        self.checkpoint()
        for mid in message_ids:
            await self._dispatch("MESSAGE_CREATE", self._created_events[mid])

    # ============================================================================================
    # user-side controls
    # ============================================================================================

    async def send_message(
        self,
        channel_id: int,
        author_id: int,
        content: str = "",
        *,
        attachments: Sequence[tuple[str, bytes]] = (),
        reply_to: int | None = None,
        embeds: Sequence[dict[str, Any]] = (),
    ) -> int:
        """A user posts a message (guild channel, thread or DM channel); dispatches MESSAGE_CREATE and
        returns the message id. ``attachments`` are (filename, bytes), served by the fake so
        ``Attachment.read()`` works. Sets a checkpoint for wait_for/wait_for_message."""
        self.checkpoint()
        channel = self._channel(channel_id)
        if channel["type"] == ChannelType.DM:
            if int(channel["recipients"][0]["id"]) != author_id:
                raise ValueError(f"user {author_id} is not the recipient of DM channel {channel_id}")
        elif author_id not in self.members:
            raise ValueError(f"user {author_id} is not a member of the guild")
        body: dict[str, Any] = {"content": content, "embeds": list(embeds)}
        if reply_to is not None:
            body["message_reference"] = {"message_id": str(reply_to)}
        files = [RecordedFile(f"files[{i}]", name, data) for i, (name, data) in enumerate(attachments)]
        await self._unarchive_for_message(channel)
        if channel["type"] in ChannelType.THREADS:  # posting in a thread joins it
            self.thread_members.setdefault(channel_id, set()).add(author_id)
        stored = await self._create_message(channel, author_id, body, files, allowed_mentions=None)
        return stored.id

    async def send_dm(self, user_id: int, content: str = "", **kwargs: Any) -> int:
        """``send_message`` in the DM channel between ``user_id`` and the bot."""
        return await self.send_message(self.dm_channel_id(user_id), user_id, content, **kwargs)

    async def add_reaction(self, message_id: int, user_id: int, emoji: str) -> None:
        """A user reacts to a message (dispatches MESSAGE_REACTION_ADD)."""
        self.checkpoint()
        await self._react(self._messages[message_id], user_id, emoji, add=True)

    async def send_interaction(
        self,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
        guild_id: int | None | object = _DEFAULT,
        strict: bool = True,
    ) -> tuple[int, str]:
        """A user runs a slash command; returns (interaction id, token).

        ``name`` is the command path: ``"debate"``, ``"debate start"`` (subcommand) or ``"admin topics add"``
        (group + subcommand). ``options`` maps the leaf options to values, typed from the synced command
        (users/roles/channels by id, attachments as (filename, bytes), resolved data is added), or is a raw
        list of option payloads. With ``strict`` the command must have been synced (PUT .../commands) and the
        options must fit its definition. Defaults: the first user, the default channel, the channel's guild
        (None for a DM channel)."""
        return await self._command_interaction(
            InteractionType.APPLICATION_COMMAND, name, options, None, user_id, channel_id, guild_id, strict
        )

    async def send_autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        *,
        user_id: int | None = None,
        channel_id: int | None = None,
        guild_id: int | None | object = _DEFAULT,
    ) -> tuple[int, str]:
        """An autocomplete interaction (type 4) while the user types option ``focused``."""
        return await self._command_interaction(
            InteractionType.AUTOCOMPLETE, name, options, focused, user_id, channel_id, guild_id, True
        )

    async def send_component(
        self, message_id: int, custom_id: str, *, user_id: int | None = None, values: Sequence[str] | None = None
    ) -> tuple[int, str]:
        """A user clicks a button (or picks ``values`` in a select menu) on a stored message; returns (id,
        token). The component must exist on the message."""
        stored = self._messages[message_id]
        component = _find_component(stored.components, custom_id)
        if component is None:
            raise LookupError(f"no component {custom_id!r} on message {message_id}: {stored.components}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if "id" in component:
            data["id"] = component["id"]
        if component["type"] in _SELECT_TYPES:
            data["values"] = list(values or [])
        elif values is not None:
            raise ValueError("values only apply to select menus")
        uid = user_id if user_id is not None else self.owner_id
        return await self._send_interaction(
            InteractionType.MESSAGE_COMPONENT, data, uid, stored.channel_id, stored.guild_id, message=stored
        )

    async def send_modal_submit(
        self, custom_id: str, values: dict[str, Any], *, user_id: int | None = None
    ) -> tuple[int, str]:
        """A user submits the modal the bot opened (a type 9 callback) with ``custom_id``; ``values`` maps
        text input custom ids to strings (select menus: lists)."""
        source = next(
            (
                i
                for i in reversed(self.interactions.values())
                if i.response_type == CallbackType.MODAL
                and i.response_data.get("custom_id") == custom_id
                and (user_id is None or i.user_id == user_id)
            ),
            None,
        )
        if source is None:
            raise LookupError(f"the bot has not opened a modal {custom_id!r}")
        remaining = dict(values)
        components = _modal_submit_components(source.response_data.get("components", []), remaining)
        if remaining:
            raise ValueError(f"modal {custom_id!r} has no inputs {sorted(remaining)}")
        data = {"custom_id": custom_id, "components": components}
        message = self._messages.get(source.message_id) if source.message_id else None
        return await self._send_interaction(
            InteractionType.MODAL_SUBMIT, data, source.user_id, source.channel_id, source.guild_id, message=message
        )

    # ============================================================================================
    # helpers: lookups and payloads
    # ============================================================================================

    def _user(self, user_id: int) -> dict[str, Any]:
        try:
            return self.users[user_id]
        except KeyError:
            raise _unknown(ErrorCode.UNKNOWN_USER, "User") from None

    def _channel(self, channel_id: int) -> dict[str, Any]:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise _unknown(ErrorCode.UNKNOWN_CHANNEL, "Channel") from None

    def _message(self, channel_id: int, message_id: int) -> StoredMessage:
        stored = self._messages.get(message_id)
        if stored is None or stored.deleted or stored.channel_id != channel_id:
            raise _unknown(ErrorCode.UNKNOWN_MESSAGE, "Message")
        return stored

    def _guild_of(self, channel: dict[str, Any]) -> int | None:
        return None if channel["type"] == ChannelType.DM else self.guild_id

    def _check_guild(self, guild_id: str | int) -> None:
        if int(guild_id) != self.guild_id:
            raise _unknown(ErrorCode.UNKNOWN_GUILD, "Guild")

    def _permissions(self, user_id: int, channel: dict[str, Any] | None = None) -> int:
        """Permissions of a member, in ``channel`` if given (Discord's algorithm: @everyone, roles, then the
        channel's overwrites for @everyone, the member's roles and the member; threads use their parent)."""
        if channel is not None and channel["type"] == ChannelType.DM:
            return Permissions.EVERYONE_DEFAULT
        member = self.members.get(user_id)
        if member is None:
            return 0
        if user_id == self.owner_id:
            return Permissions.ALL
        role_ids = [int(r) for r in member["roles"] if int(r) in self.roles]
        value = int(self.roles[self.guild_id]["permissions"])
        for rid in role_ids:
            value |= int(self.roles[rid]["permissions"])
        if value & Permissions.ADMINISTRATOR:
            return Permissions.ALL
        if channel is None:
            return value
        if channel["type"] in ChannelType.THREADS:
            channel = self.channels.get(int(channel["parent_id"]), channel)
        overwrites = {int(o["id"]): o for o in channel.get("permission_overwrites") or []}

        def apply(value: int, allow: int, deny: int) -> int:
            return (value & ~deny) | allow

        if self.guild_id in overwrites:
            everyone = overwrites[self.guild_id]
            value = apply(value, int(everyone["allow"]), int(everyone["deny"]))
        allow = deny = 0
        for rid in role_ids:
            if rid in overwrites:
                allow |= int(overwrites[rid]["allow"])
                deny |= int(overwrites[rid]["deny"])
        value = apply(value, allow, deny)
        if user_id in overwrites:
            value = apply(value, int(overwrites[user_id]["allow"]), int(overwrites[user_id]["deny"]))
        return value

    def _require(self, channel: dict[str, Any], *needed: int) -> None:
        if channel["type"] == ChannelType.DM:
            return
        have = self._permissions(self.bot_user_id, channel)
        for perm in (Permissions.VIEW_CHANNEL, *needed):
            if not have & perm:
                raise _forbidden()

    def _member_with_user(self, user_id: int) -> dict[str, Any]:
        member = self.members.get(user_id)
        if member is None:
            raise _unknown(ErrorCode.UNKNOWN_MEMBER, "Member")
        return {**copy.deepcopy(member), "user": copy.deepcopy(self.users[user_id])}

    def _guild_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [copy.deepcopy(r) for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "incidents_data": None,
        }

    def _guild_create_payload(self, intents: int) -> dict[str, Any]:
        member_ids = self.members if intents & Intents.GUILD_MEMBERS else [self.bot_user_id]
        return {
            **self._guild_payload(),
            "joined_at": self.members[self.bot_user_id]["joined_at"],
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [self._member_with_user(uid) for uid in member_ids],
            "channels": [copy.deepcopy(c) for c in self.channels.values() if c["type"] in ChannelType.THREAD_PARENTS],
            "threads": [self._thread_out(t) for t in self.threads() if not t["thread_metadata"]["archived"]],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _thread_out(self, thread: dict[str, Any]) -> dict[str, Any]:
        data = copy.deepcopy(thread)
        members = self.thread_members.get(int(thread["id"]), set())
        data["member_count"] = len(members)
        if self.bot_user_id in members:
            data["member"] = thread_member_payload(int(thread["id"]), self.bot_user_id)
        return data

    def _app_flags(self) -> int:
        flags = 0
        for intent, flag in (
            (Intents.GUILD_PRESENCES, 1 << 13),
            (Intents.GUILD_MEMBERS, 1 << 15),
            (Intents.MESSAGE_CONTENT, 1 << 19),
        ):
            if self.enabled_privileged_intents & intent:
                flags |= flag  # the *_LIMITED flags of an unverified application
        return flags | (1 << 23)  # APPLICATION_COMMAND_BADGE

    def _application_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot": copy.deepcopy(self.bot_user),
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": self._app_flags(),
            "owner": copy.deepcopy(self.users[self.owner_id]) if self.owner_id else copy.deepcopy(self.bot_user),
            "team": None,
            "rpc_origins": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "approximate_guild_count": 1,
            "integration_types_config": {"0": {}},
        }

    def _gateway_message(self, stored: StoredMessage) -> dict[str, Any]:
        """The message as the gateway delivers it: with guild_id and partial members."""
        data = copy.deepcopy(stored.data)
        if stored.guild_id is not None:
            data["guild_id"] = str(stored.guild_id)
            if "webhook_id" not in data and stored.author_id in self.members:
                data["member"] = copy.deepcopy(self.members[stored.author_id])
            for user in data.get("mentions", []):
                if int(user["id"]) in self.members:
                    user["member"] = copy.deepcopy(self.members[int(user["id"])])
        return data

    def _resolve_mentions(
        self, content: str, allowed: dict[str, Any] | None, replied_author: int | None, guild_id: int | None
    ) -> tuple[list[dict[str, Any]], list[str], bool]:
        """(mentions, mention_roles, mention_everyone) as Discord computes them under allowed_mentions."""
        user_ids, role_ids, everyone = parse_mentions(content)
        if allowed is None:  # no allowed_mentions: everything in the content pings, and the replied user
            allowed = {"parse": ["users", "roles", "everyone"], "replied_user": True}
        parse = allowed.get("parse") or []
        listed_users = {int(u) for u in allowed.get("users") or []}
        listed_roles = {int(r) for r in allowed.get("roles") or []}

        def users_ok(uid: int) -> bool:
            return "users" in parse or uid in listed_users

        def roles_ok(rid: int) -> bool:
            return "roles" in parse or rid in listed_roles

        everyone_ok, replied_ok = "everyone" in parse, bool(allowed.get("replied_user"))
        mentioned = [uid for uid in user_ids if uid in self.users and users_ok(uid)]
        if replied_author is not None and replied_ok and replied_author not in mentioned:
            mentioned.append(replied_author)
        roles = [str(rid) for rid in role_ids if guild_id is not None and rid in self.roles and roles_ok(rid)]
        return [copy.deepcopy(self.users[uid]) for uid in mentioned], roles, everyone and everyone_ok

    def _attachments_from(self, channel_id: int, body: dict[str, Any], files: list[RecordedFile]) -> list[dict]:
        described = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
        result = []
        for index, file in enumerate(files):
            match = re.fullmatch(r"files\[(\d+)\]", file.field)
            info = described.get(match.group(1) if match else str(index), {})
            filename = info.get("filename") or file.filename
            content_type = mimetypes.guess_type(filename)[0] or file.content_type
            aid = self.snowflake()
            self._attachments[aid] = (file.content, content_type)
            url = f"{self.base_url}/attachments/{channel_id}/{aid}/{quote(filename)}"
            result.append(
                attachment_payload(
                    aid,
                    filename,
                    len(file.content),
                    url,
                    content_type=content_type,
                    description=info.get("description"),
                )
            )
        return result

    # ============================================================================================
    # helpers: messages
    # ============================================================================================

    @staticmethod
    def _validate_message(body: dict[str, Any], files: list[RecordedFile], flags: int) -> None:
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            raise _bad_form("content", "BASE_TYPE_BAD_TYPE", "Must be a string.")
        if content and len(content) > 2000:
            raise _bad_form("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            raise _bad_form("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        for i, embed in enumerate(embeds):
            if len(embed.get("title") or "") > 256:
                raise _bad_form(f"embeds.{i}.title", "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
            if len(embed.get("description") or "") > 4096:
                raise _bad_form(f"embeds.{i}.description", "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer in length.")
            if len(embed.get("fields") or []) > 25:
                raise _bad_form(f"embeds.{i}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if sum(embed_length(e) for e in embeds) > 6000:
            raise _bad_form("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
        components = body.get("components") or []
        if flags & MessageFlags.IS_COMPONENTS_V2:
            if content or embeds:
                raise _bad_form("content", "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "Invalid field.")
        elif len(components) > 5:
            raise _bad_form("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        allowed = body.get("allowed_mentions")
        if allowed:
            parse = allowed.get("parse") or []
            for kind in ("users", "roles"):
                if kind in parse and allowed.get(kind):
                    raise _bad_form(
                        f"allowed_mentions.{kind}", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "Mutually exclusive."
                    )
        if not (content or embeds or files or components or body.get("sticker_ids") or body.get("poll")):
            raise ApiError(400, error_body(ErrorCode.EMPTY_MESSAGE, "Cannot send an empty message"))

    async def _create_message(
        self,
        channel: dict[str, Any],
        author_id: int,
        body: dict[str, Any],
        files: list[RecordedFile],
        *,
        allowed_mentions: dict[str, Any] | None,
        interaction: FakeInteraction | None = None,
        extra_flags: int = 0,
        validate: bool = True,
    ) -> StoredMessage:
        """Build, store and (unless ephemeral) dispatch a message. Raises ApiError for invalid bodies."""
        channel_id = int(channel["id"])
        guild_id = self._guild_of(channel)
        allowed_flags = _CHANNEL_MESSAGE_FLAGS | (MessageFlags.EPHEMERAL if interaction else 0)
        flags = (int(body.get("flags") or 0) & allowed_flags) | extra_flags
        if validate:
            self._validate_message(body, files, flags)
        content = body.get("content") or ""
        msg_type = MessageType.DEFAULT
        reference: dict[str, Any] | None = None
        referenced: StoredMessage | None = None
        ref = body.get("message_reference")
        if ref and ref.get("message_id") is not None:
            referenced = self._messages.get(int(ref["message_id"]))
            if referenced is None or referenced.deleted:
                if ref.get("fail_if_not_exists", True):
                    raise _bad_form("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
                referenced = None
            else:
                msg_type = MessageType.REPLY
                reference = {"type": 0, "message_id": str(referenced.id), "channel_id": str(referenced.channel_id)}
                if referenced.guild_id is not None:
                    reference["guild_id"] = str(referenced.guild_id)
        mentions, mention_roles, everyone = self._resolve_mentions(
            content, allowed_mentions, referenced.author_id if referenced else None, guild_id
        )
        mid = self.snowflake()
        data: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": copy.deepcopy(self.users[author_id]),
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": everyone,
            "mentions": mentions,
            "mention_roles": mention_roles,
            "attachments": self._attachments_from(channel_id, body, files),
            "embeds": [{"type": "rich", **e} for e in body.get("embeds") or []],
            "pinned": False,
            "type": msg_type,
            "flags": flags,
            "components": copy.deepcopy(body.get("components") or []),
        }
        if body.get("nonce") is not None:
            data["nonce"] = body["nonce"]
        if reference is not None and referenced is not None:
            data["message_reference"] = reference
            data["referenced_message"] = {k: v for k, v in referenced.data.items() if k != "referenced_message"}
        if interaction is not None:
            self._add_interaction_metadata(data, interaction)
        if channel["type"] in ChannelType.THREADS:
            data["position"] = channel["total_message_sent"]
        stored = StoredMessage(data, guild_id, allowed_mentions, list(files), interaction.id if interaction else None)
        self._messages[mid] = stored
        if channel["type"] in ChannelType.THREADS:
            channel["message_count"] += 1
            channel["total_message_sent"] += 1
        if not stored.ephemeral:
            channel["last_message_id"] = str(mid)
            event = self._gateway_message(stored)
            self._created_events[mid] = event
            await self._dispatch("MESSAGE_CREATE", event)
        self._message_log.append(stored)
        return stored

    def _add_interaction_metadata(self, data: dict[str, Any], interaction: FakeInteraction) -> None:
        user = copy.deepcopy(self.users[interaction.user_id])
        data["webhook_id"] = str(self.app_id)
        data["application_id"] = str(self.app_id)
        owners = {"0": str(interaction.guild_id)} if interaction.guild_id else {"1": str(interaction.user_id)}
        metadata: dict[str, Any] = {
            "id": str(interaction.id),
            "type": interaction.type,
            "user": user,
            "authorizing_integration_owners": owners,
        }
        if interaction.type == InteractionType.APPLICATION_COMMAND:
            data["type"] = MessageType.CHAT_INPUT_COMMAND
            metadata["name"] = interaction.data.get("name")
            metadata["command_type"] = interaction.data.get("type", 1)
            data["interaction"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "name": metadata["name"],
                "user": user,
            }
        elif interaction.message_id is not None:
            metadata["interacted_message_id"] = str(interaction.message_id)
        data["interaction_metadata"] = metadata

    async def _edit_message(
        self, stored: StoredMessage, body: dict[str, Any], files: list[RecordedFile]
    ) -> StoredMessage:
        """Apply an edit (PATCH semantics) to a stored message and dispatch MESSAGE_UPDATE."""
        data = stored.data
        was_loading = bool(data.get("flags", 0) & MessageFlags.LOADING)
        new_flags = data.get("flags", 0) & ~MessageFlags.LOADING
        if "flags" in body and body["flags"] is not None:
            keep = data.get("flags", 0) & (MessageFlags.EPHEMERAL | MessageFlags.HAS_THREAD)
            new_flags = keep | (int(body["flags"]) & _CHANNEL_MESSAGE_FLAGS)
        candidate = {
            "content": body["content"] if "content" in body else data["content"],
            "embeds": body["embeds"] if "embeds" in body else data["embeds"],
            "components": body["components"] if "components" in body else data["components"],
            "allowed_mentions": body.get("allowed_mentions"),
        }
        kept = data["attachments"]
        if "attachments" in body:
            keep_ids = {str(a.get("id")) for a in body["attachments"] or [] if isinstance(a, dict)}
            kept = [a for a in data["attachments"] if a["id"] in keep_ids]
        if not was_loading:
            self._validate_message(candidate, files or kept, new_flags)
        elif candidate["content"] and len(candidate["content"]) > 2000:
            raise _bad_form("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
        data["content"] = candidate["content"] or ""
        data["embeds"] = [{"type": "rich", **e} for e in candidate["embeds"] or []]
        data["components"] = copy.deepcopy(candidate["components"] or [])
        data["attachments"] = kept + self._attachments_from(stored.channel_id, body, files)
        data["flags"] = new_flags
        if "content" in body or "allowed_mentions" in body:
            allowed = body.get("allowed_mentions", stored.allowed_mentions)
            stored.allowed_mentions = allowed
            mentions, roles, everyone = self._resolve_mentions(data["content"], allowed, None, stored.guild_id)
            data.update(mentions=mentions, mention_roles=roles, mention_everyone=everyone)
        if not was_loading:
            data["edited_timestamp"] = iso_now()
        stored.files.extend(files)
        if not stored.ephemeral:
            await self._dispatch("MESSAGE_UPDATE", self._gateway_message(stored))
        return stored

    async def _delete_message(self, stored: StoredMessage) -> None:
        stored.deleted = True
        if not stored.ephemeral:
            event: dict[str, Any] = {"id": str(stored.id), "channel_id": str(stored.channel_id)}
            if stored.guild_id is not None:
                event["guild_id"] = str(stored.guild_id)
            await self._dispatch("MESSAGE_DELETE", event)

    async def _unarchive_for_message(self, channel: dict[str, Any]) -> None:
        """Posting in an archived thread unarchives it, unless it is locked (then 50083)."""
        if channel["type"] not in ChannelType.THREADS or not channel["thread_metadata"]["archived"]:
            return
        if channel["thread_metadata"]["locked"]:
            raise ApiError(400, error_body(ErrorCode.THREAD_ARCHIVED, "Thread is archived"))
        channel["thread_metadata"].update(archived=False, archive_timestamp=iso_now())
        await self._dispatch("THREAD_UPDATE", self._thread_out(channel))

    async def _react(self, stored: StoredMessage, user_id: int, emoji: str, *, add: bool) -> None:
        name, _, emoji_id = emoji.partition(":")
        emoji_data = {"id": emoji_id or None, "name": name}
        users = self.reactions.setdefault((stored.id, emoji), [])
        if (user_id in users) == add:
            return
        if add:
            users.append(user_id)
        else:
            users.remove(user_id)
        reactions = [r for r in stored.data.get("reactions", []) if r["emoji"] != emoji_data]
        if users:
            entry = {
                "count": len(users),
                "count_details": {"burst": 0, "normal": len(users)},
                "me": self.bot_user_id in users,
                "me_burst": False,
                "burst_colors": [],
                "emoji": emoji_data,
            }
            reactions.append(entry)
        stored.data["reactions"] = reactions
        event: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(stored.channel_id),
            "message_id": str(stored.id),
            "emoji": emoji_data,
            "burst": False,
            "type": 0,
        }
        if stored.guild_id is not None:
            event["guild_id"] = str(stored.guild_id)
            if add and user_id in self.members:
                event["member"] = self._member_with_user(user_id)
        if add:
            event["message_author_id"] = str(stored.author_id)
        await self._dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", event)

    # ============================================================================================
    # helpers: interactions
    # ============================================================================================

    async def _command_interaction(
        self,
        itype: int,
        name: str,
        options: dict[str, Any] | list[dict[str, Any]] | None,
        focused: str | None,
        user_id: int | None,
        channel_id: int | None,
        guild_id: int | None | object,
        strict: bool,
    ) -> tuple[int, str]:
        uid = user_id if user_id is not None else self.owner_id
        cid = channel_id if channel_id is not None else self.channel_id
        channel = self._channel(cid)
        gid = self._guild_of(channel) if guild_id is _DEFAULT else guild_id
        top, *path = name.split()
        command = self._find_command(top, gid)  # type: ignore[arg-type]
        if command is None and strict:
            synced = sorted({c["name"] for cmds in self.commands.values() for c in cmds})
            raise LookupError(f"command {top!r} was not synced (synced: {synced})")
        resolved: dict[str, dict[str, Any]] = {}
        if isinstance(options, list):
            built = copy.deepcopy(options)
        else:
            schema = command.get("options", []) if command else None
            built = self._build_options(schema, path, dict(options or {}), resolved, channel, focused)
        data: dict[str, Any] = {"name": top, "type": 1, "options": built}
        if command is not None:
            data["id"] = command["id"]
            if command.get("guild_id"):
                data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return await self._send_interaction(itype, data, uid, cid, gid)  # type: ignore[arg-type]

    def _find_command(self, name: str, guild_id: int | None) -> dict[str, Any] | None:
        scopes = ([guild_id] if guild_id is not None else []) + [None]
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return None

    def _build_options(
        self,
        schema: list[dict[str, Any]] | None,
        path: list[str],
        values: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        channel: dict[str, Any],
        focused: str | None,
    ) -> list[dict[str, Any]]:
        if path:
            sub = path[0]
            if schema is None:
                sub_type, sub_schema = (OptionType.SUB_COMMAND_GROUP if len(path) > 1 else OptionType.SUB_COMMAND), None
            else:
                found = next((o for o in schema if o["name"] == sub and o["type"] in (1, 2)), None)
                if found is None:
                    raise LookupError(f"no subcommand {sub!r}; have {[o['name'] for o in schema]}")
                sub_type, sub_schema = found["type"], found.get("options", [])
            inner = self._build_options(sub_schema, path[1:], values, resolved, channel, focused)
            return [{"name": sub, "type": sub_type, "options": inner}]
        by_name = {o["name"]: o for o in schema or []}
        if schema is not None:
            subs = [o["name"] for o in schema if o["type"] in (1, 2)]
            if subs:
                raise ValueError(f"the command has subcommands {subs}: name one, e.g. 'command {subs[0]}'")
            missing = [n for n, o in by_name.items() if o.get("required") and n not in values and n != focused]
            if missing and focused is None:
                raise ValueError(f"missing required options {missing}")
        built = []
        for option_name, value in values.items():
            spec = by_name.get(option_name)
            if spec is None and schema is not None:
                raise ValueError(f"unknown option {option_name!r}; have {sorted(by_name)}")
            option = self._option_value(option_name, spec, value, resolved, channel, option_name == focused)
            built.append(option)
        return built

    def _option_value(
        self,
        name: str,
        spec: dict[str, Any] | None,
        value: Any,
        resolved: dict[str, dict[str, Any]],
        channel: dict[str, Any],
        focused: bool,
    ) -> dict[str, Any]:
        if spec is not None:
            otype = spec["type"]
        elif isinstance(value, bool):
            otype = OptionType.BOOLEAN
        elif isinstance(value, int):
            otype = OptionType.INTEGER
        elif isinstance(value, float):
            otype = OptionType.NUMBER
        else:
            otype = OptionType.STRING
        option: dict[str, Any] = {"name": name, "type": otype}
        if focused:  # the user is still typing: Discord sends the raw text
            option.update(value=str(value), focused=True)
            return option
        guild = self._guild_of(channel) is not None
        if otype == OptionType.STRING:
            value = str(value)
        elif otype == OptionType.INTEGER:
            value = int(value)
        elif otype == OptionType.NUMBER:
            value = float(value)
        elif otype == OptionType.BOOLEAN:
            value = bool(value)
        elif otype == OptionType.USER or (otype == OptionType.MENTIONABLE and int(value) in self.users):
            uid = int(value)
            resolved.setdefault("users", {})[str(uid)] = copy.deepcopy(self._user(uid))
            if guild and uid in self.members:
                member = {**copy.deepcopy(self.members[uid]), "permissions": str(self._permissions(uid))}
                resolved.setdefault("members", {})[str(uid)] = member
            value = str(uid)
        elif otype in (OptionType.ROLE, OptionType.MENTIONABLE):
            rid = int(value)
            if rid not in self.roles:
                raise ValueError(f"unknown role {rid}")
            resolved.setdefault("roles", {})[str(rid)] = copy.deepcopy(self.roles[rid])
            value = str(rid)
        elif otype == OptionType.CHANNEL:
            target = self.channels[int(value)]
            partial = {k: target[k] for k in ("id", "name", "type", "parent_id", "thread_metadata") if k in target}
            partial["permissions"] = str(self._permissions(self.owner_id, target))
            resolved.setdefault("channels", {})[target["id"]] = partial
            value = target["id"]
        elif otype == OptionType.ATTACHMENT:
            filename, content = value
            att = self._attachments_from(int(channel["id"]), {}, [RecordedFile("files[0]", filename, content)])[0]
            att["ephemeral"] = True
            resolved.setdefault("attachments", {})[att["id"]] = att
            value = att["id"]
        choices = (spec or {}).get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{value!r} is not a choice of option {name!r}: {[c['value'] for c in choices]}")
        option["value"] = value
        return option

    async def _send_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        user_id: int,
        channel_id: int,
        guild_id: int | None,
        *,
        message: StoredMessage | None = None,
    ) -> tuple[int, str]:
        self.checkpoint()
        channel = self._channel(channel_id)
        iid = self.snowflake()
        token = "fake-interaction-" + secrets.token_urlsafe(24)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": itype,
            "data": data,
            "channel_id": str(channel_id),
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        channel_data = copy.deepcopy(channel)
        if guild_id is not None:
            member = self._member_with_user(user_id)
            member["permissions"] = str(self._permissions(user_id, channel))
            channel_data["permissions"] = member["permissions"]
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member,
                app_permissions=str(self._permissions(self.bot_user_id, channel)),
                authorizing_integration_owners={"0": str(guild_id)},
                context=0,
            )
        else:
            payload.update(
                user=copy.deepcopy(self._user(user_id)),
                app_permissions=str(Permissions.EVERYONE_DEFAULT),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        payload["channel"] = channel_data
        if message is not None:
            payload["message"] = copy.deepcopy(message.data)
        interaction = FakeInteraction(
            id=iid,
            token=token,
            type=itype,
            user_id=user_id,
            channel_id=channel_id,
            guild_id=guild_id,
            data=data,
            created_at=asyncio.get_running_loop().time(),
            payload=payload,
            message_id=message.id if message else None,
        )
        self.interactions[iid] = interaction
        self._interactions_by_token[token] = interaction
        await self._dispatch("INTERACTION_CREATE", payload)
        return iid, token

    def _webhook_interaction(self, app_id: str, token: str) -> FakeInteraction:
        interaction = self._interactions_by_token.get(token)
        if int(app_id) != self.app_id or interaction is None:
            raise _unknown(ErrorCode.UNKNOWN_WEBHOOK, "Webhook")
        return interaction

    def _webhook_message(self, interaction: FakeInteraction, message_id: str) -> StoredMessage:
        if message_id == "@original":
            mid = interaction.original_message_id
        else:
            mid = int(message_id)
            if mid != interaction.original_message_id and mid not in interaction.followup_ids:
                mid = None
        stored = self._messages.get(mid) if mid is not None else None
        if stored is None or stored.deleted:
            raise _unknown(ErrorCode.UNKNOWN_MESSAGE, "Message")
        return stored

    # ============================================================================================
    # HTTP plumbing
    # ============================================================================================

    def _add_routes(self) -> None:
        sf = r"\d+"
        chan = rf"/channels/(?P<channel_id>{sf})"
        cmds = rf"/applications/(?P<app_id>{sf})(?:/guilds/(?P<guild_id>{sf}))?/commands"
        hook = rf"/webhooks/(?P<app_id>{sf})/(?P<token>[^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", rf"/users/(?P<user_id>{sf})", self._get_user),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", cmds, self._list_commands),
            ("PUT", cmds, self._put_commands),
            ("POST", cmds, self._upsert_command),
            ("GET", cmds + rf"/(?P<command_id>{sf})", self._get_command),
            ("PATCH", cmds + rf"/(?P<command_id>{sf})", self._edit_command),
            ("DELETE", cmds + rf"/(?P<command_id>{sf})", self._delete_command),
            ("GET", chan, self._get_channel),
            ("PATCH", chan, self._edit_channel),
            ("DELETE", chan, self._delete_channel),
            ("GET", chan + "/messages", self._history),
            ("POST", chan + "/messages", self._post_message),
            ("GET", chan + rf"/messages/(?P<message_id>{sf})", self._get_message),
            ("PATCH", chan + rf"/messages/(?P<message_id>{sf})", self._patch_message),
            ("DELETE", chan + rf"/messages/(?P<message_id>{sf})", self._delete_message_endpoint),
            ("PUT", chan + rf"/messages/(?P<message_id>{sf})/reactions/(?P<emoji>[^/]+)/@me", self._put_reaction),
            ("DELETE", chan + rf"/messages/(?P<message_id>{sf})/reactions/(?P<emoji>[^/]+)/@me", self._del_reaction),
            ("POST", chan + "/threads", self._create_thread),
            ("POST", chan + rf"/messages/(?P<message_id>{sf})/threads", self._create_thread),
            ("PUT", chan + rf"/thread-members/(?P<user_id>{sf}|@me)", self._add_thread_member),
            ("DELETE", chan + rf"/thread-members/(?P<user_id>{sf}|@me)", self._remove_thread_member),
            ("POST", chan + "/typing", self._typing),
            ("POST", rf"/interactions/(?P<interaction_id>{sf})/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET", hook + rf"/messages/(?P<message_id>{sf}|@original)", self._webhook_get),
            ("PATCH", hook + rf"/messages/(?P<message_id>{sf}|@original)", self._webhook_patch),
            ("DELETE", hook + rf"/messages/(?P<message_id>{sf}|@original)", self._webhook_delete),
            ("GET", rf"/guilds/(?P<guild_id>{sf})", self._get_guild),
            ("GET", rf"/guilds/(?P<guild_id>{sf})/channels", self._get_guild_channels),
            ("GET", rf"/guilds/(?P<guild_id>{sf})/roles", self._get_roles),
            ("GET", rf"/guilds/(?P<guild_id>{sf})/members/(?P<user_id>{sf})", self._get_member),
        ]
        self._routes = [(method, re.compile(pattern), handler) for method, pattern, handler in table]

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
        if not request.can_read_body:
            return None, []
        if request.content_type == "multipart/form-data":
            payload, files = None, []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if part.name == "payload_json":
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                elif part.filename:  # type: ignore[union-attr]
                    content = bytes(await part.read())  # type: ignore[union-attr]
                    ctype = part.headers.get("Content-Type")
                    files.append(RecordedFile(part.name or "", part.filename, content, ctype))  # type: ignore[union-attr]
            return payload, files
        text = await request.text()
        if not text:
            return None, []
        try:
            return json.loads(text), []
        except ValueError:
            return text, []

    def _record(self, request: web.Request, path: str, body: Any, files: list[RecordedFile]) -> RecordedRequest:
        return RecordedRequest(
            index=len(self._requests),
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            headers=dict(request.headers),
        )

    async def _api_handler(self, request: web.Request) -> web.StreamResponse:
        path = request.path[len(API_PREFIX) :] or "/"
        body, files = await self._read_body(request)
        rec = self._record(request, path, body, files)
        status, payload, headers = await self._handle(request, rec)
        rec.status, rec.response = (204 if status == 200 and payload is None else status), payload
        rec.index = len(self._requests)
        self._requests.append(rec)
        return _json_response(status, payload, headers)

    async def _handle(self, request: web.Request, rec: RecordedRequest) -> tuple[int, Any, dict[str, str]]:
        fault = self._take_fault(rec.method, rec.path)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status:
                rec.injected = True
                return fault.status, fault.json, fault.headers
        public = rec.path.startswith(("/interactions/", "/webhooks/")) or rec.path == "/gateway"
        if not public and request.headers.get("Authorization") != f"Bot {self.token}":
            return 401, error_body(0, "401: Unauthorized"), {}
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(rec.path)
            if match is not None and method == rec.method:
                try:
                    status, payload = await handler(rec, **{k: v for k, v in match.groupdict().items()})
                except ApiError as exc:
                    return exc.status, exc.body, {}
                return status, payload, {}
        self.unknown.append(rec)
        return 404, error_body(0, "404: Not Found"), {}

    async def _fallback_handler(self, request: web.Request) -> web.StreamResponse:
        body, files = await self._read_body(request)
        rec = self._record(request, request.path, body, files)
        rec.status, rec.response = 404, error_body(0, "404: Not Found")
        self.unknown.append(rec)
        self._requests.append(rec)
        return _json_response(404, rec.response)

    async def _attachment_handler(self, request: web.Request) -> web.StreamResponse:
        entry = self._attachments.get(int(request.match_info["attachment_id"]))
        if entry is None:
            return web.Response(status=404, text="Not Found")
        content, content_type = entry
        return web.Response(body=content, headers={"Content-Type": content_type or "application/octet-stream"})

    # ============================================================================================
    # REST endpoints
    # ============================================================================================

    async def _get_me(self, rec: RecordedRequest) -> tuple[int, Any]:
        return 200, copy.deepcopy(self.bot_user)

    async def _get_user(self, rec: RecordedRequest, user_id: str) -> tuple[int, Any]:
        return 200, copy.deepcopy(self._user(int(user_id)))

    async def _create_dm(self, rec: RecordedRequest) -> tuple[int, Any]:
        recipient = (rec.json or {}).get("recipient_id")
        if recipient is None:
            raise _bad_form("recipient_id", "BASE_TYPE_REQUIRED", "This field is required")
        self._user(int(recipient))
        return 200, copy.deepcopy(self.channels[self.dm_channel_id(int(recipient))])

    async def _get_application(self, rec: RecordedRequest) -> tuple[int, Any]:
        return 200, self._application_payload()

    async def _get_gateway(self, rec: RecordedRequest) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, rec: RecordedRequest) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    # --- application commands --------------------------------------------------------------------

    def _command_scope(self, app_id: str, guild_id: str | None) -> int | None:
        if int(app_id) != self.app_id:
            raise _forbidden(ErrorCode.MISSING_ACCESS, "Missing Access")
        if guild_id is not None:
            self._check_guild(guild_id)
            return int(guild_id)
        return None

    def _command_out(self, body: dict[str, Any], scope: int | None, command_id: str | None = None) -> dict[str, Any]:
        ctype = body.get("type", 1)
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 32 or (ctype == 1 and name != name.lower()):
            raise _bad_form("name", "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")
        if ctype == 1 and not 1 <= len(body.get("description") or "") <= 100:
            raise _bad_form("description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        _check_option_order(body.get("options") or [])
        command = {
            "id": command_id or str(self.snowflake()),
            "application_id": str(self.app_id),
            "version": str(self.snowflake()),
            "type": ctype,
            "name": name,
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", ""),
            "description_localizations": body.get("description_localizations"),
            "options": copy.deepcopy(body.get("options") or []),
            "default_member_permissions": body.get("default_member_permissions"),
            "dm_permission": body.get("dm_permission", True),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types") or [0],
            "nsfw": body.get("nsfw", False),
        }
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    async def _list_commands(self, rec: RecordedRequest, app_id: str, guild_id: str | None) -> tuple[int, Any]:
        return 200, copy.deepcopy(self.commands.get(self._command_scope(app_id, guild_id), []))

    async def _put_commands(self, rec: RecordedRequest, app_id: str, guild_id: str | None) -> tuple[int, Any]:
        scope = self._command_scope(app_id, guild_id)
        body = rec.json or []
        if not isinstance(body, list):
            raise _bad_form("_root", "BASE_TYPE_BAD_TYPE", "Must be an array.")
        old = {(c["name"], c["type"]): c["id"] for c in self.commands.get(scope, [])}
        seen: set[tuple[str, int]] = set()
        commands = []
        for index, item in enumerate(body):
            key = (item.get("name"), item.get("type", 1))
            if key in seen:
                raise _bad_form(f"{index}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate command name")
            seen.add(key)
            commands.append(self._command_out(item, scope, old.get(key)))
        self.commands[scope] = commands
        return 200, copy.deepcopy(commands)

    async def _upsert_command(self, rec: RecordedRequest, app_id: str, guild_id: str | None) -> tuple[int, Any]:
        scope = self._command_scope(app_id, guild_id)
        body = rec.json or {}
        existing = self.commands.setdefault(scope, [])
        key = (body.get("name"), body.get("type", 1))
        old = next((c for c in existing if (c["name"], c["type"]) == key), None)
        command = self._command_out(body, scope, old["id"] if old else None)
        if old is not None:
            existing[existing.index(old)] = command
        else:
            existing.append(command)
        return (200 if old else 201), copy.deepcopy(command)

    def _command_by_id(self, scope: int | None, command_id: str) -> dict[str, Any]:
        for command in self.commands.get(scope, []):
            if command["id"] == command_id:
                return command
        raise _unknown(ErrorCode.UNKNOWN_APPLICATION_COMMAND, "application command")

    async def _get_command(self, rec: RecordedRequest, app_id: str, guild_id: str | None, command_id: str):
        return 200, copy.deepcopy(self._command_by_id(self._command_scope(app_id, guild_id), command_id))

    async def _edit_command(self, rec: RecordedRequest, app_id: str, guild_id: str | None, command_id: str):
        scope = self._command_scope(app_id, guild_id)
        old = self._command_by_id(scope, command_id)
        command = self._command_out({**old, **(rec.json or {})}, scope, command_id)
        existing = self.commands[scope]
        existing[existing.index(old)] = command
        return 200, copy.deepcopy(command)

    async def _delete_command(self, rec: RecordedRequest, app_id: str, guild_id: str | None, command_id: str):
        scope = self._command_scope(app_id, guild_id)
        self.commands[scope].remove(self._command_by_id(scope, command_id))
        return 204, None

    # --- channels and threads --------------------------------------------------------------------

    async def _get_channel(self, rec: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(int(channel_id))
        return 200, self._thread_out(channel) if channel["type"] in ChannelType.THREADS else copy.deepcopy(channel)

    async def _edit_channel(self, rec: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(int(channel_id))
        body = rec.json or {}
        if channel["type"] == ChannelType.DM:
            raise ApiError(400, error_body(ErrorCode.WRONG_CHANNEL_TYPE, "Cannot execute action on a DM channel"))
        if "name" in body and not 1 <= len(body["name"] or "") <= 100:
            raise _bad_form("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if channel["type"] not in ChannelType.THREADS:
            self._require(channel, 1 << 4)  # MANAGE_CHANNELS
            for key in ("name", "topic", "nsfw", "rate_limit_per_user", "position", "default_auto_archive_duration"):
                if key in body:
                    channel[key] = body[key]
            await self._dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
            return 200, copy.deepcopy(channel)
        meta = channel["thread_metadata"]
        owner = int(channel["owner_id"]) == self.bot_user_id
        if meta["archived"] and body.get("archived") is not False and set(body) - {"archived", "locked"}:
            raise ApiError(400, error_body(ErrorCode.THREAD_ARCHIVED, "Thread is archived"))
        if ("locked" in body or "invitable" in body or not owner) and not (
            self._permissions(self.bot_user_id, channel) & Permissions.MANAGE_THREADS
        ):
            raise _forbidden()
        if "auto_archive_duration" in body and body["auto_archive_duration"] not in _ARCHIVE_DURATIONS:
            raise _bad_form(
                "auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of (60, 1440, 4320, 10080)."
            )
        for key in ("name", "rate_limit_per_user", "flags", "applied_tags"):
            if key in body:
                channel[key] = body[key]
        for key in ("archived", "locked", "auto_archive_duration", "invitable"):
            if key in body:
                if key == "archived" and body[key] != meta["archived"]:
                    meta["archive_timestamp"] = iso_now()
                meta[key] = body[key]
        data = self._thread_out(channel)
        await self._dispatch("THREAD_UPDATE", data)
        return 200, data

    async def _delete_channel(self, rec: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(int(channel_id))
        if channel["type"] == ChannelType.DM:
            return 200, copy.deepcopy(channel)
        if channel["type"] in ChannelType.THREADS:
            self._require(channel, Permissions.MANAGE_THREADS)
            del self.channels[int(channel_id)]
            event = {k: channel[k] for k in ("id", "guild_id", "parent_id", "type")}
            await self._dispatch("THREAD_DELETE", event)
        else:
            self._require(channel, 1 << 4)  # MANAGE_CHANNELS
            del self.channels[int(channel_id)]
            await self._dispatch("CHANNEL_DELETE", copy.deepcopy(channel))
        return 200, copy.deepcopy(channel)

    async def _create_thread(self, rec: RecordedRequest, channel_id: str, message_id: str | None = None):
        parent = self._channel(int(channel_id))
        body = rec.json or {}
        if parent["type"] not in ChannelType.THREAD_PARENTS:
            raise ApiError(400, error_body(ErrorCode.WRONG_CHANNEL_TYPE, "Cannot execute action on this channel type"))
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            raise _bad_form("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        duration = body.get("auto_archive_duration") or parent.get("default_auto_archive_duration") or 4320
        if duration not in _ARCHIVE_DURATIONS:
            raise _bad_form(
                "auto_archive_duration", "BASE_TYPE_CHOICES", "Value must be one of (60, 1440, 4320, 10080)."
            )
        starter: StoredMessage | None = None
        if message_id is not None:
            starter = self._message(int(channel_id), int(message_id))
            if int(message_id) in self.channels:
                raise ApiError(
                    400,
                    error_body(ErrorCode.THREAD_ALREADY_EXISTS, "A thread has already been created for this message"),
                )
            thread_type = ChannelType.ANNOUNCEMENT_THREAD if parent["type"] == 5 else ChannelType.PUBLIC_THREAD
            thread_id = int(message_id)
        else:
            thread_type = body.get("type") or ChannelType.PRIVATE_THREAD
            if thread_type not in (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD):
                raise _bad_form("type", "BASE_TYPE_CHOICES", "Value must be one of (11, 12).")
            thread_id = self.snowflake()
        needed = Permissions.CREATE_PRIVATE_THREADS if thread_type == 12 else Permissions.CREATE_PUBLIC_THREADS
        self._require(parent, needed)
        thread = thread_payload(
            thread_id,
            self.guild_id,
            int(channel_id),
            self.bot_user_id,
            name,
            type=thread_type,
            auto_archive_duration=duration,
            invitable=body.get("invitable", True),
            rate_limit_per_user=body.get("rate_limit_per_user") or 0,
        )
        self.channels[thread_id] = thread
        self.thread_members[thread_id] = {self.bot_user_id}
        if starter is not None:
            starter.data["flags"] = starter.flags | MessageFlags.HAS_THREAD
            starter.data["thread"] = self._thread_out(thread)
        data = self._thread_out(thread)
        await self._dispatch("THREAD_CREATE", {**data, "newly_created": True})
        return 201, data

    def _thread(self, channel_id: str) -> dict[str, Any]:
        channel = self._channel(int(channel_id))
        if channel["type"] not in ChannelType.THREADS:
            raise ApiError(400, error_body(ErrorCode.WRONG_CHANNEL_TYPE, "Cannot execute action on this channel type"))
        return channel

    async def _add_thread_member(self, rec: RecordedRequest, channel_id: str, user_id: str) -> tuple[int, Any]:
        thread = self._thread(channel_id)
        uid = self.bot_user_id if user_id == "@me" else int(user_id)
        if uid not in self.members:
            raise _unknown(ErrorCode.UNKNOWN_MEMBER, "Member")
        if thread["thread_metadata"]["archived"]:
            raise ApiError(400, error_body(ErrorCode.THREAD_ARCHIVED, "Thread is archived"))
        members = self.thread_members.setdefault(int(channel_id), set())
        if uid in members:
            return 204, None
        members.add(uid)
        member = thread_member_payload(int(channel_id), uid)
        if uid == self.bot_user_id:
            await self._dispatch("THREAD_MEMBER_UPDATE", {**member, "guild_id": str(self.guild_id)})
        else:
            event = {
                "id": channel_id,
                "guild_id": str(self.guild_id),
                "member_count": len(members),
                "added_members": [{**member, "member": self._member_with_user(uid)}],
            }
            await self._dispatch("THREAD_MEMBERS_UPDATE", event)
        return 204, None

    async def _remove_thread_member(self, rec: RecordedRequest, channel_id: str, user_id: str) -> tuple[int, Any]:
        self._thread(channel_id)
        uid = self.bot_user_id if user_id == "@me" else int(user_id)
        members = self.thread_members.setdefault(int(channel_id), set())
        if uid in members:
            members.discard(uid)
            event = {
                "id": channel_id,
                "guild_id": str(self.guild_id),
                "member_count": len(members),
                "removed_member_ids": [str(uid)],
            }
            await self._dispatch("THREAD_MEMBERS_UPDATE", event)
        return 204, None

    async def _typing(self, rec: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        self._channel(int(channel_id))
        return 204, None

    # --- messages --------------------------------------------------------------------------------

    async def _history(self, rec: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(int(channel_id))
        self._require(channel, Permissions.READ_MESSAGE_HISTORY)
        limit = max(1, min(100, int(rec.query.get("limit", 50))))
        found = [m for m in self.messages(int(channel_id)) if not m.ephemeral]
        if "before" in rec.query:
            found = [m for m in found if m.id < int(rec.query["before"])]
        if "after" in rec.query:
            found = [m for m in found if m.id > int(rec.query["after"])][:limit]
        if "around" in rec.query:
            around = int(rec.query["around"])
            older = [m for m in found if m.id <= around][-(limit // 2 + limit % 2) :]
            newer = [m for m in found if m.id > around][: limit // 2]
            found = older + newer
        found = found[-limit:]
        return 200, [copy.deepcopy(m.data) for m in reversed(found)]

    async def _post_message(self, rec: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        channel = self._channel(int(channel_id))
        body = rec.json or {}
        if not isinstance(body, dict):
            raise _bad_form("_root", "BASE_TYPE_BAD_TYPE", "Must be an object.")
        if channel["type"] == ChannelType.DM:
            if int(channel["recipients"][0]["id"]) in self._dm_closed:
                raise _forbidden(ErrorCode.CANNOT_DM_USER, "Cannot send messages to this user")
        else:
            send = (
                Permissions.SEND_MESSAGES_IN_THREADS
                if channel["type"] in ChannelType.THREADS
                else Permissions.SEND_MESSAGES
            )
            self._require(channel, send, *([Permissions.ATTACH_FILES] if rec.files else []))
        await self._unarchive_for_message(channel)
        stored = await self._create_message(
            channel, self.bot_user_id, body, rec.files, allowed_mentions=body.get("allowed_mentions")
        )
        return 200, copy.deepcopy(stored.data)

    async def _get_message(self, rec: RecordedRequest, channel_id: str, message_id: str) -> tuple[int, Any]:
        self._require(self._channel(int(channel_id)), Permissions.READ_MESSAGE_HISTORY)
        return 200, copy.deepcopy(self._message(int(channel_id), int(message_id)).data)

    async def _patch_message(self, rec: RecordedRequest, channel_id: str, message_id: str) -> tuple[int, Any]:
        stored = self._message(int(channel_id), int(message_id))
        if stored.author_id != self.bot_user_id:
            raise _forbidden(ErrorCode.CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user")
        await self._edit_message(stored, rec.json or {}, rec.files)
        return 200, copy.deepcopy(stored.data)

    async def _delete_message_endpoint(self, rec: RecordedRequest, channel_id: str, message_id: str):
        channel = self._channel(int(channel_id))
        stored = self._message(int(channel_id), int(message_id))
        if stored.author_id != self.bot_user_id:
            if channel["type"] == ChannelType.DM:
                raise _forbidden(50003, "Cannot execute action on a DM channel")
            self._require(channel, Permissions.MANAGE_MESSAGES)
        await self._delete_message(stored)
        return 204, None

    async def _put_reaction(self, rec: RecordedRequest, channel_id: str, message_id: str, emoji: str):
        channel = self._channel(int(channel_id))
        self._require(channel, Permissions.ADD_REACTIONS, Permissions.READ_MESSAGE_HISTORY)
        await self._react(self._message(int(channel_id), int(message_id)), self.bot_user_id, emoji, add=True)
        return 204, None

    async def _del_reaction(self, rec: RecordedRequest, channel_id: str, message_id: str, emoji: str):
        self._channel(int(channel_id))
        await self._react(self._message(int(channel_id), int(message_id)), self.bot_user_id, emoji, add=False)
        return 204, None

    # --- interactions and webhooks ---------------------------------------------------------------

    async def _callback(self, rec: RecordedRequest, interaction_id: str, token: str) -> tuple[int, Any]:
        interaction = self.interactions.get(int(interaction_id))
        if interaction is None or interaction.token != token:
            raise _unknown(ErrorCode.UNKNOWN_INTERACTION, "interaction")
        if interaction.acknowledged:
            raise ApiError(
                400,
                error_body(ErrorCode.INTERACTION_ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."),
            )
        age = asyncio.get_running_loop().time() - interaction.created_at
        if self.interaction_timeout is not None and age > self.interaction_timeout:
            raise _unknown(ErrorCode.UNKNOWN_INTERACTION, "interaction")
        body = rec.json or {}
        ctype = body.get("type")
        data = body.get("data") or {}
        if ctype not in ALLOWED_CALLBACKS.get(interaction.type, set()):
            raise _bad_form("type", "INTERACTION_RESPONSE_TYPE_INVALID", f"Invalid response type {ctype}")
        channel = self._channel(interaction.channel_id)
        message: StoredMessage | None = None
        if ctype == CallbackType.CHANNEL_MESSAGE:
            message = await self._create_message(
                channel,
                self.bot_user_id,
                data,
                rec.files,
                allowed_mentions=data.get("allowed_mentions"),
                interaction=interaction,
            )
        elif ctype == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            flags = int(data.get("flags") or 0) & MessageFlags.EPHEMERAL
            message = await self._create_message(
                channel,
                self.bot_user_id,
                {"flags": flags},
                [],
                allowed_mentions=None,
                interaction=interaction,
                extra_flags=MessageFlags.LOADING,
                validate=False,
            )
        elif ctype == CallbackType.UPDATE_MESSAGE:
            if interaction.message_id is None:
                raise _bad_form("type", "INTERACTION_RESPONSE_TYPE_INVALID", "No message to update")
            message = await self._edit_message(self._messages[interaction.message_id], data, rec.files)
        elif ctype == CallbackType.MODAL:
            for key in ("custom_id", "title", "components"):
                if not data.get(key):
                    raise _bad_form(f"data.{key}", "BASE_TYPE_REQUIRED", "This field is required")
        interaction.response_type = ctype
        interaction.response_data = data
        if message is not None:
            interaction.original_message_id = message.id
        elif ctype == CallbackType.DEFERRED_UPDATE_MESSAGE:
            interaction.original_message_id = interaction.message_id
        if not _truthy(rec.query.get("with_response")):
            return 204, None
        info: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
        resource: dict[str, Any] = {"type": ctype}
        if message is not None:
            info.update(
                response_message_id=str(message.id),
                response_message_loading=bool(message.flags & MessageFlags.LOADING),
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = copy.deepcopy(message.data)
        return 200, {"interaction": info, "resource": resource}

    async def _followup(self, rec: RecordedRequest, app_id: str, token: str) -> tuple[int, Any]:
        interaction = self._webhook_interaction(app_id, token)
        if not interaction.acknowledged:
            raise _unknown(ErrorCode.UNKNOWN_WEBHOOK, "Webhook")
        body = rec.json or {}
        original = self._messages.get(interaction.original_message_id or 0)
        if (
            interaction.response_type == CallbackType.DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.flags & MessageFlags.LOADING
        ):
            # the first followup after a deferred ("thinking...") response replaces the loading message
            stored = await self._edit_message(original, body, rec.files)
        else:
            stored = await self._create_message(
                self._channel(interaction.channel_id),
                self.bot_user_id,
                body,
                rec.files,
                allowed_mentions=body.get("allowed_mentions"),
                interaction=interaction,
            )
            interaction.followup_ids.append(stored.id)
        if not _truthy(rec.query.get("wait")):
            return 204, None
        return 200, copy.deepcopy(stored.data)

    async def _webhook_get(self, rec: RecordedRequest, app_id: str, token: str, message_id: str) -> tuple[int, Any]:
        interaction = self._webhook_interaction(app_id, token)
        return 200, copy.deepcopy(self._webhook_message(interaction, message_id).data)

    async def _webhook_patch(self, rec: RecordedRequest, app_id: str, token: str, message_id: str) -> tuple[int, Any]:
        interaction = self._webhook_interaction(app_id, token)
        stored = await self._edit_message(self._webhook_message(interaction, message_id), rec.json or {}, rec.files)
        return 200, copy.deepcopy(stored.data)

    async def _webhook_delete(self, rec: RecordedRequest, app_id: str, token: str, message_id: str) -> tuple[int, Any]:
        interaction = self._webhook_interaction(app_id, token)
        await self._delete_message(self._webhook_message(interaction, message_id))
        return 204, None

    # --- guilds ----------------------------------------------------------------------------------

    async def _get_guild(self, rec: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._check_guild(guild_id)
        data = self._guild_payload()
        if _truthy(rec.query.get("with_counts")):
            data.update(approximate_member_count=len(self.members), approximate_presence_count=0)
        return 200, data

    async def _get_guild_channels(self, rec: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._check_guild(guild_id)
        return 200, [copy.deepcopy(c) for c in self.channels.values() if c["type"] in ChannelType.THREAD_PARENTS]

    async def _get_roles(self, rec: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._check_guild(guild_id)
        return 200, [copy.deepcopy(r) for r in self.roles.values()]

    async def _get_member(self, rec: RecordedRequest, guild_id: str, user_id: str) -> tuple[int, Any]:
        self._check_guild(guild_id)
        return 200, self._member_with_user(int(user_id))

    # ============================================================================================
    # gateway
    # ============================================================================================

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = GatewayConnection(len(self.connections), ws, request, compress=self.transport_compression)
        self.connections.append(conn)
        interval_ms = int(self.heartbeat_interval * 1000)
        await conn.send({"op": Opcode.HELLO, "d": {"heartbeat_interval": interval_ms, "_trace": ["fake-discord"]}})
        try:
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await conn.close(4002)  # decode error
                    break
                await self._on_gateway_payload(conn, payload)
        finally:
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
        return ws

    async def _on_gateway_payload(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        op, d = payload.get("op"), payload.get("d")
        if op == Opcode.HEARTBEAT:
            self.heartbeats += 1
            await conn.send({"op": Opcode.HEARTBEAT_ACK})
            return
        self._gateway_log.append(GatewayPayload(op, d, conn.index))  # type: ignore[arg-type]
        if op == Opcode.IDENTIFY:
            await self._on_identify(conn, d or {})
        elif op == Opcode.RESUME:
            await self._on_resume(conn, d or {})
        elif conn.session is None:
            await conn.close(_CLOSE_NOT_AUTHENTICATED)
        elif op == Opcode.REQUEST_GUILD_MEMBERS:
            await self._on_request_members(conn.session, d or {})
        elif op not in (Opcode.PRESENCE_UPDATE, Opcode.VOICE_STATE_UPDATE):
            await conn.close(_CLOSE_UNKNOWN_OPCODE)

    async def _on_identify(self, conn: GatewayConnection, d: dict[str, Any]) -> None:
        if conn.session is not None:
            await conn.close(_CLOSE_ALREADY_AUTHENTICATED)
            return
        if d.get("token") != self.token:
            await conn.close(_CLOSE_AUTH_FAILED)
            return
        intents = d.get("intents")
        if not isinstance(intents, int):
            await conn.close(_CLOSE_INVALID_INTENTS)
            return
        if intents & Intents.PRIVILEGED & ~self.enabled_privileged_intents:
            await conn.close(_CLOSE_DISALLOWED_INTENTS)
            return
        session = GatewaySession(secrets.token_hex(16), intents, self.bot_user_id)
        self.sessions[session.id] = session
        conn.session = session
        session.connection = conn
        ready = {
            "v": API_VERSION,
            "user": copy.deepcopy(self.bot_user),
            "user_settings": {},
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "application": {"id": str(self.app_id), "flags": self._app_flags()},
            "_trace": ["fake-discord"],
        }
        if d.get("shard") is not None:
            ready["shard"] = d["shard"]
        await session.push("READY", ready, self.sent_events)
        await session.push("GUILD_CREATE", self._guild_create_payload(intents), self.sent_events)

    async def _on_resume(self, conn: GatewayConnection, d: dict[str, Any]) -> None:
        session = self.sessions.get(d.get("session_id") or "")
        if session is None or not session.valid or d.get("token") != self.token:
            await conn.send({"op": Opcode.INVALID_SESSION, "d": False})
            return
        previous = session.connection
        if previous is not None and previous is not conn:
            session.connection = None
            await previous.close(4000)
        conn.session = session
        await session.resume(conn, int(d.get("seq") or 0), self.sent_events)

    async def _on_request_members(self, session: GatewaySession, d: dict[str, Any]) -> None:
        ids = d.get("user_ids")
        if ids is not None:
            wanted = {int(i) for i in ([ids] if isinstance(ids, (str, int)) else ids)}
            members = [uid for uid in self.members if uid in wanted]
        else:
            query = (d.get("query") or "").lower()
            members = [uid for uid in self.members if self.users[uid]["username"].lower().startswith(query)]
            if d.get("limit"):
                members = members[: int(d["limit"])]
        chunk: dict[str, Any] = {
            "guild_id": str(self.guild_id),
            "members": [self._member_with_user(uid) for uid in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        if d.get("presences"):
            chunk["presences"] = []
        await session.push("GUILD_MEMBERS_CHUNK", chunk, self.sent_events)


def _find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for component in components:
        if component.get("custom_id") == custom_id:
            return component
        children = list(component.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                children.append(component[key])
        found = _find_component(children, custom_id)
        if found is not None:
            return found
    return None


def _modal_submit_components(components: list[dict[str, Any]], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The submitted components of a modal, mirroring its structure (action rows, labels)."""
    result: list[dict[str, Any]] = []
    for component in components:
        ctype = component.get("type")
        if ctype == 1:
            result.append({"type": 1, "components": _modal_submit_components(component.get("components", []), values)})
        elif ctype == 18 and isinstance(component.get("component"), dict):
            inner = _modal_submit_components([component["component"]], values)
            if inner:
                result.append({"type": 18, "id": component.get("id"), "component": inner[0]})
        elif component.get("custom_id"):
            cid = component["custom_id"]
            submitted: dict[str, Any] = {"type": ctype, "custom_id": cid}
            if "id" in component:
                submitted["id"] = component["id"]
            if ctype == 4:
                submitted["value"] = str(values.pop(cid, component.get("value") or ""))
            else:
                submitted["values"] = [str(v) for v in values.pop(cid, [])]
            result.append(submitted)
    return result


def _check_option_order(options: list[dict[str, Any]]) -> None:
    """Discord rejects required options after optional ones (and more than 25 options)."""
    if len(options) > 25:
        raise _bad_form("options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    seen_optional = False
    for index, option in enumerate(options):
        if option.get("type") in (1, 2):
            _check_option_order(option.get("options") or [])
            continue
        if option.get("required"):
            if seen_optional:
                raise _bad_form(
                    f"options.{index}.required",
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
