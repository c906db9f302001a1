"""Teachers' topics in the service and the CLI (upload, versions, the recognition check, the starter file) and
hints (/hint: logged, limited, off for a class), with plain values over a real SQLite log."""

from __future__ import annotations

import copy
import io

import pytest
import yaml

from bot.cli import main
from bot.domain.errors import TopicError, UnknownTopic
from bot.domain.matcher import Matcher
from bot.domain.recognition import check_recognition, probes
from bot.domain.schema import build_topic
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.terminal import Terminal
from bot.topic_files import TopicLibrary, parse_topic_text, starter_topic_text

from .conftest import MINI

STARTER = starter_topic_text()


@pytest.fixture
async def service(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "topics.sqlite3") as store:
        yield DebateService(mini_library, store)


# ---------------------------------------------------------------------- uploads in the service
async def test_an_upload_is_validated_checked_and_scoped_to_its_server(service):
    done = await service.upload_topic("g1", STARTER, "homework.yaml", "t1")
    assert done.new and done.version.version == 1 and done.topic.id == "homework-debate"
    assert done.report.summary.endswith("of 4 claims are recognised reliably")
    assert [c.id for c in await service.topic_choices("g1")] == ["school-uniforms", "homework-debate"]
    assert [c.id for c in await service.topic_choices("g2")] == ["school-uniforms"]
    assert [c.id for c in await service.topic_choices(None)] == ["school-uniforms"]
    with pytest.raises(UnknownTopic):
        await service.start("homework-debate", "abolish", guild_id="g2", platform="discord")
    with pytest.raises(TopicError) as err:
        await service.upload_topic("g1", STARTER.replace("motion:", "motoin:"), "bad.yaml", "t1")
    assert [str(p) for p in err.value.problems] == [
        "bad.yaml: motoin: unknown field (did you mean 'motion'?)",
        "bad.yaml: motion: missing required field",
    ]
    assert [v.version for v in await service.uploaded_topics("g1")] == [1]  # the broken file stored nothing


async def test_a_built_in_id_cannot_be_uploaded(service):
    with pytest.raises(TopicError) as err:
        await service.upload_topic("g1", MINI.read_text(), "mine.yaml", "t1")
    assert "built-in topic" in str(err.value)


async def test_a_debate_keeps_the_version_it_started_with(service):
    await service.upload_topic("g1", STARTER, "homework.yaml", "t1")
    old = (await service.start("homework-debate", "abolish", seed=2, guild_id="g1", platform="discord")).debate
    v2 = STARTER.replace("Homework should be abolished in secondary schools", "Homework should be optional")
    done = await service.upload_topic("g1", v2, "homework.yaml", "t1")
    assert done.version.version == 2
    service._uploaded.clear()  # as after a restart: the debate's version is read back from the log
    service._uploaded_engines.clear()
    outcome = await service.say(old.id, "homework causes stress and anxiety, pupils lose sleep")
    assert outcome is not None
    review = await service.review(old.id)
    assert review.topic.motion == "Homework should be abolished in secondary schools"
    assert review.version.startswith("version 1, uploaded ")
    assert "uploaded by a teacher (version 1" in review.export("md")
    assert not await service.topic_changed(old)
    new = (await service.start("homework-debate", "keep", seed=2, guild_id="g1", platform="discord")).debate
    assert (await service.topic_of(new)).motion == "Homework should be optional"
    assert (await service.review(new.id)).version.startswith("version 2")
    # removed: no new debates, but the old ones still read
    await service.remove_topic("g1", "homework-debate")
    assert [c.id for c in await service.topic_choices("g1")] == ["school-uniforms"]
    assert (await service.review(old.id)).topic.motion.startswith("Homework should be abolished")


async def test_a_class_can_use_an_uploaded_topic(service):
    await service.upload_topic("g1", STARTER, "homework.yaml", "t1")
    klass = await service.create_class(
        guild_id="g1", channel_id="c1", name="10B", topic_id="homework-debate", teacher_id="t1",
        side_policy="alternate",
    )  # fmt: skip
    assert (await service.class_topic(klass)).id == "homework-debate"
    assert await service.side_for(klass) == "abolish"
    with pytest.raises(UnknownTopic):
        await service.create_class(guild_id="g2", channel_id="c1", name="x", topic_id="homework-debate", teacher_id="t")


