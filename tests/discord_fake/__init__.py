"""A fake Discord (REST API v10 + gateway on 127.0.0.1) for end-to-end tests that run the real discord.py client.

Typical use::

    async with FakeDiscord() as server, use_fake(server):
        client = discord.Client(intents=intents, **FAST_CLIENT_OPTIONS)
        async with running_client(client, server):
            await server.send_message(server.channel_id, server.user_id("alice"), "hello")
            reply = await server.wait_for_message(channel_id=server.channel_id)
        assert not server.unknown

``use_fake`` patches ``discord.http.Route.BASE`` and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``
(restored on exit); READY's ``resume_gateway_url`` points at the fake (``/gateway/resume``).

State: ``bot_user_id`` (= ``app_id``), ``guild_id`` (= the @everyone role id), ``channel_id`` (#general),
``role_id`` ("Debaters"), ``bot_role_id``, ``owner_id`` (alice); users alice, bob, carol (``user_id(name)``,
``add_user``, ``add_member``, ``add_text_channel``, ``dm_channel_id``); ``users``, ``members``, ``channels``
(text, threads, DMs), ``thread_members``, ``commands`` (guild id or None -> synced commands), ``interactions``.

Driving the bot: ``send_message``, ``send_dm``, ``add_reaction``, ``send_interaction``, ``send_autocomplete``,
``send_component``, ``send_modal_submit``, ``dispatch``, ``replay``; gateway faults ``drop_connection``,
``invalid_session``, ``request_reconnect``; REST faults ``fail_next`` and ``delay_next``; permissions
``set_role_permissions``, ``set_bot_permissions``, ``set_channel_overwrite``.

Observing: ``requests`` / ``requests_to`` / ``wait_for`` (REST), ``unknown`` (unimplemented endpoints),
``messages`` / ``bot_messages`` / ``get_message`` / ``wait_for_message`` (the message store),
``interaction(id or token)``, ``received`` / ``identify`` / ``identifies`` / ``resumes`` / ``wait_for_gateway``
(client -> gateway), ``sent_events`` (gateway -> client), ``connections``, ``sessions``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from .payloads import (
    CallbackType,
    ChannelType,
    ErrorCode,
    Intents,
    InteractionType,
    MessageFlags,
    Opcode,
    OptionType,
    Permissions,
)
from .records import FakeInteraction, GatewayPayload, RecordedFile, RecordedRequest, SentEvent, StoredMessage
from .server import ApiError, FakeDiscord

__all__ = [
    "FAST_CLIENT_OPTIONS",
    "ApiError",
    "CallbackType",
    "ChannelType",
    "ErrorCode",
    "FakeDiscord",
    "FakeInteraction",
    "GatewayPayload",
    "Intents",
    "InteractionType",
    "MessageFlags",
    "Opcode",
    "OptionType",
    "Permissions",
    "RecordedFile",
    "RecordedRequest",
    "SentEvent",
    "StoredMessage",
    "running_client",
    "stop_client",
    "use_fake",
    "wait_until_ready",
]

# discord.Client keyword arguments that keep start-up fast against the fake: no member chunking, and READY
# 50 ms after the last GUILD_CREATE instead of 2 s.
FAST_CLIENT_OPTIONS: dict[str, Any] = {"chunk_guilds_at_startup": False, "guild_ready_timeout": 0.05}


class use_fake:  # lower case: used like a function, ``with use_fake(server):`` or ``async with ...``
    """Point discord.py at ``server`` (REST base and default gateway); restores the originals on exit."""

    def __init__(self, server: FakeDiscord) -> None:
        self.server = server
        self._saved: tuple[Any, Any] | None = None

    def __enter__(self) -> FakeDiscord:
        import yarl
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        if not self.server.port:
            raise RuntimeError("start the FakeDiscord before use_fake()")
        self._saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = self.server.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.server.gateway_url)
        return self.server

    def __exit__(self, *exc_info: object) -> None:
        from discord.gateway import DiscordWebSocket
        from discord.http import Route

        assert self._saved is not None
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved
        self._saved = None

    async def __aenter__(self) -> FakeDiscord:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.__exit__(*exc_info)


async def wait_until_ready(client: Any, task: asyncio.Task[Any], timeout: float = 5.0) -> None:
    """Wait until ``client.is_ready()``; re-raises the start task's error if it ends first (e.g. LoginFailure)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not client.is_ready():
        if task.done():
            task.result()  # raises the client's error, if any
            raise RuntimeError("the client stopped before it was ready")
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"the client was not ready within {timeout}s")
        await asyncio.sleep(0.01)


async def stop_client(client: Any, task: asyncio.Task[Any], timeout: float = 5.0) -> BaseException | None:
    """Close the client and wait for its start task; returns the task's exception (None if it ended cleanly)."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.close(), timeout)
    if not task.done():
        await asyncio.wait({task}, timeout=timeout)  # never raises the task's exception
    if not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=timeout)
    if not task.done() or task.cancelled():
        return None
    return task.exception()


@contextlib.asynccontextmanager
async def running_client(
    client: Any, server: FakeDiscord, *, timeout: float = 5.0, wait_ready: bool = True
) -> AsyncIterator[asyncio.Task[Any]]:
    """Run ``asyncio.create_task(client.start(server.token))``, wait until ready, and close the client on exit.
    If the body succeeded but the client task failed, its exception is raised on exit."""
    task = asyncio.create_task(client.start(server.token), name="discord-client")
    try:
        if wait_ready:
            await wait_until_ready(client, task, timeout)
        yield task
    except BaseException:
        await stop_client(client, task, timeout)
        raise
    error = await stop_client(client, task, timeout)
    if error is not None:
        raise error
