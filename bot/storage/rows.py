"""What the SQLite and PostgreSQL stores share: the columns they read, the rows they write, and the
mapping from rows to domain records. Statements use SQLite's ``?`` placeholders; the PostgreSQL store
turns them into ``$1, $2, ...``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..domain.records import (
    ClassRecord,
    DebateRecord,
    NewClass,
    NewDebate,
    TopicUpload,
    TopicVersion,
    TurnDraft,
    TurnRecord,
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# ---------------------------------------------------------------------- debates
DEBATE_COLS = """d.id, d.topic_id, d.topic_hash, d.user_side, d.bot_side, d.seed, d.rebuttal_rounds, d.status,
    d.platform, p.user_id, p.display_name, d.guild_id, d.channel_id, d.thread_id, d.state, d.created_at,
    d.updated_at, d.finished_at, (SELECT COUNT(*) FROM turns t WHERE t.debate_id = d.id), d.turn_seconds,
    d.deadline, d.class_id"""
DEBATE_FROM = "debates d LEFT JOIN participants p ON p.debate_id = d.id AND p.role = 'debater'"
INSERT_DEBATE = (
    "INSERT INTO debates (topic_id, topic_hash, user_side, bot_side, seed, rebuttal_rounds, platform, guild_id,"
    " channel_id, thread_id, state, created_at, updated_at, turn_seconds, deadline, class_id)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
INSERT_PARTICIPANT = "INSERT INTO participants (debate_id, user_id, display_name, role, side) VALUES (?,?,?,?,?)"
_FILTER_COLUMNS = {
    "class_id": "d.class_id",
    "status": "d.status",
    "user_id": "p.user_id",
    "topic_id": "d.topic_id",
    "platform": "d.platform",
    "channel_id": "d.channel_id",
    "thread_id": "d.thread_id",
    "guild_id": "d.guild_id",
}
DEBATE_FILTERS = (*_FILTER_COLUMNS, "member_id", "student", "created_from", "created_to")


def debate_args(new: NewDebate, state: dict, ts: str) -> tuple:
    """Parameters of INSERT_DEBATE."""
    return (
        new.topic_id,
        new.topic_hash,
        new.user_side,
        new.bot_side,
        new.seed,
        new.rebuttal_rounds,
        new.platform,
        new.guild_id,
        new.channel_id,
        new.thread_id,
        json.dumps(state),
        ts,
        ts,
        new.turn_seconds,
        new.deadline,
        new.class_id,
    )


def debate_filters(placeholder, fold: str = "LOWER", **values) -> tuple[list[str], list]:
    """WHERE terms and arguments of list_debates for the filters given (not None); ``placeholder(n)`` is
    the n-th parameter's marker in the backend's SQL ("?" for SQLite, "$n" for PostgreSQL).

    Besides the columns: ``member_id`` (the debater or a teammate), ``student`` (a participant whose name
    contains it, case-insensitively, or whose id it is), ``created_from`` / ``created_to`` (dates, inclusive).
    ``fold`` is the SQL function that folds case (SQLite's LOWER folds ASCII only: its store registers one).
    """
    where: list[str] = []
    args: list = []

    def arg(value) -> str:
        args.append(value)
        return placeholder(len(args))

    for name, column in _FILTER_COLUMNS.items():
        value = values.get(name)
        if value is not None:
            where.append(f"{column} = {arg(value)}")
    if values.get("member_id") is not None:
        member = values["member_id"]
        where.append(
            f"(p.user_id = {arg(member)} OR EXISTS (SELECT 1 FROM participants m"
            f" WHERE m.debate_id = d.id AND m.user_id = {arg(member)}))"
        )
    if values.get("student"):
        needle = values["student"]
        pattern = "%" + needle.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(
            f"EXISTS (SELECT 1 FROM participants s WHERE s.debate_id = d.id"
            f" AND ({fold}(s.display_name) LIKE {arg(pattern)} ESCAPE '\\' OR s.user_id = {arg(needle)}))"
        )
    if values.get("created_from") is not None:
        where.append(f"SUBSTR(d.created_at, 1, 10) >= {arg(values['created_from'])}")
    if values.get("created_to") is not None:
        where.append(f"SUBSTR(d.created_at, 1, 10) <= {arg(values['created_to'])}")
    unknown = set(values) - set(DEBATE_FILTERS)
    if unknown:
        raise TypeError(f"unknown debate filter(s): {', '.join(sorted(unknown))}")
    return where, args


def debate_record(r) -> DebateRecord:
    return DebateRecord(*r[:9], r[9] or "", r[10] or "", *r[11:14], json.loads(r[14]), *r[15:22])


# ---------------------------------------------------------------------- turns
TURN_COLS = """id, debate_id, number, speaker, text, phase, round, author, kind, counted, claims, scores, lines,
    roles, sources, message_id, created_at, author_id, moves"""
TURN_FIELDS = (
    "phase, round, speaker, author, text, kind, counted, claims, scores, lines, roles, sources, message_id,"
    " created_at, author_id, moves"
)


def turn_fields(t: TurnDraft, ts: str) -> tuple:
    """The values of TURN_FIELDS for a turn about to be stored."""
    return (
        t.phase,
        t.round,
        t.speaker,
        t.author,
        t.text,
        t.kind,
        bool(t.counted),
        json.dumps(list(t.claims)),
        json.dumps(list(t.scores)),
        json.dumps(list(t.lines)),
        json.dumps(list(t.roles)),
        json.dumps(list(t.sources)),
        t.message_id,
        ts,
        t.author_id,
        json.dumps([list(m) for m in t.moves]),
    )


def turn_record(r) -> TurnRecord:
    return TurnRecord(
        *r[:9],
        bool(r[9]),
        *(tuple(json.loads(x)) for x in r[10:15]),
        r[15],
        r[16],
        author_id=r[17],
        moves=tuple((str(c), str(s)) for c, s in json.loads(r[18] or "[]")),
    )


# ---------------------------------------------------------------------- classes
CLASS_COLS = """id, guild_id, channel_id, name, topic_id, side_policy, rounds, turn_seconds, deadline, team,
    join_code, teacher_id, status, created_at, closed_at, hints"""
INSERT_CLASS = (
    "INSERT INTO classes (guild_id, channel_id, name, topic_id, side_policy, rounds, turn_seconds, deadline, team,"
    " join_code, teacher_id, created_at, hints) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def class_args(new: NewClass, ts: str) -> tuple:
    """Parameters of INSERT_CLASS."""
    return (
        new.guild_id,
        new.channel_id,
        new.name,
        new.topic_id,
        new.side_policy,
        new.rounds,
        new.turn_seconds,
        new.deadline,
        bool(new.team),
        new.join_code,
        new.teacher_id,
        ts,
        new.hints,
    )


def class_record(r) -> ClassRecord:
    return ClassRecord(*r[:9], bool(r[9]), *r[10:])


# ---------------------------------------------------------------------- uploaded topics
TOPIC_COLS = "guild_id, topic_id, version, content_hash, motion, claims, filename, uploaded_by, uploaded_at, removed_at"
# the next version number is computed in the statement; the UNIQUE (guild_id, topic_id, version) index makes two
# uploads at once fail rather than share a number. Parameters: topic_upload_args()
INSERT_TOPIC = (
    "INSERT INTO guild_topics (guild_id, topic_id, version, content_hash, motion, claims, body, filename,"
    " uploaded_by, uploaded_at) VALUES (?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM guild_topics"
    " WHERE guild_id = ? AND topic_id = ?), ?,?,?,?,?,?,?)"
)
# the latest version of each topic of a server that is not removed
LATEST_TOPICS = (
    f"SELECT {TOPIC_COLS} FROM guild_topics g WHERE guild_id = ? AND removed_at IS NULL AND version ="
    " (SELECT MAX(version) FROM guild_topics h WHERE h.guild_id = g.guild_id AND h.topic_id = g.topic_id)"
    " ORDER BY topic_id"
)
# versions of a removed topic that no debate refers to (the others stay for the transcripts)
PRUNE_TOPIC = (
    "DELETE FROM guild_topics WHERE guild_id = ? AND topic_id = ? AND removed_at IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM debates d WHERE d.topic_id = guild_topics.topic_id AND d.topic_hash = guild_topics.content_hash)"
)


def topic_upload_args(new: TopicUpload, ts: str) -> tuple:
    """Parameters of INSERT_TOPIC."""
    return (
        new.guild_id,
        new.topic_id,
        new.guild_id,
        new.topic_id,
        new.content_hash,
        new.motion,
        new.claims,
        new.body,
        new.filename,
        new.uploaded_by,
        ts,
    )


def topic_version(r, body: str = "") -> TopicVersion:
    """A TopicVersion from TOPIC_COLS (and the body, when it was read)."""
    return TopicVersion(*r[:9], removed=r[9] is not None, body=body)


# ---------------------------------------------------------------------- whole tables (counterpoint migrate-db)
# Every table and column, parents first. Values are read and written as they are (times and JSON are text in
# both backends); only the two flags differ in type (SQLite 0/1, PostgreSQL boolean): rows carry them as bool.
TABLES: dict[str, tuple[str, ...]] = {
    "guild_settings": ("guild_id", "teacher_role_id"),
    "classes": (
        "id", "guild_id", "channel_id", "name", "topic_id", "side_policy", "rounds", "turn_seconds", "deadline",
        "team", "join_code", "teacher_id", "status", "created_at", "closed_at", "hints",
    ),
    "debates": (
        "id", "topic_id", "topic_hash", "user_side", "bot_side", "seed", "rebuttal_rounds", "status", "platform",
        "guild_id", "channel_id", "thread_id", "state", "created_at", "updated_at", "finished_at", "turn_seconds",
        "deadline", "class_id",
    ),
    "participants": ("debate_id", "user_id", "display_name", "role", "side"),
    "turns": (
        "id", "debate_id", "number", "phase", "round", "speaker", "author", "text", "kind", "counted", "claims",
        "scores", "lines", "roles", "sources", "message_id", "created_at", "author_id", "moves",
    ),
    "guild_topics": (
        "id", "guild_id", "topic_id", "version", "content_hash", "motion", "claims", "body", "filename",
        "uploaded_by", "uploaded_at", "removed_at",
    ),
}  # fmt: skip
FLAGS = {"classes": "team", "turns": "counted"}
# tables whose ids a copy keeps, and the next id follows
IDENTITY_TABLES = ("classes", "debates", "turns", "guild_topics")


def with_flags(table: str, rows: list[tuple], to) -> list[tuple]:
    """The rows with the table's flag column passed through ``to`` (``bool`` reading SQLite, ``int`` writing)."""
    col = FLAGS.get(table)
    if col is None:
        return rows
    i = TABLES[table].index(col)
    return [(*r[:i], to(r[i]), *r[i + 1 :]) for r in rows]
