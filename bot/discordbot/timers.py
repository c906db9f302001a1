"""Turn timers: one task per timed debate, a reminder before the deadline, then the forfeit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..domain.durations import duration
from ..domain.records import DebateRecord
from . import texts as T

if TYPE_CHECKING:
    from .errors import ErrorHandler

Post = Callable[..., Awaitable[Any]]  # post(debate, content=...): the cog's post
Forfeit = Callable[[DebateRecord], Awaitable[None]]


class TurnTimers:
    """One task per timed debate: a reminder before the deadline, then the forfeit."""

    def __init__(self, post: Post, forfeit: Forfeit, errors: ErrorHandler):
        self._post, self._forfeit, self._errors = post, forfeit, errors
        self.tasks: dict[int, asyncio.Task] = {}

    def arm(self, debate: DebateRecord) -> None:
        self.cancel(debate.id)
        if debate.active and debate.deadline and debate.turn_seconds:
            slim = replace(debate, state={})  # a timer needs ids and times, not the debate's state
            self.tasks[debate.id] = asyncio.create_task(self._run(slim), name=f"turn-timer-{debate.id}")

    def cancel(self, debate_id: int) -> None:
        task = self.tasks.pop(debate_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def cancel_all(self) -> None:
        for debate_id in list(self.tasks):
            self.cancel(debate_id)

    async def _run(self, debate: DebateRecord) -> None:
        try:
            deadline = datetime.fromisoformat(debate.deadline)  # type: ignore[arg-type]
            seconds = debate.turn_seconds or 0
            remind_before = min(60.0, seconds * 0.25)
            left = (deadline - datetime.now(UTC)).total_seconds()
            if left > remind_before:
                await asyncio.sleep(left - remind_before)
                left = (deadline - datetime.now(UTC)).total_seconds()
                await self._post(debate, content=T.REMINDER.format(mention=f"<@{debate.user_id}>", left=duration(left)))
            await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()))
            self.tasks.pop(debate.id, None)
            await self._forfeit(debate)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a timer must never take the bot down
            self._errors.unexpected(f"turn timer of debate {debate.id}", exc)
