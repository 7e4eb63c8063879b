"""Repeals the statute files do not show (ingest/repeals.tsv): LawRefBook keeps a repealed
instrument's file unchanged, so without this list the 2001 劳动争议 interpretation, repealed with
the 民法典's entry into force, would be served as 有效 next to its successor."""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPEALS_FILE = Path(__file__).with_name("repeals.tsv")
# a deployment's own rows, in a file of the same format outside the package (an upgrade replaces
# the packaged list and keeps this one); a title in both lists is an error, as within one list
EXTRA_ENV = "FAYUAN_REPEALS_FILE"
META_KEY = "repeals_sha256"      # kb_meta: the list an ingest applied; a new list means a re-parse
# bump when the way a repeal is applied changes (2: it also ends the version's validity window), so
# knowledge bases ingested before re-read the listed files once
APPLIED_AS = "2"


@dataclass(frozen=True)
class Repeal:
    title: str
    date: str          # ISO date the repeal took effect
    by: str            # the repealing instrument

    def in_force(self, today: str | None = None) -> bool:
        return self.date <= (today or _dt.date.today().isoformat())

    def fingerprint(self, content_hash: str, today: str | None = None) -> str:
        """The file's content hash with this row (and whether it is in force yet) mixed in, so
        adding or changing the row, or its date passing, makes an incremental ingest re-read the file."""
        row = f"{APPLIED_AS}\t{content_hash}\t{self.date}\t{self.by}\t{self.in_force(today)}"
        return hashlib.sha256(row.encode()).hexdigest()


def _extra_setting() -> str:
    """FAYUAN_REPEALS_FILE from the environment, else from the settings (a `.env` file)."""
    env = os.environ.get(EXTRA_ENV, "").strip()
    if env:
        return env
    try:
        from knowledge.settings import knowledge_settings

        return str(knowledge_settings().repeals_file or "")
    except Exception:   # settings invalid for other reasons: those are reported where they are used
        return ""


def repeal_files() -> list[Path]:
    """The packaged list, then the deployment's (FAYUAN_REPEALS_FILE) when set."""
    extra = _extra_setting()
    if extra and not Path(extra).is_file():
        raise ValueError(f"{EXTRA_ENV}={extra}: no such file")
    return [REPEALS_FILE, *([Path(extra)] if extra else [])]


def parse_repeals(text: str, source: str = "repeals") -> dict[str, Repeal]:
    """The rows of one list (see _parse_lists)."""
    return _parse_lists(((source, text),))


@lru_cache(maxsize=4)
def _parse_lists(lists: tuple[tuple[str, str], ...]) -> dict[str, Repeal]:
    """Every row of the (source name, text) lists, in order; a malformed row, or a second row for an
    instrument already listed in any of them, is an error naming its source and line."""
    out: dict[str, Repeal] = {}
    where: dict[str, str] = {}
    for source, text in lists:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or not all(p.strip() for p in parts):
                raise ValueError(f"{source} line {n}: expected 'title<TAB>YYYY-MM-DD<TAB>repealed by', got {line!r}")
            title, date, by = (p.strip() for p in parts)
            try:
                _dt.date.fromisoformat(date)
            except ValueError:
                raise ValueError(f"{source} line {n}: {date!r} is not a YYYY-MM-DD date") from None
            if title in out:
                # two rows for one instrument: which date is meant is a staff decision, not ours
                raise ValueError(f"{source} line {n}: {title!r} is already listed ({where[title]})")
            out[title], where[title] = Repeal(title, date, by), f"{source} line {n}"
    return out


def known_repeals() -> dict[str, Repeal]:
    """Every listed repeal. Keyed by the lists' text (read on each call, a few KB), so an edited
    list is never served from a stale parse in a long-running process."""
    return _parse_lists(tuple(("repeals" if f == REPEALS_FILE else str(f), f.read_text(encoding="utf-8"))
                              for f in repeal_files()))


def repeals_digest(today: str | None = None) -> str:
    """The list as an ingest applies it today: its bytes and the rows already in force (a row dated
    ahead changes the digest on the day it takes effect)."""
    h = hashlib.sha256(APPLIED_AS.encode())
    for f in repeal_files():
        h.update(f.read_bytes())
    h.update("\n".join(sorted(t for t, r in known_repeals().items() if r.in_force(today))).encode())
    return h.hexdigest()
