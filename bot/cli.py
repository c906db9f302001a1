"""The ``counterpoint`` command: argument parsing and wiring (settings, topics, store, adapters)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from pathlib import Path

from rich.cells import cell_len

from . import __version__
from .domain.errors import CounterpointError, DebateNotFound, TopicError
from .domain.matcher import Matcher
from .domain.moves import Context
from .domain.recognition import check_recognition
from .export import FORMATS
from .settings import Settings, SettingsError, default_config_path
from .storage import Store, is_postgres_url, open_store
from .storage.sqlite import SQLiteStore
from .textsafe import printable
from .topic_files import TopicLibrary, load_topic_file, starter_topic_text

log = logging.getLogger("counterpoint")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="counterpoint",
        description="Counterpoint: a debate sparring partner. It argues the other side of a motion from a "
        "sourced knowledge base, on Discord or in this terminal.",
        epilog="Settings: COUNTERPOINT_DB (database file), DATABASE_URL (postgresql://...: PostgreSQL instead), "
        "COUNTERPOINT_TOPICS (topics directory), "
        "COUNTERPOINT_ROUNDS, COUNTERPOINT_TURN_LIMIT, COUNTERPOINT_CONFIG (TOML config file); for `run`: "
        "DISCORD_TOKEN, COUNTERPOINT_TURN_COOLDOWN, DISCORD_API_BASE, DISCORD_GATEWAY_URL (see the README).",
    )
    p.add_argument("--version", action="version", version=f"counterpoint {__version__}")
    p.add_argument("--config", help="TOML config file (default: the user config directory)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser(
        "debate",
        help="hold a debate in the terminal (asks for topic and side if not given)",
        description="Hold a debate against Counterpoint in the terminal. During the debate type "
        "/status, /concede, /end or /help. Works with a pipe on stdin too.",
    )
    d.add_argument("--topic", help="topic id (see `counterpoint topics`)")
    d.add_argument("--side", help="your side id, or 'random' (Counterpoint takes the other)")
    d.add_argument("--rounds", type=int, help="number of rebuttal rounds (1-10; default: the topic's, usually 3)")
    d.add_argument("--seed", type=int, help="random seed: the same seed and messages give the same debate")

    sub.add_parser("topics", help="list the topics found, with motion, sides and number of claims")

    v = sub.add_parser("validate", help="check topic files; exit 1 listing every problem as FILE: field: problem")
    v.add_argument("paths", nargs="*", help="topic files or directories (default: the topics directory)")

    tp = sub.add_parser("topic", help="write a starter topic file, or check what the bot recognises in one")
    tpsub = tp.add_subparsers(dest="action", metavar="ACTION", required=True)
    tn = tpsub.add_parser(
        "new",
        help="write a commented starter topic file to PATH (valid as it is; see docs/topic-format.md)",
    )
    tn.add_argument("path")
    tn.add_argument("--force", action="store_true", help="replace PATH if it exists")
    tc = tpsub.add_parser(
        "check",
        help="validate a topic file and report which claims the bot will recognise, confuse or miss",
    )
    tc.add_argument("path")

    c = sub.add_parser("classify", help='the matcher alone: JSON lines {"text": ...} in, one JSON verdict per line out')
    c.add_argument("--topic", help="topic id (default: the first topic)")
    c.add_argument("--top", type=int, help="list the K best claims whatever their score (for retrieval metrics)")

    t = sub.add_parser("transcripts", help="list, show or export logged debates")
    tsub = t.add_subparsers(dest="action", metavar="ACTION", required=True)
    tl = tsub.add_parser("list", help="list debates, newest first")
    tl.add_argument("--status", choices=["active", "completed", "conceded", "ended"])
    tl.add_argument("--limit", type=int, default=50)
    ts = tsub.add_parser("show", help="print a transcript with its scorecard")
    ts.add_argument("id", type=int)
    ts.add_argument("--debug", action="store_true", help="show the matcher's scores in the turn headers")
    te = tsub.add_parser("export", help="export a transcript as md, json, csv or html")
    te.add_argument("id", type=int)
    te.add_argument("--format", choices=FORMATS, default="md")
    te.add_argument("-o", "--output", help="file to write (default: stdout)")
    te.add_argument("--debug", action="store_true", help="the matcher's scores in the md/html turn headers")

    sub.add_parser(
        "run",
        help="run the Discord bot (token from DISCORD_TOKEN or the config file)",
        description="Run Counterpoint on Discord. Needs a bot token in DISCORD_TOKEN (or discord_token in the "
        "config file) and the Message Content intent; see the README, 'Run it on your server'.",
    )
    sub.add_parser("health", help="exit 0 when the running bot is connected (used by the Docker HEALTHCHECK)")
    b = sub.add_parser("backup", help="copy the database to PATH while debates run (SQLite online backup)")
    b.add_argument("path")
    rs = sub.add_parser("restore", help="replace the database with a backup (stop the bot first)")
    rs.add_argument("path")
    mg = sub.add_parser(
        "migrate-db",
        help="copy every class, debate and turn between databases (SQLite <-> PostgreSQL), ids kept",
        description="Copy classes, guild settings, debates, participants and turns from one database to another, "
        "ids kept; both get the latest schema first. Stop the bot first. A target that is not empty is refused "
        "unless --force, which replaces its content. Example: counterpoint migrate-db --from "
        "sqlite:/data/counterpoint.sqlite3 --to postgresql://counterpoint:PASSWORD@localhost:5432/counterpoint",
    )
    mg.add_argument("--from", dest="source", required=True, metavar="DB", help="sqlite:PATH or postgresql://...")
    mg.add_argument("--to", dest="target", required=True, metavar="DB", help="sqlite:PATH or postgresql://...")
    mg.add_argument("--force", action="store_true", help="replace the content of a target that is not empty")

    w = sub.add_parser(
        "serve",
        help="the read-only transcript viewer in the browser (prints an admin link)",
        description="Serve logged debates read-only over HTTP. Every page needs a signed link; the link printed "
        "at start sees everything. Settings: COUNTERPOINT_WEB_HOST, COUNTERPOINT_WEB_PORT, COUNTERPOINT_WEB_URL, "
        "COUNTERPOINT_WEB_SECRET, COUNTERPOINT_LINK_TTL (see the README).",
    )
    w.add_argument("--host", help="address to bind (default: web_host, 127.0.0.1)")
    w.add_argument("--port", type=int, help="port to listen on (default: web_port, 8080)")

    r = sub.add_parser("resume", help="continue an unfinished debate from the log (the latest if no id)")
    r.add_argument("id", type=int, nargs="?")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        args = build_parser().parse_args(["debate", *(argv or [])])
    try:
        settings = Settings.load(config_file=args.config)
    except SettingsError as exc:
        print(f"counterpoint: settings: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=getattr(logging, settings.log_level, logging.INFO) if args.command != "debate" else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler = {
        "debate": cmd_debate,
        "topics": cmd_topics,
        "validate": cmd_validate,
        "topic": cmd_topic,
        "classify": cmd_classify,
        "transcripts": cmd_transcripts,
        "resume": cmd_resume,
        "run": cmd_run,
        "health": cmd_health,
        "serve": cmd_serve,
        "backup": cmd_backup,
        "restore": cmd_restore,
        "migrate-db": cmd_migrate_db,
    }[args.command]
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        print("\nInterrupted. Unfinished debates can be continued with `counterpoint resume`.", file=sys.stderr)
        return 130
    except CounterpointError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return 1
    except sqlite3.DatabaseError as exc:  # the file went bad under a running command: one line, not a traceback
        from .storage.sqlite import database_problem

        problem = database_problem(str(settings.db_path), exc)
        print(f"counterpoint: {problem or f'{settings.db_path}: {exc}'}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return 2


def index_cache(settings: Settings):
    from .index_cache import IndexCache

    return IndexCache(settings.cache_dir)


def load_library(settings: Settings, quiet: bool = False) -> TopicLibrary:
    lib = TopicLibrary.load(settings.topics_dir, index_cache(settings))
    if lib.problems and not quiet:
        print(
            f"warning: {len(lib.problems)} problem(s) in topic files (see `counterpoint validate`); "
            "those topics are skipped",
            file=sys.stderr,
        )
    if not lib.topics:
        raise CounterpointError(f"no valid topic in {settings.topics_dir}")
    return lib


def _service(settings: Settings, lib: TopicLibrary, store: Store):
    from .service import DebateService

    return DebateService(
        lib,
        store,
        default_rounds=settings.default_rounds,
        turn_limit=settings.turn_limit,
        index_cache=index_cache(settings),
    )


def cmd_debate(args, settings: Settings) -> int:
    from .terminal import Terminal

    lib = load_library(settings)

    async def run() -> int:
        async with open_store(settings) as store:
            return await Terminal(_service(settings, lib, store)).new_debate(
                args.topic, args.side, args.rounds, args.seed
            )

    return asyncio.run(run())


def cmd_run(args, settings: Settings) -> int:
    from .discordbot import texts

    if not settings.discord_token:
        print(texts.MISSING_TOKEN.format(config=settings.config_file or default_config_path()), file=sys.stderr)
        return 2
    import discord

    from .discordbot.client import run_bot
    from .web.links import LinkSigner, load_secret

    lib = load_library(settings)
    links = LinkSigner(load_secret(settings), settings.web_url)  # the links /debate link and reports hand out

    async def run() -> int:
        async with open_store(settings) as store:
            try:
                await run_bot(settings, _service(settings, lib, store), links)
            except discord.LoginFailure:
                print("counterpoint: Discord refused the token (DISCORD_TOKEN); check it.", file=sys.stderr)
                return 2
            except discord.PrivilegedIntentsRequired:
                print(
                    "counterpoint: enable the Message Content intent for the bot in the Developer Portal "
                    "(Bot > Privileged Gateway Intents).",
                    file=sys.stderr,
                )
                return 2
        return 0

    return asyncio.run(run())


def cmd_health(args, settings: Settings) -> int:
    from .discordbot.client import health_file_for, healthy

    ok = healthy(settings)
    print("ok" if ok else f"unhealthy: {health_file_for(settings)} missing or stale", file=sys.stderr)
    return 0 if ok else 1


def _sqlite_only(settings: Settings, command: str) -> int | None:
    """backup/restore copy the SQLite file; with PostgreSQL they refuse and point to pg_dump."""
    if is_postgres_url(settings.database_url):
        print(
            f"counterpoint: `{command}` works on the SQLite file only, and DATABASE_URL points to PostgreSQL; use "
            "pg_dump / pg_restore (see docs/deployment.md), or `counterpoint migrate-db` to copy a log between "
            "PostgreSQL and an SQLite file",
            file=sys.stderr,
        )
        return 2
    return None


def cmd_backup(args, settings: Settings) -> int:
    if (refused := _sqlite_only(settings, "backup")) is not None:
        return refused

    async def run() -> int:
        async with SQLiteStore(settings.db_path) as store:
            target = await store.backup(args.path)
            debates = len(await store.list_debates(limit=None))
        print(f"Backed up {debates} debate(s) from {settings.db_path} to {target}", file=sys.stderr)
        return 0

    return asyncio.run(run())


def cmd_restore(args, settings: Settings) -> int:
    if (refused := _sqlite_only(settings, "restore")) is not None:
        return refused
    source = Path(args.path)
    if not source.is_file():
        print(f"counterpoint: no backup at {source}", file=sys.stderr)
        return 1

    async def run() -> int:
        async with SQLiteStore(source) as backup:
            status = await backup.integrity_check()
            if status != "ok":
                print(f"counterpoint: {source} is damaged ({status}); nothing restored", file=sys.stderr)
                return 1
            await backup.backup(settings.db_path)
            debates = len(await backup.list_debates(limit=None))
        print(f"Restored {debates} debate(s) from {source} into {settings.db_path}", file=sys.stderr)
        return 0

    return asyncio.run(run())


def cmd_migrate_db(args, settings: Settings) -> int:
    from .storage.copy import copy_database, summary

    copied = asyncio.run(copy_database(args.source, args.target, force=args.force))
    print(f"Copied {summary(copied.counts)} from {copied.source} to {copied.target}")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    import contextlib
    import signal

    from aiohttp import web

    from .web.app import make_app
    from .web.links import LinkSigner, load_secret

    host = args.host or settings.web_host
    port = settings.web_port if args.port is None else args.port
    if not 1 <= port <= 65535:
        raise ValueError(f"--port must be between 1 and 65535, got {port}")
    base_url = settings.web_url
    if base_url == f"http://127.0.0.1:{settings.web_port}":  # not configured: point at where we listen
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else (f"[{host}]" if ":" in host else host)
        base_url = f"http://{shown}:{port}"
    signer = LinkSigner(load_secret(settings), base_url)
    lib = load_library(settings)

    async def run() -> int:
        async with open_store(settings, read_only=True) as store:  # the viewer never writes to the log
            runner = web.AppRunner(make_app(_service(settings, lib, store), signer), access_log=None)
            await runner.setup()
            try:
                try:
                    await web.TCPSite(runner, host, port).start()
                except OSError as exc:
                    print(f"counterpoint: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
                    return 1
                stop = asyncio.Event()
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # Ctrl-C too: a clean stop, not a cancel
                    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
                        loop.add_signal_handler(sig, stop.set)
                print(f"Serving transcripts (read-only) on http://{host}:{port}/ (Ctrl-C to stop).", file=sys.stderr)
                print("Admin link (sees every debate; keep it private):", file=sys.stderr)
                print(signer.url("all", settings.link_ttl), flush=True)
                await stop.wait()
                print("\nStopped.", file=sys.stderr)
            finally:
                await runner.cleanup()
        return 0

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 0


def cmd_resume(args, settings: Settings) -> int:
    from .terminal import Terminal

    lib = load_library(settings)

    async def run() -> int:
        async with open_store(settings) as store:
            if args.id is None:
                active = await store.list_debates(status="active", platform="terminal", limit=1)
                if not active:
                    print("No unfinished terminal debate to resume. Start one with `counterpoint debate`.")
                    return 1
                record = active[0]
            else:
                record = await store.get_debate(args.id)
            if not record.active:
                print(
                    f"Debate {record.id} is already {record.status}; see `counterpoint transcripts show {record.id}`."
                )
                return 1
            return await Terminal(_service(settings, lib, store)).resume(record)

    return asyncio.run(run())


def cmd_topics(args, settings: Settings) -> int:
    lib = TopicLibrary.load(settings.topics_dir)
    if not lib.topics:
        print(f"No valid topics in {settings.topics_dir}.")
    for t in lib.topics.values():
        sides = " vs ".join(f"{s.name} [{s.id}]" for s in t.sides)
        print(printable(f"{t.id}: {t.motion}\n  sides: {sides}\n  claims: {len(t.claims)}, sources: {len(t.sources)}"))
    for p in lib.problems:
        print(printable(f"invalid: {p}"), file=sys.stderr)
    return 0 if lib.topics else 1


def cmd_validate(args, settings: Settings) -> int:
    paths: list[Path] = []
    for raw in args.paths or [str(settings.topics_dir)]:
        path = Path(raw)
        paths.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
    if not paths:
        print("No topic files found.", file=sys.stderr)
        return 1
    bad = 0
    for path in paths:
        try:
            topic = load_topic_file(path)
        except TopicError as exc:
            bad += 1
            for problem in exc.problems:
                print(printable(str(problem)))
            continue
        print(printable(f"{path}: ok ({topic.id}: {len(topic.claims)} claims, {len(topic.sources)} sources)"))
    return 1 if bad else 0


def cmd_topic(args, settings: Settings) -> int:
    path = Path(args.path)
    if args.action == "new":
        if path.exists() and not args.force:
            print(f"counterpoint: {path} exists; choose another path or add --force to replace it", file=sys.stderr)
            return 1
        try:
            path.write_text(starter_topic_text(), encoding="utf-8")
        except OSError as exc:
            print(f"counterpoint: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"Wrote a starter topic to {path}. Edit it, then run `counterpoint topic check {path}`.")
        return 0
    try:
        topic = load_topic_file(path)
    except TopicError as exc:
        for problem in exc.problems:
            print(printable(str(problem)))
        return 1
    report = check_recognition(topic, Matcher(topic))
    for line in report.lines():
        print(printable(line))
    return 0


def cmd_classify(args, settings: Settings) -> int:
    lib = load_library(settings, quiet=True)
    topic = lib.get(args.topic)
    matcher = Matcher(topic)
    sides = {s.id for s in topic.sides}
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text, side, in_play = item["text"], item.get("side"), item.get("in_play") or []
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            if side is not None and side not in sides:
                raise ValueError(f"side must be one of {', '.join(sorted(sides))}")
            if not isinstance(in_play, list) or not all(isinstance(c, str) for c in in_play):
                raise TypeError("in_play must be a list of claim ids")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            verdict = {"claims": [], "scores": [], "kind": None, "moves": [], "error": f"bad input: {exc}"}
            out.write(json.dumps(verdict) + "\n")
            continue
        if args.top is not None:
            m = matcher.match(text, top=args.top)
            verdict = {"claims": list(m.claims), "scores": list(m.scores), "kind": None, "moves": []}
        else:
            r = matcher.read(text, Context(side, tuple(in_play)))
            kind = r.kind
            if side is None and kind == "unclear":
                kind = "offtopic"  # the claim sets know no "unclear"
            verdict = {
                "claims": list(r.claims),
                "scores": list(r.scores),
                "kind": kind,
                "moves": [m.as_dict() for m in r.moves],
            }
        out.write(json.dumps(verdict) + "\n")
    out.flush()
    return 0


LIST_COLUMNS = ("ID", "STARTED", "STATUS", "TOPIC", "USER", "SIDE", "TURNS", "PLATFORM")


def aligned(header: tuple[str, ...], rows: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> list[str]:
    """A table as lines, each column as wide as its widest cell (counted in terminal cells, so wide
    characters line up), two spaces apart; the columns in ``right`` right-aligned."""
    table = [tuple(printable(c) for c in row) for row in [header, *rows]]
    widths = [max(cell_len(row[i]) for row in table) for i in range(len(header))]

    def pad(i: int, cell: str) -> str:
        gap = " " * (widths[i] - cell_len(cell))
        return gap + cell if i in right else cell + gap

    return ["  ".join(pad(i, c) for i, c in enumerate(row)).rstrip() for row in table]


def cmd_transcripts(args, settings: Settings) -> int:
    async def run() -> int:
        async with open_store(settings) as store:
            if args.action == "list":
                debates = await store.list_debates(status=args.status, limit=args.limit)
                if not debates:
                    print("No debates logged yet.")
                    return 0
                rows = [
                    (str(d.id), d.created_at[:16].replace("T", " "), d.status, d.topic_id, d.user_name, d.user_side,
                     str(d.turn_count), d.platform)
                    for d in debates
                ]  # fmt: skip
                for line in aligned(LIST_COLUMNS, rows, right=(0, 6)):
                    print(line)
                return 0
            service = _service(settings, load_library(settings, quiet=True), store)
            fmt = "md" if args.action == "show" else args.format
            _record, text = await service.transcript(args.id, fmt, debug=args.debug)
            if args.action == "export" and args.output:
                Path(args.output).write_text(text, encoding="utf-8")
                print(f"Wrote {args.output}", file=sys.stderr)
            else:
                sys.stdout.write(text if fmt == "json" else printable(text))
            return 0

    try:
        return asyncio.run(run())
    except DebateNotFound as exc:
        print(f"counterpoint: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
