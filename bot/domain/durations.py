"""Durations as people read them, the same in Discord, the web viewer and the class reports."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """Short form: "45 s" under two minutes, whole minutes from there ("2 min", "14 min")."""
    seconds = max(0, round(seconds))
    return f"{seconds // 60} min" if seconds >= 120 else f"{seconds} s"


def duration_words(seconds: int) -> str:
    """In words, for rules and settings: "1 minute", "5 minutes", "90 seconds"."""
    seconds = max(0, int(seconds))
    if seconds and seconds % 60 == 0:
        m = seconds // 60
        return f"{m} minute{'s' if m != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
