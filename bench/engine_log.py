"""Engine + log benchmark: turns per second and turn latency with many debates at once, against honest anchors.

Method. For each concurrency C (default 1 and 100), repeated R times (default 5; median and range reported):
  - service: a fresh SQLite file (the store's schema and PRAGMAs) gets C debates on the shipped topic (made
    before timing). Every debate then sends its user turns one after the other (the shipped format: 5 turns,
    chat-style messages from tests/data/chat_eval.yaml), all C at once on one event loop, through
    DebateService.say: match, engine, and the user turn and reply committed in one transaction before the
    reply is returned.
  - same-driver ceiling: a fresh file made the same way (same schema, PRAGMAs and C debates), then the very
    statements the store runs for those exchanges (SQLiteStore's exchange: BEGIN IMMEDIATE, the two turns
    numbered by the MAX(number) subquery, the debate row's UPDATE with the state JSON, COMMIT; both unique
    indexes and the foreign key checked), with the rows the service run stored (same texts, same sizes, the
    same state JSON), through aiosqlite in one call per exchange as the store does, under the same write lock,
    all C debates at once on one event loop. Nothing else: no matching, no composing.
  - single-thread floor: the same statements and rows with the standard sqlite3 module in one thread, no
    event loop: the physical floor of that work on this machine.
  Each service figure is given as a ratio to both, per repeat; the spread is max / min over the repeats.
Open loop: C debaters each wait a random (exponential) think time, mean --think seconds, before each turn
(what many students debating at once look like); its p99 is the latency a student sees.
PostgreSQL (with --pg URL, a server where the user may CREATE DATABASE): the service over PostgresStore
against asyncpg running the store's statements (SELECT ... FOR UPDATE, MAX(number), the executemany, the
UPDATE) in one transaction per exchange, on a fresh database each.

usage: python bench/engine_log.py [--concurrency 1,100] [--repeats 5] [--think 1.0] [--pg postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import sqlite3
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
from bot.storage.rows import TURN_FIELDS  # noqa: E402
from bot.storage.sqlite import PRAGMAS, SQLiteStore, _exchange  # noqa: E402
from bot.topic_files import TopicLibrary, default_topics_dir  # noqa: E402

_EVAL = yaml.safe_load((ROOT / "tests/data/chat_eval.yaml").read_text())["messages"]
MESSAGES = [m["text"] for m in _EVAL if m["labels"]]
LIBRARY = TopicLibrary.load(default_topics_dir())


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(q * len(values)) - 1)]


async def make_debates(service: DebateService, concurrency: int) -> list[int]:
    return [
        (await service.start("great-purges", "stalin", seed=i, user_id=str(i), platform="discord")).debate.id
        for i in range(concurrency)
    ]


async def service_run(store, concurrency: int, think: float = 0.0) -> tuple[float, list[float], int]:
    service = DebateService(LIBRARY, store)
    ids = await make_debates(service, concurrency)
    first = await store.get_debate(ids[0])
    turns = service.engine("great-purges").turns_left(DebateState.from_dict(first.state))
    latencies: list[float] = []
    rng = random.Random(7)

    async def debate(k: int, debate_id: int) -> None:
        for n in range(turns):
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))
            text = MESSAGES[(k * 7 + n + 7) % len(MESSAGES)]
            t0 = time.perf_counter()
            await service.say(debate_id, text, message_id=f"{debate_id}-{n}")
            latencies.append((time.perf_counter() - t0) * 1000)

    t0 = time.perf_counter()
    await asyncio.gather(*(debate(k, i) for k, i in enumerate(ids)))
    return time.perf_counter() - t0, latencies, turns


def stored_exchanges(db: Path) -> dict[int, list[tuple[list[tuple], str, str]]]:
    """The exchanges a service run stored: per debate, [(the two turns' TURN_FIELDS rows, state JSON, status)]."""
    conn = sqlite3.connect(db)
    out: dict[int, list] = {}
    rows = conn.execute(
        f"SELECT debate_id, number, {TURN_FIELDS} FROM turns WHERE number > 1 ORDER BY debate_id, number"
    )
    by_debate: dict[int, list[tuple]] = {}
    for r in rows:
        by_debate.setdefault(r[0], []).append(tuple(r[2:]))
    states = dict(conn.execute("SELECT id, state FROM debates"))
    conn.close()
    for debate_id, turns in by_debate.items():
        out[debate_id] = [(turns[i : i + 2], states[debate_id], "active") for i in range(0, len(turns), 2)]
    return out


def _fresh(row: tuple, n: int) -> tuple:
    """A stored turn's fields with a new message id (the unique index must accept it) and time."""
    fields = list(row)
    names = [f.strip() for f in TURN_FIELDS.split(",")]
    if fields[names.index("message_id")] is not None:
        fields[names.index("message_id")] = f"c-{n}-{fields[names.index('message_id')]}"
    fields[names.index("created_at")] = "2026-12-03T00:00:00.000+00:00"
    return tuple(fields)


async def prepared_file(db: Path, concurrency: int) -> list[int]:
    async with SQLiteStore(db) as store:  # the same schema, PRAGMAs and debates as the service run
        return await make_debates(DebateService(LIBRARY, store), concurrency)


async def ceiling_run(db: Path, ids: list[int], work: dict) -> tuple[float, list[float]]:
    """The store's exchange statements through aiosqlite, one call per exchange, under one write lock."""
    async with aiosqlite.connect(db, isolation_level=None) as conn:
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        lock = asyncio.Lock()
        latencies: list[float] = []
        exchanges = list(work.values())

        async def debate(k: int, debate_id: int) -> None:
            for n, (turns, state, status) in enumerate(exchanges[k % len(exchanges)]):
                rows = [(debate_id, debate_id, *_fresh(t, n)) for t in turns]
                update = (state, status, f"2026-12-03T00:00:{n:02d}", None, None, debate_id)
                t0 = time.perf_counter()
                async with lock:
                    await conn._execute(_exchange, conn._conn, debate_id, rows, update, None)
                latencies.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        await asyncio.gather(*(debate(k, i) for k, i in enumerate(ids)))
        return time.perf_counter() - t0, latencies


def floor_run(db: Path, ids: list[int], work: dict) -> float:
    """The same statements and rows with sqlite3 in one thread, no event loop."""
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    exchanges = list(work.values())
    t0 = time.perf_counter()
    for n in range(max(len(e) for e in exchanges)):  # round robin over the debates, as the others interleave
        for k, debate_id in enumerate(ids):
            mine = exchanges[k % len(exchanges)]
            if n < len(mine):
                turns, state, status = mine[n]
                rows = [(debate_id, debate_id, *_fresh(t, n)) for t in turns]
                _exchange(
                    conn, debate_id, rows, (state, status, f"2026-12-03T00:00:{n:02d}", None, None, debate_id), None
                )
    wall = time.perf_counter() - t0
    conn.close()
    return wall


async def sqlite_repeat(concurrency: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        async with SQLiteStore(tmp / "service.sqlite3") as store:
            wall, lat, turns = await service_run(store, concurrency)
        work = stored_exchanges(tmp / "service.sqlite3")
        total = sum(len(v) for v in work.values())
        ids = await prepared_file(tmp / "ceiling.sqlite3", concurrency)
        cwall, clat = await ceiling_run(tmp / "ceiling.sqlite3", ids, work)
        ids = await prepared_file(tmp / "floor.sqlite3", concurrency)
        fwall = floor_run(tmp / "floor.sqlite3", ids, work)
    return {
        "rate": total / wall,
        "ceiling": total / cwall,
        "floor": total / fwall,
        "p50": statistics.median(lat),
        "p99": pct(lat, 0.99),
        "cp99": pct(clat, 0.99),
        "turns": turns,
    }


def summary(values: list[float], fmt: str = "{:,.0f}") -> str:
    return f"{fmt.format(statistics.median(values))} (range {fmt.format(min(values))}-{fmt.format(max(values))})"


async def pg_repeat(admin: str, concurrency: int) -> dict:
    import asyncpg

    from bot.storage.postgres import PostgresStore
    from bot.storage.rows import turn_fields  # noqa: F401  (the rows below are the stored ones)

    async def fresh_db() -> str:
        name = f"cp_bench_{secrets.token_hex(4)}"
        conn = await asyncpg.connect(admin)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        return admin.rsplit("/", 1)[0] + "/" + name

    async def drop(url: str) -> None:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        await conn.close()

    url = await fresh_db()
    try:
        async with PostgresStore(url) as store:
            wall, lat, _turns = await service_run(store, concurrency)
            async with store._conn() as conn:
                rows = await conn.fetch(
                    f"SELECT debate_id, {TURN_FIELDS} FROM turns WHERE number > 1 ORDER BY debate_id, number"
                )
                states = {r[0]: r[1] for r in await conn.fetch("SELECT id, state FROM debates")}
        total = len(rows) // 2
    finally:
        await drop(url)
    work = [tuple(r[1:]) for r in rows]
    url = await fresh_db()
    try:
        async with PostgresStore(url) as store:
            ids = await make_debates(DebateService(LIBRARY, store), concurrency)
        pool = await asyncpg.create_pool(url, min_size=1, max_size=10)
        per = total // concurrency
        insert = (
            f"INSERT INTO turns (debate_id, number, {TURN_FIELDS}) VALUES "
            "($1, $2, $3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)"
        )
        names = [f.strip() for f in TURN_FIELDS.split(",")]

        async def debate(k: int, debate_id: int) -> None:
            for n in range(per):
                pair = [list(work[(k * per + n) * 2 + j]) for j in (0, 1)]
                for t in pair:
                    if t[names.index("message_id")] is not None:
                        t[names.index("message_id")] = f"c-{debate_id}-{n}"
                async with pool.acquire() as conn, conn.transaction():
                    await conn.fetchval("SELECT id FROM debates WHERE id = $1 FOR UPDATE", debate_id)
                    last = await conn.fetchval(
                        "SELECT COALESCE(MAX(number), 0) FROM turns WHERE debate_id = $1", debate_id
                    )
                    await conn.executemany(insert, [(debate_id, last + i, *t) for i, t in enumerate(pair, 1)])
                    await conn.execute(
                        "UPDATE debates SET state = $1, status = 'active', updated_at = $2 WHERE id = $3",
                        states[debate_id], f"t{n}", debate_id,
                    )  # fmt: skip

        t0 = time.perf_counter()
        await asyncio.gather(*(debate(k, i) for k, i in enumerate(ids)))
        cwall = time.perf_counter() - t0
        await pool.close()
    finally:
        await drop(url)
    return {"rate": total / wall, "ceiling": total / cwall, "p99": pct(lat, 0.99)}


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", default="1,100")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between a debater's turns (open loop)")
    ap.add_argument("--pg", help="a PostgreSQL server URL (a user who may CREATE DATABASE) to bench that store too")
    args = ap.parse_args()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')} {platform.node()}: python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
        f"load average {os.getloadavg()[0]:.2f}; {args.repeats} repeats each"
    )
    for c in [int(x) for x in args.concurrency.split(",")]:
        runs = [await sqlite_repeat(c) for _ in range(args.repeats)]
        rate = [r["rate"] for r in runs]
        to_ceiling = [r["rate"] / r["ceiling"] for r in runs]
        to_floor = [r["rate"] / r["floor"] for r in runs]
        print(
            f"SQLite, {c:>4} debates x {runs[0]['turns']} turns: service {summary(rate)} turns/s, spread "
            f"{max(rate) / min(rate):.2f}x; p50 {summary([r['p50'] for r in runs], '{:.2f}')} ms, p99 "
            f"{summary([r['p99'] for r in runs], '{:.2f}')} ms\n"
            f"    same-driver ceiling {summary([r['ceiling'] for r in runs])} turns/s (p99 "
            f"{summary([r['cp99'] for r in runs], '{:.2f}')} ms); single-thread floor "
            f"{summary([r['floor'] for r in runs])} turns/s\n"
            f"    service / ceiling {summary(to_ceiling, '{:.0%}')}; service / floor {summary(to_floor, '{:.0%}')}"
        )
    for c in [int(x) for x in args.concurrency.split(",") if int(x) > 1]:
        p99s = []
        for _ in range(args.repeats):
            with tempfile.TemporaryDirectory() as tmp:
                async with SQLiteStore(Path(tmp) / "paced.sqlite3") as store:
                    _wall, lat, _turns = await service_run(store, c, think=args.think)
            p99s.append(pct(lat, 0.99))
        print(
            f"SQLite, {c:>4} debates at a human pace (a turn every {args.think:g} s on average, open loop): "
            f"p99 {summary(p99s, '{:.2f}')} ms"
        )
    if args.pg:
        for c in [int(x) for x in args.concurrency.split(",")]:
            runs = [await pg_repeat(args.pg, c) for _ in range(args.repeats)]
            print(
                f"PostgreSQL, {c:>4} debates: service {summary([r['rate'] for r in runs])} turns/s, p99 "
                f"{summary([r['p99'] for r in runs], '{:.2f}')} ms | asyncpg, the store's statements: "
                f"{summary([r['ceiling'] for r in runs])} turns/s | service / asyncpg "
                f"{summary([r['rate'] / r['ceiling'] for r in runs], '{:.0%}')}"
            )


if __name__ == "__main__":
    asyncio.run(main())
