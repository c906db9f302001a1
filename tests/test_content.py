"""The shipped Great Purges topic against the claim taxonomy (tests/data/claims.yaml, copied from shared)."""

from __future__ import annotations

import re

import pytest
import yaml

from .conftest import DATA

TAXONOMY = yaml.safe_load((DATA / "claims.yaml").read_text())
MAX_WORDS = 130  # the bot's lines are written to stay under ~120 words


def bot_lines(topic):
    for claim in topic.claims:
        for arg in claim.arguments:
            yield arg.id, arg.text
        for r in claim.rebuttals:
            yield r.id, r.text
        for c in claim.counter_rebuttals:
            yield c.id, c.text
    for kind in topic.kinds.values():
        for line in kind.replies:
            yield line.id, line.text


def test_every_taxonomy_claim_with_the_same_id_and_side(purges):
    expected = {c["id"]: c["side"] for c in TAXONOMY["claims"]}
    assert {c.id: c.side for c in purges.claims} == expected
    assert [s.id for s in purges.sides] == list(TAXONOMY["sides"])


def test_every_taxonomy_source_is_there(purges):
    assert {s["id"] for s in TAXONOMY["source_catalog"]} <= set(purges.sources)


def test_disputed_points_and_ground_rules_carried_over(purges):
    assert {d.topic for d in purges.disputed_points} == {d["topic"] for d in TAXONOMY["disputed_points"]}
    assert len(purges.ground_rules) == len(TAXONOMY["ground_rules"])


def test_rebuttals_draw_on_the_claims_the_taxonomy_names(purges):
    by_id = {c["id"]: c for c in TAXONOMY["claims"]}
    for claim in purges.claims:
        allowed = set(by_id[claim.id].get("rebutted_by", []))
        used = {d for r in claim.rebuttals for d in r.draws_on}
        assert used & allowed, f"{claim.id}: rebuttals draw on none of {sorted(allowed)}"


@pytest.mark.parametrize("kind", ["arguments", "rebuttals", "counter_rebuttals"])
def test_every_line_is_sourced(purges, kind):
    for claim in purges.claims:
        for line in getattr(claim, kind):
            assert line.sources, f"{line.id} cites no source"


def test_lines_are_short_enough(purges):
    too_long = [(lid, len(text.split())) for lid, text in bot_lines(purges) if len(text.split()) > MAX_WORDS]
    assert not too_long


def test_no_line_repeats_another(purges):
    texts = [t for _, t in bot_lines(purges)]
    assert len(texts) == len(set(texts))


def test_cues_cover_implicit_references(purges):
    cues = {c.id: " | ".join(c.cues).lower() for c in purges.claims}
    assert "tank marshal" in cues["tukhachevsky-red-army"]
    assert re.search(r"nkvd before beria", cues["yezhov-yezhovshchina"])


def test_denial_reply_gives_the_archival_figures_with_sources(purges):
    replies = purges.kinds["denial"].replies
    assert any("681,692" in r.text and "popov-1992" in r.sources for r in replies)


def test_show_trial_charges_are_never_presented_as_true(purges):
    for lid, text in bot_lines(purges):
        low = text.lower()
        assert "confessions were true" not in low and "charges were true" not in low, lid
