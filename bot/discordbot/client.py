"""The Discord client: intents, allowed mentions, start-up (storage, cogs, command sync, restore)."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import discord
import yarl
from discord.ext import commands

from ..service import DebateService
from ..settings import Settings
from ..web.links import LinkSigner
from .errors import ErrorHandler

log = logging.getLogger(__name__)
HEALTH_INTERVAL = 30.0
# what the invite URL in the README asks for, and nothing more
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    create_public_threads=True,
    create_private_threads=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at the configured REST base and gateway (Discord's own by default)."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    Route.BASE = settings.discord_api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def intents() -> discord.Intents:
    """Guilds (threads, channels), guild and DM messages, and the privileged Message Content intent:
    a debater's turns are ordinary messages in a thread, which the bot must read."""
    value = discord.Intents.none()
    value.guilds = True
    value.guild_messages = True
    value.dm_messages = True
    value.message_content = True
    return value


class CounterpointBot(commands.AutoShardedBot):
    """Sharded: one process can serve many guilds (shards chosen by Discord, or shard_count/shard_ids from
    the settings so that several processes each serve a range of shards over one shared database)."""

    def __init__(
        self,
        settings: Settings,
        service: DebateService,
        *,
        links: LinkSigner,
        health_file: Path | None = None,
        **options,
    ):
        options.setdefault("chunk_guilds_at_startup", False)
        if settings.shard_count is not None:
            options.setdefault("shard_count", settings.shard_count)
            if settings.shard_ids is not None:
                options.setdefault("shard_ids", list(settings.shard_ids))
        super().__init__(
            command_prefix=commands.when_mentioned,  # no prefix commands: everything is a slash command
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),  # user text can never ping anyone
            **options,
        )
        self.settings = settings
        self.service = service
        self.errors = ErrorHandler()
        self.health_file = health_file
        self.links = links  # built by the entry point, like the viewer's (the secret is read once)
        self.ready_count = 0
        self._health_task: asyncio.Task | None = None

    def owns(self, guild_id: str | int | None) -> bool:
        """Whether this process serves the guild's shard (DMs belong to shard 0, as on Discord)."""
        ids, count = self.settings.shard_ids, self.settings.shard_count
        if ids is None or not count:
            return True
        shard = (int(guild_id) >> 22) % count if guild_id else 0
        return shard in ids

    async def setup_hook(self) -> None:
        from .buttons import MoreButton, SideButton
        from .classes import ClassCog, JoinButton
        from .cog import DebateCog
        from .topics import TopicCog

        self.tree.on_error = self.errors.on_app_command_error
        cog = DebateCog(self)
        await self.add_cog(cog)
        await self.add_cog(ClassCog(self))
        await self.add_cog(TopicCog(self))
        self.add_dynamic_items(SideButton, JoinButton, MoreButton)  # buttons keep working after a restart
        await cog.restore()
        if self.settings.sync_commands:
            if self.settings.dev_guild_id:
                guild = discord.Object(self.settings.dev_guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
            else:
                synced = await self.tree.sync()
            log.info("slash commands published: %s", ", ".join(c.name for c in synced))
        if self.health_file is not None:
            self._health_task = asyncio.create_task(self._health_loop(), name="counterpoint-health")

    async def on_ready(self) -> None:
        # READY can come again after a reconnect: nothing here may run twice in a harmful way.
        self.ready_count += 1
        log.info("connected as %s (ready #%d, %d guilds)", self.user, self.ready_count, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        return  # turns are handled by the debate cog; there are no prefix commands

    async def on_error(self, event_method: str, /, *args, **kwargs) -> None:
        log.exception("unhandled error in %s", event_method)

    async def close(self) -> None:
        if self._health_task:
            self._health_task.cancel()
        await super().close()

    async def _health_loop(self) -> None:
        """Touch the health file while connected; `counterpoint health` (the Docker HEALTHCHECK) reads it."""
        assert self.health_file is not None
        while not self.is_closed():
            if self.is_ready() and not self.is_ws_ratelimited():
                try:
                    self.health_file.parent.mkdir(parents=True, exist_ok=True)
                    self.health_file.write_text(f"{time.time():.0f}\n", encoding="utf-8")
                except OSError as exc:
                    log.warning("cannot write health file %s: %s", self.health_file, exc)
            await asyncio.sleep(HEALTH_INTERVAL)


def health_file_for(settings: Settings) -> Path:
    return settings.db_path.with_name(settings.db_path.name + ".health")


def healthy(settings: Settings, max_age: float = 3 * HEALTH_INTERVAL) -> bool:
    path = health_file_for(settings)
    try:
        return time.time() - path.stat().st_mtime <= max_age
    except OSError:
        return False


async def run_bot(settings: Settings, service: DebateService, links: LinkSigner) -> None:
    configure_endpoints(settings)
    bot = CounterpointBot(settings, service, links=links, health_file=health_file_for(settings))
    async with bot:
        await bot.start(settings.discord_token or "")
