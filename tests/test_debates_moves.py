"""Whole debates on the shipped topic: the student attacks the bot's points by paraphrase, and the bot answers
*that* point; and a property over random scripted debates: a point the closing or the scorecard lists as
unanswered was never the target of an `against` move."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.engine import DebateEngine
from bot.domain.moves import AGAINST
from bot.domain.phrases import CLOSING_STANDING
from bot.domain.scorecard import build_scorecard

# one attack per claim, naming it in other words (from the practice sets written apart from the cue phrases)
ATTACKS = {
    "birt-childhood-roots": "the daddy beat him as a kid theory is so weak, the "
    "bolsheviks had been shooting ppl since 1918",
    "bolshevik-ideology-precedent": "lenin did terror yeah but he nevr killed his own party liek "
    "this, this was one guys plan",
    "calculated-power-grab": "a cold master plan doesnt look this chaotic lmao, ppl getting arrested at random",
    "centralised-power": "u keep saying evryone just obeyed him but the system was a mess, nobody was fully in control",
    "collective-leadership": "the inner circle did what he said or died, he's the one signing the names",
    "cult-and-discontent": 'ppl didnt hate him tho they blamed local bosses. "if only stalin knew" was a whole thing',
    "economic-scapegoats": "the wrecker stuff was just the script for the trials, it "
    "came from the top not from ecnomics",
    "fear-of-overthrow": "he wasnt scared of nothing tho, there was actual opposition in the early 30s",
    "fearful-denunciations": "ur point abt the letters from ordinary ppl 🙄 they were "
    "scared, doesnt mean they caused it",
    "genuine-opposition": '"some opposition was real" bro the confessions were beaten out of them',
    "getty-chaotic-system": '"chaotic system" my guy the orders went down from the kremlin step by step',
    "gulag-labour": "u dont shoot 680k ppl if u want wokrers lol. thats not a labour plan",
    "kirov-pretext": "kirov actually got shot by a real guy, thats not made up 💀",
    "nkvd-bureaucracy-momentum": 'the cops having "momentum" is cope, they did what moscow told them',
    "old-bolsheviks": "the old guys who remembered 1917 werent killed for memories "
    "bro, the party was eating itself to survive",
    "order-00447-quotas": "nah the killing-by-numbers order doesnt show it was his plan, yezhov ran it at full speed",
    "paranoid-personality": '"he was paranoid" is so lazy imo, molotov and kaganovich signed the same stuff',
    "party-self-protection": "party ppl turning on each other was bc the top wanted rivals gone fr",
    "regional-bosses-quotas": "local bosses asking for more only happened bc moscow sent the numbers first",
    "ryutin-platform": "that document from 32 was literally 5 yrs old by then lol who cares",
    "show-trials": "those fake trials were about blaming the factory failures on wreckers fr",
    "signed-death-lists": "ok he signed stuff but the cops were drawing up those lists themselves ngl",
    "stalin-ended-terror": "him stopping it in 38 doesnt prove he was steering, the "
    "machine was just outta control by then",
    "tukhachevsky-red-army": "the generals thing was abt war panic tbh, thye thought germany had agents in the army",
    "war-fear-fifth-column": "war fear is an excuse, killing ur best generals before a war is just paranoid",
    "yezhov-yezhovshchina": "yezhov was a puppet ngl, the boss signed off on everything he sent up",
}
OWN = {  # plain arguments of each side, to mix into the scripted debates
    "structures": [
        "the nkvd had quotas and promotions so officers kept finding enemies to look busy",
        "ordinary people wrote denunciations to settle scores and get their neighbours' flats",
        "regional party bosses asked moscow for higher limits in 1937",
    ],
    "stalin": [
        "stalin signed lists with thousands of names, he personally approved the executions",
        "he was paranoid and saw enemies everywhere, even among his oldest comrades",
        "the politburo approved order 00447 with its quotas for each region",
    ],
}
OTHER = ["how many rounds left?", "give me a hint", "brb", "hmm not sure", "the camps were basically summer camps"]


@pytest.fixture(scope="module")
def engine(purges):
    return DebateEngine(purges)


def test_every_claim_has_an_attack(purges):
    assert set(ATTACKS) == {c.id for c in purges.claims}


@pytest.mark.parametrize("side", ["structures", "stalin"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_each_point_in_play_attacked_by_paraphrase_is_defended_on_that_point(engine, side, seed):
    state, _ = engine.opening(engine.new_state(side, seed, rebuttal_rounds=3))
    attacked = []
    while not state.finished and len(attacked) < 4:
        target = next((c for c in state.bot_claims if c not in attacked), None)
        if target is None:
            break
        turn = engine.respond(state, ATTACKS[target])
        state = turn.state
        attacked.append(target)
        assert (turn.match.moves[0].claim, turn.match.moves[0].stance) == (target, AGAINST), ATTACKS[target]
        first = turn.reply.parts[0]
        assert first.claim == target and first.role in ("defend", "concede"), (target, first.role, first.text)
        if first.role == "defend":
            assert first.line.startswith(f"{target}.c") and first.line in state.defended[target]
        assert target in state.attacked
    card = build_scorecard(engine.topic, state)
    assert not {r.id for r in card.bot_standing} & set(attacked)
    assert set(attacked) <= {r.id for r in card.bot_answered}


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    side=st.sampled_from(["structures", "stalin"]),
    seed=st.integers(0, 10_000),
    rounds=st.integers(1, 4),
    script=st.lists(st.sampled_from(sorted(ATTACKS) + ["own", "other"]), min_size=1, max_size=8),
    picks=st.lists(st.integers(0, 10), min_size=8, max_size=8),
)
def test_no_point_listed_as_unanswered_was_ever_attacked(engine, side, seed, rounds, script, picks):
    state, _ = engine.opening(engine.new_state(side, seed, rebuttal_rounds=rounds))
    targets: set[str] = set()
    closing = ""
    for step, pick in zip(script, picks, strict=False):
        if state.finished:
            break
        if step == "own":
            text = OWN[side][pick % len(OWN[side])]
        elif step == "other":
            text = OTHER[pick % len(OTHER)]
        else:
            text = ATTACKS[step]
        turn = engine.respond(state, text)
        state = turn.state
        bot_side = {c.id for c in engine.topic.claims if c.side == state.bot_side}
        targets |= {m.claim for m in (turn.match.moves if turn.match else ()) if m.stance == AGAINST} & bot_side
        closing += " ".join(p.text for p in turn.reply.parts if p.role == "closing")
    if not state.finished:
        state, _ = engine.command(state, "end")
    card = build_scorecard(engine.topic, state)
    standing = {r.id for r in card.bot_standing}
    assert not standing & targets
    # the closing's "never answered" sentence names none of them either
    head = CLOSING_STANDING.split("{claims}")[0]
    if head in closing:
        sentence = closing.split(head, 1)[1].split(".", 1)[0]
        for cid in targets:
            assert engine.topic.claim(cid).title not in sentence


# ---------------------------------------------------------------------- denial, confusion, corrections
@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("isn't the great terror the french revolution thing?", "French Revolution"),
        ("was this like the holocaust", "Holocaust"),
    ],
)
def test_a_confusion_with_another_event_is_cleared_up_not_debated(engine, text, expect):
    state, _ = engine.opening(engine.new_state("structures", 1))
    turn = engine.respond(state, text)
    assert turn.match.confusion and not turn.match.moves and turn.reply.kind == "offtopic"
    assert not turn.reply.counted and expect in turn.reply.text and "motion" in turn.reply.text
    assert turn.reply.parts[0].sources  # the correction is sourced


@pytest.mark.parametrize(
    "text",
    [
        "the camps were basically summer camps",
        "everyone who got shot was a real traitor",
        "a historian made it up to sell books",
    ],
)
def test_minimising_and_victim_blaming_get_the_sourced_correction(engine, text):
    state, _ = engine.opening(engine.new_state("stalin", 2))
    turn = engine.respond(state, text)
    assert turn.reply.kind == "denial" and not turn.match.moves and not turn.reply.counted
    roles = [p.role for p in turn.reply.parts]
    assert "acknowledge" not in roles and "rebut" not in roles and "defend" not in roles
    assert any(ch.isdigit() for ch in turn.reply.text) and "(" in turn.reply.text  # figures with their sources


def test_a_misconception_stated_in_passing_is_corrected_once(engine):
    state, _ = engine.opening(engine.new_state("stalin", 1))
    turn = engine.respond(state, "stalin was paranoid, he even arrested his own doctors")
    parts = {p.role: p for p in turn.reply.parts}
    assert "rebut" in parts and "Doctors' Plot" in parts["correct"].text and parts["correct"].sources
    again = engine.respond(turn.state, "he was paranoid about everyone, even his own doctors")
    assert "correct" not in [p.role for p in again.reply.parts]


def test_meta_forms_hint_away_and_other_work(engine):
    state, _ = engine.opening(engine.new_state("structures", 1))
    hint = engine.respond(state, "give me a hint")
    claim = next(c for c in engine.topic.claims if c.spoken.clause in hint.reply.text)
    assert claim.side == "structures" and not hint.reply.counted
    second = engine.respond(hint.state, "another hint pls")
    assert claim.spoken.clause not in second.reply.text  # the next hint names another argument
    away = engine.respond(state, "brb")
    assert "waits" in away.reply.text or "Take your time" in away.reply.text
    work = engine.respond(state, "can you write my essay instead")
    assert "essay" in work.reply.text and not work.reply.counted and work.state.user_claims == []
