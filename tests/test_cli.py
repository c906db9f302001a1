"""The `counterpoint` command, driven as a real subprocess through pipes."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys

import pytest
from rich.cells import cell_len

from .conftest import DATA, MINI

MINI_SCRIPT = [
    "uniforms are too expensive, families cant afford the blazer",
    "how many rounds left?",
    "uniforms limit self expression and individuality",
    "rich and poor still show wealth with phones, uniforms hide nothing",
    "in closing: cost and identity matter most",
]


def run(args, stdin="", env=None, timeout=60, topics=MINI.parent):
    e = dict(os.environ)
    e["COUNTERPOINT_TOPICS"] = str(topics)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, timeout=timeout, env=e
    )


def output_until(proc, needle: str) -> str:
    """Read the process's stdout until a line holding ``needle`` (an event, not a sleep)."""
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} never printed; output: {''.join(seen)!r}; stderr: {proc.stderr.read()!r}")


def db_rows(path, sql, args=()):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_help_lists_every_command():
    out = run(["--help"]).stdout
    for cmd in ("debate", "topics", "validate", "classify", "transcripts", "resume"):
        assert cmd in out


def test_scripted_debate_through_a_pipe(tmp_path):
    db = tmp_path / "d.sqlite3"
    res = run(
        ["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "4"],
        "\n".join(MINI_SCRIPT) + "\n",
        env={"COUNTERPOINT_DB": str(db)},
    )
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Debate 1 · School uniforms should be compulsory" in out
    assert "Opening, round 1 of 1" in out and "Scorecard (completed)" in out
    assert "**" not in out  # markdown is rendered for the terminal
    assert db_rows(db, "SELECT status FROM debates") == [("completed",)]
    # every user line and every reply is in the log, in order
    turns = db_rows(db, "SELECT speaker, text FROM turns ORDER BY number")
    assert [t[1] for t in turns if t[0] == "user"] == MINI_SCRIPT
    assert len(turns) == 1 + 2 * len(MINI_SCRIPT)


def test_same_seed_same_transcript(tmp_path):
    outs = []
    for i in range(2):
        res = run(
            ["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "8"],
            "\n".join(MINI_SCRIPT),
            env={"COUNTERPOINT_DB": str(tmp_path / f"{i}.sqlite3")},
        )
        outs.append(res.stdout)
    assert outs[0] == outs[1]


def test_commands_during_a_debate(tmp_path):
    res = run(
        ["debate", "--topic", "school-uniforms", "--side", "pro", "--seed", "1"],
        "/help\n/status\n/concede\n",
        env={"COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")},
    )
    assert "/concede" in res.stdout and "turns left" in res.stdout and "Scorecard (conceded)" in res.stdout


def test_eof_saves_and_resume_continues(tmp_path):
    env = {"COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")}
    res = run(["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "3"], MINI_SCRIPT[0] + "\n", env=env)
    assert "counterpoint resume 1" in res.stdout
    res = run(["resume"], "\n".join(MINI_SCRIPT[1:]) + "\n", env=env)
    assert res.returncode == 0, res.stderr
    assert "Resuming debate 1" in res.stdout and "Scorecard (completed)" in res.stdout
    res = run(["resume", "1"], "", env=env)
    assert res.returncode == 1 and "already completed" in res.stdout


def test_kill_9_mid_debate_then_resume_loses_and_doubles_nothing(tmp_path):
    """A real process killed with SIGKILL between and during turns; the log stays whole."""
    db = tmp_path / "crash.sqlite3"
    env = dict(os.environ, COUNTERPOINT_DB=str(db), COUNTERPOINT_TOPICS=str(MINI.parent))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "debate", "--topic", "school-uniforms", "--side", "con", "--seed", "5"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:

        def turns():
            try:
                return db_rows(db, "SELECT number, speaker, text FROM turns ORDER BY number")
            except sqlite3.OperationalError:
                return []

        # wait on what the process prints once a turn is committed, not on a clock
        output_until(proc, "Debate 1 ")  # the opening is stored
        assert len(turns()) == 1
        proc.stdin.write(MINI_SCRIPT[0] + "\n")
        proc.stdin.flush()
        output_until(proc, "counterpoint> ")  # printed after the exchange is committed
        assert len(turns()) == 3
        proc.stdin.write(MINI_SCRIPT[2] + "\n")  # and kill while it may be processing this one
        proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
        proc.stdin.close()
    before = turns()
    assert len(before) in (3, 5)  # the exchange is either fully there or not at all
    assert [t[1] for t in before] == ["bot", "user", "bot", "user", "bot"][: len(before)]
    assert db_rows(db, "PRAGMA integrity_check") == [("ok",)]

    answered = [t[2] for t in before if t[1] == "user"]
    rest = [m for m in MINI_SCRIPT[1:] if m not in answered]
    res = run(["resume", "1"], "\n".join(rest) + "\n", env={"COUNTERPOINT_DB": str(db)})
    assert res.returncode == 0, res.stderr
    assert "Scorecard (completed)" in res.stdout
    after = db_rows(db, "SELECT speaker, text FROM turns ORDER BY number")
    user_lines = [t[1] for t in after if t[0] == "user"]
    assert user_lines == answered + rest  # nothing lost, nothing doubled
    assert all(after[i][0] == "bot" for i in range(0, len(after), 2))
    assert db_rows(db, "SELECT status FROM debates WHERE id = 1") == [("completed",)]


def test_topics_lists_motion_sides_and_claims():
    res = run(["topics"])
    assert res.returncode == 0
    assert "school-uniforms: School uniforms should be compulsory" in res.stdout and "claims: 4" in res.stdout


def test_validate_ok_and_broken(tmp_path):
    assert run(["validate", str(MINI)]).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINI.read_text().replace("draws_on: [cost]", "draws_on: [costs]", 1).replace("motion:", "moton:"))
    res = run(["validate", str(MINI), str(bad)])
    assert res.returncode == 1
    lines = res.stdout.strip().splitlines()
    assert lines[0].endswith("ok (school-uniforms: 4 claims, 2 sources)")
    assert f"{bad}: moton: unknown field (did you mean 'motion'?)" in lines
    assert f"{bad}: motion: missing required field" in lines
    assert f"{bad}: claims[0].rebuttals[0].draws_on[0]: unknown claim 'costs' (did you mean 'cost'?)" in lines
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("id: a\n  motion: b\n")
    res = run(["validate", str(syntax)])
    assert res.returncode == 1 and "YAML syntax error at line 2, column" in res.stdout


def test_validate_shipped_topics():
    res = run(["validate"], topics=DATA.parent.parent / "debates")
    assert res.returncode == 0, res.stdout


def test_classify_json_lines():
    lines = [{"text": "uniforms are too expensive"}, {"text": "how many rounds left?"}, {"text": "hello there"}]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\nnot json\n"
    res = run(["classify", "--topic", "school-uniforms"], stdin)
    out = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["claims"][0] == "cost" and out[0]["kind"] is None and len(out[0]["scores"]) == len(out[0]["claims"])
    assert out[0]["moves"][0] == {"claim": "cost", "stance": "for"}
    assert out[1] == {"claims": [], "scores": [], "kind": "meta", "moves": []}
    assert out[2]["claims"] == [] and out[2]["kind"] == "offtopic" and out[2]["moves"] == []
    assert "error" in out[3]
    top = [json.loads(x) for x in run(["classify", "--top", "3"], stdin).stdout.splitlines()]
    assert len(top[1]["claims"]) == 3  # --top lists claims whatever their score


def test_classify_reads_side_and_in_play():
    """With the student's side and the bot's points in play, an attack on a point in play is an `against` move."""
    line = {"text": "your point about the price is wrong, the blazer is cheap", "side": "pro", "in_play": ["cost"]}
    res = run(["classify", "--topic", "school-uniforms"], json.dumps(line) + "\n")
    out = json.loads(res.stdout)
    assert out["moves"][0] == {"claim": "cost", "stance": "against"}
    bad = run(["classify", "--topic", "school-uniforms"], json.dumps({"text": "x", "side": "nobody"}) + "\n")
    assert "error" in json.loads(bad.stdout)


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
def test_transcript_export_every_format(tmp_path, fmt):
    env = {"COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")}
    run(["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "2"], "\n".join(MINI_SCRIPT), env=env)
    listing = run(["transcripts", "list"], env=env).stdout
    assert "completed" in listing and "school-uniforms" in listing
    out = tmp_path / f"t.{fmt}"
    res = run(["transcripts", "export", "1", "--format", fmt, "-o", str(out)], env=env)
    assert res.returncode == 0, res.stderr
    text = out.read_text()
    if fmt == "json":
        data = json.loads(text)
        assert data["debate"]["status"] == "completed" and len(data["turns"]) == 11
        assert data["turns"][1]["claims"][0] == "cost" and data["scorecard"]["user_claims"]
        assert data["turns"][1]["moves"][0] == {"claim": "cost", "stance": "for"}
        assert data["turns"][3]["kind"] == "meta" and data["turns"][3]["moves"] == []  # a question: no move
    elif fmt == "csv":
        import csv

        rows = list(csv.DictReader(text.splitlines()))
        assert len(rows) == 11 and rows[1]["speaker"] == "user" and rows[1]["claims"].startswith("cost")
        assert rows[1]["moves"].split()[0] == "cost:for"
    elif fmt == "html":
        assert text.startswith("<!doctype html>") and "<script" not in text and "Scorecard" in text
        assert '<a href="https://example.org/smith">' in text
    else:
        assert text.startswith("# School uniforms should be compulsory") and "## Scorecard" in text
    show = run(["transcripts", "show", "1"], env=env)
    assert "## Transcript" in show.stdout
    assert run(["transcripts", "show", "99"], env=env).returncode == 1


def test_html_export_escapes_user_text(tmp_path):
    env = {"COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")}
    run(
        ["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "2"],
        "<script>alert(1)</script> uniforms are expensive\n",
        env=env,
    )
    html = run(["transcripts", "export", "1", "--format", "html"], env=env).stdout
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_bad_settings_are_reported(tmp_path):
    res = run(["topics"], env={"COUNTERPOINT_ROUNDS": "many"})
    assert res.returncode == 2 and "rounds must be a whole number" in res.stderr


def test_run_without_token_says_how_to_get_one():
    result = run(["run"])
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "counterpoint debate" in result.stderr
    assert "developers/applications" in result.stderr


def test_health_is_unhealthy_without_a_running_bot():
    result = run(["health"])
    assert result.returncode == 1 and "unhealthy" in result.stderr


def test_backup_and_restore(tmp_path):
    db = tmp_path / "live.sqlite3"
    env = {"COUNTERPOINT_DB": str(db)}
    assert (
        run(
            ["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "3"], "\n".join(MINI_SCRIPT), env
        ).returncode
        == 0
    )
    backup = tmp_path / "backups" / "b.sqlite3"
    result = run(["backup", str(backup)], env=env)
    assert result.returncode == 0 and "1 debate" in result.stderr
    rows = db_rows(backup, "SELECT COUNT(*) FROM turns")[0][0]
    db.unlink()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"live.sqlite3{suffix}").unlink(missing_ok=True)
    result = run(["restore", str(backup)], env=env)
    assert result.returncode == 0, result.stderr
    assert db_rows(db, "SELECT COUNT(*) FROM turns")[0][0] == rows
    assert db_rows(db, "PRAGMA integrity_check")[0][0] == "ok"
    assert run(["restore", str(tmp_path / "missing.sqlite3")], env=env).returncode == 1


def test_transcripts_list_columns_line_up(tmp_path, mini_library):
    from bot.service import DebateService
    from bot.storage.sqlite import SQLiteStore

    db = tmp_path / "d.sqlite3"

    async def make():
        async with SQLiteStore(db) as store:
            service = DebateService(mini_library, store)
            ids = []
            for name, side in (("Al", "con"), ("Bartholomew-Jones", "pro"), ("李明", "con")):
                ids.append((await service.start("school-uniforms", side, seed=1, user_name=name)).debate.id)
            await service.command(ids[0], "concede")  # statuses and turn counts of different widths
            for _ in range(4):
                await service.say(ids[-1], "uniforms are expensive")

    asyncio.run(make())
    lines = run(["transcripts", "list"], env={"COUNTERPOINT_DB": str(db)}).stdout.splitlines()
    assert lines[0].split() == ["ID", "STARTED", "STATUS", "TOPIC", "USER", "SIDE", "TURNS", "PLATFORM"]
    assert len(lines) == 4
    header = lines[0]
    for column in ("STARTED", "STATUS", "TOPIC", "USER", "SIDE", "PLATFORM"):
        start = header.index(column)  # the header is ASCII: its index is its terminal cell
        for line in lines[1:]:  # every cell starts where its heading does, counted in cells (李明 is 4 wide)
            i = _at_cells(line, start)
            assert cell_len(line[:i]) == start and line[i - 1] == " " and line[i] != " ", (column, line)
    turns_end = header.index("TURNS") + len("TURNS")  # a number column: right-aligned under its heading
    for line in lines[1:]:
        i = _at_cells(line, turns_end)
        assert line[i - 1].isdigit() and line[i] == " ", line


def _at_cells(line: str, cells: int) -> int:
    """The string index at which ``cells`` terminal cells of ``line`` end."""
    for i in range(len(line) + 1):
        if cell_len(line[:i]) >= cells:
            return i
    return len(line)


def test_transcript_headers_show_scores_only_with_debug(tmp_path):
    env = {"COUNTERPOINT_DB": str(tmp_path / "d.sqlite3")}
    run(["debate", "--topic", "school-uniforms", "--side", "con", "--seed", "2"], "\n".join(MINI_SCRIPT), env=env)
    score = re.compile(r"\d+\.\d\)")
    show = run(["transcripts", "show", "1"], env=env).stdout
    headers = [line for line in show.splitlines() if line.startswith("### ")]
    assert any("(for)" in h for h in headers) and not any(score.search(h) for h in headers), headers
    for fmt in ("md", "html"):
        assert not score.search(run(["transcripts", "export", "1", "--format", fmt], env=env).stdout)
    debug = run(["transcripts", "show", "1", "--debug"], env=env).stdout
    assert any(score.search(line) for line in debug.splitlines() if line.startswith("### "))
    assert score.search(run(["transcripts", "export", "1", "--format", "html", "--debug"], env=env).stdout)
