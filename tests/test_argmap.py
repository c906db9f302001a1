"""The argument map of a debate: plain data from the stored state, and a readable PNG."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

import bot.argmap_png as argmap_module
from bot.argmap_png import render_png
from bot.domain.argmap import BOT, USER
from bot.domain.engine import DebateEngine, DebateState
from bot.domain.records import DebateRecord, TurnRecord
from bot.domain.scorecard import build_scorecard
from bot.service import Review


def argument_map(topic, debate: DebateRecord, turns: list[TurnRecord]):
    """The map as the service builds it for a reader (``Review.argument_map``), scorecard included."""
    card = build_scorecard(topic, DebateState.from_dict(debate.state))
    return Review(debate, topic, turns, card, []).argument_map()


def record(topic, state: dict, user_side="con", bot_side="pro") -> DebateRecord:
    base = {"topic_id": topic.id, "user_side": user_side, "bot_side": bot_side, "seed": 1, "rebuttal_rounds": 2}
    return DebateRecord(
        id=1,
        topic_id=topic.id,
        topic_hash=topic.content_hash,
        user_side=user_side,
        bot_side=bot_side,
        seed=1,
        rebuttal_rounds=2,
        status="active",
        platform="terminal",
        user_id="local",
        user_name="you",
        guild_id=None,
        channel_id=None,
        thread_id=None,
        state={**base, **state},
        created_at="2026-01-01T00:00:00",
        updated_at="2026-01-01T00:00:00",
    )


def turn_record(number: int, speaker: str, claims=(), lines=(), roles=()) -> TurnRecord:
    return TurnRecord(
        id=number,
        debate_id=1,
        number=number,
        speaker=speaker,
        text="...",
        phase="rebuttal",
        round=1,
        author=speaker,
        kind=None,
        counted=True,
        claims=tuple(claims),
        scores=(),
        lines=tuple(lines),
        roles=tuple(roles),
        sources=(),
        message_id=None,
        created_at="2026-01-01T00:00:00",
    )


def play(topic, side: str, messages: list[str], seed: int = 1, rounds: int | None = None):
    """A real debate through the engine, returned as the stored record and turns would be."""
    engine = DebateEngine(topic)
    st = engine.new_state(side, seed=seed, rebuttal_rounds=rounds)
    st, reply = engine.opening(st)
    turns = [turn_record(1, "bot", reply.claims, reply.lines, [p.role for p in reply.parts])]
    for text in messages:
        turn = engine.respond(st, text)
        st = turn.state
        turns.append(turn_record(len(turns) + 1, "user", turn.match.claims if turn.match else ()))
        parts = turn.reply.parts
        turns.append(turn_record(len(turns) + 1, "bot", turn.reply.claims, turn.reply.lines, [p.role for p in parts]))
    return st, record(topic, st.to_dict(), st.user_side, st.bot_side), turns


def open_png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data))
    img.load()
    assert img.format == "PNG"
    return img


def edge_set(amap) -> set[tuple]:
    return {(e.source, e.target, e.kind) for e in amap.edges}


# ---------------------------------------------------------------------------------------------- data
def test_real_debate_rebuttal_and_unanswered_claim(mini_topic):
    st, debate, turns = play(mini_topic, "con", ["uniforms cost too much, the blazer price is crazy"])
    amap = argument_map(mini_topic, debate, turns)
    assert [n.id for n in amap.column(USER)] == ["cost"]
    assert {n.id for n in amap.column(BOT)} == set(st.bot_claims)
    cost = amap.node("cost")
    assert cost.side == "con" and cost.title == mini_topic.claim("cost").title
    assert "rebutted" in cost.flags and not cost.unanswered
    rebuttals = [e for e in amap.edges_of("rebutted") if e.target == "cost"]
    assert rebuttals and rebuttals[0].lines == tuple(st.rebutted["cost"])
    # the rebuttal comes from the bot claim it draws on when the bot has made that claim
    reb = next(r for r in mini_topic.claim("cost").rebuttals if r.id == st.rebutted["cost"][0])
    assert rebuttals[0].source in set(reb.draws_on) & set(st.bot_claims)
    # the user attacked none of the bot's claims yet: all of them are left unanswered
    card = build_scorecard(mini_topic, st)
    assert {n.id for n in amap.column(BOT) if n.unanswered} == {r.id for r in card.bot_standing} == set(st.bot_claims)
    assert amap.user_side_name == mini_topic.side("con").name and amap.bot_side_name == mini_topic.side("pro").name


def test_real_debate_matches_the_scorecard(mini_topic):
    messages = [
        "uniforms cost too much for poor families",
        "uniforms limit self expression and identity",
        "the blazer is expensive, they cost money",
        "wealth shows anyway",
    ]
    st, debate, turns = play(mini_topic, "con", messages)
    amap = argument_map(mini_topic, debate, turns)
    card = build_scorecard(mini_topic, st)
    assert {n.id for n in amap.column(USER) if "rebutted" in n.flags} == {r.id for r in card.rebutted}
    assert {n.id for n in amap.column(BOT) if n.unanswered} == {r.id for r in card.bot_standing}
    assert {n.id for n in amap.nodes if n.conceded} == {r.id for r in card.bot_conceded}
    for bot_id, attackers in st.attacked.items():
        for user_id in attackers:
            assert (user_id if user_id != "direct" else None, bot_id, "attacked") in edge_set(amap)
    # every user claim the bot answered has an arrow coming in from the bot's side
    for user_id in st.rebutted:
        assert any(e.target == user_id and e.kind in ("rebutted", "defended") for e in amap.edges)
    json.dumps(amap.as_dict())  # plain data


def test_left_standing_is_the_scorecards_verdict_not_worked_out_again(mini_topic):
    """The map draws "left standing" from the scorecard it is given: change the card, the map follows."""
    from dataclasses import replace

    from bot.domain.argmap import argument_map as map_of

    st, debate, turns = play(mini_topic, "con", ["uniforms cost too much for poor families"])
    card = build_scorecard(mini_topic, st)
    assert card.bot_standing
    amap = map_of(mini_topic, st, replace(card, bot_standing=()), turns)
    assert not [n for n in amap.column(BOT) if n.unanswered]
    amap = map_of(mini_topic, st, card, turns)
    assert {n.id for n in amap.column(BOT) if n.unanswered} == {r.id for r in card.bot_standing}


def test_attack_defence_concession_and_markers(mini_topic):
    state = {
        "user_claims": ["cost", "expression"],
        # cost.r1 draws on 'equality', which the bot never advanced: a rebuttal marker
        "rebutted": {"cost": ["cost.r1"], "expression": ["focus.c1"]},
        "bot_claims": ["focus"],
        "attacked": {"focus": ["expression", "expression", "direct"]},
        "defended": {"focus": ["focus.c1"]},
        "conceded_points": ["focus"],
        "acknowledged": [],
    }
    amap = argument_map(mini_topic, record(mini_topic, state), [])
    assert edge_set(amap) == {
        (None, "cost", "rebutted"),
        ("expression", "focus", "attacked"),
        ("focus", "expression", "defended"),
        (None, "focus", "attacked"),  # attacked directly, with no claim of the student's own
    }
    assert next(e for e in amap.edges if e.kind == "defended").lines == ("focus.c1",)
    focus = amap.node("focus")
    assert focus.conceded and not focus.unanswered
    assert set(focus.flags) == {"conceded", "attacked", "defended"}
    assert amap.node("expression").flags == ("rebutted",)  # answered by the defence of 'focus'
    open_png(render_png(amap))


def test_unanswered_user_claim_and_acknowledged_bot_claim(mini_topic):
    state = {
        "user_claims": ["expression"],
        "bot_claims": ["equality"],
        "acknowledged": ["focus"],  # the student argued the bot's side for it
    }
    amap = argument_map(mini_topic, record(mini_topic, state), [])
    assert amap.node("expression").unanswered
    assert amap.node("equality").unanswered
    focus = amap.node("focus")
    assert focus.column == BOT and "acknowledged" in focus.flags and not focus.unanswered
    assert amap.edges == ()


def test_turns_give_the_order(mini_topic):
    state = {"user_claims": ["cost", "expression"], "bot_claims": ["equality", "focus"]}
    turns = [
        turn_record(1, "bot", ["focus", "equality"], roles=["advance", "advance"]),
        turn_record(2, "user", ["expression"]),
        turn_record(3, "user", ["cost"]),
    ]
    amap = argument_map(mini_topic, record(mini_topic, state), turns)
    assert [n.id for n in amap.column(USER)] == ["expression", "cost"]
    assert [n.id for n in amap.column(BOT)] == ["focus", "equality"]
    assert [n.id for n in argument_map(mini_topic, record(mini_topic, state), []).column(USER)] == [
        "cost",
        "expression",
    ]


def test_empty_and_unknown_claims(mini_topic):
    assert argument_map(mini_topic, record(mini_topic, {}), []).empty
    amap = argument_map(mini_topic, record(mini_topic, {"user_claims": ["gone-claim"]}), [])
    assert amap.node("gone-claim").title == "gone-claim"  # a topic edited since: no crash


# ---------------------------------------------------------------------------------------------- picture
def test_render_png_valid_and_grows(mini_topic):
    small = argument_map(mini_topic, record(mini_topic, {"user_claims": ["cost"], "bot_claims": ["equality"]}), [])
    big_state = {
        "user_claims": ["cost", "expression"],
        "rebutted": {"cost": ["cost.r1"]},
        "bot_claims": ["equality", "focus"],
        "attacked": {"focus": ["expression"]},
        "conceded_points": ["focus"],
    }
    big = argument_map(mini_topic, record(mini_topic, big_state), [])
    a, b = open_png(render_png(small)), open_png(render_png(big))
    assert a.width == b.width == 1200
    assert b.height > a.height > 400
    assert open_png(render_png(big, width=800)).width == 800
    with pytest.raises(ValueError):
        render_png(big, width=100)


def test_render_empty_debate(mini_topic):
    img = open_png(render_png(argument_map(mini_topic, record(mini_topic, {}), [])))
    assert img.width == 1200 and 250 < img.height < 700
    # not a blank canvas: dark text is drawn
    assert img.convert("L").getextrema()[0] < 60


def test_rows_hold_every_claim_once(purges):
    user = [c.id for c in purges.claims_of("structures")]
    bot = [c.id for c in purges.claims_of("stalin")]
    state = {
        "user_claims": user[:6],
        "bot_claims": bot[:8],
        "rebutted": {user[0]: [purges.claim(user[0]).rebuttals[0].id]},
        "attacked": {bot[1]: [user[3], user[5]], bot[6]: ["direct"]},
    }
    amap = argument_map(purges, record(purges, state, "structures", "stalin"), [])
    rows = argmap_module._rows(amap)
    assert sorted(n.id for row in rows for n in row) == sorted(n.id for n in amap.nodes)
    for row in rows:
        assert len(row) <= 2 and len({n.column for n in row}) == len(row)
        assert row[0].column == USER or len(row) == 1


def test_long_titles_wrap_to_four_lines():
    canvas = argmap_module._Canvas(1200)
    lines = canvas.wrap("word " * 80, 28, 400, max_lines=4)
    assert len(lines) == 4 and lines[-1].endswith("\u2026")
    assert all(canvas.text_width(line, 28) <= 400 for line in lines)
    assert canvas.wrap("Supercalifragilisticexpialidocious" * 3, 28, 200)[0].endswith("-")


def test_renders_without_system_fonts(mini_topic, monkeypatch):
    """Without DejaVu (a slim container) the map uses Pillow's own scalable font."""
    monkeypatch.setattr(argmap_module, "_FONT_DIRS", ())
    argmap_module._font.cache_clear()
    try:
        font, _ = argmap_module._font(30)
        assert font.size == 30
        state = {"user_claims": ["cost"], "rebutted": {"cost": ["cost.r1"]}, "bot_claims": ["equality"]}
        assert open_png(render_png(argument_map(mini_topic, record(mini_topic, state), []))).width == 1200
    finally:
        argmap_module._font.cache_clear()


def test_real_topic_four_rounds(purges):
    messages = [
        "Ordinary people made denunciations of their neighbours; the bureaucratic machine took on a life of its own.",
        "Regional party bosses pushed for higher quotas themselves.",
        "Yezhov ran the NKVD and the Yezhovshchina was his zeal. Lenin's red terror had made it normal.",
        "It was collective leadership and shared responsibility, not one man.",
        "Fear of war and a fifth column drove it, the threats were real.",
        "In conclusion, denunciations and the bureaucratic machine mattered more than his paranoia.",
    ]
    st, debate, turns = play(purges, "structures", messages, seed=3, rounds=4)
    assert st.finished
    amap = argument_map(purges, debate, turns)
    assert len(amap.column(USER)) >= 5 and len(amap.column(BOT)) >= 5
    img = open_png(render_png(amap))
    assert img.width == 1200 and img.height > 1200
