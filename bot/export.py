"""Transcript exports: Markdown, JSON, CSV and a self-contained HTML page (no JavaScript)."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from .domain import markup
from .domain.records import DebateRecord, TurnRecord
from .domain.scorecard import Scorecard, card_headline, card_sections, render_scorecard
from .domain.topic import Topic
from .textsafe import csv_row, printable

FORMATS = ("md", "json", "csv", "html")


def export(
    fmt: str,
    topic: Topic,
    debate: DebateRecord,
    turns: list[TurnRecord],
    card: Scorecard,
    debug: bool = False,
    *,
    version: str = "",
) -> str:
    """A transcript in a format. ``debug``: the matcher's scores in the turn annotations of the Markdown and
    HTML (the JSON and CSV always carry them, as data). ``version``: an uploaded topic's version label."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    if fmt == "md":
        return to_markdown(topic, debate, turns, card, debug, version=version)
    if fmt == "html":
        return to_html(topic, debate, turns, card, debug, version=version)
    return {"json": to_json, "csv": to_csv}[fmt](topic, debate, turns, card, version=version)


def _speaker(debate: DebateRecord, turn: TurnRecord) -> str:
    return "Counterpoint" if turn.speaker == "bot" else (turn.author or debate.user_name or "user")


def _detected(topic: Topic, turn: TurnRecord, debug: bool = False) -> str:
    """What the matcher read in a user turn: the claims and stances; their scores only with ``debug``."""
    if turn.speaker == "user":
        scores = dict(zip(turn.claims, turn.scores, strict=False)) if debug else {}

        def score(c: str) -> str:
            return f", {scores[c]:.1f}" if c in scores else ""

        if turn.moves:
            return ", ".join(f"{topic.claim_title(c)} ({stance}{score(c)})" for c, stance in turn.moves)
        if turn.claims:
            if debug:
                return ", ".join(f"{topic.claim_title(c)} ({scores[c]:.1f})" if c in scores else topic.claim_title(c)
                                 for c in turn.claims)  # fmt: skip
            return ", ".join(topic.claim_title(c) for c in turn.claims)
        return turn.kind or ""
    return ", ".join(turn.lines)


def topic_line(debate: DebateRecord, version: str = "") -> str:
    """Which topic file the debate used: "homework-debate, uploaded by a teacher (version 2, uploaded ...)"."""
    return f"{debate.topic_id}, uploaded by a teacher ({version})" if version else f"{debate.topic_id}, built in"


def header(topic: Topic, debate: DebateRecord, version: str = "") -> list[tuple[str, str]]:
    return [
        ("Debate", str(debate.id)),
        ("Motion", topic.motion),
        (debate.user_name or "User", topic.side_name(debate.user_side)),
        ("Counterpoint", topic.side_name(debate.bot_side)),
        ("Topic", topic_line(debate, version)),
        ("Status", debate.status),
        ("Seed", str(debate.seed)),
        ("Started", debate.created_at),
    ]


def to_markdown(
    topic: Topic,
    debate: DebateRecord,
    turns: list[TurnRecord],
    card: Scorecard,
    debug: bool = False,
    *,
    version: str = "",
) -> str:
    out = [f"# {topic.motion}", ""]
    out += [f"- **{k}:** {v}" for k, v in header(topic, debate, version)[2:]]
    out += ["", "## Transcript", ""]
    for t in turns:
        note = _detected(topic, t, debug) if t.speaker == "user" else ""
        out.append(f"### {t.number}. {_speaker(debate, t)} · {t.phase} {t.round}" + (f" · _{note}_" if note else ""))
        out += ["", t.text, ""]
    out += ["## Scorecard", "", render_scorecard(topic, card, heading=False), "", "## Sources", ""]
    for sid in _sources_used(turns, card):
        src = topic.sources.get(sid)
        if src:
            out.append(f"- {src.citation}" + (f" <{src.url}>" if src.url else ""))
    return printable("\n".join(out) + "\n")


