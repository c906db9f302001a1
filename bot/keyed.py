"""A dict of per-key asyncio locks: one lock per debate, class or user, made on first use."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable


class KeyedLocks:
    """``locks[key]`` is the same asyncio.Lock for the same key. Locks of keys not in use are dropped when
    the dict grows past ``max_idle``, so a long-running bot does not keep one for every debate it ever saw."""

    def __init__(self, max_idle: int = 10_000):
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self.max_idle = max_idle

    def __getitem__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            if len(self._locks) >= self.max_idle:
                self._locks = {k: v for k, v in self._locks.items() if v.locked()}
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def __len__(self) -> int:
        return len(self._locks)
