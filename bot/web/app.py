"""The read-only transcript viewer (``counterpoint serve``): aiohttp + Jinja2, no JavaScript, signed links.

Every request carries ``?t=<token>`` (a signed scope, see :mod:`bot.web.links`); links on the pages keep it,
so no cookie or session is needed. What a token may see:

- ``all``: everything (the link ``counterpoint serve`` prints);
- ``debate:<id>``: that transcript, its argument map and downloads, nothing else;
- ``student:<guild or ->:<user>``: the debates the user took part in (in that guild unless ``-``);
- ``class:<id>``: the class report, its CSV and zip, and the transcripts of that class's debates.

A missing, forged or expired token, or a page outside the token's scope, gets a 403 page that shows no data.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..domain import markup
from ..domain.access import ID_RE, LinkScope, Viewer
from ..domain.durations import duration
from ..domain.errors import ClassNotFound, CounterpointError, DebateNotFound
from ..domain.records import DebateRecord, TurnRecord
from ..domain.scorecard import Scorecard, card_headline, card_sections
from ..domain.topic import Topic
from ..export import FORMATS, link_citations, source_anchor
from ..reports import class_report_csv
from ..service import DebateService, IndexFilters
from .links import InvalidLink, LinkSigner

log = logging.getLogger(__name__)
PER_PAGE = 50
MAX_TOKEN = 2048
TEMPLATES = Path(__file__).parent / "templates"
SERVICE = web.AppKey("service", DebateService)
SIGNER = web.AppKey("signer", LinkSigner)
JINJA = web.AppKey("jinja", Environment)
ACCESS = web.RequestKey("access", object) if hasattr(web, "RequestKey") else "access"  # aiohttp >= 3.12
CONTENT_TYPES = {
    "md": "text/markdown",
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
}
SECURITY_HEADERS = {
    # no script at all; styles are inline in the page; images only from here
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never send it to a source's site
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
# ids in ASCII digits without leading zeros: one spelling per page (\d would take "\u0664" for 4, and "04")
_ID = f"{{id:{ID_RE}}}"
SERVER_NAME = "Counterpoint"  # not aiohttp's "Python/3.x aiohttp/3.x"


# ---------------------------------------------------------------------------------------------- access
@dataclass(frozen=True, slots=True)
class Access:
    """What one verified token may see: its scope (bot.domain.access.LinkScope) and the token itself, which
    the links on the pages carry on."""

    scope: LinkScope
    token: str

    @classmethod
    def parse(cls, scope: str, token: str) -> Access | None:
        """The access a scope grants; None for a scope this viewer does not know (refused)."""
        parsed = LinkScope.parse(scope)
        return None if parsed is None else cls(parsed, token)

    kind = property(lambda self: self.scope.kind)
    debate_id = property(lambda self: self.scope.debate_id)
    class_id = property(lambda self: self.scope.class_id)
    guild_id = property(lambda self: self.scope.guild_id)
    user_id = property(lambda self: self.scope.user_id)

    @property
    def can_index(self) -> bool:
        return self.scope.lists_debates

    def sees_class(self, class_id: int | None) -> bool:
        return self.scope.sees_class(class_id)

    @property
    def viewer(self) -> Viewer:
        return Viewer(link=self.scope)


async def _visible_debate(request: web.Request, debate_id: int) -> DebateRecord:
    """The debate, if the token may see it (else 403; 404 only for an ``all`` link)."""
    access: Access = request[ACCESS]
    service = request.app[SERVICE]
    try:
        record = await service.debate(debate_id)
    except DebateNotFound:
        raise (web.HTTPNotFound() if access.kind == "all" else web.HTTPForbidden()) from None
    if not await service.may_read(record, access.viewer):
        raise web.HTTPForbidden()
    return record


def _check_class(request: web.Request, class_id: int) -> None:
    if not request[ACCESS].sees_class(class_id):
        raise web.HTTPForbidden()


# ---------------------------------------------------------------------------------------------- rendering
def _paragraphs(text: str, rich: bool = False, topic: Topic | None = None, sources: tuple[str, ...] = ()) -> Markup:
    """Text as escaped paragraphs with line breaks; ``rich`` also turns **bold** and _italic_ into tags
    and links citations of ``sources`` to the page's source list (only for Counterpoint's own lines,
    after escaping)."""
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        html = str(escape(para))
        if rich:
            html = markup.to_html(html)
            if topic is not None:
                html = link_citations(html, topic, sources)
        out.append("<p>" + html.replace("\n", "<br>\n") + "</p>")
    return Markup("\n".join(out))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = _paragraphs
    env.filters["when"] = lambda iso: (iso or "")[:16].replace("T", " ")
    env.filters["pct"] = lambda x: f"{x:.0%}"
    env.filters["minutes"] = duration
    return env


def _url_for(token: str):
    def url(path: str, **params) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        query["t"] = token
        return f"{path}?{urlencode(query)}"

    return url


def _render(request: web.Request, template: str, status: int = 200, **ctx) -> web.Response:
    access: Access | None = request.get(ACCESS)
    env = request.app[JINJA]
    ctx.setdefault("title", "Counterpoint")
    html = env.get_template(template).render(
        access=access, url=_url_for(access.token if access else ""), **ctx
    )  # fmt: skip
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def _source(topic: Topic, sid: str) -> dict:
    src = topic.sources.get(sid)
    if src is None:
        return {"id": sid, "text": sid, "url": None, "anchor": source_anchor(sid)}
    url = src.url if src.url and src.url.startswith(("https://", "http://")) else None
    return {"id": sid, "text": src.citation, "url": url, "anchor": source_anchor(sid)}


def _page_sources(topic: Topic, turns: list[TurnRecord]) -> list[dict]:
    """The page's source list: every source of Counterpoint's lines, once, each with the anchor its
    citations link to."""
    seen: dict[str, None] = {}
    for turn in turns:
        if turn.speaker == "bot":
            for sid in turn.sources:
                seen.setdefault(sid, None)
    return [_source(topic, sid) for sid in seen]


def _line_index(topic: Topic) -> dict[str, dict]:
    """Every line id of the topic, with what it does and what it answers."""
    index: dict[str, dict] = {}
    for claim in topic.claims:
        for arg in claim.arguments:
            index[arg.id] = {"what": "argument", "text": f"for \u201c{claim.title}\u201d"}
        for reb in claim.rebuttals:
            index[reb.id] = {"what": "rebuttal", "text": f"answers \u201c{claim.title}\u201d"}
        rebuttals = {r.id: r for r in claim.rebuttals}
        for counter in claim.counter_rebuttals:
            answered = rebuttals.get(counter.answers)
            against = f" against the rebuttal \u201c{_short(answered.text)}\u201d" if answered else ""
            index[counter.id] = {"what": "counter-rebuttal", "text": f"defends \u201c{claim.title}\u201d{against}"}
    for kind, replies in topic.kinds.items():
        for line in replies.replies:
            index[line.id] = {"what": "reply", "text": f"to a message of kind \u201c{kind}\u201d"}
    return index


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _turn_view(topic: Topic, record: DebateRecord, turn: TurnRecord, lines: dict[str, dict]) -> dict:
    bot = turn.speaker == "bot"
    return {
        "number": turn.number,
        "bot": bot,
        "speaker": "Counterpoint" if bot else "Student",
        "author": turn.author or ("Counterpoint" if bot else record.user_name or "student"),
        "phase": turn.phase,
        "round": turn.round,
        "when": turn.created_at,
        "text": _paragraphs(turn.text, rich=bot, topic=topic, sources=turn.sources),
        "kind": turn.kind,
        "counted": turn.counted,
        "claims": [
            {"id": c, "title": topic.claim_title(c), "score": s}
            for c, s in zip(turn.claims, list(turn.scores) + [None] * len(turn.claims), strict=False)
        ]
        if not bot
        else [],
        "lines": [{"id": lid, **lines.get(lid, {"what": "line", "text": ""})} for lid in turn.lines] if bot else [],
        "sources": [_source(topic, s) for s in turn.sources],
    }


def _card_view(topic: Topic, card: Scorecard) -> dict:
    def refs(items):
        return [{"title": r.title, "sources": [_source(topic, s) for s in r.sources[:3]]} for r in items]

    return {
        "outcome": card.outcome,
        "user_side": topic.side_name(card.user_side),
        "rows": [
            ("Claims you raised", refs(card.user_claims)),
            ("Rebutted by Counterpoint", refs(card.rebutted)),
            ("Counterpoint\u2019s claims you answered", refs(card.bot_answered)),
            ("Counterpoint\u2019s claims left standing", refs(card.bot_standing)),
            ("Points Counterpoint conceded", refs(card.bot_conceded)),
            ("Arguments of Counterpoint\u2019s side you made", refs(card.acknowledged)),
        ],
        "sources": [_source(topic, s) for s in card.sources_cited],
        "figures": card.figures_cited,
        "coverage": card.coverage,
        "missed": refs(card.missed),
        "headline": card_headline(topic, card),
        "sections": card_sections(topic, card),
    }


def _map_alt(topic: Topic, record: DebateRecord, card: Scorecard) -> str:
    return (
        f"Argument map of debate {record.id}: the student's claims on the left "
        f"({len(card.user_claims)}: {'; '.join(r.title for r in card.user_claims) or 'none'}), "
        f"Counterpoint's on the right ({len(card.bot_answered) + len(card.bot_standing)}; "
        f"{len(card.bot_standing)} left standing), with arrows for rebuttals, attacks and defences."
    )


# ---------------------------------------------------------------------------------------------- handlers
def _debate_id(request: web.Request) -> int:
    return int(request.match_info["id"])


async def index(request: web.Request) -> web.Response:
    access: Access = request[ACCESS]
    if not access.can_index:
        raise web.HTTPForbidden()
    service = request.app[SERVICE]
    q = request.query
    notes: list[str] = []

    def as_int(name: str) -> int | None:
        raw = q.get(name, "").strip()
        if not raw:
            return None
        if re.fullmatch(r"[0-9]{1,18}", raw):  # ASCII digits only
            return int(raw)
        notes.append(f"Ignored the {name} filter: not a number.")
        return None

    def as_date(name: str) -> str | None:
        raw = q.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            notes.append(f"Ignored the {name} date: use YYYY-MM-DD.")
            return None

    f_class, f_topic = as_int("class"), q.get("topic", "").strip() or None
    f_student, f_from, f_to = q.get("student", "").strip()[:100], as_date("from"), as_date("to")
    page = max(1, as_int("page") or 1)
    found = await service.index(
        access.scope, IndexFilters(f_class, f_topic, f_student or None, f_from, f_to), page, PER_PAGE
    )
    topics = {t.id: t.motion for t in service.topics()}
    rows = []
    for d in found.debates:
        names = [name for _uid, name in found.people[d.id]]
        topic = await service.topic_of(d)  # the version the debate used (uploaded topics included)
        topics.setdefault(d.topic_id, topic.motion)
        rows.append(
            {
                "id": d.id,
                "when": d.created_at,
                "students": ", ".join(names) or d.user_name,
                "motion": topic.motion,
                "side": topic.side_name(d.user_side),
                "status": d.status,
                "turns": d.turn_count,
                "class_id": d.class_id,
                "class_name": found.class_names.get(d.class_id, f"#{d.class_id}") if d.class_id else None,
                "class_link": access.sees_class(d.class_id),
            }
        )
    filters = {
        "class": "" if f_class is None else str(f_class),
        "topic": f_topic or "",
        "student": f_student,
        "from": f_from or "",
        "to": f_to or "",
    }
    return _render(
        request,
        "index.html",
        title="Debates \u00b7 Counterpoint",
        rows=rows,
        total=found.total,
        page=found.page,
        pages=found.pages,
        filters=filters,
        classes=found.classes,
        topic_options=sorted({**topics, **{d.topic_id: d.topic_id for d in found.debates}}.items()),
        notes=notes,
    )


async def debate_page(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    record = await _visible_debate(request, _debate_id(request))
    review = await service.review(record.id)
    topic, turns, card, people = review.topic, review.turns, review.scorecard, review.people
    lines = _line_index(topic)
    klass = None
    if record.class_id is not None and request[ACCESS].sees_class(record.class_id):
        try:
            klass = await service.get_class(record.class_id)
        except ClassNotFound:
            klass = None
    return _render(
        request,
        "debate.html",
        title=f"Debate {record.id} \u00b7 Counterpoint",
        d=record,
        topic=topic,
        students=", ".join(name for _uid, name in people),
        user_side=topic.side_name(record.user_side),
        bot_side=topic.side_name(record.bot_side),
        klass=klass,
        turns=[_turn_view(topic, record, t, lines) for t in turns],
        page_sources=_page_sources(topic, turns),
        card=_card_view(topic, card),
        map_alt=_map_alt(topic, record, card),
        formats=FORMATS,
        topic_changed=await service.topic_changed(record),
        version=review.version,
    )


async def debate_map(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    record = await _visible_debate(request, _debate_id(request))
    review = await service.review(record.id)

    def draw() -> bytes:
        from ..argmap_png import render_png

        return render_png(review.argument_map())

    png = await asyncio.to_thread(draw)
    return web.Response(body=png, content_type="image/png")


async def debate_download(request: web.Request) -> web.Response:
    fmt = request.match_info["fmt"]
    record = await _visible_debate(request, _debate_id(request))
    _record, text = await request.app[SERVICE].transcript(record.id, fmt)
    return _download(text.encode("utf-8"), CONTENT_TYPES[fmt], f"debate-{record.id}.{fmt}")


def _download(body: bytes, content_type: str, filename: str) -> web.Response:
    charset = None if content_type == "application/zip" else "utf-8"
    resp = web.Response(body=body, content_type=content_type, charset=charset)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


async def _class_report(request: web.Request):
    class_id = _debate_id(request)
    _check_class(request, class_id)
    try:
        return await request.app[SERVICE].class_report(class_id)
    except ClassNotFound:
        raise web.HTTPNotFound() from None


async def class_page(request: web.Request) -> web.Response:
    report = await _class_report(request)
    titles = {c.id: c.title for c in report.topic.claims}
    rows = [
        {
            "r": r,
            "raised": [titles.get(c, c) for c in r.claims_raised],
            "side": report.topic.side_name(r.side),
        }
        for r in report.rows
    ]
    return _render(
        request,
        "class.html",
        title=f"{report.klass.name} \u00b7 class report \u00b7 Counterpoint",
        report=report,
        k=report.klass,
        rows=rows,
        used=[(t, report.topic.side_name(s), n) for _c, t, s, n in report.claim_usage if n],
        unused=[t for _c, t, _s, n in report.claim_usage if not n],
        missed=report.most_missed[:10],
    )


async def class_csv(request: web.Request) -> web.Response:
    report = await _class_report(request)
    return _download(class_report_csv(report).encode("utf-8"), "text/csv", f"class-{report.klass.id}.csv")


async def class_zip(request: web.Request) -> web.Response:
    report = await _class_report(request)
    service = request.app[SERVICE]
    debate_ids = sorted({r.debate_id for r in report.rows})
    files: list[tuple[str, str]] = [(f"class-{report.klass.id}.csv", class_report_csv(report))]
    for debate_id in debate_ids:
        review = await service.review(debate_id)
        for fmt in FORMATS:
            files.append((f"debate-{debate_id}.{fmt}", review.export(fmt)))

    def pack() -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, text in files:
                zf.writestr(f"class-{report.klass.id}/{name}", text)
        return buf.getvalue()

    body = await asyncio.to_thread(pack)
    return _download(body, "application/zip", f"class-{report.klass.id}.zip")


# ---------------------------------------------------------------------------------------------- app
def _page_error(request: web.Request, status: int) -> web.Response:
    messages = {
        403: (
            "Access denied",
            "This link is not valid, has expired, or does not give access to this page. Ask for a new link.",
        ),
        404: ("Not found", "There is nothing at this address."),
        405: ("Not allowed", "This viewer is read-only."),
    }
    heading, text = messages.get(status, ("Error", "Something went wrong."))
    if status == 403:
        request.pop(ACCESS, None)  # the 403 page shows nothing of the token's scope
    return _render(request, "error.html", status=status, title=f"{heading} \u00b7 Counterpoint", heading=heading,
                   message=text)  # fmt: skip


@web.middleware
async def _guard(request: web.Request, handler):
    token = request.query.get("t", "")
    try:
        if not token or len(token) > MAX_TOKEN:
            raise InvalidLink("no link token")
        scope = request.app[SIGNER].verify(token)
    except InvalidLink:
        return _page_error(request, 403)
    access = Access.parse(scope, token)
    if access is None:
        return _page_error(request, 403)
    request[ACCESS] = access
    try:
        return await handler(request)
    except web.HTTPForbidden:
        return _page_error(request, 403)
    except web.HTTPNotFound:
        return _page_error(request, 404)
    except web.HTTPMethodNotAllowed:
        return _page_error(request, 405)
    except (DebateNotFound, ClassNotFound):
        return _page_error(request, 404 if access.kind == "all" else 403)
    except CounterpointError as exc:  # a topic no longer installed, for example
        resp = _render(request, "error.html", status=500, title="Error", heading="Cannot show this page",
                       message=str(exc))  # fmt: skip
        return resp
    except web.HTTPException:
        raise
    except Exception:  # a damaged page of the log, for example: the styled page, not aiohttp's plain 500
        log.exception("cannot show %s", request.path)
        text = "The debate log cannot be read here right now. The server log has the details."
        return _render(request, "error.html", status=500, title="Error", heading="Cannot show this page",
                       message=text)  # fmt: skip


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    response.headers["Server"] = SERVER_NAME


class _ViewerRequest(web.Request):
    """aiohttp answers a request it cannot parse (a 100 KB query string, a bad header) with its own 400
    page, before routing, so on_response_prepare never sees it: the headers are added here instead."""

    async def _prepare_hook(self, response: web.StreamResponse) -> None:
        if self._match_info is None:
            await _headers(self, response)
            return
        await super()._prepare_hook(response)


def make_app(service: DebateService, signer: LinkSigner) -> web.Application:
    app = web.Application(middlewares=[_guard])
    app[SERVICE] = service
    app[SIGNER] = signer
    app[JINJA] = _environment()
    app.on_response_prepare.append(_headers)
    # requests aiohttp cannot parse get the security headers too (see _ViewerRequest)
    app._make_request = functools.partial(app._make_request, _cls=_ViewerRequest)  # type: ignore[method-assign]
    fmts = "|".join(FORMATS)
    app.router.add_get("/", index)
    app.router.add_get(f"/debates/{_ID}", debate_page)
    app.router.add_get(f"/debates/{_ID}/map.png", debate_map)
    app.router.add_get(f"/debates/{_ID}.{{fmt:(?:{fmts})}}", debate_download)
    app.router.add_get(f"/classes/{_ID}", class_page)
    app.router.add_get(f"/classes/{_ID}.csv", class_csv)
    app.router.add_get(f"/classes/{_ID}.zip", class_zip)
    return app
