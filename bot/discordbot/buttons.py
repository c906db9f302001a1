"""The persistent buttons of a debate: a side to argue, and "More evidence" under a shortened reply.

Everything a button needs is in its custom id, so it works after a restart; it reaches the debate cog by
name (``DEBATE_COG``, see host.py), not by import, so this module imports neither the cog nor the client.
"""

from __future__ import annotations

import discord

from . import render
from . import texts as T
from .errors import routed
from .host import DEBATE_COG, Debates


class SideButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"cp:side:(?P<user>\d+):(?P<side>[a-z0-9-]+):(?P<topic>[a-z0-9-]+):(?P<rounds>\d*):(?P<private>[01]):"
    r"(?P<minutes>\d*)(?::(?P<klass>\d+))?",
):
    """One side-choice button. Everything it needs is in its custom id, so it survives restarts."""

    def __init__(
        self,
        user_id: int,
        side: str,
        topic: str,
        rounds: int | None,
        private: bool,
        minutes: int | None,
        label: str,
        class_id: int | None = None,
    ):
        custom_id = f"cp:side:{user_id}:{side}:{topic}:{rounds or ''}:{int(private)}:{minutes or ''}"
        if class_id:
            custom_id += f":{class_id}"
        self.class_id = class_id
        style = discord.ButtonStyle.secondary if side == "random" else discord.ButtonStyle.primary
        super().__init__(discord.ui.Button(label=render.clip(label, 80), style=style, custom_id=custom_id))
        self.user_id, self.side, self.topic = user_id, side, topic
        self.rounds, self.private, self.minutes = rounds, private, minutes

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match, /):
        g = match.groupdict()
        return cls(
            int(g["user"]),
            g["side"],
            g["topic"],
            int(g["rounds"]) if g["rounds"] else None,
            g["private"] == "1",
            int(g["minutes"]) if g["minutes"] else None,
            item.label or g["side"],
            int(g["klass"]) if g.get("klass") else None,
        )

    @routed
    async def callback(self, interaction: discord.Interaction) -> None:
        cog: Debates = interaction.client.get_cog(DEBATE_COG)  # type: ignore[assignment]
        if interaction.user.id != self.user_id:
            await interaction.response.send_message(T.NOT_YOUR_BUTTON, ephemeral=True)
            return
        chosen = "random" if self.side == "random" else self.side
        await interaction.response.edit_message(
            content=f"{interaction.message.content}\n→ **{self.item.label}**", view=None
        )
        if self.class_id:
            klass = await cog.service.get_class(self.class_id)
            await cog.open_debate(interaction, klass.topic_id, chosen, klass.rounds, True, None, klass=klass)
            return
        await cog.open_debate(interaction, self.topic, chosen, self.rounds, self.private, self.minutes)


class MoreButton(discord.ui.DynamicItem[discord.ui.Button], template=r"cp:more:(?P<debate>\d+):(?P<turn>\d+)"):
    """ "More evidence": the bot's reply with every line whole, as the transcript keeps it. Its custom id names
    the logged turn, so it works after a restart."""

    def __init__(self, debate_id: int, turn: int):
        super().__init__(
            discord.ui.Button(
                label=T.MORE_EVIDENCE, style=discord.ButtonStyle.secondary, custom_id=f"cp:more:{debate_id}:{turn}"
            )
        )
        self.debate_id, self.turn = debate_id, turn

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match, /):
        return cls(int(match["debate"]), int(match["turn"]))

    @routed
    async def callback(self, interaction: discord.Interaction) -> None:
        cog: Debates = interaction.client.get_cog(DEBATE_COG)  # type: ignore[assignment]
        turn = await cog.service.bot_turn(self.debate_id, self.turn)
        if turn is None:
            await interaction.response.send_message(T.MORE_GONE, ephemeral=True)
            return
        chunks = render.split_message(turn.text)
        await interaction.response.send_message(chunks[0], ephemeral=True)
        for chunk in chunks[1:]:
            await interaction.followup.send(chunk, ephemeral=True)
