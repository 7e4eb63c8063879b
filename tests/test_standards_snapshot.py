"""StandardsBook.snapshot keeps the table it built while the staff overrides stay the same (every
chat turn reads it; rebuilding it cost ~1 ms a turn), and never serves a table older than the
overrides in the records database: an edit made through another worker's book applies to the
next snapshot."""
from __future__ import annotations

from assistant.eligibility.regions import RegionEntry, load_base_regions
from assistant.eligibility.standards import StandardsBook


def _some_region() -> tuple[str, dict]:
    region, entry = next(iter(load_base_regions()["regions"].items()))
    return region, entry


def test_the_table_is_reused_while_the_overrides_stay_the_same(records_engine):
    book = StandardsBook(records_engine)
    first = book.snapshot()
    assert book.snapshot() is first


def test_an_override_written_by_another_worker_applies_to_the_next_snapshot(records_engine):
    region, entry = _some_region()
    this_worker, other_worker = StandardsBook(records_engine), StandardsBook(records_engine)
    before = this_worker.snapshot()
    assert before.entries[region].legal_aid_centre != "测试法律援助中心"

    changed = RegionEntry.model_validate({**entry, "legal_aid_centre": "测试法律援助中心"})
    other_worker.put(region, changed, actor="admin")

    after = this_worker.snapshot()
    assert after is not before
    assert after.entries[region].legal_aid_centre == "测试法律援助中心"
    assert before.entries[region].legal_aid_centre != "测试法律援助中心"   # the old table was not changed in place

    other_worker.put(region, RegionEntry.model_validate(entry), actor="admin")   # back to the file's entry
    assert this_worker.snapshot().entries[region].legal_aid_centre == before.entries[region].legal_aid_centre
