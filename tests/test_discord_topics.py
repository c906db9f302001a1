"""Teachers' own topics end to end on the fake Discord: /topic upload (valid, broken, a new version while a
debate of the old one runs), list, download, remove, who may upload, and that a server's topics stay in it."""

from __future__ import annotations

import yaml

from bot.storage.sqlite import SQLiteStore
from bot.topic_files import starter_topic_text
from tests.discord_fake import Permissions
from tests.discord_harness import TIMEOUT, answer_of, debate_turns

STARTER = starter_topic_text()
TOPIC_ID = "homework-debate"


async def make_teacher(server) -> int:
    await server.set_role_permissions(server.role_id, Permissions.MANAGE_GUILD)
    return await server.add_member("teacher", roles=[server.role_id])


async def upload(server, user: int, text: str, filename: str = "homework.yaml"):
    iid, _ = await server.send_interaction("topic upload", {"file": (filename, text.encode("utf-8"))}, user_id=user)
    return await answer_of(server, iid, lambda m: bool(m.content or m.embeds))


async def topic_choices(server, command: str, typed: str = "", **kw) -> list[str]:
    iid, _ = await server.send_autocomplete(command, {"topic": typed}, "topic", **kw)
    await server.wait_for("POST", rf"/interactions/{iid}/.+/callback", timeout=TIMEOUT)
    return [c["value"] for c in server.interaction(iid).response_data["choices"]]


async def start_on(server, user: int, topic: str, side: str) -> int:
    """/debate start in #general; returns the new thread's id once the opening is posted there."""
    await server.send_interaction("debate start", {"topic": topic, "side": side}, user_id=user)
    opening = await server.wait_for_message(
        lambda m: any(e.get("title") == "My opening" for e in m.embeds), timeout=TIMEOUT
    )
    return opening.channel_id


def edited(**changes) -> str:
    data = yaml.safe_load(STARTER)
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


async def test_a_teacher_uploads_a_topic_and_a_student_debates_it(server, run, db):
    proc = await run()
    teacher = await make_teacher(server)
    answer = await upload(server, teacher, STARTER)
    assert answer.ephemeral
    embed = answer.embeds[0]
    assert f"Uploaded **{TOPIC_ID}**, version 1" in embed["description"]
    check = next(f["value"] for f in embed["fields"] if f["name"] == "Recognition check")
    assert "of 4 claims are recognised reliably" in check
    (report,) = answer.files
    assert report.filename == f"check-{TOPIC_ID}.txt"
    assert report.content.decode().rstrip().endswith("recognised reliably.")

    # offered at once in /debate start and /class create of this server, beside the shipped topics
    assert TOPIC_ID in await topic_choices(server, "debate start")
    assert TOPIC_ID in await topic_choices(server, "class create", "home")

    alice = server.user_id("alice")
    thread = await start_on(server, alice, TOPIC_ID, "abolish")
    mid = await server.send_message(thread, alice, "homework stresses pupils out, they lose sleep and get anxiety")
    await proc.until_handled(mid)
    _, turns = await debate_turns(db, 1)
    assert turns[-2].claims[:1] == ("stress-and-wellbeing",)
    assert "stress" in turns[-1].text.lower()

    # /topic list and /topic download give it back as uploaded
    iid, _ = await server.send_interaction("topic list", {}, user_id=teacher)
    listed = await answer_of(server, iid, lambda m: bool(m.embeds))
    assert f"`{TOPIC_ID}` · version 1 · 4 claims" in listed.embeds[0]["description"]
    iid, _ = await server.send_interaction("topic download", {"topic": TOPIC_ID}, user_id=teacher)
    got = await answer_of(server, iid, lambda m: bool(m.files))
    assert got.files[0].content.decode() == STARTER and got.ephemeral


