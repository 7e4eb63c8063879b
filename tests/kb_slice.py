"""The `small_kb` test knowledge base: the hand-written fixtures in tests/fixtures/laws plus a
realistic slice of ../shared/laws, copied into a temporary folder and ingested with the real
model and real Chroma. Embeddings persist in data/test-cache (git-ignored) so re-runs are fast."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST_CACHE = REPO / "data" / "test-cache" / "embeddings.sqlite3"

# relative to ../shared/laws; a mix of laws, regulations, an older+newer version pair and cases
SLICE = [
    "社会法/劳动合同法(2012-12-28).md",
    "社会法/劳动法(2018-12-29).md",
    "社会法/反家庭暴力法(2015-12-27).md",
    "社会法/妇女权益保障法(2018-10-26).md",     # older version (as_of)
    "社会法/妇女权益保障法(2022-10-30).md",     # current version, in force 2023-01-01
    "诉讼与非诉讼程序法/劳动争议调解仲裁法(2007-12-29).md",
    "行政法/法律援助法(2021-08-20).md",
    "行政法规/工伤保险条例(2010-12-20).md",
    "民法商法/消费者权益保护法(2013-10-25).md",
    "案例/劳动人事/加班费的仲裁时效应当如何认定.md",
    "案例/劳动人事/劳动者拒绝违法超时加班安排，用人单位能否解除劳动合同.md",
]


def build_slice(target: Path, fixtures_laws: Path, shared_laws: Path) -> Path:
    """Copy the fixtures and the slice into `target` (never into the repo); returns target."""
    if fixtures_laws.is_dir():
        shutil.copytree(fixtures_laws, target, dirs_exist_ok=True)
    for rel in SLICE:
        src = shared_laws / rel
        if not src.is_file():
            raise FileNotFoundError(f"slice file missing from the corpus: {src}")
        dst = target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return target
