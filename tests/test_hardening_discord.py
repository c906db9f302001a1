"""Issue 11 on Discord: a replayed message is answered with nothing, and every button's errors go through
the one error handler (spec'd mocks, no network)."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

import bot.discordbot
from bot.discordbot import texts as T
from bot.discordbot.buttons import SideButton
from bot.discordbot.classes import JoinButton
from bot.discordbot.errors import ErrorHandler, UserFacingError
from bot.storage.base import StorageUnavailable
from tests.helpers import cog_with_store, mock_interaction, mock_message

THREAD, ALICE = 20, 30


@pytest.fixture
async def cog(mini_library, tmp_path):
    async with cog_with_store(mini_library, tmp_path, turn_cooldown=3600.0) as cog:
        yield cog


# ---------------------------------------------------------------------------------------- 8. replays
async def test_a_replayed_message_gets_no_cooldown_notice(cog):
    outcome = await cog.service.start(
        "school-uniforms", "con", user_id=str(ALICE), user_name="alice", platform="discord", thread_id=str(THREAD)
    )
    cog.threads[THREAD] = outcome.debate.id
    first = mock_message("uniforms cost too much for poor families", author_id=ALICE, channel_id=THREAD)
    await cog.on_message(first)
    assert cog.post.await_count == 1  # answered
    replay = mock_message("uniforms cost too much for poor families", author_id=ALICE, channel_id=THREAD)
    assert replay.id == first.id  # the same MESSAGE_CREATE again, inside the cooldown
    await cog.on_message(replay)
    replay.reply.assert_not_awaited()  # no "Slow down a little"
    assert cog.post.await_count == 1
    assert len(await cog.service.turns(outcome.debate.id)) == 3
    # a genuinely new message inside the cooldown still gets the notice
    other = mock_message("another point", author_id=ALICE, channel_id=THREAD)
    other.id = 100
    await cog.on_message(other)
    other.reply.assert_awaited_once()
    assert "Slow down" in other.reply.await_args.args[0]


# ---------------------------------------------------------------------------------------- 10. buttons
def _pressed(**kwargs) -> MagicMock:
    interaction = mock_interaction(**kwargs)
    client = MagicMock()
    client.errors = ErrorHandler()
    interaction.client = client
    return interaction


async def test_join_button_on_a_closed_class_replies_like_the_command():
    interaction = _pressed(guild_id=5)
    cog = interaction.client.get_cog.return_value
    cog.service.get_class = AsyncMock(return_value=MagicMock(name="klass"))
    cog.join_class = AsyncMock(side_effect=UserFacingError(T.CLASS_CLOSED.format(name="Year 11")))
    await JoinButton(7).callback(interaction)
    interaction.response.send_message.assert_awaited_once_with("The class Year 11 is closed.", ephemeral=True)


async def test_side_button_errors_reach_the_user(caplog):
    interaction = _pressed()
    interaction.response.is_done.return_value = True  # the button message was already edited
    cog = interaction.client.get_cog.return_value
    cog.open_debate = AsyncMock(side_effect=StorageUnavailable("database is locked"))
    button = SideButton(30, "pro", "school-uniforms", None, False, None, "Pro")
    interaction.message = MagicMock(content="Choose")
    await button.callback(interaction)
    interaction.followup.send.assert_awaited_once_with(T.STORAGE_DOWN, ephemeral=True)
    cog.open_debate = AsyncMock(side_effect=RuntimeError("internal detail"))
    interaction.followup.send.reset_mock()
    with caplog.at_level(logging.ERROR):
        await button.callback(interaction)
    interaction.followup.send.assert_awaited_once_with(T.ERROR_GENERIC, ephemeral=True)
    assert "internal detail" in caplog.text and "cp:side:30:pro" in caplog.text


def _component_classes():
    for info in pkgutil.iter_modules(bot.discordbot.__path__):
        module = importlib.import_module(f"bot.discordbot.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, discord.ui.Item | discord.ui.View):
                yield cls


def test_every_component_callback_goes_through_the_error_handler():
    classes = list(_component_classes())
    assert {SideButton, JoinButton} <= set(classes)
    for cls in classes:
        if "callback" in vars(cls):
            assert getattr(cls.callback, "routed", False), f"{cls.__name__}.callback is not @routed"
