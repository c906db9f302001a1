"""The service as the only door into the core: its use cases over a real SQLite log, with plain values."""

from __future__ import annotations

import pytest

from bot.domain.access import LinkScope, Viewer
from bot.domain.errors import DebateFinished, DuplicateMessage, NotParticipant
from bot.service import DebateService, IndexFilters, command_in
from bot.storage.sqlite import SQLiteStore


@pytest.fixture
async def service(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "svc.sqlite3") as store:
        yield DebateService(mini_library, store)


async def start(service, user="u1", name="Ann", **kw):
    kw.setdefault("platform", "discord")
    return (await service.start("school-uniforms", "pro", seed=1, user_id=user, user_name=name, **kw)).debate


def test_command_in_reads_the_first_word_of_a_slash_or_bang_message():
    assert command_in("/end") == "end" and command_in("  !Concede now") == "concede"
    assert command_in("/more") is None and command_in("end") is None and command_in("/") is None
    assert command_in("/more", known=("more",)) == "more"


async def test_a_turn_is_only_for_the_debaters(service):
    d = await start(service)
    with pytest.raises(NotParticipant) as err:
        await service.say(d.id, "Uniforms cost families money.", author_id="u2", message_id="m1")
    assert err.value.owner == "Ann"
    assert len(await service.turns(d.id)) == 1  # the opening only: nothing stored
    outcome = await service.say(d.id, "Uniforms cost families money.", author_id="u1", message_id="m1")
    assert outcome is not None and len(await service.turns(d.id)) == 3
    with pytest.raises(DuplicateMessage):
        await service.say(d.id, "Uniforms cost families money.", author_id="u1", message_id="m1")
    assert await service.seen_message("m1") and not await service.seen_message("m2")


async def test_the_adapters_admit_check_is_asked_last_and_refusal_stores_nothing(service):
    d = await start(service)
    asked = []

    def refuse() -> bool:
        asked.append(True)
        return False

    with pytest.raises(NotParticipant):
        await service.say(d.id, "hello there", author_id="u2", admit=refuse)
    assert asked == []  # not a debater: never reaches flood control
    assert await service.say(d.id, "Uniforms cost families money.", author_id="u1", admit=refuse) is None
    assert asked == [True] and len(await service.turns(d.id)) == 1


async def test_a_command_typed_as_a_message_runs_it(service):
    d = await start(service)
    outcome = await service.say(d.id, "/end please", author_id="u1")
    assert not outcome.debate.active and outcome.scorecard is not None
    assert [t.text for t in await service.turns(d.id)][-2] == "/end"
    with pytest.raises(DebateFinished):
        await service.say(d.id, "one more thing", author_id="u1")


async def test_running_latest_and_history(service):
    a = await start(service, channel_id="c1", thread_id="t1")
    b = await start(service, user="u2", name="Bo", channel_id="c2", thread_id="t2")
    assert (await service.running_debate("u1", platform="discord", channel_id="c1")).id == a.id
    assert await service.running_debate("u1", platform="discord", channel_id="c2") is None
    assert (await service.latest_debate("u2", "discord", active=True)).id == b.id
    assert [d.id for d in await service.history("u1")] == [a.id]
    assert {d.id for d in await service.unfinished("discord")} == {a.id, b.id}
    review = await service.review(a.id)
    assert review.people == [("u1", "Ann")] and review.topic.id == "school-uniforms"
    assert "# " in review.export("md")


async def test_may_read_gathers_the_facts_the_rule_needs(service):
    klass = await service.create_class(
        guild_id="5", channel_id="6", name="10B", topic_id="school-uniforms", teacher_id="t"
    )
    d = await start(service, guild_id="5", class_id=klass.id)
    teacher = Viewer(user_id="9", guild_id="5", role_ids=frozenset({"77"}))
    assert not await service.may_read(d, teacher)
    await service.set_teacher_role("5", "77")
    assert await service.may_read(d, teacher) and await service.is_teacher(teacher)
    assert await service.may_read(d, Viewer(user_id="u1"))
    assert not await service.may_read(d, Viewer(user_id="u2", guild_id="5"))


async def test_team_and_alternate_joins_are_decided_under_the_class_lock(service):
    team = await service.create_class(
        guild_id="5", channel_id="6", name="Team", topic_id="school-uniforms", teacher_id="t", team=True
    )
    opened = []

    async def open_debate(side, user="s1"):
        opened.append(side)
        return await start(service, user=user, guild_id="5", class_id=team.id)

    first = await service.join_class(team, "s1", "Sam", open_debate)
    second = await service.join_class(team, "s2", "Kim", open_debate)
    assert first.kind == "opened" and second.kind == "joined" and second.debate.id == first.debate.id
    assert [n for _, n in await service.participants(first.debate)] == ["Ann", "Kim"] and len(opened) == 1

    alt = await service.create_class(
        guild_id="5", channel_id="6", name="Alt", topic_id="school-uniforms", teacher_id="t",
        side_policy="alternate",
    )  # fmt: skip
    sides = []

    async def open_alt(side):
        sides.append(side)
        return (await service.start("school-uniforms", side, user_id=f"a{len(sides)}", class_id=alt.id)).debate

    for i in range(4):
        assert (await service.join_class(alt, f"a{i}", f"A{i}", open_alt)).kind == "opened"
    assert sides == ["pro", "con", "pro", "con"]
    choose = await service.create_class(
        guild_id="5", channel_id="6", name="Choose", topic_id="school-uniforms", teacher_id="t"
    )
    assert choose.student_chooses and (await service.join_class(choose, "c", "C", open_alt)).kind == "choose"


