"""What the cogs share: the teacher rule, and the autocomplete of the topics a command may name here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from . import render
from . import texts as T
from .errors import UserFacingError

if TYPE_CHECKING:
    from ..service import DebateService
    from .host import Debates


def guild_of(interaction: discord.Interaction) -> str | None:
    """The server's id as the service knows it (None in a DM)."""
    return str(interaction.guild_id) if interaction.guild_id else None


async def require_teacher(debates: Debates, interaction: discord.Interaction) -> str:
    """The server's id, when the user is a teacher there (Manage Server, or the role set with /class setup);
    else a UserFacingError (the rule of /class and /topic)."""
    if interaction.guild_id is None:
        raise UserFacingError(T.CLASS_GUILD_ONLY)
    if not await debates.is_teacher(interaction):
        raise UserFacingError(T.CLASS_TEACHERS_ONLY)
    return str(interaction.guild_id)


async def topic_choices(
    service: DebateService, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """A topic option: the shipped topics and the ones uploaded in this server (none from other servers)."""
    current = current.lower()
    choices = []
    for topic in await service.topic_choices(guild_of(interaction)):
        if current in topic.id or current in topic.motion.lower():
            choices.append(app_commands.Choice(name=render.clip(topic.motion, 100), value=topic.id))
    return choices[:25]


async def uploaded_choices(
    service: DebateService, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """A topic option of /topic: only this server's uploads."""
    current = current.lower()
    return [
        app_commands.Choice(name=render.clip(f"{v.topic_id}: {v.motion}", 100), value=v.topic_id)
        for v in await service.uploaded_topics(guild_of(interaction))
        if current in v.topic_id or current in v.motion.lower()
    ][:25]
