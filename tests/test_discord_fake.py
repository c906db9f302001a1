"""The fake Discord server driven by the real discord.py client (no network: everything on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.discord_fake import (
    CallbackType,
    FakeDiscord,
    MessageFlags,
    Opcode,
    Permissions,
    stop_client,
    use_fake,
    wait_until_ready,
)

TIMEOUT = 5.0


class RecordingClient(discord.Client):
    """A discord.Client that keeps every event it dispatches (``events["message"]`` etc.)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.events: dict[str, list[Any]] = {}

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        self.events.setdefault(event, []).append(args[0] if len(args) == 1 else args)
        super().dispatch(event, *args, **kwargs)


class Harness:
    """A real discord.Client (+ app command tree) started against the fake."""

    def __init__(self, server: FakeDiscord, *, message_content: bool = True) -> None:
        self.server = server
        intents = discord.Intents.default()
        intents.message_content = message_content
        self.intents = intents
        self.client = RecordingClient(
            intents=intents,
            chunk_guilds_at_startup=False,
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.tree = app_commands.CommandTree(self.client)
        self.task: asyncio.Task[None] | None = None

    def seen(self, name: str) -> list[Any]:
        return self.client.events.get(name, [])

    async def start(self) -> None:
        self.task = asyncio.create_task(self.client.start(self.server.token))
        await wait_until_ready(self.client, self.task, TIMEOUT)

    async def stop(self) -> None:
        if self.task is not None:
            error = await stop_client(self.client, self.task, TIMEOUT)
            assert error is None, f"client task failed: {error!r}"

    async def until(self, condition: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
        """Poll ``condition`` until it returns something truthy."""
        async with asyncio.timeout(timeout):
            while not (result := condition()):
                await asyncio.sleep(0.01)
        return result

    def guild(self) -> discord.Guild:
        guild = self.client.get_guild(self.server.guild_id)
        assert guild is not None
        return guild

    def channel(self) -> discord.TextChannel:
        channel = self.client.get_channel(self.server.channel_id)
        assert isinstance(channel, discord.TextChannel)
        return channel


@pytest.fixture
async def server() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake, use_fake(fake):
        yield fake
        assert not fake.unknown, f"requests to endpoints the fake does not implement: {fake.unknown}"


@pytest.fixture
async def bot(server: FakeDiscord) -> AsyncIterator[Harness]:
    harness = Harness(server)
    try:
        yield harness
    finally:
        await harness.stop()


async def test_use_fake_restores_discord_urls() -> None:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord() as fake:
        with use_fake(fake):
            assert Route.BASE == fake.api_base == f"http://127.0.0.1:{fake.port}/api/v10"
            assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


async def test_login_ready_and_identify(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()

    assert len(bot.seen("ready")) == 1
    assert bot.client.user is not None and bot.client.user.id == server.bot_user_id
    assert bot.client.application_id == server.app_id
    assert server.identify is not None
    assert server.identify["intents"] == bot.intents.value
    assert server.identify["intents"] & discord.Intents(message_content=True).value
    assert server.identify["token"] == server.token
    assert [(r.method, r.path) for r in server.requests[:2]] == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
    ]
    assert server.requests[0].headers["Authorization"] == f"Bot {server.token}"
    # discord.py asks for zlib-stream transport compression; the fake answers with plain text frames
    assert server.connections[0].query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}

    guild = bot.guild()
    assert bot.channel().name == "general"
    assert guild.get_role(server.role_id) is not None
    assert guild.me is not None and guild.me.get_role(server.bot_role_id) is not None
    permissions = bot.channel().permissions_for(guild.me)
    assert permissions.send_messages and permissions.create_public_threads and not permissions.manage_messages
    assert guild.owner_id == server.user_id("alice")


async def test_user_message_and_reply(server: FakeDiscord, bot: Harness) -> None:
    @bot.client.event
    async def on_message(message: discord.Message) -> None:
        if message.author.id != server.bot_user_id:
            await message.reply(f"You said {message.content!r}, <@{message.author.id}> @everyone")

    await bot.start()
    alice = server.user_id("alice")
    mid = await server.send_message(server.channel_id, alice, f"hello <@{server.bot_user_id}>")

    request = await server.wait_for("POST", rf"/channels/{server.channel_id}/messages", timeout=TIMEOUT)
    assert request.status == 200
    assert request.json["allowed_mentions"] == {"parse": []}
    assert request.json["message_reference"]["message_id"] == mid
    reply = server.get_message(int(request.response["id"]))
    assert reply.content.startswith("You said 'hello")
    assert reply.data["type"] == 19 and reply.data["referenced_message"]["id"] == str(mid)
    # allowed_mentions honoured: nobody is pinged
    assert reply.data["mentions"] == [] and reply.data["mention_everyone"] is False

    # the client got the user's message (with member and mentions) and, like on Discord, its own reply
    received = await bot.until(lambda: [m for m in bot.seen("message") if m.id == reply.id])
    user_message = next(m for m in bot.seen("message") if m.id == mid)
    assert isinstance(user_message.author, discord.Member) and user_message.author.id == alice
    assert user_message.mentions[0].id == server.bot_user_id
    assert received[0].reference.message_id == mid


async def test_direct_messages(server: FakeDiscord, bot: Harness) -> None:
    @bot.client.event
    async def on_message(message: discord.Message) -> None:
        if message.author.id != server.bot_user_id and message.guild is None:
            await message.channel.send("Hi in private")

    await bot.start()
    bob = server.user_id("bob")
    await server.send_dm(bob, "psst")
    reply = await server.wait_for_message(channel_id=server.dm_channel_id(bob))
    assert reply.content == "Hi in private"

    # the bot opening a DM itself gets the same channel
    user = await asyncio.wait_for(bot.client.fetch_user(bob), TIMEOUT)
    await asyncio.wait_for(user.send("hello bob"), TIMEOUT)
    assert server.bot_messages(server.dm_channel_id(bob))[-1].content == "hello bob"
    assert server.requests_to("POST", "/users/@me/channels")[0].json == {"recipient_id": bob}


async def test_threads(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()
    channel = bot.channel()

    thread = await asyncio.wait_for(
        channel.create_thread(name="Debate #1", type=discord.ChannelType.public_thread, auto_archive_duration=60),
        TIMEOUT,
    )
    request = server.requests_to("POST", rf"/channels/{channel.id}/threads")[0]
    assert request.json["type"] == 11 and request.json["name"] == "Debate #1"
    created = await bot.until(lambda: bot.seen("thread_create"))
    assert created[0].id == thread.id and bot.guild().get_thread(thread.id) is not None

    await asyncio.wait_for(thread.send("Opening statement"), TIMEOUT)
    await asyncio.wait_for(thread.add_user(discord.Object(server.user_id("alice"))), TIMEOUT)
    await asyncio.wait_for(thread.join(), TIMEOUT)
    assert server.thread_members[thread.id] == {server.bot_user_id, server.user_id("alice")}

    await server.send_message(thread.id, server.user_id("alice"), "my rebuttal")
    message = await bot.until(lambda: [m for m in bot.seen("message") if m.content == "my rebuttal"])
    assert isinstance(message[0].channel, discord.Thread)

    archived = await asyncio.wait_for(thread.edit(archived=True), TIMEOUT)
    assert archived.archived and server.channels[thread.id]["thread_metadata"]["archived"]

    private = await asyncio.wait_for(channel.create_thread(name="secret"), TIMEOUT)  # private by default
    assert private.type is discord.ChannelType.private_thread

    # a thread from a message takes the message's id
    starter = await asyncio.wait_for(channel.send("Motion: tea beats coffee"), TIMEOUT)
    from_message = await asyncio.wait_for(starter.create_thread(name="tea"), TIMEOUT)
    assert from_message.id == starter.id
    assert server.get_message(starter.id).flags & MessageFlags.HAS_THREAD


async def test_slash_command(server: FakeDiscord, bot: Harness) -> None:
    @bot.tree.command(name="debate", description="Start a debate")
    @app_commands.describe(motion="The motion", rounds="Rebuttal rounds")
    async def debate(interaction: discord.Interaction, motion: str, rounds: int = 3) -> None:
        await interaction.response.send_message(f"Debating {motion!r} over {rounds} rounds")

    topic = app_commands.Group(name="topic", description="Topics")

    @topic.command(name="show", description="Show a topic")
    async def show(interaction: discord.Interaction, opponent: discord.Member) -> None:
        await interaction.response.send_message(f"vs {opponent.display_name}", ephemeral=True)

    bot.tree.add_command(topic)
    await bot.start()
    guild = discord.Object(server.guild_id)
    bot.tree.copy_global_to(guild=guild)
    synced = await asyncio.wait_for(bot.tree.sync(guild=guild), TIMEOUT)
    assert sorted(c.name for c in synced) == ["debate", "topic"]
    put = server.requests_to("PUT", rf"/applications/{server.app_id}/guilds/{server.guild_id}/commands")[0]
    assert [c["name"] for c in put.json] == ["debate", "topic"]

    interaction_id, token = await server.send_interaction(
        "debate", {"motion": "Tea beats coffee", "rounds": 2}, user_id=server.user_id("bob")
    )
    callback = await server.wait_for("POST", rf"/interactions/{interaction_id}/{token}/callback", timeout=TIMEOUT)
    assert callback.query == {"with_response": "1"}
    assert callback.json["type"] == CallbackType.CHANNEL_MESSAGE
    assert callback.json["data"]["content"] == "Debating 'Tea beats coffee' over 2 rounds"
    assert callback.response["interaction"]["id"] == str(interaction_id)
    message = await server.wait_for_message(channel_id=server.channel_id)
    assert message.data["type"] == 20  # CHAT_INPUT_COMMAND
    assert message.data["interaction_metadata"]["user"]["id"] == str(server.user_id("bob"))
    assert server.interaction(interaction_id).original_message_id == message.id

    # a subcommand of a group, with a member option (resolved data is generated)
    carol = server.user_id("carol")
    interaction_id, _ = await server.send_interaction("topic show", {"opponent": carol})
    reply = await server.wait_for_message()
    assert reply.content == "vs Carol" and reply.ephemeral
    assert server.interaction(interaction_id).data["options"][0]["options"][0] == {
        "name": "opponent",
        "type": 6,
        "value": str(carol),
    }

    with pytest.raises(LookupError):
        await server.send_interaction("nope")
    with pytest.raises(ValueError):
        await server.send_interaction("debate", {"rounds": 1})  # missing required option


async def test_deferred_response_followups_and_edits(server: FakeDiscord, bot: Harness) -> None:
    seen_ids: dict[str, int] = {}

    @bot.tree.command(name="think", description="Slow answer")
    async def think(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        first = await interaction.followup.send("Here is my case", wait=True)
        await interaction.followup.send("And a footnote")
        await interaction.edit_original_response(content="Here is my (edited) case")
        seen_ids.update(first=first.id, original=(await interaction.original_response()).id)

    await bot.start()
    await asyncio.wait_for(bot.tree.sync(), TIMEOUT)  # global commands
    assert server.requests_to("PUT", rf"/applications/{server.app_id}/commands")

    interaction_id, token = await server.send_interaction("think")
    await bot.until(lambda: seen_ids)  # the command handler finished
    assert server.requests_to("GET", rf"/webhooks/{server.app_id}/{token}/messages/@original")
    interaction = server.interaction(token)
    assert interaction.response_type == CallbackType.DEFERRED_CHANNEL_MESSAGE
    original = server.get_message(interaction.original_message_id)
    assert original.content == "Here is my (edited) case" and not original.flags & MessageFlags.LOADING
    assert [server.get_message(m).content for m in interaction.followup_ids] == ["And a footnote"]
    # the first followup after a deferral replaces the "thinking..." message, as on Discord
    assert seen_ids == {"first": original.id, "original": original.id}


async def test_buttons_and_modal(server: FakeDiscord, bot: Harness) -> None:
    class Vote(discord.ui.View):
        @discord.ui.button(label="Agree", custom_id="vote:agree")
        async def agree(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="You agreed", view=None)

    class Argument(discord.ui.Modal, title="Your argument"):
        text = discord.ui.TextInput(label="Argument", custom_id="argument")

        async def on_submit(self, interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"Noted: {self.text.value}")

    @bot.tree.command(name="argue", description="Open a modal")
    async def argue(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Argument(custom_id="argue-modal"))

    await bot.start()
    await asyncio.wait_for(bot.tree.sync(), TIMEOUT)

    sent = await asyncio.wait_for(bot.channel().send("Do you agree?", view=Vote()), TIMEOUT)
    await server.send_component(sent.id, "vote:agree", user_id=server.user_id("alice"))
    await server.wait_for("POST", r"/interactions/\d+/[^/]+/callback", timeout=TIMEOUT)
    assert server.get_message(sent.id).content == "You agreed"
    assert server.get_message(sent.id).components == []

    await server.send_interaction("argue")
    await server.wait_for(lambda r: r.path.endswith("/callback") and r.json["type"] == CallbackType.MODAL)
    await server.send_modal_submit("argue-modal", {"argument": "Tea is older"})
    noted = await server.wait_for_message()
    assert noted.content == "Noted: Tea is older"


async def test_files_and_attachments(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()
    file = discord.File(io.BytesIO(b"transcript"), filename="debate.md")
    sent = await asyncio.wait_for(bot.channel().send("Transcript attached", file=file), TIMEOUT)
    request = server.requests_to("POST", rf"/channels/{server.channel_id}/messages")[-1]
    assert request.json["content"] == "Transcript attached"
    assert [(f.filename, f.content) for f in request.files] == [("debate.md", b"transcript")]
    assert sent.attachments[0].filename == "debate.md"
    assert await asyncio.wait_for(sent.attachments[0].read(), TIMEOUT) == b"transcript"

    await server.send_message(server.channel_id, server.user_id("alice"), "", attachments=[("notes.txt", b"abc")])
    message = await bot.until(
        lambda: [m for m in bot.seen("message") if m.attachments and m.author.id != server.bot_user_id]
    )
    assert await asyncio.wait_for(message[0].attachments[0].read(), TIMEOUT) == b"abc"


async def test_rate_limit_with_via_is_retried(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()
    server.fail_next("POST", r"/channels/\d+/messages", 429)
    message = await asyncio.wait_for(bot.channel().send("after a 429"), TIMEOUT)
    attempts = server.requests_to("POST", rf"/channels/{server.channel_id}/messages")
    assert [(r.status, r.injected) for r in attempts] == [(429, True), (200, False)]
    assert server.get_message(message.id).content == "after a 429"


async def test_forbidden_and_server_errors(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()
    server.fail_next("POST", r"/channels/\d+/messages", 403)
    with pytest.raises(discord.Forbidden) as excinfo:
        await asyncio.wait_for(bot.channel().send("nope"), TIMEOUT)
    assert excinfo.value.code == 50013

    # a 429 without Via (Cloudflare) is not retried
    server.fail_next("POST", r"/channels/\d+/messages", 429, headers={})
    with pytest.raises(discord.HTTPException) as excinfo:
        await asyncio.wait_for(bot.channel().send("nope"), TIMEOUT)
    assert excinfo.value.status == 429

    # real checks: content over 2000 characters, and a missing permission
    with pytest.raises(discord.HTTPException) as excinfo:
        await asyncio.wait_for(bot.channel().send("x" * 2001), TIMEOUT)
    assert excinfo.value.code == 50035
    await server.set_channel_overwrite(server.channel_id, server.bot_user_id, deny=Permissions.SEND_MESSAGES)
    channel = bot.channel()
    await bot.until(lambda: not channel.permissions_for(bot.guild().me).send_messages)  # CHANNEL_UPDATE arrived
    with pytest.raises(discord.Forbidden) as excinfo:
        await asyncio.wait_for(channel.send("no send permission"), TIMEOUT)
    assert excinfo.value.code == 50013
    assert not server.bot_messages()


async def test_server_error_is_retried(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()
    server.fail_next("GET", r"/channels/\d+/messages/\d+", 500)
    sent = await asyncio.wait_for(bot.channel().send("persisted"), TIMEOUT)
    fetched = await asyncio.wait_for(bot.channel().fetch_message(sent.id), TIMEOUT)  # discord.py sleeps 1 s
    assert fetched.content == "persisted"


async def test_drop_connection_resumes_and_replays(server: FakeDiscord, bot: Harness) -> None:
    await bot.start()
    alice = server.user_id("alice")
    first = await server.send_message(server.channel_id, alice, "before the drop")
    await bot.until(lambda: [m for m in bot.seen("message") if m.id == first])

    await server.drop_connection()
    missed = await server.send_message(server.channel_id, alice, "while disconnected")
    resume = await server.wait_for_gateway(Opcode.RESUME, timeout=TIMEOUT)
    assert resume.d["session_id"] in server.sessions and resume.d["seq"] > 0
    await bot.until(lambda: bot.seen("resumed"))
    await bot.until(lambda: [m for m in bot.seen("message") if m.id == missed])
    assert len(server.identifies) == 1 and server.connections[-1].path == "/gateway/resume"

    await server.replay(first)  # a duplicate delivery after the resume
    await bot.until(lambda: len([m for m in bot.seen("message") if m.id == first]) == 2)
    assert len(bot.seen("ready")) == 1


async def test_invalid_session_reidentifies(server: FakeDiscord, bot: Harness) -> None:
    async def no_wait(shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py sleeps 5 s before a re-IDENTIFY

    bot.client.before_identify_hook = no_wait  # type: ignore[method-assign]
    await bot.start()
    await server.invalid_session(resumable=False)
    await server.wait_for_gateway(lambda p: p.op == Opcode.IDENTIFY and p.connection == 1, timeout=TIMEOUT)
    await bot.until(lambda: len(bot.seen("ready")) == 2)
    mid = await server.send_message(server.channel_id, server.user_id("bob"), "still there?")
    await bot.until(lambda: [m for m in bot.seen("message") if m.id == mid])


async def test_message_content_intent_is_enforced(server: FakeDiscord) -> None:
    harness = Harness(server, message_content=False)
    try:
        await harness.start()
        alice = server.user_id("alice")
        await server.send_message(server.channel_id, alice, "secret argument")
        await server.send_message(server.channel_id, alice, f"<@{server.bot_user_id}> visible argument")
        await harness.until(lambda: len(harness.seen("message")) == 2)
        assert [m.content for m in harness.seen("message")] == ["", f"<@{server.bot_user_id}> visible argument"]
    finally:
        await harness.stop()


async def test_transport_compression_and_unknown_endpoints() -> None:
    async with FakeDiscord(transport_compression=True) as fake, use_fake(fake):
        harness = Harness(fake)
        try:
            await harness.start()  # zlib-stream binary frames this time
            await fake.send_message(fake.channel_id, fake.user_id("carol"), "compressed")
            await harness.until(lambda: harness.seen("message"))
        finally:
            await harness.stop()
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": f"Bot {fake.token}"}
            async with session.get(f"{fake.api_base}/guilds/{fake.guild_id}/bans", headers=headers) as response:
                assert response.status == 404
                assert response.headers["Content-Type"] == "application/json"
        assert [(r.method, r.path) for r in fake.unknown] == [("GET", f"/guilds/{fake.guild_id}/bans")]
