"""A cold ingest tokenises its texts for BM25 in worker processes: the index must be exactly the
one a single process builds (same tokens per text, same scores), with progress for every text."""
from __future__ import annotations

import numpy as np

from ingest.lawrefbook import parse_law_file
from knowledge.lexical import LegalTokenizer, LexicalIndex, index_text


def _texts(laws_dir) -> list[str]:
    texts = []
    for name in ("劳动合同法", "消费者权益保护法"):
        path = next(laws_dir.rglob(f"{name}*.md"))
        law = parse_law_file(path)
        texts += [index_text(law.short_title, a.path, a.text) for a in law.articles]
    return texts + texts[:5]          # repeated texts are tokenised once


def test_parallel_tokens_build_the_same_index_as_one_process(laws_dir):
    texts = _texts(laws_dir)
    tokenizer = LegalTokenizer(["劳动合同法", "消费者权益保护法"])
    counted: list[int] = []
    one = LexicalIndex.build(texts, tokenizer, {}, workers=1)
    spread = LexicalIndex.build(texts, tokenizer, {}, counted.append, workers=2, parallel_from=1)
    assert sum(counted) == len(texts)
    assert spread.token_cache == one.token_cache and len(one.token_cache) == len(texts) - 5
    for query in ("用人单位拖欠工资", "经营者欺诈 三倍赔偿", "试用期"):
        assert np.array_equal(spread.scores(query), one.scores(query))


def test_a_warm_ingest_reuses_cached_tokens_without_workers(laws_dir):
    texts = _texts(laws_dir)
    tokenizer = LegalTokenizer()
    cache = LexicalIndex.build(texts, tokenizer, {}, workers=1).token_cache
    poisoned = {key: ["缓存"] for key in cache}      # tokens that only the cache can give
    again = LexicalIndex.build(texts, tokenizer, poisoned, workers=2, parallel_from=1)
    assert all(tokens == ["缓存"] for tokens in again.token_cache.values())


def test_a_script_without_a_main_guard_still_gets_its_index(tmp_path):
    """Spawned workers re-run a script's top level; without `if __name__ == "__main__":` they
    fail, and the index is then built in the calling process, not lost."""
    import subprocess
    import sys

    from tests.conftest import REPO

    script = tmp_path / "unguarded.py"
    script.write_text("from knowledge.lexical import LegalTokenizer, LexicalIndex\n"
                      "index = LexicalIndex.build(['劳动者工资被拖欠', '用人单位应当支付', '劳动者工资被拖欠'],\n"
                      "                           LegalTokenizer(), {}, workers=2, parallel_from=1)\n"
                      "print('built', len(index.token_cache), sorted(index.token_cache.values())[0])\n",
                      encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("built 2 ")
    assert "tokenising in this process" in run.stderr
