"""The terminal adapter: a debate on stdin/stdout, interactive or piped (a scripted debate)."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from rich.console import Console
from rich.text import Text

from .domain import markup
from .domain.errors import CounterpointError, StorageUnavailable
from .domain.records import DebateRecord
from .domain.scorecard import render_scorecard
from .domain.topic import Topic
from .service import DebateService, Outcome, command_in
from .textsafe import printable

# another process holding the write lock: try the same turn again after these pauses (each try also waits up
# to the store's busy timeout, 5 s), about a minute in all, then give up with the text kept
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 8.0)
CONFIRM_CONCEDE = "Concede the debate? It ends now, with your scorecard. [y/N] "
NOT_CONCEDED = "Not conceded: the debate goes on."


def styled(text: str) -> Text:
    """Markdown-ish **bold** and _italic_ as rich Text (the markers dropped, nothing else interpreted)."""
    out = Text()
    for style, run in markup.spans(text):
        out.append(run, style={markup.BOLD: "bold", markup.ITALIC: "dim"}.get(style))
    return out


def _without_name(description: str, name: str) -> str:
    """A side's description without the side's name at its start (the menu shows the name already)."""
    if description.lower().startswith(name.lower()):
        rest = description[len(name) :].lstrip(" :;,.-\u2013\u2014")
        if rest:
            return rest
    return description


def _without_status_line(text: str) -> str:
    """A logged bot reply without the italic status paragraph the engine ends it with."""
    head, sep, last = text.rpartition("\n\n")
    if sep and last.startswith("_") and last.endswith("_") and "left for you" in last:
        return head
    return text


MORE_HINT = "(/more shows the full evidence)"


class Terminal:
    def __init__(
        self,
        service: DebateService,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        *,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        width: int | None = None,
    ):
        self.service = service
        self.retry_delays, self.sleep = retry_delays, sleep
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() and self.stdout.isatty()
        self.stdin_tty = self.stdin.isatty()  # /concede asks for confirmation only at a terminal
        self.width = width  # wrap to this width (default: the terminal's, when interactive)

    # ------------------------------------------------------------------ output
    def show(self, text: str = "") -> None:
        """Print text wrapped at word boundaries to the terminal's width (or ``width``), bold and dim at a
        terminal; to a pipe plain text, unwrapped unless a width was given, with no escape codes."""
        text = printable(text)  # a stored name or turn cannot drive the terminal
        wrap = self.interactive or self.width is not None
        console = Console(
            file=self.stdout,
            width=self.width,
            force_terminal=self.interactive,
            no_color=not self.interactive,
            color_system="standard" if self.interactive else None,
            highlight=False,
            markup=False,
            emoji=False,
            soft_wrap=not wrap,
        )
        if self.interactive:
            console.print(styled(text))
        else:
            console.print(Text(markup.plain(text)))
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        if self.interactive:
            self.stdout.write(prompt)
            self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            return None
        if not self.interactive:
            self.stdout.write(f"{prompt}{printable(line.rstrip())}\n")
        return line.rstrip("\n")

    # ------------------------------------------------------------------ choosing
    def choose_topic(self, topic_id: str | None) -> Topic:
        topics = self.service.topics()
        if topic_id or not self.interactive or len(topics) <= 1:
            return self.service.topic(topic_id)
        self.show("Topics:")
        for i, t in enumerate(topics, 1):
            self.show(f"  {i}. {t.motion}  [{t.id}]")
        while True:
            answer = self.ask(f"Choose a topic [1-{len(topics)}, default 1]: ")
            if answer is None or not answer.strip():
                return topics[0]
            if answer.strip().isdigit() and 1 <= int(answer) <= len(topics):
                return topics[int(answer) - 1]
            match = [t for t in topics if t.id == answer.strip()]
            if match:
                return match[0]

    def choose_side(self, topic: Topic, side: str | None) -> str:
        if side or not self.interactive:
            return side or "random"
        self.show(f"Motion: {topic.motion}")
        for i, s in enumerate(topic.sides, 1):
            self.show(f"  {i}. {s.name} ({s.id}): {_without_name(s.description, s.name)}")
        self.show("  r. let Counterpoint choose")
        while True:
            answer = (self.ask("Your side [1/2/r, default r]: ") or "r").strip().lower()
            if answer in ("", "r", "random"):
                return "random"
            if answer in ("1", "2"):
                return topic.sides[int(answer) - 1].id
            if answer in {s.id for s in topic.sides}:
                return answer

    # ------------------------------------------------------------------ the debate
    async def new_debate(self, topic_id: str | None, side: str | None, rounds: int | None, seed: int | None) -> int:
        topic = self.choose_topic(topic_id)
        side = self.choose_side(topic, side)
        outcome = await self.service.start(topic.id, side, seed=seed, rounds=rounds)
        d = outcome.debate
        self.show(f"Debate {d.id} · {topic.motion}")
        self.show(f"You argue: {topic.side(d.user_side).name}. Counterpoint argues: {topic.side(d.bot_side).name}.")
        for rule in topic.ground_rules[:1]:
            self.show(f"Ground rule: {rule}")
        self.show("Type your argument and press Enter. /help lists the commands.\n")
        self.show(outcome.reply.text)
        return await self.loop(d.id)

    async def resume(self, record: DebateRecord) -> int:
        topic = await self.service.topic_of(record)
        self.show(f"Resuming debate {record.id} · {topic.motion}")
        if await self.service.topic_changed(record):
            self.show("(Note: the topic file changed since this debate started.)")
        turns = await self.service.turns(record.id)
        for t in turns[-2:]:
            who = "Counterpoint" if t.speaker == "bot" else "You"
            text = t.text
            if t is turns[-1] and t.speaker == "bot":  # its short status line: the full one follows
                text = _without_status_line(text)
            self.show(f"{who}: {text}\n")
        self.show(f"_{await self.service.status(record)}_")
        return await self.loop(record.id)

    async def loop(self, debate_id: int) -> int:
        unsaved: str | None = None  # a turn the log refused: kept, sent again on Enter
        while True:
            line = self.ask("\nyou> ")
            if line is None:
                if unsaved is not None:
                    self.show(f"\nNot saved (copy it to send it again):\n{unsaved}")
                self.show(f"\nDebate {debate_id} is saved. Continue it with: counterpoint resume {debate_id}")
                return 0 if unsaved is None else 1
            if unsaved is not None and not line.strip():
                line = unsaved  # Enter: the kept turn again
            text = line.strip()
            if text.lower() in ("/more", "/more evidence"):
                await self.show_more(debate_id)
                continue
            try:
                name = command_in(text) if text.startswith("/") else None
                if name is not None:
                    if name == "concede" and self.stdin_tty and not self._confirmed(CONFIRM_CONCEDE):
                        self.show(NOT_CONCEDED)
                        continue
                    outcome = await self._retrying(functools.partial(self.service.command, debate_id, name))
                else:
                    outcome = await self._retrying(functools.partial(self.service.say, debate_id, line))
                    if outcome is None:
                        continue
            except StorageUnavailable as exc:
                unsaved = line
                self.show(
                    f"Sorry: your turn was not saved ({exc.detail}). The debate is kept as it was before it. "
                    f"Press Enter to send it again, or Ctrl-D to stop and continue later with: "
                    f"counterpoint resume {debate_id}"
                )
                continue
            except CounterpointError as exc:
                self.show(f"Sorry: {exc}")
                return 1
            unsaved = None
            await self.show_outcome(outcome)
            if not outcome.debate.active:
                return 0

    def _confirmed(self, prompt: str) -> bool:
        answer = self.ask(prompt)
        return answer is not None and answer.strip().lower() in ("y", "yes")

    async def _retrying(self, call: Callable[[], Awaitable[Outcome | None]]) -> Outcome | None:
        """The call, tried again with backoff while another process holds the database's write lock."""
        delays = iter(self.retry_delays)
        while True:
            try:
                return await call()
            except StorageUnavailable as exc:
                delay = next(delays, None)
                if not exc.transient or delay is None:
                    raise
                self.show(f"(The debate log is busy: {exc.detail}. Trying again in {delay:g} s.)")
                await self.sleep(delay)

    async def show_more(self, debate_id: int) -> None:
        """/more: the bot's last reply with every line whole, as the transcript keeps it."""
        last = await self.service.last_bot_turn(debate_id)
        if last is None:
            self.show("Nothing to expand yet.")
            return
        self.show(f"\ncounterpoint (the full evidence)> {_without_status_line(last.text)}")

    async def show_outcome(self, outcome: Outcome) -> None:
        self.show(f"\ncounterpoint> {outcome.reply.text}")
        if outcome.reply.shortened and outcome.debate.active:
            self.show(MORE_HINT)
        if outcome.scorecard is not None:
            topic = await self.service.topic_of(outcome.debate)
            self.show("\n" + render_scorecard(topic, outcome.scorecard))
            self.show(f"\nTranscript: counterpoint transcripts show {outcome.debate.id}")
