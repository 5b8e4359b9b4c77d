"""Small helpers for the sentences repcam says and prints."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """'1 rep', '2 reps', '0 sets'."""
    return f"{count} {word}" + ("" if count == 1 else "s")
