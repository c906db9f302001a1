"""Shared fixtures. Tests never touch the user's real database or config."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.topics import TopicLibrary, default_topics_dir, load_topic_file

DATA = Path(__file__).parent / "data"
MINI = DATA / "topics" / "mini.yaml"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COUNTERPOINT_DB", str(tmp_path / "test.sqlite3"))
    monkeypatch.setenv("COUNTERPOINT_CONFIG", "")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


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
