"""The SQLite log and the service on top of it, on a temporary file."""

from __future__ import annotations

import sqlite3

import pytest

from bot.domain.errors import DebateFinished, DebateNotFound
from bot.domain.records import NewDebate, TurnDraft
from bot.service import DebateService
from bot.storage import DuplicateMessage, SQLiteStore
from bot.storage.sqlite import migrations


@pytest.fixture
async def store(tmp_path):
    async with SQLiteStore(tmp_path / "log.sqlite3") as s:
        yield s


@pytest.fixture
def service(mini_library, store):
    return DebateService(mini_library, store)


def _new(**kw) -> NewDebate:
    base = dict(topic_id="school-uniforms", topic_hash="h", user_side="con", bot_side="pro", seed=1, rebuttal_rounds=2)
    base.update(kw)
    return NewDebate(**base)


async def test_schema_version_wal_and_foreign_keys(store, tmp_path):
    assert await store.schema_version() == len(migrations()) >= 1
    async with store.db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with store.db.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1
    # re-opening does not re-run migrations
    async with SQLiteStore(tmp_path / "log.sqlite3") as again:
        assert await again.migrate() == len(migrations())


async def test_refuses_a_database_from_the_future(tmp_path):
    path = tmp_path / "future.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(RuntimeError, match="newer than this"):
        async with SQLiteStore(path):
            pass


async def test_create_and_record_exchange(store):
    d = await store.create_debate(_new(), {"s": 1}, TurnDraft("bot", "opening", "opening", 0))
    assert d.id == 1 and d.active and d.turn_count == 1 and d.state == {"s": 1}
    await store.record_exchange(
        d.id,
        [
            TurnDraft("user", "hi", "opening", 1, "ann", claims=("cost",), scores=(5.5,), message_id="m1"),
            TurnDraft("bot", "answer", "opening", 1, "counterpoint", lines=("cost.r1",), sources=("jones-2019",)),
        ],
        {"s": 2},
        "active",
    )
    turns = await store.turns(d.id)
    assert [(t.number, t.speaker) for t in turns] == [(1, "bot"), (2, "user"), (3, "bot")]
    assert turns[1].claims == ("cost",) and turns[1].scores == (5.5,) and turns[1].message_id == "m1"
    assert turns[2].lines == ("cost.r1",) and turns[2].sources == ("jones-2019",)
    assert (await store.get_debate(d.id)).state == {"s": 2}
    assert await store.has_message("m1")


async def test_a_replayed_message_is_stored_once_and_nothing_partial(store):
    d = await store.create_debate(_new(), {}, TurnDraft("bot", "opening", "opening", 0))
    pair = [TurnDraft("user", "x", "opening", 1, message_id="m1"), TurnDraft("bot", "y", "opening", 1)]
    await store.record_exchange(d.id, pair, {"n": 1}, "active")
    with pytest.raises(DuplicateMessage):
        await store.record_exchange(d.id, pair, {"n": 2}, "active")
    assert len(await store.turns(d.id)) == 3
    assert (await store.get_debate(d.id)).state == {"n": 1}


async def test_unknown_debate(store):
    with pytest.raises(DebateNotFound):
        await store.get_debate(42)
    with pytest.raises(DebateNotFound):
        await store.record_exchange(42, [], {}, "active")


async def test_list_filters(store):
    for i, (user, status) in enumerate([("a", "active"), ("b", "active"), ("a", "completed")]):
        d = await store.create_debate(
            _new(user_id=user, user_name=user, seed=i), {}, TurnDraft("bot", "o", "opening", 0)
        )
        if status != "active":
            await store.record_exchange(d.id, [], {}, status)
    assert [d.user_id for d in await store.list_debates()] == ["a", "b", "a"]
    assert len(await store.list_debates(user_id="a")) == 2
    done = await store.list_debates(status="completed")
    assert len(done) == 1 and done[0].finished_at is not None


async def test_service_commits_every_turn_before_returning(service, store, tmp_path):
    out = await service.start("school-uniforms", "con", seed=5, user_id="u1", user_name="Ann")
    did = out.debate.id
    reply = await service.say(did, "uniforms are expensive, families cant afford the blazer", message_id="d-1")
    # a second connection sees the committed exchange immediately
    con = sqlite3.connect(tmp_path / "log.sqlite3")
    rows = con.execute("SELECT speaker, text FROM turns WHERE debate_id = ? ORDER BY number", (did,)).fetchall()
    con.close()
    assert [r[0] for r in rows] == ["bot", "user", "bot"]
    assert rows[2][1] == reply.reply.text
    with pytest.raises(DuplicateMessage):
        await service.say(did, "uniforms are expensive", message_id="d-1")
    assert await service.say(did, "   \n") is None
    assert len(await store.turns(did)) == 3


async def test_service_full_debate_and_scorecard(service, store):
    out = await service.start("school-uniforms", "random", seed=9)
    did = out.debate.id
    assert out.debate.user_side in ("pro", "con")
    last = None
    for text in [
        "uniforms are expensive, families cant afford the blazer",
        "how many rounds left?",
        "uniforms limit self expression and individuality",
        "rich and poor wear the same clothes",
        "school is for learning and focus",
        "in closing: cost and identity matter most",
    ]:
        last = await service.say(did, text)
        if not last.debate.active:
            break
    assert last.scorecard is not None and not last.debate.active
    assert last.debate.status == "completed"
    with pytest.raises(DebateFinished):
        await service.say(did, "more")
    card = await service.scorecard(did)
    assert card.outcome == "completed"


async def test_service_concede_is_logged(service, store):
    out = await service.start("school-uniforms", "con", seed=2)
    res = await service.command(out.debate.id, "concede")
    assert res.debate.status == "conceded" and res.scorecard is not None
    turns = await store.turns(out.debate.id)
    assert turns[-2].text == "/concede" and turns[-2].kind == "command"
    status = await service.command(out.debate.id, "status")
    assert "finished" in status.reply.text


async def test_service_rejects_bad_options(service):
    from bot.domain.errors import UnknownSide, UnknownTopic

    with pytest.raises(UnknownTopic):
        await service.start("nope", "con")
    with pytest.raises(UnknownSide):
        await service.start("school-uniforms", "maybe")
    with pytest.raises(ValueError):
        await service.start("school-uniforms", "con", rounds=10_000)
