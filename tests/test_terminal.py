"""The terminal adapter in-process: the side menu and what a resume prints."""

from __future__ import annotations

import io
import re

from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.terminal import Terminal


def test_side_menu_shows_each_name_once_then_the_description(library, purges):
    term = Terminal(DebateService(library, None), stdin=io.StringIO("r\n"), stdout=io.StringIO())  # type: ignore[arg-type]
    term.interactive = True  # the menu is only shown at a terminal
    assert term.choose_side(purges, None) == "random"
    menu = [line for line in term.stdout.getvalue().splitlines() if line[:4].strip()[:1].isdigit()]
    assert len(menu) == len(purges.sides)
    for line, side in zip(menu, purges.sides, strict=True):
        assert line.count(side.name) == 1, line
        assert f"({side.id})" in line
    structures = menu[[s.id for s in purges.sides].index("structures")]
    assert "pressure from below" in structures


async def test_resume_prints_the_status_line_once(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "t.sqlite3") as store:
        service = DebateService(mini_library, store)
        first = Terminal(service, stdin=io.StringIO("uniforms are too expensive for families\n"), stdout=io.StringIO())
        assert await first.new_debate("school-uniforms", "con", None, 3) == 0
        record = await store.get_debate(1)
        resumed = Terminal(service, stdin=io.StringIO(""), stdout=io.StringIO())
        assert await resumed.resume(record) == 0
    out = resumed.stdout.getvalue()
    assert "Resuming debate 1" in out
    status_lines = [line for line in out.splitlines() if "round 1 of" in line]
    assert status_lines == [await service.status(record)], out


LONG = ("Order No. 00447 set limits for every region, and the regions asked for more. " * 4).strip()


def _term(stdin: str = "", **kw) -> Terminal:
    return Terminal(DebateService(None, None), stdin=io.StringIO(stdin), stdout=io.StringIO(), **kw)  # type: ignore[arg-type]


def test_output_wraps_at_the_given_width_between_words():
    term = _term(width=60)
    term.show(f"**Bold** {LONG}")
    lines = term.stdout.getvalue().splitlines()
    assert len(lines) > 3 and all(len(line) <= 60 for line in lines), lines
    assert " ".join(line.strip() for line in lines) == f"Bold {LONG}"  # no word cut, nothing lost
    assert "\x1b" not in term.stdout.getvalue() and "**" not in term.stdout.getvalue()


def test_at_a_terminal_the_width_is_the_terminals_and_bold_is_shown(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    term = _term()
    term.interactive = True
    term.show(f"**Bold** {LONG}")
    out = term.stdout.getvalue()
    assert "\x1b[1mBold\x1b[0m" in out
    assert all(len(re.sub(r"\x1b\[[\d;]*m", "", line)) <= 60 for line in out.splitlines()) and out.count("\n") > 3


def test_to_a_pipe_the_output_is_plain_and_unwrapped(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    term = _term()
    term.show(f"**Bold** _status_ [bold]x[/bold] {LONG}")
    assert term.stdout.getvalue() == f"Bold status [bold]x[/bold] {LONG}\n"  # no escape codes, no markup read


async def test_concede_asks_for_confirmation_at_a_terminal(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "t.sqlite3") as store:
        service = DebateService(mini_library, store)
        start = await service.start("school-uniforms", "con", seed=1)
        term = Terminal(service, stdin=io.StringIO("/concede\nn\n/concede\ny\n"), stdout=io.StringIO())
        term.stdin_tty = True
        seen = []
        real_command = service.command

        async def command(debate_id, name, **kw):
            seen.append((name, (await store.get_debate(debate_id)).status))
            return await real_command(debate_id, name, **kw)

        service.command = command  # type: ignore[method-assign]
        assert await term.loop(start.debate.id) == 0
        out = term.stdout.getvalue()
        assert out.count("Concede the debate? It ends now, with your scorecard. [y/N]") == 2
        assert "Not conceded: the debate goes on." in out
        assert seen == [("concede", "active")]  # the "n" sent nothing; the "y" conceded
        assert (await store.get_debate(start.debate.id)).status == "conceded"


async def test_concede_through_a_pipe_ends_at_once(mini_library, tmp_path):
    async with SQLiteStore(tmp_path / "t.sqlite3") as store:
        service = DebateService(mini_library, store)
        start = await service.start("school-uniforms", "con", seed=1)
        term = Terminal(service, stdin=io.StringIO("/concede\n"), stdout=io.StringIO())
        assert term.stdin_tty is False
        assert await term.loop(start.debate.id) == 0
        assert "[y/N]" not in term.stdout.getvalue()
        assert (await store.get_debate(start.debate.id)).status == "conceded"