async def test_the_index_filters_and_pages_in_sql(service):
    klass = await service.create_class(
        guild_id="5", channel_id="6", name="10B", topic_id="school-uniforms", teacher_id="t"
    )
    ids = []
    for i, name in enumerate(["Élodie", "Bob", "Bobby", "Cy"]):
        ids.append(
            (await start(service, user=f"u{i}", name=name, guild_id="5", class_id=klass.id if i < 2 else None)).id
        )
    everything = LinkScope.parse("all")
    page = await service.index(everything, IndexFilters(), 1, per_page=3)
    assert page.total == 4 and page.pages == 2 and [d.id for d in page.debates] == ids[::-1][:3]
    assert [d.id for d in (await service.index(everything, IndexFilters(), 2, per_page=3)).debates] == [ids[0]]
    assert (await service.index(everything, IndexFilters(student="bob"), 1)).total == 2
    assert [d.id for d in (await service.index(everything, IndexFilters(student="ÉLODIE"), 1)).debates] == [ids[0]]
    assert (await service.index(everything, IndexFilters(student="u3"), 1)).total == 1  # by user id
    assert (await service.index(everything, IndexFilters(student="%"), 1)).total == 0  # LIKE wildcards escaped
    assert (await service.index(everything, IndexFilters(class_id=klass.id), 1)).total == 2
    assert (await service.index(everything, IndexFilters(created_from="2999-01-01"), 1)).total == 0
    assert (await service.index(LinkScope.parse(f"class:{klass.id}"), IndexFilters(), 1)).total == 2
    assert (await service.index(LinkScope.parse(f"class:{klass.id}"), IndexFilters(class_id=999), 1)).total == 0
    student = await service.index(LinkScope.parse("student:5:u1"), IndexFilters(), 1)
    assert [d.id for d in student.debates] == [ids[1]] and [c.id for c in student.classes] == [klass.id]
    assert (await service.index(LinkScope.parse("student:9:u1"), IndexFilters(), 1)).total == 0
    assert (await service.index(LinkScope.parse("debate:1"), IndexFilters(), 1)).total == 0


async def test_a_taken_join_code_is_drawn_again(service, monkeypatch):
    """The store's JoinCodeTaken makes the service draw another code; a space with no free code fails clearly."""
    import bot.service

    monkeypatch.setattr(bot.service, "CODE_ALPHABET", "A")  # every draw is AAAAAA
    first = await service.create_class(guild_id="5", channel_id="6", name="A", topic_id=None, teacher_id="t")
    assert first.join_code == "AAAAAA"
    with pytest.raises(RuntimeError, match="free join code"):
        await service.create_class(guild_id="5", channel_id="6", name="B", topic_id=None, teacher_id="t")
    monkeypatch.setattr(bot.service, "CODE_ALPHABET", "AB")
    codes = {first.join_code}
    for name in "CDEF":  # collisions now happen about half the time and are retried
        codes.add((await service.create_class(guild_id="5", channel_id="6", name=name, topic_id=None,
                                              teacher_id="t")).join_code)  # fmt: skip
    assert len(codes) == 5


async def test_a_turn_is_one_hand_off_to_the_database_thread(service, monkeypatch):
    d = await start(service)
    conn = service._store.db
    calls = []
    real = conn._execute

    async def counted(fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(conn, "_execute", counted)
    outcome = await service.say(d.id, "Uniforms cost families money.", author_id="u1", message_id="m1")
    assert outcome is not None and outcome.debate.turn_count == 3
    assert calls == ["_exchange"]  # no read, one transaction: the turns, the state and the commit in one call


async def test_a_debate_changed_by_another_writer_is_read_again(mini_library, tmp_path):
    from bot.domain.errors import StaleDebate
    from bot.domain.records import TurnDraft

    path = tmp_path / "two.sqlite3"
    async with SQLiteStore(path) as one, SQLiteStore(path) as two:
        first, second = DebateService(mini_library, one), DebateService(mini_library, two)
        d = await start(first)
        # the other writer (another process on the same log) answers a turn of the same debate
        await second.say(d.id, "Uniforms cost families money.", author_id="u1", message_id="m1")
        with pytest.raises(StaleDebate):  # the store refuses a write computed from the old record
            await one.record_exchange(d.id, [TurnDraft("user", "x", "opening", 1)], {}, "active", expect=d.updated_at)
        outcome = await first.say(d.id, "Rich and poor look the same in uniforms.", author_id="u1", message_id="m2")
        turns = await first.turns(d.id)
    assert [t.number for t in turns] == [1, 2, 3, 4, 5] and outcome.debate.turn_count == 5
    assert [t.message_id for t in turns if t.speaker == "user"] == ["m1", "m2"]
    # the answer was computed from the state the other writer left: the debate moved on a round
    assert outcome.debate.state["turns"] == 3
