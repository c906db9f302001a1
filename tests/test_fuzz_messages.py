"""Fuzzing what debaters type (Hypothesis): no message crashes the matcher or the engine, every turn is
stored exactly as typed, and the bot never echoes a mention (``@everyone``, ``<@&123>``) back.

Messages mix arbitrary Unicode (control characters, zero-width and bidi marks, combining marks, emoji;
no lone surrogates, which Discord and a terminal cannot deliver) with mentions, Markdown, code blocks,
SQL and format-string metacharacters, topic words, and sizes around the turn limit up to 100 KB.

Runs are derandomized, so CI is reproducible, and short by default. Fuzz longer on demand:

    FUZZ_EXAMPLES=20000 pytest tests/test_fuzz_*.py                 # same seeds, many more examples
    FUZZ_EXAMPLES=20000 FUZZ_RANDOM=1 pytest tests/test_fuzz_*.py   # fresh random seeds each run
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.domain.engine import DebateEngine
from bot.domain.matcher import Match, Matcher
from bot.domain.topic import KINDS
from bot.service import DebateService
from bot.storage import SQLiteStore
from tests.fuzzing import FUZZ, FUZZ_EXAMPLES

SERVICE_EXAMPLES = max(50, FUZZ_EXAMPLES // 4)  # each example is a debate in SQLite: slower
BIG = 100_000  # characters
# A 100 KB message is read with bounded work, counted, not timed (bench/ has the timings): at most one typo
# search (the costly step) per distinct word, and the text folded a few times, not once per word.


@contextlib.contextmanager
def bounded_work(text: str):
    import bot.domain.matcher as matcher_module
    import bot.domain.text as text_module

    calls = {"typo": 0, "fold": 0}
    real_extract, real_fold = matcher_module.extractOne, text_module.fold

    def extract(*args, **kwargs):
        calls["typo"] += 1
        return real_extract(*args, **kwargs)

    def fold(value):
        calls["fold"] += 1
        return real_fold(value)

    with (
        mock.patch.object(matcher_module, "extractOne", extract),
        mock.patch.object(matcher_module, "fold", fold),
        mock.patch.object(text_module, "fold", fold),
    ):
        yield calls
    distinct = len(set(text_module.words(text)))
    assert calls["typo"] <= distinct, (calls, distinct)
    assert calls["fold"] <= 4, calls


# ---------------------------------------------------------------- strategies

MENTIONS = ["@everyone", "@here", "<@&123>", "<@!456>", "<@789>", "<#101>", "@\u200beveryone"]
MENTION_RE = re.compile(r"@everyone|@here|<@[!&]?\d+>|<#\d+>")
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]
BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u202etxt.exe"]
COMBINING = ["\u0301", "\u0336", "\u20dd", "e\u0301", "Z\u0351\u0352\u0353\u0354\u0355", "\u0e49" * 8]
EMOJI = ["\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1fa\U0001f1e6"]
CONTROL = ["\x00", "\x07", "\x1b[31m", "\r\n", "\r", "\t", "\x7f", "\x85", "\u2028", "\u2029", "\ufffd", "\ufdfa"]
MARKDOWN = ["**bold**", "__u__", "~~s~~", "||spoiler||", "> quote\n", "```py\nprint('x')\n```", "`code`",
            "# Heading\n", "[link](https://example.org)", "<https://example.org>", "\\*", "-# small\n"]  # fmt: skip
SQL = ["'; DROP TABLE turns; --", '" OR 1=1 --', "Robert'); DROP TABLE debates;--", "%", "_", "\\", "NULL", "?",
       ":name", "$1", "/*", "*/"]  # fmt: skip
FORMAT = ["{motion}", "{status}", "{0}", "{", "}", "%s", "%(x)s", "{__class__}", "{limit!r}", "{user_side:>99}"]
TOPIC = ["uniforms are expensive", "rich and poor", "self expression", "focus", "blazer", "not", " but ", "Smith says",
         "stalin", "paranoia", "ignore your instructions", "how many rounds", "you idiot", "hello",
         "uniforms do not exist", "681k", "1930s", "/concede", "stallin signed the lists"]  # fmt: skip
FRAGMENTS = MENTIONS + INVISIBLE + BIDI + COMBINING + EMOJI + CONTROL + MARKDOWN + SQL + FORMAT + TOPIC

characters = st.characters(exclude_categories=["Cs"])
fragment = st.one_of(st.sampled_from(FRAGMENTS), st.text(characters, max_size=20))
messages = st.one_of(st.text(characters), st.lists(fragment, max_size=12).map("".join))
# sizes at the turn limits (mini: 300, the purges topic: 1,500) and far beyond
LENGTHS = [299, 300, 301, 1499, 1500, 1501, 4001]
long_messages = st.builds(
    lambda text, n: (text * (n // len(text) + 1))[:n], messages.filter(bool), st.sampled_from(LENGTHS)
)
any_message = st.one_of(messages, long_messages)


# ---------------------------------------------------------------- fixtures and checks


@pytest.fixture(scope="module", params=["mini", "purges"])
def topic(request, mini_topic, purges):
    return mini_topic if request.param == "mini" else purges


@pytest.fixture(scope="module")
def matcher(topic):
    return Matcher(topic)


@pytest.fixture(scope="module")
def engine(topic, matcher):
    return DebateEngine(topic, matcher)


def check_match(matcher: Matcher, text: str) -> Match:
    m = matcher.match(text)
    assert isinstance(m, Match)
    assert bool(m.claims) != (m.kind is not None), m  # either claims or a kind, never both or neither
    assert m.kind is None or m.kind in KINDS, m
    assert set(m.claims) <= set(matcher.claim_ids) and len(set(m.claims)) == len(m.claims)
    assert len(m.scores) == len(m.claims) and all(math.isfinite(s) and s > 0 for s in m.scores)
    assert set(m.sources) <= set(matcher.topic.sources)
    return m


def assert_no_mentions(reply: str) -> None:
    assert not MENTION_RE.search(reply), f"the reply contains a mention: {reply!r}"


# ---------------------------------------------------------------- the matcher


@FUZZ
@given(text=messages)
@example(text="")
@example(text="'; DROP TABLE turns; --")
@example(text="\u202eUniforms are \u200bexpen\u200dsive\ufeff")
@example(text="U\u0336n\u0336i\u0336f\u0336o\u0336r\u0336m\u0336s are expensive")
def test_matcher_never_crashes(matcher, text):
    check_match(matcher, text)
    top = matcher.match(text, top=3)  # the retrieval mode of `counterpoint classify --top`
    assert len(top.claims) == min(3, len(matcher.claim_ids))


@settings(FUZZ, max_examples=max(5, FUZZ_EXAMPLES // 40), deadline=None)
@given(chunk=st.lists(fragment, min_size=1, max_size=12).map("".join).filter(bool))
def test_matcher_reads_100_kb_messages(matcher, chunk):
    text = (chunk * (BIG // len(chunk) + 1))[:BIG]
    with bounded_work(text):
        check_match(matcher, text)


def _unique_words(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    out, i = [], 0
    while sum(map(len, out)) + len(out) < n:
        word, k = "", i
        for _ in range(7):  # long enough for the typo corrector to try an edit distance of 2
            word, k = word + letters[k % 26], k // 26
        out.append(word)
        i += 7919
    return " ".join(out)[:n]


WORST = {  # the slowest 100 KB inputs found: every word new to the typo corrector; a 1-to-18 NFKC expansion
    "unique words": _unique_words(BIG),
    "nfkc expansion": "\ufdfa" * BIG,
    "combining marks": "a" + "\u0301" * (BIG - 1),
    "zero width": "\u200b" * BIG,
}


@pytest.mark.parametrize("text", WORST.values(), ids=WORST.keys())
def test_matcher_worst_case_100_kb_messages(purges, text):
    matcher = Matcher(purges)  # a fresh typo cache
    with bounded_work(text):
        check_match(matcher, text)


# ---------------------------------------------------------------- the engine


@FUZZ
@given(texts=st.lists(any_message, min_size=1, max_size=6), seed=st.integers(0, 2**31), user_is_first=st.booleans())
def test_engine_answers_every_message(engine, texts, seed, user_is_first):
    sides = [s.id for s in engine.topic.sides]
    state = engine.new_state(sides[0] if user_is_first else sides[1], seed)
    state, opening = engine.opening(state)
    assert opening.text.strip()
    for text in texts:
        turn = engine.respond(state, text)
        reply = turn.reply.text
        assert isinstance(reply, str)
        if text:
            assert reply.strip(), f"an empty reply to {text!r}"
        assert_no_mentions(reply)
        if len(text) > engine.turn_limit and not state.finished:
            assert turn.reply.kind == "too_long" and not turn.reply.counted
            assert turn.state.to_dict() == state.to_dict(), "a refused message changed the debate"
        state = turn.state


# ---------------------------------------------------------------- the service and the SQLite log


async def _one_turn(service: DebateService, store: SQLiteStore, text: str) -> None:
    start = await service.start("school-uniforms", "con", seed=7)
    did = start.debate.id
    before = await store.turns(did)
    out = await service.say(did, text)
    if not text.strip():
        assert out is None and len(await store.turns(did)) == len(before)
        return
    turns = await store.turns(did)
    assert len(turns) == len(before) + 2
    user, bot = turns[-2], turns[-1]
    assert user.speaker == "user" and bot.speaker == "bot"
    assert user.text == text and user.text.encode("utf-8") == text.encode("utf-8")  # byte for byte
    assert bot.text == out.reply.text and bot.text.strip()
    assert_no_mentions(bot.text)
    if len(text) > service.engine("school-uniforms").turn_limit:
        # the polite refusal; nothing counted, the debate goes on where it was
        assert out.reply.kind == "too_long" and not out.reply.counted
        assert "characters" in bot.text
        assert out.debate.active and out.debate.state == start.debate.state
        follow = await service.say(did, "uniforms are expensive, families cannot afford the blazer")
        assert follow.reply.counted and follow.match_claims and follow.debate.active
    else:
        assert out.reply.kind != "too_long"


def test_service_stores_every_turn_exactly(tmp_path, mini_library):
    with asyncio.Runner() as runner:
        store = runner.run(SQLiteStore(tmp_path / "fuzz.sqlite3").__aenter__())
        try:
            service = DebateService(mini_library, store)

            @settings(FUZZ, max_examples=SERVICE_EXAMPLES)
            @given(text=any_message)
            @example(text="'; DROP TABLE turns; --")
            @example(text="@everyone <@&123> <@!456> look at this")
            @example(text="nul\x00inside\x00")
            @example(text="\u202e\u2067\u200b\u200d\ufeff uniforms \U0001f468\u200d\U0001f469\u200d\U0001f467")
            @example(text="x" * 300)  # the mini topic's limit exactly
            @example(text="x" * 301)
            @example(text="@everyone " * 10_000)  # 100 KB
            @example(text=" \n\t\u3000")  # whitespace only: ignored
            def check(text):
                runner.run(_one_turn(service, store, text))

            check()
            assert runner.run(store.integrity_check()) == "ok"
        finally:
            runner.run(store.__aexit__(None, None, None))
