"""The debate cog: `/debate ...` slash commands and turns from thread and DM messages.

Thin by design: every decision about the debate is the service's (and the engine's); this module finds
the debate a Discord event belongs to, checks who may do what, and shows the results.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..domain.access import Viewer
from ..domain.errors import DebateFinished, DebateNotFound, DuplicateMessage, NotParticipant, StorageUnavailable
from ..domain.records import ClassRecord, DebateRecord
from ..keyed import KeyedLocks
from ..service import Outcome
from . import render
from . import texts as T
from .buttons import SideButton
from .choices import guild_of as _guild
from .choices import topic_choices
from .delivery import Delivery
from .errors import UserFacingError
from .host import DEBATE_COG
from .timers import TurnTimers

if TYPE_CHECKING:
    from .host import Host

log = logging.getLogger(__name__)
PLATFORM = "discord"
SEND_ATTEMPTS = 3
HINT_DELETE_AFTER = 30.0
TRANSCRIPT_FORMATS = {"md": "Markdown", "html": "HTML"}


def viewer_of(interaction: discord.Interaction) -> Viewer:
    """The person using a command, as the access rule sees them: their permissions and roles in this server."""
    perms = interaction.permissions
    roles = getattr(interaction.user, "roles", None) or []
    return Viewer(
        user_id=str(interaction.user.id),
        guild_id=str(interaction.guild_id) if interaction.guild_id else None,
        moderator=bool(interaction.guild_id and perms.manage_threads),
        manages_guild=bool(interaction.guild_id and perms.manage_guild),
        role_ids=frozenset(str(r.id) for r in roles),
    )


def _dm_link(dm_id: int, first: discord.Message | None) -> str:
    """A link to a debate's first message in a DM (to the DM itself if that message is unknown)."""
    link = f"https://discord.com/channels/@me/{dm_id}"  # not first.jump_url: it names the guild of a class's DM
    return f"{link}/{first.id}" if first is not None else link


