"""Whole-bot benchmark: N concurrent debates through the real CounterpointBot and the fake Discord.

Method: one process, one event loop (as in tests/test_discord_e2e.py): FakeDiscord on 127.0.0.1 with N+1
users added before the client connects, and the real CounterpointBot (turn_cooldown 0, commands synced,
interaction timeout 3 s as on Discord) on a fresh SQLite file. Every user, all in parallel, runs
/debate start (topic and side given), waits for the bot's opening in its thread, then sends its turns one
after the other (mini topic: the 4 claim messages of MINI_SCRIPT in tests/test_cli.py, without the
question; great-purges: dev.yaml messages labelled with the user's side), each time waiting for the bot's
reply; after the last turn it waits for the scorecard (with its argument-map PNG). Reply time: the user's
message handed to the fake -> the bot's reply message stored by the fake (the fake's message store is timed
at append). Errors: failed or timed-out user flows, REST answers >= 400, unknown endpoints, bot log records
at WARNING or above, and debates not completed with the expected turns in the database; must be 0.

What the wall time includes: the fake's HTTP server, gateway and simulated users share the loop and the
core with the bot. Their share is measured by timing every event-loop callback (asyncio Handle._run) and
attributing it by the task's outermost coroutine or the transport's protocol: the fake (tests/discord_fake,
aiohttp's server side, this file's user flows) or the bot (discord.py, aiohttp's client side, the bot,
aiosqlite results). Worker threads (aiosqlite, the PNG drawn with asyncio.to_thread) run off the loop:
their CPU is in the process CPU time, not in the loop split. --split runs the fake and the users in a
child process instead (the bot then has the parent process to itself, as when Discord is remote); the
child's CPU time is the fake's cost.

Anchor: the same debates and turns through DebateService directly (no Discord, same concurrency, its own
SQLite file) in the same run, before and after the bot run; ratio = bot wall time / mean anchor wall time.

usage: python bench/bot_e2e.py [--debates 200] [--topic mini|great-purges] [--split] [--timeout 120]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.discordbot import texts as T  # noqa: E402
from bot.service import DebateService  # noqa: E402
from bot.storage.sqlite import SQLiteStore  # noqa: E402
from bot.topic_files import TopicLibrary, default_topics_dir  # noqa: E402

DATA = ROOT / "tests" / "data"
# tests/test_cli.py MINI_SCRIPT without its question ("how many rounds left?" costs no turn)
MINI_SCRIPT = [
    "uniforms are too expensive, families cant afford the blazer",
    "uniforms limit self expression and individuality",
    "rich and poor still show wealth with phones, uniforms hide nothing",
    "in closing: cost and identity matter most",
]
FAKE_MARKERS = ("discord_fake", "bench/bot_e2e.py", "aiohttp/web_", "aiohttp.web_")


# ---------------------------------------------------------------------------------------------- set-up
def topic_setup(name: str) -> tuple[TopicLibrary, str, str, list[str]]:
    """(library, topic id, the users' side, the user messages of one debate)."""
    if name == "mini":
        return TopicLibrary.load(DATA / "topics"), "school-uniforms", "con", MINI_SCRIPT
    library = TopicLibrary.load(default_topics_dir())
    topic = library.get(name)
    side = topic.sides[1].id
    sides = {c.id: c.side for c in topic.claims}
    turns = sum(p.rounds for p in topic.format.phases)
    messages = yaml.safe_load((DATA / "dev.yaml").read_text())["messages"]
    script = [m["text"] for m in messages if m["labels"] and all(sides.get(c) == side for c in m["labels"])]
    return library, topic.id, side, script[:turns]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))] if values else float("nan")


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class LoopMeter:
    """Time spent in event-loop callbacks, split between the fake (and the simulated users) and the bot."""

    def __init__(self, split: bool) -> None:
        self.split = split  # True: every callback of this process is one side's
        self.busy = {"fake": 0.0, "bot": 0.0}
        self._orig = asyncio.events.Handle._run

    def __enter__(self) -> LoopMeter:
        meter, orig, clock = self, self._orig, time.perf_counter

        def _run(handle):
            start = clock()
            try:
                return orig(handle)
            finally:
                meter.busy[meter.side(handle)] += clock() - start

        asyncio.events.Handle._run = _run
        return self

    def __exit__(self, *exc) -> None:
        asyncio.events.Handle._run = self._orig

    def side(self, handle) -> str:
        if self.split:
            return "fake" if self.split == "fake" else "bot"
        owner = getattr(handle._callback, "__self__", None)
        where = ""
        if isinstance(owner, asyncio.Task):
            coro = owner.get_coro()
            code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
            where = code.co_filename if code else ""
        elif owner is not None and hasattr(owner, "_protocol"):  # a transport: whose protocol reads it
            where = type(owner._protocol).__module__
        return "fake" if any(m in where for m in FAKE_MARKERS) else "bot"

    def reset(self) -> None:
        self.busy = {"fake": 0.0, "bot": 0.0}


class LogCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "voice will NOT be supported" in record.getMessage():  # discord.py at start-up: no voice extras
            return
        self.records.append(f"{record.name}: {record.getMessage()}"[:200])


# ---------------------------------------------------------------------------------------------- anchor
async def anchor(library: TopicLibrary, topic_id: str, side: str, script: list[str], n: int, db: Path) -> dict:
    """The same debates through DebateService directly: n concurrent users, start then every turn."""
    async with SQLiteStore(db) as store:
        service = DebateService(library, store)
        service.engine(topic_id)  # build the matcher before timing, as the bot run does
        latencies: list[float] = []
        unfinished = 0

        async def user(i: int) -> None:
            nonlocal unfinished
            outcome = await service.start(topic_id, side, user_id=str(i), platform="discord", thread_id=str(i))
            for text in script:
                t0 = time.perf_counter()
                outcome = await service.say(outcome.debate.id, text)
                latencies.append(time.perf_counter() - t0)
            unfinished += outcome.debate.active

        t0 = time.perf_counter()
        await asyncio.gather(*(user(i) for i in range(n)))
        wall = time.perf_counter() - t0
    return {"wall": wall, "turns": len(latencies), "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99), "unfinished": unfinished}  # fmt: skip


# ---------------------------------------------------------------------------------------------- users
async def drive(server, names: list[str], topic_id: str, side: str, script: list[str], timeout: float) -> dict:
    """Every user in parallel: /debate start, the turns (each waiting for the reply), the scorecard."""
    log = server._message_log
    stored_at: dict[int, float] = {}
    append = log.append

    def timed_append(item) -> None:
        stored_at[item.id] = time.perf_counter()
        append(item)

    log.append = timed_append
    replies: list[float] = []
    starts: list[float] = []
    cards: list[float] = []
    failures: list[str] = []
    last = {"reply": 0.0, "card": 0.0}  # when the last reply / scorecard was stored

    def opening_of(uid: int):
        def match(m) -> bool:
            return any(e.get("title") == T.OPENING_TITLE for e in m.embeds) and uid in server.thread_members.get(
                m.channel_id, ()
            )

        return match

    def is_card(m) -> bool:
        return any((e.get("title") or "").startswith("Scorecard") for e in m.embeds)

    async def user(name: str) -> None:
        uid = server.user_id(name)
        try:
            since, t0 = len(log), time.perf_counter()
            await server.send_interaction("debate start", {"topic": topic_id, "side": side}, user_id=uid)
            opening = await server.wait_for_message(opening_of(uid), since=since, timeout=timeout)
            starts.append(stored_at[opening.id] - t0)
            thread = opening.channel_id
            for text in script:
                since, t0 = len(log), time.perf_counter()
                await server.send_message(thread, uid, text)
                reply = await server.wait_for_message(channel_id=thread, since=since, timeout=timeout)
                replies.append(stored_at[reply.id] - t0)
                last["reply"] = max(last["reply"], stored_at[reply.id])
            card = await server.wait_for_message(is_card, channel_id=thread, since=since, timeout=timeout)
            cards.append(stored_at[card.id] - t0)
            last["card"] = max(last["card"], stored_at[card.id])
        except Exception as exc:
            failures.append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")

    begin = time.perf_counter()
    await asyncio.gather(*(user(n) for n in names))
    wall = time.perf_counter() - begin
    log.append = append
    bad = [r for r in server.requests if r.status >= 400]
    failures += [f"REST {r!r}: {str(r.response)[:150]}" for r in bad]
    failures += [f"unknown endpoint {r!r}" for r in server.unknown]
    return {"wall": wall, "replies": replies, "starts": starts, "cards": cards, "failures": failures,
            "requests": len(server.requests), "messages": len(log), "last_reply": last["reply"] - begin,
            "last_card": last["card"] - begin}  # fmt: skip


def new_fake(n: int):
    from tests.discord_fake import FakeDiscord

    names = [f"debater{i:05d}" for i in range(n)]
    return FakeDiscord(users=("teacher", *names)), names


# ---------------------------------------------------------------------------------------------- bot run
class DrawTimer:
    """The argument-map PNGs (bot.argmap_png.render_png, run by the cog in worker threads): count, wall and CPU."""

    def __init__(self) -> None:
        import bot.argmap_png

        self.module, self.orig = bot.argmap_png, bot.argmap_png.render_png
        self.count, self.wall, self.cpu = 0, 0.0, 0.0

    def __enter__(self) -> DrawTimer:
        def render_png(amap, **kwargs):
            w, c = time.perf_counter(), time.thread_time()
            try:
                return self.orig(amap, **kwargs)
            finally:
                self.count += 1
                self.wall += time.perf_counter() - w
                self.cpu += time.thread_time() - c

        self.module.render_png = render_png
        return self

    def __exit__(self, *exc) -> None:
        self.module.render_png = self.orig


async def bot_run(args, library, topic_id, side, script, db: Path) -> dict:
    from tests.discord_harness import BotProcess

    counter = LogCounter()
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.WARNING)
    child = None
    if args.split:
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--serve", str(args.debates), "--topic", args.topic, "--timeout",
            str(args.timeout), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        info = json.loads(await child.stdout.readline())
        server = _RemoteFake(info)
    else:
        fake, names = new_fake(args.debates)
        server = await fake.start()
    proc = BotProcess(server, library, db)
    try:
        with LoopMeter(split="bot" if args.split else False) as meter, DrawTimer() as draw:
            await proc.start()
            proc.bot.service.engine(topic_id)  # the matcher index is built once per process, not timed
            meter.reset()
            cpu0 = cpu_seconds()
            if args.split:
                child.stdin.write(b"go\n")
                await child.stdin.drain()
                result = json.loads(await child.stdout.readline())
            else:
                result = await drive(fake, names, topic_id, side, script, args.timeout)
            result["cpu"] = cpu_seconds() - cpu0
            result["busy"] = dict(meter.busy)
            result["threads"] = len(os.listdir("/proc/self/task"))
            result["draw"] = {"count": draw.count, "wall": draw.wall, "cpu": draw.cpu}
        await proc.stop()
    finally:
        if child is not None:
            child.stdin.close()
            await child.wait()
        else:
            await fake.stop()
        logging.getLogger().removeHandler(counter)
    result["failures"] += [f"log {r}" for r in counter.records]
    async with SQLiteStore(db) as store:
        debates = await store.list_debates(limit=None)
        expected = 1 + 2 * len(script)
        wrong = [d for d in debates if d.status != "completed" or d.turn_count != expected]
    if len(debates) != args.debates or wrong:
        result["failures"].append(f"database: {len(debates)} debates, {len(wrong)} not completed with {expected} turns")
    return result


