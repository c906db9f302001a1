"""The scorecard that teaches: each claim's fate, the rebuttal's gist, a tip with its source, the evidence
listed, the strongest unused arguments, the rubric; and the same content in every renderer."""

from __future__ import annotations

import html
import io
import json
import re
from types import SimpleNamespace

from aiohttp.test_utils import TestClient, TestServer

from bot.discordbot.render import EMBED_TOTAL_LIMIT, FIELD_LIMIT, scorecard_embed
from bot.domain.engine import DebateState
from bot.domain.scorecard import (
    DEFENDED,
    DROPPED,
    STOOD,
    build_scorecard,
    card_lines,
    render_scorecard,
)
from bot.domain.text import gist
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.terminal import Terminal
from bot.web.app import make_app
from bot.web.links import LinkSigner

MESSAGES = [
    "Stalin personally signed the execution lists, over 40,000 names in 1937-38",
    "Order 00447 set quotas from Moscow, 680,000 were shot",
    "the terror was centrally directed: Stalin signed the lists",
]


def _state(topic, **kw) -> DebateState:
    return DebateState(topic.id, "stalin", "structures", 1, 3, **kw)


def test_each_claim_fares_stood_defended_or_dropped_with_the_rebuttal_and_its_answer(purges):
    a, b, c = [x for x in purges.claims_of("stalin") if len(x.rebuttals) >= 2][:3]
    st = _state(
        purges,
        user_claims=[a.id, b.id, c.id],
        rebutted={b.id: [b.rebuttals[0].id], c.id: [c.rebuttals[0].id, c.rebuttals[1].id]},
        outcome="completed",
    )
    card = build_scorecard(purges, st)
    fates = {r.id: r.fate for r in card.results}
    assert fates == {a.id: STOOD, b.id: DROPPED, c.id: DEFENDED}  # c raised again after its rebuttal
    stood, dropped, defended = card.results
    assert stood.rebuttal == "" and stood.tip == ""
    assert dropped.rebuttal == gist(b.rebuttals[0].text, 25) and len(dropped.rebuttal.split()) <= 25
    assert defended.rebuttal == gist(c.rebuttals[1].text, 25)  # the last rebuttal, the one outstanding
    answer = next((x for x in b.counter_rebuttals if x.answers == b.rebuttals[0].id), None)
    if answer is not None:  # the topic's own answer to that rebuttal, with its citation
        assert dropped.tip == gist(answer.text, 25) and dropped.tip_cite == purges.cite(answer.sources)
    else:
        assert dropped.tip == gist(b.arguments[0].text, 25)
    text = render_scorecard(purges, card)
    assert f"{b.title} \u2014 rebutted, and you dropped it." in text and f"My rebuttal: {dropped.rebuttal}" in text
    assert f"To strengthen it: {dropped.tip}" in text
    assert f"{a.title} \u2014 stood: I never answered it." in text


def test_a_student_who_attacks_the_point_a_rebuttal_rests_on_defended_the_claim(purges):
    claim = next(c for c in purges.claims_of("stalin") if any(r.draws_on for r in c.rebuttals))
    reb = next(r for r in claim.rebuttals if r.draws_on)
    st = _state(purges, user_claims=[claim.id], rebutted={claim.id: [reb.id]})
    assert build_scorecard(purges, st).results[0].fate == DROPPED
    st.attacked = {reb.draws_on[0]: [claim.id]}
    assert build_scorecard(purges, st).results[0].fate == DEFENDED


def test_figures_and_sources_are_listed_and_no_source_gets_a_how_to_cite(purges):
    sid = next(s for s, src in purges.sources.items() if src.type != "seed")
    st = _state(purges, figures=["1937", "680,000", "1937,"], figures_cited=3, sources_cited=[sid])
    text = render_scorecard(purges, build_scorecard(purges, st))
    assert "Figures and dates you used: 1937, 680,000\n" in text  # each once
    assert f"Sources you cited: {purges.cite((sid,)).strip('()')}" in text
    bare = render_scorecard(purges, build_scorecard(purges, _state(purges)))
    assert "Figures and dates you used: none." in bare
    assert re.search(
        r"Sources you cited: none\. To cite, name an author and a year, e\.g\. \u201c\(\w[^)]* \d{4}\)", bare
    )


