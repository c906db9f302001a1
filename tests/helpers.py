"""Mocks for cog tests, python-discord style: each mock is spec'd (``spec_set``) from a real discord.py
object built from a payload dict, or from the class where building one needs a live client, so a test
that touches an attribute discord.py does not have fails instead of passing silently. Coroutine methods
become ``AsyncMock`` automatically (``unittest.mock`` inspects the spec)."""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from unittest.mock import AsyncMock, MagicMock

import discord

STATE = MagicMock()  # discord.py's ConnectionState is internal; the payload parsers only need a few calls
STATE.self_id = 1


def user_payload(user_id: int, name: str, *, bot: bool = False) -> dict:
    return {"id": str(user_id), "username": name, "discriminator": "0", "avatar": None, "global_name": None, "bot": bot}


def real_message(content: str, *, author_id: int = 30, channel_id: int = 20, bot: bool = False) -> discord.Message:
    author = user_payload(author_id, f"user{author_id}", bot=bot)
    channel = discord.DMChannel(
        me=MagicMock(), state=STATE, data={"id": str(channel_id), "type": 1, "recipients": [author]}
    )
    data = {
        "id": "99",
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "type": 0,
        "attachments": [],
        "embeds": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": False,
        "mention_everyone": False,
        "tts": False,
        "timestamp": "2026-11-29T00:00:00+00:00",
        "edited_timestamp": None,
        "flags": 0,
        "components": [],
    }
    return discord.Message(state=STATE, channel=channel, data=data)


def mock_message(content: str, *, author_id: int = 30, channel_id: int = 20, bot: bool = False) -> MagicMock:
    real = real_message(content, author_id=author_id, channel_id=channel_id, bot=bot)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # spec inspection touches deprecated properties
        message = MagicMock(spec_set=real)
    message.content = content
    message.id = real.id
    message.type = real.type
    message.webhook_id = None
    message.guild = None
    author = MagicMock(spec_set=discord.User)
    author.id, author.bot, author.display_name = author_id, bot, f"user{author_id}"
    message.author = author
    channel = MagicMock(spec_set=discord.DMChannel)
    channel.id = channel_id
    message.channel = channel
    return message


def mock_interaction(
    *, user_id: int = 30, channel_id: int = 20, guild_id: int | None = None, manage_threads: bool = False
) -> MagicMock:
    """A slash-command interaction: response and followup are spec'd from InteractionResponse and Webhook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        interaction = MagicMock(spec_set=discord.Interaction)
        response = MagicMock(spec_set=discord.InteractionResponse)
        followup = MagicMock(spec_set=discord.Webhook)
    response.is_done.return_value = False
    interaction.response = response
    interaction.followup = followup
    user = MagicMock(spec_set=discord.Member if guild_id else discord.User)
    user.id, user.display_name, user.bot = user_id, f"user{user_id}", False
    interaction.user = user
    interaction.id = 1234
    interaction.channel_id = channel_id
    interaction.guild_id = guild_id
    interaction.guild = MagicMock(spec_set=discord.Guild) if guild_id else None
    interaction.permissions = discord.Permissions(manage_threads=manage_threads)
    interaction.command = None
    return interaction


@contextlib.asynccontextmanager
async def cog_with_store(library, tmp_path, turn_cooldown: float = 0.0):
    """A DebateCog over a fresh SQLite log, with ``post`` replaced by a mock (no network)."""
    from bot.discordbot.client import CounterpointBot
    from bot.discordbot.cog import DebateCog
    from bot.service import DebateService
    from bot.settings import Settings
    from bot.storage.sqlite import SQLiteStore
    from bot.web.links import LinkSigner, load_secret

    async with SQLiteStore(tmp_path / "cog.sqlite3") as store:
        settings = Settings(db_path=tmp_path / "cog.sqlite3", topics_dir=Path("."), turn_cooldown=turn_cooldown)
        links = LinkSigner(load_secret(settings), settings.web_url)
        cog = DebateCog(CounterpointBot(settings, DebateService(library, store), links=links))
        cog.post = AsyncMock(return_value=None)
        yield cog
