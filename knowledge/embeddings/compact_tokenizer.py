"""e5's tokenizer without the pieces a Chinese text never uses, with the same token ids.

XLM-R's SentencePiece vocabulary has 250,002 pieces; `tokenizers` holds them in a trie that takes
≈ 235 MB of RSS. 147k of them contain a letter of another alphabet (Latin with accents, Cyrillic,
Arabic, Devanagari, kana, Hangul, …). The compact tokenizer keeps the other 103k (Chinese, ASCII,
digits, punctuation, symbols): ≈ 70 MB.

Why the ids are the same: the Unigram model segments a (normalised) text with a lattice of the
vocabulary pieces that occur in it, scored by their log probabilities. When the normalised text
holds none of the dropped letters, no dropped piece occurs in it, so the lattice, the best path and
the ids are those of the full vocabulary (the kept pieces get their original ids back through
`original_ids`; the lowest score, which prices an unknown character, is kept too). A text that does
hold one of those letters is encoded by the full tokenizer, loaded the first time one comes.
"""
from __future__ import annotations

import json
import threading
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


def _cjk(code: int) -> bool:
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F)


def dropped_letter(ch: str) -> bool:
    """A letter outside ASCII and the CJK ideographs: its pieces are left out of the compact vocabulary."""
    code = ord(ch)
    return code >= 0x80 and not _cjk(code) and unicodedata.category(ch).startswith("L")


@dataclass
class Encoded:
    ids: list[int]


class CompactTokenizer:
    """Same `token_ids`/`encode_batch(...).ids` and `token_to_id` as a `tokenizers.Tokenizer` built
    from `tokenizer_json` (with no padding and truncation at `max_length`). `load_full` builds that
    full tokenizer; it is called once, for the first text with a dropped letter."""

    def __init__(self, tokenizer_json: str, max_length: int, load_full: Callable[[], object]):
        from tokenizers import Tokenizer

        spec = json.loads(tokenizer_json)
        model = spec["model"]
        if model.get("type") != "Unigram":
            raise ValueError("only a Unigram (SentencePiece) tokenizer can be made compact")
        vocab = model["vocab"]
        special = {t["id"] for t in spec.get("added_tokens", [])}
        lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
        self.dropped = frozenset(ch for piece, _ in vocab for ch in piece if dropped_letter(ch))
        keep = [i for i, (piece, _) in enumerate(vocab)
                if i in special or i == lowest or not any(ch in self.dropped for ch in piece)]
        new_id = {old: new for new, old in enumerate(keep)}
        model["vocab"] = [vocab[i] for i in keep]
        if model.get("unk_id") is not None:
            model["unk_id"] = new_id[model["unk_id"]]
        for token in spec.get("added_tokens", []):
            token["id"] = new_id[token["id"]]
        for token in ((spec.get("post_processor") or {}).get("special_tokens") or {}).values():
            token["ids"] = [new_id[i] for i in token["ids"]]
        self.original_ids = np.asarray(keep, dtype=np.int64)
        self.vocab_size = len(vocab)
        self._small = Tokenizer.from_str(json.dumps(spec, ensure_ascii=False))
        del spec, vocab, keep, new_id
        self._small.no_padding()
        self._small.enable_truncation(max_length=int(max_length))
        self._load_full = load_full
        self._full = None
        self._full_lock = threading.Lock()

    @property
    def full_loaded(self) -> bool:
        return self._full is not None

    def _full_tokenizer(self):
        with self._full_lock:
            if self._full is None:
                self._full = self._load_full()
            return self._full

    def needs_full(self, text: str) -> bool:
        return not self.dropped.isdisjoint(self._small.normalizer.normalize_str(text))

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        texts = list(texts)
        out: list[list[int] | None] = [None] * len(texts)
        small_at = [i for i, t in enumerate(texts) if not self.needs_full(t)]
        if small_at:
            for i, enc in zip(small_at, self._small.encode_batch([texts[i] for i in small_at])):
                out[i] = self.original_ids[enc.ids].tolist()
        full_at = [i for i, t in enumerate(texts) if out[i] is None]
        if full_at:
            for i, enc in zip(full_at, self._full_tokenizer().encode_batch([texts[i] for i in full_at])):
                out[i] = enc.ids
        return out  # type: ignore[return-value]

    def encode_batch(self, texts: Sequence[str]) -> list[Encoded]:
        return [Encoded(ids) for ids in self.token_ids(texts)]

    def token_to_id(self, token: str) -> int | None:
        found = self._small.token_to_id(token)
        if found is not None:
            return int(self.original_ids[found])
        return self._full_tokenizer().token_to_id(token)
