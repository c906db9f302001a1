"""Issue 11: hostile names and turns, canonical links, storage faults shown as one line, topic files with
duplicate keys. Each test failed before its fix."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

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
