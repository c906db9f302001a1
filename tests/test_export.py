"""Transcript exports (bot/export.py): Markdown, JSON, CSV and HTML of one played debate, and what each keeps
safe (escaped HTML, CSV cells that cannot start a formula, no terminal control characters)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.export import FORMATS, export
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore

SAID = [
    "Uniforms are expensive, families cant afford the blazer <script>alert(1)</script>",
    "=1+1 is what the blazer costs\x1b[2J",
]


@pytest.fixture
async def review(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "export.sqlite3") as store:
        service = DebateService(mini_library, store)
        debate = (await service.start("school-uniforms", "con", seed=4, user_id="u1", user_name="Ann")).debate
        for i, text in enumerate(SAID):
            await service.say(debate.id, text, message_id=f"m{i}")
        await service.command(debate.id, "concede")
        yield await service.review(debate.id)


def test_every_format_carries_every_turn(review):
    assert FORMATS == ("md", "json", "csv", "html")
    data = json.loads(review.export("json"))
    assert [t["number"] for t in data["turns"]] == [t.number for t in review.turns] and len(review.turns) >= 5
    rows = list(csv.DictReader(io.StringIO(review.export("csv"))))
    assert [int(r["number"]) for r in rows] == [t.number for t in review.turns]
    markdown = review.export("md")
    for t in review.turns:
        assert f"### {t.number}. " in markdown
    assert markdown.startswith(f"# {review.topic.motion}\n")
    assert review.topic.motion in markdown and review.topic.motion in review.export("html")


def test_json_holds_the_debate_the_moves_and_the_scorecard(review):
    data = json.loads(review.export("json"))
    assert data["debate"]["user_name"] == "Ann" and data["debate"]["user_side"] == "con"
    first = next(t for t in data["turns"] if t["speaker"] == "user")
    assert "cost" in first["claims"] and {"claim": "cost", "stance": "for"} in first["moves"]
    assert data["scorecard"]["outcome"] == review.scorecard.outcome and data["scorecard"]["headline"]
    for sid, src in data["sources"].items():  # every source the debate used, with its citation
        assert src["citation"] == review.topic.sources[sid].citation


def test_markdown_names_claims_by_title_and_lists_the_sources(review):
    markdown = review.export("md")
    assert "_Uniforms are expensive for families (for)_" in markdown
    assert "## Scorecard" in markdown and "## Sources" in markdown
    notes = [line.split(" · _")[1] for line in markdown.splitlines() if line.startswith("### ") and " · _" in line]
    assert notes == ["Uniforms are expensive for families (for)_"] * 2 + ["command_"]  # titles, never the id "cost"
    assert "Uniforms are expensive for families (for, " in review.export("md", debug=True)  # scores only in debug
    assert "\x1b" not in markdown and "\\x1b[2J" in markdown  # control characters shown, not obeyed


def test_csv_cells_never_start_a_formula(review):
    rows = list(csv.DictReader(io.StringIO(review.export("csv"))))
    second = [r for r in rows if r["speaker"] == "user"][1]
    assert second["text"].startswith("'=1+1") and "\x1b" not in second["text"]


def test_html_escapes_what_the_student_wrote_and_renders_the_bots_markup(review):
    page = review.export("html")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page  # no JavaScript at all
    assert "**" in review.turns[0].text  # the opening's heading is in the bot's markup ...
    assert "<strong>Uniforms hide differences in wealth.</strong>" in page and "**" not in page  # ... drawn as HTML


def test_an_unknown_format_is_refused(review):
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        export("pdf", review.topic, review.debate, review.turns, review.scorecard)
