"""The house's layering, checked on the source: the domain imports no I/O library, and adapters reach the
log only through the service (no adapter imports bot.storage)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
IO_LIBRARIES = {"discord", "aiosqlite", "asyncpg", "yaml", "aiohttp", "PIL", "sqlite3", "jinja2", "rich"}
ADAPTERS = [BOT / "terminal.py", *sorted((BOT / "discordbot").glob("*.py")), *sorted((BOT / "web").glob("*.py"))]


def imports(path: Path) -> set[str]:
    """Absolute module names a file imports (relative ones resolved against the bot package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(BOT.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_domain_imports_no_io_library():
    for path in sorted((BOT / "domain").glob("*.py")):
        bad = {m for m in imports(path) if m.split(".")[0] in IO_LIBRARIES}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_adapters_do_not_import_the_storage_layer():
    assert ADAPTERS
    for path in ADAPTERS:
        bad = {m for m in imports(path) if m == "bot.storage" or m.startswith("bot.storage.")}
        assert not bad, f"{path.relative_to(BOT.parent)} imports {sorted(bad)}"


def test_relative_imports_are_resolved():
    """The checker itself: `from ..service import X` in bot/discordbot is read as bot.service."""
    probe = BOT / "discordbot" / "cog.py"
    assert "bot.service" in imports(probe)


def test_the_discord_modules_import_no_circle():
    """client.py builds the cogs; the cogs, buttons and delivery import neither the client nor each other's cogs
    (they see the bot as host.Host and the debate cog as host.Debates), not even for type hints."""
    cogs = {"bot.discordbot.client", "bot.discordbot.cog", "bot.discordbot.classes"}
    for path in sorted((BOT / "discordbot").glob("*.py")):
        if path.name == "client.py":
            continue
        mine = f"bot.discordbot.{path.stem}"
        bad = {m for m in imports(path) if m in cogs - {mine}}
        assert not bad, f"{path.name} imports {sorted(bad)}"
    assert {"bot.discordbot.cog", "bot.discordbot.classes"} <= imports(BOT / "discordbot" / "client.py")
