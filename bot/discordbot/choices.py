"""Autocomplete shared by the cogs: the topics a command may name in this server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from . import render

if TYPE_CHECKING:
    from ..service import DebateService


def guild_of(interaction: discord.Interaction) -> str | None:
    """The server's id as the service knows it (None in a DM)."""
    return str(interaction.guild_id) if interaction.guild_id else None


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
