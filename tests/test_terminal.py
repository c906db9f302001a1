"""The terminal adapter in-process: the side menu and what a resume prints."""

from __future__ import annotations

import io

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
    assert status_lines == [service.status(record)], out
