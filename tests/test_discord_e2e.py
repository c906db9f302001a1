"""End to end: the real discord.py client running Counterpoint against the fake Discord on 127.0.0.1.

Each test starts a FakeDiscord, points the bot at it through the DISCORD_API_BASE / DISCORD_GATEWAY_URL
settings, and drives users: slash commands (INTERACTION_CREATE), messages (MESSAGE_CREATE), button
clicks. Assertions look at what the fake received over REST and at the SQLite log.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.settings import Settings
from bot.storage.sqlite import SQLiteStore
from bot.topic_files import TopicLibrary
from tests.discord_fake import Intents, Permissions
from tests.discord_harness import TIMEOUT, TOPIC, BotProcess, answer_of, debate_turns, start_debate, turn

# ---------------------------------------------------------------------------------------------- tests


async def test_login_intents_and_command_sync(server, run):
    await run()
    intents = server.identify["intents"]
    for needed in (Intents.GUILDS, Intents.GUILD_MESSAGES, Intents.DIRECT_MESSAGES, Intents.MESSAGE_CONTENT):
        assert intents & needed, f"intent {needed} missing from IDENTIFY ({intents})"
    synced = server.requests_to("PUT", rf"/applications/{server.app_id}/commands")
    assert synced, "slash commands were not synced"
    (debate,) = [c for c in synced[-1].json if c["name"] == "debate"]
    subcommands = {o["name"] for o in debate["options"]}
    assert subcommands == {
        "start", "status", "hint", "concede", "end", "topics", "history", "transcript", "link", "help"
    }  # fmt: skip
    (klass,) = [c for c in synced[-1].json if c["name"] == "class"]
    assert {o["name"] for o in klass["options"]} == {"setup", "create", "join", "status", "close", "report"}
    (topic,) = [c for c in synced[-1].json if c["name"] == "topic"]
    assert {o["name"] for o in topic["options"]} == {"upload", "list", "download", "remove"}
    assert topic.get("dm_permission") is False or topic.get("contexts") == [0]  # servers only, as /class
    upload = next(o for o in topic["options"] if o["name"] == "upload")
    assert [(o["name"], o["type"]) for o in upload["options"]] == [("file", 11)]  # 11: an attachment
    start = next(o for o in debate["options"] if o["name"] == "start")
    assert {o["name"] for o in start["options"]} == {"topic", "side", "rounds", "private", "minutes"}
    assert all(o["description"] for o in debate["options"])


async def test_start_opens_thread_and_full_debate_to_scorecard(server, run, db):
    proc = await run()
    thread_id, iid = await start_debate(server)
    thread = next(t for t in server.threads() if int(t["id"]) == thread_id)
    assert thread["parent_id"] == str(server.channel_id)
    assert "School uniforms" in thread["name"]
    assert server.interaction(iid).acknowledged
    opening = server.bot_messages(thread_id)[0]
    assert opening.embeds[0]["title"] == "School uniforms should be compulsory"  # the rules
    assert "Uniforms should be optional" in opening.embeds[0]["description"]

    messages = [
        "uniforms cost a lot and poor families struggle to pay for them",
        "pupils need to express themselves and their identity",
        "the designer labels argument is weak because phones show wealth anyway",
        "in closing: cost and freedom of expression outweigh the rest",
    ]
    for text in messages:
        reply = await turn(server, thread_id, "alice", text)
        assert reply.content
    card = await server.wait_for_message(
        lambda m: any("Scorecard" in (e.get("title") or "") for e in m.embeds), channel_id=thread_id, timeout=TIMEOUT
    )
    assert card.embeds[0]["fields"]
    (picture,) = card.files  # the argument map, shown in the scorecard embed
    assert picture.filename == "argument-map.png" and picture.content.startswith(b"\x89PNG")
    assert card.embeds[0]["image"]["url"] == "attachment://argument-map.png"
    assert server.requests_to("POST", rf"/channels/{thread_id}/typing"), "no typing indicator while composing"
    debate, turns = await debate_turns(db)
    assert debate.status == "completed"
    assert debate.thread_id == str(thread_id) and debate.channel_id == str(server.channel_id)
    assert [t.speaker for t in turns] == ["bot"] + ["user", "bot"] * len(messages)
    assert [t.text for t in turns if t.speaker == "user"] == messages
    assert all(t.message_id for t in turns if t.speaker == "user")
    # after the end, messages in the thread are no longer turns
    late = await server.send_message(thread_id, server.user_id("alice"), "one more thing")
    await proc.until_handled(late)
    assert len((await debate_turns(db))[1]) == len(turns)


async def test_every_bot_message_suppresses_mentions(server, run):
    await run()
    thread_id, _ = await start_debate(server)
    await turn(server, thread_id, "alice", f"@everyone <@&{server.role_id}> uniforms cost too much for poor families")
    await server.send_interaction("debate status", {}, user_id=server.user_id("alice"), channel_id=thread_id)
    await server.wait_for_message(lambda m: bool(m.embeds), timeout=TIMEOUT)
    sent = [
        r
        for r in server.requests
        if r.method in ("POST", "PATCH")
        and (r.path.endswith("/messages") or "/callback" in r.path or "/webhooks/" in r.path)
        and isinstance(r.json, dict)
    ]
    assert len(sent) >= 4
    for request in sent:
        body = request.json.get("data", request.json) if "/callback" in request.path else request.json
        if "content" in body or "embeds" in body:
            assert body.get("allowed_mentions") == {"parse": []}, request
    assert not any(m.data.get("mention_everyone") for m in server.bot_messages())


async def test_side_buttons_and_random(server, run, db):
    await run()
    alice = server.user_id("alice")
    await server.send_interaction("debate start", {"topic": TOPIC}, user_id=alice)
    prompt = await server.wait_for_message(lambda m: bool(m.components), timeout=TIMEOUT)
    buttons = [c for row in prompt.components for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Uniforms should be compulsory", "Uniforms should be optional", "Random"]
    # someone else cannot click alice's buttons
    await server.send_component(prompt.id, buttons[0]["custom_id"], user_id=server.user_id("bob"))
    refused = await server.wait_for_message(lambda m: "belong" in m.content, timeout=TIMEOUT)
    assert refused.ephemeral
    await server.send_component(prompt.id, buttons[0]["custom_id"], user_id=alice)
    await server.wait_for_message(lambda m: any(e.get("title") == "My opening" for e in m.embeds), timeout=TIMEOUT)
    debate, _ = await debate_turns(db)
    assert (debate.user_side, debate.bot_side, debate.user_id) == ("pro", "con", str(alice))


async def test_side_buttons_survive_a_restart(server, run, db):
    first = await run()
    alice = server.user_id("alice")
    await server.send_interaction("debate start", {"topic": TOPIC}, user_id=alice)
    prompt = await server.wait_for_message(lambda m: bool(m.components), timeout=TIMEOUT)
    await first.stop()
    await run()
    random_button = prompt.components[0]["components"][-1]["custom_id"]
    await server.send_component(prompt.id, random_button, user_id=alice)
    await server.wait_for_message(lambda m: any(e.get("title") == "My opening" for e in m.embeds), timeout=TIMEOUT)
    debate, _ = await debate_turns(db)
    assert debate.user_side in ("pro", "con") and debate.active


async def test_second_start_says_where_the_first_is(server, run):
    await run()
    thread_id, _ = await start_debate(server)
    await server.send_interaction("debate start", {"topic": TOPIC, "side": "pro"}, user_id=server.user_id("alice"))
    answer = await server.wait_for_message(lambda m: "already" in m.content, timeout=TIMEOUT)
    assert f"<#{thread_id}>" in answer.content and answer.ephemeral
    assert len(server.threads()) == 1


async def test_private_thread_when_asked(server, run):
    await run()
    thread_id, _ = await start_debate(server, private=True)
    thread = next(t for t in server.threads() if int(t["id"]) == thread_id)
    assert thread["type"] == 12  # GUILD_PRIVATE_THREAD
    assert server.user_id("alice") in server.thread_members[thread_id]


async def test_dm_debate(server, run, db):
    await run()
    alice = server.user_id("alice")
    dm = server.dm_channel_id(alice)
    await server.send_interaction("debate start", {"topic": TOPIC, "side": "pro"}, user_id=alice, channel_id=dm)
    await server.wait_for_message(
        lambda m: any(e.get("title") == "My opening" for e in m.embeds), channel_id=dm, timeout=TIMEOUT
    )
    assert server.threads() == []
    reply = await turn(server, dm, "alice", "uniforms stop bullying over designer labels between rich and poor")
    assert reply.content
    debate, turns = await debate_turns(db)
    assert debate.guild_id is None and debate.thread_id == str(dm)
    assert turns[1].text.startswith("uniforms stop bullying")


async def test_dm_without_debate_gets_one_hint(server, run):
    proc = await run()
    alice = server.user_id("alice")
    await server.send_dm(alice, "hello?")
    hint = await server.wait_for_message(channel_id=server.dm_channel_id(alice), timeout=TIMEOUT)
    assert "/debate start" in hint.content
    again = await server.send_dm(alice, "hello again")
    await proc.until_handled(again)
    assert len(server.bot_messages(server.dm_channel_id(alice))) == 1


async def test_messages_of_others_are_not_turns(server, run, db):
    proc = await run()
    thread_id, _ = await start_debate(server)
    bob = server.user_id("bob")
    await server.send_message(thread_id, bob, "uniforms are great")
    hint = await server.wait_for_message(channel_id=thread_id, timeout=TIMEOUT)
    assert "not turns" in hint.content
    still = await server.send_message(thread_id, bob, "still here")
    await proc.until_handled(still)
    assert len(server.bot_messages(thread_id)) == 2  # the opening and the one hint
    _, turns = await debate_turns(db)
    assert len(turns) == 1


async def test_long_reply_is_split_under_2000(server, run, db, tmp_path):
    data = yaml.safe_load((Path(__file__).parent / "data/topics/mini.yaml").read_text())
    # one long sentence: a reply is shortened at sentence ends, so only a sentence this long needs splitting
    filler = " ".join(f"and clause {i} adds more detail to this point," for i in range(40))
    for claim in data["claims"]:
        for item in claim["arguments"] + claim["rebuttals"]:
            item["text"] = f"{item['text']} {filler}"[:1900]
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "long.yaml").write_text(yaml.safe_dump(data))
    library = TopicLibrary.load(tmp_path / "topics")
    proc = BotProcess(server, library, db)
    try:
        await proc.start()
        thread_id, _ = await start_debate(server)
        server.checkpoint()
        two_claims = "uniforms cost too much for poor families, and pupils need to express their identity"
        mid = await server.send_message(thread_id, server.user_id("alice"), two_claims)
        await proc.until_handled(mid)  # every part of the long reply posted
        _, turns = await debate_turns(db)
        reply_text = turns[-1].text
        assert len(reply_text) > 2000
        posted = [m for m in server.bot_messages(thread_id)[1:] if m.content]
        assert len(posted) >= 2
        assert all(len(m.content) <= 2000 for m in posted)
        assert "".join(m.content for m in posted).replace("\n", "").replace(" ", "") == reply_text.replace(
            "\n", ""
        ).replace(" ", "")
    finally:
        await proc.stop()


async def test_replayed_message_after_resume_is_processed_once(server, run, db):
    proc = await run()
    thread_id, _ = await start_debate(server)
    alice = server.user_id("alice")
    mid = await server.send_message(thread_id, alice, "uniforms cost too much for poor families")
    await proc.until_handled(mid)
    before = len(server.bot_messages(thread_id))
    await server.drop_connection()
    await server.wait_for_gateway(lambda p: p.op == 6, timeout=TIMEOUT)  # RESUME
    await server.replay(mid)  # Discord may deliver it again after the resume
    await server.replay(mid)
    await proc.until_handled(mid, times=3)
    assert len(server.bot_messages(thread_id)) == before
    _, turns = await debate_turns(db)
    assert [t.message_id for t in turns].count(str(mid)) == 1
    # and the debate goes on normally
    reply = await turn(server, thread_id, "alice", "students need to express their identity")
    assert reply.content


async def test_restart_mid_debate_continues_from_the_log(server, run, db):
    first = await run()
    thread_id, _ = await start_debate(server)
    await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    await first.stop()  # the turn is stored before its reply is sent
    second = await run()
    assert second.cog.threads == {thread_id: 1}
    assert second.bot.ready_count == 1
    reply = await turn(server, thread_id, "alice", "self expression matters more than looking smart")
    assert reply.content
    debate, turns = await debate_turns(db)
    assert [t.number for t in turns] == list(range(1, 6))
    assert debate.state["round_in_phase"] == 2 and debate.active


async def test_rate_limited_send_is_retried(server, run, db):
    await run()
    thread_id, _ = await start_debate(server)
    server.fail_next(
        "POST",
        rf"/channels/{thread_id}/messages",
        429,
        json={"message": "You are being rate limited.", "retry_after": 0.2, "global": False},
        headers={"Retry-After": "0.2", "Via": "1.1 google", "X-RateLimit-Scope": "user"},
    )
    reply = await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    assert reply.content
    assert any(r.status == 429 for r in server.requests_to("POST", rf"/channels/{thread_id}/messages"))


async def test_forbidden_send_keeps_the_turn_and_tells_the_user(server, run, db):
    await run()
    thread_id, _ = await start_debate(server)
    alice = server.user_id("alice")
    server.fail_next("POST", rf"/channels/{thread_id}/messages", 403)
    await server.send_message(thread_id, alice, "uniforms cost too much for poor families")
    notice = await server.wait_for_message(channel_id=server.dm_channel_id(alice), timeout=TIMEOUT)
    assert "saved" in notice.content
    debate, turns = await debate_turns(db)
    assert [t.speaker for t in turns] == ["bot", "user", "bot"] and debate.active
    # the debate is not corrupted: the next turn works
    reply = await turn(server, thread_id, "alice", "self expression matters more than looking smart")
    assert reply.content


async def test_thread_deleted_ends_the_debate(server, run, db):
    await run()
    thread_id, _ = await start_debate(server)
    server.fail_next(
        "POST", rf"/channels/{thread_id}/messages", 404, json={"message": "Unknown Channel", "code": 10003}
    )
    await server.send_message(thread_id, server.user_id("alice"), "uniforms cost too much for poor families")
    notice = await server.wait_for_message(channel_id=server.dm_channel_id(server.user_id("alice")), timeout=TIMEOUT)
    assert "deleted" in notice.content
    debate, turns = await debate_turns(db)
    assert debate.status == "ended" and turns[1].speaker == "user"


async def test_transcript_is_attached_for_participant_and_refused_to_others(server, run):
    await run()
    thread_id, _ = await start_debate(server)
    await turn(server, thread_id, "alice", "uniforms cost too much for poor families")
    iid, _ = await server.send_interaction(
        "debate transcript", {"format": "html"}, user_id=server.user_id("alice"), channel_id=thread_id
    )
    reply = await answer_of(server, iid, lambda m: bool(m.files))
    (file,) = reply.files
    assert file.filename.endswith(".html") and b"uniforms cost too much" in file.content
    assert reply.ephemeral
    iid, _ = await server.send_interaction("debate transcript", {"debate": 1}, user_id=server.user_id("bob"))
    refused = await answer_of(server, iid, lambda m: "Only the debater" in m.content)
    assert not refused.files


async def test_moderator_may_end_but_other_students_may_not(server, run, db):
    await run()
    thread_id, _ = await start_debate(server)
    bob = server.user_id("bob")
    await server.send_interaction("debate end", {}, user_id=bob, channel_id=thread_id)
    await server.wait_for_message(lambda m: "Only the debater" in m.content, timeout=TIMEOUT)
    assert (await debate_turns(db))[0].active
    await server.set_role_permissions(server.role_id, Permissions.MANAGE_THREADS)
    carol = await server.add_member("dana", roles=[server.role_id])
    await server.send_interaction("debate end", {}, user_id=carol, channel_id=thread_id)
    await server.wait_for_message(
        lambda m: any("Scorecard" in (e.get("title") or "") for e in m.embeds), channel_id=thread_id, timeout=TIMEOUT
    )
    assert (await debate_turns(db))[0].status == "ended"


async def test_status_topics_history_help(server, run):
    await run()
    alice = server.user_id("alice")
    await server.send_interaction("debate topics", {}, user_id=alice)
    topics = await server.wait_for_message(lambda m: bool(m.embeds), timeout=TIMEOUT)
    assert "School uniforms" in topics.embeds[0]["fields"][0]["name"]
    await server.send_interaction("debate status", {}, user_id=alice)
    await server.wait_for_message(lambda m: "no active debate" in m.content, timeout=TIMEOUT)
    thread_id, _ = await start_debate(server)
    await server.send_interaction("debate status", {}, user_id=alice)
    status = await server.wait_for_message(lambda m: bool(m.embeds), timeout=TIMEOUT)
    assert "Opening" in status.embeds[0]["description"]
    await server.send_interaction("debate history", {}, user_id=alice)
    history = await server.wait_for_message(lambda m: bool(m.embeds), timeout=TIMEOUT)
    assert "#1" in history.embeds[0]["description"] and f"<#{thread_id}>" in history.embeds[0]["description"]
    link = history.embeds[0]["fields"][0]["value"]
    from bot.web.links import LinkSigner

    token = link.split("?t=")[1]
    assert LinkSigner("test-secret-for-signed-links", "http://x").verify(token) == f"student:-:{alice}"
    await server.send_interaction("debate help", {}, user_id=alice)
    help_ = await server.wait_for_message(lambda m: bool(m.embeds), timeout=TIMEOUT)
    assert "/debate start" in help_.embeds[0]["description"]


async def test_topic_autocomplete(server, run):
    await run()
    iid, _ = await server.send_autocomplete("debate start", {"topic": "unif"}, "topic")
    await server.wait_for("POST", rf"/interactions/{iid}/.+/callback", timeout=TIMEOUT)
    choices = server.interaction(iid).response_data["choices"]
    assert choices == [{"name": "School uniforms should be compulsory", "value": TOPIC}]


async def test_bad_options_get_a_friendly_error(server, run):
    await run()
    alice = server.user_id("alice")
    await server.send_interaction("debate start", {"topic": "no-such-topic", "side": "pro"}, user_id=alice)
    answer = await server.wait_for_message(lambda m: "didn't work" in m.content, timeout=TIMEOUT)
    assert "no-such-topic" in answer.content and answer.ephemeral
    assert server.threads() == []


async def test_flood_gets_one_notice(server, run, db):
    proc = await run(turn_cooldown=3600.0)  # never over during the test, however slow the machine
    thread_id, _ = await start_debate(server)
    alice = server.user_id("alice")
    sent = [
        await server.send_message(thread_id, alice, text)
        for text in ["uniforms cost too much", "and another thing", "and another", "and more"]
    ]
    for mid in sent:
        await proc.until_handled(mid)
    contents = [m.content for m in server.bot_messages(thread_id)[1:]]
    assert sum("Slow down" in c for c in contents) == 1
    _, turns = await debate_turns(db)
    assert len([t for t in turns if t.speaker == "user"]) == 1


async def test_turn_timer_reminds_then_forfeits_and_survives_restart(server, run, db):
    first = await run()
    thread_id, _ = await start_debate(server, minutes=5)
    debate, _ = await debate_turns(db)
    assert debate.turn_seconds == 300 and debate.deadline
    await first.stop()
    # the deadline passed while the bot was down: the restarted bot forfeits the turn from the log
    async with SQLiteStore(db) as store:
        await store.set_deadline(debate.id, "2000-01-01T00:00:00.000+00:00")
    await run()
    forfeited = await server.wait_for_message(
        lambda m: "turn" in m.content.lower(), channel_id=thread_id, timeout=TIMEOUT
    )
    assert "Time" in forfeited.content or "clock" in forfeited.content
    debate, turns = await debate_turns(db)
    assert turns[1].kind == "forfeit" and debate.deadline > "2001"


async def test_turn_timer_sends_a_reminder_before_the_deadline(server, run, db):
    proc = await run()
    thread_id, _ = await start_debate(server, minutes=5)
    debate, _ = await debate_turns(db)
    # move the deadline to 61 s from now: the reminder (60 s before) is due in about a second
    from datetime import UTC, datetime, timedelta

    soon = (datetime.now(UTC) + timedelta(seconds=61)).isoformat(timespec="milliseconds")
    await proc.store.set_deadline(debate.id, soon)
    proc.cog.timers.arm(await proc.store.get_debate(debate.id))
    reminder = await server.wait_for_message(lambda m: "left for your turn" in m.content, timeout=TIMEOUT)
    assert reminder.channel_id == thread_id and f"<@{server.user_id('alice')}>" in reminder.content
    assert reminder.allowed_mentions == {"parse": []}  # the reminder names the debater but pings no one


async def test_sharded_process_identifies_its_shards(server, run):
    proc = await run(shard_count=2, shard_ids=(0, 1))
    shards = sorted(tuple(i["shard"]) for i in server.identifies)
    assert shards == [(0, 2), (1, 2)]
    assert proc.bot.shard_count == 2
    thread_id, _ = await start_debate(server)
    assert (await turn(server, thread_id, "alice", "uniforms cost too much for poor families")).content


def test_a_process_restores_only_the_debates_of_its_shards():
    from bot.discordbot.client import CounterpointBot

    bot = CounterpointBot.__new__(CounterpointBot)
    bot.settings = Settings(db_path=Path("x"), topics_dir=Path("."), shard_count=4, shard_ids=(1, 3))
    guild_on = {shard: str((12345 << 22) * 4 + (shard << 22)) for shard in range(4)}
    assert [bot.owns(guild_on[s]) for s in range(4)] == [False, True, False, True]
    assert bot.owns(None) is False  # DMs are shard 0's
    bot.settings = Settings(db_path=Path("x"), topics_dir=Path("."))
    assert bot.owns(guild_on[0]) and bot.owns(None)


async def test_class_group_is_published_guild_only(server, run):
    """Discord does not offer /class in DMs: the group itself carries the guild-only mark."""
    await run()
    synced = server.requests_to("PUT", rf"/applications/{server.app_id}/commands")
    (klass,) = [c for c in synced[-1].json if c["name"] == "class"]
    assert klass.get("dm_permission") is False
    assert klass.get("contexts") in (None, [0])  # guild context only, when contexts are sent
    (debate,) = [c for c in synced[-1].json if c["name"] == "debate"]
    assert debate.get("dm_permission", True) is True  # /debate still works in DMs
