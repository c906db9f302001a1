"""`counterpoint migrate-db`: SQLite -> PostgreSQL -> SQLite without loss; the CLI on PostgreSQL
(DATABASE_URL); the multi-process deployment files.

PostgreSQL comes from COUNTERPOINT_TEST_PG as in tests/test_storage.py (fails in CI without it, skips elsewhere).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.cli import main
from bot.domain.records import NewClass, NewDebate, TurnDraft
from bot.service import DebateService
from bot.storage.rows import TABLES as COLUMNS
from bot.storage.sqlite import SQLiteStore
from tests.test_storage import fresh_pg_database

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("guild_settings", "classes", "debates", "participants", "turns")


@pytest.fixture
async def pg_url():
    async with fresh_pg_database() as url:
        yield url


async def _seed(path: Path, library) -> None:
    """A log with every kind of row: classes (team, closed), teacher roles, terminal and Discord debates,
    timed, finished and conceded ones, teammates, odd text, turns that did not count."""
    async with SQLiteStore(path) as store:
        service = DebateService(library, store)
        await store.set_teacher_role("g1", "role-1")
        await store.set_teacher_role("g2", None)
        team = await store.create_class(
            NewClass("g1", "c1", "Période 3", "school-uniforms", "alternate", "t1", "TEAM22", 2, 300, None, True)
        )
        solo = await store.create_class(
            NewClass("g1", "c2", "Year 9", "school-uniforms", "choose", "t1", "SOLO33", None, None, "2030-01-01T00:00")
        )
        await store.close_class(solo.id)
        # a real debate through the engine (real state JSON), finished
        out = await service.start("school-uniforms", "con", seed=3, user_id="u1", user_name="Ann")
        for i, text in enumerate(
            ["uniforms are expensive, families cant afford the blazer", "how many rounds left?", "concede"]
        ):
            if text == "concede":
                await service.command(out.debate.id, "concede")
            else:
                await service.say(out.debate.id, text, message_id=f"term-{i}")
        # a timed Discord team debate of the class, with teammates
        d = await store.create_debate(
            NewDebate(
                "school-uniforms", "hash", "pro", "con", 2**40, 3, "discord", "u2", "Bø 🎓", "g1", "c1", "th1",
                120, "2030-01-01T00:02:00.000+00:00", team.id,
            ),
            {"x": [1, 2.5, None], "ü": "ß"},
            TurnDraft("bot", "opening", "opening", 0, "counterpoint", lines=("a.1",), sources=("s1",)),
        )  # fmt: skip
        await store.add_participant(d.id, "u3", "Cy", "pro")
        await store.add_participant(d.id, "u4", "Di 'quoted'", "pro")
        await store.record_exchange(
            d.id,
            [
                TurnDraft(
                    "user", "line 1\nline 2 \\ \"q\" — ✓", "opening", 1, "Cy", kind="meta", counted=False,
                    message_id="disc-1", author_id="u3",
                ),
                TurnDraft("bot", "reply", "opening", 1, "counterpoint", claims=("c",), scores=(0.125,), roles=("r",)),
            ],
            {"y": 1},
            "active",
            deadline="2030-01-01T00:04:00.000+00:00",
        )  # fmt: skip
        # an empty-ish debate of another class member, still active
        await store.create_debate(
            NewDebate("school-uniforms", "hash", "con", "pro", 7, 2, "discord", "u5", "Ed", "g1", "c2", None,
                      class_id=solo.id),
            {},
            TurnDraft("bot", "o", "opening", 0),
        )  # fmt: skip


def _rows(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
        out["user_version"] = con.execute("PRAGMA user_version").fetchall()
        return out
    finally:
        con.close()


async def _records(store) -> list:
    """Everything the Store interface returns, for comparing two backends."""
    out = [await store.list_classes(), [await store.teacher_role(g) for g in ("g1", "g2", "g3")]]
    for d in await store.list_debates(limit=None):
        out += [d, await store.turns(d.id), await store.participants(d.id)]
    return out


def _migrate(*args: str) -> int:
    return main(["migrate-db", *args])


async def test_sqlite_to_sqlite_keeps_every_row_through_the_store_methods(tmp_path, mini_library, capsys):
    """The copy tool knows no backend: two SQLite files go through the same count/read/write rows."""
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    await _seed(a, mini_library)
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", f"sqlite:{b}") == 0
    assert "Copied 2 guild settings, 2 classes, 3 debates, 5 participants, 11 turns" in capsys.readouterr().out
    assert _rows(b) == _rows(a)
    async with SQLiteStore(a) as one, SQLiteStore(b) as two:
        assert await _records(two) == await _records(one)
        rows = await two.read_rows()
        counted = COLUMNS["turns"].index("counted")
        assert {type(r[counted]) for r in rows["turns"]} == {bool}  # flags are bool on every backend
        assert await two.count_rows() == {table: len(r) for table, r in rows.items()}
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", f"sqlite:{b}") == 1  # not empty now
    assert "not empty" in capsys.readouterr().err
    assert (
        await asyncio.to_thread(_migrate, "--from", f"sqlite:{tmp_path / 'none.sqlite3'}", "--to", f"sqlite:{b}") == 1
    )
    assert "no SQLite database" in capsys.readouterr().err


async def test_a_failed_write_keeps_nothing(tmp_path, mini_library):
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    await _seed(a, mini_library)
    async with SQLiteStore(a) as one:
        data = await one.read_rows()
    data["turns"].append(data["turns"][0])  # a duplicate id: the last insert fails
    async with SQLiteStore(b) as two:
        with pytest.raises(sqlite3.IntegrityError):
            await two.write_rows(data, erase=False)
        assert set((await two.count_rows()).values()) == {0}


async def test_sqlite_to_postgres_to_sqlite_keeps_every_row(tmp_path, mini_library, pg_url, capsys):
    from bot.storage.postgres import PostgresStore

    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    await _seed(a, mini_library)
    original = _rows(a)
    assert {t: len(original[t]) for t in TABLES} == {
        "guild_settings": 2, "classes": 2, "debates": 3, "participants": 5, "turns": 11,
    }  # fmt: skip

    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", pg_url) == 0
    out = capsys.readouterr().out
    assert "Copied 2 guild settings, 2 classes, 3 debates, 5 participants, 11 turns" in out
    assert await asyncio.to_thread(_migrate, "--from", pg_url, "--to", f"sqlite:{b}") == 0
    assert "3 debates" in capsys.readouterr().out

    back = _rows(b)
    assert back.keys() == original.keys()
    for table in original:
        assert back[table] == original[table], table

    # what the Store interface returns is the same on both backends; the sequences continue after the copied ids
    async with SQLiteStore(a) as lite, PostgresStore(pg_url) as pg:
        assert await _records(pg) == await _records(lite)
        assert await pg.integrity_check() == "ok"
        new = await pg.create_debate(
            NewDebate("school-uniforms", "h", "con", "pro", 1, 2), {}, TurnDraft("bot", "o", "opening", 0)
        )
        assert new.id == 4 and (await pg.turns(new.id))[0].id == 12
        klass = await pg.create_class(NewClass("g", "c", "n", "school-uniforms", "choose", "t", "NEW444"))
        assert klass.id == 3


async def test_a_target_that_is_not_empty_needs_force(tmp_path, mini_library, pg_url, capsys):
    from bot.storage.postgres import PostgresStore

    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    await _seed(a, mini_library)
    async with PostgresStore(pg_url) as pg:  # something already there
        await pg.set_teacher_role("other", "r")
        await pg.create_debate(NewDebate("t", "h", "con", "pro", 1, 2), {}, TurnDraft("bot", "o", "opening", 0))
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", pg_url) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err and "1 debates" in err
    async with PostgresStore(pg_url) as pg:  # untouched
        assert len(await pg.list_debates()) == 1 and await pg.teacher_role("other") == "r"

    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", pg_url, "--force") == 0
    assert "3 debates" in capsys.readouterr().out
    async with PostgresStore(pg_url) as pg:  # replaced, not merged
        assert len(await pg.list_debates()) == 3 and await pg.teacher_role("other") is None

    # the other direction: an SQLite target with debates is refused too, then replaced with --force
    await _seed(b, mini_library)
    async with SQLiteStore(b) as lite:
        await lite.create_debate(NewDebate("t", "h", "con", "pro", 1, 2), {}, TurnDraft("bot", "o", "opening", 0))
    assert await asyncio.to_thread(_migrate, "--from", pg_url, "--to", f"sqlite:{b}") == 1
    assert "not empty" in capsys.readouterr().err
    assert await asyncio.to_thread(_migrate, "--from", pg_url, "--to", f"sqlite:{b}", "--force") == 0
    assert _rows(b) == _rows(a)


async def test_migrate_db_refuses_bad_arguments(tmp_path, pg_url, capsys):
    missing = tmp_path / "missing.sqlite3"
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{missing}", "--to", pg_url) == 1
    assert "no SQLite database" in capsys.readouterr().err and not missing.exists()
    assert await asyncio.to_thread(_migrate, "--from", "mysql://x/y", "--to", pg_url) == 2
    assert "sqlite:PATH or postgresql://" in capsys.readouterr().err
    assert await asyncio.to_thread(_migrate, "--from", pg_url, "--to", pg_url) == 2
    assert "same database" in capsys.readouterr().err


async def test_migrate_db_never_prints_the_password(tmp_path, mini_library, pg_url, capsys):
    parts = urlsplit(pg_url)  # the test server trusts any password
    with_password = parts._replace(netloc=f"{parts.username or 'postgres'}:s3cr3t-pw@{parts.netloc.split('@')[-1]}")
    a = tmp_path / "a.sqlite3"
    await _seed(a, mini_library)
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", with_password.geturl()) == 0
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", with_password.geturl()) == 1
    captured = capsys.readouterr()
    assert "s3cr3t-pw" not in captured.out + captured.err and ":***@" in captured.out


async def test_the_cli_uses_postgres_when_database_url_says_so(tmp_path, mini_library, pg_url, capsys, monkeypatch):
    a = tmp_path / "a.sqlite3"
    await _seed(a, mini_library)
    assert await asyncio.to_thread(_migrate, "--from", f"sqlite:{a}", "--to", pg_url) == 0
    capsys.readouterr()
    monkeypatch.setenv("COUNTERPOINT_DB", str(tmp_path / "unused.sqlite3"))
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("COUNTERPOINT_TOPICS", str(Path(__file__).parent / "data" / "topics"))
    assert await asyncio.to_thread(main, ["transcripts", "list"]) == 0
    listing = capsys.readouterr().out
    assert (
        "Bø 🎓" in listing and "Ann" in listing and len(listing.strip().splitlines()) == 1 + 3
    )  # the header, three debates
    assert await asyncio.to_thread(main, ["transcripts", "show", "1"]) == 0
    assert "uniforms are expensive" in capsys.readouterr().out
    assert not (tmp_path / "unused.sqlite3").exists()  # the SQLite file was never made
    # a terminal debate on PostgreSQL, piped
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("uniforms are expensive\n/concede\n"))
    assert await asyncio.to_thread(main, ["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "1"]) == 0
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["transcripts", "list", "--status", "conceded"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 2  # the header, two debates
    # backup and restore are SQLite-only and say what to use instead
    for command in (["backup", str(tmp_path / "b.sqlite3")], ["restore", str(a)]):
        assert await asyncio.to_thread(main, command) == 2
        assert "pg_dump" in capsys.readouterr().err
    assert not (tmp_path / "b.sqlite3").exists()


# ---------------------------------------------------------------------- the deployment files
def test_compose_file_runs_two_shard_ranges_on_one_postgres():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "bot-0", "bot-1", "web"} <= services.keys()
    shards = []
    for name in ("bot-0", "bot-1"):
        env = services[name]["environment"]
        assert env["COUNTERPOINT_SHARD_COUNT"] == "4"
        shards += [int(i) for i in env["COUNTERPOINT_SHARD_IDS"].split(",")]
        assert services[name]["command"] == ["run"]
    assert sorted(shards) == [0, 1, 2, 3]
    for name in ("bot-0", "bot-1", "web"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["COUNTERPOINT_WEB_SECRET"].startswith("${")  # one secret for links, from the environment
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, service in services.items():  # secrets come from the environment, never written in the file
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("TOKEN", "SECRET", "PASSWORD")):
                assert str(value).startswith("${"), (name, key)
    assert services["web"]["command"][0] == "serve"
    assert "pgdata" in compose["volumes"]
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for needle in ("compose.yaml", "DATABASE_URL", "migrate-db", "pg_dump", "COUNTERPOINT_SHARD_IDS"):
        assert needle in docs
