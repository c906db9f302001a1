"""Replies a student wants to read: short by default with the full evidence one step away, no repeated
framing, citations that are never ids, and the transcript keeping every line whole."""

from __future__ import annotations

import re
from unittest.mock import MagicMock

import pytest

from bot.discordbot.buttons import MoreButton
from bot.domain.engine import REPLY_WORDS, DebateEngine
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from tests.helpers import cog_with_store, mock_interaction, mock_message

from .test_debates_moves import ATTACKS, OWN

THREAD, ALICE = 20, 30
STATUS_WORDS = 14  # the short status line that ends a reply


def script_for(engine, side, seed):
    """A whole debate: attack each point in play, then argue an own claim, until the closing."""
    state, opening = engine.opening(engine.new_state(side, seed, rebuttal_rounds=3))
    replies = [opening]
    k = 0
    while not state.finished:
        target = next((c for c in state.bot_claims if c not in state.attacked), None)
        text = ATTACKS[target] if target and k % 2 == 0 else OWN[side][k % len(OWN[side])]
        turn = engine.respond(state, text)
        state, k = turn.state, k + 1
        replies.append(turn.reply)
    return state, replies


@pytest.fixture(scope="module")
def engine(purges):
    return DebateEngine(purges)


@pytest.mark.parametrize("side", ["structures", "stalin"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_replies_are_short_and_keep_the_whole_evidence(engine, side, seed):
    _, replies = script_for(engine, side, seed)
    for reply in replies:
        if any(p.role == "closing" for p in reply.parts):
            continue
        # the budget, plus what whole sentences may add: a first sentence is never cut
        assert len(reply.text.split()) <= REPLY_WORDS + STATUS_WORDS + 80, reply.text
        for part in reply.parts:
            if part.detail:
                # the short form is the start of the whole line, cut at a sentence end
                assert part.detail.startswith(part.text.rsplit(" (", 1)[0].rstrip("."))
                assert part.detail in reply.full_text
    assert any(r.shortened for r in replies)  # the shipped lines are long: some replies were shortened


def test_nine_replies_in_ten_are_at_most_130_words(engine):
    lengths = sorted(
        len(r.text.split())
        for side in ("structures", "stalin")
        for seed in range(1, 11)
        for r in script_for(engine, side, seed)[1]
        if not any(p.role == "closing" for p in r.parts)
    )
    assert lengths[int(0.9 * len(lengths)) - 1] <= 130, lengths[-20:]


@pytest.mark.parametrize("side", ["structures", "stalin"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_intro_phrase_is_repeated_within_a_debate(engine, side, seed):
    state, replies = script_for(engine, side, seed)
    intros = [p.head for r in replies for p in r.parts if p.head and not p.head.startswith("**")]
    frames = [re.sub(r"\s+", " ", h) for h in intros]
    assert len(frames) == len(set(frames)), frames
    assert len(state.intros) == len(set(state.intros))


def test_a_new_point_is_never_introduced_as_one_made_before(engine):
    for side in ("structures", "stalin"):
        for seed in range(1, 6):
            _, replies = script_for(engine, side, seed)
            for r in replies:
                for p in r.parts:
                    if p.role == "advance":
                        assert "yet to answer" not in p.text and "haven't dealt with" not in p.text


def test_citations_are_never_source_ids(engine, purges):
    ids = set(purges.sources)
    for side in ("structures", "stalin"):
        _, replies = script_for(engine, side, 1)
        for r in replies:
            for ref in re.findall(r"\(([^()]*\d{4}[^()]*)\)", r.full_text):
                assert not set(x.strip() for x in ref.split(";")) & ids, ref


# ---------------------------------------------------------------------------------------- the transcript
async def test_the_transcript_keeps_the_full_reply(library, tmp_path):
    async with SQLiteStore(tmp_path / "t.sqlite3") as store:
        service = DebateService(library, store)
        started = await service.start("great-purges", "structures", seed=5)
        outcome = await service.say(started.debate.id, ATTACKS[started.debate.state["bot_claims"][0]])
        assert outcome.reply.shortened
        bot_turn = (await store.turns(started.debate.id))[-1]
        assert bot_turn.text == outcome.reply.full_text and len(bot_turn.text) > len(outcome.reply.text)


# ---------------------------------------------------------------------------------------- Discord
@pytest.fixture
async def cog(library, tmp_path):
    async with cog_with_store(library, tmp_path) as cog:
        yield cog


async def test_more_evidence_button_shows_the_whole_reply_after_a_restart(cog):
    outcome = await cog.service.start(
        "great-purges",
        "structures",
        seed=5,
        user_id=str(ALICE),
        user_name="alice",
        platform="discord",
        thread_id=str(THREAD),
    )
    cog.threads[THREAD] = outcome.debate.id
    attack = ATTACKS[outcome.debate.state["bot_claims"][0]]
    await cog.on_message(mock_message(attack, author_id=ALICE, channel_id=THREAD))
    kwargs = cog.post.await_args.kwargs
    shown = kwargs["content"]
    (dynamic,) = kwargs["view"].children
    button = dynamic.item
    assert button.label == "More evidence" and button.custom_id.startswith(f"cp:more:{outcome.debate.id}:")
    # a restart: the button is rebuilt from its custom id alone
    match = re.fullmatch(MoreButton.__discord_ui_compiled_template__, button.custom_id)
    item = await MoreButton.from_custom_id(MagicMock(), button, match)
    interaction = mock_interaction(user_id=99)  # anyone who can see the thread may read the evidence
    interaction.client = MagicMock()
    interaction.client.get_cog.return_value = cog
    await item.callback(interaction)
    full = interaction.response.send_message.await_args.args[0]
    assert interaction.response.send_message.await_args.kwargs == {"ephemeral": True}
    assert len(full) > len(shown) and full.split("\n\n")[0].startswith(shown.split("\n\n")[0].rsplit(" (", 1)[0])


def test_a_short_form_goes_past_a_bare_hook_to_a_statement():
    from bot.domain.text import lead

    text = "Look at the date. On 2 July 1937 the Politburo asked every region for numbers. More detail follows here."
    assert lead(text, 5) == "Look at the date. On 2 July 1937 the Politburo asked every region for numbers."
