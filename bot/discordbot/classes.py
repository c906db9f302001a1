"""The class cog: `/class ...` for teachers running class debates, and the Join button for students.

A class is one motion for a group of students: each student who joins gets a private debate thread (or a
DM), or in team mode the class shares one debate. Teachers (Manage Server, or the role set with
`/class setup`) see the class's progress, close it and get the report; students see only their own.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from ..domain.engine import DEFAULT_HINTS
from ..domain.records import ClassRecord
from ..reports import class_report_csv, class_report_html
from . import render
from . import texts as T
from .buttons import SideButton
from .choices import require_teacher, topic_choices
from .errors import UserFacingError, routed
from .host import DEBATE_COG

if TYPE_CHECKING:
    from .host import Debates, Host

log = logging.getLogger(__name__)
POLICIES = {
    "choose": "Students choose",
    "proposition": "All proposition",
    "opposition": "All opposition",
    "alternate": "Alternate",
}


class JoinButton(discord.ui.DynamicItem[discord.ui.Button], template=r"cp:join:(?P<klass>\d+)"):
    """The Join button under a class announcement; works after restarts (the class id is in the custom id)."""

    def __init__(self, class_id: int):
        super().__init__(
            discord.ui.Button(
                label=T.CLASS_JOIN_BUTTON, style=discord.ButtonStyle.success, custom_id=f"cp:join:{class_id}"
            )
        )
        self.class_id = class_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match, /):
        return cls(int(match["klass"]))

    @routed
    async def callback(self, interaction: discord.Interaction) -> None:
        cog: ClassCog = interaction.client.get_cog(ClassCog.__cog_name__)  # type: ignore[assignment]
        klass = await cog.service.get_class(self.class_id)
        await cog.join_class(interaction, klass)


@app_commands.guild_only()  # on the group, so Discord does not offer /class in DMs at all
class ClassCog(commands.GroupCog, group_name="class", group_description=T.CLASS_GROUP):
    def __init__(self, bot: Host):
        self.bot = bot
        self.service = bot.service
        super().__init__()

    async def cog_load(self) -> None:
        self.deadlines.start()

    async def cog_unload(self) -> None:
        self.deadlines.cancel()

    @property
    def debates(self) -> Debates:
        return self.bot.get_cog(DEBATE_COG)  # type: ignore[return-value]

    # ------------------------------------------------------------------ checks
    async def _require_teacher(self, interaction: discord.Interaction) -> None:
        await require_teacher(self.debates, interaction)

    async def _class_here(
        self, interaction: discord.Interaction, class_id: int | None, *, open_only: bool = False
    ) -> ClassRecord:
        """The class named, else the newest (open) class of this server."""
        if class_id is not None:
            klass = await self.service.get_class(class_id)
            if klass.guild_id != str(interaction.guild_id):
                raise UserFacingError(T.CLASS_NOT_HERE)
            return klass
        found = await self.service.classes(guild_id=str(interaction.guild_id), status="open" if open_only else None)
        if not found:
            raise UserFacingError(T.CLASS_NONE)
        return found[0]

    # ------------------------------------------------------------------ commands
    @app_commands.command(name="setup", description=T.CLASS_SETUP)
    @app_commands.describe(teacher_role=T.CLASS_SETUP_ROLE)
    @app_commands.guild_only()
    async def setup(self, interaction: discord.Interaction, teacher_role: discord.Role) -> None:
        if not interaction.permissions.manage_guild:
            raise UserFacingError(T.CLASS_SETUP_ADMIN_ONLY)
        await self.service.set_teacher_role(str(interaction.guild_id), str(teacher_role.id))
        await interaction.response.send_message(T.CLASS_SETUP_DONE.format(role=teacher_role.mention), ephemeral=True)

    @app_commands.command(name="create", description=T.CLASS_CREATE)
    @app_commands.describe(
        name=T.CLASS_NAME,
        topic=T.START_TOPIC,
        side_policy=T.CLASS_POLICY,
        rounds=T.START_ROUNDS,
        deadline_hours=T.CLASS_DEADLINE,
        time_per_turn=T.START_TIME,
        team=T.CLASS_TEAM,
        hints=T.CLASS_HINTS,
    )
    @app_commands.choices(side_policy=[app_commands.Choice(name=v, value=k) for k, v in POLICIES.items()])
    @app_commands.guild_only()
    async def create(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 80],
        topic: str | None = None,
        side_policy: str = "choose",
        rounds: app_commands.Range[int, 1, 10] | None = None,
        deadline_hours: app_commands.Range[int, 1, 720] | None = None,
        time_per_turn: app_commands.Range[int, 1, 1440] | None = None,
        team: bool = False,
        hints: app_commands.Range[int, 0, 10] | None = None,
    ) -> None:
        await self._require_teacher(interaction)
        deadline = None
        if deadline_hours:
            deadline = (datetime.now(UTC) + timedelta(hours=deadline_hours)).isoformat(timespec="milliseconds")
        klass = await self.service.create_class(
            guild_id=str(interaction.guild_id),
            channel_id=str(interaction.channel_id),
            name=name,
            topic_id=topic or None,
            teacher_id=str(interaction.user.id),
            side_policy=side_policy,
            rounds=rounds,
            turn_seconds=time_per_turn * 60 if time_per_turn else None,
            deadline=deadline,
            team=team,
            hints=hints,
        )
        motion = (await self.service.class_topic(klass)).motion
        embed = discord.Embed(
            title=klass.name,
            description=T.CLASS_ANNOUNCE.format(
                motion=motion,
                policy=POLICIES[klass.side_policy],
                mode=T.CLASS_MODE_TEAM if klass.team else T.CLASS_MODE_SOLO,
                code=klass.join_code,
                deadline=f"<t:{int(datetime.fromisoformat(deadline).timestamp())}:f>" if deadline else "none",
                hints=T.CLASS_HINTS_OFF if klass.hints == 0 else T.CLASS_HINTS_N.format(n=klass.hints or DEFAULT_HINTS),
            ),
            colour=render.COLOUR,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(JoinButton(klass.id))
        await interaction.response.send_message(embed=embed, view=view)

    @create.autocomplete("topic")
    async def create_topic_autocomplete(self, interaction: discord.Interaction, current: str):
        return await topic_choices(self.service, interaction, current)

    @app_commands.command(name="join", description=T.CLASS_JOIN)
    @app_commands.describe(code=T.CLASS_CODE)
    @app_commands.guild_only()
    async def join(self, interaction: discord.Interaction, code: app_commands.Range[str, 4, 12]) -> None:
        klass = await self.service.class_by_code(code)
        if klass.guild_id != str(interaction.guild_id):
            raise UserFacingError(T.CLASS_NOT_HERE)
        await self.join_class(interaction, klass)

    async def join_class(self, interaction: discord.Interaction, klass: ClassRecord) -> None:
        if not klass.open:
            raise UserFacingError(T.CLASS_CLOSED.format(name=klass.name))
        if klass.student_chooses:  # side buttons carrying the class id
            topic = await self.service.class_topic(klass)
            view = discord.ui.View(timeout=None)
            uid = interaction.user.id
            for s in topic.sides:
                view.add_item(SideButton(uid, s.id, topic.id, klass.rounds, True, None, s.name, klass.id))
            view.add_item(SideButton(uid, "random", topic.id, klass.rounds, True, None, T.RANDOM_SIDE, klass.id))
            await interaction.response.send_message(
                T.CHOOSE_SIDE.format(motion=topic.motion), view=view, ephemeral=True
            )
            return
        await interaction.response.defer(thinking=True, ephemeral=True)

        async def open_debate(side: str):
            return await self.debates.open_debate(
                interaction, klass.topic_id, side, klass.rounds, True, None, klass=klass
            )

        user = interaction.user
        joined = await self.service.join_class(klass, str(user.id), user.display_name, open_debate)
        if joined.kind != "joined" or joined.debate is None:
            return  # opened (open_debate answered the student), or declined with its own answer
        debate = joined.debate
        thread = self.bot.get_channel(int(debate.thread_id or 0))
        if isinstance(thread, discord.Thread):
            try:
                await thread.add_user(user)
            except discord.HTTPException as exc:
                log.warning("could not add %s to team thread %s: %s", user.id, thread.id, exc)
        await interaction.followup.send(
            T.CLASS_TEAM_JOINED.format(where=await self.debates.where(debate)), ephemeral=True
        )

    @app_commands.command(name="status", description=T.CLASS_STATUS)
    @app_commands.describe(class_id=T.CLASS_ID)
    @app_commands.guild_only()
    async def status(self, interaction: discord.Interaction, class_id: int | None = None) -> None:
        await self._require_teacher(interaction)
        klass = await self._class_here(interaction, class_id)
        rows = await self.service.class_status(klass.id)
        lines = [f"**{r.names}** · {r.debate.user_side} · {r.turns} turns · {render.clip(r.state, 90)}" for r in rows]
        debates = [r.debate for r in rows]
        active = sum(d.active for d in debates)
        embed = discord.Embed(
            title=T.CLASS_STATUS_TITLE.format(name=klass.name, id=klass.id),
            description=render.clip("\n".join(lines) or T.CLASS_NOBODY, render.EMBED_DESCRIPTION_LIMIT),
            colour=render.COLOUR,
        )
        embed.add_field(name="Joined", value=str(len(debates)))
        embed.add_field(name="In progress", value=str(active))
        embed.add_field(name="Finished", value=str(len(debates) - active))
        embed.set_footer(text=f"Join code {klass.join_code} · {'open' if klass.open else 'closed'}")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="close", description=T.CLASS_CLOSE)
    @app_commands.describe(class_id=T.CLASS_ID)
    @app_commands.guild_only()
    async def close(self, interaction: discord.Interaction, class_id: int | None = None) -> None:
        await self._require_teacher(interaction)
        klass = await self._class_here(interaction, class_id, open_only=True)
        await interaction.response.defer(thinking=True, ephemeral=True)
        ended = await self.close_class(klass)
        await interaction.followup.send(T.CLASS_CLOSED_DONE.format(name=klass.name, n=ended), ephemeral=True)

    async def close_class(self, klass: ClassRecord) -> int:
        outcomes = await self.service.close_class(klass.id)
        for outcome in outcomes:
            await self.debates.deliver(outcome)
        return len(outcomes)

    @app_commands.command(name="report", description=T.CLASS_REPORT)
    @app_commands.describe(class_id=T.CLASS_ID)
    @app_commands.guild_only()
    async def report(self, interaction: discord.Interaction, class_id: int | None = None) -> None:
        await self._require_teacher(interaction)
        klass = await self._class_here(interaction, class_id)
        await interaction.response.defer(thinking=True, ephemeral=True)
        report = await self.service.class_report(klass.id)
        ttl = self.bot.settings.link_ttl

        def link(debate_id: int) -> str:
            return self.bot.links.url(f"debate:{debate_id}", ttl)

        files = [
            discord.File(io.BytesIO(class_report_csv(report).encode("utf-8")), filename=f"class-{klass.id}.csv"),
            discord.File(
                io.BytesIO(class_report_html(report, link).encode("utf-8")), filename=f"class-{klass.id}.html"
            ),
        ]
        used = [t for _c, t, _s, n in report.claim_usage if n][:5]
        missed = [f"{t} ({n})" for _c, t, n in report.most_missed[:5]]
        embed = discord.Embed(
            title=T.CLASS_REPORT_TITLE.format(name=klass.name),
            description=T.CLASS_REPORT_SUMMARY.format(
                joined=report.joined, finished=report.finished, url=self.bot.links.url(f"class:{klass.id}", ttl)
            ),
            colour=render.COLOUR,
        )
        embed.add_field(name="Most used", value=render.clip("\n".join(used) or "—", 1024), inline=False)
        embed.add_field(name="Most missed", value=render.clip("\n".join(missed) or "—", 1024), inline=False)
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    # ------------------------------------------------------------------ deadlines
    @tasks.loop(seconds=60)
    async def deadlines(self) -> None:
        """Close classes whose deadline has passed (checked every minute, so it survives restarts)."""
        now = datetime.now(UTC).isoformat()
        try:
            for klass in await self.service.classes(status="open"):
                if klass.deadline and klass.deadline <= now and self.bot.owns(klass.guild_id):
                    log.info("class %s reached its deadline; closing", klass.id)
                    await self.close_class(klass)
        except Exception as exc:
            self.bot.errors.unexpected("class deadlines", exc)
