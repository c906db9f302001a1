"""Issue 11: hostile names and turns, canonical links, storage faults shown as one line, topic files with
duplicate keys. Each test failed before its fix."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.reports import class_report_csv
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.textsafe import printable

from .conftest import MINI

TOPIC = "school-uniforms"
FORMULAS = ['=HYPERLINK("http://x","y")', "@everyone", "+1-2", "-cmd", "\tTAB"]
ESCAPES = "\x1b]0;TITLE\x07 \x1b[2J"


def cli(args, env, stdin=""):
    e = dict(os.environ, COUNTERPOINT_TOPICS=str(MINI.parent), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, timeout=120, env=e
    )


async def _debate(store: SQLiteStore, mini_library, name: str, text: str, *, class_id=None) -> int:
    service = DebateService(mini_library, store)
    out = await service.start(
        TOPIC, "con", seed=1, user_id=name, user_name=name, platform="discord", guild_id="1", class_id=class_id
    )
    await service.say(out.debate.id, text, author=name, author_id=name)
    return out.debate.id


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _spreadsheet_safe(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


# ---------------------------------------------------------------------------------------- 1. CSV formulas
@pytest.mark.parametrize("name", FORMULAS)
async def test_csv_exports_neutralise_formulas_in_every_cell(tmp_path, mini_library, name):
    async with SQLiteStore(tmp_path / "d.sqlite3") as store:
        service = DebateService(mini_library, store)
        klass = await service.create_class(guild_id="1", channel_id="2", name="K", topic_id=TOPIC, teacher_id="9")
        debate_id = await _debate(store, mini_library, name, f"{name} uniforms are expensive", class_id=klass.id)
        _record, text = await service.transcript(debate_id, "csv")
        _spreadsheet_safe(text)
        assert "'" + name in _cells(text)  # kept, made inert
        report = class_report_csv(await service.class_report(klass.id))
        _spreadsheet_safe(report)
        assert _cells(report).count("'" + name) == 2  # student and user_id


# ---------------------------------------------------------------------------------------- 2. terminal escapes
def test_printable_shows_control_characters_and_keeps_newline_and_tab():
    assert printable("a\x1b[2Jb\x07\n\tc\x9b\x7f") == "a\\x1b[2Jb\\x07\n\tc\\x9b\\x7f"


async def test_transcripts_list_show_and_export_print_no_escape_sequences(tmp_path, mini_library):
    db = tmp_path / "d.sqlite3"
    async with SQLiteStore(db) as store:
        await _debate(store, mini_library, f"eve{ESCAPES}", f"uniforms are expensive {ESCAPES}")
        stored = [t.text for t in await store.turns(1)]
    assert any(ESCAPES in t for t in stored)  # the log keeps the text byte for byte
    env = {"COUNTERPOINT_DB": str(db)}
    for args in (["transcripts", "list"], ["transcripts", "show", "1"], ["transcripts", "export", "1", "--format",
                                                                          "html"], ["transcripts", "export", "1",
                                                                                    "--format", "csv"]):  # fmt: skip
        res = cli(args, env)
        assert res.returncode == 0, res.stderr
        assert "\x1b" not in res.stdout and "\x07" not in res.stdout, args
        assert "\\x1b]0;TITLE\\x07" in res.stdout, args
    res = cli(["transcripts", "export", "1", "--format", "json"], env)
    assert "\\u001b]0;TITLE\\u0007" in res.stdout  # JSON keeps the exact text (escaped by JSON itself)


def test_terminal_debate_echo_shows_no_escape_sequences(tmp_path):
    res = cli(
        ["debate", "--topic", TOPIC, "--side", "con", "--seed", "1", "--rounds", "1"],
        {"COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")},
        stdin=f"uniforms are expensive {ESCAPES}\n",
    )
    assert res.returncode == 0, res.stderr
    assert "\x1b" not in res.stdout and "\\x1b[2J" in res.stdout


# ---------------------------------------------------------------------------------------- 4. the link secret file
def _settings(tmp_path, secret=None):
    from types import SimpleNamespace

    return SimpleNamespace(web_secret=secret, db_path=tmp_path / "c.sqlite3")


def test_an_empty_secret_file_is_named_in_the_error(tmp_path):
    from bot.web.links import load_secret

    (tmp_path / "c.sqlite3.websecret").write_bytes(b"")  # left by a crash between create and write
    with pytest.raises(ValueError, match=r"c\.sqlite3\.websecret"):
        load_secret(_settings(tmp_path))


def test_the_secret_file_appears_complete_or_not_at_all(tmp_path, monkeypatch):
    """Another process reading the file at any moment of its creation finds it missing or whole."""
    from bot.web import links

    path = tmp_path / "c.sqlite3.websecret"
    seen = []

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.fh.__exit__(*exc)

        def write(self, data):
            seen.append(path.read_bytes() if path.exists() else None)  # what a racing reader sees
            return self.fh.write(data)

        def __getattr__(self, name):
            return getattr(self.fh, name)

    real_fdopen = os.fdopen
    monkeypatch.setattr(links.os, "fdopen", lambda fd, mode: Spy(real_fdopen(fd, mode)))
    secret = links.load_secret(_settings(tmp_path))
    assert seen == [None] and len(secret) >= 32 and path.read_bytes() == secret
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_a_short_web_secret_setting_names_the_setting(tmp_path):
    from bot.web.links import load_secret

    with pytest.raises(ValueError, match="COUNTERPOINT_WEB_SECRET"):
        load_secret(_settings(tmp_path, secret="short"))


def test_four_processes_starting_at_once_share_one_secret(tmp_path):
    code = (
        "import sys; from types import SimpleNamespace; from bot.web.links import load_secret;"
        "print(load_secret(SimpleNamespace(web_secret=None, db_path=sys.argv[1])).decode())"
    )
    for round_ in range(5):
        db = tmp_path / f"r{round_}.sqlite3"
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(4)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), [e for _o, e in outs]
        assert len({o for o, _e in outs}) == 1


# ---------------------------------------------------------------------------------------- 9. duplicate keys
@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("id: a\nmotion: m\nid: b\n", "line 3, column 1: duplicate key 'id' (first at line 1, column 1)"),
        ("claims:\n  - id: c1\nsides: []\nclaims: []\n", "line 4, column 1: duplicate key 'claims'"),
        ("sides:\n  - id: pro\n    name: A\n    name: B\n", "line 4, column 5: duplicate key 'name'"),
    ],
)
def test_duplicate_keys_in_topic_files_are_refused_with_line_and_column(text, where):
    from bot.domain.errors import TopicError
    from bot.topic_files import parse_topic_text

    with pytest.raises(TopicError) as info:
        parse_topic_text(text, "t.yaml")
    assert where in str(info.value.problems[0])


def test_shipped_topics_have_no_duplicate_keys(library):
    assert library.topics and not library.problems


# ---------------------------------------------------------------------------------------- 3. canonical ids and tokens
WEB_SECRET = "hardening-web-secret-0123456789"


@pytest.fixture
async def viewer(tmp_path, mini_library):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import make_app
    from bot.web.links import LinkSigner

    async with SQLiteStore(tmp_path / "web.sqlite3") as store:
        for i in range(4):
            await _debate(store, mini_library, f"s{i}", "uniforms are expensive")
        signer = LinkSigner(WEB_SECRET, "http://viewer.test")
        async with TestClient(TestServer(make_app(DebateService(mini_library, store), signer))) as client:
            client.signer = signer
            yield client


@pytest.mark.parametrize(
    "path", ["/debates/%D9%A4", "/debates/04", "/debates/%EF%BC%94", "/debates/%D9%A4.json", "/debates/0004/map.png"]
)
async def test_viewer_ids_are_ascii_without_leading_zeros(viewer, path):
    token = viewer.signer.sign("all", 600)
    ok = await viewer.get("/debates/4", params={"t": token})
    assert ok.status == 200
    resp = await viewer.get(path, params={"t": token}, allow_redirects=False)
    assert resp.status == 404, path


async def test_scopes_and_filters_take_ascii_ids_only(viewer):
    from bot.web.app import Access

    assert Access.parse("debate:\u0664", "t") is None and Access.parse("debate:04", "t") is None
    assert Access.parse("debate:4", "t").debate_id == 4
    token = viewer.signer.sign("all", 600)
    page = await (await viewer.get("/", params={"t": token, "class": "\u0661"})).text()
    assert "Ignored the class filter" in page


def _respell(token: str) -> list[str]:
    payload, mac = token.split(".")
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    sibling = last[last.index(mac[-1]) ^ 1]  # same 4 leading bits; only the unused low bits differ
    return [token + "=", f"{payload}.{mac}=", f"{payload}.{mac[:-1]}{sibling}", f"{payload}=.{mac}", f" {token}"]


def test_a_token_has_exactly_one_spelling():
    from bot.web.links import InvalidLink, LinkSigner

    signer = LinkSigner(WEB_SECRET, "http://x")
    token = signer.sign("debate:1", 600)
    assert signer.verify(token) == "debate:1"
    for other in _respell(token):
        with pytest.raises(InvalidLink):
            signer.verify(other)


async def test_respelled_tokens_are_refused_by_the_viewer(viewer):
    token = viewer.signer.sign("all", 600)
    for other in _respell(token):
        resp = await viewer.get("/debates/1", params={"t": other})
        assert resp.status == 403, other


async def test_no_server_version_header_and_security_headers_on_aiohttp_errors(viewer):
    token = viewer.signer.sign("all", 600)
    resp = await viewer.get("/debates/1", params={"t": token})
    assert "aiohttp" not in resp.headers.get("Server", "") and "Python" not in resp.headers.get("Server", "")
    huge = await viewer.session.get(viewer.make_url("/?q=" + "a" * 100_000))
    assert huge.status in (400, 414)
    assert "aiohttp" not in huge.headers.get("Server", "")
    assert huge.headers.get("Content-Security-Policy", "").startswith("default-src 'none'")
    assert huge.headers.get("X-Content-Type-Options") == "nosniff"
    assert huge.headers.get("X-Frame-Options") == "DENY"


# ---------------------------------------------------------------------------------------- 5-6. storage faults
def _unprivileged() -> list[str]:
    """A prefix that runs a command as an ordinary user (root ignores file permissions)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def _shared_dir(tmp_path_factory) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="cp-hardening-"))
    path.chmod(0o755)
    return path


