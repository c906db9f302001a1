"""Validation of a parsed topic document (plain dicts and lists) into a typed Topic.

Every problem is collected with the dotted path of the field, so that a teacher sees all of them
at once: ``debates/x.yaml: claims[3].rebuttals[0].draws_on[1]: unknown claim 'foo'``.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problem, TopicError
from .text import words
from .topic import (
    KINDS,
    PHASES,
    Claim,
    CounterRebuttal,
    DisputedPoint,
    Format,
    KindReplies,
    Line,
    Misconception,
    Phase,
    Rebuttal,
    Side,
    Source,
    Spoken,
    Topic,
    derive_short,
)

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
MAX_TEXT = 2000  # characters in one line the bot says
MAX_CUE = 200
MAX_CORRECTION_WORDS = 45  # a correction made in passing, not a second reply
MAX_CORRECTION_CHARS = 400
MAX_SPOKEN_WORDS = 14  # a spoken form sits inside a sentence of the bot's


class _Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def err(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    # typed getters: report and return None when wrong
    def mapping(self, value: Any, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.err(path, f"expected a mapping (key: value), got {_kind(value)}")
            return None
        return value

    def field(self, obj: dict, key: str, path: str, required: bool = True) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                self.err(_join(path, key), "missing required field")
            return None
        return obj[key]

    def string(self, obj: dict, key: str, path: str, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
        value = self.field(obj, key, path, required)
        if value is None:
            return None
        p = _join(path, key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.err(p, f"expected text, got {_kind(value)}")
            return None
        text = str(value).strip()
        if not text:
            self.err(p, "must not be empty")
            return None
        if len(text) > max_len:
            self.err(p, f"too long ({len(text)} characters, at most {max_len})")
            return None
        return text

    def ident(self, obj: dict, key: str, path: str) -> str | None:
        value = self.string(obj, key, path, max_len=80)
        if value is not None and not ID_RE.match(value):
            self.err(_join(path, key), f"{value!r} is not a valid id (lowercase letters, digits, '-', '.', '_')")
            return None
        return value

    def integer(self, obj: dict, key: str, path: str, lo: int, hi: int, default: int) -> int:
        value = self.field(obj, key, path, required=False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(_join(path, key), f"expected a whole number, got {_kind(value)}")
            return default
        if not lo <= value <= hi:
            self.err(_join(path, key), f"must be between {lo} and {hi}, got {value}")
            return default
        return value

    def seq(self, obj: dict, key: str, path: str, required: bool = True, min_len: int = 0) -> list:
        value = self.field(obj, key, path, required)
        if value is None:
            if required and min_len and key in obj:
                self.err(_join(path, key), f"needs at least {min_len} entries")
            return []
        if not isinstance(value, list):
            self.err(_join(path, key), f"expected a list, got {_kind(value)}")
            return []
        if len(value) < min_len:
            self.err(_join(path, key), f"needs at least {min_len} entries, has {len(value)}")
        return value

    def strings(self, obj: dict, key: str, path: str, required: bool = False, max_len: int = MAX_TEXT) -> tuple:
        out = []
        for i, item in enumerate(self.seq(obj, key, path, required)):
            p = f"{_join(path, key)}[{i}]"
            if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
                self.err(p, f"expected non-empty text, got {_kind(item)}")
            elif len(str(item)) > max_len:
                self.err(p, f"too long ({len(str(item))} characters, at most {max_len})")
            else:
                out.append(str(item).strip())
        return tuple(out)

    def unknown_keys(self, obj: dict, allowed: set[str], path: str) -> None:
        for key in obj:
            if key not in allowed:
                name = str(key) if str(key).strip() else repr(key)  # a blank key still names a path
                hint = _closest(str(key), allowed)
                self.err(_join(path, name), "unknown field" + (f" (did you mean {hint!r}?)" if hint else ""))


def build_topic(data: Any, *, file: str = "<topic>", content_hash: str = "") -> Topic:
    """Validate a parsed topic document; return a Topic or raise TopicError with every problem."""
    c = _Checker(file)
    if data is None:
        raise TopicError([Problem(file, "", "the file is empty; a topic needs id, motion, sides, sources, claims")])
    doc = c.mapping(data, "")
    if doc is None:
        raise TopicError(c.problems)
    c.unknown_keys(
        doc,
        {
            "id",
            "version",
            "motion",
            "scope",
            "sides",
            "format",
            "ground_rules",
            "sources",
            "claims",
            "disputed_points",
            "misconceptions",
            "kinds",
        },
        "",
    )
    topic_id = c.ident(doc, "id", "")
    motion = c.string(doc, "motion", "", max_len=500)
    scope = c.string(doc, "scope", "", required=False, max_len=1000) or ""
    ground_rules = c.strings(doc, "ground_rules", "")

    sides = _sides(c, doc)
    side_ids = {s.id for s in sides}
    fmt = _format(c, doc)
    sources = _sources(c, doc)
    claims = _claims(c, doc, side_ids, sources)
    claim_ids = {cl.id: cl for cl in claims}
    _check_cross_refs(c, doc, claims, claim_ids, sides)
    kinds = _kinds(c, doc, sources)
    disputed = _disputed(c, doc, claim_ids)
    misconceptions = _misconceptions(c, doc, sources)
    _check_unique_line_ids(c, claims)

    if c.problems:
        raise TopicError(c.problems)
    assert topic_id and motion and len(sides) == 2
    return Topic(
        id=topic_id,
        motion=motion,
        sides=(sides[0], sides[1]),
        sources=sources,
        claims=tuple(claims),
        kinds=kinds,
        format=fmt,
        scope=scope,
        ground_rules=ground_rules,
        disputed_points=disputed,
        misconceptions=misconceptions,
        content_hash=content_hash,
        path=file,
    )


def _sides(c: _Checker, doc: dict) -> list[Side]:
    items = c.seq(doc, "sides", "")
    if isinstance(doc.get("sides"), list) and len(items) != 2:  # "sides: []" too, not only a wrong count
        c.err("sides", f"a debate has exactly two sides, got {len(items)}")
    out: list[Side] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        p = f"sides[{i}]"
        m = c.mapping(item, p)
        if m is None:
            continue
        c.unknown_keys(m, {"id", "name", "description"}, p)
        sid, name = c.ident(m, "id", p), c.string(m, "name", p, max_len=200)
        desc = c.string(m, "description", p, max_len=1000)
        if sid in seen:
            c.err(f"{p}.id", f"duplicate side id {sid!r}")
        elif sid == "random":
            c.err(f"{p}.id", "'random' is reserved (it lets the user have a side picked for them)")
        elif sid and name and desc:
            seen.add(sid)
            out.append(Side(sid, name, desc))
    return out


def _format(c: _Checker, doc: dict) -> Format:
    raw = c.field(doc, "format", "", required=False)
    if raw is None:
        return Format()
    m = c.mapping(raw, "format")
    if m is None:
        return Format()
    c.unknown_keys(m, {"phases", "turn_length_limit", "turn_time_limit"}, "format")
    limit = c.integer(m, "turn_length_limit", "format", 50, 4000, 1500)
    seconds = c.integer(m, "turn_time_limit", "format", 30, 86400, 0) or None
    if "phases" not in m:
        return Format(turn_length_limit=limit, turn_time_limit=seconds)
    phases: list[Phase] = []
    for i, item in enumerate(c.seq(m, "phases", "format", min_len=1)):
        p = f"format.phases[{i}]"
        pm = c.mapping(item, p)
        if pm is None:
            continue
        c.unknown_keys(pm, {"id", "name", "rounds"}, p)
        pid = c.ident(pm, "id", p)
        if pid is not None and pid not in PHASES:
            c.err(f"{p}.id", f"unknown phase {pid!r}; phases are {', '.join(PHASES)}")
            continue
        name = c.string(pm, "name", p, required=False, max_len=100) or (pid or "").capitalize()
        rounds = c.integer(pm, "rounds", p, 1, 20, 1)
        if pid:
            phases.append(Phase(pid, name, rounds))
    ids = [ph.id for ph in phases]
    if phases:
        if len(set(ids)) != len(ids):
            c.err("format.phases", "each phase may appear once")
        if "rebuttal" not in ids:
            c.err("format.phases", "a 'rebuttal' phase is required")
        if "opening" in ids and ids[0] != "opening":
            c.err("format.phases", "'opening' must come first")
        if "closing" in ids and ids[-1] != "closing":
            c.err("format.phases", "'closing' must come last")
    return Format(tuple(phases), limit, seconds) if phases else Format(turn_length_limit=limit, turn_time_limit=seconds)


def _sources(c: _Checker, doc: dict) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for i, item in enumerate(c.seq(doc, "sources", "", min_len=1)):
        p = f"sources[{i}]"
        m = c.mapping(item, p)
        if m is None:
            continue
        c.unknown_keys(m, {"id", "citation", "url", "cues", "type", "short"}, p)
        sid = c.ident(m, "id", p)
        citation = c.string(m, "citation", p, max_len=1000)
        url = c.string(m, "url", p, required=False, max_len=500)
        if url and not url.startswith(("http://", "https://")):
            c.err(f"{p}.url", "must start with http:// or https://")
        cues = c.strings(m, "cues", p, max_len=MAX_CUE)
        kind = c.string(m, "type", p, required=False, max_len=40) or ""
        short = c.string(m, "short", p, required=False, max_len=60) or ""
        if citation and not short and not derive_short(citation, sid or ""):
            c.err(
                f"{p}.short",
                "cannot derive a short reference (Author Year) from the citation, which does not start "
                "'Surname, Given.' with a year; add short: \"Author Year\"",
            )
        if sid in out:
            c.err(f"{p}.id", f"duplicate source id {sid!r}")
        elif sid and citation:
            if not cues:
                surname = citation.split(",")[0].split(".")[0].strip().strip("'\"").lower()
                cues = (surname,) if 2 < len(surname) < 30 and " " not in surname else ()
            out[sid] = Source(sid, citation, url, cues, kind, short)
    return out


def _source_refs(c: _Checker, m: dict, path: str, sources: dict[str, Source], required: bool = False) -> tuple:
    refs = c.strings(m, "sources", path, required=required, max_len=80)
    for j, ref in enumerate(refs):
        if ref not in sources:
            hint = _closest(ref, set(sources))
            c.err(f"{path}.sources[{j}]", f"unknown source {ref!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    return refs


def _claims(c: _Checker, doc: dict, side_ids: set[str], sources: dict[str, Source]) -> list[Claim]:
    out: list[Claim] = []
    seen: set[str] = set()
    for i, item in enumerate(c.seq(doc, "claims", "", min_len=2)):
        p = f"claims[{i}]"
        m = c.mapping(item, p)
        if m is None:
            continue
        c.unknown_keys(
            m,
            {
                "id",
                "side",
                "title",
                "strength",
                "arguments",
                "cues",
                "rebuttals",
                "counter_rebuttals",
                "origin",
                "note",
                "spoken",
            },
            p,
        )
        cid, side = c.ident(m, "id", p), c.ident(m, "side", p)
        title = c.string(m, "title", p, max_len=300)
        strength = c.integer(m, "strength", p, 1, 5, 3)
        if cid in seen:
            c.err(f"{p}.id", f"duplicate claim id {cid!r}")
            cid = None
        if side is not None and side_ids and side not in side_ids:
            c.err(f"{p}.side", f"unknown side {side!r}; sides are {', '.join(sorted(side_ids))}")
        arguments = []
        for j, a in enumerate(c.seq(m, "arguments", p, min_len=2)):
            ap = f"{p}.arguments[{j}]"
            am = c.mapping(a, ap)
            if am is None:
                continue
            c.unknown_keys(am, {"text", "evidence", "sources", "premise"}, ap)
            text = c.string(am, "text", ap)
            evidence = c.strings(am, "evidence", ap, max_len=500)
            refs = _source_refs(c, am, ap, sources, required=True)
            premise = _premise(c, am, ap)
            if text:
                arguments.append(Line(f"{cid}.a{j + 1}", text, refs, evidence, premise))
        spoken = _spoken(c, m, p, title or "", " ".join(a.text for a in arguments))
        cues = c.strings(m, "cues", p, required=True, max_len=MAX_CUE)
        if "cues" in m and not cues and isinstance(m["cues"], list):
            c.err(f"{p}.cues", "needs at least one cue")
        rebuttals = []
        for j, r in enumerate(c.seq(m, "rebuttals", p, min_len=2)):
            rp = f"{p}.rebuttals[{j}]"
            rm = c.mapping(r, rp)
            if rm is None:
                continue
            c.unknown_keys(rm, {"id", "text", "draws_on", "sources", "premise"}, rp)
            rid, text = c.ident(rm, "id", rp), c.string(rm, "text", rp)
            draws = c.strings(rm, "draws_on", rp, required=True, max_len=80)
            refs = _source_refs(c, rm, rp, sources)
            premise = _premise(c, rm, rp)
            if rid and text:
                rebuttals.append(Rebuttal(rid, text, draws, refs, premise))
        counters = []
        for j, r in enumerate(c.seq(m, "counter_rebuttals", p, min_len=1)):
            rp = f"{p}.counter_rebuttals[{j}]"
            rm = c.mapping(r, rp)
            if rm is None:
                continue
            c.unknown_keys(rm, {"id", "answers", "text", "sources", "premise"}, rp)
            rid, text = c.ident(rm, "id", rp), c.string(rm, "text", rp)
            answers = c.ident(rm, "answers", rp)
            refs = _source_refs(c, rm, rp, sources)
            premise = _premise(c, rm, rp)
            if answers and rebuttals and answers not in {r.id for r in rebuttals}:
                c.err(f"{rp}.answers", f"{answers!r} is not a rebuttal of claim {cid!r}")
            if rid and text and answers:
                counters.append(CounterRebuttal(rid, answers, text, refs, premise))
        if cid and side:  # kept even when other fields are wrong, so references to it don't cascade
            seen.add(cid)
            out.append(
                Claim(
                    cid, side, title or "", tuple(arguments), cues, tuple(rebuttals), tuple(counters), strength, spoken
                )
            )
    return out


def _premise(c: _Checker, m: dict, path: str) -> tuple[str, ...]:
    """Optional cue phrases: the words a student's message contains when this line is the right answer."""
    premise = c.strings(m, "premise", path, max_len=MAX_CUE)
    if "premise" in m and isinstance(m["premise"], list) and not m["premise"]:
        c.err(f"{path}.premise", "needs at least one cue phrase (or leave the field out)")
    for j, cue in enumerate(premise):
        if not words(cue):
            c.err(f"{path}.premise[{j}]", f"{cue!r} has no letters or digits to match")
    return premise


