"""What both stores share about their schema: the numbered migration files and the message for a database
whose schema version this code does not match."""

from __future__ import annotations

import re
from importlib import resources

from .base import DatabaseProblem

_FILE = re.compile(r"^(\d{4})_(\w+)\.sql$")


def load_migrations(folder: str) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every ``NNNN_name.sql`` in ``bot/storage/<folder>/``, in order; numbered
    0001, 0002, ... without gaps (a gap is a packaging mistake, refused before anything is applied)."""
    out = []
    for entry in resources.files(__package__).joinpath(folder).iterdir():
        m = _FILE.match(entry.name)
        if m:
            out.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if versions != list(range(1, len(out) + 1)):
        raise RuntimeError(f"migrations must be numbered 0001, 0002, ... without gaps; found {versions}")
    return out


def schema_problem(where: str, current: int, known: int) -> DatabaseProblem:
    if current > known:
        return DatabaseProblem(
            where,
            f"schema version {current}, newer than this Counterpoint knows ({known})",
            "upgrade Counterpoint (pip install -U counterpoint) to use it",
        )
    return DatabaseProblem(
        where,
        f"schema version {current}, older than this Counterpoint ({known})",
        "the viewer only reads it: upgrade it once with `counterpoint transcripts list` (or by starting the bot), "
        "then start the viewer again",
    )
