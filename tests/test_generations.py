"""Generation folders and the CURRENT pointer (no model needed)."""
from __future__ import annotations

import os

import pytest

from knowledge import generations as g


def test_publish_switches_the_pointer_and_ignores_incomplete_generations(tmp_path):
    kb = tmp_path / "kb"
    assert g.current_generation(kb) is None
    first = g.new_generation(kb)
    assert g.current_generation(kb) is None              # not published yet
    g.publish(kb, first)
    assert g.current_generation(kb) == first
    second = kb / "gen-2"
    second.mkdir()
    (kb / g.POINTER).write_text("gen-2")                  # pointer to a folder without COMPLETE
    assert g.current_generation(kb) is None
    g.publish(kb, second)
    assert g.current_generation(kb) == second
    assert g.stale_generations(kb, keep_previous=first) == []
    assert g.stale_generations(kb) == [first]


def test_ingest_lock_is_exclusive(tmp_path):
    with g.ingest_lock(tmp_path):
        with pytest.raises(g.IngestBusy, match=f"pid {os.getpid()}"):   # names the holder
            with g.ingest_lock(tmp_path):
                pass
    with g.ingest_lock(tmp_path):                         # released
        pass