class _RemoteFake:
    """What BotProcess needs of a FakeDiscord running in the child process (--split)."""

    def __init__(self, info: dict) -> None:
        self.token, self.api_base, self.gateway_url = info["token"], info["api_base"], info["gateway_url"]


async def serve(n: int, topic: str, timeout: float) -> None:
    """--split child: the fake and the users; prints the address, waits for "go", drives, prints the result."""
    _, topic_id, side, script = topic_setup(topic)
    fake, names = new_fake(n)
    server = await fake.start()
    out = {"token": server.token, "api_base": server.api_base, "gateway_url": server.gateway_url}
    print(json.dumps(out), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)
    with LoopMeter(split="fake") as meter:
        cpu0 = cpu_seconds()
        result = await drive(server, names, topic_id, side, script, timeout)
        result["fake_cpu"] = cpu_seconds() - cpu0
        result["fake_busy"] = meter.busy["fake"]
    print(json.dumps(result), flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the bot has stopped
    await server.stop()


# ---------------------------------------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--debates", type=int, default=200)
    ap.add_argument("--topic", default="mini", help="mini (tests/data/topics/mini.yaml) or great-purges")
    ap.add_argument("--split", action="store_true", help="run the fake and the users in a child process")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a user waits for one reply")
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve, args.topic, args.timeout))
        return
    library, topic_id, side, script = topic_setup(args.topic)
    n = args.debates
    print(
        f"{dt.date.today()} {platform.node()}: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
        f"{platform.machine()}; topic {topic_id} (user side {side}), {n} debates x {len(script)} turns, "
        f"{'fake in a child process' if args.split else 'fake in the same process and loop'}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        before = asyncio.run(anchor(library, topic_id, side, script, n, Path(tmp) / "anchor1.sqlite3"))
        run = asyncio.run(bot_run(args, library, topic_id, side, script, Path(tmp) / "bot.sqlite3"))
        after = asyncio.run(anchor(library, topic_id, side, script, n, Path(tmp) / "anchor2.sqlite3"))

    turns = len(run["replies"])
    wall = run["wall"]
    print(
        f"bot:    {n} debates, {turns} turns in {wall:.2f} s = {turns / wall:.0f} turns/s; reply p50 "
        f"{statistics.median(run['replies']) * 1000:.0f} ms, p99 {percentile(run['replies'], 0.99) * 1000:.0f} ms"
        if turns
        else f"bot:    no turn completed in {wall:.2f} s"
    )
    if run["starts"]:
        print(
            f"        /debate start -> opening p50 {statistics.median(run['starts']) * 1000:.0f} ms, p99 "
            f"{percentile(run['starts'], 0.99) * 1000:.0f} ms; last turn -> scorecard (with PNG) p50 "
            f"{statistics.median(run['cards'] or [float('nan')]) * 1000:.0f} ms, p99 "
            f"{percentile(run['cards'], 0.99) * 1000:.0f} ms; {run['requests']} REST requests, "
            f"{run['messages']} messages"
        )
    for label, a in (("before", before), ("after", after)):
        print(
            f"anchor: DebateService direct ({label}): {a['turns']} turns in {a['wall']:.2f} s = "
            f"{a['turns'] / a['wall']:.0f} turns/s; say() p50 {a['p50'] * 1000:.1f} ms, p99 {a['p99'] * 1000:.1f} ms"
            + (f"; {a['unfinished']} UNFINISHED (script does not end the debate)" if a["unfinished"] else "")
        )
    mean = (before["wall"] + after["wall"]) / 2
    print(
        f"ratio:  bot wall / mean anchor wall = {wall / mean:.1f}x; to the last reply (scorecards excluded) "
        f"{run['last_reply'] / mean:.1f}x"
    )
    busy = run["busy"]
    if args.split:
        print(
            f"share:  bot process: loop busy {busy['bot'] / wall:.0%} of the wall time, CPU {run['cpu'] / wall:.0%} "
            f"({run['threads']} threads); fake process (server + users): loop busy {run['fake_busy'] / wall:.0%}, "
            f"CPU {run['fake_cpu'] / wall:.0%}"
        )
    else:
        print(
            f"share:  loop busy {(busy['fake'] + busy['bot']) / wall:.0%} of the wall time: fake (server + users) "
            f"{busy['fake'] / wall:.0%}, bot {busy['bot'] / wall:.0%}; process CPU {run['cpu'] / wall:.0%} of the "
            f"wall time ({run['threads']} threads; worker threads are CPU outside the loop)"
        )
    draw = run["draw"]
    if draw["count"]:
        print(
            f"        argument maps: {draw['count']} PNGs drawn in worker threads, {draw['cpu']:.1f} s CPU "
            f"({draw['cpu'] / draw['count'] * 1000:.0f} ms each, {draw['cpu'] / wall:.0%} of the wall time), "
            f"{draw['wall'] / draw['count'] * 1000:.0f} ms wall each; last reply stored at {run['last_reply']:.1f} s, "
            f"last scorecard at {run['last_card']:.1f} s"
        )
    print(f"errors: {len(run['failures'])}")
    for failure in run["failures"][:10]:
        print(f"    {failure}")


if __name__ == "__main__":
    main()
