"""Shared fixtures. Tests never touch the user's real database or config."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.topic_files import TopicLibrary, default_topics_dir, load_topic_file

DATA = Path(__file__).parent / "data"
MINI = DATA / "topics" / "mini.yaml"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COUNTERPOINT_DB", str(tmp_path / "test.sqlite3"))
    monkeypatch.setenv("COUNTERPOINT_CONFIG", "")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COUNTERPOINT_CACHE", raising=False)


@pytest.fixture(scope="session")
def mini_topic():
    return load_topic_file(MINI)


@pytest.fixture(scope="session")
def library():
    return TopicLibrary.load(default_topics_dir())


@pytest.fixture(scope="session")
def purges(library):
    return library.get("great-purges")


@pytest.fixture(scope="session")
def mini_library():
    return TopicLibrary.load(MINI.parent)


# ---------------------------------------------------------------- the Discord end-to-end harness
@pytest.fixture
async def server():
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from tests.discord_fake import FakeDiscord

    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(users=("alice", "bob", "carol")) as fake:
        yield fake
        assert fake.unknown == [], f"the bot called endpoints the fake does not know: {fake.unknown}"
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "discord.sqlite3"


@pytest.fixture
async def run(server, mini_library, db):
    import contextlib

    from tests.discord_harness import BotProcess

    processes = []

    async def start(**settings):
        proc = BotProcess(server, mini_library, db, **settings)
        processes.append(proc)
        await proc.start()
        return proc

    yield start
    for proc in processes:
        with contextlib.suppress(Exception):
            await proc.stop()


# ---------------------------------------------------------------- the skip summary
def pytest_terminal_summary(terminalreporter):
    """One line per reason a test was skipped, with how many (pytest's own -rs gives one per test location)."""
    from collections import Counter

    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if reasons:
        terminalreporter.section(f"{sum(reasons.values())} skipped", sep="-")
        for reason, n in reasons.most_common():
            terminalreporter.write_line(f"SKIPPED [{n}] {reason}")
