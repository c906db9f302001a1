"""Memory and start-up benchmark: the real bot process with many unfinished debates, and with a long log.

Method: databases are built in a temporary directory. Active ones hold 0, 1,000 and 10,000 unfinished
Discord debates on the shipped great-purges topic, each with its opening and 2 exchanges, written through
SQLiteStore.create_debate / record_exchange (the drafts and states are those of one real debate played
through DebateService, so the rows are what the bot writes). The long log holds 100,000 finished debates
written faster: plain INSERTs (executemany, one transaction, one sqlite3 connection) of the rows of one
real completed debate (its final state JSON, participant and every turn), matching the schema of
bot/storage/migrations/*.sql, with unique thread and message ids.

Each measurement starts a fresh bot process (python bench/memory.py --child, which imports the bot, loads
the shipped topics, opens the store, builds DebateService and CounterpointBot as `counterpoint run` does)
against a FakeDiscord served by this (parent) process on 127.0.0.1. The child waits until the client is
ready (polled every 10 ms) with restore() done (setup_hook, before the gateway connects), then reads
VmRSS and VmHWM (peak) from /proc/self/status and prints them. discord.py's wait for more GUILD_CREATEs
before READY is set to 50 ms (guild_ready_timeout; 2 s by default, the same for every database), the
only option not at its production value. Start-up time is measured by this process: spawn -> the child's
report (interpreter start, imports and all); median of --repeat runs. Anchors, in the same run: the bot
with an empty database (RSS ratio; start-up ratio).

usage: python bench/memory.py [--active 0,1000,10000] [--finished 100000] [--repeat 3] [--minutes 0]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPIC = "great-purges"
GUILD, CHANNEL = "1100000000000000001", "1100000000000000002"  # ids of the debates' server and channel
RSS_TARGET_MB, START_TARGET_S = 150, 2.0


# ---------------------------------------------------------------------------------------------- one real debate
async def record_real_debate(exchanges: int | None) -> dict:
    """The store calls of one real debate through DebateService (None: play it to the end)."""
    import yaml

    from bot.service import DebateService
    from bot.storage.sqlite import SQLiteStore
    from bot.topic_files import TopicLibrary, default_topics_dir

    calls: dict = {"exchanges": []}

    class Recording(SQLiteStore):
        async def create_debate(self, new, state, opening):
            calls.update(new=new, state0=state, opening=opening)
            return await super().create_debate(new, state, opening)

        async def record_exchange(self, debate_id, turns, state, status, *, deadline=None):
            calls["exchanges"].append((list(turns), state, status))
            await super().record_exchange(debate_id, turns, state, status, deadline=deadline)

    library = TopicLibrary.load(default_topics_dir())
    topic = library.get(TOPIC)
    side = topic.sides[1].id
    sides = {c.id: c.side for c in topic.claims}
    messages = yaml.safe_load((ROOT / "tests" / "data" / "dev.yaml").read_text())["messages"]
    script = [m["text"] for m in messages if m["labels"] and all(sides.get(c) == side for c in m["labels"])]
    async with Recording(":memory:") as store:
        service = DebateService(library, store)
        outcome = await service.start(TOPIC, side, seed=7, platform="discord", user_id="1", user_name="student")
        for text in script[: exchanges if exchanges is not None else len(script)]:
            if not outcome.debate.active:
                break
            outcome = await service.say(outcome.debate.id, text, author="student")
        if exchanges is None and outcome.debate.active:
            raise RuntimeError("the script did not finish the debate")
        calls["turns"] = await store.turns(outcome.debate.id)
        calls["record"] = outcome.debate
    return calls


async def build_active(path: Path, n: int, real: dict, minutes: int) -> None:
    """n unfinished Discord debates (opening + the real debate's exchanges) through the store's own writes."""
    from dataclasses import replace

    from bot.service import deadline_after
    from bot.storage.sqlite import SQLiteStore

    seconds = minutes * 60 or None
    async with SQLiteStore(path) as store:
        for i in range(n):
            new = replace(real["new"], guild_id=GUILD, channel_id=CHANNEL, thread_id=str(1200000000000000000 + i),
                          user_id=str(1300000000000000000 + i), turn_seconds=seconds,
                          deadline=deadline_after(seconds))  # fmt: skip
            record = await store.create_debate(new, real["state0"], real["opening"])
            for turns, state, status in real["exchanges"]:
                turns = [replace(t, message_id=f"{i}-{t.text[:8]}-{k}") if t.speaker == "user" else t
                         for k, t in enumerate(turns)]  # fmt: skip
                await store.record_exchange(record.id, turns, state, status, deadline=deadline_after(seconds))


def build_finished(path: Path, n: int, real: dict) -> None:
    """n finished debates as plain INSERTs in one transaction (the schema made by opening the store first)."""
    rec, turns = real["record"], real["turns"]
    state = json.dumps(rec.state)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("BEGIN")
    first = (con.execute("SELECT COALESCE(MAX(id), 0) FROM debates").fetchone()[0]) + 1
    ids = range(first, first + n)
    ts = rec.created_at
    con.executemany(
        "INSERT INTO debates (id, topic_id, topic_hash, user_side, bot_side, seed, rebuttal_rounds, status, platform,"
        " guild_id, channel_id, thread_id, state, created_at, updated_at, finished_at, turn_seconds, deadline)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,NULL)",
        ((i, rec.topic_id, rec.topic_hash, rec.user_side, rec.bot_side, i, rec.rebuttal_rounds, rec.status,
          "discord", GUILD, CHANNEL, str(1400000000000000000 + i), state, ts, ts, ts) for i in ids),
    )  # fmt: skip
    con.executemany(
        "INSERT INTO participants (debate_id, user_id, display_name, role, side) VALUES (?,?,?,?,?)",
        ((i, str(1500000000000000000 + i % 5000), rec.user_name, "debater", rec.user_side) for i in ids),
    )
    con.executemany(
        "INSERT INTO turns (debate_id, number, phase, round, speaker, author, text, kind, counted, claims, scores,"
        " lines, roles, sources, message_id, created_at, author_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ((i, t.number, t.phase, t.round, t.speaker, t.author, t.text, t.kind, int(t.counted), json.dumps(t.claims),
          json.dumps(t.scores), json.dumps(t.lines), json.dumps(t.roles), json.dumps(t.sources),
          f"{i}-{t.number}" if t.speaker == "user" else None, ts, None)
         for i in ids for t in turns),
    )  # fmt: skip
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


async def make_db(path: Path, active: int, finished: int, real_active: dict, real_done: dict, minutes: int) -> float:
    from bot.storage.sqlite import SQLiteStore

    t0 = time.perf_counter()
    async with SQLiteStore(path):  # the schema, by the migrations
        pass
    if finished:
        build_finished(path, finished, real_done)
    if active:
        await build_active(path, active, real_active, minutes)
    return time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------- the bot process
async def child(db: str, api_base: str, gateway_url: str, token: str) -> None:
    """The bot as `counterpoint run` starts it; prints what it restored, its memory and its phases."""
    t0 = time.perf_counter()
    from bot.discordbot.client import CounterpointBot, configure_endpoints
    from bot.discordbot.cog import DebateCog
    from bot.service import DebateService
    from bot.settings import Settings
    from bot.storage.sqlite import SQLiteStore
    from bot.topic_files import TopicLibrary, default_topics_dir
    from bot.web.links import LinkSigner, load_secret
    from tests.discord_fake import stop_client, wait_until_ready

    phases = {"imports": time.perf_counter() - t0}
    restore = DebateCog.restore

    async def timed_restore(self):
        start = time.perf_counter()
        count = await restore(self)
        phases["restore"] = time.perf_counter() - start
        return count

    DebateCog.restore = timed_restore
    settings = Settings(
        db_path=Path(db),
        topics_dir=default_topics_dir(),
        discord_token=token,
        discord_api_base=api_base,
        discord_gateway_url=gateway_url,
        web_secret="bench-memory-link-secret",
    )
    library = TopicLibrary.load(settings.topics_dir)
    phases["topics"] = time.perf_counter() - t0 - phases["imports"]
    store = SQLiteStore(settings.db_path)
    await store.open()
    try:  # the store's thread must end, or the process never exits
        configure_endpoints(settings)
        links = LinkSigner(load_secret(settings), settings.web_url)
        bot = CounterpointBot(settings, DebateService(library, store), links=links, guild_ready_timeout=0.05)
        task = asyncio.create_task(bot.start(token))
        try:
            await wait_until_ready(bot, task, 120)
            phases["ready"] = time.perf_counter() - t0
            cog = bot.get_cog("DebateCog")
            lines = Path("/proc/self/status").read_text().splitlines()
            status = dict(line.split(":", 1) for line in lines)
            out = {"restored": len(cog.threads), "timers": len(cog.timers.tasks), "phases": phases,
                   "rss_kb": int(status["VmRSS"].split()[0]), "hwm_kb": int(status["VmHWM"].split()[0])}  # fmt: skip
            print(json.dumps(out), flush=True)
        finally:
            await stop_client(bot, task, 10)
    finally:
        await store.close()


async def start_bot(server, db: Path) -> dict:
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", str(db), server.api_base, server.gateway_url, server.token,
        stdout=asyncio.subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 300)
    except TimeoutError:
        proc.kill()
        line = b""
    wall = time.perf_counter() - t0
    await proc.wait()
    if proc.returncode or not line:
        raise RuntimeError(f"the bot process failed (exit {proc.returncode})")
    return {**json.loads(line), "wall": wall}


# ---------------------------------------------------------------------------------------------- main
async def run(args, tmp: Path) -> None:
    from tests.discord_fake import FakeDiscord

    real_active = await record_real_debate(2)
    real_done = await record_real_debate(None)
    state = len(json.dumps(real_done["record"].state))
    print(
        f"one real debate: {len(real_done['turns'])} turns when finished, final state {state} bytes of JSON; "
        f"the active ones: opening + {len(real_active['exchanges'])} exchanges"
    )
    dbs = {}
    for n in args.active:
        path = tmp / f"active-{n}.sqlite3"
        took = await make_db(path, n, 0, real_active, real_done, args.minutes)
        dbs[n] = path
        print(f"built {n:>6} active debates in {took:5.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    log = tmp / "finished.sqlite3"
    took = await make_db(log, 0, args.finished, real_active, real_done, 0)
    size = log.stat().st_size / 1e6
    print(f"built {args.finished:>6} finished debates in {took:5.1f} s ({size:.0f} MB, executemany)")

    async with FakeDiscord() as server:
        results, long = {n: [] for n in dbs}, []
        for _ in range(args.repeat):  # interleaved, so that drift of the machine hits every database alike
            for n, path in dbs.items():
                results[n].append(await start_bot(server, path))
            long.append(await start_bot(server, log))
        assert not server.unknown, server.unknown
    base = results[0]

    def med(runs, key):
        return statistics.median(r[key] for r in runs)

    def phase(runs, key):
        return statistics.median(r["phases"].get(key, float("nan")) for r in runs)

    anchor_rss = med(base, "rss_kb")
    print(f"memory (median of {args.repeat} processes; anchor: 0 active, the same bot on an empty database)")
    for n, runs in results.items():
        rss, hwm = med(runs, "rss_kb"), med(runs, "hwm_kb")
        extra = f", {(rss - anchor_rss) / n:+.1f} KB per debate" if n else ""
        target = f" (target <= {RSS_TARGET_MB} MB at 1,000)" if n == 1000 else ""
        print(
            f"  {n:>6} active: restored {runs[0]['restored']:>6}, timers {runs[0]['timers']:>6}; "
            f"RSS {rss / 1024:6.1f} MB = {rss / anchor_rss:.2f}x empty{extra}; peak {hwm / 1024:6.1f} MB{target}; "
            f"restore {phase(runs, 'restore') * 1000:.0f} ms, start-up {med(runs, 'wall'):.2f} s"
        )
    print(f"start-up: process spawn -> ready with restore() done (median of {args.repeat})")
    for label, runs in (("empty database (anchor)", base), (f"{args.finished:,} finished ({size:.0f} MB)", long)):
        each = ", ".join(f"{r['wall']:.2f}" for r in runs)
        print(
            f"  {label}: {med(runs, 'wall'):.2f} s (runs {each}); in it: imports {phase(runs, 'imports'):.2f} s, "
            f"topics {phase(runs, 'topics'):.2f} s, restore {phase(runs, 'restore') * 1000:.0f} ms "
            f"({runs[0]['restored']} restored); RSS {med(runs, 'rss_kb') / 1024:.1f} MB"
        )
    ratio = med(long, "wall") / med(base, "wall")
    print(f"  ratio {ratio:.2f}x the empty database (target <= {START_TARGET_S:.0f} s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--active", default="0,1000,10000", help="comma-separated counts of unfinished debates")
    ap.add_argument("--finished", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="bot processes started per database")
    ap.add_argument("--minutes", type=int, default=0, help="per-turn time limit of the active debates (timers)")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        asyncio.run(child(*args.child))
        return
    args.active = sorted({0, *(int(x) for x in args.active.split(","))})  # 0 active: the anchor
    print(
        f"{dt.date.today()} {platform.node()}: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
        f"{platform.machine()}, sqlite {sqlite3.sqlite_version}; topic {TOPIC}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