def _plain_env(db: Path, shared: Path, **more: str) -> dict:
    return dict(
        os.environ,
        COUNTERPOINT_DB=str(db),
        COUNTERPOINT_TOPICS=str(MINI.parent),
        COUNTERPOINT_CONFIG="",
        XDG_CONFIG_HOME=str(shared / "config"),
        XDG_DATA_HOME=str(shared / "data"),
        **more,
    )


def _one_line_error(res, *needles):
    assert res.returncode == 1, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


async def _make_log(path: Path, mini_library) -> None:
    async with SQLiteStore(path) as store:
        await _debate(store, mini_library, "ann", "uniforms are expensive")


COMMANDS = [["transcripts", "list"], ["transcripts", "show", "1"], ["resume"], ["backup", "b.sqlite3"]]


@pytest.mark.parametrize("args", COMMANDS)
def test_a_file_that_is_not_a_database_is_one_line(tmp_path, args):
    db = tmp_path / "bad.sqlite3"
    db.write_bytes(b"this is not an SQLite file " * 200)
    res = cli(args, {"COUNTERPOINT_DB": str(db)})
    _one_line_error(res, str(db), "damaged", "file is not a database", "counterpoint restore")


async def test_a_malformed_database_is_one_line(tmp_path, mini_library):
    db = tmp_path / "m.sqlite3"
    await _make_log(db, mini_library)
    data = bytearray(db.read_bytes())
    data[4096 : len(data)] = b"\xff" * (len(data) - 4096)  # every page but the first (the schema's root)
    db.write_bytes(bytes(data))
    for args in COMMANDS[:2]:
        res = cli(args, {"COUNTERPOINT_DB": str(db)})
        _one_line_error(res, str(db), "damaged", "counterpoint restore")


