"""The Discord adapter: slash commands, debate threads and DMs over the debate service.

No debate logic lives here: ``client.py`` builds the cogs (``cog.py`` for /debate and turns, ``classes.py``
for /class), which translate Discord events into calls of ``bot.service.DebateService`` (the only way into
the core) and its results into messages and embeds (``render.py``, ``texts.py``); ``errors.py`` turns
errors into replies. Who may read a debate is ``bot.domain.access.may_read``, fed from the member's
permissions by ``cog.viewer_of``.
"""