def _spoken(c: _Checker, m: dict, path: str, title: str, context: str = "") -> Spoken:
    """The claim's spoken forms: a clause for "You argue that ..." and a noun phrase for "my point about ..."."""
    raw = c.field(m, "spoken", path, required=False)
    if raw is None:  # optional: made from the title, which reads stiffly ("the point “X” stands")
        return Spoken(f"the point “{title}” stands", f"“{title}”", given=False)
    sm = c.mapping(raw, f"{path}.spoken")
    if sm is None:
        return Spoken("", "")
    p = f"{path}.spoken"
    c.unknown_keys(sm, {"clause", "phrase"}, p)
    forms = {}
    for key in ("clause", "phrase"):
        text = c.string(sm, key, p, max_len=200)
        if text is not None:
            for problem in spoken_problems(text, title, context):
                c.err(f"{p}.{key}", problem)
        forms[key] = text or ""
    return Spoken(forms["clause"], forms["phrase"])


def spoken_problems(text: str, title: str, context: str = "") -> list[str]:
    """What stops ``text`` from sitting inside a sentence: "You argue that {text}." / "my point about {text}".

    A capital first letter is allowed for a proper noun: a word capitalised in the claim's title after its
    first word, or the title's first word when ``context`` (the claim's argument texts) also capitalises
    it in mid-sentence ("Stalin personally signed ..."; not "Uniforms hide ...").
    """
    out = []
    n = len(text.split())
    if n > MAX_SPOKEN_WORDS:
        out.append(f"too long ({n} words, at most {MAX_SPOKEN_WORDS}): it goes inside a sentence")
    if ":" in text:
        out.append(f"{text!r} contains a colon; write it as one clause that fits 'You argue that ...'")
    if text.rstrip().endswith((".", "!", "?", ";")):
        out.append(f"{text!r} ends with {text.rstrip()[-1]!r}; it goes inside a sentence, so leave the punctuation out")
    first = text.split()[0] if text.split() else ""
    if first[:1].isupper() and not _proper_in(first, title, context):
        out.append(
            f"{text!r} starts with a capital; start lowercase unless the first word is a proper noun "
            f"capitalised in the claim's title"
        )
    return out