def test_the_three_strongest_unused_arguments_and_the_rubric(purges):
    used = purges.claims_of("stalin")[0]
    card = build_scorecard(purges, _state(purges, user_claims=[used.id]))
    side = sorted((c for c in purges.claims_of("stalin") if c.id != used.id), key=lambda c: (-c.strength, c.id))
    assert [r.id for r in card.missed] == [c.id for c in side[:3]]
    text = render_scorecard(purges, card)
    for c in side[:3]:
        assert f"- {c.title} {purges.cite(c.sources()[:3])}".rstrip() in text
    assert [r.part for r in card.rubric] == ["Claims made", "Evidence used", "Clash", "Responsiveness"]
    assert f"Claims made: 1 of the {len(purges.claims_of('stalin'))} arguments of your side." in text
    assert all(r.why and r.why in text for r in card.rubric)


def test_the_embed_keeps_within_discords_limits_for_the_largest_card(purges):
    claims = purges.claims_of("stalin")
    st = _state(
        purges,
        user_claims=[c.id for c in claims],
        rebutted={c.id: [r.id for r in c.rebuttals] for c in claims},
        figures=[str(1900 + i) for i in range(300)],
        sources_cited=list(purges.sources),
        outcome="completed",
    )
    embed = scorecard_embed(purges, SimpleNamespace(id=1), build_scorecard(purges, st))
    assert embed.fields and len(embed.fields) <= 25
    assert all(len(f.value) <= FIELD_LIMIT and len(f.name) <= 256 for f in embed.fields)
    assert len(embed) <= EMBED_TOTAL_LIMIT


def _plain(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("**", "")
    return re.sub(r"\s+", " ", text)


async def test_the_same_scorecard_content_in_the_terminal_the_embed_the_web_and_every_export(library, tmp_path):
    async with SQLiteStore(tmp_path / "t.sqlite3") as store:
        service = DebateService(library, store)
        start = await service.start("great-purges", "stalin", seed=3)
        for text in MESSAGES:
            await service.say(start.debate.id, text)
        term = Terminal(service, stdin=io.StringIO("/concede\n"), stdout=io.StringIO())
        assert await term.loop(start.debate.id) == 0
        record = await store.get_debate(start.debate.id)
        topic = service.topic(record.topic_id)
        card = await service.scorecard(record.id)
        assert {r.fate for r in card.results} >= {DROPPED} and any(r.tip for r in card.results)
        want = [re.sub(r"\s+", " ", line) for line in card_lines(topic, card)]

        embed = scorecard_embed(topic, record, card)
        shown = {
            "terminal": term.stdout.getvalue(),
            "embed": "\n".join([embed.description or ""] + [f"{f.name}\n{f.value}" for f in embed.fields]),
        }
        for fmt in ("md", "html"):
            shown[fmt] = (await service.transcript(record.id, fmt))[1]
        data = json.loads((await service.transcript(record.id, "json"))[1])["scorecard"]
        texts = [data["headline"]]
        for section in data["sections"]:
            texts.append(section["title"])
            for item in section["items"]:
                texts += [item["text"], *item["details"]]
        shown["json"] = "\n".join(texts)
        signer = LinkSigner("scorecard-test-secret-0123456789abcdef", "http://viewer.test")
        async with TestClient(TestServer(make_app(service, signer))) as client:
            resp = await client.get(f"/debates/{record.id}", params={"t": signer.sign("all", 600)})
            assert resp.status == 200
            shown["web"] = await resp.text()
    for where, text in shown.items():
        plain = _plain(text)
        missing = [line for line in want if line not in plain]
        assert not missing, (where, missing)
    assert "Scorecard Scorecard" not in _plain(shown["html"]) and "Scorecard Scorecard" not in _plain(shown["md"])
