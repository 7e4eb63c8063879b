"""What the parsers raise."""
from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(Exception):
    """A file that cannot be made sense of.  The message says why, in plain words."""