# ---------------------------------------------------------------------- the recognition check
def _near_twins() -> dict:
    """The mini topic with a fifth claim that is the first one again in other words (same cues)."""
    data = yaml.safe_load(MINI.read_text())
    twin = copy.deepcopy(data["claims"][0])
    twin["id"] = "equality-again"
    twin["title"] = "Uniforms hide differences in wealth between pupils"
    for i, r in enumerate(twin["rebuttals"]):
        r["id"] = f"equality-again.r{i + 1}"
    for i, c in enumerate(twin["counter_rebuttals"]):
        c["id"] = f"equality-again.c{i + 1}"
        c["answers"] = f"equality-again.r{i + 1}"
    data["claims"].append(twin)
    return data


def test_the_check_reports_two_near_identical_claims_as_confused():
    topic = build_topic(_near_twins(), file="twins.yaml")
    report = check_recognition(topic, Matcher(topic))
    pairs = {frozenset((c.claim, c.read_as)) for c in report.confusions}
    assert frozenset(("equality", "equality-again")) in pairs
    confusion = next(c for c in report.confusions if {c.claim, c.read_as} == {"equality", "equality-again"})
    assert confusion.examples and all(isinstance(e, str) and e for e in confusion.examples)
    assert any(s.claim in ("equality", "equality-again") for s in report.shared_cues)
    text = "\n".join(report.lines())
    assert "Claims the bot confuses" in text and 'e.g. "' in text
    assert report.reliable < len(topic.claims)
    assert text.endswith(f"Students' arguments for {report.reliable} of 5 claims are recognised reliably.")


def test_the_check_reports_gaps_in_the_file():
    data = yaml.safe_load(MINI.read_text())
    del data["claims"][3]["spoken"]
    data["claims"][2]["cues"] = ["zebra crossing"]  # nothing a student arguing cost would write
    topic = build_topic(data, file="gaps.yaml")
    report = check_recognition(topic, Matcher(topic))
    assert report.no_spoken == ["expression"]
    assert ("focus", "focus.r2") in report.unanswered_rebuttals  # focus.r2 has no counter in the mini topic
    text = "\n".join(report.lines())
    assert "Claims without spoken forms" in text and "Rebuttals without a counter-rebuttal" in text
    assert "1 claim without spoken forms" in report.findings()
    assert any(f.endswith("rebuttals without a counter-rebuttal") for f in report.findings())


def test_probes_are_rewordings_of_the_claims_own_words():
    topic = parse_topic_text(STARTER, "s.yaml")
    claim = topic.claim("study-habits")
    made = probes(claim)
    assert len(made) == len(set(made)) and len(made) <= 24
    assert claim.cues[0] in made and claim.title in made
    assert any(p.startswith("isn't it true that") and p.endswith("?") for p in made)
    assert "homework builds indeepndent study habits" in made  # a typo: two letters of the longest word swapped
    assert probes(claim, 3) == made[:3]


def test_the_check_is_the_same_every_run():
    topic = parse_topic_text(STARTER, "s.yaml")
    assert check_recognition(topic, Matcher(topic)).lines() == check_recognition(topic, Matcher(topic)).lines()