async def test_a_newer_schema_is_one_line(tmp_path, mini_library):
    import sqlite3

    db = tmp_path / "n.sqlite3"
    await _make_log(db, mini_library)
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    res = cli(["transcripts", "list"], {"COUNTERPOINT_DB": str(db)})
    _one_line_error(res, str(db), "schema version 99", "upgrade Counterpoint")


async def test_a_database_in_a_read_only_directory_is_one_line(tmp_path_factory, mini_library):
    shared = _shared_dir(tmp_path_factory)
    db = shared / "ro" / "d.sqlite3"
    db.parent.mkdir()
    await _make_log(db, mini_library)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        res = subprocess.run(
            [*_unprivileged(), sys.executable, "-m", "bot", "transcripts", "list"],
            capture_output=True,
            text=True,
            timeout=120,
            env=_plain_env(db, shared),
        )
        _one_line_error(res, str(db), "permissions")
        db.parent.chmod(0o755)
        db.chmod(0o000)
        res = subprocess.run(
            [*_unprivileged(), sys.executable, "-m", "bot", "transcripts", "list"],
            capture_output=True,
            text=True,
            timeout=120,
            env=_plain_env(db, shared),
        )
        _one_line_error(res, str(db), "permissions")
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


def _crash_mid_write(db: Path) -> None:
    """A writer killed with its -wal file still beside the database (kill -9, power cut)."""
    code = (
        "import os, sqlite3, sys; con = sqlite3.connect(sys.argv[1]); con.execute('PRAGMA journal_mode=WAL');"
        "con.execute(\"INSERT INTO guild_settings (guild_id, teacher_role_id) VALUES (hex(randomblob(8)), 'r')\");"
        "con.commit();"
        "os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0


async def test_quick_check_after_an_unclean_close(tmp_path, mini_library):
    db = tmp_path / "u.sqlite3"
    await _make_log(db, mini_library)
    async with SQLiteStore(db) as store:
        assert not store.checked  # closed cleanly: no check
    _crash_mid_write(db)
    async with SQLiteStore(db) as store:
        assert store.checked and len(await store.list_debates()) == 1
    # the same crash, and a damaged page (an index of the turns) that the check finds
    _crash_mid_write(db)
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    (page,) = con.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'turns'").fetchone()
    con.close()
    data = bytearray(db.read_bytes())
    data[(page - 1) * 4096 + 8 : page * 4096] = b"\x00" * (4096 - 8)
    db.write_bytes(bytes(data))
    res = cli(["transcripts", "list"], {"COUNTERPOINT_DB": str(db)})
    _one_line_error(res, str(db), "counterpoint restore")
    assert "not closed cleanly and fails its integrity check" in res.stderr


# ---------------------------------------------------------------------------------------- 5. the read-only viewer
async def test_the_viewer_does_not_migrate_or_switch_an_older_database_to_wal(tmp_path):
    import hashlib
    import sqlite3

    from bot.storage.sqlite import migrations

    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    version, _name, sql = migrations()[0]
    con.executescript(sql)
    con.execute(f"PRAGMA user_version = {version}")
    con.commit()
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(Exception) as info:
        async with SQLiteStore(db, read_only=True):
            pass
    assert "older than this Counterpoint" in str(info.value) and "counterpoint transcripts list" in str(info.value)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert con.execute("PRAGMA user_version").fetchone()[0] == version
    con.close()


async def test_the_viewer_writes_nothing(tmp_path, mini_library):
    import sqlite3

    db = tmp_path / "v.sqlite3"
    await _make_log(db, mini_library)
    async with SQLiteStore(db, read_only=True) as store:
        assert len(await store.list_debates()) == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await store.db.execute("DELETE FROM turns")


async def test_serve_on_a_read_only_database_with_a_web_secret(tmp_path_factory, mini_library):
    from .serve_process import free_port

    shared = _shared_dir(tmp_path_factory)
    db = shared / "ro" / "d.sqlite3"
    db.parent.mkdir()
    await _make_log(db, mini_library)
    db.chmod(0o444)
    db.parent.chmod(0o555)
    port = free_port()
    env = _plain_env(db, shared, COUNTERPOINT_WEB_SECRET=WEB_SECRET)
    proc = subprocess.Popen(
        [*_unprivileged(), sys.executable, "-m", "bot", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        link = proc.stdout.readline().strip()  # blocks until the admin link (or EOF if serve failed)
        assert link.startswith(f"http://127.0.0.1:{port}/?t="), link or proc.stderr.read()
        import aiohttp

        async with aiohttp.ClientSession() as session, session.get(link.replace("/?", "/debates/1?")) as resp:
            assert resp.status == 200
            assert "uniforms are expensive" in await resp.text()
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        db.parent.chmod(0o755)
        db.chmod(0o644)


async def test_a_debate_that_cannot_be_read_gets_the_styled_error_page(viewer, monkeypatch, caplog):
    import sqlite3

    from bot.web.app import SERVICE

    store = viewer.server.app[SERVICE]._store

    async def broken(_debate_id):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(store, "turns", broken)
    resp = await viewer.get("/debates/1", params={"t": viewer.signer.sign("all", 600)})
    assert resp.status == 500
    page = await resp.text()
    assert "Cannot show this page" in page and "<!doctype html>" in page.lower()
    assert resp.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "malformed" in caplog.text


# ---------------------------------------------------------------------------------------- 7. a locked database
class _Lines(io.StringIO):
    """stdin that runs a hook before handing out each line (what another process does meanwhile)."""

    def __init__(self, lines, before_line):
        super().__init__("".join(lines))
        self.before_line, self.reads = before_line, 0

    def readline(self, *args):
        self.reads += 1
        self.before_line(self.reads)
        return super().readline(*args)


def _writer_lock(db: Path):
    import sqlite3

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    return con


async def _terminal_on_locked_log(tmp_path, mini_library, lines, release_on_read=None, release_after_sleeps=None):
    from bot.terminal import Terminal

    db = tmp_path / "lock.sqlite3"
    out = io.StringIO()
    async with SQLiteStore(db) as store:
        await store.db.execute("PRAGMA busy_timeout = 0")  # fail at once instead of after 5 s
        service = DebateService(mini_library, store)
        debate = (await service.start(TOPIC, "con", seed=1)).debate
        holder = _writer_lock(db)
        slept = []

        def release():
            if holder.in_transaction:
                holder.execute("ROLLBACK")

        async def sleep(seconds):
            slept.append(seconds)
            if release_after_sleeps is not None and len(slept) >= release_after_sleeps:
                release()

        stdin = _Lines(lines, lambda n: release() if n == release_on_read else None)
        term = Terminal(service, stdin, out, retry_delays=(0.5, 1.0, 2.0), sleep=sleep)
        code = await term.loop(debate.id)
        release()
        holder.close()
        turns = [t.text for t in await store.turns(debate.id) if t.speaker == "user"]
    return code, out.getvalue(), turns, slept, debate.id


async def test_a_turn_is_retried_with_backoff_while_the_log_is_locked(tmp_path, mini_library):
    code, out, turns, slept, _ = await _terminal_on_locked_log(
        tmp_path, mini_library, ["uniforms are too expensive for poor families\n"], release_after_sleeps=2
    )
    assert slept == [0.5, 1.0]  # backoff, bounded by the number of tries, not by a clock
    assert "The debate log is busy" in out and "counterpoint>" in out
    assert turns == ["uniforms are too expensive for poor families"] and code == 0


async def test_a_turn_the_log_still_refuses_is_kept_and_sent_again_on_enter(tmp_path, mini_library):
    text = "uniforms are too expensive for poor families"
    code, out, turns, slept, debate_id = await _terminal_on_locked_log(
        tmp_path, mini_library, [text + "\n", "\n"], release_on_read=2
    )
    assert slept == [0.5, 1.0, 2.0]  # every retry used, then given up
    assert "your turn was not saved (database is locked)" in out
    assert f"counterpoint resume {debate_id}" in out
    assert turns == [text]  # Enter sent the kept text again once the lock was gone
    assert code == 0


async def test_a_refused_turn_is_shown_again_when_the_user_stops(tmp_path, mini_library):
    text = "uniforms are too expensive for poor families"
    code, out, turns, _slept, debate_id = await _terminal_on_locked_log(tmp_path, mini_library, [text + "\n"])
    assert turns == [] and code == 1
    assert f"Not saved (copy it to send it again):\n{text}" in out
    assert f"Continue it with: counterpoint resume {debate_id}" in out


@pytest.mark.parametrize("text", ["!!set 0", "!!omap 0", "a: !!set x"])
def test_duplicate_key_check_leaves_non_mappings_to_yaml(text):
    from bot.domain.errors import TopicError
    from bot.topic_files import parse_topic_text

    with pytest.raises(TopicError) as info:
        parse_topic_text(text, "t.yaml")
    assert "t.yaml" in str(info.value)


async def test_the_viewer_on_postgresql_is_read_only_and_never_migrates(mini_library):
    import asyncpg

    from bot.storage import DatabaseProblem
    from bot.storage.postgres import PostgresStore

    from .test_storage import fresh_pg_database

    async with fresh_pg_database() as url:
        with pytest.raises(DatabaseProblem, match="older than this Counterpoint.*counterpoint transcripts list"):
            async with PostgresStore(url, read_only=True):
                pass
        conn = await asyncpg.connect(url)
        try:  # nothing was created by the viewer
            assert await conn.fetchval("SELECT to_regclass('schema_version')") is None
        finally:
            await conn.close()
        async with PostgresStore(url) as store:
            await _debate(store, mini_library, "ann", "uniforms are expensive")
        async with PostgresStore(url, read_only=True) as viewer:
            assert len(await viewer.list_debates()) == 1
            with pytest.raises(Exception, match="read-only"):
                await _pg_write(viewer)


async def _pg_write(store) -> None:
    async with store._conn() as conn:
        await conn.execute("DELETE FROM turns")


def test_topic_text_with_escape_sequences_is_printed_harmless(tmp_path):
    import re

    line = 'motion: "Uniforms \\e]0;PWNED\\a should \\e[2J be compulsory"'
    text = re.sub(r"^motion: .*$", lambda _m: line, MINI.read_text(encoding="utf-8"), count=1, flags=re.M)
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "esc.yaml").write_text(text, encoding="utf-8")
    env = {"COUNTERPOINT_TOPICS": str(tmp_path / "t"), "COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")}
    for args in (["topics"], ["debate", "--topic", TOPIC, "--side", "con", "--rounds", "1"]):
        res = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            input="",
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ, **env),
        )
        assert res.returncode == 0, res.stderr
        assert "\x1b" not in res.stdout and "\x07" not in res.stdout, args
        assert "\\x1b]0;PWNED\\x07" in res.stdout, args
