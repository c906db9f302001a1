"""Counterpoint: a debate sparring partner for Discord and the terminal."""

__version__ = "0.1.0"
