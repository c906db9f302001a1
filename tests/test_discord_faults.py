"""Faults around the Discord bot: the gateway dropping or invalidating the session, 429 storms, 5xx on
send, a log that cannot be written, and slash-command options out of range. The bot stays up, answers
politely, and every answered turn is in the log once."""

from __future__ import annotations

import asyncio
import resource
import signal
from pathlib import Path

from tests.discord_harness import TIMEOUT, TOPIC, answer_of, debate_turns, start_debate, turn


async def test_gateway_drop_and_invalid_session_then_the_debate_goes_on(server, run, db):
    proc = await run()
    thread_id, _ = await start_debate(server)
    await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    await server.drop_connection()
    await server.wait_for_gateway(lambda p: p.op == 6, timeout=TIMEOUT)  # RESUME
    mark = len(server.received)
    await server.invalid_session(resumable=True)
    await server.wait_for_gateway(lambda p: p.op == 6, timeout=TIMEOUT, since=mark)  # the session resumed again
    async with asyncio.timeout(TIMEOUT):
        while not proc.bot.is_ready() or proc.bot.is_closed():
            await asyncio.sleep(0.02)
    reply = await turn(server, thread_id, "alice", "students need to express their identity")
    assert reply.content
    _, turns = await debate_turns(db)
    assert [t.speaker for t in turns] == ["bot", "user", "bot", "user", "bot"]


async def test_429_storm_and_5xx_on_send_are_retried(server, run, db):
    await run()
    thread_id, _ = await start_debate(server)
    path = rf"/channels/{thread_id}/messages"
    server.fail_next("POST", path, 429, times=4, json={"message": "rate limited", "retry_after": 0.05, "global": False})
    reply = await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    assert reply.content
    server.fail_next("POST", path, 500, times=1)
    reply = await turn(server, thread_id, "alice", "students need to express their identity")
    assert reply.content
    statuses = [r.status for r in server.requests_to("POST", path)]
    assert statuses.count(429) == 4 and statuses.count(500) == 1
    _, turns = await debate_turns(db)
    assert len(turns) == 5  # each answered turn once, none doubled by the retries


async def test_a_full_disk_gets_a_polite_answer_and_the_bot_stays_up(server, run, db):
    proc = await run()
    thread_id, _ = await start_debate(server)  # returns once the opening is posted: stored before
    before = len((await debate_turns(db))[1])
    limit = max(Path(db).stat().st_size, Path(f"{db}-wal").stat().st_size) + 512
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old[1]))
    try:
        notice = await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, previous)
    assert "couldn't save that turn" in notice.content
    assert len((await debate_turns(db))[1]) == before  # no partial turn
    assert not proc.bot.is_closed()
    reply = await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    assert "couldn't save" not in reply.content
    assert len((await debate_turns(db))[1]) == before + 2


async def test_options_out_of_range_are_refused_politely(server, run, db):
    await run()
    alice = server.user_id("alice")
    for rounds in (0, 10_000):  # a client that ignores the declared range
        iid, _ = await server.send_interaction(
            "debate start", {"topic": TOPIC, "side": "pro", "rounds": rounds}, user_id=alice, strict=False
        )
        answer = await answer_of(server, iid, lambda m: bool(m.content))
        assert answer.ephemeral and ("rounds" in answer.content.lower() or "value" in answer.content.lower())
    assert server.threads() == []
    iid, _ = await server.send_interaction("debate transcript", {"debate": 999_999}, user_id=alice)
    assert "can't find debate #999999" in (await answer_of(server, iid, lambda m: bool(m.content))).content
