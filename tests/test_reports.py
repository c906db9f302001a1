"""Class reports (bot/reports.py): the rows, the summary, the CSV and the HTML, from a real log of two students."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.records import TurnRecord
from bot.reports import CSV_COLUMNS, class_report_csv, class_report_html, student_turns
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore


@pytest.fixture
async def service(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "reports.sqlite3") as store:
        yield DebateService(mini_library, store)


async def _class_of_two(service):
    """Ann argues the cost of uniforms and finishes; <Bob> joins and says nothing."""
    klass = await service.create_class(
        guild_id="g", channel_id="c", name="Year 10 <b>", topic_id="school-uniforms", teacher_id="t"
    )
    ann = (await service.start("school-uniforms", "con", seed=1, user_id="u1", user_name="Ann", platform="discord",
                               guild_id="g", class_id=klass.id)).debate  # fmt: skip
    bob = (await service.start("school-uniforms", "con", seed=2, user_id="u2", user_name="<Bob>", platform="discord",
                               guild_id="g", class_id=klass.id)).debate  # fmt: skip
    await service.say(ann.id, "Uniforms are expensive, families cant afford the blazer", message_id="m1")
    await service.say(ann.id, "how many rounds are left?", message_id="m2")  # a question: not a counted turn
    await service.command(ann.id, "concede")
    return klass, ann, bob


async def test_one_row_per_student_with_what_they_argued(service):
    klass, ann, bob = await _class_of_two(service)
    report = await service.class_report(klass.id)
    by_name = {r.student: r for r in report.rows}
    assert [r.debate_id for r in report.rows] == [ann.id, bob.id]  # oldest debate first
    a, b = by_name["Ann"], by_name["<Bob>"]
    assert a.claims_raised == ("cost",) and a.side == "con" and a.finished and a.status != "active"
    assert a.turns == 1  # the argument counted, the question did not
    assert a.words == len("Uniforms are expensive families cant afford the blazer".split()) + len(
        "how many rounds are left".split()
    )
    assert a.coverage == pytest.approx(1 / 2)  # one of the two con claims of the mini topic
    assert b.turns == 0 and b.claims_raised == () and not b.finished and b.coverage == 0
    assert (report.joined, report.finished) == (2, 1)
    # the class summary: cost used once; expression missed by both, cost by Bob
    assert [(c, n) for c, _t, _s, n in report.claim_usage if n] == [("cost", 1)]
    assert dict((c, n) for c, _t, n in report.most_missed) == {"expression": 2, "cost": 1}


async def test_the_csv_has_a_row_per_student_and_no_formula_cells(service):
    klass, ann, _bob = await _class_of_two(service)
    await service.start("school-uniforms", "pro", seed=3, user_id="u3", user_name="=HYPERLINK(1)",
                        platform="discord", class_id=klass.id)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(class_report_csv(await service.class_report(klass.id)))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["student"] for r in rows] == ["Ann", "<Bob>", "'=HYPERLINK(1)"]
    assert rows[0]["claims_raised"] == "cost" and rows[0]["finished"] == "yes" and rows[1]["finished"] == "no"
    assert rows[0]["coverage"] == "0.50" and rows[0]["debate_id"] == str(ann.id)


async def test_the_html_escapes_names_shows_titles_and_links_each_debate(service):
    klass, ann, bob = await _class_of_two(service)
    page = class_report_html(await service.class_report(klass.id), link=lambda i: f"https://x.test/d/{i}?t=a&b")
    assert "<Bob>" not in page and "&lt;Bob&gt;" in page and "Year 10 &lt;b&gt;" in page
    assert "Uniforms are expensive for families" in page  # the claim's title, not its id
    assert f'href="https://x.test/d/{ann.id}?t=a&amp;b"' in page and f"/d/{bob.id}?" in page
    assert "2 joined · 1 finished" in page and "<script" not in page
    unlinked = class_report_html(await service.class_report(klass.id))  # no web viewer: plain debate numbers
    assert f"<td>#{ann.id}</td>" in unlinked and "<a " not in unlinked


def _turn(n: int, speaker: str, kind: str | None = "argument", author_id: str | None = None) -> TurnRecord:
    return TurnRecord(n, 1, n, speaker, "text", "rebuttal", 1, "x", kind, True, (), (), (), (), (), None, "t",
                      author_id=author_id)  # fmt: skip


def test_student_turns_are_the_students_own_and_not_commands():
    turns = [_turn(1, "bot"), _turn(2, "user", author_id="a"), _turn(3, "user", "command", "a"),
             _turn(4, "user", author_id="b"), _turn(5, "user", "forfeit"), _turn(6, "user")]  # fmt: skip
    assert [t.number for t in student_turns(turns)] == [2, 4, 6]
    assert [t.number for t in student_turns(turns, "a")] == [2, 6]  # an authorless turn is the lone debater's
    assert [t.number for t in student_turns(turns, "a", alone=False)] == [2]
