"""Cog and adapter tests with spec'd mocks (no network): permissions, the error handler, turn handling,
and splitting long replies. The real-client behaviour is covered by tests/test_discord_e2e.py."""

from __future__ import annotations

import logging
from pathlib import Path
from unittest.mock import AsyncMock

import pytest

from bot.discordbot import texts as T
from bot.discordbot.client import INVITE_PERMISSIONS
from bot.discordbot.cog import DebateCog
from bot.discordbot.errors import ErrorHandler, UserFacingError, message_for
from bot.discordbot.render import split_message
from bot.domain.errors import DebateNotFound, InvalidOption, UnknownTopic
from bot.settings import Settings
from tests.helpers import cog_with_store, mock_interaction, mock_message

GUILD, THREAD, ALICE, BOB = 500, 20, 30, 31


@pytest.fixture
async def cog(mini_library, tmp_path):
    async with cog_with_store(mini_library, tmp_path) as cog:
        yield cog


async def start(cog, *, guild_id=GUILD):
    outcome = await cog.service.start(
        "school-uniforms", "con", user_id=str(ALICE), user_name="alice", platform="discord",
        guild_id=str(guild_id) if guild_id else None, channel_id="10", thread_id=str(THREAD),
    )  # fmt: skip
    cog.threads[THREAD] = outcome.debate.id
    return outcome.debate


# ------------------------------------------------------------------ permissions
async def test_concede_by_someone_else_is_refused(cog):
    debate = await start(cog)
    with pytest.raises(UserFacingError, match="Only the debater"):
        await DebateCog.concede.callback(cog, mock_interaction(user_id=BOB, channel_id=THREAD, guild_id=GUILD))
    assert (await cog.service.debate(debate.id)).active


async def test_end_by_moderator_of_the_same_server(cog):
    debate = await start(cog)
    other_server = mock_interaction(user_id=BOB, channel_id=THREAD, guild_id=GUILD + 1, manage_threads=True)
    with pytest.raises(UserFacingError):
        await DebateCog.end.callback(cog, other_server)
    moderator = mock_interaction(user_id=BOB, channel_id=THREAD, guild_id=GUILD, manage_threads=True)
    await DebateCog.end.callback(cog, moderator)
    assert (await cog.service.debate(debate.id)).status == "ended"
    moderator.response.defer.assert_awaited_once()
    moderator.followup.send.assert_awaited_once()
    embeds = [c.kwargs.get("embed") for c in cog.post.await_args_list if c.kwargs.get("embed")]
    assert embeds and "Scorecard" in embeds[-1].title
    assert THREAD not in cog.threads


async def test_transcript_of_another_students_debate_is_refused(cog):
    debate = await start(cog)
    intruder = mock_interaction(user_id=BOB, channel_id=99, guild_id=GUILD)
    with pytest.raises(UserFacingError, match="Only the debater"):
        await DebateCog.transcript.callback(cog, intruder, debate.id, "md")
    intruder.followup.send.assert_not_awaited()


async def test_transcript_refusal_names_everyone_who_may_fetch_it(cog):
    debate = await start(cog)
    intruder = mock_interaction(user_id=BOB, channel_id=99, guild_id=GUILD)
    with pytest.raises(UserFacingError) as refused:
        await DebateCog.transcript.callback(cog, intruder, debate.id, "md")
    text = str(refused.value)
    assert "debater" in text and "teachers" in text and "moderators" in text


async def test_start_with_bad_options_creates_nothing(cog):
    interaction = mock_interaction(user_id=ALICE, channel_id=10, guild_id=GUILD)
    with pytest.raises(UnknownTopic):
        await DebateCog.start.callback(cog, interaction, "no-such-topic", "pro", None, False, None)
    with pytest.raises(InvalidOption):
        await DebateCog.start.callback(cog, interaction, "school-uniforms", "pro", 0, False, None)
    assert await cog.service._store.list_debates() == []
    interaction.response.defer.assert_not_awaited()


# ------------------------------------------------------------------ turns
async def test_turn_is_committed_before_the_reply_is_posted(cog):
    debate = await start(cog)
    seen = []

    async def post(record, **kwargs):
        seen.append([t.text for t in await cog.service.turns(debate.id)])

    cog.post = AsyncMock(side_effect=post)
    await cog.on_message(mock_message("uniforms cost too much for poor families", author_id=ALICE, channel_id=THREAD))
    assert seen and "uniforms cost too much for poor families" in seen[0]


async def test_bots_webhooks_and_others_are_not_turns(cog):
    debate = await start(cog)
    await cog.on_message(mock_message("uniforms cost a lot", author_id=77, channel_id=THREAD, bot=True))
    hook = mock_message("uniforms cost a lot", author_id=ALICE, channel_id=THREAD)
    hook.webhook_id = 5
    await cog.on_message(hook)
    other = mock_message("uniforms cost a lot", author_id=BOB, channel_id=THREAD)
    await cog.on_message(other)
    await cog.on_message(mock_message("again", author_id=BOB, channel_id=THREAD))
    assert len(await cog.service.turns(debate.id)) == 1
    other.reply.assert_awaited_once()  # the one-time hint
    assert other.reply.await_args.kwargs["mention_author"] is False


async def test_an_error_in_a_turn_is_logged_not_raised(cog, caplog):
    await start(cog)
    cog.service.say = AsyncMock(side_effect=RuntimeError("disk on fire"))
    with caplog.at_level(logging.ERROR):
        await cog.on_message(mock_message("uniforms cost a lot", author_id=ALICE, channel_id=THREAD))
    assert "disk on fire" in caplog.text


# ------------------------------------------------------------------ the error handler
def test_domain_errors_become_friendly_messages():
    assert "no-such" in message_for(UnknownTopic("no-such", ["a"]))
    assert "#7" in message_for(DebateNotFound(7))
    assert message_for(UserFacingError("plain words")) == "plain words"
    assert message_for(RuntimeError("bug")) is None


async def test_unexpected_errors_are_logged_and_answered_briefly(caplog):
    interaction = mock_interaction()
    with caplog.at_level(logging.ERROR):
        await ErrorHandler().on_app_command_error(interaction, RuntimeError("secret internals"))
    interaction.response.send_message.assert_awaited_once_with(T.ERROR_GENERIC, ephemeral=True)
    assert "secret internals" in caplog.text
    deferred = mock_interaction()
    deferred.response.is_done.return_value = True
    await ErrorHandler().on_app_command_error(deferred, UserFacingError("nope"))
    deferred.followup.send.assert_awaited_once_with("nope", ephemeral=True)


def test_token_is_not_in_the_settings_repr():
    settings = Settings(db_path=Path("x"), topics_dir=Path("."), discord_token="super-secret-token")
    assert "super-secret-token" not in repr(settings)


def test_invite_permissions_in_the_readme():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"permissions={INVITE_PERMISSIONS.value}" in readme


# ------------------------------------------------------------------ splitting
@pytest.mark.parametrize("limit", [50, 120, 2000])
def test_split_message_keeps_everything_under_the_limit(limit):
    text = "\n\n".join(
        " ".join(f"Sentence {p}.{i} says something about uniforms." for i in range(12)) for p in range(6)
    )
    chunks = split_message(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(text.split())


def test_split_message_prefers_paragraphs_and_sentences():
    text = "First paragraph. " * 3 + "\n\n" + "Second one is here."
    assert split_message(text.strip(), 60) == [
        "First paragraph. First paragraph. First paragraph.",
        "Second one is here.",
    ]
    assert split_message("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_message("   ") == []
