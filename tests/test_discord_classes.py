"""Class debates end to end on the fake Discord: a teacher creates a class, students join (button and
code) and debate in parallel in private threads, a team debate, status, close, the report, permissions."""

from __future__ import annotations

import asyncio
import csv
import io

from tests.discord_fake import Permissions
from tests.discord_harness import TIMEOUT, answer_of, debate_turns

TOPIC = "school-uniforms"


async def make_teacher(server) -> int:
    await server.set_role_permissions(server.role_id, Permissions.MANAGE_GUILD)
    return await server.add_member("teacher", roles=[server.role_id])


async def create_class(server, teacher: int, **options) -> tuple[str, int]:
    """/class create; returns (join code, announcement message id)."""
    iid, _ = await server.send_interaction(
        "class create", {"name": "10B History", "topic": TOPIC, **options}, user_id=teacher
    )
    announce = await answer_of(server, iid, lambda m: bool(m.embeds))
    code = announce.embeds[0]["description"].split("code:")[1].split("`")[0]
    return code, announce.id


async def opening_in_new_thread(server) -> int:
    opening = await server.wait_for_message(
        lambda m: any(e.get("title") == "My opening" for e in m.embeds), timeout=TIMEOUT
    )
    return opening.channel_id


async def test_class_end_to_end_three_students_in_parallel(server, run, db):
    proc = await run()
    teacher = await make_teacher(server)
    code, announce = await create_class(server, teacher, side_policy="alternate")
    students = ["alice", "bob", "carol"]
    join_button = server.get_message(announce).components[0]["components"][0]["custom_id"]

    # alice and bob press the button, carol types the code: all at once
    server.checkpoint()
    await asyncio.gather(
        server.send_component(announce, join_button, user_id=server.user_id("alice")),
        server.send_component(announce, join_button, user_id=server.user_id("bob")),
        server.send_interaction("class join", {"code": code.lower()}, user_id=server.user_id("carol")),
    )
    async with asyncio.timeout(TIMEOUT):
        while len(server.threads()) < 3:
            await asyncio.sleep(0.02)
    for t in server.threads():  # each debate is open (stored) once its opening is posted
        await server.wait_for_message(
            lambda m: any(e.get("title") == "My opening" for e in m.embeds), channel_id=int(t["id"]), since=0,
            timeout=TIMEOUT,
        )  # fmt: skip
    threads = {t["name"].split(": ")[1].lower(): int(t["id"]) for t in server.threads()}
    assert all(t["type"] == 12 for t in server.threads())  # private threads
    assert set(threads) == set(students)

    # the three debate in parallel
    async def argue(name: str):
        for text in ["uniforms cost too much for poor families", "rich and poor look the same in uniforms"]:
            mid = await server.send_message(threads[name], server.user_id(name), text)
            await proc.until_handled(mid)  # answered and stored

    await asyncio.gather(*(argue(n) for n in students))

    # live status for the teacher
    iid, _ = await server.send_interaction("class status", {}, user_id=teacher)
    status = await answer_of(server, iid, lambda m: bool(m.embeds))
    assert status.ephemeral and "alice" in status.embeds[0]["description"].lower()
    assert {f["name"]: f["value"] for f in status.embeds[0]["fields"]}["Joined"] == "3"

    # close: unfinished debates end with scorecards in their threads
    iid, _ = await server.send_interaction("class close", {}, user_id=teacher)
    await answer_of(server, iid, lambda m: "Closed" in m.content)
    for name in students:
        assert any(
            "Scorecard" in (e.get("title") or "") for m in server.bot_messages(threads[name]) for e in m.embeds
        ), name

    # the report: CSV (one row a student) and HTML attached, with a summary embed and a web link
    iid, _ = await server.send_interaction("class report", {}, user_id=teacher)
    report = await answer_of(server, iid, lambda m: bool(m.files))
    files = {f.filename: f.content.decode() for f in report.files}
    rows = list(csv.DictReader(io.StringIO(files["class-1.csv"])))
    assert sorted(r["student"].lower() for r in rows) == students
    assert {r["side"] for r in rows} == {"pro", "con"}  # alternate sides
    assert all(int(r["turns"]) >= 1 and r["finished"] == "yes" for r in rows)
    assert "<table>" in files["class-1.html"] and "/debates/" in files["class-1.html"]
    assert "/classes/1?t=" in report.embeds[0]["description"]


async def test_students_cannot_use_teacher_commands_or_read_others(server, run, db):
    await run()
    teacher = await make_teacher(server)
    code, _ = await create_class(server, teacher, side_policy="proposition")
    alice, bob = server.user_id("bob"), server.user_id("carol")  # (the fake's "alice" owns the server)
    for student in (alice, bob):
        await server.send_interaction("class join", {"code": code}, user_id=student)
        await opening_in_new_thread(server)
    iid, _ = await server.send_interaction("class report", {}, user_id=alice)
    refused = await answer_of(server, iid, lambda m: "Only teachers" in m.content)
    assert not refused.files
    iid, _ = await server.send_interaction("class create", {"name": "x", "topic": TOPIC}, user_id=alice)
    await answer_of(server, iid, lambda m: "Only teachers" in m.content)
    # bob may not fetch alice's transcript; the teacher may
    iid, _ = await server.send_interaction("debate transcript", {"debate": 1}, user_id=bob)
    await answer_of(server, iid, lambda m: "Only the debater" in m.content)
    iid, _ = await server.send_interaction("debate transcript", {"debate": 1}, user_id=teacher)
    assert (await answer_of(server, iid, lambda m: bool(m.files))).files


