"""`counterpoint serve` as a real subprocess for the web tests: a free port, a clean environment."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
from pathlib import Path

from .conftest import MINI


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(db: Path, root: Path, **env: str) -> tuple[subprocess.Popen, int, str]:
    """Start the viewer on ``db`` (the mini topic; config and data directories under ``root``); returns the
    process, its port and the first line it printed (the admin link), or "" if none came within 20 s."""
    full = dict(os.environ)
    for name in ("COUNTERPOINT_WEB_SECRET", "COUNTERPOINT_WEB_URL", "COUNTERPOINT_WEB_HOST", "COUNTERPOINT_WEB_PORT"):
        full.pop(name, None)
    full.update(
        COUNTERPOINT_DB=str(db),
        COUNTERPOINT_TOPICS=str(MINI.parent),
        COUNTERPOINT_CONFIG="",
        XDG_CONFIG_HOME=str(root / "config"),
        XDG_DATA_HOME=str(root / "data"),
        **env,
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 20)
    return proc, port, proc.stdout.readline().strip() if ready else ""
