"""The sides of the body (no NumPy here: the command line's choices use it too)."""

from __future__ import annotations

from enum import Enum


class Side(str, Enum):
    """A side of the body. A `str` so that logs, JSON and CSV hold plain "left"/"right"."""

    LEFT = "left"
    RIGHT = "right"

    def __str__(self) -> str:  # f-strings and tables show "left"
        return self.value

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


SIDES = tuple(Side)
