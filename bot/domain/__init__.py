"""The domain: topics, matcher, debate engine and scorecard.

Plain Python only: nothing here imports discord, aiosqlite or yaml, so every piece can be
tested with plain values.
"""
