"""Storage of debates and turns behind a small interface (``Store``)."""

from .base import DuplicateMessage, StorageUnavailable, Store
from .sqlite import SQLiteStore

__all__ = ["DuplicateMessage", "SQLiteStore", "StorageUnavailable", "Store"]
