"""The topic cog: `/topic ...` for teachers who bring their own motions.

A teacher uploads a YAML topic file; it is validated exactly as `counterpoint validate` does, checked for
what the bot will recognise (bot.domain.recognition), and stored in the log as the next version of its id,
scoped to this server. Parsing and the index build run in worker threads (the service's), so a big file
never holds up the gateway. Same teacher rule as /class: Manage Server, or the role set with /class setup.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..domain.errors import TopicError
from ..topic_files import MAX_TOPIC_BYTES
from . import render
from . import texts as T
from .choices import guild_of, require_teacher, uploaded_choices
from .errors import UserFacingError
from .host import DEBATE_COG

if TYPE_CHECKING:
    from .host import Debates, Host

log = logging.getLogger(__name__)
PROBLEMS_INLINE = 1500  # characters of problems listed in the reply; a longer list comes as a file
PROBLEMS_LISTED = 10  # problems listed in the reply; more come as a file (the first five shown)


def problem_lines(error: TopicError) -> list[str]:
    """Each problem as ``path: problem`` (the file's name is the upload's own, so it is left out)."""
    return [f"{p.path}: {p.message}" if p.path else p.message for p in error.problems]


@app_commands.guild_only()
class TopicCog(commands.GroupCog, group_name="topic", group_description=T.TOPIC_GROUP):
    def __init__(self, bot: Host):
        self.bot = bot
        self.service = bot.service
        super().__init__()

    @property
    def debates(self) -> Debates:
        return self.bot.get_cog(DEBATE_COG)  # type: ignore[return-value]

    async def _require_teacher(self, interaction: discord.Interaction) -> str:
        return await require_teacher(self.debates, interaction)

    # ------------------------------------------------------------------ upload
    @app_commands.command(name="upload", description=T.TOPIC_UPLOAD)
    @app_commands.describe(file=T.TOPIC_UPLOAD_FILE)
    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id = await self._require_teacher(interaction)
        name = render.clip(file.filename, 100)
        if not file.filename.lower().endswith((".yaml", ".yml")):
            raise UserFacingError(T.TOPIC_NOT_YAML.format(name=name))
        if file.size > MAX_TOPIC_BYTES:
            raise UserFacingError(T.TOPIC_TOO_BIG.format(size=file.size, limit=MAX_TOPIC_BYTES))
        await interaction.response.defer(thinking=True, ephemeral=True)
        raw = await file.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UserFacingError(T.TOPIC_NOT_TEXT) from None
        try:
            done = await self.service.upload_topic(guild_id, text, file.filename, str(interaction.user.id))
        except TopicError as exc:
            await self._send_problems(interaction, name, problem_lines(exc))
            return
        version, report = done.version, done.report
        if done.new:
            head = T.TOPIC_UPLOADED.format(id=version.topic_id, version=version.version, motion=version.motion)
        else:
            head = T.TOPIC_UNCHANGED.format(id=version.topic_id, version=version.version)
        embed = discord.Embed(
            title=render.clip(version.motion, 256),
            description=f"{head}\n{T.TOPIC_UPLOADED_USE}",
            colour=render.COLOUR,
        )
        summary = report.summary[0].upper() + report.summary[1:] + "."
        detail = "\n".join(f"- {line}" for line in report.findings())
        embed.add_field(
            name=T.TOPIC_CHECK, value=render.clip(f"**{summary}**\n{detail}\n{T.TOPIC_CHECK_FILE}", 1024), inline=False
        )
        report_file = discord.File(
            io.BytesIO("\n".join(report.lines()).encode("utf-8")), filename=f"check-{version.topic_id}.txt"
        )
        await interaction.followup.send(embed=embed, file=report_file, ephemeral=True)

    async def _send_problems(self, interaction: discord.Interaction, name: str, lines: list[str]) -> None:
        n = len(lines)
        listed = "\n".join(f"- `{render.clip(line, 300)}`" for line in lines)
        if n <= PROBLEMS_LISTED and len(listed) <= PROBLEMS_INLINE:
            text = T.TOPIC_PROBLEMS.format(name=name, n=n, s="" if n == 1 else "s", problems=listed)
            await interaction.followup.send(text, ephemeral=True)
            return
        first = "\n".join(f"- `{render.clip(line, 200)}`" for line in lines[:5])
        attached = discord.File(io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")), filename="problems.txt")
        text = T.TOPIC_PROBLEMS_FILE.format(name=name, n=n, first=first)
        await interaction.followup.send(text, file=attached, ephemeral=True)

    # ------------------------------------------------------------------ list, download, remove
    @app_commands.command(name="list", description=T.TOPIC_LIST)
    async def list_topics(self, interaction: discord.Interaction) -> None:
        guild_id = await self._require_teacher(interaction)
        found = await self.service.uploaded_topics(guild_id)
        if not found:
            await interaction.response.send_message(T.TOPIC_NONE, ephemeral=True)
            return
        rows = [
            T.TOPIC_LIST_ROW.format(
                id=v.topic_id,
                version=v.version,
                claims=v.claims,
                when=v.uploaded_at[:10],
                by=v.uploaded_by,
                motion=render.clip(v.motion, 200),
            )
            for v in found
        ]
        embed = discord.Embed(
            title=T.TOPIC_LIST_TITLE,
            description=render.clip("\n\n".join(rows), render.EMBED_DESCRIPTION_LIMIT),
            colour=render.COLOUR,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="download", description=T.TOPIC_DOWNLOAD)
    @app_commands.describe(topic=T.TOPIC_ID, version=T.TOPIC_VERSION)
    async def download(
        self, interaction: discord.Interaction, topic: str, version: app_commands.Range[int, 1] | None = None
    ) -> None:
        guild_id = await self._require_teacher(interaction)
        found = await self.service.topic_file(guild_id, topic, version)
        file = discord.File(io.BytesIO(found.body.encode("utf-8")), filename=f"{found.topic_id}.yaml")
        await interaction.response.send_message(f"`{found.topic_id}`, {found.label}.", file=file, ephemeral=True)

    @app_commands.command(name="remove", description=T.TOPIC_REMOVE)
    @app_commands.describe(topic=T.TOPIC_ID)
    async def remove(self, interaction: discord.Interaction, topic: str) -> None:
        guild_id = await self._require_teacher(interaction)
        await self.service.remove_topic(guild_id, topic)
        await interaction.response.send_message(T.TOPIC_REMOVED.format(id=topic), ephemeral=True)

    @download.autocomplete("topic")
    @remove.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str):
        return await uploaded_choices(self.service, interaction, current)


__all__ = ["TopicCog", "guild_of", "problem_lines"]
