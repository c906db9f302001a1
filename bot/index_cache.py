"""Built matcher indexes (and parsed topic files) kept on disk, keyed by the topic's content hash and the code.

A 2,000-claim topic takes seconds to parse and index; every process start (the bot, `counterpoint serve`, a
shard) would pay it again. The cache stores Matcher.index_data() and the YAML document's plain data with
``marshal`` (plain data only: no code is loaded) in a directory of the bot's own (created 0700, files 0600).
The topic is still validated at every load; only the parse and the index build are skipped. A file that is
missing, damaged or from other code is ignored and rebuilt; a cache that cannot be written is logged once and
the bot goes on.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import marshal
import os
import sys
import tempfile
from pathlib import Path

from .domain.matcher import Matcher
from .domain.topic import Topic

log = logging.getLogger(__name__)
MAX_FILES = 64  # the newest are kept
_CODE_FILES = ("domain/matcher.py", "domain/text.py", "domain/english.py", "domain/misconceptions.py",
               "domain/moves.py", "domain/topic.py", "topic_files.py")  # fmt: skip


@functools.lru_cache(maxsize=1)  # once a process: the files do not change under it
def _code_fingerprint() -> str:
    """What an index depends on besides the topic: the matcher's code and the Python version (marshal's
    format changes between versions)."""
    import yaml

    h = hashlib.sha256(f"{sys.version} {yaml.__version__}".encode())
    package = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        h.update((package / name).read_bytes())
    return h.hexdigest()


class IndexCache:
    """``matcher(topic)``: a Matcher of the topic, its index read from the cache when there (``directory``
    None: no cache, every index built)."""

    def __init__(self, directory: str | Path | None):
        self.directory = Path(directory) if directory is not None else None
        self._code: str | None = None
        self._warned = False

    def _path(self, content_hash: str, suffix: str) -> Path | None:
        if self.directory is None or not content_hash:
            return None
        if self._code is None:
            self._code = _code_fingerprint()
        key = hashlib.sha256(f"{content_hash}:{self._code}".encode()).hexdigest()[:40]
        return self.directory / f"{key}.{suffix}"

    def _read(self, path: Path | None):
        if path is None:
            return None
        try:
            return marshal.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception as exc:  # damaged, truncated, another layout: built again
            log.warning("cache file %s unreadable (%s); building it again", path.name, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def matcher(self, topic: Topic) -> Matcher:
        path = self._path(topic.content_hash, "index")
        data = self._read(path)
        if data is not None:
            try:
                return Matcher(topic, index=data)
            except (TypeError, KeyError, ValueError) as exc:
                log.warning("cached index %s does not fit (%s); building it again", path.name, exc)
        built = Matcher(topic)
        if path is not None:
            self._write(path, built.index_data())
        return built

    # the parsed YAML of topic files (bot.topic_files asks before parsing)
    def topic_data(self, content_hash: str):
        """The plain data of the topic file with this content, if kept; None otherwise."""
        return self._read(self._path(content_hash, "data"))

    def keep_topic_data(self, content_hash: str, data) -> None:
        path = self._path(content_hash, "data")
        if path is not None:
            self._write(path, data)

    def _write(self, path: Path, data) -> None:
        try:
            blob = marshal.dumps(data)
        except ValueError:  # a value marshal cannot keep (a date from a !!timestamp): not cached
            return
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(blob)
                os.replace(tmp, path)  # whole or not at all: a reader never sees half a file
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._prune(path.parent)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning(
                    "cannot write the index cache in %s (%s); indexes are built at each start", path.parent, exc
                )

    @staticmethod
    def _prune(directory: Path) -> None:
        files = sorted(
            [*directory.glob("*.index"), *directory.glob("*.data")], key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in files[MAX_FILES:]:
            with contextlib.suppress(OSError):
                old.unlink()
