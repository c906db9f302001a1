"""Storage of debates and turns behind a small interface (``Store``)."""

from .base import DuplicateMessage, Store
from .sqlite import SQLiteStore

__all__ = ["DuplicateMessage", "SQLiteStore", "Store"]