def to_json(topic: Topic, debate: DebateRecord, turns: list[TurnRecord], card: Scorecard, *, version: str = "") -> str:
    data = {
        "debate": {
            "id": debate.id,
            "topic_id": debate.topic_id,
            "topic_hash": debate.topic_hash,
            "topic_version": version or None,
            "motion": topic.motion,
            "user_side": debate.user_side,
            "bot_side": debate.bot_side,
            "seed": debate.seed,
            "status": debate.status,
            "platform": debate.platform,
            "user_id": debate.user_id,
            "user_name": debate.user_name,
            "created_at": debate.created_at,
            "finished_at": debate.finished_at,
        },
        "turns": [
            {
                "number": t.number,
                "speaker": t.speaker,
                "author": t.author,
                "phase": t.phase,
                "round": t.round,
                "text": t.text,
                "kind": t.kind,
                "counted": t.counted,
                "claims": list(t.claims),
                "scores": list(t.scores),
                "moves": [{"claim": c, "stance": s} for c, s in t.moves],
                "lines": list(t.lines),
                "roles": list(t.roles),
                "sources": list(t.sources),
                "created_at": t.created_at,
            }
            for t in turns
        ],
        "scorecard": {
            **card.as_dict(),
            "headline": card_headline(topic, card),
            "sections": [
                {"title": sec.title, "items": [{"text": i.text, "details": list(i.details)} for i in sec.items]}
                for sec in card_sections(topic, card)
            ],
        },
        "sources": {
            sid: {"citation": topic.sources[sid].citation, "url": topic.sources[sid].url}
            for sid in _sources_used(turns, card)
            if sid in topic.sources
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(topic: Topic, debate: DebateRecord, turns: list[TurnRecord], card: Scorecard, *, version: str = "") -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        csv_row(
            [
                "debate_id",
                "number",
                "speaker",
                "author",
                "phase",
                "round",
                "kind",
                "counted",
                "claims",
                "scores",
                "moves",
                "lines",
                "sources",
                "text",
                "created_at",
            ]
        )
    )
    for t in turns:
        w.writerow(
            csv_row(
                [
                    debate.id,
                    t.number,
                    t.speaker,
                    t.author,
                    t.phase,
                    t.round,
                    t.kind or "",
                    int(t.counted),
                    " ".join(t.claims),
                    " ".join(f"{s:.3f}" for s in t.scores),
                    " ".join(f"{c}:{s}" for c, s in t.moves),
                    " ".join(t.lines),
                    " ".join(t.sources),
                    t.text,
                    t.created_at,
                ]
            )
        )
    return buf.getvalue()


def _inline(text: str, topic: Topic | None = None, sources: tuple[str, ...] = ()) -> str:
    escaped = html.escape(text)
    escaped = markup.to_html(escaped)
    return link_citations(escaped, topic, sources) if topic is not None else escaped


_GROUP = re.compile(r"\(([^()<>]*)\)")
_SEPARATOR = re.compile(r"(?<!&amp)(?<!&#39)(?<!&quot); ")  # "; " between references, not an entity's ";"


def source_anchor(source_id: str) -> str:
    """The id of a source's entry in a page's source list."""
    return f"src-{source_id}"


def link_citations(escaped: str, topic: Topic, sources: tuple[str, ...] | list[str]) -> str:
    """Link each citation in already-escaped HTML to its source entry (``#src-<id>``).

    A citation is a reference ("Getty &amp; Naumov 1999") inside a parenthesised group, separated by
    "; ", that is the short form of one of ``sources`` (the sources of the lines a reply used). Other
    text is left as it is.
    """
    by_short = {html.escape(src.short()): src.id for src in topic.cited(tuple(sources))}
    if not by_short:
        return escaped

    def group(m: re.Match) -> str:
        parts = _SEPARATOR.split(m.group(1))
        if not any(p.strip() in by_short for p in parts):
            return m.group(0)
        linked = [
            f'<a class="cite" href="#{html.escape(source_anchor(by_short[p.strip()]))}">{p}</a>'
            if p.strip() in by_short
            else p
            for p in parts
        ]
        return "(" + "; ".join(linked) + ")"

    return _GROUP.sub(group, escaped)


def to_html(
    topic: Topic,
    debate: DebateRecord,
    turns: list[TurnRecord],
    card: Scorecard,
    debug: bool = False,
    *,
    version: str = "",
) -> str:
    e = html.escape
    rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in header(topic, debate, version)[2:])
    items = []
    for t in turns:
        who = "bot" if t.speaker == "bot" else "user"
        cited = t.sources if t.speaker == "bot" else ()
        paras = "".join(f"<p>{_inline(p, topic, cited)}</p>" for p in t.text.split("\n\n"))
        detected = _detected(topic, t, debug) if t.speaker == "user" else ""
        meta = f"<span class=meta>{e(t.phase)} {t.round}" + (f" · {e(detected)}" if detected else "") + "</span>"
        items.append(
            f'<article class="turn {who}" id="t{t.number}"><h3>{e(_speaker(debate, t))} {meta}</h3>{paras}</article>'
        )
    card_html = _card_html(topic, card)
    sources = []
    for sid in _sources_used(turns, card):
        src = topic.sources.get(sid)
        if src:
            cite = e(src.citation)
            sources.append(
                f'<li id="{e(source_anchor(sid))}">'
                + (f'<a href="{e(src.url)}">{cite}</a>' if src.url else cite)
                + "</li>"
            )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Debate {debate.id}: {e(topic.motion)}</title>
<style>
body{{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem;color:#111}}
dl{{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}} dt{{font-weight:600}}
.turn{{border-left:4px solid #999;padding:.2rem .8rem;margin:1rem 0}}
.turn.bot{{border-color:#b03030;background:#fbf3f3}}
.turn.user{{border-color:#2a5db0;background:#f3f6fb}} .meta{{font-weight:400;color:#555;font-size:.85em}}
@media print{{.turn{{break-inside:avoid}} body{{max-width:none}}}}
</style></head><body>
<h1>{e(topic.motion)}</h1><dl>{rows}</dl>
<h2>Transcript</h2>{"".join(items)}
<h2>Scorecard</h2><section class=scorecard>{card_html}</section>
<h2>Sources</h2><ol>{"".join(sources)}</ol>
</body></html>
"""
    return printable(page)


def _card_html(topic: Topic, card: Scorecard) -> str:
    """The scorecard's sections as headings and nested lists (the section heading is the page's h2)."""
    e = html.escape
    out = [f"<p>{e(card_headline(topic, card))}</p>"]
    for section in card_sections(topic, card):
        items = []
        for item in section.items:
            details = "".join(f"<li>{e(d)}</li>" for d in item.details)
            items.append(f"<li>{e(item.text)}" + (f"<ul>{details}</ul>" if details else "") + "</li>")
        out.append(f"<h3>{e(section.title)}</h3><ul>{''.join(items)}</ul>")
    return "".join(out)


def _sources_used(turns: list[TurnRecord], card: Scorecard) -> list[str]:
    seen: dict[str, None] = {}
    for t in turns:
        for s in t.sources:
            seen.setdefault(s, None)
    for r in card.missed:
        for s in r.sources[:3]:
            seen.setdefault(s, None)
    return list(seen)
