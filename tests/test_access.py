"""The one access rule (bot.domain.access.may_read), on plain values: no store, no Discord, no web."""

from __future__ import annotations

from bot.domain.access import LinkScope, Viewer, is_teacher, may_read, needs_participants
from bot.domain.records import DebateRecord


def debate(**kw) -> DebateRecord:
    base = dict(
        id=7, topic_id="t", topic_hash="h", user_side="pro", bot_side="con", seed=1, rebuttal_rounds=2,
        status="active", platform="discord", user_id="100", user_name="Ann", guild_id="5", channel_id="6",
        thread_id="8", state={}, created_at="2026-12-01T10:00:00", updated_at="2026-12-01T10:00:00",
    )  # fmt: skip
    base.update(kw)
    return DebateRecord(**base)


def test_the_debater_reads_their_debate_and_a_stranger_does_not():
    assert may_read(debate(), Viewer(user_id="100"))
    assert not may_read(debate(), Viewer(user_id="200", guild_id="5"))


def test_a_teammate_reads_the_team_debate():
    team = debate(class_id=3)
    assert may_read(team, Viewer(user_id="200"), participant_ids=frozenset({"100", "200"}))
    assert needs_participants(team, Viewer(user_id="200"))
    assert not needs_participants(debate(), Viewer(user_id="200"))  # a solo debate has no teammates


def test_moderators_read_only_in_the_debates_own_server():
    assert may_read(debate(), Viewer(user_id="300", guild_id="5", moderator=True))
    assert not may_read(debate(), Viewer(user_id="300", guild_id="9", moderator=True))
    assert not may_read(debate(guild_id=None), Viewer(user_id="300", guild_id=None, moderator=True))


def test_teachers_read_class_debates_of_their_server_only():
    klass = debate(class_id=3)
    teacher = Viewer(user_id="400", guild_id="5", role_ids=frozenset({"77"}))
    assert may_read(klass, teacher, teacher_role="77")
    assert not may_read(klass, teacher, teacher_role="78")
    assert not may_read(debate(), teacher, teacher_role="77")  # not a class debate
    assert may_read(klass, Viewer(user_id="401", guild_id="5", manages_guild=True))
    assert not may_read(klass, Viewer(user_id="401", guild_id="9", manages_guild=True))
    assert is_teacher(teacher, "77") and not is_teacher(Viewer(user_id="1"), "77")


def test_links_grant_their_scope():
    d = debate(class_id=3)
    assert may_read(d, Viewer(link=LinkScope.parse("all")))
    assert may_read(d, Viewer(link=LinkScope.parse("debate:7")))
    assert not may_read(d, Viewer(link=LinkScope.parse("debate:8")))
    assert may_read(d, Viewer(link=LinkScope.parse("class:3")))
    assert not may_read(debate(), Viewer(link=LinkScope.parse("class:3")))
    assert may_read(d, Viewer(link=LinkScope.parse("student:5:100")))
    assert may_read(d, Viewer(link=LinkScope.parse("student:-:100")))
    assert not may_read(d, Viewer(link=LinkScope.parse("student:9:100")))  # another server
    assert may_read(d, Viewer(link=LinkScope.parse("student:-:200")), participant_ids=frozenset({"200"}))
    # a link is not a person: a moderator flag on a link viewer grants nothing more
    assert not may_read(d, Viewer(link=LinkScope.parse("debate:8"), moderator=True, guild_id="5"))


def test_unknown_or_misspelt_scopes_are_refused():
    for scope in ("", "admin", "debate:", "debate:04", "debate:\u0664", "class:x", "student:5", "student::1"):
        assert LinkScope.parse(scope) is None, scope
