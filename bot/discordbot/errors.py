"""The one place that turns errors into replies: domain errors become friendly messages, anything
unexpected is logged with its traceback and the user gets a short apology. Nothing crashes the bot."""

from __future__ import annotations

import functools
import logging

import discord
from discord import app_commands

from ..domain.errors import (
    CounterpointError,
    DebateFinished,
    DebateNotFound,
    InvalidOption,
    StorageUnavailable,
    UnknownSide,
    UnknownTopic,
)
from . import texts as T

log = logging.getLogger(__name__)


class UserFacingError(Exception):
    """An error whose message is meant for the user as it is (a permission rule, a missing debate)."""


def message_for(error: BaseException) -> str | None:
    """The reply for a known error, or None when the error is unexpected (a bug or an outage)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, DebateNotFound):
        return T.UNKNOWN_DEBATE.format(id=error.debate_id)
    if isinstance(error, DebateFinished):
        return str(error)
    if isinstance(error, StorageUnavailable):
        return T.STORAGE_DOWN
    if isinstance(error, UnknownTopic | UnknownSide | InvalidOption):
        return T.ERROR_BAD_OPTION.format(what=error)
    if isinstance(error, CounterpointError):
        return T.ERROR_BAD_OPTION.format(what=error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return T.ERROR_COOLDOWN.format(seconds=error.retry_after)
    if isinstance(error, app_commands.MissingPermissions):
        return T.NOT_PARTICIPANT
    if isinstance(error, app_commands.BotMissingPermissions):
        return T.ERROR_FORBIDDEN.format(what=", ".join(error.missing_permissions))
    if isinstance(error, app_commands.NoPrivateMessage):
        return T.WRONG_CHANNEL
    if isinstance(error, app_commands.CheckFailure | app_commands.TransformerError):
        return T.ERROR_BAD_OPTION.format(what=error)
    if isinstance(error, discord.Forbidden):
        return T.ERROR_FORBIDDEN.format(what=error.text or "Missing Permissions")
    return None


class ErrorHandler:
    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        text = message_for(error)
        if text is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("error in /%s (interaction %s)", command, interaction.id, exc_info=error)
            text = T.ERROR_GENERIC
        await self.reply(interaction, text)

    async def reply(self, interaction: discord.Interaction, text: str) -> None:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:  # the interaction expired or the channel is gone
            log.warning("could not report an error to the user: %s", exc)

    async def on_component_error(self, interaction: discord.Interaction, error: BaseException, item: object) -> None:
        """A button's callback failed: the same replies as a slash command (discord.py would only log it)."""
        text = message_for(error)
        if text is None:
            custom_id = getattr(getattr(item, "item", None), "custom_id", None) or type(item).__name__
            log.error("error in button %s (interaction %s)", custom_id, interaction.id, exc_info=error)
            text = T.ERROR_GENERIC
        await self.reply(interaction, text)

    def unexpected(self, where: str, error: BaseException) -> None:
        log.error("unexpected error in %s", where, exc_info=error)


def routed(callback):
    """Decorate every component callback (buttons, selects) with this: its errors go to the bot's one
    ErrorHandler, so the user gets the same reply as from the slash command."""

    @functools.wraps(callback)
    async def run(self, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as exc:
            await interaction.client.errors.on_component_error(interaction, exc, self)

    run.routed = True
    return run
