"""Showing what the service decided: a reply split to Discord's limits (with "More evidence" when it was
shortened), the scorecard with its argument map, and sending with retries and a DM when a thread fails.

Every turn is committed before anything here runs, so a failed send never loses a turn: the student is
told where they can be, and the transcript keeps the whole reply.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from ..domain.engine import Reply
from ..domain.records import DebateRecord
from ..domain.scorecard import Scorecard
from . import render
from . import texts as T
from .buttons import MoreButton

if TYPE_CHECKING:
    from ..service import DebateService
    from .host import Host

log = logging.getLogger(__name__)
SEND_ATTEMPTS = 3
MAP_FILE = "argument-map.png"


class Delivery:
    def __init__(self, bot: Host, service: DebateService, on_gone: Callable[[DebateRecord], Awaitable[None]]):
        self.bot, self.service, self._on_gone = bot, service, on_gone
        self._drawing = asyncio.Semaphore(1)  # one picture at a time: drawing threads must not starve the replies

    # ------------------------------------------------------------------ what to send
    @staticmethod
    def reply_messages(debate: DebateRecord, reply: Reply) -> list[dict[str, Any]]:
        """The messages of one reply, each within Discord's limit; the last carries "More evidence" when
        the reply was shortened (the button names the bot's turn, the last one logged)."""
        messages: list[dict[str, Any]] = [{"content": chunk} for chunk in render.split_message(reply.text)]
        if reply.shortened:
            view = discord.ui.View(timeout=None)
            view.add_item(MoreButton(debate.id, debate.turn_count))
            messages[-1]["view"] = view
        return messages

    async def scorecard_message(self, debate: DebateRecord, card: Scorecard) -> dict[str, Any]:
        """The scorecard embed, with the argument map as its picture when it can be drawn."""
        embed = render.scorecard_embed(await self.service.topic_of(debate), debate, card)
        png = await self.argument_map(debate.id)
        if png is None:
            return {"embed": embed}
        embed.set_image(url=f"attachment://{MAP_FILE}")
        return {"embed": embed, "file": discord.File(io.BytesIO(png), filename=MAP_FILE)}

    async def argument_map(self, debate_id: int) -> bytes | None:
        """The debate's argument map as PNG (drawn in a worker thread), or None if it cannot be drawn."""
        from ..argmap_png import render_png

        try:
            amap = (await self.service.review(debate_id)).argument_map()
            async with self._drawing:
                return await asyncio.to_thread(render_png, amap)
        except Exception as exc:  # a picture must never stop the scorecard
            self.bot.errors.unexpected(f"argument map of debate {debate_id}", exc)
            return None

    # ------------------------------------------------------------------ sending
    async def post(self, debate: DebateRecord, **kwargs) -> discord.Message | None:
        """Send to the debate's thread or DM. Retries server errors and rate limits; on a missing
        permission or a deleted thread tells the user where it can, and never loses the logged turn."""
        channel = self.bot.get_partial_messageable(
            int(debate.thread_id or 0),
            guild_id=int(debate.guild_id) if debate.guild_id else None,
            type=discord.ChannelType.private if debate.guild_id is None else None,
        )
        for attempt in range(SEND_ATTEMPTS):
            try:
                return await channel.send(**kwargs)
            except discord.NotFound:
                await self._on_gone(debate)
                return None
            except discord.Forbidden as exc:
                log.warning("cannot post in %s for debate %s: %s", debate.thread_id, debate.id, exc)
                await self.tell_user(debate, T.SEND_FAILED_DM)
                return None
            except discord.HTTPException as exc:
                if exc.status < 500 and exc.status != 429:
                    log.warning("message for debate %s refused: %s", debate.id, exc)
                    return None
                log.warning("send failed for debate %s (attempt %d): %s", debate.id, attempt + 1, exc)
                await asyncio.sleep(0.5 * 2**attempt)
        await self.tell_user(debate, T.SEND_FAILED_DM)
        return None

    async def tell_user(self, debate: DebateRecord, text: str) -> None:
        """A DM to the debater about their server debate (nothing for a DM debate: the DM is what failed)."""
        if debate.guild_id is None:
            return
        try:
            user = self.bot.get_user(int(debate.user_id)) or await self.bot.fetch_user(int(debate.user_id))
            await user.send(text)
        except (discord.HTTPException, ValueError) as exc:
            log.info("could not tell user %s about debate %s: %s", debate.user_id, debate.id, exc)