def _proper_in(word: str, title: str, context: str = "") -> bool:
    bare = _bare(word)
    if not bare or bare.lower() in _SENTENCE_WORDS:
        return False
    title_words = [_bare(w) for w in title.split()]
    if bare in title_words[1:]:
        return True
    if not title_words or title_words[0] != bare:
        return False
    tokens = context.split()  # the title's first word: a proper noun if the arguments capitalise it mid-sentence
    pairs = zip(tokens, tokens[1:], strict=False)
    return any(_bare(w) == bare and not prev.endswith((".", "!", "?", ":", '"')) for prev, w in pairs)


def _bare(word: str) -> str:
    """A word without surrounding punctuation or a possessive: "Stalin's" -> "Stalin"."""
    return word.strip("'\"()[],.;:").replace("\u2019", "'").split("'")[0]


_SENTENCE_WORDS = frozenset(
    "a an the this that these those it its his her their our my your some many most all one not no "
    "there he she they we i if when while because power fear party".split()
)


def _check_cross_refs(c: _Checker, doc: dict, claims: list[Claim], by_id: dict[str, Claim], sides: list[Side]) -> None:
    raw = doc.get("claims") if isinstance(doc.get("claims"), list) else []
    index = {  # only ids that can be claim ids: a list or mapping there is reported elsewhere, not a crash here
        str(item["id"]).strip(): i
        for i, item in enumerate(raw)
        if isinstance(item, dict) and isinstance(item.get("id"), str | int | float)
    }
    for claim in claims:
        i = index.get(claim.id, 0)
        for j, reb in enumerate(claim.rebuttals):
            for k, ref in enumerate(reb.draws_on):
                where = f"claims[{i}].rebuttals[{j}].draws_on[{k}]"
                target = by_id.get(ref)
                if target is None:
                    hint = _closest(ref, set(by_id))
                    c.err(where, f"unknown claim {ref!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
                elif target.side == claim.side:
                    c.err(where, f"{ref!r} is on the same side as {claim.id!r}; a rebuttal draws on the other side")
    for side in sides:
        if by_id and not any(cl.side == side.id for cl in claims):
            c.err("claims", f"side {side.id!r} has no claims")


def _kinds(c: _Checker, doc: dict, sources: dict[str, Source]) -> dict[str, KindReplies]:
    raw = c.field(doc, "kinds", "")
    m = c.mapping(raw, "kinds") if raw is not None else None
    if m is None:
        return {}
    c.unknown_keys(m, set(KINDS), "kinds")
    out: dict[str, KindReplies] = {}
    for kind in KINDS:
        if kind not in m:
            c.err(f"kinds.{kind}", "missing required field (a reply for this kind of message)")
            continue
        km = c.mapping(m[kind], f"kinds.{kind}")
        if km is None:
            continue
        c.unknown_keys(km, {"cues", "replies"}, f"kinds.{kind}")
        cues = c.strings(km, "cues", f"kinds.{kind}", max_len=MAX_CUE)
        replies = []
        for j, r in enumerate(c.seq(km, "replies", f"kinds.{kind}", min_len=1)):
            rp = f"kinds.{kind}.replies[{j}]"
            if isinstance(r, str) and r.strip():
                replies.append(Line(f"kind.{kind}.{j + 1}", r.strip()))
                continue
            rm = c.mapping(r, rp)
            if rm is None:
                continue
            c.unknown_keys(rm, {"text", "sources"}, rp)
            text = c.string(rm, "text", rp)
            refs = _source_refs(c, rm, rp, sources)
            if text:
                replies.append(Line(f"kind.{kind}.{j + 1}", text, refs))
        out[kind] = KindReplies(kind, tuple(replies), cues)
    return out


def _disputed(c: _Checker, doc: dict, by_id: dict[str, Claim]) -> tuple[DisputedPoint, ...]:
    out = []
    for i, item in enumerate(c.seq(doc, "disputed_points", "", required=False)):
        p = f"disputed_points[{i}]"
        m = c.mapping(item, p)
        if m is None:
            continue
        c.unknown_keys(m, {"topic", "claims", "positions", "cues"}, p)
        topic = c.string(m, "topic", p, max_len=300)
        claims = c.strings(m, "claims", p, required=True, max_len=80)
        for j, ref in enumerate(claims):
            if by_id and ref not in by_id:
                c.err(f"{p}.claims[{j}]", f"unknown claim {ref!r}")
        positions = c.strings(m, "positions", p, required=True)
        cues = c.strings(m, "cues", p, max_len=MAX_CUE)
        if "cues" in m and isinstance(m["cues"], list) and not m["cues"]:
            c.err(f"{p}.cues", "needs at least one cue (or leave the field out)")
        if topic:
            out.append(DisputedPoint(topic, claims, positions, cues))
    return tuple(out)


def _misconceptions(c: _Checker, doc: dict, sources: dict[str, Source]) -> tuple[Misconception, ...]:
    out: list[Misconception] = []
    seen: set[str] = set()
    for i, item in enumerate(c.seq(doc, "misconceptions", "", required=False)):
        p = f"misconceptions[{i}]"
        m = c.mapping(item, p)
        if m is None:
            continue
        c.unknown_keys(m, {"id", "cues", "correction", "sources"}, p)
        mid = c.ident(m, "id", p)
        cues = c.strings(m, "cues", p, required=True, max_len=MAX_CUE)
        if "cues" in m and isinstance(m["cues"], list) and not m["cues"]:
            c.err(f"{p}.cues", "needs at least one cue")
        for j, cue in enumerate(cues):
            if not words(cue):
                c.err(f"{p}.cues[{j}]", f"{cue!r} has no letters or digits to match")
        correction = c.string(m, "correction", p, max_len=MAX_CORRECTION_CHARS)
        if correction and len(correction.split()) > MAX_CORRECTION_WORDS:
            n = len(correction.split())
            c.err(f"{p}.correction", f"too long ({n} words, at most {MAX_CORRECTION_WORDS}): keep it short")
        refs = _source_refs(c, m, p, sources, required=True)
        if "sources" in m and isinstance(m["sources"], list) and not m["sources"]:
            c.err(f"{p}.sources", "needs at least one source")
        if mid in seen:
            c.err(f"{p}.id", f"duplicate misconception id {mid!r}")
        elif mid and cues and correction and refs:
            seen.add(mid)
            out.append(Misconception(mid, cues, correction, refs))
    return tuple(out)


def _check_unique_line_ids(c: _Checker, claims: list[Claim]) -> None:
    seen: dict[str, str] = {}
    for i, claim in enumerate(claims):
        lines = [("rebuttals", j, r.id) for j, r in enumerate(claim.rebuttals)]
        lines += [("counter_rebuttals", j, r.id) for j, r in enumerate(claim.counter_rebuttals)]
        for kind, j, line_id in lines:
            if line_id in seen:
                c.err(f"claims[{i}].{kind}[{j}].id", f"duplicate id {line_id!r} (also used in claim {seen[line_id]!r})")
            else:
                seen[line_id] = claim.id


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _closest(word: str, options: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return match[0] if match else None
