"""What the cogs, the buttons and delivery need of the running bot and of each other, named as protocols so that
none of them imports the client or another cog: ``client.py`` builds the cogs and hands itself in as a
:class:`Host`; the buttons and the class cog reach the debate cog by name (``DEBATE_COG``) as a
:class:`Debates`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import discord
    from discord.ext import commands

    from ..domain.records import ClassRecord, DebateRecord
    from ..service import DebateService, Outcome
    from ..settings import Settings
    from ..web.links import LinkSigner
    from .errors import ErrorHandler

DEBATE_COG = "DebateCog"  # the debate cog's name (DebateCog passes it as name=)


class Host(Protocol):
    """The bot as a cog sees it (CounterpointBot is one): the app's parts and the Discord lookups used."""

    settings: Settings
    service: DebateService
    errors: ErrorHandler
    links: LinkSigner

    def owns(self, guild_id: str | int | None) -> bool: ...

    def get_cog(self, name: str, /) -> commands.Cog | None: ...

    def get_channel(self, id: int, /) -> Any: ...

    async def fetch_channel(self, channel_id: int, /) -> Any: ...

    def get_user(self, id: int, /) -> discord.User | None: ...

    async def fetch_user(self, user_id: int, /) -> discord.User: ...

    def get_partial_messageable(self, id: int, **kwargs: Any) -> discord.PartialMessageable: ...


class Debates(Protocol):
    """The debate cog as the buttons and the class cog use it."""

    service: DebateService

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
    ) -> DebateRecord | None: ...

    async def where(self, debate: DebateRecord) -> str: ...

    async def is_teacher(self, interaction: discord.Interaction) -> bool: ...

    async def deliver(self, outcome: Outcome) -> None: ...
