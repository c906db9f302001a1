"""Class reports: one row per student (or team member) and the class summary, from the log.

Plain values in, plain values out: the Discord cog attaches the CSV and HTML, the web viewer renders the
same report as a page.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .domain.durations import duration
from .domain.records import ClassRecord, DebateRecord, TurnRecord
from .domain.scorecard import Scorecard
from .domain.text import words
from .domain.topic import Topic
from .textsafe import csv_row

CSV_COLUMNS = (
    "debate_id",
    "student",
    "user_id",
    "side",
    "turns",
    "words",
    "claims_raised",
    "rebuttals_answered",
    "bot_claims_standing",
    "sources_cited",
    "coverage",
    "duration_seconds",
    "finished",
)


@dataclass(frozen=True, slots=True)
class StudentRow:
    debate_id: int
    user_id: str
    student: str
    side: str
    turns: int  # counted turns the student took
    words: int
    claims_raised: tuple[str, ...]
    rebuttals_answered: int  # bot claims the student attacked
    bot_claims_standing: tuple[str, ...]
    sources_cited: tuple[str, ...]
    coverage: float  # share of the side's claims the student raised (the debate's, in team mode)
    duration_seconds: int
    finished: bool
    status: str = "active"


@dataclass(frozen=True, slots=True)
class ClassReport:
    klass: ClassRecord
    topic: Topic
    rows: list[StudentRow]
    claim_usage: list[tuple[str, str, str, int]]  # (claim id, title, side, times used), most used first
    most_missed: list[tuple[str, str, int]]  # (claim id, title, times missed by a student of its side)

    @property
    def joined(self) -> int:
        return len({r.user_id for r in self.rows})

    @property
    def finished(self) -> int:
        return sum(r.finished for r in self.rows)


def _seconds(start: str, end: str | None) -> int:
    if not end:
        return 0
    return max(0, round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()))


def student_turns(turns: list[TurnRecord], user_id: str | None = None, *, alone: bool = True) -> list[TurnRecord]:
    """The students' own turns (not the bot's, not commands or forfeits); with ``user_id``, that student's
    (turns without an author are theirs when they debate alone)."""
    return [
        t
        for t in turns
        if t.speaker == "user" and t.kind not in ("command", "forfeit")
        and (user_id is None or (t.author_id == user_id if t.author_id else alone))
    ]  # fmt: skip


def build_class_report(
    topic: Topic,
    klass: ClassRecord,
    debates: list[DebateRecord],
    turns_by_debate: dict[int, list[TurnRecord]],
    cards: dict[int, Scorecard],
    participants: dict[int, list[tuple[str, str]]],
) -> ClassReport:
    rows: list[StudentRow] = []
    used: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for debate in sorted(debates, key=lambda d: d.id):
        turns = turns_by_debate.get(debate.id, [])
        card = cards[debate.id]
        people = participants.get(debate.id) or [(debate.user_id, debate.user_name)]
        side_claims = [c.id for c in topic.claims_of(debate.user_side)]
        raised_all = [r.id for r in card.user_claims]
        used.update(raised_all)
        missed.update(c for c in side_claims if c not in raised_all)
        end = debate.finished_at or (turns[-1].created_at if turns else None)
        for user_id, name in people:
            mine = student_turns(turns, user_id, alone=len(people) == 1)
            raised = tuple(dict.fromkeys(c for t in mine for c in t.claims if c in side_claims))
            attacked = {
                c for t in mine for c in t.claims if topic.has_claim(c) and topic.claim(c).side != debate.user_side
            }
            sources = tuple(dict.fromkeys(s for t in mine for s in t.sources))
            rows.append(
                StudentRow(
                    debate_id=debate.id,
                    user_id=user_id,
                    student=name,
                    side=debate.user_side,
                    turns=sum(t.counted for t in mine),
                    words=sum(len(words(t.text)) for t in mine),
                    claims_raised=raised,
                    rebuttals_answered=len(attacked & set(card_ids(card.bot_answered))),
                    bot_claims_standing=card_ids(card.bot_standing),
                    sources_cited=sources,
                    coverage=len(raised) / len(side_claims) if side_claims else 0.0,
                    duration_seconds=_seconds(debate.created_at, end),
                    finished=not debate.active,
                    status=debate.status,
                )
            )
    usage = [(c.id, c.title, c.side, used[c.id]) for c in topic.claims]
    usage.sort(key=lambda u: (-u[3], u[0]))
    most_missed = [(c.id, c.title, missed[c.id]) for c in topic.claims if missed[c.id]]
    most_missed.sort(key=lambda m: (-m[2], m[0]))
    return ClassReport(klass, topic, rows, usage, most_missed)


def card_ids(refs) -> tuple[str, ...]:
    return tuple(r.id for r in refs)


def class_report_csv(report: ClassReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(CSV_COLUMNS))
    for r in report.rows:
        writer.writerow(
            csv_row(
                [
                    r.debate_id,
                    r.student,
                    r.user_id,
                    r.side,
                    r.turns,
                    r.words,
                    " ".join(r.claims_raised),
                    r.rebuttals_answered,
                    " ".join(r.bot_claims_standing),
                    " ".join(r.sources_cited),
                    f"{r.coverage:.2f}",
                    r.duration_seconds,
                    "yes" if r.finished else "no",
                ]
            )
        )
    return out.getvalue()


def class_report_html(report: ClassReport, link: Callable[[int], str | None] = lambda _id: None) -> str:
    """A standalone HTML report (no JavaScript), attached by the Discord bot; ``link`` gives a transcript URL."""
    e = html.escape
    k = report.klass
    titles = {c.id: c.title for c in report.topic.claims}
    rows = []
    for r in report.rows:
        url = link(r.debate_id)
        debate = f'<a href="{e(url)}">#{r.debate_id}</a>' if url else f"#{r.debate_id}"
        rows.append(
            "<tr>"
            f"<td>{e(r.student)}</td><td>{debate}</td><td>{e(r.side)}</td><td>{r.turns}</td><td>{r.words}</td>"
            f"<td>{e('; '.join(titles.get(c, c) for c in r.claims_raised)) or '—'}</td>"
            f"<td>{r.rebuttals_answered}</td><td>{len(r.bot_claims_standing)}</td><td>{len(r.sources_cited)}</td>"
            f"<td>{r.coverage:.0%}</td><td>{duration(r.duration_seconds)}</td>"
            f"<td>{'finished' if r.finished else 'in progress'}</td></tr>"
        )
    used = "".join(f"<li>{e(t)} ({e(s)}): {n}</li>" for _c, t, s, n in report.claim_usage if n)
    missed = "".join(f"<li>{e(t)}: missed by {n}</li>" for _c, t, n in report.most_missed[:10])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(k.name)}: class report</title>
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:1rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.3rem;text-align:left}}
@media print{{a{{color:inherit}}}}</style></head><body>
<h1>{e(k.name)}</h1>
<p>Motion: <strong>{e(report.topic.motion)}</strong> · {report.joined} joined · {report.finished} finished ·
class {"closed" if not k.open else "open"}</p>
<h2>Students</h2>
<div style="overflow-x:auto"><table><thead><tr><th>Student</th><th>Debate</th><th>Side</th><th>Turns</th>
<th>Words</th><th>Arguments raised</th><th>Bot points answered</th><th>Bot points standing</th><th>Sources</th>
<th>Coverage</th><th>Duration</th><th>Status</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>
<h2>Arguments the class used</h2><ul>{used or "<li>none yet</li>"}</ul>
<h2>Arguments most often missed</h2><ul>{missed or "<li>none</li>"}</ul>
</body></html>
"""
