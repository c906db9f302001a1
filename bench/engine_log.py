"""Engine + log benchmark: turns per second and turn latency with many debates at once.

Method: for each concurrency C (default 1, 100 and 1,000), a fresh SQLite file (WAL, synchronous=NORMAL,
the store's own pragmas) gets C debates on the shipped topic (created before timing). Then every debate
sends its user turns one after the other (the shipped topic's format: 5 turns, chat-style messages from
tests/data/chat_eval.yaml), all C debates at once on one event loop, through DebateService.say: match,
engine, and the user turn and reply committed in one transaction. A turn's latency is from the call to
the reply being ready and committed. Anchor, measured in the same run on a fresh file with the same
pragmas and the same concurrency: the raw ceiling of that SQLite file through the same driver: per turn,
two plain INSERTs (the user's text and a reply-sized text) and one COMMIT, nothing else.
Ratios: service turns/s over ceiling turns/s (target >= 70 %); p99 at 100 debates (target <= 10 ms).
The runs above are closed loop (every debate sends its next turn the moment it has a reply), so latency at
100 and 1,000 debates is mostly queueing behind the others. A second set of runs is open loop: each
debater waits a random (exponential) think time, mean --think seconds, before each turn, which is what
many students debating at once look like; their p99 is the latency a student sees.

usage: python bench/engine_log.py [--concurrency 1,100,1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiosqlite
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.engine import DebateState  # noqa: E402
from bot.service import DebateService  # noqa: E402
from bot.storage.sqlite import PRAGMAS, SQLiteStore  # noqa: E402
from bot.topic_files import TopicLibrary, default_topics_dir  # noqa: E402

_EVAL = yaml.safe_load((ROOT / "tests/data/chat_eval.yaml").read_text())["messages"]
MESSAGES = [m["text"] for m in _EVAL if m["labels"]]
REPLY = "x" * 900  # about the size of a bot reply


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(q * len(values)) - 1)]


async def service_run(db: Path, concurrency: int, think: float = 0.0) -> tuple[float, list[float], int]:
    library = TopicLibrary.load(default_topics_dir())
    async with SQLiteStore(db) as store:
        service = DebateService(library, store)
        ids = [
            (await service.start("great-purges", "stalin", seed=i, user_id=str(i), platform="discord")).debate.id
            for i in range(concurrency)
        ]
        first = await store.get_debate(ids[0])
        turns = service.engine("great-purges").turns_left(DebateState.from_dict(first.state))
        latencies: list[float] = []

        rng = random.Random(k_seed := 7)

        async def debate(k: int, debate_id: int) -> None:
            for n in range(turns):
                if think:  # open loop: a debater thinks (exponential, mean `think` s) before each turn
                    await asyncio.sleep(rng.expovariate(1 / think))
                text = MESSAGES[(k * 7 + n + k_seed) % len(MESSAGES)]
                t0 = time.perf_counter()
                await service.say(debate_id, text, message_id=f"{debate_id}-{n}")
                latencies.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(debate(k, i) for k, i in enumerate(ids)))
        wall = time.perf_counter() - t0
        return wall, latencies, turns


async def ceiling_run(db: Path, concurrency: int, turns: int) -> tuple[float, list[float]]:
    async with aiosqlite.connect(db, isolation_level=None) as conn:
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, debate INTEGER, n INTEGER, text TEXT)")
        lock = asyncio.Lock()  # one connection: transactions must not interleave (as in the store)
        latencies: list[float] = []

        async def debate(k: int) -> None:
            for n in range(turns):
                t0 = time.perf_counter()
                async with lock:
                    await conn.execute("BEGIN IMMEDIATE")
                    await conn.execute("INSERT INTO t (debate, n, text) VALUES (?,?,?)", (k, n, MESSAGES[n]))
                    await conn.execute("INSERT INTO t (debate, n, text) VALUES (?,?,?)", (k, n, REPLY))
                    await conn.execute("COMMIT")
                latencies.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(debate(k) for k in range(concurrency)))
        return time.perf_counter() - t0, latencies


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", default="1,100,1000")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between a debater's turns (open loop)")
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d')} {platform.node()}: python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    for c in [int(x) for x in args.concurrency.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            wall, lat, turns = await service_run(Path(tmp) / "service.sqlite3", c)
            cwall, clat = await ceiling_run(Path(tmp) / "ceiling.sqlite3", c, turns)
        total = c * turns
        rate, crate = total / wall, total / cwall
        print(
            f"{c:>5} debates x {turns} turns: service {rate:,.0f} turns/s, p50 {statistics.median(lat):.2f} ms, "
            f"p99 {pct(lat, 0.99):.2f} ms | ceiling {crate:,.0f} turns/s, p99 {pct(clat, 0.99):.2f} ms | "
            f"service/ceiling {rate / crate:.0%}"
        )
    for c in [int(x) for x in args.concurrency.split(",") if int(x) > 1]:
        with tempfile.TemporaryDirectory() as tmp:
            wall, lat, turns = await service_run(Path(tmp) / "paced.sqlite3", c, think=args.think)
        print(
            f"{c:>5} debates at a human pace (a turn every {args.think:g} s on average, open loop): "
            f"{c * turns / wall:,.0f} turns/s offered, p50 {statistics.median(lat):.2f} ms, p99 {pct(lat, 0.99):.2f} ms"
        )


if __name__ == "__main__":
    asyncio.run(main())
