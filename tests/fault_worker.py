"""Worker of the kill -9 test (tests/test_faults.py): N debates at once through the real service and log.

usage: python tests/fault_worker.py DB N_DEBATES TURNS

Each debate belongs to user i and sends messages "i-0", "i-1", ... (platform message ids). A message
already in the log is not sent again, so a restarted worker resumes every debate where the log says it
is. "ANSWERED <id>" is printed once the turn and the reply are committed: the moment a reply is shown.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.service import DebateService
from bot.storage import DuplicateMessage, SQLiteStore
from bot.topic_files import TopicLibrary

TOPICS = Path(__file__).parent / "data" / "topics"
SCRIPT = [
    "uniforms are too expensive, families cant afford the blazer",
    "uniforms limit self expression and individuality",
    "rich and poor still show wealth with phones, uniforms hide nothing",
    "in closing: cost and identity matter most",
]


async def main(db: str, n: int, turns: int) -> None:
    async with SQLiteStore(db) as store:
        service = DebateService(TopicLibrary.load(TOPICS), store)
        existing = {d.user_id: d.id for d in await store.list_debates(limit=None)}
        for i in range(n):
            if str(i) not in existing:
                outcome = await service.start("school-uniforms", "con", seed=i, user_id=str(i), platform="discord")
                existing[str(i)] = outcome.debate.id

        async def debate(i: int) -> None:
            for k in range(turns):
                mid = f"{i}-{k}"
                if await store.has_message(mid):
                    continue
                try:
                    await service.say(existing[str(i)], SCRIPT[k % len(SCRIPT)], message_id=mid)
                except DuplicateMessage:
                    continue
                print(f"ANSWERED {mid}", flush=True)
                await asyncio.sleep(0.002)

        await asyncio.gather(*(debate(i) for i in range(n)))
    print("ALL DONE", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