async def test_a_broken_file_lists_every_problem_and_stores_nothing(server, run, db):
    await run()
    teacher = await make_teacher(server)
    data = yaml.safe_load(STARTER)
    del data["motion"]
    data["claims"][0]["side"] = "nobody"
    data["claims"][1]["rebuttals"][0]["draws_on"] = ["no-such-claim"]
    answer = await upload(server, teacher, yaml.safe_dump(data, sort_keys=False))
    assert answer.ephemeral and "was not uploaded: 3 problems" in answer.content
    for problem in ("motion: missing required field", "claims[0].side:", "claims[1].rebuttals[0].draws_on"):
        assert problem in answer.content, answer.content
    assert TOPIC_ID not in await topic_choices(server, "debate start")

    # a long list comes as a file, every problem in it
    many = yaml.safe_load(STARTER)
    for claim in many["claims"]:
        claim["side"] = "nobody"
        claim["strength"] = 99
        for reb in claim["rebuttals"]:
            reb["draws_on"] = ["no-such-claim"]
    answer = await upload(server, teacher, yaml.safe_dump(many, sort_keys=False))
    assert "listed in the attached file" in answer.content
    listed = answer.files[0].content.decode().splitlines()
    assert len(listed) >= 12 and all(": " in line for line in listed)

    # not YAML at all, or not a .yaml file
    answer = await upload(server, teacher, "id: [unclosed", "x.yaml")
    assert "YAML syntax error at line " in answer.content and "flow sequence" in answer.content
    answer = await upload(server, teacher, STARTER, "notes.txt")
    assert "`.yaml` or `.yml`" in answer.content


async def test_a_topic_stays_in_its_server(server, run):
    await run()
    teacher = await make_teacher(server)
    await upload(server, teacher, STARTER)
    assert TOPIC_ID in await topic_choices(server, "debate start")
    other = server.snowflake()
    assert TOPIC_ID not in await topic_choices(server, "debate start", guild_id=other)
    alice = server.user_id("alice")
    dm = server.dm_channel_id(alice)
    assert TOPIC_ID not in await topic_choices(server, "debate start", channel_id=dm, user_id=alice)
    # named by hand in a DM, it is not found either
    await server.send_interaction("debate start", {"topic": TOPIC_ID, "side": "abolish"}, channel_id=dm, user_id=alice)
    answer = await server.wait_for_message(lambda m: "didn't work" in m.content, timeout=TIMEOUT)
    assert f"no topic '{TOPIC_ID}'" in answer.content


async def test_a_new_version_leaves_a_running_debate_on_its_own(server, run, db):
    proc = await run()
    teacher = await make_teacher(server)
    await upload(server, teacher, STARTER)
    alice = server.user_id("alice")
    thread = await start_on(server, alice, TOPIC_ID, "abolish")

    v2 = STARTER.replace("Homework should be abolished in secondary schools", "Homework should be optional")
    v2 = v2.replace("most pupils named homework as a main source of stress", "VERSION TWO TEXT")
    answer = await upload(server, teacher, v2)
    assert f"Uploaded **{TOPIC_ID}**, version 2" in answer.embeds[0]["description"]
    again = await upload(server, teacher, v2)
    assert "unchanged" in again.embeds[0]["description"]

    # the debate under way finishes on version 1
    for text in ["homework causes stress and anxiety", "poorer pupils have no quiet place to work", "/end"]:
        mid = await server.send_message(thread, alice, text)
        await proc.until_handled(mid)
    _, turns = await debate_turns(db, 1)
    assert all("VERSION TWO" not in t.text for t in turns)
    record, _ = await debate_turns(db, 1)
    assert record.status == "ended"
    iid, _ = await server.send_interaction("debate transcript", {"debate": 1}, user_id=alice)
    transcript = await answer_of(server, iid, lambda m: bool(m.files))
    text = transcript.files[0].content.decode()
    assert "Homework should be abolished" in text and "uploaded by a teacher (version 1, uploaded" in text

    # a new debate gets version 2
    bob = server.user_id("bob")
    await server.send_interaction("debate start", {"topic": TOPIC_ID, "side": "keep"}, user_id=bob)
    rules = await server.wait_for_message(
        lambda m: any("Homework should be optional" in (e.get("description") or "") + (e.get("title") or "")
                      for e in m.embeds),
        timeout=TIMEOUT,
    )  # fmt: skip
    assert rules is not None


