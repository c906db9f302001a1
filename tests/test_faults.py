"""Faults of the log: a full or read-only disk, an online backup while debates run, and kill -9 of a
process in the middle of many concurrent debates, restarted again and again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.service import DebateService
from bot.storage import SQLiteStore, StorageUnavailable

WORKER = Path(__file__).parent / "fault_worker.py"
ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def disk_full_beyond(*paths: Path):
    """No file may grow past its current size (plus a little): writes fail as on a full disk (EFBIG)."""
    limit = max(p.stat().st_size for p in paths if p.exists()) + 512
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, previous)


async def test_full_disk_is_a_clear_error_and_keeps_no_partial_turn(mini_library, tmp_path):
    path = tmp_path / "full.sqlite3"
    async with SQLiteStore(path) as store:
        service = DebateService(mini_library, store)
        debate = (await service.start("school-uniforms", "con", platform="discord", thread_id="1")).debate
        before = await store.turns(debate.id)
        text = "uniforms cost too much for poor families"
        with disk_full_beyond(path, Path(f"{path}-wal")):
            for _ in range(3):  # keeps failing cleanly, never half-written
                with pytest.raises(StorageUnavailable, match="cannot be written"):
                    await service.say(debate.id, text, message_id="m1")
            assert await store.turns(debate.id) == before
            assert (await store.get_debate(debate.id)).state == debate.state
        # space again: the same message goes through, once
        assert await service.say(debate.id, text, message_id="m1") is not None
        assert len(await store.turns(debate.id)) == len(before) + 2
        assert await store.integrity_check() == "ok"


async def test_read_only_database_is_a_clear_error(mini_library, tmp_path):
    path = tmp_path / "ro.sqlite3"
    async with SQLiteStore(path) as store:
        service = DebateService(mini_library, store)
        debate = (await service.start("school-uniforms", "con")).debate
    async with SQLiteStore(path) as store:
        await store.db.execute("PRAGMA query_only = ON")  # what a read-only file or mount does to writes
        service = DebateService(mini_library, store)
        with pytest.raises(StorageUnavailable, match="readonly|read-only|query_only"):
            await service.say(debate.id, "uniforms cost too much", message_id="x")
        assert len(await store.turns(debate.id)) == 1


async def test_online_backup_while_debates_run_and_restore(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "live.sqlite3") as store:
        service = DebateService(mini_library, store)
        ids = [(await service.start("school-uniforms", "con", user_id=str(i))).debate.id for i in range(20)]

        async def talk(debate_id: int) -> None:
            for n in range(3):
                await service.say(debate_id, "uniforms cost too much for poor families", message_id=f"{debate_id}-{n}")
                await asyncio.sleep(0)

        backups = []

        async def back_up() -> None:
            for n in range(3):
                backups.append(await store.backup(tmp_path / f"backup-{n}.sqlite3"))
                await asyncio.sleep(0.005)

        await asyncio.gather(*(talk(i) for i in ids), back_up())
        final = await store.backup(tmp_path / "final.sqlite3")
        expected = {i: [t.text for t in await store.turns(i)] for i in ids}
    for path in [*backups, final]:
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # a backup is a consistent cut: every debate has whole exchanges (odd count: opening + pairs)
        for (count,) in con.execute("SELECT COUNT(*) FROM turns GROUP BY debate_id"):
            assert count % 2 == 1
        con.close()
    # restore: the final backup opens as a store with everything in it
    async with SQLiteStore(final) as restored:
        for i in ids:
            assert [t.text for t in await restored.turns(i)] == expected[i]


def test_kill_9_during_50_concurrent_debates_restarted_20_times(tmp_path):
    """A worker process runs 50 debates at once through the real service and log, printing each message
    id once its turn is committed (the moment the bot would show the reply). It is killed with SIGKILL at
    random moments and restarted; each run resends every message not yet in the log."""
    db = tmp_path / "kill.sqlite3"
    rng = random.Random(1234)
    answered: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in range(21):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(db), "50", "4"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        if run < 20:
            time.sleep(rng.uniform(0.15, 0.6))
            proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        if run == 20:
            assert proc.returncode == 0, err
            assert "ALL DONE" in out
        answered += [line.split()[1] for line in out.splitlines() if line.startswith("ANSWERED ")]
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [r[0] for r in con.execute("SELECT message_id FROM turns WHERE message_id IS NOT NULL")]
        assert len(stored) == len(set(stored)), "a message was stored twice"
        assert set(answered) <= set(stored), "a turn that was answered is missing from the log"
        assert len(set(stored)) == 50 * 4, "some debate did not resume to the end"
        statuses = dict(con.execute("SELECT status, COUNT(*) FROM debates GROUP BY status").fetchall())
        assert statuses == {"completed": 50}
        # every debate is whole: opening + (user, bot) pairs, numbered without gaps
        for debate_id, count, top in con.execute(
            "SELECT debate_id, COUNT(*), MAX(number) FROM turns GROUP BY debate_id"
        ):
            assert count == top and count % 2 == 1, debate_id
    finally:
        con.close()
    assert len(answered) >= 50  # the kills really happened mid-run, after some answers
