"""The compact e5 tokenizer (knowledge/embeddings/compact_tokenizer.py): the ids of the full
250k-piece tokenizer from a vocabulary without other alphabets' pieces; texts with such letters
go to the full tokenizer, loaded only then."""
from __future__ import annotations

from pathlib import Path

import pytest
from tokenizers import Tokenizer

from knowledge.embeddings import OnnxEmbedder, model_folder, shared_tokenizer
from knowledge.embeddings.compact_tokenizer import CompactTokenizer
from knowledge.lexical import DATA as LEXICON
from tests.conftest import REPO

TOKENIZER_JSON = model_folder(REPO / "data" / "models") / "tokenizer.json"
FIXTURE_LAWS = REPO / "tests" / "fixtures" / "laws"

# letters of other alphabets (→ the full tokenizer) and everything around them that stays compact
OTHER_ALPHABETS = ["café 老板", "Москва 工资", "とても 工资", "1㎛ 厚"]
COMPACT = ["老板拖欠工资😭怎么办", "e\u0301 (a combining accent is no letter)", "Ａ公司拖欠ＸＹＺ三个月工资", "①②③ ℃ ㎡ Ⅳ", "  多个   空格  ", "",
           "ﬁ ligature", "\u3000全角空格", "<mask> 工资 <pad>", "WiFi密码被改了 P2P 借贷 KTV",
           "第三十八条 用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。" * 40]


def full_tokenizer(max_length: int = 512) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(TOKENIZER_JSON))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


@pytest.fixture(scope="module")
def compact() -> CompactTokenizer:
    return CompactTokenizer(TOKENIZER_JSON.read_text(encoding="utf-8"), 512, full_tokenizer)


def utf8_lines(path: Path) -> list[str]:
    try:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except UnicodeDecodeError:        # the fixtures hold a GBK file on purpose
        return []


def real_texts() -> list[str]:
    laws = [line for path in sorted(FIXTURE_LAWS.rglob("*.md")) for line in utf8_lines(path)]
    lay = (LEXICON / "lay_vocabulary.tsv").read_text(encoding="utf-8").splitlines()
    terms = (LEXICON / "legal_terms.txt").read_text(encoding="utf-8").splitlines()
    return ["passage: " + t for t in laws] + ["query: " + t for t in lay + terms]


def test_the_compact_tokenizer_gives_the_full_tokenizers_ids(compact):
    texts = real_texts() + COMPACT + OTHER_ALPHABETS
    assert len(texts) > 400
    assert compact.token_ids(texts) == [e.ids for e in full_tokenizer().encode_batch(texts)]
    assert compact.token_to_id("<pad>") == 1 and compact.token_to_id("<mask>") == 250_001


def test_it_holds_under_half_of_the_vocabulary_and_loads_the_full_one_only_for_other_alphabets():
    loads = []

    def load_full():
        loads.append(1)
        return full_tokenizer()

    compact = CompactTokenizer(TOKENIZER_JSON.read_text(encoding="utf-8"), 512, load_full)
    assert len(compact.original_ids) < compact.vocab_size / 2
    compact.token_ids(COMPACT + real_texts()[:200])
    assert loads == [] and not compact.full_loaded
    for text in OTHER_ALPHABETS:
        assert compact.needs_full(text), text
    assert compact.token_ids(["café 老板"]) == [full_tokenizer().encode("café 老板").ids]
    compact.token_ids(OTHER_ALPHABETS)
    assert loads == [1]


def test_truncation_is_that_of_the_full_tokenizer():
    compact = CompactTokenizer(TOKENIZER_JSON.read_text(encoding="utf-8"), 128, lambda: full_tokenizer(128))
    long_text, long_other = "劳" * 400, "é劳" * 300
    assert compact.token_ids([long_text, long_other]) == [full_tokenizer(128).encode(t).ids
                                                          for t in (long_text, long_other)]
    assert len(compact.token_ids([long_text])[0]) == 128


def test_the_served_encoder_uses_the_compact_tokenizer():
    encoder = OnnxEmbedder(TOKENIZER_JSON.parent, threads=1)
    assert isinstance(encoder.tokenizer, CompactTokenizer)
    assert encoder.tokenizer is shared_tokenizer(TOKENIZER_JSON, encoder.max_length)
    # the shared instance lives for the whole test run: an earlier test may have given it a text in
    # another alphabet already; a Chinese question must not be what loads the full tokenizer
    assert not encoder.tokenizer.needs_full("老板拖欠工资怎么办")
    loaded_before = encoder.tokenizer.full_loaded
    assert encoder.embed_queries(["老板拖欠工资怎么办"]).shape == (1, encoder.dim)
    assert encoder.tokenizer.full_loaded == loaded_before


def test_a_non_unigram_tokenizer_file_is_loaded_as_it_is(tmp_path: Path):
    from tokenizers import models

    wordlevel = Tokenizer(models.WordLevel({"<unk>": 0, "工资": 1}, unk_token="<unk>"))
    path = tmp_path / "tokenizer.json"
    wordlevel.save(str(path))
    assert isinstance(shared_tokenizer(path, 16), Tokenizer)