# ---------------------------------------------------------------------- counterpoint topic new / check
def test_topic_new_writes_a_starter_that_validates_and_debates_end_to_end(tmp_path, capsys, monkeypatch):
    path = tmp_path / "topics" / "mine.yaml"
    path.parent.mkdir()
    assert main(["topic", "new", str(path)]) == 0
    assert main(["topic", "new", str(path)]) == 1  # never overwrites without --force
    assert "exists" in capsys.readouterr().err
    assert main(["validate", str(path)]) == 0
    assert main(["topic", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("Students' arguments for 4 of 4 claims are recognised reliably.")
    text = path.read_text()
    assert text.count("\n#") >= 10  # commented
    topic = parse_topic_text(text, "mine.yaml")
    assert len(topic.sides) == 2 and {c.side for c in topic.claims} == {"abolish", "keep"}
    for side in ("abolish", "keep"):
        mine = [c for c in topic.claims if c.side == side]
        assert len(mine) == 2 and all(c.arguments and c.rebuttals and c.counter_rebuttals for c in mine)
    assert all(a.sources for c in topic.claims for a in c.arguments)
    assert set(topic.kinds) == {"offtopic", "meta", "abuse", "denial", "injection", "unclear"}

    # a whole debate on it in the terminal, to its scorecard
    monkeypatch.setenv("COUNTERPOINT_TOPICS", str(path.parent))
    monkeypatch.setenv("COUNTERPOINT_DB", str(tmp_path / "d.sqlite3"))
    lines = [
        "Homework stresses pupils out and they lose sleep",
        "poorer pupils have no quiet place to work, it is unfair",
        "/hint",
        "pupils burn out, it harms their mental health",
        "stress and inequality: homework should go",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["debate", "--topic", "homework-debate", "--side", "abolish", "--seed", "4", "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert "Scorecard" in out and "homework widens the gap between rich and poor pupils" in out.lower()
    assert "Traceback" not in out and "homework-debate." not in out  # no raw ids


def test_topic_check_of_a_broken_file_lists_its_problems(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(STARTER.replace("id: homework-debate", "id: Homework Debate"))
    assert main(["topic", "check", str(path)]) == 1
    assert f"{path}: id:" in capsys.readouterr().out


# ---------------------------------------------------------------------- hints
async def test_hints_are_logged_limited_and_on_the_scorecard(service):
    d = (await service.start("school-uniforms", "pro", seed=3)).debate
    first = await service.command(d.id, "hint")
    assert first.reply.kind == "hint" and not first.reply.counted
    text = first.reply.text
    assert text.startswith("A hint: your side could argue that ") and "(Smith 2020)" in text
    assert "1 hint left" in text
    second = await service.say(d.id, "/hint")
    assert second.reply.text != text and "last hint" in second.reply.text
    third = await service.command(d.id, "hint")
    assert "used your 2 hints" in third.reply.text
    turns = await service.turns(d.id)
    assert [(t.speaker, t.kind) for t in turns[1:]] == [("user", "command"), ("bot", "hint")] * 3
    assert [t.text for t in turns[1:] if t.speaker == "user"] == ["/hint"] * 3
    assert sum(1 for t in turns if t.speaker == "bot" and t.text.startswith("A hint")) == 2
    assert all(not t.counted for t in turns[1:])
    state = (await service.debate(d.id)).state
    assert state["hints"] == 2 and len(state["hinted"]) == 2
    ended = await service.command(d.id, "end")
    card = ended.scorecard
    assert [r.id for r in card.hints] == state["hinted"] and card.hint_limit == 2
    from bot.domain.scorecard import render_scorecard

    shown = render_scorecard(service.topic("school-uniforms"), card)
    assert "Hints you asked for (2 of 2)" in shown


async def test_a_teacher_can_turn_hints_off_for_a_class(service):
    klass = await service.create_class(
        guild_id="g1", channel_id="c1", name="10B", topic_id=None, teacher_id="t1", hints=0
    )
    assert klass.hints == 0 and (await service.get_class(klass.id)).hints == 0
    d = (
        await service.start(
            None, "pro", seed=1, guild_id="g1", platform="discord", class_id=klass.id, hints=klass.hints
        )
    ).debate
    off = await service.command(d.id, "hint")
    assert "turned off" in off.reply.text
    assert (await service.debate(d.id)).state["hints"] == 0
    three = await service.create_class(guild_id="g1", channel_id="c1", name="x", topic_id=None, teacher_id="t", hints=3)
    assert three.hints == 3


async def test_hint_in_the_terminal(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "t.sqlite3") as store:
        service = DebateService(mini_library, store)
        term = Terminal(service, stdin=io.StringIO("/hint\n/end\n"), stdout=io.StringIO())
        assert await term.new_debate("school-uniforms", "con", 2, 5) == 0
    out = term.stdout.getvalue()
    assert "A hint: your side could argue that" in out and "Hints you asked for (1 of 2)" in out


def test_library_sees_no_uploaded_topics(tmp_path):
    assert TopicLibrary.load(tmp_path).topics == {}


def test_the_topics_own_words_are_never_off_topic():
    """ "homework" is small talk in the purges debate and the subject of the starter's: a built-in off-topic
    word the topic's claims use, or a word of the motion, keeps a message on the motion."""
    topic = parse_topic_text(STARTER, "s.yaml")
    m = Matcher(topic)
    assert m.match("in the end homework hurts the pupils who need help most").kind != "offtopic"
    assert m.match("what is your favourite pizza").kind == "offtopic"
    shipped = Matcher(load_shipped())
    assert shipped.match("lol my homework is due tomorrow").kind == "offtopic"


def load_shipped():
    from bot.topic_files import default_topics_dir, load_topic_file

    return load_topic_file(default_topics_dir() / "great-purges.yaml")


async def test_a_hint_names_what_was_hinted_when_nothing_else_is_left(service, tmp_path):
    from bot.domain.engine import DebateEngine

    engine = DebateEngine(parse_topic_text(STARTER, "s.yaml"))
    state, _ = engine.opening(engine.new_state("abolish", 4))
    state = engine.respond(state, "Homework stresses kids out, they lose sleep and get no free time").state
    state, first = engine.command(state, "hint")
    assert "homework widens the gap between rich and poor pupils" in first.text
    _, second = engine.command(state, "hint")
    assert second.text.startswith("I've already pointed you to every argument I know for your side")
    assert "that homework widens the gap between rich and poor pupils, in your own words" in second.text