class DebateCog(commands.GroupCog, name=DEBATE_COG, group_name="debate", group_description=T.GROUP):
    def __init__(self, bot: Host):
        self.bot = bot
        self.service = bot.service
        self.threads: dict[int, int] = {}  # thread or DM channel id -> active debate id
        self.timers = TurnTimers(lambda debate, **kw: self.post(debate, **kw), self.forfeit, bot.errors)
        self.delivery = Delivery(bot, self.service, on_gone=self._thread_gone)
        self._start_locks = KeyedLocks()  # one per user: two quick /debate start must not open two debates
        self._last_turn: dict[int, float] = {}  # user id -> monotonic time of the last accepted turn
        self._flood_noticed: set[int] = set()  # users told about the cooldown in the current flood
        self._dm_hinted: set[int] = set()
        self._hinted: set[tuple[int, int]] = set()  # (debate id, user id) told they are not the debater
        super().__init__()

    async def cog_unload(self) -> None:
        self.timers.cancel_all()

    # ------------------------------------------------------------------ restart
    async def restore(self) -> int:
        """Re-attach every unfinished Discord debate and re-arm its timer. Safe to call again."""
        active = await self.service.unfinished(PLATFORM)
        active = [d for d in active if self.bot.owns(d.guild_id)]  # other processes serve other shards
        for debate in active:
            if debate.thread_id:
                self.threads[int(debate.thread_id)] = debate.id
                self.timers.arm(debate)
        log.info("restored %d unfinished debate(s)", len(active))
        return len(active)

    # ------------------------------------------------------------------ autocomplete
    async def topic_autocomplete(self, interaction: discord.Interaction, current: str):
        return await topic_choices(self.service, interaction, current)

    async def side_autocomplete(self, interaction: discord.Interaction, current: str):
        topic_id = getattr(interaction.namespace, "topic", None)
        try:
            topic = await self.service.find_topic(topic_id or None, _guild(interaction))
        except Exception:
            return []
        options = [(s.id, s.name) for s in topic.sides] + [("random", T.RANDOM_SIDE)]
        current = current.lower()
        return [
            app_commands.Choice(name=render.clip(name, 100), value=sid)
            for sid, name in options
            if current in sid or current in name.lower()
        ][:25]

    # ------------------------------------------------------------------ /debate start
    @app_commands.command(name="start", description=T.START)
    @app_commands.describe(
        topic=T.START_TOPIC, side=T.START_SIDE, rounds=T.START_ROUNDS, private=T.START_PRIVATE, minutes=T.START_TIME
    )
    @app_commands.autocomplete(topic=topic_autocomplete, side=side_autocomplete)
    async def start(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        side: str | None = None,
        rounds: app_commands.Range[int, 1, 10] | None = None,
        private: bool = False,
        minutes: app_commands.Range[int, 1, 1440] | None = None,
    ) -> None:
        chosen = await self.service.check_options(
            topic or None, side or None, rounds, minutes * 60 if minutes else None, guild_id=_guild(interaction)
        )
        existing = await self._existing(interaction)
        if existing is not None:
            raise UserFacingError(T.ALREADY_RUNNING.format(where=await self.where(existing)))
        if not side:
            view = discord.ui.View(timeout=None)
            for s in chosen.sides:
                view.add_item(SideButton(interaction.user.id, s.id, chosen.id, rounds, private, minutes, s.name))
            view.add_item(SideButton(interaction.user.id, "random", chosen.id, rounds, private, minutes, T.RANDOM_SIDE))
            await interaction.response.send_message(
                T.CHOOSE_SIDE.format(motion=chosen.motion), view=view, ephemeral=interaction.guild is not None
            )
            return
        await interaction.response.defer(thinking=True, ephemeral=interaction.guild is not None)
        await self.open_debate(interaction, chosen.id, side, rounds, private, minutes)

    async def open_debate(
        self,
        interaction: discord.Interaction,
        topic_id: str,
        side: str,
        rounds: int | None,
        private: bool,
        minutes: int | None,
        *,
        klass: ClassRecord | None = None,
    ) -> DebateRecord | None:
        """Create the thread (or use the DM), start the debate, post the rules and the opening.

        For a class debate the thread is a private one in the class's channel (a DM when threads are not
        allowed there), and the debate is counted in the class."""
        user = interaction.user
        lock = self._start_locks[user.id]
        seconds = (klass.turn_seconds if klass else None) or (minutes * 60 if minutes else None)
        async with lock:  # two quick starts by one user must not open two debates
            existing = await self._existing(interaction, klass)
            if existing is not None:
                await interaction.followup.send(
                    T.ALREADY_RUNNING.format(where=await self.where(existing)), ephemeral=True
                )
                return None
            guild_id = klass.guild_id if klass else _guild(interaction)
            topic = await self.service.check_options(topic_id, side, rounds, seconds, guild_id=guild_id)
            note = ""
            in_dm = False  # a class debate moved to the student's DM
            channel = interaction.channel
            if klass is not None:
                channel = self.bot.get_channel(int(klass.channel_id))
                if not isinstance(channel, discord.TextChannel):
                    channel = await self.bot.fetch_channel(int(klass.channel_id))
                try:
                    thread, note = await self._create_thread(
                        channel, user, render.clip(f"{klass.name}: {user.display_name}", 100), True
                    )
                    thread_id, channel_id = thread.id, channel.id
                except UserFacingError:  # no threads allowed there: the debate runs in a DM
                    dm = await user.create_dm()
                    thread_id, channel_id, in_dm = dm.id, int(klass.channel_id), True
            elif interaction.guild is None:
                channel_id = thread_id = interaction.channel_id
            elif isinstance(channel, discord.Thread):
                thread_id, channel_id = channel.id, channel.parent_id
            elif isinstance(channel, discord.TextChannel):
                thread, note = await self._create_thread(
                    channel, user, render.thread_name(topic, user.display_name), private
                )
                thread_id, channel_id = thread.id, channel.id
            else:
                raise UserFacingError(T.WRONG_CHANNEL)
            outcome = await self.service.start(
                topic.id,
                side,
                rounds=rounds,
                user_id=str(user.id),
                user_name=user.display_name,
                platform=PLATFORM,
                guild_id=str(interaction.guild_id) if interaction.guild_id else None,
                channel_id=str(channel_id),
                thread_id=str(thread_id),
                turn_seconds=seconds,
                class_id=klass.id if klass else None,
                hints=klass.hints if klass else None,
            )
        debate = outcome.debate
        self.threads[int(thread_id)] = debate.id
        embeds = [render.rules_embed(topic, debate), *render.text_embeds(T.OPENING_TITLE, outcome.reply.text)]
        first = await self.post(debate, embeds=embeds)
        self.timers.arm(debate)
        if interaction.guild is None:
            await interaction.followup.send(T.STARTED_DM, ephemeral=False)
        else:
            where = render.where(debate, _dm_link(thread_id, first)) if in_dm else render.where(debate)
            await interaction.followup.send(
                T.STARTED.format(where=where) + (f"\n{note}" if note else ""), ephemeral=True
            )
        return debate

    async def where(self, debate: DebateRecord) -> str:
        """Where a debate runs, for messages sent elsewhere: its thread, or for a server's (class) debate run
        in a DM, words and a link to its first message there."""
        if debate.guild_id is None or not debate.thread_id:
            return render.where(debate)
        channel = self.bot.get_channel(int(debate.thread_id))
        if channel is None and debate.class_id is not None:  # a DM is not cached after a restart
            try:
                channel = await self.bot.fetch_channel(int(debate.thread_id))
            except discord.HTTPException:
                channel = None
        if not isinstance(channel, discord.DMChannel):
            return render.where(debate)
        first = None
        since = datetime.fromisoformat(debate.created_at) - timedelta(seconds=5)  # allow for clock skew
        try:
            async for message in channel.history(limit=1, after=since, oldest_first=True):
                first = message
        except discord.HTTPException as exc:
            log.warning("could not read DM %s for debate %s: %s", channel.id, debate.id, exc)
        return render.where(debate, _dm_link(channel.id, first))

    async def _create_thread(
        self, channel: discord.TextChannel, user: discord.abc.User, name: str, private: bool
    ) -> tuple[discord.Thread, str]:
        me = channel.guild.me
        perms = channel.permissions_for(me)
        note = ""
        if not perms.send_messages_in_threads or not (perms.create_public_threads or perms.create_private_threads):
            raise UserFacingError(T.NO_THREADS)
        kind = discord.ChannelType.private_thread
        if private and not perms.create_private_threads:
            private, note = False, T.PRIVATE_FALLBACK
        if not private:
            kind = discord.ChannelType.public_thread
            if not perms.create_public_threads:
                raise UserFacingError(T.NO_THREADS)
        try:
            thread = await channel.create_thread(
                name=name, type=kind, auto_archive_duration=1440, invitable=False if private else None
            )
        except discord.Forbidden:
            raise UserFacingError(T.NO_THREADS) from None
        except discord.HTTPException as exc:
            if not private:
                raise
            log.info("private thread refused in %s (%s); opening a public one", channel.id, exc)
            thread = await channel.create_thread(
                name=name, type=discord.ChannelType.public_thread, auto_archive_duration=1440
            )
            note = T.PRIVATE_FALLBACK
        try:
            await thread.add_user(user)
        except discord.HTTPException as exc:
            log.warning("could not add %s to thread %s: %s", user.id, thread.id, exc)
        return thread, note

    async def _existing(
        self, interaction: discord.Interaction, klass: ClassRecord | None = None
    ) -> DebateRecord | None:
        """The user's active debate in this channel (the thread's parent counts as the channel), or in the class."""
        if klass is not None:
            return await self.service.running_debate(str(interaction.user.id), class_id=klass.id)
        channel = interaction.channel
        channel_id = channel.parent_id if isinstance(channel, discord.Thread) else interaction.channel_id
        return await self.service.running_debate(
            str(interaction.user.id), platform=PLATFORM, channel_id=str(channel_id)
        )

    # ------------------------------------------------------------------ other commands
    @app_commands.command(name="status", description=T.STATUS)
    async def status(self, interaction: discord.Interaction) -> None:
        debate = await self._debate_for(interaction, must_be_active=True)
        topic = await self.service.topic_of(debate)
        embed = render.status_embed(topic, debate, await self.service.status(debate), await self.where(debate))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="hint", description=T.HINT)
    async def hint(self, interaction: discord.Interaction) -> None:
        debate = await self._debate_for(interaction, must_be_active=True)
        outcome = await self.service.command(
            debate.id, "hint", author=interaction.user.display_name, author_id=str(interaction.user.id)
        )
        await interaction.response.send_message(outcome.reply.text, ephemeral=True)

    @app_commands.command(name="concede", description=T.CONCEDE)
    async def concede(self, interaction: discord.Interaction) -> None:
        debate = await self._debate_for(interaction, must_be_active=True)
        if str(interaction.user.id) != debate.user_id:
            raise UserFacingError(T.NOT_PARTICIPANT)
        await self._finish(interaction, debate, "concede")

    @app_commands.command(name="end", description=T.END)
    async def end(self, interaction: discord.Interaction) -> None:
        debate = await self._debate_for(interaction, must_be_active=True)
        if str(interaction.user.id) != debate.user_id and not self._is_moderator(interaction, debate):
            raise UserFacingError(T.NOT_PARTICIPANT)
        await self._finish(interaction, debate, "end")

    async def _finish(self, interaction: discord.Interaction, debate: DebateRecord, command: str) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        outcome = await self.service.command(debate.id, command, author=interaction.user.display_name)
        await self.deliver(outcome)
        await interaction.followup.send(outcome.reply.text, ephemeral=True)

    @app_commands.command(name="topics", description=T.TOPICS)
    async def topics(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(title=T.TOPICS_TITLE, colour=render.COLOUR)
        for choice in (await self.service.topic_choices(_guild(interaction)))[:25]:
            where = f"uploaded here, version {choice.version.version}" if choice.version else "built in"
            embed.add_field(
                name=render.clip(choice.motion, 256),
                value=render.clip(f"`{choice.id}` · {choice.claims} arguments · {where}", 1024),
                inline=False,
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="history", description=T.HISTORY)
    async def history(self, interaction: discord.Interaction) -> None:
        debates = await self.service.history(str(interaction.user.id), limit=10)
        if not debates:
            await interaction.response.send_message(T.HISTORY_EMPTY, ephemeral=True)
            return
        lines = []
        for d in debates:
            try:
                motion = (await self.service.topic_of(d)).motion
            except Exception:
                motion = d.topic_id
            lines.append(
                f"**#{d.id}** {render.clip(motion, 60)} · {d.user_side} · {d.status} · {d.turn_count} turns · "
                f"{d.created_at[:10]}" + (f" · <#{d.thread_id}>" if d.platform == PLATFORM and d.thread_id else "")
            )
        embed = discord.Embed(title=T.HISTORY_TITLE, description="\n".join(lines), colour=render.COLOUR)
        url = self.bot.links.url(f"student:-:{interaction.user.id}", self.bot.settings.link_ttl)
        embed.add_field(name=T.HISTORY_LINK, value=url, inline=False)  # only this user's debates
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="transcript", description=T.TRANSCRIPT)
    @app_commands.describe(debate=T.TRANSCRIPT_ID, format=T.TRANSCRIPT_FORMAT)
    @app_commands.choices(format=[app_commands.Choice(name=n, value=v) for v, n in TRANSCRIPT_FORMATS.items()])
    async def transcript(self, interaction: discord.Interaction, debate: int | None = None, format: str = "md") -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        record = await self._readable(interaction, debate)
        record, text = await self.service.transcript(record.id, format)
        file = discord.File(io.BytesIO(text.encode("utf-8")), filename=f"counterpoint-debate-{record.id}.{format}")
        await interaction.followup.send(T.TRANSCRIPT_READY.format(id=record.id), file=file, ephemeral=True)

    @app_commands.command(name="help", description=T.HELP)
    async def help(self, interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Counterpoint", description=T.HELP_TEXT, colour=render.COLOUR)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # ------------------------------------------------------------------ finding debates, permissions
    async def _debate_for(self, interaction: discord.Interaction, *, must_be_active: bool) -> DebateRecord:
        """The debate of the thread the command is used in, else the user's latest (active) debate."""
        here = self.threads.get(interaction.channel_id or 0)
        if here is not None:
            return await self.service.debate(here)
        found = await self.service.latest_debate(str(interaction.user.id), PLATFORM, active=must_be_active)
        if found is None:
            raise UserFacingError(T.NO_DEBATE)
        return found

    async def _readable(self, interaction: discord.Interaction, debate_id: int | None) -> DebateRecord:
        """The debate asked for (else the one here, or the user's latest), if the user may read it."""
        if debate_id is not None:
            record = await self.service.debate(debate_id)
        else:
            record = await self._debate_for(interaction, must_be_active=False)
        if not await self.may_read(interaction, record):
            raise UserFacingError(T.NOT_YOUR_TRANSCRIPT)
        return record

    async def may_read(self, interaction: discord.Interaction, debate: DebateRecord) -> bool:
        """Participants, moderators of the debate's server, and the teachers of its class (bot.domain.access)."""
        return await self.service.may_read(debate, viewer_of(interaction))

    async def is_teacher(self, interaction: discord.Interaction) -> bool:
        """Manage Server, or the teacher role set with /class setup."""
        return await self.service.is_teacher(viewer_of(interaction))

    @app_commands.command(name="link", description=T.LINK)
    @app_commands.describe(debate=T.TRANSCRIPT_ID)
    async def link(self, interaction: discord.Interaction, debate: int | None = None) -> None:
        record = await self._readable(interaction, debate)
        url = self.bot.links.url(f"debate:{record.id}", self.bot.settings.link_ttl)
        days = max(1, self.bot.settings.link_ttl // 86400)
        await interaction.response.send_message(T.LINK_READY.format(id=record.id, url=url, days=days), ephemeral=True)

    @staticmethod
    def _is_moderator(interaction: discord.Interaction, debate: DebateRecord) -> bool:
        viewer = viewer_of(interaction)
        return viewer.moderator and viewer.guild_id is not None and debate.guild_id == viewer.guild_id

    # ------------------------------------------------------------------ turns
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        try:
            await self._on_message(message)
        except Exception as exc:
            self.bot.errors.unexpected(f"message {message.id}", exc)

    async def _on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        debate_id = self.threads.get(message.channel.id)
        if debate_id is None:
            if message.guild is None and message.author.id not in self._dm_hinted:
                self._dm_hinted.add(message.author.id)  # one hint per user and process
                await self._safe_reply(message, T.DM_NO_DEBATE)
            return
        text = message.content
        if not text.strip():
            return  # an attachment or sticker alone is not a turn
        if await self.service.seen_message(str(message.id)):
            return  # a replay after a gateway RESUME: already answered, and not a new turn for the cooldown
        flooded = False

        def admit() -> bool:  # asked by the service once this is a new turn by a debater
            nonlocal flooded
            flooded = not self._cooldown_ok(message.author.id)
            return not flooded

        try:
            async with message.channel.typing():
                outcome = await self.service.say(
                    debate_id,
                    text,
                    author=message.author.display_name,
                    message_id=str(message.id),
                    author_id=str(message.author.id),
                    admit=admit,
                )
        except NotParticipant as exc:
            key = (debate_id, message.author.id)
            if key not in self._hinted:
                self._hinted.add(key)
                hint = T.NOT_A_TURN_HINT.format(name=message.author.display_name, owner=exc.owner)
                await self._safe_reply(message, hint, delete_after=HINT_DELETE_AFTER)
            return
        except DebateFinished:
            self.threads.pop(message.channel.id, None)
            return  # ended meanwhile (or a message racing the end of the debate)
        except DuplicateMessage:
            return  # a replay after a reconnect
        except StorageUnavailable as exc:
            log.error("turn of debate %s not stored: %s", debate_id, exc)
            await self._safe_reply(message, T.STORAGE_DOWN)
            return
        if flooded:
            if message.author.id not in self._flood_noticed:
                self._flood_noticed.add(message.author.id)
                await self._safe_reply(message, T.COOLDOWN.format(seconds=self.bot.settings.turn_cooldown))
            return
        if outcome is not None:
            await self.deliver(outcome)

    def _cooldown_ok(self, user_id: int) -> bool:
        cooldown = self.bot.settings.turn_cooldown
        now = time.monotonic()
        last = self._last_turn.get(user_id)
        if cooldown and last is not None and now - last < cooldown:
            return False
        self._last_turn[user_id] = now
        self._flood_noticed.discard(user_id)
        return True

    async def forfeit(self, debate: DebateRecord) -> None:
        outcome = await self.service.forfeit(debate.id, debate.deadline or "")
        if outcome is not None:
            await self.deliver(outcome)

    # ------------------------------------------------------------------ showing results
    async def deliver(self, outcome: Outcome) -> None:
        """Show a reply (already committed) in the debate's thread; the scorecard when it is over."""
        debate = outcome.debate
        for message in self.delivery.reply_messages(debate, outcome.reply):
            if await self.post(debate, **message) is None:
                break
        if outcome.scorecard is not None or not debate.active:
            self.threads.pop(int(debate.thread_id or 0), None)
            self.timers.cancel(debate.id)
            card = outcome.scorecard or await self.service.scorecard(debate.id)
            await self.post(debate, **await self.delivery.scorecard_message(debate, card))
        else:
            self.timers.arm(debate)

    async def post(self, debate: DebateRecord, **kwargs) -> discord.Message | None:
        """Send to the debate's thread or DM (``Delivery.post``: retries, DM fallback)."""
        return await self.delivery.post(debate, **kwargs)

    async def _thread_gone(self, debate: DebateRecord) -> None:
        if self.threads.pop(int(debate.thread_id or 0), None) is None:
            return
        self.timers.cancel(debate.id)
        try:
            await self.service.command(debate.id, "end", author="counterpoint")
        except DebateNotFound:
            return
        await self.delivery.tell_user(debate, T.THREAD_GONE.format(id=debate.id))

    async def _safe_reply(self, message: discord.Message, text: str, **kwargs) -> None:
        try:
            await message.reply(text, mention_author=False, **kwargs)
        except discord.HTTPException as exc:
            log.info("could not answer message %s: %s", message.id, exc)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        debate_id = self.threads.get(payload.thread_id)
        if debate_id is not None:
            try:
                await self._thread_gone(await self.service.debate(debate_id))
            except Exception as exc:
                self.bot.errors.unexpected(f"thread delete {payload.thread_id}", exc)
