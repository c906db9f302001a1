"""The Discord adapter: slash commands, debate threads and DMs over the debate service.

No debate logic lives here: the cogs translate Discord events into calls of ``bot.service.DebateService``
and its results into messages and embeds.
"""
