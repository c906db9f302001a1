"""The harness of the Discord end-to-end tests: the bot run against the fake Discord, and small helpers.

Fixtures (in conftest.py): ``server`` (a started FakeDiscord; asserts no unknown endpoint was called),
``db`` (the database file) and ``run`` (starts a bot process; call it again after stopping one to restart).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.discordbot.client import CounterpointBot, configure_endpoints
from bot.service import DebateService
from bot.settings import Settings
from bot.storage.sqlite import SQLiteStore
from bot.topic_files import TopicLibrary
from bot.web.links import LinkSigner, load_secret
from tests.discord_fake import FAST_CLIENT_OPTIONS, FakeDiscord, stop_client, wait_until_ready

TIMEOUT = 8.0
TOPIC = "school-uniforms"
MESSAGES = r"/channels/\d+/messages"


class BotProcess:
    """One run of the bot: its own store connection on a shared database file (a restart makes a new one)."""

    def __init__(self, server: FakeDiscord, library: TopicLibrary, db: Path, **settings):
        self.server = server
        self.library = library
        self.settings = Settings(
            web_secret="test-secret-for-signed-links",
            db_path=db,
            topics_dir=Path("."),
            discord_token=server.token,
            discord_api_base=server.api_base,
            discord_gateway_url=server.gateway_url,
            **{"turn_cooldown": 0.0, **settings},
        )
        self.store = SQLiteStore(db)
        self.bot: CounterpointBot | None = None
        self.task: asyncio.Task | None = None
        self.handled: list[int] = []  # ids of the messages the cog finished handling, in order
        self._handled = asyncio.Condition()

    async def start(self) -> CounterpointBot:
        await self.store.open()
        configure_endpoints(self.settings)
        service = DebateService(self.library, self.store)
        links = LinkSigner(load_secret(self.settings), self.settings.web_url)
        self.bot = CounterpointBot(self.settings, service, links=links, **FAST_CLIENT_OPTIONS)
        self.task = asyncio.create_task(self.bot.start(self.server.token))
        await wait_until_ready(self.bot, self.task, TIMEOUT)
        self._record_handled()
        return self.bot

    def _record_handled(self) -> None:
        """Note each message the debate cog has finished with (its replies sent, its turn stored), so a test
        waits for that event instead of sleeping and hoping the bot was done."""
        cog = self.cog
        inner = cog._on_message

        async def recording(message):
            try:
                await inner(message)
            finally:
                self.handled.append(message.id)
                async with self._handled:
                    self._handled.notify_all()

        cog._on_message = recording

    async def until_handled(self, message_id: int, times: int = 1) -> None:
        """Wait until the cog has handled the message ``times`` times (a replay counts again)."""
        async with asyncio.timeout(TIMEOUT), self._handled:
            await self._handled.wait_for(lambda: self.handled.count(int(message_id)) >= times)

    async def stop(self) -> None:
        if self.bot is not None and self.task is not None:
            error = await stop_client(self.bot, self.task, TIMEOUT)
            assert error is None, f"bot task failed: {error!r}"
        await self.store.close()

    @property
    def cog(self):
        return self.bot.get_cog("DebateCog")


async def start_debate(server: FakeDiscord, user: str = "alice", **options) -> tuple[int, int]:
    """/debate start in the default channel; returns (thread id, interaction id) once the opening is posted."""
    options = {"topic": TOPIC, "side": "con", **options}
    uid = server.user_id(user)
    iid, _ = await server.send_interaction("debate start", options, user_id=uid)
    opening = await server.wait_for_message(
        lambda m: any(e.get("title") == "My opening" for e in m.embeds), timeout=TIMEOUT
    )
    return opening.channel_id, iid


async def answer_of(server: FakeDiscord, iid: int, predicate):
    """The message answering an interaction (a deferred answer is the original message, edited later)."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            interaction = server.interaction(iid)
            ids = [interaction.original_message_id, *interaction.followup_ids]
            for mid in filter(None, ids):
                message = server.get_message(mid)
                if predicate(message):
                    return message
            await asyncio.sleep(0.02)


async def turn(server: FakeDiscord, channel: int, user: str, text: str):
    """A user message in the debate; returns the bot's first reply to it."""
    await server.send_message(channel, server.user_id(user), text)
    return await server.wait_for_message(channel_id=channel, timeout=TIMEOUT)


async def debate_turns(db: Path, debate_id: int | None = None):
    async with SQLiteStore(db) as store:
        debates = await store.list_debates(limit=None)
        debate = debates[0] if debate_id is None else await store.get_debate(debate_id)
        return debate, await store.turns(debate.id)