async def test_remove_hides_the_topic_and_keeps_its_debates(server, run, db):
    proc = await run()
    teacher = await make_teacher(server)
    await upload(server, teacher, STARTER)
    alice = server.user_id("alice")
    thread = await start_on(server, alice, TOPIC_ID, "abolish")

    iid, _ = await server.send_interaction("topic remove", {"topic": TOPIC_ID}, user_id=teacher)
    removed = await answer_of(server, iid, lambda m: "Removed" in m.content)
    assert removed.ephemeral
    assert TOPIC_ID not in await topic_choices(server, "debate start")
    iid, _ = await server.send_interaction("topic list", {}, user_id=teacher)
    assert "No topics uploaded" in (await answer_of(server, iid, lambda m: bool(m.content))).content

    # the debate under way still runs on it, to its scorecard
    mid = await server.send_message(thread, alice, "homework causes stress and anxiety")
    await proc.until_handled(mid)
    mid = await server.send_message(thread, alice, "/end")
    await proc.until_handled(mid)
    assert (await debate_turns(db, 1))[0].status == "ended"
    iid, _ = await server.send_interaction("topic remove", {"topic": TOPIC_ID}, user_id=teacher)
    gone = await answer_of(server, iid, lambda m: "didn't work" in m.content)
    assert "no topic" in gone.content


async def test_a_student_may_not_upload_list_or_remove(server, run, db):
    await run()
    bob = server.user_id("bob")
    answer = await upload(server, bob, STARTER)
    assert "Only teachers" in answer.content and answer.ephemeral
    for command, options in (("topic list", {}), ("topic remove", {"topic": TOPIC_ID})):
        iid, _ = await server.send_interaction(command, options, user_id=bob)
        assert "Only teachers" in (await answer_of(server, iid, lambda m: bool(m.content))).content
    async with SQLiteStore(db) as store:
        assert await store.guild_topics(str(server.guild_id)) == []


async def test_a_class_debate_runs_on_an_uploaded_topic_with_hints_off(server, run, db):
    proc = await run()
    teacher = await make_teacher(server)
    await upload(server, teacher, STARTER)
    iid, _ = await server.send_interaction(
        "class create",
        {"name": "10B", "topic": TOPIC_ID, "side_policy": "proposition", "hints": 0},
        user_id=teacher,
    )
    announce = await answer_of(server, iid, lambda m: bool(m.embeds))
    description = announce.embeds[0]["description"]
    assert "Homework should be abolished" in description and "Hints: off" in description
    code = description.split("code:")[1].split("`")[0]
    alice = server.user_id("alice")
    await server.send_interaction("class join", {"code": code}, user_id=alice)
    opening = await server.wait_for_message(
        lambda m: any(e.get("title") == "My opening" for e in m.embeds), timeout=TIMEOUT
    )
    mid = await server.send_message(opening.channel_id, alice, "poorer pupils have no quiet place to work")
    await proc.until_handled(mid)
    iid, _ = await server.send_interaction("debate hint", {}, user_id=alice, channel_id=opening.channel_id)
    hint = await answer_of(server, iid, lambda m: bool(m.content))
    assert hint.ephemeral and "turned off" in hint.content
    record, turns = await debate_turns(db, 1)
    assert record.topic_id == TOPIC_ID and record.user_side == "abolish" and record.class_id == 1
    argued = next(t for t in turns if t.text.startswith("poorer pupils"))
    assert argued.claims[:1] == ("inequality",)
    assert [(t.text, t.kind) for t in turns[-2:]] == [("/hint", "command"), (hint.content, "hint")]