async def test_team_mode_one_shared_debate_names_each_speaker(server, run, db):
    proc = await run()
    teacher = await make_teacher(server)
    code, _ = await create_class(server, teacher, team=True, side_policy="opposition")
    for name in ("alice", "bob"):
        iid, _ = await server.send_interaction("class join", {"code": code}, user_id=server.user_id(name))
        await answer_of(server, iid, lambda m: bool(m.content))
    assert len(server.threads()) == 1
    thread = int(server.threads()[0]["id"])
    for name, text in [("alice", "uniforms cost too much for poor families"), ("bob", "pupils need self expression")]:
        mid = await server.send_message(thread, server.user_id(name), text)
        await proc.until_handled(mid)
    debate, turns = await debate_turns(db)
    user_turns = [t for t in turns if t.speaker == "user"]
    assert [t.author_id for t in user_turns] == [str(server.user_id("alice")), str(server.user_id("bob"))]
    assert [t.author.lower() for t in user_turns] == ["alice", "bob"]
    iid, _ = await server.send_interaction("class report", {}, user_id=teacher)
    report = await answer_of(server, iid, lambda m: bool(m.files))
    rows = list(csv.DictReader(io.StringIO(report.files[0].content.decode())))
    assert sorted(r["student"].lower() for r in rows) == ["alice", "bob"] and {r["debate_id"] for r in rows} == {"1"}


async def test_class_setup_teacher_role(server, run, db):
    await run()
    owner = server.owner_id
    new_role = server.role_id
    await server.set_role_permissions(server.guild_id, Permissions.EVERYONE_DEFAULT | Permissions.MANAGE_GUILD)
    iid, _ = await server.send_interaction("class setup", {"teacher_role": new_role}, user_id=owner)
    await answer_of(server, iid, lambda m: "can now run classes" in m.content)


async def test_status_counts_the_students_turns_as_the_report_does(server, run, db):
    await run()
    teacher = await make_teacher(server)
    code, _ = await create_class(server, teacher, side_policy="opposition")
    student = server.user_id("bob")
    await server.send_interaction("class join", {"code": code}, user_id=student)
    thread = await opening_in_new_thread(server)
    for text in ["uniforms cost too much for poor families", "pupils need self expression"]:
        await server.send_message(thread, student, text)
        await server.wait_for_message(channel_id=thread, timeout=TIMEOUT, since=0)
        await asyncio.sleep(0.1)
    _, turns = await debate_turns(db)
    assert [t.speaker for t in turns].count("bot") > 2  # the opening and the replies are logged too

    iid, _ = await server.send_interaction("class report", {}, user_id=teacher)
    report = await answer_of(server, iid, lambda m: bool(m.files))
    (row,) = csv.DictReader(io.StringIO(report.files[0].content.decode()))
    assert row["turns"] == "2"
    iid, _ = await server.send_interaction("class status", {}, user_id=teacher)
    status = await answer_of(server, iid, lambda m: bool(m.embeds))
    assert "· 2 turns ·" in status.embeds[0]["description"], status.embeds[0]["description"]


async def test_a_class_debate_in_a_dm_says_so_and_links_its_first_message(server, run, db):
    """Threads forbidden in the class's channel: the debate runs in the student's DM, and every message naming
    where it is says so, with a link to its first message there (a DM's <#id> does not render)."""
    bot = await run()
    teacher = await make_teacher(server)
    no_threads = Permissions.CREATE_PUBLIC_THREADS | Permissions.CREATE_PRIVATE_THREADS
    await server.set_channel_overwrite(server.channel_id, server.bot_user_id, deny=no_threads)
    code, _ = await create_class(server, teacher, side_policy="opposition")
    student = server.user_id("bob")
    dm = server.dm_channel_id(student)

    iid, _ = await server.send_interaction("class join", {"code": code}, user_id=student)
    started = await answer_of(server, iid, lambda m: "ready" in m.content)
    debate, _ = await debate_turns(db)
    assert debate.thread_id == str(dm) and not server.threads()
    first = server.bot_messages(dm)[0]
    link = f"https://discord.com/channels/@me/{dm}/{first.id}"
    assert "in your DMs with Counterpoint" in started.content and link in started.content, started.content
    assert f"<#{dm}>" not in started.content

    iid, _ = await server.send_interaction("class join", {"code": code}, user_id=student)  # again
    again = await answer_of(server, iid, lambda m: "already" in m.content)
    assert "your DMs with Counterpoint" in again.content and link in again.content, again.content
    assert f"<#{dm}>" not in again.content

    await bot.stop()  # after a restart the DM is not in the cache
    await run()
    iid, _ = await server.send_interaction("class join", {"code": code}, user_id=student)
    again = await answer_of(server, iid, lambda m: "already" in m.content)
    assert "your DMs with Counterpoint" in again.content and link in again.content, again.content
