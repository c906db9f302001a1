"""The index cache: built matcher indexes and parsed topic files kept on disk by content hash. A cached index
reads exactly as a fresh one; a damaged or unwritable cache costs a rebuild, never a failure."""

from __future__ import annotations

import logging
from unittest import mock

import yaml

from bot import topic_files
from bot.domain.matcher import Matcher
from bot.domain.moves import Context
from bot.index_cache import IndexCache
from bot.settings import Settings
from bot.topic_files import default_topics_dir, load_topic_file

from .conftest import DATA

SHIPPED = default_topics_dir() / "great-purges.yaml"


def _messages() -> list[str]:
    return [m["text"] for m in yaml.safe_load((DATA / "chat_eval.yaml").read_text())["messages"]]


def test_a_cached_index_reads_every_message_as_a_fresh_one(tmp_path):
    topic = load_topic_file(SHIPPED)
    cache = IndexCache(tmp_path / "cache")
    first = cache.matcher(topic)  # built, then written
    assert len(list((tmp_path / "cache").glob("*.index"))) == 1
    with mock.patch.object(Matcher, "_build", side_effect=AssertionError("rebuilt")):
        cached = cache.matcher(topic)  # read back: no build
    fresh = Matcher(topic)
    ctx = Context("stalin", ("nkvd-bureaucracy-momentum",))
    for text in _messages():
        assert cached.match(text) == fresh.match(text) == first.match(text), text
        assert cached.read(text, ctx) == fresh.read(text, ctx), text


def test_a_damaged_cache_file_is_built_again(tmp_path, caplog):
    topic = load_topic_file(SHIPPED)
    cache = IndexCache(tmp_path)
    cache.matcher(topic)
    (path,) = tmp_path.glob("*.index")
    path.write_bytes(b"\x00not marshal")
    with caplog.at_level(logging.WARNING):
        again = cache.matcher(topic)
    assert "unreadable" in caplog.text
    assert again.match("Stalin signed the death lists himself").top == "signed-death-lists"
    assert path.read_bytes() != b"\x00not marshal"  # written anew


def test_an_unwritable_cache_is_logged_once_and_the_index_built(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    cache = IndexCache(blocked / "cache")
    topic = load_topic_file(SHIPPED)
    with caplog.at_level(logging.WARNING):
        assert cache.matcher(topic).match("Yezhov ran the NKVD terror").claims
        cache.matcher(topic)
    assert caplog.text.count("cannot write the index cache") == 1


def test_a_parsed_file_is_not_parsed_again_but_still_validated(tmp_path):
    cache = IndexCache(tmp_path)
    path = tmp_path / "t.yaml"
    path.write_text(SHIPPED.read_text())
    first = load_topic_file(path, cache)
    with mock.patch.object(topic_files, "read_yaml", side_effect=AssertionError("parsed again")):
        again = load_topic_file(path, cache)
        with mock.patch.object(topic_files, "build_topic", wraps=topic_files.build_topic) as validate:
            load_topic_file(path, cache)
        assert validate.called
    assert again == first
    path.write_text(SHIPPED.read_text().replace("Great Purges", "Great Terror", 1))  # new content, new key
    assert load_topic_file(path, cache).content_hash != first.content_hash


def test_the_key_changes_with_the_code(tmp_path):
    topic = load_topic_file(SHIPPED)
    one, two = IndexCache(tmp_path), IndexCache(tmp_path)
    two._code = "other code"
    assert one._path(topic.content_hash, "index") != two._path(topic.content_hash, "index")
    assert IndexCache(None).matcher(topic).match("the show trials were theatre").claims
    assert not list(tmp_path.iterdir())  # no cache: nothing written


def test_the_cache_setting():
    assert Settings.load({"COUNTERPOINT_CACHE": "off"}).cache_dir is None
    assert str(Settings.load({"COUNTERPOINT_CACHE": "/tmp/cp-cache"}).cache_dir) == "/tmp/cp-cache"
    assert Settings.load({"XDG_CACHE_HOME": "/tmp/xdg"}).cache_dir is not None
